//! `/etc/os-release` (and `/etc/debian_version`): the distribution's name and version.

use std::collections::BTreeMap;

/// Parses `KEY=value` / `KEY="value"` lines.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                .unwrap_or(v);
            out.insert(
                k.trim().to_string(),
                v.replace("\\\"", "\"").replace("\\$", "$"),
            );
        }
    }
    out
}

/// The distribution facts the inventory reports.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Distro {
    /// `Debian GNU/Linux`
    pub name: Option<String>,
    /// `12.8` (Debian's precise version when known) or `VERSION_ID`
    pub version: Option<String>,
    /// `Debian GNU/Linux 12 (bookworm)`
    pub full_name: Option<String>,
    /// `12`: os-release's own version, what the OCS dialect reports
    pub version_id: Option<String>,
}

/// Reads os-release text, with `/etc/debian_version` for Debian's point release.
pub fn distro(os_release: &str, debian_version: Option<&str>) -> Distro {
    let kv = parse(os_release);
    let mut version = kv.get("VERSION_ID").cloned();
    if kv.get("ID").map(String::as_str) == Some("debian") {
        if let Some(dv) = debian_version
            .map(str::trim)
            .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()))
        {
            version = Some(dv.to_string());
        }
    }
    Distro {
        name: kv.get("NAME").cloned(),
        version,
        full_name: kv.get("PRETTY_NAME").cloned(),
        version_id: kv.get("VERSION_ID").cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian() {
        let text = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
        let d = distro(text, Some("12.8\n"));
        assert_eq!(d.name.as_deref(), Some("Debian GNU/Linux"));
        assert_eq!(d.version.as_deref(), Some("12.8"));
        assert_eq!(
            d.full_name.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        let u = distro(
            "NAME=Ubuntu\nVERSION_ID='24.04'\nID=ubuntu\n",
            Some("trixie/sid"),
        );
        assert_eq!(u.version.as_deref(), Some("24.04"));
        assert_eq!(distro("garbage\n=\n", None), Distro::default());
    }
}
