//! VIRTUALMACHINES on FreeBSD: the running jails, from `jls -n` (one line of
//! `key=value` parameters per jail).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "bsd/jails",
    category: "virtualmachine",
    applies: |ctx| ctx.os == Os::FreeBsd,
    collect,
};

/// One entry per `jls -n` line: NAME the jail's `host.hostname`, running. Parameters
/// without `=` (`nodying`, `allow.nomount`) are flags and ignored.
pub fn parse_jls(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let host = line
                .split_whitespace()
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == "host.hostname")?
                .1
                .trim_matches('"');
            if host.is_empty() {
                return None;
            }
            let mut e = Entry::new();
            e.set("NAME", host)
                .set("VMTYPE", "jail")
                .set("STATUS", "running");
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for e in parse_jls(&ctx.command(&["jls", "-n"]).unwrap_or_default()) {
        inv.add("VIRTUALMACHINES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn jails() {
        let j = super::parse_jls(
            "nodying jid=2 host.domainname=\"\" host.hostname=xmpp-test3 path=/home/jails/x\nnodying jid=3\n",
        );
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].get("NAME"), Some("xmpp-test3"));
        assert_eq!(j[0].get("VMTYPE"), Some("jail"));
    }
}
