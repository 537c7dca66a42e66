//! STORAGES on FreeBSD: one `geom disk list` run (name, size, model, serial, rotation),
//! or, where the `geom` tool is missing (rescue systems, jails), the GEOM tree of
//! `sysctl kern.geom.confxml` with models and serials from the boot messages (`dmesg`);
//! on OpenBSD the disk names of `hw.disknames`.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::task::inventory::generic::manufacturer::canonical_manufacturer;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::sysctl;

pub const MODULE: Module = Module {
    name: "bsd/storages",
    category: "storage",
    applies: |ctx| ctx.os.is_bsd(),
    collect,
};

/// `geom disk list` blocks (`Geom name: ada0` … `Mediasize: 500107862016 (466G)` …
/// `descr: ST500DM002` … `ident: Z3T1`).
pub fn parse_geom(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut cur: Option<Entry> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("Geom name:") {
            out.extend(cur.take());
            let mut e = Entry::new();
            e.set("NAME", name.trim()).set("TYPE", "disk");
            cur = Some(e);
            continue;
        }
        let (Some(e), Some((k, v))) = (cur.as_mut(), line.split_once(':')) else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "Mediasize" => {
                if let Some(bytes) = v
                    .split_whitespace()
                    .next()
                    .and_then(|b| b.parse::<u64>().ok())
                {
                    e.set("DISKSIZE", (bytes / 1_000_000).to_string());
                }
            }
            "descr" => {
                e.set("MODEL", v);
                e.set(
                    "MANUFACTURER",
                    canonical_manufacturer(v.split_whitespace().next().unwrap_or("")),
                );
            }
            "ident" if v != "(null)" => {
                e.set("SERIALNUMBER", v);
            }
            _ => {}
        }
    }
    out.extend(cur);
    out
}

/// The disks of the GEOM tree (`kern.geom.confxml`, with or without its `name: ` prefix):
/// one entry per geom of the `DISK` class, its size from the provider's `mediasize`.
pub fn parse_confxml(text: &str) -> Vec<Entry> {
    let xml = text
        .trim_start()
        .strip_prefix("kern.geom.confxml:")
        .unwrap_or(text);
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut class = String::new();
    let mut out: Vec<Entry> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(t)) => {
                let name = String::from_utf8_lossy(t.name().as_ref()).into_owned();
                if name == "geom"
                    && class == "DISK"
                    && path.last().map(String::as_str) == Some("class")
                {
                    out.push(Entry::new());
                }
                path.push(name);
            }
            Ok(Event::End(_)) if path.pop().as_deref() == Some("class") => class.clear(),
            Ok(Event::End(_)) => {}
            Ok(Event::Text(t)) => {
                let text = t
                    .unescape()
                    .map(|c| c.trim().to_string())
                    .unwrap_or_default();
                let tail: Vec<&str> = path.iter().rev().take(3).map(String::as_str).collect();
                match tail.as_slice() {
                    ["name", "class", ..] => class = text,
                    ["name", "geom", "class"] if class == "DISK" => {
                        if let Some(e) = out.last_mut() {
                            e.set("NAME", text.as_str()).set("TYPE", disk_type(&text));
                        }
                    }
                    ["mediasize", "provider", "geom"] if class == "DISK" => {
                        if let (Some(e), Ok(bytes)) = (out.last_mut(), text.parse::<u64>()) {
                            e.set("DISKSIZE", (bytes / 1_000_000).to_string());
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out.retain(|e| e.has("NAME"));
    out
}

/// `cd0` is an optical drive, `ada0`/`da0` a disk.
fn disk_type(name: &str) -> &'static str {
    if name.starts_with("cd") {
        "cdrom"
    } else if name.starts_with("da") || name.starts_with("ada") || name.starts_with("nvd") {
        "disk"
    } else {
        "unknown"
    }
}

/// Adds what the boot messages say of each disk: `ada0: <WDC WD5000AAKX 01.03A01> ATA-8
/// device` gives the model (a known vendor prefix becomes the manufacturer) and the
/// description, `ada0: Serial Number WD-WCC2E1234567` the serial number.
pub fn add_dmesg(disks: &mut [Entry], dmesg: &str) {
    for e in disks.iter_mut() {
        let Some(name) = e.get("NAME").map(str::to_string) else {
            continue;
        };
        let prefix = format!("{name}: ");
        let mut described = false;
        for line in dmesg.lines() {
            let Some(rest) = line.strip_prefix(&prefix) else {
                continue;
            };
            if let Some(serial) = rest.strip_prefix("Serial Number ") {
                e.set("SERIALNUMBER", serial.trim());
            } else if !described && rest.starts_with('<') {
                described = true;
                let model = rest[1..].split('>').next().unwrap_or("").trim();
                e.set("DESCRIPTION", rest.trim());
                let first = model.split_whitespace().next().unwrap_or("");
                if KNOWN_VENDORS.contains(&first.to_ascii_uppercase().as_str()) {
                    e.set("MANUFACTURER", canonical_manufacturer(first));
                    e.set("MODEL", model[first.len()..].trim());
                } else {
                    e.set("MODEL", model);
                }
            }
        }
    }
}

/// Disk model prefixes that name the maker.
const KNOWN_VENDORS: &[&str] = &[
    "SEAGATE", "WDC", "HITACHI", "HGST", "TOSHIBA", "FUJITSU", "MAXTOR", "SAMSUNG", "IBM", "INTEL",
    "KINGSTON", "CRUCIAL", "MICRON", "SANDISK",
];

fn collect(ctx: &Context, inv: &mut Inventory) {
    if ctx.os == Os::FreeBsd {
        let mut disks = match ctx.command(&["geom", "disk", "list"]) {
            Some(text) => parse_geom(&text),
            None => {
                let mut disks = parse_confxml(
                    &ctx.command(&["sysctl", "-n", "kern.geom.confxml"])
                        .unwrap_or_default(),
                );
                add_dmesg(&mut disks, &ctx.command(&["dmesg"]).unwrap_or_default());
                disks
            }
        };
        for e in disks.drain(..) {
            inv.add("STORAGES", e);
        }
        return;
    }
    let sys = sysctl::values(ctx);
    for disk in sys
        .get("hw.disknames")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
    {
        let (name, duid) = disk.split_once(':').unwrap_or((disk, ""));
        if name.is_empty() {
            continue;
        }
        let mut e = Entry::new();
        e.set("NAME", name).set(
            "TYPE",
            if name.starts_with("cd") {
                "cdrom"
            } else {
                "disk"
            },
        );
        e.set("SERIALNUMBER", duid);
        inv.add("STORAGES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn geom() {
        let t = "Geom name: ada0\nProviders:\n1. Name: ada0\n   Mediasize: 500107862016 (466G)\n   descr: WDC WD5000AAKX\n   ident: WD-WCC2E1234567\n\nGeom name: cd0\n   Mediasize: 0 (0B)\n   ident: (null)\n";
        let d = super::parse_geom(t);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].get("DISKSIZE"), Some("500107"));
        assert_eq!(d[0].get("MANUFACTURER"), Some("Western Digital"));
        assert_eq!(d[0].get("SERIALNUMBER"), Some("WD-WCC2E1234567"));
        assert!(super::parse_geom("junk").is_empty());
    }

    #[test]
    fn confxml_and_dmesg() {
        let xml = "kern.geom.confxml: <mesh><class id=\"1\"><name>MD</name><geom id=\"2\"><name>md0</name>\
                   <provider id=\"3\"><mediasize>4194304</mediasize></provider></geom></class>\
                   <class id=\"4\"><name>DISK</name><geom id=\"5\"><class ref=\"4\"/><name>ada0</name>\
                   <provider id=\"6\"><geom ref=\"5\"/><name>ada0</name><mediasize>500107862016</mediasize>\
                   </provider></geom><geom id=\"7\"><name>cd0</name><provider id=\"8\"><mediasize>0</mediasize>\
                   </provider></geom></class></mesh>";
        let mut d = super::parse_confxml(xml);
        assert_eq!(d.len(), 2, "DISK geoms only: {d:?}");
        assert_eq!(d[0].get("NAME"), Some("ada0"));
        assert_eq!(d[0].get("DISKSIZE"), Some("500107"));
        assert_eq!(d[1].get("TYPE"), Some("cdrom"));
        super::add_dmesg(
            &mut d,
            "ada0 at ata0 bus 0\nada0: <WDC WD5000AAKX 01.03A01> ATA-8 device\nada0: Serial Number WD-1\n",
        );
        assert_eq!(d[0].get("MANUFACTURER"), Some("Western Digital"));
        assert_eq!(d[0].get("MODEL"), Some("WD5000AAKX 01.03A01"));
        assert_eq!(d[0].get("SERIALNUMBER"), Some("WD-1"));
        assert_eq!(
            d[0].get("DESCRIPTION"),
            Some("<WDC WD5000AAKX 01.03A01> ATA-8 device")
        );
        assert!(super::parse_confxml("<mesh><class").is_empty());
    }
}
