//! STORAGES on macOS: disks, optical drives and card readers from `system_profiler
//! -xml` of the SATA, disc burning, card reader, USB and FireWire data types, and the
//! text output's ATA / SERIAL-ATA / USB / FireWire / Fibre Channel buses on Macs too old
//! for those XML types.

use std::collections::BTreeMap;

use crate::task::inventory::generic::manufacturer::canonical_manufacturer;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::plist::{self, Item};
use super::system_profiler::{self as sp, Tree};

pub const MODULE: Module = Module {
    name: "macos/storages",
    category: "storage",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// The system_profiler data types read as XML, and what each holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    SerialAta,
    DiscBurning,
    CardReader,
    Usb,
    FireWire,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::SerialAta,
        Kind::DiscBurning,
        Kind::CardReader,
        Kind::Usb,
        Kind::FireWire,
    ];

    pub fn data_type(self) -> &'static str {
        match self {
            Kind::SerialAta => "SPSerialATADataType",
            Kind::DiscBurning => "SPDiscBurningDataType",
            Kind::CardReader => "SPCardReaderDataType",
            Kind::Usb => "SPUSBDataType",
            Kind::FireWire => "SPFireWireDataType",
        }
    }
}

/// The maker of a drive from the name Apple shows, where the brand is often glued to
/// the model (`MATSHITACD-RW  CW-8221`, `APPLE SSD SD0128F`, `OPTIARC DVD RW`).
pub fn manufacturer(name: &str) -> String {
    const BRANDS: &[&str] = &[
        "maxtor",
        "sony",
        "compaq",
        "ibm",
        "toshiba",
        "fujitsu",
        "samsung",
        "transcend",
        "matshita",
        "hitachi",
        "pioneer",
    ];
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("apple") {
        return "Apple".to_string();
    }
    if lower.starts_with("optiarc") {
        return "Sony".to_string();
    }
    let word_start = |at: usize| at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
    for brand in BRANDS {
        if lower.match_indices(brand).any(|(at, _)| word_start(at)) {
            let mut c = brand.chars();
            return c.next().map_or(String::new(), |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            });
        }
    }
    canonical_manufacturer(name)
}

/// `model` without the manufacturer's name (case-insensitive) and the blanks around it.
fn strip_manufacturer(model: &str, manufacturer: &str) -> String {
    if manufacturer.is_empty() {
        return model.to_string();
    }
    let lower = model.to_lowercase();
    let Some(at) = lower.find(&manufacturer.to_lowercase()) else {
        return model.to_string();
    };
    if lower.len() != model.len() {
        return model.to_string();
    }
    let before = model[..at].trim_end();
    let after = model[at + manufacturer.len()..].trim_start();
    format!("{before}{after}")
}

/// A text `Capacity` (`3,76 GB (3 760 000 000 bytes)`) → MB (decimal, as disks are
/// sold), from the byte count when it is there.
pub fn capacity_mb(text: &str) -> Option<String> {
    if let Some(open) = text.find('(') {
        let inner = &text[open + 1..];
        if let Some(bytes) = inner
            .strip_suffix(" bytes)")
            .or(inner.strip_suffix("bytes)"))
        {
            let digits: String = bytes.chars().filter(char::is_ascii_digit).collect();
            if let Ok(b) = digits.parse::<u64>() {
                return Some((b / 1_000_000).to_string());
            }
        }
    }
    let size = text.split(" (").next()?.replace(',', ".");
    let mut w = size.split_whitespace();
    let n: f64 = w.next()?.parse().ok()?;
    let factor = match w.next()? {
        "TB" => 1_000_000.0,
        "GB" => 1000.0,
        "MB" => 1.0,
        _ => return None,
    };
    Some(sp::number((n * factor).floor()))
}

fn is_storage(device: &Tree) -> bool {
    sp::text(device, "BSD Name").is_some_and(|b| {
        b.strip_prefix("disk")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    }) || (sp::text(device, "Protocol").is_some() && sp::text(device, "Socket Type").is_some())
}

fn text_storage(device: &Tree, name: &str, bus: &str) -> Entry {
    let manufacturer = manufacturer(name);
    let mut e = Entry::new();
    e.set("NAME", name)
        .set("MANUFACTURER", manufacturer.as_str())
        .set("TYPE", if bus == "FireWire" { "1394" } else { bus })
        .set_opt("SERIAL", sp::text(device, "Serial Number"))
        .set_opt("FIRMWARE", sp::text(device, "Revision"))
        .set_opt(
            "MODEL",
            sp::text(device, "Model").map(|m| strip_manufacturer(m, &manufacturer)),
        )
        .set_opt(
            "DISKSIZE",
            sp::text(device, "Capacity").and_then(capacity_mb),
        );
    match sp::text(device, "Protocol") {
        None => {
            e.set("DESCRIPTION", "Disk drive");
        }
        Some(p) if p == "ATAPI" || sp::text(device, "Drive Type").is_some() => {
            e.set("DESCRIPTION", "CD-ROM Drive");
        }
        Some(_) => {}
    }
    e
}

/// Storages of the text output: bus → controller → device (or its sub-devices).
pub fn from_text(tree: &Tree) -> Vec<Entry> {
    let mut out = Vec::new();
    for bus in ["ATA", "SERIAL-ATA", "USB", "FireWire", "Fibre Channel"] {
        let Some(b) = sp::section(tree, &[bus]) else {
            continue;
        };
        for (_, controller) in sp::sections(b) {
            for (name, device) in sp::sections(controller) {
                if is_storage(device) {
                    out.push(text_storage(device, name, bus));
                    continue;
                }
                for (sub_name, sub) in sp::sections(device) {
                    if is_storage(sub) {
                        out.push(text_storage(sub, sub_name, bus));
                    }
                }
            }
        }
    }
    out
}

/// `size_in_bytes` in MB (whole), else `size` (`1,88 GB`) in MB, base 1024.
fn xml_size(item: &Item) -> Option<String> {
    if let Some(b) = item
        .get("size_in_bytes")
        .and_then(|b| b.trim().parse::<u64>().ok())
    {
        if b > 0 {
            return Some((b / 1024 / 1024).to_string());
        }
    }
    let size = item.get("size")?.replace(',', ".");
    let mut w = size.split_whitespace();
    let n: f64 = w.next()?.parse().ok()?;
    let factor = match w.next()?.to_ascii_lowercase().as_str() {
        "tb" => 1024.0 * 1024.0,
        "gb" => 1024.0,
        "mb" => 1.0,
        "kb" => 1.0 / 1024.0,
        _ => return None,
    };
    Some(sp::number((n * factor * 100.0).round() / 100.0))
}

/// The value of the one key matching `pred`, none when zero or several match.
fn single(item: &Item, pred: impl Fn(&str) -> bool) -> Option<&str> {
    let mut found = item.iter().filter(|(k, _)| pred(k));
    let first = found.next()?;
    found.next().is_none().then_some(first.1.as_str())
}

/// `serial_num`, `x_serial_num`: a key, possibly after one letter and `_`.
fn key_is(k: &str, name: &str, anchored_end: bool) -> bool {
    let rest = match k.as_bytes() {
        [c, b'_', ..] if c.is_ascii_alphanumeric() && !k.starts_with(name) => &k[2..],
        _ => k,
    };
    if anchored_end {
        rest == name
    } else {
        rest.starts_with(name)
    }
}

fn entry_from(fields: &[(&'static str, Option<String>)]) -> Entry {
    let mut e = Entry::new();
    for (k, v) in fields {
        e.set_opt(k, v.as_deref().map(str::trim));
    }
    e
}

/// Items of one XML data type, by `_name` (a later item of the same name adds to the
/// earlier one).
fn items_by_name(doc: &crate::net::xmltree::Node, kind: Kind) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let add = |it: Item, items: &mut Vec<Item>| {
        let Some(name) = it.get("_name").cloned() else {
            return;
        };
        match items.iter_mut().find(|i| i.get("_name") == Some(&name)) {
            Some(old) => old.extend(it),
            None => items.push(it),
        }
    };
    match kind {
        Kind::SerialAta => {
            if let Some(top) = plist::top_dict(doc) {
                for controller in plist::dicts_under(top, "_items") {
                    for disk in plist::dicts_under(controller, "_items") {
                        add(plist::item(disk), &mut items);
                    }
                }
            }
        }
        Kind::DiscBurning | Kind::CardReader | Kind::Usb => {
            for d in plist::all_items(doc) {
                add(plist::item(d), &mut items);
            }
        }
        Kind::FireWire => {
            // devices (not buses), then their units, then the units' units: each level
            // adds to what its parent said
            for d in plist::all_items(doc) {
                let dev = plist::item(d);
                if dev.get("_name").is_none_or(|n| n.contains("bus")) {
                    continue;
                }
                let units = plist::dicts_under(d, "units");
                if units.is_empty() {
                    add(dev, &mut items);
                    continue;
                }
                for u in units {
                    let mut merged = dev.clone();
                    merged.extend(plist::item(u));
                    if !merged.contains_key("_name") {
                        continue;
                    }
                    let subs = plist::dicts_under(u, "units");
                    if subs.is_empty() {
                        add(merged, &mut items);
                        continue;
                    }
                    for s in subs {
                        let mut m2 = merged.clone();
                        m2.extend(plist::item(s));
                        add(m2, &mut items);
                    }
                }
            }
        }
    }
    items
}

/// Storages of one `system_profiler -xml <type>` output.
pub fn from_xml(text: &str, kind: Kind) -> Vec<Entry> {
    let Some(doc) = plist::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for it in items_by_name(&doc, kind) {
        let get = |k: &str| it.get(k).cloned();
        let name = get("_name").unwrap_or_default();
        let bsd_or_name = get("bsd_name")
            .filter(|b| !b.is_empty())
            .or(Some(name.clone()));
        let e = match kind {
            Kind::SerialAta => {
                if name.to_ascii_lowercase().contains("controller") {
                    continue;
                }
                let manufacturer = manufacturer(&name);
                let model = get("device_model")
                    .filter(|m| !m.is_empty())
                    .unwrap_or(name.clone());
                entry_from(&[
                    ("NAME", bsd_or_name),
                    ("MANUFACTURER", Some(manufacturer.clone())),
                    ("SERIAL", get("device_serial")),
                    ("MODEL", Some(strip_manufacturer(&model, &manufacturer))),
                    ("FIRMWARE", get("device_revision")),
                    ("DISKSIZE", xml_size(&it)),
                    ("DESCRIPTION", Some(name.clone())),
                    ("TYPE", Some("Disk drive".into())),
                    ("INTERFACE", Some("SERIAL-ATA".into())),
                ])
            }
            Kind::DiscBurning => {
                let manufacturer = manufacturer(
                    get("manufacturer")
                        .as_deref()
                        .filter(|m| !m.is_empty())
                        .unwrap_or(&name),
                );
                entry_from(&[
                    ("NAME", bsd_or_name),
                    ("MANUFACTURER", Some(manufacturer.clone())),
                    ("INTERFACE", get("interconnect")),
                    ("MODEL", Some(strip_manufacturer(&name, &manufacturer))),
                    ("FIRMWARE", get("firmware")),
                    ("TYPE", Some("Disk burning".into())),
                ])
            }
            Kind::CardReader if name == "spcardreader" => entry_from(&[
                ("NAME", bsd_or_name),
                ("DESCRIPTION", Some(name.clone())),
                ("SERIAL", get("spcardreader_serialnumber")),
                ("MODEL", Some(name.clone())),
                ("FIRMWARE", get("spcardreader_revision-id")),
                ("MANUFACTURER", get("spcardreader_vendor-id")),
                ("TYPE", Some("Card reader".into())),
            ]),
            Kind::CardReader => entry_from(&[
                ("NAME", bsd_or_name),
                ("DESCRIPTION", Some(name.clone())),
                ("DISKSIZE", xml_size(&it)),
                ("TYPE", Some("SD Card".into())),
            ]),
            Kind::Usb | Kind::FireWire => {
                if kind == Kind::Usb {
                    let lower = name.to_ascii_lowercase();
                    let bus = lower.find("usb").is_some_and(|at| {
                        lower[at + 3..]
                            .trim_start_matches(|c: char| c.is_ascii_digit())
                            .starts_with("bus")
                    });
                    if name == "Mass Storage Device"
                        || bus
                        || [
                            "keyboard",
                            "controller",
                            "ir receiver",
                            "built-in",
                            "hub",
                            "mouse",
                        ]
                        .iter()
                        .any(|w| lower.contains(w))
                        || get("Built-in_Device").as_deref() == Some("Yes")
                    {
                        continue;
                    }
                }
                let model_key = if kind == Kind::Usb {
                    "device_model"
                } else {
                    "product_id"
                };
                let model = single(&it, |k| key_is(k, model_key, kind == Kind::FireWire))
                    .filter(|m| !m.is_empty())
                    .map(str::to_string);
                let model = if kind == Kind::Usb {
                    model.or(Some(name.clone()))
                } else {
                    model
                };
                let manufacturer = single(&it, |k| k.contains("manufacturer"))
                    .filter(|m| !m.is_empty())
                    .map(manufacturer);
                entry_from(&[
                    ("NAME", bsd_or_name),
                    ("DESCRIPTION", Some(name.clone())),
                    (
                        "SERIAL",
                        single(&it, |k| key_is(k, "serial_num", true)).map(str::to_string),
                    ),
                    ("MODEL", model),
                    (
                        "FIRMWARE",
                        single(&it, |k| key_is(k, "bcd_device", true)).map(str::to_string),
                    ),
                    ("MANUFACTURER", manufacturer),
                    ("DISKSIZE", xml_size(&it)),
                    ("TYPE", Some("Disk drive".into())),
                    (
                        "INTERFACE",
                        Some(if kind == Kind::Usb { "USB" } else { "FireWire" }.into()),
                    ),
                ])
            }
        };
        out.push(e);
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let mut found: BTreeMap<String, Entry> = BTreeMap::new();
    let mut any_xml = false;
    for kind in Kind::ALL {
        let Some(text) = ctx.command(&["/usr/sbin/system_profiler", "-xml", kind.data_type()])
        else {
            continue;
        };
        any_xml = true;
        for e in from_xml(&text, kind) {
            let key = format!(
                "{}|{}",
                e.get("NAME").unwrap_or(""),
                e.get("TYPE").unwrap_or("")
            );
            found.entry(key).or_insert(e);
        }
    }
    if !any_xml {
        let text = ctx
            .command(&[
                "/usr/sbin/system_profiler",
                "SPParallelATADataType",
                "SPSerialATADataType",
                "SPUSBDataType",
                "SPFireWireDataType",
                "SPFibreChannelDataType",
            ])
            .unwrap_or_default();
        for e in from_text(&sp::parse(&text)) {
            inv.add("STORAGES", e);
        }
    }
    for (_, e) in found {
        inv.add("STORAGES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_buses() {
        let t = sp::parse("ATA:\n\n    ATA Bus:\n\n        MATSHITACD-RW  CW-8221:\n\n          Model: MATSHITACD-RW  CW-8221\n          Revision: GA0J\n          Protocol: ATAPI\n          Socket Type: Internal\n\nUSB:\n\n    USB High-Speed Bus:\n\n        Flash Disk:\n\n          Capacity: 1,96 GB (1 960 000 000 bytes)\n          Serial Number: 110074973765\n          BSD Name: disk1\n");
        let s = from_text(&t);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("MANUFACTURER"), Some("Matshita"));
        assert_eq!(s[0].get("MODEL"), Some("CD-RW  CW-8221"));
        assert_eq!(s[0].get("DESCRIPTION"), Some("CD-ROM Drive"));
        assert_eq!(s[1].get("DISKSIZE"), Some("1960"));
        assert_eq!(s[1].get("DESCRIPTION"), Some("Disk drive"));
    }

    #[test]
    fn xml_usb_disk() {
        let xml = "<plist><array><dict><key>_items</key><array><dict><key>_name</key><string>USB30Bus</string><key>_items</key><array><dict><key>_name</key><string>External USB 3.0</string><key>bcd_device</key><string>1.07</string><key>bsd_name</key><string>disk1</string><key>manufacturer</key><string>TOSHIBA</string><key>serial_num</key><string>2015</string><key>size_in_bytes</key><integer>500107859968</integer></dict><dict><key>_name</key><string>BRCM2046 Hub</string></dict></array></dict></array></dict></array></plist>";
        let s = from_xml(xml, Kind::Usb);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].get("NAME"), Some("disk1"));
        assert_eq!(s[0].get("MANUFACTURER"), Some("Toshiba"));
        assert_eq!(s[0].get("DISKSIZE"), Some("476940"));
        assert_eq!(s[0].get("FIRMWARE"), Some("1.07"));
    }
}
