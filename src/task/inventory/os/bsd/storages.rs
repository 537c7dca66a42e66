//! STORAGES on FreeBSD: one `geom disk list` run (name, size, model, serial, rotation);
//! on OpenBSD the disk names of `hw.disknames`.

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

fn collect(ctx: &Context, inv: &mut Inventory) {
    if ctx.os == Os::FreeBsd {
        for e in parse_geom(&ctx.command(&["geom", "disk", "list"]).unwrap_or_default()) {
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
}
