//! LOGICAL_VOLUMES, PHYSICAL_VOLUMES, VOLUME_GROUPS: LVM, from one `pvs`, `vgs` and `lvs`
//! run each (only when device-mapper volumes exist), sizes in MB.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/lvm",
    category: "lvm",
    applies: |ctx| {
        ctx.os == Os::Linux
            && ctx
                .src
                .list_dir("/dev/mapper")
                .is_some_and(|d| d.iter().any(|n| n != "control"))
    },
    collect,
};

const COMMON: &[&str] = &[
    "--noheading",
    "--nosuffix",
    "--units",
    "M",
    "--separator",
    "\t",
    "-o",
];

/// Splits `lvs`/`pvs`/`vgs` output into `names`-keyed entries; numbers lose decimals.
pub fn parse(text: &str, names: &[&'static str]) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let values: Vec<&str> = line.trim().split('\t').map(str::trim).collect();
            if values.len() != names.len() {
                return None;
            }
            let mut e = Entry::new();
            for (n, v) in names.iter().zip(values) {
                let v = match v.split_once('.') {
                    Some((int, frac))
                        if int.bytes().all(|b| b.is_ascii_digit())
                            && frac.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        int
                    }
                    _ => v,
                };
                e.set(n, v);
            }
            Some(e)
        })
        .collect()
}

fn run(
    ctx: &Context,
    tool: &str,
    columns: &str,
    names: &[&'static str],
    section: &str,
    inv: &mut Inventory,
) {
    let mut argv = vec![tool];
    argv.extend_from_slice(COMMON);
    argv.push(columns);
    if let Some(text) = ctx.command(&argv) {
        for e in parse(&text, names) {
            inv.add(section, e);
        }
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    run(
        ctx,
        "pvs",
        "pv_name,pv_fmt,pv_attr,pv_size,pv_free,pv_uuid,pv_pe_count,vg_uuid",
        &[
            "DEVICE",
            "FORMAT",
            "ATTR",
            "SIZE",
            "FREE",
            "PV_UUID",
            "PV_PE_COUNT",
            "VG_UUID",
        ],
        "PHYSICAL_VOLUMES",
        inv,
    );
    run(
        ctx,
        "vgs",
        "vg_name,pv_count,lv_count,vg_attr,vg_size,vg_free,vg_uuid,vg_extent_size",
        &[
            "VG_NAME",
            "PV_COUNT",
            "LV_COUNT",
            "ATTR",
            "SIZE",
            "FREE",
            "VG_UUID",
            "VG_EXTENT_SIZE",
        ],
        "VOLUME_GROUPS",
        inv,
    );
    run(
        ctx,
        "lvs",
        "lv_name,vg_name,lv_attr,lv_size,lv_uuid,seg_count,vg_uuid",
        &[
            "LV_NAME",
            "VG_NAME",
            "ATTR",
            "SIZE",
            "LV_UUID",
            "SEG_COUNT",
            "VG_UUID",
        ],
        "LOGICAL_VOLUMES",
        inv,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lvs_lines() {
        let t = "  root\tvg0\t-wi-ao----\t20480.00\tabc-uuid\t1\tvg-uuid\n  bad line\n";
        let e = parse(
            t,
            &[
                "LV_NAME",
                "VG_NAME",
                "ATTR",
                "SIZE",
                "LV_UUID",
                "SEG_COUNT",
                "VG_UUID",
            ],
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].get("SIZE"), Some("20480"));
        assert_eq!(e[0].get("ATTR"), Some("-wi-ao----"));
    }
}
