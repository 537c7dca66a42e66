//! STORAGES behind an LSI MegaRAID controller on FreeBSD: the physical drives of
//! `mfiutil show drives` (the controller hides them from GEOM, which sees only volumes).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "bsd/megaraid",
    category: "storage",
    applies: |ctx| ctx.os == Os::FreeBsd && ctx.src.exists("/dev/mfi0"),
    collect,
};

/// `mfiutil show drives` lines: ` 0 (  136G) ONLINE <SEAGATE ST3146356SS 0009
/// serial=3QN3GLFB> SAS E1:S0` gives NAME `SEAGATE ST3146356SS`, the bus as DESCRIPTION,
/// the size in MB (`G` and `T` are binary units) and the serial number.
pub fn parse_mfiutil(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let size = line.split_once('(')?.1.split_once(')')?.0.trim();
            let inside = line.split_once('<')?.1;
            let (ident, after) = inside.rsplit_once('>')?;
            let words: Vec<&str> = ident.split_whitespace().collect();
            let serial = words.iter().find_map(|w| w.strip_prefix("serial="))?;
            let (vendor, model) = (words.first()?, words.get(1)?);
            let bus = after.split_whitespace().next()?;
            let mut e = Entry::new();
            e.set("NAME", format!("{vendor} {model}"))
                .set("DESCRIPTION", bus)
                .set("TYPE", "disk")
                .set_opt("DISKSIZE", size_mb(size).map(|s| s.to_string()))
                .set("SERIALNUMBER", serial);
            Some(e)
        })
        .collect()
}

/// `136G` → 139264, `1.8T` → 1887436 (MB).
fn size_mb(size: &str) -> Option<u64> {
    let (number, unit) = size.split_at(size.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = number.trim().parse().ok()?;
    let factor = match unit.chars().next()? {
        'M' => 1.0,
        'G' => 1024.0,
        'T' => 1024.0 * 1024.0,
        _ => return None,
    };
    Some((n * factor) as u64)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for e in parse_mfiutil(
        &ctx.command(&["mfiutil", "show", "drives"])
            .unwrap_or_default(),
    ) {
        inv.add("STORAGES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn drives() {
        let d = super::parse_mfiutil(
            "mfi0 Physical Drives:\n 0 (  136G) ONLINE <SEAGATE ST3146356SS 0009 serial=3QN3GLFB> SAS E1:S0\n 1 (  1.8T) ONLINE <ATA ST2000NM0033-9ZM SN04 serial=Z1X0ABCD> SATA E1:S1\ngarbage (\n",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].get("NAME"), Some("SEAGATE ST3146356SS"));
        assert_eq!(d[0].get("DESCRIPTION"), Some("SAS"));
        assert_eq!(d[0].get("DISKSIZE"), Some("139264"));
        assert_eq!(d[0].get("SERIALNUMBER"), Some("3QN3GLFB"));
        assert_eq!(d[1].get("DISKSIZE"), Some("1887436"));
    }
}
