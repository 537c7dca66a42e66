//! Manufacturer names spelt one way across sections: CPU vendor ids, brand words and
//! vendor prefixes of disk models, as the reference agent normalises them.

/// Brand names that replace the whole value when found as a word in it.
const BRANDS: &[&str] = &[
    "maxtor",
    "sony",
    "compaq",
    "ibm",
    "toshiba",
    "fujitsu",
    "lg",
    "samsung",
    "nec",
    "transcend",
    "matshita",
    "hitachi",
    "pioneer",
    "dell",
    "supermicro",
];

/// Canonical manufacturer name, the way the reference agent spells it: CPU vendor ids
/// (`GenuineIntel` -> `Intel`), brand words (`TOSHIBA` -> `Toshiba`, `Samsung SDI` ->
/// `Samsung`), prefixes (`HP…` -> `Hewlett-Packard`, `WDC` -> `Western Digital`, `ST…` ->
/// `Seagate`, `HD`/`IC`/`HU`/`HGST` -> `Hitachi`, `NECVMWar` -> `VMware`). Other names are kept.
pub fn canonical_manufacturer(name: &str) -> String {
    const VENDOR_IDS: &[(&str, &str)] = &[
        ("GenuineIntel", "Intel"),
        ("AuthenticAMD", "AMD"),
        ("TMx86", "Transmeta"),
        ("TransmetaCPU", "Transmeta"),
        ("CyrixInstead", "Cyrix"),
        ("CentaurHauls", "VIA"),
        ("RiseRiseRise", "Rise"),
    ];
    if let Some((_, v)) = VENDOR_IDS.iter().find(|(id, _)| *id == name) {
        return v.to_string();
    }
    if name.starts_with("NECVMWar") {
        return "VMware".to_string();
    }
    if let Some(brand) = first_brand_word(name) {
        let mut chars = brand.chars();
        return chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default();
    }
    let lower = name.to_ascii_lowercase();
    if name.starts_with("hp") || name.starts_with("HP") || lower.starts_with("hewlett packard") {
        "Hewlett-Packard".to_string()
    } else if name.starts_with("WDC") || name.starts_with("Western") || name.starts_with("western")
    {
        "Western Digital".to_string()
    } else if name.starts_with("ST") || name.starts_with("Seagate") || name.starts_with("seagate") {
        "Seagate".to_string()
    } else if ["HD", "IC", "HU", "HGST"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        "Hitachi".to_string()
    } else {
        name.to_string()
    }
}

/// The leftmost brand of [`BRANDS`] appearing as a whole word (case-insensitive).
fn first_brand_word(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let words = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    words
        .into_iter()
        .find_map(|w| BRANDS.iter().find(|b| **b == w).copied())
}
