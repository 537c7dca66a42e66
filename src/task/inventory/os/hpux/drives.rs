//! DRIVES on HP-UX: the file system types from `fstyp -l`, then each type's file systems
//! from `bdf -t <type>` (sizes in KB; a long device name wraps the line).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "hpux/drives",
    category: "drive",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

/// The numbers of a `bdf` row: `kbytes used avail NN% mountpoint` → (total, free, mount).
fn numbers(words: &[&str]) -> Option<(String, String, String)> {
    let [total, used, avail, percent, mount, ..] = words else {
        return None;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let pct = percent.strip_suffix('%').is_some_and(digits);
    (digits(total) && digits(used) && digits(avail) && pct)
        .then(|| (total.to_string(), avail.to_string(), mount.to_string()))
}

/// `bdf -t <type>` → DRIVES (VOLUMN, TOTAL and FREE in KB, TYPE the mount point). The
/// header is skipped; a device alone on its line gives the numbers of the next line.
pub fn parse_bdf(text: &str) -> Vec<Entry> {
    let mut result = Vec::new();
    let mut device: Option<String> = None;
    for line in text.lines().skip(1) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(first) = words.first() else {
            continue;
        };
        let starts_with_word = !line.starts_with(char::is_whitespace);
        let (volume, row) = if starts_with_word {
            match numbers(&words[1..]) {
                Some(row) => (first.to_string(), row),
                None => {
                    device = Some(first.to_string());
                    continue;
                }
            }
        } else {
            match (device.clone(), numbers(&words)) {
                (Some(dev), Some(row)) => (dev, row),
                _ => continue,
            }
        };
        let mut e = Entry::new();
        e.set("VOLUMN", volume)
            .set("TOTAL", row.0)
            .set("FREE", row.1)
            .set("TYPE", row.2);
        result.push(e);
    }
    result
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(types) = ctx.command(&["fstyp", "-l"]) else {
        return;
    };
    for fstype in types.lines().map(str::trim).filter(|t| !t.is_empty()) {
        let Some(text) = ctx.command(&["bdf", "-t", fstype]) else {
            continue;
        };
        for mut e in parse_bdf(&text) {
            // bdf counts KB, DRIVES wants MB.
            for field in ["TOTAL", "FREE"] {
                let mb = e
                    .get(field)
                    .and_then(|kb| kb.parse::<u64>().ok())
                    .map(|kb| kb / 1024);
                e.set_opt(field, mb.map(|m| m.to_string()));
            }
            e.set("FILESYSTEM", fstype);
            if e.get("TYPE") == Some("/") {
                e.set("SYSTEMDRIVE", "1");
            }
            inv.add("DRIVES", e);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_and_wrapped_rows() {
        let d = super::parse_bdf(
            "Filesystem          kbytes    used   avail %used Mounted on\n\
             /dev/vg00/lvol3    2097152  344480 1739560   17% /\n\
             nfs:/u02/logs/root/kbmon/hpux/dgs/output/ignsrv\n\
             \x20                  50412224 30266304 17585104   63% /net/out\n",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].get("FREE"), Some("1739560"));
        assert_eq!(d[0].get("TYPE"), Some("/"));
        assert_eq!(
            d[1].get("VOLUMN"),
            Some("nfs:/u02/logs/root/kbmon/hpux/dgs/output/ignsrv")
        );
        assert_eq!(d[1].get("FREE"), Some("17585104"));
        assert!(super::parse_bdf("").is_empty());
    }
}
