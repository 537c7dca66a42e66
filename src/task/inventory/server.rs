//! The Inventory task's exchange with one server, run in the task child, after the
//! run's contact (`agent::contact`) has made the PROLOG.
//!
//! When the server asked for an inventory (`SEND`) or `--force`: collect, flag the
//! changed sections in HARDWARE/CHECKSUM, add the stored ACCOUNTINFO and what other tasks
//! left for this inventory (IPDISCOVER hosts…), send → on success save the section
//! digests and any ACCOUNT_UPDATE.
//!
//! Nothing is lost: when the server cannot be reached or answers an error, the inventory
//! is kept in the server's state directory (`pending.xml`, the newest one only) and sent
//! at the next contact instead of collecting again while it is fresh (younger than the
//! contact period), so retries every 60 s, 120 s… cost no new collection. Every state
//! file is written atomically.
//!
//! Files in `<vardir>/<server dir>/`: `checksums` (see [`super::checksum`]),
//! `accountinfo` (`KEYNAME=KEYVALUE` lines), `pending.xml` + `pending.state`; the
//! contact's files are described in `agent::contact`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::agent::config::Config;
use crate::agent::contact::local_time;
use crate::agent::runner::Report;
use crate::agent::schedule::{self, failed, Schedule};
use crate::agent::server_state::ServerState;
use crate::agent::state;
use crate::net::client::Client;
use crate::net::ocs::{self, InventoryReply};
use crate::net::xmltree::Node;
use crate::source::Source;

use super::checksum;
use super::model::{Entry, Inventory};

const PENDING_XML: &str = "pending.xml";
const PENDING_STATE: &str = "pending.state";

/// An inventory ready to send: the request XML and the digests of its sections.
struct Prepared {
    xml: String,
    /// `None` when unknown (a damaged pending state): the next one is then sent whole.
    digests: Option<BTreeMap<String, String>>,
    collected: u64,
    checksum: u32,
}

fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn save_pending(dir: &Path, deviceid: &str, p: &Prepared) -> Result<PathBuf, String> {
    let xml_path = dir.join(PENDING_XML);
    state::write_atomic(&xml_path, p.xml.as_bytes())
        .map_err(|e| format!("cannot keep the inventory in {}: {e}", xml_path.display()))?;
    let mut kv = BTreeMap::new();
    kv.insert("deviceid".to_string(), deviceid.to_string());
    kv.insert("collected".to_string(), p.collected.to_string());
    kv.insert("checksum".to_string(), p.checksum.to_string());
    kv.insert("hash".to_string(), fnv(&p.xml));
    for (k, v) in p.digests.iter().flatten() {
        kv.insert(format!("digest.{k}"), v.clone());
    }
    let path = dir.join(PENDING_STATE);
    state::write_kv(&path, &kv).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(xml_path)
}

/// The kept inventory for `deviceid`, if any.
fn load_pending(dir: &Path, deviceid: &str) -> Option<Prepared> {
    let xml = std::fs::read_to_string(dir.join(PENDING_XML)).ok()?;
    let kv = state::read_kv(&dir.join(PENDING_STATE));
    let node = Node::parse(&xml).ok()?;
    if node.child_text("DEVICEID") != Some(deviceid) {
        drop_pending(dir);
        return None;
    }
    // A kill between the two writes leaves a state that does not describe this XML:
    // the XML is still good to send, its digests are not known.
    let matches = kv.get("hash") == Some(&fnv(&xml));
    let digests = matches.then(|| {
        kv.iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("digest.")?.to_string(), v.clone())))
            .collect()
    });
    let num = |k: &str| kv.get(k).and_then(|v| v.parse().ok());
    Some(Prepared {
        xml,
        digests,
        collected: if matches {
            num("collected").unwrap_or(0)
        } else {
            0
        },
        checksum: num("checksum").unwrap_or(0) as u32,
    })
}

fn drop_pending(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(PENDING_STATE));
    let _ = std::fs::remove_file(dir.join(PENDING_XML));
}

/// Collects an inventory for this server: the stored ACCOUNTINFO (TAG overridden by
/// `tag`), HARDWARE/CHECKSUM from what changed since the last accepted one.
fn prepare(dir: &Path, config: &Config, src: &dyn Source, deviceid: &str, now: u64) -> Prepared {
    let mut inv: Inventory = super::collect::collect(src, config, deviceid);
    let state = ServerState::at(dir);
    let mut pairs = state.accountinfo();
    if let Some(tag) = config.text("tag") {
        match pairs.iter_mut().find(|(k, _)| k == "TAG") {
            Some(p) => p.1 = tag.to_string(),
            None => pairs.push(("TAG".into(), tag.to_string())),
        }
    }
    if !pairs.is_empty() {
        inv.remove_section("ACCOUNTINFO");
        for (k, v) in &pairs {
            let mut e = Entry::new();
            e.set("KEYNAME", k.as_str()).set("KEYVALUE", v.as_str());
            inv.add("ACCOUNTINFO", e);
        }
    }
    let digests = checksum::digests(&inv);
    let previous = checksum::load(dir, deviceid);
    let mask = checksum::changed_mask(previous.as_ref(), &digests);
    inv.single("HARDWARE").set("CHECKSUM", mask.to_string());
    log::debug!("HARDWARE/CHECKSUM {mask}");
    let mut xml = super::render(&inv, config);
    add_fragments(&mut xml, &state.inventory_additions());
    Prepared {
        xml,
        digests: Some(digests),
        collected: now,
        checksum: mask,
    }
}

/// Adds what other tasks left for this inventory (`IPDISCOVER`, `DOWNLOAD` history) at
/// the end of its CONTENT.
fn add_fragments(xml: &mut String, fragments: &[Node]) {
    if fragments.is_empty() {
        return;
    }
    let Some(at) = xml.rfind("</CONTENT>") else {
        return;
    };
    let text: String = fragments.iter().map(Node::to_element_xml).collect();
    for f in fragments {
        log::debug!("adding {} to the inventory", f.name);
    }
    xml.insert_str(at, &text);
}

/// Keeps an inventory on disk for a server that could not take it now (collects one
/// unless a fresh one is already kept). Returns a note for the error message.
fn keep(
    dir: &Path,
    config: &Config,
    src: &dyn Source,
    deviceid: &str,
    sched: &Schedule,
    now: u64,
) -> String {
    let max_age = if sched.period > 0 {
        sched.period
    } else {
        schedule::DEFAULT_PERIOD
    };
    if let Some(p) = load_pending(dir, deviceid) {
        if p.collected + max_age > now {
            return format!(
                "inventory still kept in {}",
                dir.join(PENDING_XML).display()
            );
        }
    }
    let p = prepare(dir, config, src, deviceid, now);
    match save_pending(dir, deviceid, &p) {
        Ok(path) => format!("inventory kept in {}", path.display()),
        Err(e) => e,
    }
}

/// The inventory for server `url`, as the run's contact left things: sent when the
/// server asked for it (or `--force`), kept for later when the contact failed.
pub fn run(url: &str, config: &Config) -> Result<Report, String> {
    let config = &super::dialect::for_server(config, url);
    let server = ServerState::open(config, url)?;
    let dir = server.dir();
    let now = schedule::now();
    let sched = server.schedule();
    let mut report = Report::ok();
    // What logs and reports show: the URL without credentials.
    let shown = crate::net::client::public_url(url);
    report.set("server", &shown);
    let src = super::source(config)?;
    let deviceid = super::deviceid(config, src.as_ref())?;
    let last = server.last_contact();
    if !last.ok {
        let note = keep(dir, config, src.as_ref(), &deviceid, &sched, now);
        report
            .set("outcome", "kept")
            .set("message", format!("server {shown} not reached: {note}"));
        return Ok(report);
    }
    let force = config.flag("force");
    if !last.wants_inventory() && !force {
        let kept = dir.join(PENDING_XML).exists();
        report.set("outcome", "not-asked").set(
            "message",
            format!(
                "server did not ask for an inventory{}; next contact {}",
                if kept {
                    " (a kept one waits for the next request)"
                } else {
                    ""
                },
                local_time(schedule::next_contact(&sched, now))
            ),
        );
        return Ok(report);
    }
    let client = match Client::new(url, config, super::VERSIONCLIENT) {
        Ok(c) => c,
        Err(e) => return Err(failed(dir, &sched, now, config, e)),
    };
    let plain = config.flag("no-compression");
    let next = sched.clone();

    let max_age = if sched.period > 0 {
        sched.period
    } else {
        schedule::DEFAULT_PERIOD
    };
    let (prepared, from_pending) = match load_pending(dir, &deviceid) {
        Some(p) if p.collected + max_age > now => {
            log::info!(
                "server {shown}: sending the inventory kept since {}",
                local_time(p.collected)
            );
            (p, true)
        }
        _ => (prepare(dir, config, src.as_ref(), &deviceid, now), false),
    };
    match ocs::exchange(&client, &prepared.xml, plain) {
        Ok(reply) => {
            let answer = InventoryReply::from_reply(&reply);
            if let Some(pairs) = &answer.accountinfo {
                server.save_accountinfo(pairs)?;
                log::info!(
                    "server {shown}: administrative data updated ({} fields)",
                    pairs.len()
                );
            }
            match &prepared.digests {
                Some(d) => checksum::save(dir, &deviceid, d)?,
                None => checksum::forget(dir),
            }
            drop_pending(dir);
            report
                .set("outcome", "sent")
                .set("checksum", prepared.checksum)
                .set("reply", &answer.response)
                .set(
                    "message",
                    format!(
                        "{}inventory sent to {shown} ({}); next contact {}",
                        if from_pending { "kept " } else { "" },
                        if answer.response.is_empty() {
                            "no response"
                        } else {
                            &answer.response
                        },
                        local_time(next.next)
                    ),
                );
            Ok(report)
        }
        Err(e) => {
            let note = if from_pending {
                format!(
                    "inventory still kept in {}",
                    dir.join(PENDING_XML).display()
                )
            } else {
                match save_pending(dir, &deviceid, &prepared) {
                    Ok(path) => format!("inventory kept in {}", path.display()),
                    Err(e) => e,
                }
            };
            Err(failed(dir, &sched, now, config, format!("{e}; {note}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-srv-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn pending_round_trip_and_damage() {
        let d = tmp("pending");
        let id = "h-2026-01-01-00-00-00";
        let xml = format!("<?xml version=\"1.0\"?><REQUEST><DEVICEID>{id}</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>");
        let mut digests = BTreeMap::new();
        digests.insert("CPUS".to_string(), "abc-1".to_string());
        let p = Prepared {
            xml: xml.clone(),
            digests: Some(digests.clone()),
            collected: 42,
            checksum: 7,
        };
        save_pending(&d, id, &p).unwrap();
        let back = load_pending(&d, id).unwrap();
        assert_eq!(
            (back.xml.as_str(), back.collected, back.checksum),
            (xml.as_str(), 42, 7)
        );
        assert_eq!(back.digests, Some(digests));
        // XML replaced without its state (kill between the writes): sent, digests unknown
        std::fs::write(d.join(PENDING_XML), xml.replace("INVENTORY", "INVENTORY ")).unwrap();
        assert_eq!(load_pending(&d, id).unwrap().digests, None);
        // another DEVICEID: dropped
        assert!(load_pending(&d, "x-2026-01-01-00-00-00").is_none());
        assert!(!d.join(PENDING_XML).exists());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn fragments_go_at_the_end_of_content() {
        let mut xml =
            "<REQUEST><CONTENT><HARDWARE/></CONTENT><QUERY>INVENTORY</QUERY></REQUEST>".to_string();
        let frag = Node::parse("<IPDISCOVER><H><I>127.0.0.2</I><M>00:11:22:33:44:55</M><N>a&amp;b</N></H></IPDISCOVER>").unwrap();
        add_fragments(&mut xml, &[frag]);
        assert_eq!(
            xml.matches("<?xml").count(),
            0,
            "no declaration inside: {xml}"
        );
        let doc = Node::parse(&xml).unwrap();
        let h = doc
            .child("CONTENT")
            .unwrap()
            .child("IPDISCOVER")
            .unwrap()
            .child("H")
            .unwrap();
        assert_eq!(h.child_text("N"), Some("a&b"));
        assert_eq!(h.child_text("I"), Some("127.0.0.2"));
    }

    #[test]
    fn accountinfo_is_stored() {
        let d = tmp("accountinfo");
        let state = ServerState::at(&d);
        state
            .save_accountinfo(&[
                ("TAG".into(), "NA".into()),
                ("fields_3".into(), "a=b".into()),
            ])
            .unwrap();
        assert_eq!(
            state.accountinfo(),
            vec![
                ("TAG".to_string(), "NA".to_string()),
                ("fields_3".to_string(), "a=b".to_string())
            ]
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
