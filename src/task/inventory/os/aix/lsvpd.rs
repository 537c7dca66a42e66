//! `lsvpd`, the vital product data of an AIX machine: one record per field-replaceable
//! unit (`*DS` description, `*YL` location, `*SN` serial, `*TM` model, `*MF` maker, `*AX`
//! the device it describes…). Other AIX modules read it (memories, storages, BIOS), so it
//! is run once and shared.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::task::inventory::module::Context;

/// One VPD record: two-letter tag → value.
pub type Record = BTreeMap<String, String>;

/// The records of an `lsvpd` output. Lines before the first `*FC ????????` (the machine
/// header) are skipped; a `*FC ????????` line closes a record (which may be empty); only two-upper-case-letter
/// tags with a value are kept (`*Z0`, `*B7` are binary junk).
pub fn parse_lsvpd(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut current: Option<Record> = None;
    for line in text.lines() {
        let line = line.trim_end();
        if is_separator(line) {
            if let Some(done) = current.replace(Record::new()) {
                records.push(done);
            }
            continue;
        }
        let Some(record) = current.as_mut() else {
            continue;
        };
        if let Some((tag, value)) = tag_value(line) {
            record.insert(tag.to_string(), value.to_string());
        }
    }
    if let Some(last) = current {
        records.push(last);
    }
    records
}

/// The machine header (before the first record): `*TM IBM,8233-E8B`, `*SE IBM,0210086CP`,
/// `*OS AIX 6.1.4.0`.
pub fn parse_header(text: &str) -> Record {
    let mut header = Record::new();
    for line in text.lines().map(str::trim_end) {
        if is_separator(line) {
            break;
        }
        if let Some((tag, value)) = tag_value(line) {
            header.insert(tag.to_string(), value.to_string());
        }
    }
    header
}

fn is_separator(line: &str) -> bool {
    line.strip_prefix("*FC ")
        .is_some_and(|rest| rest.starts_with('?'))
}

fn tag_value(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('*')?;
    let tag = rest.get(..2)?;
    if !tag.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let after = &rest[2..];
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let value = after.trim();
    (!value.is_empty()).then_some((tag, value))
}

/// The parsed `lsvpd` of this inventory (empty without the command), and its header.
pub struct Vpd {
    pub header: Record,
    pub records: Vec<Record>,
}

impl Vpd {
    /// The record describing device `name` (its `AX` tag).
    pub fn device(&self, name: &str) -> Option<&Record> {
        self.records
            .iter()
            .rev()
            .find(|r| r.get("AX").map(String::as_str) == Some(name))
    }
}

/// `lsvpd`, run and parsed once per inventory.
pub fn vpd(ctx: &Context) -> Rc<Vpd> {
    ctx.shared(|| {
        let text = ctx.command(&["lsvpd"]).unwrap_or_default();
        Vpd {
            header: parse_header(&text),
            records: parse_lsvpd(&text),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "*VC 5.0\n*TM IBM,8233-E8B\n*SE IBM,0210086CP\n*FC ????????\n\
        *DS System VPD\n*YL U8233.E8B.10086CP\n*Z0 junk\n*FC ????????\n*DS Memory DIMM\r\n\
        *SZ 4096\r\n*SN YH10MS9AG0M\r\n*YL U78A0.001-P1-C1\r\n*SZ 8192\n*CC \n*FC ????????\n\
        *AX hdisk0\n*MF IBM\n";

    #[test]
    fn records_and_header() {
        let r = parse_lsvpd(SAMPLE);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0]["DS"], "System VPD");
        assert!(!r[0].contains_key("Z0"));
        assert_eq!(r[1]["SZ"], "8192", "a repeated tag keeps the last value");
        assert!(!r[1].contains_key("CC"), "an empty value is absent");
        assert_eq!(r[2]["AX"], "hdisk0");
        let h = parse_header(SAMPLE);
        assert_eq!(h["TM"], "IBM,8233-E8B");
        assert!(!h.contains_key("DS"));
    }

    #[test]
    fn nothing_without_separator() {
        assert!(parse_lsvpd("*VC 5.0\n*TM x\n").is_empty());
        assert!(parse_lsvpd("").is_empty());
    }
}
