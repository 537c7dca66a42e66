//! ENVS: the agent's environment variables (`/proc/self/environ`).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/envs",
    category: "environment",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// NUL-separated `KEY=value` pairs.
pub fn parse(data: &[u8]) -> Vec<(String, String)> {
    data.split(|&b| b == 0)
        .filter_map(|kv| {
            let s = String::from_utf8_lossy(kv);
            let (k, v) = s.split_once('=')?;
            (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for (k, v) in parse(&ctx.src.read("/proc/self/environ").unwrap_or_default()) {
        let mut e = Entry::new();
        e.set("KEY", k).set("VAL", v);
        inv.add("ENVS", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pairs() {
        let p = super::parse(b"A=1\0B=x=y\0=bad\0\0");
        assert_eq!(
            p,
            vec![("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
    }
}
