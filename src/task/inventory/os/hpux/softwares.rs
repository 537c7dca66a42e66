//! SOFTWARES on HP-UX from `swlist` (the installed bundles and products: `  NAME  VERSION
//! description`); patches (`PH…`) are left out.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "hpux/softwares",
    category: "software",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

/// `swlist` → SOFTWARES: lines indented by exactly two spaces with a name, a version and
/// a description; `#` comment lines and patches are skipped.
pub fn parse_swlist(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("  ")?;
            if rest.starts_with(char::is_whitespace) {
                return None;
            }
            let (name, rest) = rest.split_once(char::is_whitespace)?;
            let rest = rest.trim_start();
            let (version, comment) = rest.split_once(char::is_whitespace)?;
            let comment = comment.trim();
            if comment.chars().count() < 2 || name.starts_with("PH") {
                return None;
            }
            let mut e = Entry::new();
            e.set("NAME", name)
                .set("VERSION", version)
                .set("COMMENTS", comment)
                .set("PUBLISHER", "HP");
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for e in parse_swlist(&ctx.command(&["swlist"]).unwrap_or_default()) {
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn products() {
        let s = super::parse_swlist(
            "# Initializing...\n#\n  B3929EA                               4.1.004        HP OnLineJFS (Server) \n\
             \x20 PHCO_1234   1.0   a patch\n   deeper 1 x y\n  BUNDLE  B.2009.02.14   Patch Bundle   \n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("COMMENTS"), Some("HP OnLineJFS (Server)"));
        assert_eq!(s[1].get("VERSION"), Some("B.2009.02.14"));
        assert_eq!(s[1].get("PUBLISHER"), Some("HP"));
    }
}
