//! STORAGES on Solaris/illumos from `iostat -En`: one block per disk or optical drive,
//! closed by its `Illegal Request` line.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "solaris/storages",
    category: "storage",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

/// The text between `key` and the next of `ends` (or the end of the line).
fn field<'a>(line: &'a str, key: &str, ends: &[&str]) -> Option<&'a str> {
    let start = line.find(key)? + key.len();
    let rest = &line[start..];
    let end = ends
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap_or(rest.len());
    let v = rest[..end].trim();
    (!v.is_empty()).then_some(v)
}

fn finish(mut s: Entry) -> Entry {
    let mut description = Vec::new();
    if let Some(sn) = s.get("SERIALNUMBER") {
        description.push(format!("S/N:{sn}"));
    }
    if let Some(fw) = s.get("FIRMWARE") {
        description.push(format!("FW:{fw}"));
    }
    if !description.is_empty() {
        s.set("DESCRIPTION", description.join(" "));
    }
    if let (Some("ATA"), Some(model)) = (s.get("MANUFACTURER"), s.get("MODEL")) {
        // ATA disks behind a SATA bridge: the brand is the product's first word
        if let Some((brand, rest)) = model.split_once(' ') {
            if ["hitachi", "seagate", "intel"].contains(&brand.to_ascii_lowercase().as_str()) {
                let (brand, rest) = (brand.to_string(), rest.trim().to_string());
                s.set("MANUFACTURER", brand).set("MODEL", rest);
            }
        }
    }
    if let Some(m) = s.get("MANUFACTURER") {
        if m.to_ascii_uppercase().ends_with("(R)") {
            let cut = m[..m.len() - 3].to_string();
            s.set("MANUFACTURER", cut);
        }
    }
    s
}

pub fn parse_iostat(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut s = Entry::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some((name, rest)) = line.split_once(char::is_whitespace) {
            if !name.is_empty() && rest.trim_start().starts_with("Soft") {
                s.set("NAME", name);
            }
        }
        if line.starts_with("Vendor:") {
            let ends = ["Product:", "Revision:", "Serial No:"];
            s.set_opt("MANUFACTURER", field(line, "Vendor:", &ends))
                .set_opt("MODEL", field(line, "Product:", &ends))
                .set_opt("FIRMWARE", field(line, "Revision:", &ends))
                .set_opt(
                    "SERIALNUMBER",
                    field(line, "Serial No:", &ends).and_then(|v| v.split_whitespace().next()),
                );
        }
        if let Some(at) = line.find(" bytes>") {
            let before = &line[..at];
            if let Some(open) = before.rfind('<') {
                if let Ok(bytes) = before[open + 1..].parse::<u64>() {
                    s.set("DISKSIZE", (bytes / 1_000_000).to_string());
                    if bytes == 0 {
                        s.set("DISKSIZE", "0");
                    }
                }
            }
        }
        if line.starts_with("Illegal") {
            out.push(finish(std::mem::take(&mut s)));
        }
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let text = ctx.command(&["iostat", "-En"]).unwrap_or_default();
    for mut s in parse_iostat(&text) {
        let name = s.get("NAME").unwrap_or("").to_string();
        // the device path says how the disk is attached
        if let Some(target) = ctx.src.read_link(&format!("/dev/rdsk/{name}s2")) {
            let kind = if target.contains("scsi_vhci") {
                Some("MPxIO")
            } else if target.contains("fp@") {
                Some("FC")
            } else if target.contains("scsi@") {
                Some("SCSI")
            } else {
                None
            };
            s.set_opt("TYPE", kind);
        }
        inv.add("STORAGES", s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disks() {
        let d = parse_iostat("c0t0d0           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0\nVendor: ATA      Product: Hitachi HTS54161 Revision: SBDO Serial No:  \nSize: 160.04GB <160041885696 bytes>\nIllegal Request: 6 Predictive Failure Analysis: 0\nc1t0d0           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0\nVendor: TSSTcorp Product: CD/DVDW TS-L632D Revision: SR03 Serial No: \nSize: 0.00GB <0 bytes>\nIllegal Request: 0 Predictive Failure Analysis: 0\n");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].get("MANUFACTURER"), Some("Hitachi"));
        assert_eq!(d[0].get("MODEL"), Some("HTS54161"));
        assert_eq!(d[0].get("DISKSIZE"), Some("160041"));
        assert_eq!(d[0].get("DESCRIPTION"), Some("FW:SBDO"));
        assert_eq!(d[1].get("MODEL"), Some("CD/DVDW TS-L632D"));
        assert_eq!(d[1].get("DISKSIZE"), Some("0"));
    }
}
