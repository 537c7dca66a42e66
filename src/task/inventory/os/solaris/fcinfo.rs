//! `fcinfo hba-port`: Fibre Channel HBA ports, reported as NETWORKS of type
//! `fibrechannel` (one per port, closed by its `Node WWN:` line).

use crate::task::inventory::model::Entry;

/// `4Gb` → `4000`, `100Mb` → `100` (Mb/s); `None` for anything else.
pub fn link_speed(text: &str) -> Option<String> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let n: u64 = digits.parse().ok()?;
    let unit = text[digits.len()..].trim_start().to_ascii_lowercase();
    let factor = if unit.starts_with("gb") || unit.starts_with("gbit") {
        1000
    } else if unit.starts_with("mb") || unit.starts_with("mbit") {
        1
    } else if unit.starts_with("tb") {
        1_000_000
    } else {
        return None;
    };
    Some((n * factor).to_string())
}

fn value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let v = line.trim_start().strip_prefix(key)?.strip_prefix(':')?;
    let v = v.trim();
    (!v.is_empty()).then_some(v)
}

pub fn parse_fcinfo(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut e = Entry::new();
    let mut online = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if value(line, "HBA Port WWN").is_some() {
            e.set("DESCRIPTION", format!("HBA_Port_WWN_{}", out.len() + 1));
        }
        if let Some(v) = value(line, "OS Device Name") {
            let d = e.get("DESCRIPTION").unwrap_or("").to_string();
            e.set(
                "DESCRIPTION",
                format!("{d} {}", v.split_whitespace().next().unwrap_or(v)),
            );
        }
        if let Some(v) = value(line, "Current Speed") {
            e.set_opt("SPEED", link_speed(v));
        }
        if let Some(v) = value(line, "Node WWN") {
            e.set("WWN", v);
        }
        if let Some(v) = value(line, "Driver Name") {
            e.set("DRIVER", v);
        }
        if let Some(v) = value(line, "Manufacturer") {
            e.set("MANUFACTURER", v);
        }
        if let Some(v) = value(line, "Model") {
            e.set("MODEL", v);
        }
        if let Some(v) = value(line, "Firmware Version") {
            e.set("FIRMWARE", v);
        }
        // the reference takes `online` anywhere in a port's lines for its state
        if line.contains("online") {
            online = true;
        }
        if e.has("DESCRIPTION") && e.has("WWN") {
            e.set("TYPE", "fibrechannel")
                .set("STATUS", if online { "Up" } else { "Down" });
            out.push(std::mem::take(&mut e));
            online = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        let p = parse_fcinfo("HBA Port WWN: 210000e08b94b4a3\n        OS Device Name: /dev/cfg/c0\n        Manufacturer: QLogic Corp.\n        Model: QLE2462\n        Driver Name: qlc\n        State: online\n        Current Speed: 4Gb\n        Node WWN: 200000e08b94b4a3\nHBA Port WWN: 210100e08bb4b4a3\n        OS Device Name: /dev/cfg/c1\n        State: offline\n        Current Speed: not established\n        Node WWN: 200100e08bb4b4a3\n");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].get("DESCRIPTION"), Some("HBA_Port_WWN_1 /dev/cfg/c0"));
        assert_eq!(p[0].get("SPEED"), Some("4000"));
        assert_eq!(p[0].get("STATUS"), Some("Up"));
        assert_eq!(p[1].get("STATUS"), Some("Down"));
        assert_eq!(p[1].get("SPEED"), None);
        assert_eq!(link_speed("100Mb"), Some("100".into()));
    }
}
