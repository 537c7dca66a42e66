//! `sysctl`: one run for all the kernel values the BSD modules read.

use std::collections::BTreeMap;

use crate::task::inventory::module::{Context, Os};

/// The keys read on each system (an unknown key makes sysctl fail on some systems).
fn keys(os: Os) -> &'static [&'static str] {
    match os {
        Os::OpenBsd | Os::NetBsd => &[
            "hw.model",
            "hw.ncpu",
            "hw.physmem",
            "hw.machine",
            "kern.boottime",
            "hw.uuid",
            "hw.vendor",
            "hw.product",
            "hw.serialno",
            "hw.version",
            "hw.disknames",
            "kern.version",
        ],
        _ => &[
            "hw.model",
            "hw.ncpu",
            "hw.physmem",
            "hw.machine_arch",
            "kern.boottime",
            "kern.hostuuid",
            "kern.vm_guest",
            "security.jail.jailed",
            "hw.clockrate",
            "kern.version",
        ],
    }
}

/// Parses `key: value` (FreeBSD) or `key=value` (OpenBSD) lines; a value may go on over
/// the following lines (`kern.version`).
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        let sep = line.find([':', '=']);
        let key_like = sep.is_some_and(|i| {
            let k = &line[..i];
            !k.is_empty()
                && k.contains('.')
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        });
        if let (true, Some(i)) = (key_like, sep) {
            let key = line[..i].to_string();
            out.insert(key.clone(), line[i + 1..].trim().to_string());
            last = Some(key);
        } else if let Some(k) = &last {
            if let Some(v) = out.get_mut(k) {
                if !line.trim().is_empty() {
                    v.push('\n');
                    v.push_str(line.trim());
                }
            }
        }
    }
    out
}

/// The sysctl values of this run.
pub fn values(ctx: &Context) -> BTreeMap<String, String> {
    let mut argv = vec!["sysctl"];
    argv.extend_from_slice(keys(ctx.os));
    parse(&ctx.command(&argv).unwrap_or_default())
}

/// `kern.boottime` as epoch seconds: `{ sec = 1700000000, usec = 1 } Tue …` or `1700000000`.
pub fn boottime(v: &str) -> Option<i64> {
    if let Some(rest) = v.split("sec =").nth(1) {
        return rest
            .trim()
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok();
    }
    v.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_styles() {
        let f = parse("hw.model: Intel(R) Xeon(R) CPU\nhw.ncpu: 4\nkern.boottime: { sec = 1700000000, usec = 5 } Tue Nov 14\nkern.version: FreeBSD 14.1-RELEASE GENERIC\n\n");
        assert_eq!(f.get("hw.ncpu").map(String::as_str), Some("4"));
        assert_eq!(boottime(&f["kern.boottime"]), Some(1700000000));
        let o = parse("hw.model=AMD EPYC\nhw.physmem=4277927936\nkern.boottime=1700000001\n");
        assert_eq!(o.get("hw.physmem").map(String::as_str), Some("4277927936"));
        assert_eq!(boottime(&o["kern.boottime"]), Some(1700000001));
        assert!(parse("garbage without keys\n").is_empty());
    }
}
