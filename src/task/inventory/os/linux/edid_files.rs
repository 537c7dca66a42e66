//! Where a Linux machine exposes its monitors' EDID: `/sys/class/drm/<card>-<connector>/edid`,
//! one binary blob per connected display (empty when nothing is plugged in). The MONITORS
//! module (EDID parsing lives elsewhere) reads the blobs through this.

use crate::source::Source;

const DRM: &str = "/sys/class/drm";

/// The connector part of a DRM entry name (`card0-HDMI-A-1` → `HDMI-A-1`); entries that
/// are cards or render nodes (`card0`, `renderD128`, `version`) give `None`.
pub fn connector(entry: &str) -> Option<&str> {
    let rest = entry.strip_prefix("card")?;
    let (card, conn) = rest.split_once('-')?;
    (!card.is_empty() && card.bytes().all(|b| b.is_ascii_digit()) && !conn.is_empty())
        .then_some(conn)
}

/// `(connector name, EDID bytes)` of every connector with a non-empty EDID, in
/// connector order.
pub fn edid_files(src: &dyn Source) -> Vec<(String, Vec<u8>)> {
    src.list_dir(DRM)
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let conn = connector(entry)?;
            let bytes = src.read(&format!("{DRM}/{entry}/edid"))?;
            (!bytes.is_empty()).then(|| (conn.to_string(), bytes))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    #[test]
    fn connected_displays_only() {
        let edid = [0x00u8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x10, 0xac];
        let src = FakeSource::new()
            .file("/sys/class/drm/card0/dev", "226:0\n")
            .file("/sys/class/drm/card0-eDP-1/edid", edid)
            .file("/sys/class/drm/card0-HDMI-A-1/edid", b"".as_slice())
            .file("/sys/class/drm/card0-DP-1/status", "disconnected\n")
            .file("/sys/class/drm/card1-DP-2/edid", edid)
            .file("/sys/class/drm/renderD128/dev", "226:128\n")
            .file("/sys/class/drm/version", "drm 1.1.0\n");
        let got = edid_files(&src);
        assert_eq!(
            got,
            vec![
                ("eDP-1".to_string(), edid.to_vec()),
                ("DP-2".to_string(), edid.to_vec())
            ]
        );
        assert!(edid_files(&FakeSource::new()).is_empty());
    }

    #[test]
    fn connector_names() {
        assert_eq!(connector("card0-HDMI-A-1"), Some("HDMI-A-1"));
        assert_eq!(connector("card12-DP-3"), Some("DP-3"));
        assert_eq!(connector("card0"), None);
        assert_eq!(connector("cardx-DP-1"), None);
        assert_eq!(connector("card0-"), None);
        assert_eq!(connector("renderD128"), None);
    }
}
