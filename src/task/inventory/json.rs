//! The GLPI native JSON writer (`--json`): the same inventory in the format of
//! glpi-project/inventory_format.
//!
//! Section and field names are lower-cased; single sections become objects and repeated
//! ones arrays; a few fields are renamed (`MACADDR` → `mac`, `INSTALLDATE` →
//! `install_date`…); values get the schema's types (integers, booleans, ISO dates);
//! fields the format does not know, values that cannot be converted, and entries
//! missing a required field are left out. The tag goes to the top level.

use super::json_fields::{self, Kind};
use super::model::{Entry, Inventory, Value};

/// Entries lacking one of these fields are dropped (the server would refuse them).
const REQUIRED: &[(&str, &[&str])] = &[
    ("accesslog", &["logdate"]),
    ("envs", &["key", "val"]),
    ("firewalls", &["status"]),
    ("local_groups", &["id", "name"]),
    ("local_users", &["id"]),
    ("logical_volumes", &["lv_name", "lv_uuid", "size"]),
    ("networks", &["description"]),
    ("ports", &["type"]),
    ("printers", &["name"]),
    ("processes", &["cmd", "pid", "user"]),
    ("slots", &["name"]),
    ("softwares", &["name"]),
    ("virtualmachines", &["name", "vmtype"]),
];

const NETWORK_TYPES: &[&str] = &[
    "ethernet",
    "wifi",
    "infiniband",
    "aggregate",
    "alias",
    "dialup",
    "loopback",
    "bridge",
    "fibrechannel",
    "bluetooth",
];
const NETWORK_STATUS: &[&str] = &[
    "up",
    "down",
    "dormant",
    "notpresent",
    "lowerlayerdown",
    "unknown",
    "testing",
];

/// A JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `DD/MM/YYYY` or `MM/DD/YYYY` (when `month_first`) → `YYYY-MM-DD`.
fn slash_date(v: &str, month_first: bool) -> Option<String> {
    let p: Vec<&str> = v.split('/').collect();
    if p.len() != 3 || !p.iter().all(|x| digits(x)) || p[2].len() != 4 {
        return None;
    }
    let (d, m) = if month_first {
        (p[1], p[0])
    } else {
        (p[0], p[1])
    };
    let (d, m): (u32, u32) = (d.parse().ok()?, m.parse().ok()?);
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{}-{m:02}-{d:02}", p[2]))
}

fn is_iso_date(v: &str) -> bool {
    let b = v.as_bytes();
    if !v.is_ascii() {
        return false;
    }
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&v[0..4])
        && digits(&v[5..7])
        && digits(&v[8..10])
}

fn is_iso_datetime(v: &str) -> bool {
    v.is_ascii() && v.len() == 19 && is_iso_date(&v[..10]) && matches!(&v[10..11], " " | "T") && {
        let t = &v.as_bytes()[11..];
        t[2] == b':'
            && t[5] == b':'
            && digits(&v[11..13])
            && digits(&v[14..16])
            && digits(&v[17..19])
    }
}

/// Converts one text value to its JSON form, `None` when it cannot be.
fn convert(section: &str, field: &str, kind: Kind, v: &str) -> Option<String> {
    let v = v.trim();
    match kind {
        Kind::Integer => v.parse::<i64>().ok().map(|n| n.to_string()),
        Kind::Boolean => match v.to_ascii_lowercase().as_str() {
            "1" | "yes" | "true" => Some("true".into()),
            "0" | "no" | "false" => Some("false".into()),
            _ => None,
        },
        Kind::Date => if is_iso_date(v) {
            Some(v.to_string())
        } else {
            slash_date(v, false)
        }
        .map(|d| quote(&d)),
        Kind::DateTime => {
            let t = if is_iso_datetime(v) {
                Some(v.to_string())
            } else if v.len() == 16 && is_iso_datetime(&format!("{v}:00")) {
                Some(format!("{v}:00"))
            } else {
                slash_date(v, false).map(|d| format!("{d} 00:00:00"))
            };
            t.map(|d| quote(&d))
        }
        Kind::DateOrDateTime => {
            let t = if is_iso_date(v) || is_iso_datetime(v) {
                Some(v.to_string())
            } else {
                slash_date(v, section == "bios")
            };
            t.map(|d| quote(&d))
        }
        Kind::Text => {
            let v = match (section, field) {
                ("networks", "status") => v.to_ascii_lowercase(),
                ("networks", "type") => {
                    let t = v.to_ascii_lowercase();
                    let t = if t == "local" {
                        "loopback".to_string()
                    } else {
                        t
                    };
                    if !NETWORK_TYPES.contains(&t.as_str()) {
                        return None;
                    }
                    t
                }
                ("virtualmachines", "status" | "vmtype") | ("cpus", "arch") => {
                    v.to_ascii_lowercase()
                }
                ("storages", "interface") => v.to_ascii_uppercase(),
                _ => v.to_string(),
            };
            if section == "networks" && field == "status" && !NETWORK_STATUS.contains(&v.as_str()) {
                return None;
            }
            Some(quote(&v))
        }
        Kind::List | Kind::Object => None,
    }
}

/// The JSON field name of an XML field.
fn rename(section: &str, field: &str) -> String {
    match (section, field) {
        ("local_groups", "MEMBER") => "members".into(),
        ("softwares", "INSTALLDATE") => "install_date".into(),
        ("networks", "MACADDR") => "mac".into(),
        ("storages", "SERIALNUMBER") => "serial".into(),
        _ => field.to_ascii_lowercase(),
    }
}

/// One entry as a JSON object, `None` when a required field is missing.
fn object(section: &str, e: &Entry, fields: &[(&str, Kind)]) -> Option<String> {
    let mut parts: Vec<(String, String)> = Vec::new();
    for (name, value) in e.iter() {
        if section == "storages" && name == "SERIAL" && e.has("SERIALNUMBER") {
            continue;
        }
        let key = rename(section, name);
        let Some(&(_, kind)) = fields.iter().find(|(f, _)| *f == key) else {
            continue;
        };
        let json = match (value, kind) {
            (Value::Text(t), Kind::List) => Some(format!("[{}]", quote(t))),
            (Value::Text(t), k) => convert(section, &key, k, t),
            (Value::List(items), Kind::List) => Some(format!(
                "[{}]",
                items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(",")
            )),
            (Value::List(items), k) => items.first().and_then(|t| convert(section, &key, k, t)),
            (Value::Map(m), Kind::Object) if key == "timezone" => {
                let (n, o) = (m.get("NAME")?, m.get("OFFSET")?);
                Some(format!("{{\"name\":{},\"offset\":{}}}", quote(n), quote(o)))
            }
            (Value::Map(m), Kind::Object) => Some(flat_object(m)),
            _ => None,
        };
        if let Some(j) = json {
            parts.push((key, j));
        }
    }
    if let Some((_, req)) = REQUIRED.iter().find(|(s, _)| *s == section) {
        if !req.iter().all(|r| parts.iter().any(|(k, _)| k == r)) {
            return None;
        }
    }
    parts.sort();
    Some(format!(
        "{{{}}}",
        parts
            .iter()
            .map(|(k, v)| format!("{}:{v}", quote(k)))
            .collect::<Vec<_>>()
            .join(",")
    ))
}

/// A nested entry with text values only.
fn flat_object(m: &Entry) -> String {
    let parts: Vec<String> = m
        .iter()
        .filter_map(|(k, v)| match v {
            Value::Text(t) => Some(format!("{}:{}", quote(&k.to_ascii_lowercase()), quote(t))),
            _ => None,
        })
        .collect();
    format!("{{{}}}", parts.join(","))
}

/// The whole document: `{"action":"inventory","content":{…},"deviceid":…,"itemtype":"Computer"}`.
pub fn document(inv: &Inventory, versionclient: &str) -> String {
    let mut content: Vec<(String, String)> = Vec::new();
    let mut tag = None;
    let mut etime = None;
    for (xml_name, entries) in inv.sections() {
        if xml_name == "VERSIONPROVIDER" {
            continue; // written below, with ETIME
        }
        if xml_name == "ACCOUNTINFO" {
            tag = entries
                .iter()
                .find(|e| e.get("KEYNAME") == Some("TAG"))
                .and_then(|e| e.get("KEYVALUE"));
            continue;
        }
        if xml_name == "HARDWARE" {
            etime = entries.first().and_then(|e| e.get("ETIME"));
        }
        let name = if xml_name == "FIREWALL" {
            "firewalls".to_string()
        } else {
            xml_name.to_ascii_lowercase()
        };
        let Some((is_list, fields)) = json_fields::section(&name) else {
            continue;
        };
        let objects: Vec<String> = entries
            .iter()
            .filter_map(|e| object(&name, e, fields))
            .collect();
        if objects.is_empty() {
            continue;
        }
        let value = if is_list {
            format!("[{}]", objects.join(","))
        } else {
            objects[0].clone()
        };
        content.push((name, value));
    }
    let mut provider = format!(
        "{{\"name\":\"ocsinventory-agent\",\"version\":{}",
        quote(env!("CARGO_PKG_VERSION"))
    );
    if let Some(e) = etime.and_then(|e| e.parse::<u64>().ok()) {
        provider.push_str(&format!(",\"etime\":{e}"));
    }
    provider.push('}');
    content.push(("versionprovider".into(), provider));
    content.push(("versionclient".into(), quote(versionclient)));
    content.sort();
    let body = content
        .iter()
        .map(|(k, v)| format!("{}:{v}", quote(k)))
        .collect::<Vec<_>>()
        .join(",");
    let mut doc = format!(
        "{{\"action\":\"inventory\",\"content\":{{{body}}},\"deviceid\":{},\"itemtype\":\"Computer\"",
        quote(&inv.deviceid)
    );
    if let Some(t) = tag {
        doc.push_str(&format!(",\"tag\":{}", quote(t)));
    }
    doc.push_str("}\n");
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(
            slash_date("31/12/2020", false).as_deref(),
            Some("2020-12-31")
        );
        assert_eq!(
            slash_date("04/07/2009", true).as_deref(),
            Some("2009-04-07")
        );
        assert_eq!(slash_date("99/99/2009", true), None);
        assert_eq!(
            convert("processes", "started", Kind::DateTime, "2026-11-25 06:57").as_deref(),
            Some("\"2026-11-25 06:57:00\"")
        );
        assert_eq!(
            convert("cpus", "speed", Kind::Integer, "2400"),
            Some("2400".into())
        );
        assert_eq!(convert("cpus", "speed", Kind::Integer, "fast"), None);
        assert_eq!(
            convert("networks", "type", Kind::Text, "local").as_deref(),
            Some("\"loopback\"")
        );
        assert_eq!(convert("networks", "type", Kind::Text, "weird"), None);
        assert_eq!(
            convert("networks", "status", Kind::Text, "Up").as_deref(),
            Some("\"up\"")
        );
        assert_eq!(convert("x", "d", Kind::DateTime, "2026-11-25 06:5é"), None);
        assert_eq!(quote("a\"b\\\u{1}"), "\"a\\\"b\\\\\\u0001\"");
    }

    #[test]
    fn document_shape() {
        let mut inv = Inventory::new("h-2026-01-01-00-00-00");
        inv.single("HARDWARE")
            .set("NAME", "h")
            .set("MEMORY", "2048")
            .set("ETIME", "3")
            .set("PROCESSORN", "1");
        let mut sw = Entry::new();
        sw.set("NAME", "bash").set("INSTALLDATE", "20/05/2025");
        inv.add("SOFTWARES", sw);
        let mut nameless = Entry::new();
        nameless.set("VERSION", "1");
        inv.add("SOFTWARES", nameless);
        let mut tag = Entry::new();
        tag.set("KEYNAME", "TAG").set("KEYVALUE", "t1");
        inv.add("ACCOUNTINFO", tag);
        let doc = document(&inv, "v");
        assert!(
            doc.contains("\"hardware\":{\"memory\":2048,\"name\":\"h\"}"),
            "{doc}"
        );
        assert!(
            doc.contains("\"softwares\":[{\"install_date\":\"2025-05-20\",\"name\":\"bash\"}]"),
            "{doc}"
        );
        assert!(doc.contains("\"tag\":\"t1\""));
        assert!(doc.contains("\"etime\":3"));
    }
}
