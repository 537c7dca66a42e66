//! Snap packages, from each installed snap's `meta/snap.yaml` under `/snap` (no `snap`
//! command needed).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

pub const MODULE: Module = Module {
    name: "linux/softwares/snap",
    category: "software",
    applies: |ctx| ctx.src.exists("/snap"),
    collect,
};

/// The top-level `key: value` fields of a snap.yaml (enough for name/version/summary).
pub fn parse_meta(text: &str) -> Entry {
    let mut e = Entry::new();
    for line in text.lines().filter(|l| !l.starts_with([' ', '\t', '-'])) {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().trim_matches(['\'', '"']);
        let field = match k.trim() {
            "name" => "NAME",
            "version" => "VERSION",
            "summary" => "COMMENTS",
            _ => continue,
        };
        e.set(field, v);
    }
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for name in ctx.src.list_dir("/snap").unwrap_or_default() {
        if name == "bin" || name == "README" {
            continue;
        }
        let Some(meta) = ctx
            .src
            .read_text(&format!("/snap/{name}/current/meta/snap.yaml"))
        else {
            continue;
        };
        let mut e = parse_meta(&meta);
        if e.get("NAME").is_none() {
            continue;
        }
        e.set("FROM", "snap");
        e.set("FOLDER", format!("/snap/{name}"));
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta() {
        let e = parse_meta(
            "name: core22\nversion: '20240111'\nsummary: Runtime\narchitectures:\n- amd64\n",
        );
        assert_eq!(e.get("NAME"), Some("core22"));
        assert_eq!(e.get("VERSION"), Some("20240111"));
        assert!(parse_meta("::\n").is_empty());
    }
}
