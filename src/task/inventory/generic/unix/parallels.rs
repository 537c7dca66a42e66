//! VIRTUALMACHINES of Parallels (macOS, Linux), from one `prlctl list -a` run.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

const PATHS: &[&str] = &["/usr/local/bin/prlctl", "/usr/bin/prlctl"];

pub const MODULE: Module = Module {
    name: "generic/parallels",
    category: "virtualmachine",
    applies: |ctx| PATHS.iter().any(|p| ctx.src.exists(p)),
    collect,
};

/// `prlctl list -a` lines after the header (`{uuid}  STATUS  IP_ADDR  NAME…`).
pub fn parse_prlctl(text: &str) -> Vec<Entry> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut rest = line.trim_start();
            let mut cols = Vec::new();
            for _ in 0..3 {
                let cut = rest.find(char::is_whitespace)?;
                cols.push(&rest[..cut]);
                rest = rest[cut..].trim_start();
            }
            let name = rest.trim_end();
            let uuid = cols[0].trim_start_matches('{').trim_end_matches('}');
            if uuid.is_empty() || name.is_empty() {
                return None;
            }
            let status = match cols[1] {
                "running" => "running",
                "blocked" => "blocked",
                "paused" | "suspended" => "paused",
                "crashed" => "crashed",
                "dying" => "dying",
                "stopped" => "off",
                _ => "",
            };
            let mut e = Entry::new();
            e.set("NAME", name)
                .set("UUID", uuid)
                .set("STATUS", status)
                .set("SUBSYSTEM", "Parallels")
                .set("VMTYPE", "Parallels");
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(exe) = PATHS.iter().find(|p| ctx.src.exists(p)) else {
        return;
    };
    for e in parse_prlctl(&ctx.command(&[exe, "list", "-a"]).unwrap_or_default()) {
        inv.add("VIRTUALMACHINES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vms() {
        let v = super::parse_prlctl(
            "UUID                                    STATUS       IP_ADDR         NAME\n{bc993872-c70f-40bf-b2e2-94d9f080eb55}  stopped      -               Ubuntu Linux\nshort\n",
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].get("NAME"), Some("Ubuntu Linux"));
        assert_eq!(
            v[0].get("UUID"),
            Some("bc993872-c70f-40bf-b2e2-94d9f080eb55")
        );
        assert_eq!(v[0].get("STATUS"), Some("off"));
    }
}
