//! The Inventory task's exchange with one server, run in the task child.
//!
//! PROLOG → store what the reply says for the other tasks (OPTION blocks) and the
//! schedule (PROLOG_FREQ) → when the server asks (`SEND`) or `--force`: collect, flag the
//! changed sections in HARDWARE/CHECKSUM, add the stored ACCOUNTINFO, send → on success
//! save the section digests and any ACCOUNT_UPDATE.
//!
//! Nothing is lost: when the server cannot be reached or answers an error, the inventory
//! is kept in the server's state directory (`pending.xml`, the newest one only) and sent
//! at the next contact instead of collecting again while it is fresh (younger than the
//! contact period), so retries every 60 s, 120 s… cost no new collection. Every state
//! file is written atomically.
//!
//! Files in `<vardir>/<server dir>/`: `schedule` (see `agent::schedule`), `last_state`
//! (see [`super::checksum`]), `accountinfo` (`KEYNAME=KEYVALUE` lines), `options/NAME.xml`
//! (the last PROLOG's OPTION blocks, read by the tasks that own them with
//! [`read_option`]), `pending.xml` + `pending.state`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::agent::config::Config;
use crate::agent::run::random_below;
use crate::agent::runner::Report;
use crate::agent::schedule::{self, Schedule};
use crate::agent::state;
use crate::net::client::Client;
use crate::net::ocs::{self, InventoryReply, Prolog};
use crate::net::xmltree::Node;
use crate::source::Source;

use super::checksum;
use super::model::{Entry, Inventory};

pub use crate::agent::contact::{read_option, OPTIONS_DIR};
const ACCOUNTINFO: &str = "accountinfo";
const PENDING_XML: &str = "pending.xml";
const PENDING_STATE: &str = "pending.state";

/// The administrative data (ACCOUNTINFO) the server last gave, in file order.
pub fn read_accountinfo(server_dir: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(server_dir.join(ACCOUNTINFO))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn write_accountinfo(server_dir: &Path, pairs: &[(String, String)]) -> Result<(), String> {
    let mut text = String::new();
    for (k, v) in pairs {
        let clean = |s: &str| s.replace(['\n', '\r', '='], " ");
        text.push_str(&format!("{}={}\n", clean(k), v.replace(['\n', '\r'], " ")));
    }
    let path = server_dir.join(ACCOUNTINFO);
    state::write_atomic(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Replaces the stored OPTION blocks with those of the last PROLOG.
fn store_options(server_dir: &Path, options: &[Node]) {
    let dir = server_dir.join(OPTIONS_DIR);
    let mut keep: Vec<String> = Vec::new();
    for o in options {
        let Some(name) = ocs::option_name(o) else {
            continue;
        };
        let file = format!("{name}.xml");
        if let Err(e) = state::write_atomic(&dir.join(&file), o.to_xml().as_bytes()) {
            log::warn!("cannot store the {name} option: {e}");
        }
        keep.push(file);
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".xml") && !keep.contains(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

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
    let mut pairs = read_accountinfo(dir);
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
    Prepared {
        xml: super::render(&inv, false),
        digests: Some(digests),
        collected: now,
        checksum: mask,
    }
}

/// Records a failed contact; returns the error for the parent.
fn failed(dir: &Path, sched: &Schedule, now: u64, config: &Config, why: String) -> String {
    let delaytime = config.number("delaytime", schedule::DEFAULT_DELAYTIME);
    let next = schedule::after_failure(sched, now, delaytime, &why);
    let when = next.retry;
    if let Err(e) = schedule::save(dir, &next) {
        log::error!("{e}");
    }
    format!("{why}; next try in {when} s")
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

/// Contacts server `url`: PROLOG, then the inventory when asked or forced.
pub fn run(url: &str, config: &Config) -> Result<Report, String> {
    let dir = schedule::state_dir(config, url)?;
    let now = schedule::now();
    let sched = schedule::load(&dir);
    let mut report = Report::ok();
    // What logs and reports show: the URL without credentials.
    let shown = crate::net::client::public_url(url);
    report.set("server", &shown);
    if !schedule::due(config, url) {
        let next = schedule::next_contact(&sched, now);
        report.set("outcome", "skipped").set("next", next).set(
            "message",
            format!(
                "not due before {} (--lazy), not contacted",
                local_time(next)
            ),
        );
        return Ok(report);
    }
    if url.starts_with("https://") && config.flag("no-ssl-check") {
        log::warn!("server {shown}: certificate checks are off (no-ssl-check): anybody could pose as this server");
    }
    let src = super::source(config)?;
    let deviceid = super::deviceid(config, src.as_ref())?;
    let client = match Client::new(url, config, super::VERSIONCLIENT) {
        Ok(c) => c,
        Err(e) => return Err(failed(&dir, &sched, now, config, e)),
    };
    if let Some(p) = &client.proxy {
        log::debug!("server {shown}: through proxy {p}");
    }
    let plain = config.flag("no-compression");

    log::debug!("server {shown}: PROLOG as {deviceid}");
    let prolog = match ocs::exchange(&client, &ocs::prolog_request(&deviceid), plain) {
        Ok(reply) => Prolog::from_reply(&reply),
        Err(e) => {
            let note = keep(&dir, config, src.as_ref(), &deviceid, &sched, now);
            return Err(failed(&dir, &sched, now, config, format!("{e}; {note}")));
        }
    };
    store_options(&dir, &prolog.options);
    let next = schedule::after_success(&sched, now, prolog.prolog_freq, random_below(u64::MAX));
    report
        .set("response", &prolog.response)
        .set("next", next.next);
    let force = config.flag("force");
    log::info!(
        "server {shown}: PROLOG answered {}{}",
        if prolog.response.is_empty() {
            "nothing"
        } else {
            &prolog.response
        },
        prolog
            .prolog_freq
            .map(|h| format!(", PROLOG_FREQ {h} h"))
            .unwrap_or_default()
    );
    if !prolog.wants_inventory() && !force {
        schedule::save(&dir, &next)?;
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
                local_time(next.next)
            ),
        );
        return Ok(report);
    }

    let max_age = if sched.period > 0 {
        sched.period
    } else {
        schedule::DEFAULT_PERIOD
    };
    let (prepared, from_pending) = match load_pending(&dir, &deviceid) {
        Some(p) if p.collected + max_age > now => {
            log::info!(
                "server {shown}: sending the inventory kept since {}",
                local_time(p.collected)
            );
            (p, true)
        }
        _ => (prepare(&dir, config, src.as_ref(), &deviceid, now), false),
    };
    match ocs::exchange(&client, &prepared.xml, plain) {
        Ok(reply) => {
            let answer = InventoryReply::from_reply(&reply);
            if let Some(pairs) = &answer.accountinfo {
                write_accountinfo(&dir, pairs)?;
                log::info!(
                    "server {shown}: administrative data updated ({} fields)",
                    pairs.len()
                );
            }
            match &prepared.digests {
                Some(d) => checksum::save(&dir, &deviceid, d)?,
                None => checksum::forget(&dir),
            }
            drop_pending(&dir);
            schedule::save(&dir, &next)?;
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
                match save_pending(&dir, &deviceid, &prepared) {
                    Ok(path) => format!("inventory kept in {}", path.display()),
                    Err(e) => e,
                }
            };
            Err(failed(&dir, &sched, now, config, format!("{e}; {note}")))
        }
    }
}

fn local_time(epoch: u64) -> String {
    chrono::DateTime::from_timestamp(epoch as i64, 0)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| epoch.to_string())
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
    fn options_and_accountinfo_are_stored() {
        let d = tmp("options");
        let reply = ocs::parse_reply(
            "<REPLY><OPTION><NAME>DOWNLOAD</NAME><PARAM TYPE=\"CONF\" ON=\"1\"/></OPTION>\
             <OPTION><NAME>SNMP</NAME><PARAM TYPE=\"NETWORK\" SUBNET=\"127.0.0.0/30\"/></OPTION></REPLY>",
        )
        .unwrap();
        store_options(&d, &Prolog::from_reply(&reply).options);
        let dl = read_option(&d, "DOWNLOAD").unwrap();
        assert_eq!(dl.child("PARAM").unwrap().attr("ON"), Some("1"));
        assert!(read_option(&d, "SNMP").is_some());
        // an option the server no longer sends is forgotten
        store_options(
            &d,
            &Prolog::from_reply(
                &ocs::parse_reply("<REPLY><OPTION><NAME>DOWNLOAD</NAME></OPTION></REPLY>").unwrap(),
            )
            .options,
        );
        assert!(read_option(&d, "SNMP").is_none());
        assert!(read_option(&d, "DOWNLOAD").is_some());

        write_accountinfo(
            &d,
            &[
                ("TAG".into(), "NA".into()),
                ("fields_3".into(), "a=b".into()),
            ],
        )
        .unwrap();
        assert_eq!(
            read_accountinfo(&d),
            vec![
                ("TAG".to_string(), "NA".to_string()),
                ("fields_3".to_string(), "a=b".to_string())
            ]
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
