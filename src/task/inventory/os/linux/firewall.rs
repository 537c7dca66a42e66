//! FIREWALL: whether a host firewall manager is on — ufw (its `ENABLED` setting) or
//! firewalld (its runtime folder exists while it runs). Read from files, no command.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/firewall",
    category: "firewall",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// `ENABLED=yes` in `/etc/ufw/ufw.conf`.
pub fn ufw_enabled(conf: &str) -> bool {
    conf.lines().any(|l| {
        let l = l.trim();
        l.strip_prefix("ENABLED=")
            .is_some_and(|v| v.trim().trim_matches('"').eq_ignore_ascii_case("yes"))
    })
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let ufw = ctx
        .src
        .read_text("/etc/ufw/ufw.conf")
        .is_some_and(|c| ufw_enabled(&c));
    let firewalld = ctx.src.exists("/run/firewalld/firewalld.pid")
        || ctx.src.exists("/var/run/firewalld/firewalld.pid");
    let mut e = Entry::new();
    e.set("STATUS", if ufw || firewalld { "on" } else { "off" });
    if ufw {
        e.set("DESCRIPTION", "ufw");
    } else if firewalld {
        e.set("DESCRIPTION", "firewalld");
    }
    inv.add("FIREWALL", e);
}

#[cfg(test)]
mod tests {
    #[test]
    fn ufw() {
        assert!(super::ufw_enabled("# c\nENABLED=yes\n"));
        assert!(!super::ufw_enabled("ENABLED=no\n"));
        assert!(!super::ufw_enabled(""));
    }
}
