//! `lsdev` listings of AIX devices: the adapters (`lsdev -Cc adapter -F
//! name:type:description`), which the CONTROLLERS, MODEMS, SOUNDS and VIDEOS modules
//! filter, and `name:description` listings (disks, buses).

use std::rc::Rc;

use crate::task::inventory::model::Entry;
use crate::task::inventory::module::Context;

/// One line of `lsdev -Cc adapter -F name:type:description`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adapter {
    pub name: String,
    /// A hexadecimal id (`14108902`) or a symbolic one for virtual adapters (`IBM,l-lan`).
    pub kind: Option<String>,
    pub description: Option<String>,
}

/// `lsdev -Cc adapter -F name:type:description` → adapters, in order. Fields are split at
/// every colon (as the reference does): a description with a colon is cut there.
pub fn parse_adapters(text: &str) -> Vec<Adapter> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut fields = line.split(':').map(|f| f.to_string());
            let field = |f: Option<String>| f.filter(|v| !v.is_empty());
            Adapter {
                name: fields.next().unwrap_or_default(),
                kind: field(fields.next()),
                description: field(fields.next()),
            }
        })
        .collect()
}

/// `name:description` lines → (name, description). The name is everything before the
/// **last** colon (the reference's greedy pattern); lines without a description after
/// it are skipped.
pub fn parse_name_description(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_end_matches(['\r', '\n']);
            let (name, description) = line.rsplit_once(':')?;
            (!name.is_empty() && !description.is_empty())
                .then(|| (name.to_string(), description.to_string()))
        })
        .collect()
}

fn matching(adapters: &[Adapter], words: &[&str]) -> Vec<Adapter> {
    adapters
        .iter()
        .filter(|a| {
            a.description.as_deref().is_some_and(|d| {
                let d = d.to_ascii_lowercase();
                words.iter().any(|w| d.contains(w))
            })
        })
        .cloned()
        .collect()
}

/// Every adapter is a controller (by name).
pub fn controllers(adapters: &[Adapter]) -> Vec<Entry> {
    adapters
        .iter()
        .map(|a| {
            let mut e = Entry::new();
            e.set("NAME", a.name.as_str());
            e
        })
        .collect()
}

fn named_with_description(adapters: Vec<Adapter>) -> Vec<Entry> {
    adapters
        .into_iter()
        .map(|a| {
            let mut e = Entry::new();
            e.set("NAME", a.name).set_opt("DESCRIPTION", a.description);
            e
        })
        .collect()
}

/// Adapters whose description says modem.
pub fn modems(adapters: &[Adapter]) -> Vec<Entry> {
    named_with_description(matching(adapters, &["modem"]))
}

/// Adapters whose description says audio.
pub fn sounds(adapters: &[Adapter]) -> Vec<Entry> {
    named_with_description(matching(adapters, &["audio"]))
}

/// Graphics adapters (by name only: `lsdev` says nothing of chipset or memory).
pub fn videos(adapters: &[Adapter]) -> Vec<Entry> {
    matching(adapters, &["graphics", "vga", "video"])
        .into_iter()
        .map(|a| {
            let mut e = Entry::new();
            e.set("NAME", a.name);
            e
        })
        .collect()
}

/// `lsdev -Cc bus -F name:description` lines → SLOTS (`NAME`, `DESIGNATION`).
pub fn slots(text: &str) -> Vec<Entry> {
    parse_name_description(text)
        .into_iter()
        .map(|(name, designation)| {
            let mut e = Entry::new();
            e.set("NAME", name).set("DESIGNATION", designation);
            e
        })
        .collect()
}

/// The adapters of this machine, listed once per inventory.
pub fn adapters(ctx: &Context) -> Rc<Vec<Adapter>> {
    ctx.shared(|| {
        parse_adapters(
            &ctx.command(&["lsdev", "-Cc", "adapter", "-F", "name:type:description"])
                .unwrap_or_default(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LSDEV: &str = "ati0:02105e51:Native Display Graphics Adapter\n\
        ent0:14106703:Gigabit Ethernet-SX PCI-X Adapter (14106703)\n\
        sa0:4f111100:IBM 8-Port EIA-232/RS-422A (PCI) Adapter\n\
        mdm0:x:Integrated Modem\n\
        paud0:y:Audio Codec\n\
        vsa0:hvterm1:LPAR Virtual Serial Adapter\n";

    #[test]
    fn adapters_and_filters() {
        let a = parse_adapters(LSDEV);
        assert_eq!(a.len(), 6);
        assert_eq!(a[0].kind.as_deref(), Some("02105e51"));
        assert_eq!(controllers(&a).len(), 6);
        let v = videos(&a);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].get("NAME"), Some("ati0"));
        assert_eq!(modems(&a)[0].get("DESCRIPTION"), Some("Integrated Modem"));
        assert_eq!(sounds(&a)[0].get("NAME"), Some("paud0"));
        assert!(parse_adapters("").is_empty());
    }

    #[test]
    fn name_description_greedy() {
        let p = parse_name_description("hdisk0:SAS Disk Drive\r\nent0:14106703:Gigabit\nnone:\n");
        assert_eq!(p[0], ("hdisk0".into(), "SAS Disk Drive".into()));
        assert_eq!(p[1], ("ent0:14106703".into(), "Gigabit".into()));
        assert_eq!(p.len(), 2);
        assert_eq!(
            slots("pci0:PCI Bus\n")[0].get("DESIGNATION"),
            Some("PCI Bus")
        );
    }
}
