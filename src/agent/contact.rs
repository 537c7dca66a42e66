//! The one contact per server and run: the PROLOG, done before any task, and where its
//! reply is kept for the tasks.
//!
//! The parent never reads a server's reply: the contact runs in a sandboxed child like
//! any task (logged as `[core]`), which stores in the server's state directory
//! - `contact`: how the last contact went (`status=started|ok|failed`, `at`, `response`),
//!   written `started` first, so a contact killed half-way reads as failed;
//! - `options/NAME.xml`: each OPTION block of the reply (`DOWNLOAD`, `IPDISCOVER`, `SNMP`,
//!   `NETDISCOVERY`, `SNMPQUERY`, `WAKEONLAN`…), the job of the task that owns it, read
//!   with [`read_option`]; a task whose option is absent has nothing to do there;
//! - the schedule (PROLOG_FREQ on success, the failure backoff otherwise).
//!
//! Tasks can leave XML fragments in `inventory.d/NAME.xml` for the server's next
//! inventory (`IPDISCOVER` hosts, `DOWNLOAD` history): such a fragment is sent while the
//! server still sends the OPTION of the same name ([`inventory_additions`]).

use std::collections::BTreeMap;
use std::path::Path;

use super::config::Config;
use super::run::random_below;
use super::runner::Report;
use super::schedule::{self, Schedule};
use super::server_state::ServerState;
use super::state;
use crate::net::client::Client;
use crate::net::ocs::{self, Prolog};
use crate::net::xmltree::Node;

/// The name of the contact step in a run's plan (it is not a task: its log tag is `core`).
pub const STEP: &str = "Contact";
/// The directory of the stored OPTION blocks in a server's state directory.
pub const OPTIONS_DIR: &str = "options";
/// The directory of the fragments tasks leave for the next inventory.
pub const ADDITIONS_DIR: &str = "inventory.d";
const CONTACT_FILE: &str = "contact";

/// The OPTION block `name` (`DOWNLOAD`, `IPDISCOVER`, `SNMP`…) of the last PROLOG of the
/// server whose state directory is `server_dir`, if the server sent one.
pub fn read_option(server_dir: &Path, name: &str) -> Option<Node> {
    let text =
        std::fs::read_to_string(server_dir.join(OPTIONS_DIR).join(format!("{name}.xml"))).ok()?;
    Node::parse(&text).ok()
}

/// Whether the last PROLOG of that server sent the OPTION `name` (a file test, for the
/// parent's planning: nothing is parsed).
pub fn has_option(server_dir: &Path, name: &str) -> bool {
    server_dir
        .join(OPTIONS_DIR)
        .join(format!("{name}.xml"))
        .is_file()
}

/// The administrative data file (`KEYNAME=KEYVALUE` lines) in a server's state directory.
pub const ACCOUNTINFO_FILE: &str = "accountinfo";

/// The administrative data (ACCOUNTINFO) the server last gave, in file order.
pub fn read_accountinfo(server_dir: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(server_dir.join(ACCOUNTINFO_FILE))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Replaces the administrative data of a server (written atomically).
pub fn write_accountinfo(server_dir: &Path, pairs: &[(String, String)]) -> Result<(), String> {
    let mut text = String::new();
    for (k, v) in pairs {
        let clean = |s: &str| s.replace(['\n', '\r', '='], " ");
        text.push_str(&format!("{}={}\n", clean(k), v.replace(['\n', '\r'], " ")));
    }
    let path = server_dir.join(ACCOUNTINFO_FILE);
    state::write_atomic(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// How the last contact with a server went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastContact {
    /// The PROLOG was answered (false too when it was killed half-way or never made).
    pub ok: bool,
    /// The reply's RESPONSE (`SEND`, `STOP`…), empty when none.
    pub response: String,
    /// When it started (Unix time), 0 when unknown.
    pub at: u64,
}

impl LastContact {
    /// True when the server asked for an inventory.
    pub fn wants_inventory(&self) -> bool {
        self.ok && self.response.eq_ignore_ascii_case("SEND")
    }
}

/// The last contact of the server whose state directory is `server_dir`.
pub fn last_contact(server_dir: &Path) -> LastContact {
    let kv = state::read_kv(&server_dir.join(CONTACT_FILE));
    LastContact {
        ok: kv.get("status").map(String::as_str) == Some("ok"),
        response: kv.get("response").cloned().unwrap_or_default(),
        at: kv.get("at").and_then(|v| v.parse().ok()).unwrap_or(0),
    }
}

fn write_contact(server_dir: &Path, status: &str, at: u64, response: &str) {
    let mut kv = BTreeMap::new();
    kv.insert("status".to_string(), status.to_string());
    kv.insert("at".to_string(), at.to_string());
    if !response.is_empty() {
        kv.insert("response".to_string(), response.to_string());
    }
    let path = server_dir.join(CONTACT_FILE);
    if let Err(e) = state::write_kv(&path, &kv) {
        log::error!("cannot write {}: {e}", path.display());
    }
}

/// Replaces the stored OPTION blocks with those of the last PROLOG.
fn store_options(server_dir: &Path, options: &[Node]) {
    let dir = server_dir.join(OPTIONS_DIR);
    let mut keep: Vec<String> = Vec::new();
    for o in options {
        let Some(name) = ocs::option_name(o) else {
            continue;
        };
        // The name becomes a file name: nothing but a plain word.
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            log::warn!("ignoring an OPTION with a strange name ({:?})", name);
            continue;
        }
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

/// Leaves `fragment` (one XML element, e.g. `<IPDISCOVER>…</IPDISCOVER>`) for the next
/// inventory sent to that server, under `name` (the OPTION it answers).
pub fn add_to_inventory(server_dir: &Path, name: &str, fragment: &str) -> Result<(), String> {
    let path = server_dir.join(ADDITIONS_DIR).join(format!("{name}.xml"));
    state::write_atomic(&path, fragment.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The fragments to add to the next inventory of that server: those whose OPTION the
/// server still sends, well-formed, in name order.
pub fn inventory_additions(server_dir: &Path) -> Vec<Node> {
    let dir = server_dir.join(ADDITIONS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            Some(n.strip_suffix(".xml")?.to_string())
        })
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        if !has_option(server_dir, &name) {
            continue;
        }
        let path = dir.join(format!("{name}.xml"));
        match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| Node::parse(&t))
        {
            Ok(node) => out.push(node),
            Err(e) => log::warn!("ignoring {}: {e}", path.display()),
        }
    }
    out
}

/// The contact step for server `url` as `deviceid`, in its child: skipped when not due
/// (`--lazy`), else the PROLOG, its reply stored, the schedule moved on.
pub fn run(url: &str, config: &Config, deviceid: &str, useragent: &str) -> Result<Report, String> {
    let server = ServerState::open(config, url)?;
    let dir = server.dir();
    let now = schedule::now();
    let sched = server.schedule();
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
    write_contact(dir, "started", now, "");
    if url.starts_with("https://") && config.flag("no-ssl-check") {
        log::warn!("server {shown}: certificate checks are off for this server (no-ssl-check): anybody could pose as it; every other host (Deploy package hosts, mirrors) is still checked");
    }
    let client =
        Client::new(url, config, useragent).map_err(|e| failed(dir, &sched, now, config, e))?;
    if let Some(p) = &client.proxy {
        log::debug!("server {shown}: through proxy {p}");
    }
    log::debug!("server {shown}: PROLOG as {deviceid}");
    let reply = ocs::exchange(
        &client,
        &ocs::prolog_request(deviceid),
        config.flag("no-compression"),
    )
    .map_err(|e| failed(dir, &sched, now, config, e.to_string()))?;
    let prolog = Prolog::from_reply(&reply);
    store_options(dir, &prolog.options);
    write_contact(dir, "ok", now, &prolog.response);
    let next = schedule::after_success(&sched, now, prolog.prolog_freq, random_below(u64::MAX));
    server.save_schedule(&next)?;
    let jobs: Vec<&str> = prolog.options.iter().filter_map(ocs::option_name).collect();
    let response = if prolog.response.is_empty() {
        "nothing"
    } else {
        &prolog.response
    };
    log::info!(
        "server {shown}: PROLOG answered {response}{}{}",
        prolog
            .prolog_freq
            .map(|h| format!(", PROLOG_FREQ {h} h"))
            .unwrap_or_default(),
        if jobs.is_empty() {
            String::new()
        } else {
            format!(", options {}", jobs.join(" "))
        }
    );
    report
        .set("outcome", "contacted")
        .set("response", &prolog.response)
        .set("next", next.next)
        .set(
            "message",
            format!(
                "PROLOG answered {response}; next contact {}",
                local_time(next.next)
            ),
        );
    Ok(report)
}

/// Records a failed contact; returns the error for the parent.
fn failed(dir: &Path, sched: &Schedule, now: u64, config: &Config, why: String) -> String {
    write_contact(dir, "failed", now, "");
    schedule::failed(dir, sched, now, config, why)
}

/// A Unix time as local `YYYY-MM-DD HH:MM:SS`.
pub fn local_time(epoch: u64) -> String {
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

    fn tmp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-contact-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn options_are_stored_and_forgotten() {
        let d = tmp("options");
        let reply = ocs::parse_reply(
            "<REPLY><OPTION><NAME>DOWNLOAD</NAME><PARAM TYPE=\"CONF\" ON=\"1\"/></OPTION>\
             <OPTION><NAME>SNMP</NAME><PARAM TYPE=\"NETWORK\" SUBNET=\"127.0.0.0/30\"/></OPTION>\
             <OPTION><NAME>../x</NAME></OPTION></REPLY>",
        )
        .unwrap();
        store_options(&d, &Prolog::from_reply(&reply).options);
        let dl = read_option(&d, "DOWNLOAD").unwrap();
        assert_eq!(dl.child("PARAM").unwrap().attr("ON"), Some("1"));
        assert!(has_option(&d, "SNMP"));
        assert!(
            !d.join("x.xml").exists() && !d.join(OPTIONS_DIR).join("..").join("x.xml").exists()
        );
        // an option the server no longer sends is forgotten
        store_options(
            &d,
            &Prolog::from_reply(
                &ocs::parse_reply("<REPLY><OPTION><NAME>DOWNLOAD</NAME></OPTION></REPLY>").unwrap(),
            )
            .options,
        );
        assert!(read_option(&d, "SNMP").is_none());
        assert!(has_option(&d, "DOWNLOAD"));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn contact_state_reads_back() {
        let d = tmp("state");
        assert_eq!(last_contact(&d), LastContact::default());
        write_contact(&d, "started", 5, "");
        assert!(!last_contact(&d).ok, "a contact killed half-way is not ok");
        write_contact(&d, "ok", 7, "SEND");
        let c = last_contact(&d);
        assert!(c.ok && c.wants_inventory() && c.at == 7);
        write_contact(&d, "ok", 8, "STOP");
        assert!(!last_contact(&d).wants_inventory());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn additions_follow_their_option() {
        let d = tmp("additions");
        add_to_inventory(
            &d,
            "IPDISCOVER",
            "<IPDISCOVER><H><I>127.0.0.1</I></H></IPDISCOVER>",
        )
        .unwrap();
        add_to_inventory(&d, "DOWNLOAD", "<DOWNLOAD><HISTORY/></DOWNLOAD>").unwrap();
        assert!(
            inventory_additions(&d).is_empty(),
            "no option: nothing sent"
        );
        let reply =
            ocs::parse_reply("<REPLY><OPTION><NAME>IPDISCOVER</NAME></OPTION></REPLY>").unwrap();
        store_options(&d, &Prolog::from_reply(&reply).options);
        let adds = inventory_additions(&d);
        assert_eq!(adds.len(), 1);
        assert_eq!(adds[0].name, "IPDISCOVER");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
