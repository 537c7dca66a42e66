//! PHYSICAL_VOLUMES, LOGICAL_VOLUMES and VOLUME_GROUPS on AIX from `lspv`, `lsvg`,
//! `lsvg -l <vg>` and `lslv <lv>`, `lspv <pv>`, `lsvg <vg>` (two columns of `KEY: value`).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "aix/lvm",
    category: "lvm",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// The first word after `key:` anywhere on a line (`lspv` and `lsvg` have two columns).
fn word_after<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(key)? + key.len();
    let rest = line[at..].strip_prefix(':')?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    rest.split_whitespace().next()
}

/// The leading integer of the word after `key:` (`64 megabyte(s)` → 64).
fn number_after(line: &str, key: &str) -> Option<u64> {
    let w = word_after(line, key)?;
    let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `lspv <name>` → a PHYSICAL_VOLUMES entry; sizes in MB (PPs × PP size).
pub fn parse_lspv(name: &str, text: &str) -> Entry {
    let mut e = Entry::new();
    e.set("DEVICE", format!("/dev/{name}"));
    let (mut free, mut total, mut pe_size) = (None, None, None);
    for line in text.lines() {
        if word_after(line, "PHYSICAL VOLUME").is_some() {
            e.set("FORMAT", "AIX PV");
        }
        free = free.or(number_after(line, "FREE PPs"));
        total = total.or(number_after(line, "TOTAL PPs"));
        if let Some(vg) = word_after(line, "VOLUME GROUP") {
            e.set("ATTR", format!("VG {vg}"));
        }
        pe_size = pe_size.or(number_after(line, "PP SIZE"));
        if let Some(id) = word_after(line, "PV IDENTIFIER") {
            e.set("PV_UUID", id);
        }
    }
    if let Some(pe) = pe_size {
        e.set("PE_SIZE", pe.to_string());
        e.set_opt("SIZE", total.map(|t| t.saturating_mul(pe).to_string()))
            .set_opt("FREE", free.map(|f| f.saturating_mul(pe).to_string()));
    }
    e.set_opt("PV_PE_COUNT", total.map(|t| t.to_string()));
    e
}

/// `lslv <name>` → a LOGICAL_VOLUMES entry; SIZE in MB (LPs × PP size).
pub fn parse_lslv(name: &str, text: &str) -> Entry {
    let mut e = Entry::new();
    e.set("LV_NAME", name);
    let (mut pp_size, mut lps) = (None, None);
    for line in text.lines() {
        pp_size = pp_size.or(number_after(line, "PP SIZE"));
        let at_start = |key: &str| {
            line.starts_with(key)
                .then(|| word_after(line, key))
                .flatten()
        };
        if let Some(id) = at_start("LV IDENTIFIER") {
            e.set("LV_UUID", id);
        }
        if let Some(n) = at_start("LPs") {
            e.set("SEG_COUNT", n);
            lps = n.parse::<u64>().ok();
        }
        if let Some(t) = at_start("TYPE") {
            e.set("ATTR", format!("Type {t}"));
        }
    }
    if let (Some(n), Some(size)) = (lps, pp_size) {
        e.set("SIZE", n.saturating_mul(size).to_string());
    }
    e
}

/// `lsvg <name>` → a VOLUME_GROUPS entry; SIZE and FREE are PP counts, as the reference.
pub fn parse_lsvg(name: &str, text: &str) -> Entry {
    let mut e = Entry::new();
    e.set("VG_NAME", name);
    for line in text.lines() {
        let number = |key| number_after(line, key).map(|n| n.to_string());
        e.set_opt("SIZE", number("TOTAL PPs"))
            .set_opt("FREE", number("FREE PPs"))
            .set_opt("VG_UUID", word_after(line, "VG IDENTIFIER"))
            .set_opt("VG_EXTENT_SIZE", number("PP SIZE"))
            .set_opt("LV_COUNT", number("LVs"))
            .set_opt("PV_COUNT", number("ACTIVE PVs"));
    }
    e
}

/// `lsvg -l <vg>`: two header lines, then one logical volume per line (first word).
pub fn parse_lsvg_l(text: &str) -> Vec<String> {
    text.lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn first_words(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for pv in first_words(&ctx.command(&["lspv"]).unwrap_or_default()) {
        let Some(text) = ctx.command(&["lspv", &pv]) else {
            continue;
        };
        let volume = parse_lspv(&pv, &text);
        // A disk of a volume group that is not varied on has no size: the servers
        // require one, so it is left out (its VG name would be all we know).
        if volume.has("PV_PE_COUNT") {
            inv.add("PHYSICAL_VOLUMES", volume);
        }
    }
    let groups = first_words(&ctx.command(&["lsvg"]).unwrap_or_default());
    for vg in &groups {
        for lv in parse_lsvg_l(&ctx.command(&["lsvg", "-l", vg]).unwrap_or_default()) {
            if let Some(text) = ctx.command(&["lslv", &lv]) {
                inv.add("LOGICAL_VOLUMES", parse_lslv(&lv, &text));
            }
        }
    }
    for vg in &groups {
        if let Some(text) = ctx.command(&["lsvg", vg]) {
            inv.add("VOLUME_GROUPS", parse_lsvg(vg, &text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LSPV: &str = "PHYSICAL VOLUME:    hdisk0                   VOLUME GROUP:     rootvg\r\n\
        PV IDENTIFIER:      00c6ce9d4f2c404a VG IDENTIFIER     00c6ce9d00004c\r\n\
        PP SIZE:            64 megabyte(s)           LOGICAL VOLUMES:  17\r\n\
        TOTAL PPs:          543 (34752 megabytes)    VG DESCRIPTORS:   2\r\n\
        FREE PPs:           169 (10816 megabytes)    HOT SPARE:        no\r\n";

    #[test]
    fn physical_volume() {
        let e = parse_lspv("hdisk0", LSPV);
        assert_eq!(e.get("DEVICE"), Some("/dev/hdisk0"));
        assert_eq!(e.get("ATTR"), Some("VG rootvg"));
        assert_eq!(e.get("PV_UUID"), Some("00c6ce9d4f2c404a"));
        assert_eq!(e.get("SIZE"), Some("34752"));
        assert_eq!(e.get("FREE"), Some("10816"));
        assert_eq!(e.get("PV_PE_COUNT"), Some("543"));
        let inactive = parse_lspv(
            "hdisk1",
            "PHYSICAL VOLUME:    hdisk1   VOLUME GROUP:  datavg\r\n",
        );
        assert_eq!(inactive.get("SIZE"), None);
        assert_eq!(inactive.get("FORMAT"), Some("AIX PV"));
    }

    #[test]
    fn logical_volume_and_group() {
        let lv = parse_lslv(
            "hd1",
            "LOGICAL VOLUME:     hd1                    VOLUME GROUP:   rootvg\r\n\
             LV IDENTIFIER:      00c6ce9d00004c.8 PERMISSION:     read/write\r\n\
             TYPE:               jfs2                   WRITE VERIFY:   off\r\n\
             MAX LPs:            512                    PP SIZE:        64 megabyte(s)\r\n\
             LPs:                4                      PPs:            8\r\n",
        );
        assert_eq!(lv.get("LV_UUID"), Some("00c6ce9d00004c.8"));
        assert_eq!(lv.get("ATTR"), Some("Type jfs2"));
        assert_eq!(lv.get("SEG_COUNT"), Some("4"));
        assert_eq!(lv.get("SIZE"), Some("256"));
        let vg = parse_lsvg(
            "rootvg",
            "VOLUME GROUP:       rootvg                   VG IDENTIFIER:  00c6ce9d00004c\r\n\
             VG STATE:           active                   PP SIZE:        64 megabyte(s)\r\n\
             VG PERMISSION:      read/write               TOTAL PPs:      543 (34752 megabytes)\r\n\
             MAX LVs:            256                      FREE PPs:       169 (10816 megabytes)\r\n\
             LVs:                17                       USED PPs:       374 (23936 megabytes)\r\n\
             TOTAL PVs:          1                        VG DESCRIPTORS: 2\r\n\
             ACTIVE PVs:         1                        AUTO ON:        yes\r\n",
        );
        assert_eq!(vg.get("VG_UUID"), Some("00c6ce9d00004c"));
        assert_eq!(vg.get("SIZE"), Some("543"));
        assert_eq!(vg.get("FREE"), Some("169"));
        assert_eq!(vg.get("LV_COUNT"), Some("17"));
        assert_eq!(vg.get("PV_COUNT"), Some("1"));
        assert_eq!(vg.get("VG_EXTENT_SIZE"), Some("64"));
    }
}
