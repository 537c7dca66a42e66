//! SOFTWARES on AIX from `lslpp -c -l`: one entry per installed fileset and path
//! (`/usr/lib/objrepos`, `/etc/objrepos`…); device filesets are left out.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "aix/softwares",
    category: "software",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// `lslpp -c -l` (`#Fileset:Level:…` header, then `path:fileset:level:ptf:state:type:
/// description:…`) → SOFTWARES. The description is cut at its first colon, as the
/// reference does (the format has no escaping).
pub fn parse_lslpp(text: &str) -> Vec<Entry> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            let name = *f.get(1)?;
            if name.is_empty() || name.starts_with("device") {
                return None;
            }
            let mut e = Entry::new();
            e.set("FOLDER", f[0])
                .set("NAME", name)
                .set_opt("VERSION", f.get(2).copied())
                .set_opt("COMMENTS", f.get(6).map(|c| c.trim_end()));
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for e in parse_lslpp(&ctx.command(&["lslpp", "-c", "-l"]).unwrap_or_default()) {
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn filesets() {
        let s = super::parse_lslpp(
            "#Fileset:Level:PTF Id:State:Type:Description:EFIX Locked\n\
             /usr/lib/objrepos:bos.rte:6.1.6.0::COMMITTED:F:Base Operating System Runtime :\n\
             /usr/lib/objrepos:devices.pci.14106703.rte:6.1.6.0::COMMITTED:F:Adapter:\n\
             /etc/objrepos:bos.rte:6.1.6.0::COMMITTED:F:Base: with colon\n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("COMMENTS"), Some("Base Operating System Runtime"));
        assert_eq!(s[0].get("VERSION"), Some("6.1.6.0"));
        assert_eq!(s[1].get("FOLDER"), Some("/etc/objrepos"));
        assert_eq!(s[1].get("COMMENTS"), Some("Base"));
    }
}
