//! `prtdiag`: the memory and slot tables of SPARC and x86 machines. Each generation
//! prints its own layout; the section title (`==== Memory Configuration ====`) says
//! which, and each layout is read by its own small row reader.

use crate::task::inventory::model::Entry;

/// The memory modules and slots `prtdiag` lists; `None` when no such section was found,
/// an empty list when the section was there but none of its rows could be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prtdiag {
    pub memories: Option<Vec<Entry>>,
    pub slots: Option<Vec<Entry>>,
}

/// `1 GB`, `512MB`, `2048 MB` → MB (base 1024).
pub fn size_mb(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let n: f64 = digits.parse().ok()?;
    let unit = t[digits.len()..].trim().to_ascii_uppercase();
    let mb = match unit.as_str() {
        "TB" | "T" => n * 1024.0 * 1024.0,
        "GB" | "G" => n * 1024.0,
        "MB" | "M" => n,
        "KB" | "K" => n / 1024.0,
        _ => return None,
    };
    Some(mb as u64)
}

/// A `NNMB`/`NNGB` word (or `NN MB`, from two words) at `words[i]`.
fn is_size_word(w: &str) -> bool {
    let digits = w.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(&w[digits..], "MB" | "GB")
}

fn section_title(line: &str) -> Option<&str> {
    let line = line.trim_end_matches('\r');
    let inner = line.strip_prefix('=')?.trim_start_matches('=');
    let inner = inner.strip_suffix('=')?.trim_end_matches('=');
    if !inner.starts_with(' ') || !inner.ends_with(' ') {
        return None;
    }
    let title = inner.trim();
    (!title.is_empty()
        && title
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace()))
    .then_some(title)
}

fn dimm(slot: usize, capacity: Option<u64>) -> Entry {
    let mut e = Entry::new();
    e.set("TYPE", "DIMM")
        .set("NUMSLOTS", slot.to_string())
        .set_opt("CAPACITY", capacity.map(|c| c.to_string()));
    e
}

/// The rows of a section after `skip` header lines, up to the first empty line.
fn rows<'a>(lines: &mut std::slice::Iter<'_, &'a str>, skip: usize) -> Vec<&'a str> {
    for _ in 0..skip {
        lines.next();
    }
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        out.push(*line);
    }
    out
}

fn memories(title: &str, lines: &mut std::slice::Iter<'_, &str>) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    match title {
        // T-series: rows end with `<N> GB  <module>`
        "Physical Memory Configuration" => {
            for row in rows(lines, 5) {
                let w: Vec<&str> = row.split_whitespace().collect();
                if w.len() >= 3 && matches!(w[w.len() - 2], "MB" | "GB") {
                    let size = size_mb(&format!("{} {}", w[w.len() - 3], w[w.len() - 2]));
                    if w[w.len() - 3].chars().all(|c| c.is_ascii_digit()) {
                        out.push(dimm(out.len(), size));
                    }
                }
            }
        }
        "Memory Configuration" => {
            let mut first = lines.next()?;
            if first.trim().is_empty() {
                first = lines.next()?;
            }
            if first.starts_with("Segment Table") {
                // several tables: the modules are in the Bank Table, size 4th column
                loop {
                    if lines.next()?.starts_with("Bank Table") {
                        break;
                    }
                }
                for row in rows(lines, 4) {
                    let w: Vec<&str> = row.split_whitespace().collect();
                    let found = w
                        .windows(4)
                        .find(|x| x[0].chars().all(|c| c.is_ascii_digit()) && is_size_word(x[3]));
                    if let Some(x) = found {
                        out.push(dimm(out.len(), size_mb(x[3])));
                    }
                }
            } else if first.split_whitespace().collect::<Vec<_>>()[..].starts_with(&[
                "Memory",
                "Available",
                "Memory",
                "DIMM",
                "#",
            ]) {
                // `<available> <status> <DIMM size> <count>`: count modules of that size
                for row in rows(lines, 2) {
                    let w: Vec<&str> = row.split_whitespace().collect();
                    let found = w.windows(4).find(|x| {
                        is_size_word(x[0])
                            && is_size_word(x[2])
                            && x[3].chars().all(|c| c.is_ascii_digit())
                    });
                    if let Some(x) = found {
                        let count: usize = x[3].parse().unwrap_or(0);
                        for _ in 0..count.min(4096) {
                            out.push(dimm(out.len(), size_mb(x[2])));
                        }
                    }
                }
            } else {
                // `<logical bank size> <status> <DIMM size> …`: as many modules as fit
                for row in rows(lines, 3) {
                    let w: Vec<&str> = row.split_whitespace().collect();
                    let found = w
                        .windows(5)
                        .find(|x| is_size_word(x[0]) && is_size_word(x[2]));
                    if let Some(x) = found {
                        let dimm_size = size_mb(x[2]).unwrap_or(0);
                        let logical = size_mb(x[0]).unwrap_or(0);
                        let count = if dimm_size > 0 && dimm_size != logical {
                            (logical / dimm_size) as usize
                        } else {
                            1
                        };
                        for _ in 0..count.min(4096) {
                            out.push(dimm(out.len(), Some(dimm_size)));
                        }
                    }
                }
            }
        }
        // x86: `<type> in use <set> <locator>`, no size
        "Memory Device Sockets" => {
            for row in rows(lines, 3) {
                let w: Vec<&str> = row.split_whitespace().collect();
                if w.len() >= 5
                    && w[1] == "in"
                    && w[2] == "use"
                    && w[3].len() == 1
                    && w[3].chars().all(|c| c.is_ascii_digit())
                    && w[0].chars().all(|c| c.is_alphanumeric() || c == '_')
                {
                    let kind: String = w[4].chars().take_while(char::is_ascii_alphabetic).collect();
                    if kind.is_empty() {
                        continue;
                    }
                    let mut e = Entry::new();
                    e.set("DESCRIPTION", kind)
                        .set("NUMSLOTS", out.len().to_string())
                        .set("TYPE", w[0]);
                    out.push(e);
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

fn is_upper(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase())
}

fn column(line: &str, from: usize, len: usize) -> String {
    line.chars()
        .skip(from)
        .take(len)
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn slots(title: &str, lines: &mut std::slice::Iter<'_, &str>) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    match title {
        // `<slot> <BUS> <name>`
        "IO Devices" => {
            for row in rows(lines, 3) {
                let w: Vec<&str> = row.split_whitespace().collect();
                if row.starts_with(char::is_whitespace) || w.len() < 3 || !is_upper(w[1]) {
                    continue;
                }
                let mut e = Entry::new();
                e.set("NAME", w[0])
                    .set("DESCRIPTION", w[1])
                    .set("DESIGNATION", w[2]);
                out.push(e);
            }
        }
        // `<brd> <TYPE> <port> <side> <slot> <MHz> <freq> <dev,func> <state> <name>`
        "IO Cards" => {
            for row in rows(lines, 7) {
                let w: Vec<&str> = row.split_whitespace().collect();
                if row.starts_with(char::is_whitespace)
                    || w.len() < 10
                    || !is_upper(w[1])
                    || w[4].len() != 1
                    || !w[4].chars().all(|c| c.is_ascii_digit())
                {
                    continue;
                }
                let mut e = Entry::new();
                e.set("NAME", w[4])
                    .set("DESCRIPTION", w[1])
                    .set("DESIGNATION", w[9]);
                out.push(e);
            }
        }
        // x86, fixed columns: ID, status, type, description
        "Upgradeable Slots" => {
            for row in rows(lines, 3) {
                let status = match column(row, 4, 9).as_str() {
                    "in use" => Some("used"),
                    "available" => Some("free"),
                    _ => None,
                };
                let mut e = Entry::new();
                e.set("NAME", column(row, 0, 1))
                    .set_opt("STATUS", status)
                    .set("DESCRIPTION", column(row, 14, 16))
                    .set("DESIGNATION", column(row, 31, 28));
                out.push(e);
            }
        }
        _ => return None,
    }
    Some(out)
}

pub fn parse_prtdiag(text: &str) -> Prtdiag {
    let all: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut lines = all.iter();
    let mut out = Prtdiag::default();
    while let Some(line) = lines.next() {
        let Some(title) = section_title(line) else {
            continue;
        };
        if title.contains("Memory") {
            out.memories = memories(title, &mut lines);
        }
        if title.contains("IO") || title.contains("Slots") {
            out.slots = slots(title, &mut lines);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_series_and_io_devices() {
        let text = "\
======================= Physical Memory Configuration ========================
Segment Table:
--------------------------------------------------------------
Base           Segment  Interleave  Bank     Contains
Address        Size     Factor      Size     Modules
--------------------------------------------------------------
0x0            4 GB     4           1 GB     MB/CMP0/BR0/CH0/D0
                                    1 GB     MB/CMP0/BR1/CH0/D0

================================ IO Devices ================================
Slot +            Bus   Name +                            Model
Status            Type  Path
----------------------------------------------------------------------------
MB/NET0           PCIE  network-pciex8086,105e
                        /pci@0/pci@0/pci@1/pci@0/pci@2/network@0
";
        let p = parse_prtdiag(text);
        let m = p.memories.unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].get("CAPACITY"), Some("1024"));
        assert_eq!(m[1].get("NUMSLOTS"), Some("1"));
        let s = p.slots.unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].get("DESIGNATION"), Some("network-pciex8086,105e"));
    }

    #[test]
    fn logical_banks_and_x86_sockets() {
        let text = "\
========================= Memory Configuration ===============================

           Logical  Logical  Logical
      MC   Bank     Bank     Bank         DIMM    Interleave  Interleaved
 Brd  ID   num      size     Status       Size    Factor      with
----  ---  ----     ------   -----------  ------  ----------  -----------
  A    0     0      1024MB   no_status     512MB     8-way        0

==== Upgradeable Slots ====================================

ID  Status    Type             Description
--- --------- ---------------- ----------------------------
0   unknown   ISA              ISA Slot J8
1   in use    PCI              PCI Slot J11
";
        let p = parse_prtdiag(text);
        let m = p.memories.unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].get("CAPACITY"), Some("512"));
        let s = p.slots.unwrap();
        assert_eq!(s[0].get("STATUS"), None);
        assert_eq!(s[1].get("STATUS"), Some("used"));
        assert_eq!(s[1].get("DESIGNATION"), Some("PCI Slot J11"));
        assert_eq!(s[1].get("DESCRIPTION"), Some("PCI"));
        let sockets = parse_prtdiag("==== Memory Device Sockets ====\n\nType    Status Set Device Locator      Bank Locator\n------- ------ --- ------------------- ------\nDDR     in use 0   DIMM 1A             BANK\nDRAM    empty  0   RAM slot #2         RAM slot #2\n");
        let m = sockets.memories.unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].get("TYPE"), Some("DDR"));
        assert_eq!(m[0].get("DESCRIPTION"), Some("DIMM"));
    }
}
