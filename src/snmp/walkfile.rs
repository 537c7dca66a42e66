//! Walk files: an `snmpwalk` output read as if it were the device, the SNMP counterpart of
//! `--replay`. Every bug report and every test can be a walk.
//!
//! Accepted (the format is found line by line, so a file may mix them):
//! - net-snmp's `snmpwalk` output, with numeric OIDs (`-On`: `.1.3.6.1.2.1.1.5.0`), with
//!   `iso.3.6.1…`, or with MIB names (`IF-MIB::ifDescr.3`, see [`super::mibnames`]);
//!   every value type it prints: `STRING` (quoted or not, quoted ones spanning lines),
//!   `Hex-STRING` (wrapped over lines), `OID`, `Timeticks: (n) …`, `Counter32/64`,
//!   `Gauge32`, `UInteger32`, `IpAddress`, `Network Address`, `INTEGER` with or without a
//!   label (`up(1)`), `BITS`, `Opaque`, `NULL`, `""` (an empty string), the
//!   `Wrong Type (should be …):` prefix and the `No Such …` exceptions;
//! - snmpsim's `.snmprec` lines (`OID|TAG|VALUE`, `TAG` with an `x` for hex values).
//!
//! A line that is none of these is skipped and reported with its number; the reader never
//! fails on content, only on a file it cannot read or one beyond [`MAX_WALK_BYTES`].

use std::path::Path;

use super::mibnames;
use super::oid::Oid;
use super::table::OidTable;
use super::value::Value;

/// Largest walk file read: the biggest real device walks are a few tens of MB; beyond this
/// the file is not a walk, and reading it would only exhaust memory.
pub const MAX_WALK_BYTES: u64 = 512 * 1024 * 1024;

/// A multi-line quoted string longer than this many lines is cut there: a missing closing
/// quote must not swallow the rest of the file.
const MAX_CONTINUATION_LINES: usize = 2000;

/// Skipped lines reported one by one; after these, only counted.
const MAX_REPORTED: usize = 20;

/// What a walk file holds.
#[derive(Debug, Default)]
pub struct Walk {
    pub table: OidTable,
    /// One line per skipped record (`line 12: …`), at most [`MAX_REPORTED`], then a count.
    pub skipped: Vec<String>,
    /// How many lines were skipped in all.
    pub skipped_count: usize,
}

impl Walk {
    fn skip(&mut self, line_no: usize, why: &str, line: &str) {
        self.skipped_count += 1;
        if self.skipped.len() < MAX_REPORTED {
            let shown: String = line.chars().take(80).collect();
            self.skipped.push(format!("line {line_no}: {why}: {shown}"));
        }
    }

    /// The skipped-lines report, one line each, with the remainder counted.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.skipped.clone();
        if self.skipped_count > self.skipped.len() {
            out.push(format!(
                "… and {} more skipped lines",
                self.skipped_count - self.skipped.len()
            ));
        }
        out
    }
}

/// Reads a walk file.
pub fn read(path: &Path) -> Result<Walk, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_WALK_BYTES {
        return Err(format!(
            "{}: {} bytes, more than the {} a walk file may have",
            path.display(),
            meta.len(),
            MAX_WALK_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(parse(&String::from_utf8_lossy(&bytes)))
}

/// Parses the text of a walk.
pub fn parse(text: &str) -> Walk {
    let mut walk = Walk::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end_matches('\r');
        let no = i + 1;
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("End of MIB")
            || line.contains("No more variables left in this MIB View")
        {
            break;
        }
        if let Some((oid, value)) = snmprec(line) {
            walk.table.insert(oid, value);
            continue;
        }
        let Some((name, rest)) = line.split_once(" = ").or_else(|| {
            line.strip_suffix(" =")
                .map(|n| (n, ""))
                .or_else(|| line.split_once(" =\t"))
        }) else {
            walk.skip(no, "not an snmpwalk record", line);
            continue;
        };
        let Some(oid) = parse_oid(name) else {
            walk.skip(no, "unknown OID or MIB name", line);
            continue;
        };
        let rest = strip_wrong_type(rest.trim_start());
        match parse_value(rest, &lines, &mut i) {
            Ok(v) => walk.table.insert(oid, v),
            Err(e) => walk.skip(no, &e, line),
        }
    }
    walk
}

/// An OID as a walk prints it: `.1.3.6…`, `1.3.6…`, `iso.3.6…`, or a MIB name.
pub fn parse_oid(text: &str) -> Option<Oid> {
    let t = text.trim();
    if t.starts_with('.') || t.starts_with(|c: char| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    mibnames::resolve(t)
}

/// `Wrong Type (should be OCTET STRING): INTEGER: 3` → `INTEGER: 3`.
fn strip_wrong_type(rest: &str) -> &str {
    if let Some(r) = rest.strip_prefix("Wrong Type (should be ") {
        if let Some(p) = r.find("): ") {
            return &r[p + 3..];
        }
    }
    rest
}

/// The value after ` = `, taking continuation lines from `lines[*next..]` when the value
/// spans several (quoted strings, wrapped hex).
fn parse_value(rest: &str, lines: &[&str], next: &mut usize) -> Result<Value, String> {
    let rest = rest.trim_end_matches('\r');
    if rest.trim() == "\"\"" || rest.trim().is_empty() {
        return Ok(Value::OctetString(Vec::new()));
    }
    if rest.starts_with("No Such Object") {
        return Ok(Value::NoSuchObject);
    }
    if rest.starts_with("No Such Instance") {
        return Ok(Value::NoSuchInstance);
    }
    let (ty, val) = match rest.split_once(':') {
        Some((t, v)) => (t.trim(), v.strip_prefix(' ').unwrap_or(v)),
        None => return Err("no value type".into()),
    };
    match ty {
        "STRING" => Ok(Value::OctetString(string_value(val, lines, next))),
        "Hex-STRING" => {
            let mut bytes = hex_bytes(val).ok_or("bad Hex-STRING")?;
            while let Some(more) = lines.get(*next).and_then(|l| hex_line(l)) {
                bytes.extend(more);
                *next += 1;
            }
            Ok(Value::OctetString(bytes))
        }
        "OID" => parse_oid(val)
            .map(Value::Oid)
            .ok_or_else(|| "bad OID value".into()),
        "Timeticks" => {
            let n = val
                .trim()
                .strip_prefix('(')
                .and_then(|v| v.split(')').next())
                .unwrap_or(val.trim());
            n.trim()
                .parse()
                .map(Value::TimeTicks)
                .map_err(|_| "bad Timeticks".into())
        }
        "INTEGER" => integer(val)
            .map(Value::Integer)
            .ok_or_else(|| "bad INTEGER".into()),
        "Counter32" => unsigned(val)
            .and_then(|n| u32::try_from(n).ok())
            .map(Value::Counter32)
            .ok_or_else(|| "bad Counter32".into()),
        "Gauge32" | "UInteger32" | "Unsigned32" => unsigned(val)
            .and_then(|n| u32::try_from(n).ok())
            .map(Value::Gauge32)
            .ok_or_else(|| "bad Gauge32".into()),
        "Counter64" => unsigned(val)
            .map(Value::Counter64)
            .ok_or_else(|| "bad Counter64".into()),
        "IpAddress" => ipv4(val.trim())
            .map(Value::IpAddress)
            .ok_or_else(|| "bad IpAddress".into()),
        "Network Address" => {
            let b: Option<Vec<u8>> = val
                .trim()
                .split(':')
                .map(|h| u8::from_str_radix(h, 16).ok())
                .collect();
            match b.as_deref() {
                Some([a, b, c, d]) => Ok(Value::IpAddress([*a, *b, *c, *d])),
                _ => Err("bad Network Address".into()),
            }
        }
        "BITS" => {
            let hex: Vec<&str> = val
                .split_whitespace()
                .take_while(|t| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit()))
                .collect();
            hex_bytes(&hex.join(" "))
                .map(Value::OctetString)
                .ok_or_else(|| "bad BITS".into())
        }
        "Opaque" => Ok(Value::Opaque(val.trim().as_bytes().to_vec())),
        "NULL" => Ok(Value::Null),
        other => Err(format!("unknown value type '{other}'")),
    }
}

/// A STRING value: quoted (one leading and one trailing quote removed, `\"` unescaped,
/// following lines appended until the closing quote) or bare (MIB-named output).
fn string_value(val: &str, lines: &[&str], next: &mut usize) -> Vec<u8> {
    let Some(body) = val.strip_prefix('"') else {
        return val.as_bytes().to_vec();
    };
    let mut text = body.to_string();
    let mut taken = 0;
    while !closes(&text) && taken < MAX_CONTINUATION_LINES {
        let Some(l) = lines.get(*next) else { break };
        text.push('\n');
        text.push_str(l.trim_end_matches('\r'));
        *next += 1;
        taken += 1;
    }
    if closes(&text) {
        text.pop();
    }
    text.replace("\\\"", "\"").into_bytes()
}

/// Whether quoted text ends with an unescaped quote.
fn closes(text: &str) -> bool {
    let Some(inner) = text.strip_suffix('"') else {
        return false;
    };
    let backslashes = inner.chars().rev().take_while(|c| *c == '\\').count();
    backslashes % 2 == 0
}

/// Space-separated hex pairs (`00 1A ff `); `None` if any token is not one.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    text.split_whitespace()
        .map(|t| {
            if t.len() == 2 {
                u8::from_str_radix(t, 16).ok()
            } else {
                None
            }
        })
        .collect()
}

/// A continuation line of a wrapped Hex-STRING: only hex pairs.
fn hex_line(line: &str) -> Option<Vec<u8>> {
    if line.trim().is_empty() {
        return None;
    }
    hex_bytes(line)
}

/// `up(1)` → 1, `-3` → -3, `42 seconds` → 42.
fn integer(val: &str) -> Option<i64> {
    let v = val.trim();
    if let Some(open) = v.rfind('(') {
        if let Some(n) = v[open + 1..].strip_suffix(')') {
            return n.trim().parse().ok();
        }
    }
    v.split_whitespace().next()?.parse().ok()
}

/// The first token as an unsigned number (`1000000 bits per second` → 1000000).
fn unsigned(val: &str) -> Option<u64> {
    val.split_whitespace().next()?.parse().ok()
}

fn ipv4(text: &str) -> Option<[u8; 4]> {
    let parts: Vec<u8> = text
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    parts.try_into().ok()
}

/// One snmpsim `.snmprec` line: `1.3.6.1.2.1.1.1.0|4|text`, `…|4x|6c6f`, `…|2|5`.
fn snmprec(line: &str) -> Option<(Oid, Value)> {
    let mut parts = line.splitn(3, '|');
    let oid_text = parts.next()?;
    let tag = parts.next()?;
    let val = parts.next()?;
    if !oid_text.starts_with(|c: char| c.is_ascii_digit()) || oid_text.contains(' ') {
        return None;
    }
    let oid: Oid = oid_text.parse().ok()?;
    let (num, hex) = match tag.strip_suffix('x') {
        Some(n) => (n, true),
        None => (tag, false),
    };
    let num: u32 = num.parse().ok()?;
    let raw = |v: &str| -> Option<Vec<u8>> {
        if hex {
            if !v.len().is_multiple_of(2) {
                return None;
            }
            (0..v.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(v.get(i..i + 2)?, 16).ok())
                .collect()
        } else {
            Some(v.as_bytes().to_vec())
        }
    };
    let text = || String::from_utf8(raw(val)?).ok();
    let value = match num {
        2 => Value::Integer(text()?.trim().parse().ok()?),
        4 => Value::OctetString(raw(val)?),
        5 => Value::Null,
        6 => Value::Oid(text()?.parse().ok()?),
        64 => {
            let b = raw(val)?;
            if hex || b.len() == 4 && !b.contains(&b'.') {
                Value::IpAddress(b.try_into().ok()?)
            } else {
                Value::IpAddress(ipv4(&text()?)?)
            }
        }
        65 => Value::Counter32(text()?.trim().parse().ok()?),
        66 => Value::Gauge32(text()?.trim().parse().ok()?),
        67 => Value::TimeTicks(text()?.trim().parse().ok()?),
        68 => Value::Opaque(raw(val)?),
        70 => Value::Counter64(text()?.trim().parse().ok()?),
        128 => Value::NoSuchObject,
        129 => Value::NoSuchInstance,
        130 => Value::EndOfMibView,
        _ => return None,
    };
    Some((oid, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    fn get(w: &Walk, o: &str) -> Option<Value> {
        w.table.get(&oid(o)).cloned()
    }

    #[test]
    fn numeric_walk_all_types() {
        let w = parse(concat!(
            ".1.3.6.1.2.1.1.1.0 = STRING: \"H3C Comware\nH3C S5500\nCopyright \\\"x\\\"\"\n",
            ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.25506.1.1\n",
            ".1.3.6.1.2.1.1.3.0 = Timeticks: (293555959) 33 days, 23:25:59.59\n",
            ".1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 18 71 C1 E0 00 \n",
            ".1.3.6.1.2.1.2.2.1.2.9 = Hex-STRING: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F 50 \n",
            "51 52 \n",
            ".1.3.6.1.2.1.2.2.1.8.1 = INTEGER: up(1)\n",
            ".1.3.6.1.2.1.2.2.1.3.1 = INTEGER: -3\n",
            ".1.3.6.1.2.1.2.2.1.10.1 = Counter32: 4000000000\n",
            ".1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 18446744073709551615\n",
            ".1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 1000000000\n",
            ".1.3.6.1.2.1.4.20.1.1.10.0.0.1 = IpAddress: 10.0.0.1\n",
            ".1.3.6.1.2.1.31.1.1.1.18.1 = \"\"\n",
            ".1.3.6.1.2.1.31.1.1.1.18.2 = STRING: \n",
            ".1.3.6.1.2.1.1.9.0 = Wrong Type (should be OCTET STRING): INTEGER: 7\n",
            ".1.3.6.1.2.1.1.8.0 = No Such Object available on this agent at this OID\n",
            "garbage here\n",
            ".1.3.6.1.2.1.1.7.0 = INTEGER: 76\n",
            ".1.3.6.1.2.1.1.7.0 = No more variables left in this MIB View (It is past the end of the MIB tree)\n",
            ".1.3.6.1.2.1.1.6.0 = STRING: \"after the end\"\n",
        ));
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.1.0").and_then(|v| v.as_text()),
            Some("H3C Comware\nH3C S5500\nCopyright \"x\"".into())
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.2.0"),
            Some(Value::Oid(oid("1.3.6.1.4.1.25506.1.1")))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.3.0"),
            Some(Value::TimeTicks(293555959))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.2.2.1.6.1"),
            Some(Value::OctetString(vec![0, 0x18, 0x71, 0xc1, 0xe0, 0]))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.2.2.1.2.9").and_then(|v| v.as_text()),
            Some("ABCDEFGHIJKLMNOPQR".into())
        );
        assert_eq!(get(&w, "1.3.6.1.2.1.2.2.1.8.1"), Some(Value::Integer(1)));
        assert_eq!(get(&w, "1.3.6.1.2.1.2.2.1.3.1"), Some(Value::Integer(-3)));
        assert_eq!(
            get(&w, "1.3.6.1.2.1.2.2.1.10.1"),
            Some(Value::Counter32(4000000000))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.31.1.1.1.6.1"),
            Some(Value::Counter64(u64::MAX))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.2.2.1.5.1"),
            Some(Value::Gauge32(1000000000))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.4.20.1.1.10.0.0.1"),
            Some(Value::IpAddress([10, 0, 0, 1]))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.31.1.1.1.18.1"),
            Some(Value::OctetString(vec![]))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.31.1.1.1.18.2"),
            Some(Value::OctetString(vec![]))
        );
        assert_eq!(get(&w, "1.3.6.1.2.1.1.9.0"), Some(Value::Integer(7)));
        assert_eq!(get(&w, "1.3.6.1.2.1.1.8.0"), None);
        assert_eq!(get(&w, "1.3.6.1.2.1.1.7.0"), Some(Value::Integer(76)));
        assert_eq!(get(&w, "1.3.6.1.2.1.1.6.0"), None);
        assert_eq!(w.skipped_count, 1);
        assert!(w.skipped[0].starts_with("line 19: not an snmpwalk record"));
    }

    #[test]
    fn mib_named_walk() {
        let w = parse(concat!(
            "SNMPv2-MIB::sysDescr.0 = STRING: RICOH Aficio MP 171 1.00.1\n",
            "SNMPv2-MIB::sysObjectID.0 = OID: SNMPv2-SMI::enterprises.367.1.1\n",
            "DISMAN-EVENT-MIB::sysUpTimeInstance = Timeticks: (950925200) 110 days, 1:27:32.00\n",
            "SNMPv2-MIB::sysContact.0 = STRING: \n",
            "IF-MIB::ifPhysAddress.2 = STRING: 0:c:29:a:b:c\n",
            "IF-MIB::ifOperStatus.2 = INTEGER: down(2)\n",
            "FOO-MIB::fooBar.1 = INTEGER: 3\n",
            "iso.3.6.1.2.1.1.5.0 = STRING: \"sw1\"\n",
            "RFC1213-MIB::atPhysAddress.1 = Network Address: 0A:00:00:01\n",
        ));
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.1.0").and_then(|v| v.as_text()),
            Some("RICOH Aficio MP 171 1.00.1".into())
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.2.0"),
            Some(Value::Oid(oid("1.3.6.1.4.1.367.1.1")))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.3.0"),
            Some(Value::TimeTicks(950925200))
        );
        assert_eq!(get(&w, "1.3.6.1.2.1.2.2.1.8.2"), Some(Value::Integer(2)));
        assert_eq!(
            get(&w, "1.3.6.1.2.1.1.5.0").and_then(|v| v.as_text()),
            Some("sw1".into())
        );
        assert_eq!(w.skipped_count, 2);
    }

    #[test]
    fn unclosed_quote_is_bounded_and_garbage_never_panics() {
        let mut text = String::from(".1.3.6.1.2.1.1.1.0 = STRING: \"never closed\n");
        for _ in 0..5000 {
            text.push_str("x\n");
        }
        text.push_str(".1.3.6.1.2.1.1.5.0 = STRING: \"n\"\n");
        let w = parse(&text);
        assert!(w.table.get(&oid("1.3.6.1.2.1.1.1.0")).is_some());
        for g in [
            "= = =",
            ". = STRING: x",
            ".1.3 = Timeticks: (x",
            ".1.3 = Hex-STRING: zz",
            ".1.3 = IpAddress: 1.2.3",
            ".1.3 = Counter32: 99999999999",
            "\u{0}\u{1}\u{ff}",
            ".1.3 = INTEGER: up(",
            "1.3.6|2|x",
            "1.3.6|4x|abc",
        ] {
            let w = parse(g);
            assert!(w.table.is_empty(), "{g}");
        }
    }

    #[test]
    fn snmprec_lines() {
        let w = parse(concat!(
            "1.3.6.1.2.1.1.1.0|4|Linux box\n",
            "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10\n",
            "1.3.6.1.2.1.1.3.0|67|12345\n",
            "1.3.6.1.2.1.2.2.1.6.2|4x|000c29aabbcc\n",
            "1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1\n",
            "1.3.6.1.2.1.2.2.1.10.2|65|42\n",
            "1.3.6.1.2.1.31.1.1.1.6.2|70|42\n",
        ));
        assert_eq!(w.table.len(), 7);
        assert_eq!(
            get(&w, "1.3.6.1.2.1.2.2.1.6.2"),
            Some(Value::OctetString(vec![0, 0x0c, 0x29, 0xaa, 0xbb, 0xcc]))
        );
        assert_eq!(
            get(&w, "1.3.6.1.2.1.4.20.1.1.10.0.0.1"),
            Some(Value::IpAddress([10, 0, 0, 1]))
        );
    }
}
