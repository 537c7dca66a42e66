//! `ioreg -c <class> -r -l -w0 -d1`: the I/O Kit registry entries of one class (USB
//! devices, the platform expert with the serial number and UUID), as key/value maps.

use std::collections::BTreeMap;

pub type Device = BTreeMap<String, String>;

/// `"key" = "text"`, `"key" = <hex>` or `"key" = 1234`; other values (dictionaries,
/// arrays, `Yes`) are left out.
fn property(line: &str) -> Option<(&str, &str)> {
    let start = line.find('"')?;
    let rest = &line[start + 1..];
    let end = rest.find('"')?;
    let key = &rest[..end];
    let value = rest[end + 1..].strip_prefix(" = ")?.trim_end();
    if key.is_empty() {
        return None;
    }
    let inner = value.strip_prefix('<').unwrap_or(value);
    if let Some(quoted) = inner.strip_prefix('"') {
        let end = quoted.find('"')?;
        let text = &quoted[..end];
        return (!text.is_empty()).then_some((key, text));
    }
    // a number or hex data: the run of hex digits, then the end, `>` or a blank
    let run = inner
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(inner.len());
    let after = inner[run..].chars().next();
    (run > 0 && matches!(after, None | Some('>') | Some(' '))).then_some((key, &inner[..run]))
}

/// The entries of exactly `class` (not its subclasses), in order.
pub fn parse(text: &str, class: &str) -> Vec<Device> {
    let marker = format!("<class {class},");
    let mut out = Vec::new();
    let mut current: Option<Device> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.contains(&marker) {
            out.extend(current.replace(Device::new()));
            continue;
        }
        let Some(dev) = current.as_mut() else {
            continue;
        };
        if line.contains("| }") {
            out.extend(current.take());
            continue;
        }
        if let Some((k, v)) = property(line) {
            dev.insert(k.to_string(), v.to_string());
        }
    }
    out.extend(current);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn usb_devices() {
        let d = super::parse("+-o Root  <class IORegistryEntry, id 0x100000100, retain 11>\n  +-o IR Receiver@5d100000  <class IOUSBDevice, id 0x1000002cb, registered, matched, active, busy 0 (0 ms), retain 9>\n  | {\n  |   \"USB Product Name\" = \"IR Receiver\"\n  |   \"idVendor\" = 1452\n  |   \"kUSBSerialNumberString\" = <4a31>\n  |   \"IOCFPlugInTypes\" = {\"9dc7b780\"=\"IOUSBFamily.kext\"}\n  |   \"Built-In\" = Yes\n  | }\n  +-o Hub  <class IOUSBHubDevice, id 0x1000002cc>\n  | {\n  |   \"idVendor\" = 1\n  | }\n", "IOUSBDevice");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0]["USB Product Name"], "IR Receiver");
        assert_eq!(d[0]["idVendor"], "1452");
        assert_eq!(d[0]["kUSBSerialNumberString"], "4a31");
        assert!(!d[0].contains_key("Built-In"));
        assert!(!d[0].contains_key("IOCFPlugInTypes"));
        assert_eq!(
            super::property("  |   \"Speed\" = 12 (0xc)"),
            Some(("Speed", "12"))
        );
        assert_eq!(super::property("  |   \"Addr\" = 0x1f"), None);
    }
}
