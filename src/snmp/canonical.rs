//! Cleaning SNMP values into what inventories carry: display strings, MAC addresses,
//! serial numbers, uptimes. Devices send the same fact in many shapes (a MAC as six raw
//! bytes, as `0:c:29:…` text, as `0x000c29…`; a name with a trailing NUL or quotes), and
//! the discovery and inventory tasks must agree on one form.

use super::value::Value;

/// A display string: quotes around it dropped, cut at the first unprintable character
/// (NUL padding, binary tails), trailing newline dropped. `None` when nothing is left of it
/// or when the value is not a string or number.
pub fn string(v: &Value) -> Option<String> {
    let text = match v {
        Value::OctetString(b) | Value::Opaque(b) => decode(b),
        other => other.as_text()?,
    };
    let t = text.strip_prefix("\\\"").unwrap_or(&text);
    let t = t
        .strip_prefix('"')
        .or_else(|| t.strip_prefix('\''))
        .unwrap_or(t);
    let t = t.strip_suffix("\\\"").unwrap_or(t);
    let t = t
        .strip_suffix('"')
        .or_else(|| t.strip_suffix('\''))
        .unwrap_or(t);
    let mut out = String::new();
    for c in t.chars() {
        if c == '\n' || !c.is_control() {
            out.push(c);
        } else if c == '\r' {
            continue;
        } else {
            break;
        }
    }
    let out = out.strip_suffix('\n').unwrap_or(&out).to_string();
    Some(out)
}

/// A display string that is not empty after trimming blanks.
pub fn text(v: &Value) -> Option<String> {
    string(v)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Bytes as text: UTF-8 when they are, else Latin-1 (older devices).
fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|c| char::from(*c)).collect(),
    }
}

/// A MAC address as `00:1a:2b:3c:4d:5e`: six raw bytes, `0:c:29:…` or `00-0C-29-…`
/// text, `0x000c29…`/`000c29…` hex; a Fibre Channel WWN (8 bytes starting `10:0…` or
/// `2…`) is kept whole; other longer values keep their last six bytes, shorter ones are
/// left out. `None` for all zeros.
pub fn mac(v: &Value) -> Option<String> {
    let bytes = mac_bytes(v)?;
    if bytes.iter().all(|b| *b == 0) {
        return None;
    }
    Some(format_mac(&bytes))
}

/// Six bytes as `aa:bb:cc:dd:ee:ff`.
pub fn format_mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn mac_bytes(v: &Value) -> Option<Vec<u8>> {
    let raw = v.as_bytes()?;
    let printable = raw.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    if raw.len() == 6 || (!printable && raw.len() > 6) {
        return mac_shape(raw.to_vec());
    }
    let text = std::str::from_utf8(raw).ok()?.trim();
    let parts: Vec<&str> = text.split([':', '-', ' ']).collect();
    let bytes: Option<Vec<u8>> = if parts.len() >= 6 {
        parts
            .iter()
            .map(|p| {
                if p.is_empty() || p.len() > 2 {
                    None
                } else {
                    u8::from_str_radix(p, 16).ok()
                }
            })
            .collect()
    } else {
        let h = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        if h.len() >= 12 && h.len().is_multiple_of(2) && h.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
                .collect()
        } else {
            None
        }
    };
    mac_shape(bytes?)
}

/// Six bytes, a WWN's eight, or the last six of a longer value.
fn mac_shape(bytes: Vec<u8>) -> Option<Vec<u8>> {
    if bytes.len() < 6 {
        return None;
    }
    let wwn = bytes.len() == 8 && ((bytes[0] == 0x10 && bytes[1] < 0x10) || bytes[0] >> 4 == 2);
    if wwn {
        return Some(bytes);
    }
    Some(bytes[bytes.len() - 6..].to_vec())
}

/// A serial number: printable characters only, trimmed, runs of dots removed.
pub fn serial(v: &Value) -> Option<String> {
    let raw = match v {
        Value::OctetString(b) | Value::Opaque(b) => decode(b),
        other => other.as_text()?,
    };
    let printable: String = raw
        .chars()
        .filter(|c| !c.is_control() && (c.is_ascii_graphic() || *c == ' ' || !c.is_ascii()))
        .collect();
    let mut out = String::new();
    let mut dots = 0;
    for c in printable.trim().chars() {
        if c == '.' {
            dots += 1;
            continue;
        }
        if dots == 1 {
            out.push('.');
        }
        dots = 0;
        out.push(c);
    }
    if dots == 1 {
        out.push('.');
    }
    let out = out.trim().to_string();
    if out.is_empty() || out.chars().all(|c| c == 'X') {
        None
    } else {
        Some(out)
    }
}

/// Time ticks (hundredths of a second) as the reference agents send them to servers
/// (their SNMP library's text: `26.20 seconds`, `22 minutes, 57.91`,
/// `1 hour, 02:03.45`, `33 days, 23:25:59.59`), whether the device was live or a walk.
pub fn uptime(ticks: u64) -> String {
    let days = ticks / 8_640_000;
    let rest = ticks % 8_640_000;
    let hours = rest / 360_000;
    let rest = rest % 360_000;
    let minutes = rest / 6000;
    let cs = rest % 6000;
    let seconds = format!("{:02}.{:02}", cs / 100, cs % 100);
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    if days != 0 {
        format!(
            "{days} day{}, {hours:02}:{minutes:02}:{seconds}",
            plural(days)
        )
    } else if hours != 0 {
        format!("{hours} hour{}, {minutes:02}:{seconds}", plural(hours))
    } else if minutes != 0 {
        format!("{minutes} minute{}, {seconds}", plural(minutes))
    } else {
        let s = format!("{}.{:02}", cs / 100, cs % 100);
        format!("{s} second{}", if cs == 100 { "" } else { "s" })
    }
}

/// Time ticks as `snmpwalk` prints them (`0:22:57.91`, `33 days, 23:25:59.59`).
pub fn uptime_walk(ticks: u64) -> String {
    let cs = ticks % 100;
    let s = ticks / 100;
    let (d, h, m, sec) = (s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    let clock = format!("{h}:{m:02}:{sec:02}.{cs:02}");
    match d {
        0 => clock,
        1 => format!("1 day, {clock}"),
        n => format!("{n} days, {clock}"),
    }
}

/// A whole number from an INTEGER-like value, or from a string holding only one.
pub fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::OctetString(_) => string(v)?.trim().parse().ok(),
        other => other.as_i64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Value {
        Value::OctetString(t.as_bytes().to_vec())
    }

    #[test]
    fn strings() {
        assert_eq!(string(&s("\"quoted\"")), Some("quoted".into()));
        assert_eq!(string(&s("name\0\0")), Some("name".into()));
        assert_eq!(string(&s("a\u{1}tail")), Some("a".into()));
        assert_eq!(string(&s("a\tb")), Some("a".into()));
        assert_eq!(string(&s("two\nlines\n")), Some("two\nlines".into()));
        assert_eq!(text(&s("  ")), None);
        assert_eq!(
            string(&Value::OctetString(vec![0x63, 0x61, 0x66, 0xe9])),
            Some("café".into())
        );
        assert_eq!(string(&Value::Integer(3)), Some("3".into()));
    }

    #[test]
    fn macs() {
        assert_eq!(
            mac(&Value::OctetString(vec![0, 0x18, 0x71, 0xc1, 0xe0, 0])),
            Some("00:18:71:c1:e0:00".into())
        );
        assert_eq!(mac(&s("0:c:29:a:b:c")), Some("00:0c:29:0a:0b:0c".into()));
        assert_eq!(mac(&s("0x000C29AABBCC")), Some("00:0c:29:aa:bb:cc".into()));
        assert_eq!(
            mac(&s("00-0C-29-AA-BB-CC")),
            Some("00:0c:29:aa:bb:cc".into())
        );
        assert_eq!(mac(&Value::OctetString(vec![0; 6])), None);
        assert_eq!(
            mac(&Value::OctetString(vec![
                0x10, 0, 0, 5, 0x1e, 0x69, 0x37, 6
            ])),
            Some("10:00:00:05:1e:69:37:06".into())
        );
        assert_eq!(
            mac(&Value::OctetString(vec![
                0x50, 0, 0, 5, 0x1e, 0x69, 0x37, 6
            ])),
            Some("00:05:1e:69:37:06".into())
        );
        assert_eq!(mac(&Value::OctetString(vec![])), None);
        assert_eq!(mac(&s("xyz")), None);
    }

    #[test]
    fn serials_and_uptimes() {
        assert_eq!(serial(&s("  SG707SU03Y\0")), Some("SG707SU03Y".into()));
        assert_eq!(serial(&s("AB...CD")), Some("ABCD".into()));
        assert_eq!(serial(&s("XXXX")), None);
        assert_eq!(uptime(293555959), "33 days, 23:25:59.59");
        assert_eq!(uptime(137791), "22 minutes, 57.91");
        assert_eq!(uptime(2620), "26.20 seconds");
        assert_eq!(uptime(100), "1.00 second");
        assert_eq!(uptime(0), "0.00 seconds");
        assert_eq!(uptime(372345), "1 hour, 02:03.45");
        assert_eq!(uptime(8640000), "1 day, 00:00:00.00");
        assert_eq!(uptime_walk(293555959), "33 days, 23:25:59.59");
        assert_eq!(uptime_walk(137791), "0:22:57.91");
        assert_eq!(uptime_walk(0), "0:00:00.00");
        assert_eq!(uptime_walk(8640000), "1 day, 0:00:00.00");
    }
}
