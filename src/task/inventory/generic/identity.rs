//! What every OS module reports the same way: the FQDN and DNS domain (from the host
//! name and `/etc/hosts`), the boot time and the time zone of the run.

use crate::task::inventory::model::Entry;
use crate::task::inventory::module::Context;

/// `+0100`, `-0530` from an offset in seconds.
pub fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let m = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// The fully qualified name of `host`: as is when it has a dot, else the first dotted
/// alias of a `/etc/hosts` line naming it.
pub fn fqdn(host: &str, etc_hosts: &str) -> String {
    if host.contains('.') {
        return host.to_string();
    }
    for line in etc_hosts.lines() {
        let line = line.split('#').next().unwrap_or("");
        let names: Vec<&str> = line.split_whitespace().skip(1).collect();
        if names.contains(&host) {
            if let Some(full) = names.iter().find(|n| n.starts_with(&format!("{host}."))) {
                return full.to_string();
            }
        }
    }
    host.to_string()
}

/// Sets FQDN, DNS_DOMAIN, BOOT_TIME (from `boot`, epoch seconds) and TIMEZONE.
pub fn fill(ctx: &Context, os: &mut Entry, boot: Option<i64>) {
    let fqdn = fqdn(
        &ctx.uname.nodename,
        &ctx.file("/etc/hosts").unwrap_or_default(),
    );
    if let Some((_, domain)) = fqdn.split_once('.') {
        os.set("DNS_DOMAIN", domain);
    }
    os.set("FQDN", fqdn);
    if let Some(boot) = boot {
        os.set(
            "BOOT_TIME",
            ctx.clock.format_local(boot, "%Y-%m-%d %H:%M:%S"),
        );
    }
    let mut tz = Entry::new();
    tz.set("NAME", ctx.clock.zone.as_str())
        .set("OFFSET", offset_text(ctx.clock.offset));
    os.set_map("TIMEZONE", tz);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(offset_text(3600), "+0100");
        assert_eq!(offset_text(-19800), "-0530");
        assert_eq!(offset_text(0), "+0000");
    }

    #[test]
    fn fqdn_from_hosts() {
        let hosts = "127.0.0.1 localhost\n127.0.1.1 vm.example.org vm # me\n";
        assert_eq!(fqdn("vm", hosts), "vm.example.org");
        assert_eq!(fqdn("other", hosts), "other");
        assert_eq!(fqdn("a.b", ""), "a.b");
    }
}
