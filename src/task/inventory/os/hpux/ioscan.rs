//! `ioscan -kF[n]C <class>`, the HP-UX I/O tree in its "scannable" format: one line of
//! colon-separated fields per device (field 1 the bus type, field 18 the description),
//! followed with `-n` by indented lines of its device files.

/// One device of an `ioscan -kFnC` listing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// Field 1: the bus type (`scsi`, `pci`…).
    pub bus: String,
    /// Field 18: the description (`HP      LOGICAL VOLUME`).
    pub description: Option<String>,
    /// The device files listed under it, one string per indented line (first file of the
    /// line first).
    pub files: Vec<Vec<String>>,
}

/// Parses `ioscan -kF[n]C <class>` output.
pub fn parse_ioscan(text: &str) -> Vec<Device> {
    let mut devices: Vec<Device> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            if let Some(last) = devices.last_mut() {
                last.files
                    .push(line.split_whitespace().map(str::to_string).collect());
            }
            continue;
        }
        let fields: Vec<&str> = line.split(':').collect();
        devices.push(Device {
            bus: fields[0].to_string(),
            description: fields
                .get(17)
                .map(|d| d.trim_end_matches('\n').to_string())
                .filter(|d| !d.is_empty()),
            files: Vec::new(),
        });
    }
    devices
}

/// A SCSI description (`HP      LOGICAL VOLUME`) → (maker, model): the first word, and
/// the rest after the spaces.
pub fn maker_model(description: &str) -> Option<(String, String)> {
    let (maker, rest) = description.split_once(char::is_whitespace)?;
    let model = rest.trim();
    (!maker.is_empty() && !model.is_empty() && description.trim_end() == description)
        .then(|| (maker.to_string(), model.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_files() {
        let d = parse_ioscan(
            "scsi:wsio:T:T:F:31:188:393216:disk:sdisk:0/3/1/0/4/0.0.0:0 0 2 2 :1:root.sba:sdisk:CLAIMED:DEVICE:HP      LOGICAL VOLUME:6\n\
             \x20                          /dev/dsk/c6t0d0     /dev/rdsk/c6t0d0\n\
             \x20                          /dev/dsk/c6t0d0s1   /dev/rdsk/c6t0d0s1\n\
             short:line\n",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].bus, "scsi");
        assert_eq!(d[0].description.as_deref(), Some("HP      LOGICAL VOLUME"));
        assert_eq!(d[0].files.len(), 2);
        assert_eq!(d[0].files[1][0], "/dev/dsk/c6t0d0s1");
        assert_eq!(d[1].description, None);
        assert_eq!(
            maker_model("HP      LOGICAL VOLUME"),
            Some(("HP".into(), "LOGICAL VOLUME".into()))
        );
        assert_eq!(maker_model("TAPE"), None);
    }
}
