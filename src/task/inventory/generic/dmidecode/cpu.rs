//! CPUS from dmidecode type 4 (Processor Information) alone.
//!
//! Used as is on BSD, and merged with `/proc/cpuinfo` on Linux x86. One entry per
//! populated socket: NAME, MANUFACTURER, FAMILYNAME, ID, SERIAL, CORE, THREAD (per socket),
//! CORECOUNT (when some cores are disabled), STEPPING/FAMILYNUMBER/MODEL (decoded from the
//! ID string), SPEED and EXTERNAL_CLOCK (MHz).

use super::{leading_number, number_text, Dmi, Structure};
use crate::task::inventory::model::Entry;

/// One entry per populated DMI type-4 structure (empty when there is none).
pub fn cpus(dmi: &Dmi) -> Vec<Entry> {
    dmi.all(4)
        .iter()
        .filter(|s| populated(s))
        .map(cpu)
        .collect()
}

/// The OCS dialect's facts of each populated processor, in the order of [`cpus`]:
/// VOLTAGE and SOCKET (its designation).
pub fn sockets(dmi: &Dmi) -> Vec<Entry> {
    dmi.all(4)
        .iter()
        .filter(|s| populated(s))
        .map(|s| {
            let mut e = Entry::new();
            e.set_opt("VOLTAGE", s.get("Voltage").map(String::as_str))
                .set_opt("SOCKET", s.get("Socket Designation").map(String::as_str));
            e
        })
        .collect()
}

/// Copies the fields of `extra[i]` into `cpus[i]` (what [`sockets`] gives).
pub fn merge(cpus: &mut [Entry], extra: &[Entry]) {
    for (cpu, x) in cpus.iter_mut().zip(extra) {
        for (k, v) in x.iter() {
            if let crate::task::inventory::model::Value::Text(t) = v {
                cpu.set(k, t.as_str());
            }
        }
    }
}

fn populated(s: &Structure) -> bool {
    let status = s
        .get("Status")
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_default();
    let disabled = status.contains("unpopulated") || status.contains("disabled");
    // VMware lists absent virtual sockets with zeroed strings.
    let get = |k: &str| s.get(k).map(String::as_str);
    let manufacturer = get("Manufacturer").or(get("Processor Manufacturer"));
    let version = get("Version").or(get("Processor Version"));
    let vmware_placeholder =
        manufacturer == Some("000000000000") && version == Some("00000000000000000000000000000000");
    !disabled && !vmware_placeholder
}

fn cpu(s: &Structure) -> Entry {
    let get = |k: &str| s.get(k).map(String::as_str);
    let mut e = Entry::new();
    e.set_opt("SERIAL", get("Serial Number"))
        .set_opt("ID", get("ID"))
        .set_opt("CORE", get("Core Enabled").or(get("Core Count")))
        .set_opt("THREAD", get("Thread Count"))
        .set_opt("FAMILYNAME", get("Family"))
        .set_opt(
            "MANUFACTURER",
            get("Manufacturer").or(get("Processor Manufacturer")),
        );
    let name = get("Version")
        .or(get("Family"))
        .or(get("Processor Family"))
        .or(get("Processor Version"));
    e.set_opt("NAME", name.map(strip_trademarks));

    if let Some((stepping, family, model)) = get("ID").and_then(decode_id) {
        e.set("STEPPING", stepping.to_string())
            .set("FAMILYNUMBER", family.to_string())
            .set("MODEL", model.to_string());
    }

    let speed = get("Version")
        .and_then(speed_suffix)
        .or_else(|| get("Current Speed").and_then(current_speed));
    e.set_opt("SPEED", speed);
    e.set_opt("EXTERNAL_CLOCK", get("External Clock").and_then(clock_mhz));

    if let (Some(enabled), Some(count)) = (get("Core Enabled"), get("Core Count")) {
        if enabled != count {
            e.set("CORECOUNT", count);
        }
    }
    e
}

/// Removes `(R)` and `(TM)` marks, case-insensitively.
pub(crate) fn strip_trademarks(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while !rest.is_empty() {
        let lower = rest.get(..4).unwrap_or(rest).to_ascii_lowercase();
        if lower.starts_with("(r)") {
            rest = &rest[3..];
        } else if lower.starts_with("(tm)") {
            rest = &rest[4..];
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Stepping, family and model from character positions of the ID text
/// (`"7A 06 01 00 …"` -> 10, 6, 23), as the reference reads them.
pub(crate) fn decode_id(id: &str) -> Option<(u32, u32, u32)> {
    let c: Vec<char> = id.chars().collect();
    if c.len() < 11 {
        return None;
    }
    let hex = |s: String| u32::from_str_radix(&s, 16).ok();
    let stepping = hex(c[1].to_string())?;
    let family = hex([c[9], c[10], c[4]].iter().collect())?;
    let model = hex([c[7], c[0]].iter().collect())?;
    Some((stepping, family, model))
}

/// `"… @ 2.40GHz"` -> 2400, `"… 800MHz"` -> 800 (number glued to the unit at the end).
pub(crate) fn speed_suffix(version: &str) -> Option<String> {
    let (number, factor) = if let Some(n) = version.strip_suffix("GHz") {
        (n, 1000.0)
    } else {
        (version.strip_suffix("MHz")?, 1.0)
    };
    let value: f64 = trailing_number(number).parse().ok()?;
    Some(number_text(value * factor))
}

/// The run of digits and dots at the end of a text.
pub(crate) fn trailing_number(s: &str) -> &str {
    let kept = s
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    &s[s.len() - kept..]
}

/// `Current Speed`: a 3-4 digit MHz value, or an integer GHz value.
fn current_speed(speed: &str) -> Option<String> {
    let lower = speed.trim().to_ascii_lowercase();
    let digits: String = lower.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = lower[digits.len()..].trim_start();
    if unit.starts_with("mhz") && (3..=4).contains(&digits.len()) {
        Some(digits)
    } else if unit.starts_with("ghz") && !digits.is_empty() {
        digits.parse::<u64>().ok().map(|g| (g * 1000).to_string())
    } else {
        None
    }
}

/// `External Clock`: `"333 MHz"` -> 333, GHz values times 1000.
fn clock_mhz(clock: &str) -> Option<String> {
    let lower = clock.trim().to_ascii_lowercase();
    let digits: String = lower.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = lower[digits.len()..].trim_start();
    let value = leading_number(&digits)?;
    if unit.starts_with("mhz") {
        Some(number_text(value))
    } else if unit.starts_with("ghz") {
        Some(number_text(value * 1000.0))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    const SAMPLE: &str = "Handle 0x4, DMI type 4, 40 bytes\nProcessor Information\n\
        \tFamily: Core 2 Duo\n\tManufacturer: Intel\n\tID: 7A 06 01 00 FF FB EB BF\n\
        \tVersion: Intel(R) Core(TM)2 Duo CPU E8400 @ 3.00GHz\n\tExternal Clock: 333 MHz\n\
        \tCurrent Speed: 2000 MHz\n\tStatus: Populated, Enabled\n\tCore Count: 4\n\
        \tCore Enabled: 2\n\tThread Count: 2\n\n\
        Handle 0x5, DMI type 4, 40 bytes\nProcessor Information\n\tStatus: Unpopulated\n";

    #[test]
    fn reads_populated_sockets() {
        let list = cpus(&parse(SAMPLE));
        assert_eq!(list.len(), 1);
        let c = &list[0];
        assert_eq!(c.get("NAME"), Some("Intel Core2 Duo CPU E8400 @ 3.00GHz"));
        assert_eq!(c.get("SPEED"), Some("3000"));
        assert_eq!(c.get("EXTERNAL_CLOCK"), Some("333"));
        assert_eq!(
            (c.get("STEPPING"), c.get("FAMILYNUMBER"), c.get("MODEL")),
            (Some("10"), Some("6"), Some("23"))
        );
        assert_eq!(
            (c.get("CORE"), c.get("CORECOUNT"), c.get("THREAD")),
            (Some("2"), Some("4"), Some("2"))
        );
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(
            cpus(&parse(
                "DMI type 4\n\tID: ï\n\tVersion: GHz\n\tCurrent Speed: x\n"
            ))
            .len()
                <= 1
        );
        assert!(cpus(&parse("")).is_empty());
        assert_eq!(decode_id("ZZZZZZZZZZZZ"), None);
        assert_eq!(strip_trademarks("A(r)B(Tm)é"), "ABé");
        assert_eq!(speed_suffix("é2.5GHz").as_deref(), Some("2500"));
        assert_eq!(speed_suffix("éGHz"), None);
    }
}
