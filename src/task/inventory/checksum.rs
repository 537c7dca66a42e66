//! HARDWARE/CHECKSUM: which sections changed since the last inventory a server got.
//!
//! The OCS server rewrites a known machine's section only when its bit is set in
//! `HARDWARE/CHECKSUM`. Each section's content is digested (FNV-1a 64 over a canonical
//! form, stable across runs and builds); the digests of the last inventory a server
//! accepted are kept in that server's state directory (`checksums`), and the bits of
//! the sections whose digest differs (or that appeared or vanished) are set. Without a
//! usable previous state (first send, other DEVICEID) every bit is set.

use std::collections::BTreeMap;
use std::path::Path;

use crate::agent::state;

use super::collect::CHECKSUM_ALL;
use super::model::{Entry, Inventory, Value};

/// The state file holding the digests of the last inventory a server accepted. Not the
/// Perl OCS agent's `last_state` (XML, same folder, which it cannot survive reading in
/// another format): a machine taken over from it keeps that file as it was.
pub const FILE: &str = "checksums";

/// The server's bit for a section (OCS `Map.pm`); 0 for sections it always rewrites
/// or does not know. OPERATINGSYSTEM lands in the `hardware` table.
pub fn mask(section: &str) -> u32 {
    match section {
        "HARDWARE" | "OPERATINGSYSTEM" => 1,
        "BIOS" => 2,
        "MEMORIES" => 4,
        "SLOTS" => 8,
        "REGISTRY" => 16,
        "CONTROLLERS" => 32,
        "MONITORS" => 64,
        "PORTS" => 128,
        "STORAGES" => 256,
        "DRIVES" => 512,
        "INPUTS" => 1024,
        "MODEMS" => 2048,
        "NETWORKS" => 4096,
        "PRINTERS" => 8192,
        "SOUNDS" => 16384,
        "VIDEOS" => 32768,
        "SOFTWARES" => 65536,
        "VIRTUALMACHINES" => 131_072,
        "CPUS" => 262_144,
        "SIM" => 524_288,
        "BATTERIES" => 1_048_576,
        "USBDEVICES" => 2_097_152,
        _ => 0,
    }
}

/// Fields left out of the digest: they change on every run without meaning a change.
fn volatile(section: &str, field: &str) -> bool {
    matches!(
        (section, field),
        ("HARDWARE", "CHECKSUM" | "ETIME" | "UPTIME") | ("CPUS", "CURRENT_SPEED")
    )
}

struct Fnv(u64);

impl Fnv {
    fn feed(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn feed_entry(h: &mut Fnv, section: &str, e: &Entry) {
    for (name, value) in e.iter() {
        if volatile(section, name) {
            continue;
        }
        h.feed(name.as_bytes());
        match value {
            Value::Text(t) => {
                h.feed(b"\x1f");
                h.feed(t.as_bytes());
            }
            Value::List(items) => {
                for t in items {
                    h.feed(b"\x1d");
                    h.feed(t.as_bytes());
                }
            }
            Value::Map(m) => {
                h.feed(b"\x1c");
                feed_entry(h, "", m);
                h.feed(b"\x1c");
            }
        }
        h.feed(b"\x1e");
    }
}

/// The digest of every non-empty section, as hex text.
pub fn digests(inv: &Inventory) -> BTreeMap<String, String> {
    inv.sections()
        .map(|(name, entries)| {
            let mut h = Fnv(0xcbf2_9ce4_8422_2325);
            for e in entries {
                feed_entry(&mut h, name, e);
                h.feed(b"\n");
            }
            (name.to_string(), format!("{:016x}-{}", h.0, entries.len()))
        })
        .collect()
}

/// The CHECKSUM for `now` against `previous` (the digests the server last accepted).
pub fn changed_mask(
    previous: Option<&BTreeMap<String, String>>,
    now: &BTreeMap<String, String>,
) -> u32 {
    let Some(previous) = previous else {
        return CHECKSUM_ALL;
    };
    let mut bits = 0;
    for (name, digest) in now {
        if previous.get(name) != Some(digest) {
            bits |= mask(name);
        }
    }
    for name in previous.keys() {
        if !now.contains_key(name) {
            bits |= mask(name);
        }
    }
    // The hardware row is rewritten on every contact anyway; keep its bit so the
    // server also refreshes the fields it derives from it.
    bits | 1
}

/// Reads the last accepted state for `deviceid`; `None` when missing, damaged or made
/// for another DEVICEID.
pub fn load(dir: &Path, deviceid: &str) -> Option<BTreeMap<String, String>> {
    let mut kv = state::read_kv(&dir.join(FILE));
    if kv.remove("deviceid").as_deref() != Some(deviceid) {
        return None;
    }
    Some(kv)
}

/// Saves the digests of an inventory the server accepted.
pub fn save(dir: &Path, deviceid: &str, digests: &BTreeMap<String, String>) -> Result<(), String> {
    let mut kv = digests.clone();
    kv.insert("deviceid".into(), deviceid.to_string());
    let path = dir.join(FILE);
    state::write_kv(&path, &kv).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Forgets the last accepted state (the next inventory is sent whole).
pub fn forget(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FILE));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv() -> Inventory {
        let mut inv = Inventory::new("h-2026-01-01-00-00-00");
        inv.single("HARDWARE").set("NAME", "h").set("ETIME", "3");
        let mut cpu = Entry::new();
        cpu.set("NAME", "cpu0");
        inv.add("CPUS", cpu);
        let mut sw = Entry::new();
        sw.set("NAME", "bash").set("VERSION", "5.2");
        inv.add("SOFTWARES", sw);
        inv
    }

    #[test]
    fn first_send_is_whole() {
        assert_eq!(changed_mask(None, &digests(&inv())), CHECKSUM_ALL);
    }

    #[test]
    fn only_changed_sections_are_flagged() {
        let before = digests(&inv());
        // volatile fields do not count
        let mut same = inv();
        same.single("HARDWARE")
            .set("ETIME", "9")
            .set("CHECKSUM", "5");
        assert_eq!(changed_mask(Some(&before), &digests(&same)), 1);

        let mut more = inv();
        let mut sw = Entry::new();
        sw.set("NAME", "zsh");
        more.add("SOFTWARES", sw);
        let mut net = Entry::new();
        net.set("DESCRIPTION", "eth0");
        more.add("NETWORKS", net);
        more.remove_section("CPUS");
        assert_eq!(
            changed_mask(Some(&before), &digests(&more)),
            1 | 65536 | 4096 | 262_144
        );

        // a value moving from one field to another is a change
        let mut moved = inv();
        moved.section_mut("SOFTWARES").unwrap()[0] =
            [("NAME", "bash5.2".to_string())].into_iter().collect();
        assert_eq!(changed_mask(Some(&before), &digests(&moved)), 1 | 65536);
    }

    #[test]
    fn state_is_per_deviceid() {
        let d = std::env::temp_dir().join(format!("ocsa-cksum-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let dg = digests(&inv());
        save(&d, "h-2026-01-01-00-00-00", &dg).unwrap();
        assert_eq!(load(&d, "h-2026-01-01-00-00-00"), Some(dg));
        assert_eq!(load(&d, "other-2026-01-01-00-00-00"), None);
        forget(&d);
        assert_eq!(load(&d, "h-2026-01-01-00-00-00"), None);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
