//! `QUERY=DOWNLOAD` messages: how each package ended, one POST each to the server URL.
//! The server answers an empty 200. A message that cannot be sent is kept in
//! `<server dir>/download/reports.pending` and sent at the next run, so the console
//! learns every outcome.

use std::path::{Path, PathBuf};

use super::outcome::Code;
use crate::agent::state;
use crate::net::client::Client;
use crate::net::ocs::encode_body;

fn pending_path(server_dir: &Path) -> PathBuf {
    server_dir.join("download").join("reports.pending")
}

/// The message document.
pub fn message(deviceid: &str, id: &str, err: &str) -> String {
    let e = |s: &str| quick_xml::escape::escape(s).into_owned();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REQUEST>\n  <DEVICEID>{}</DEVICEID>\n  <QUERY>DOWNLOAD</QUERY>\n  <ID>{}</ID>\n  <ERR>{}</ERR>\n</REQUEST>\n",
        e(deviceid),
        e(id),
        e(err)
    )
}

fn post(client: &Client, deviceid: &str, id: &str, err: &str, plain: bool) -> Result<(), String> {
    let (body, ct) = encode_body(&message(deviceid, id, err), plain);
    client
        .post(&body, ct)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Sends one outcome, or keeps it for the next run.
pub fn send(server_dir: &Path, client: &Client, deviceid: &str, id: &str, code: Code, plain: bool) {
    match post(client, deviceid, id, &code.as_str(), plain) {
        Ok(()) => log::info!("package {id}: reported {code}"),
        Err(e) => {
            log::warn!("package {id}: cannot report {code} ({e}); kept for the next run");
            let p = pending_path(server_dir);
            let mut text = std::fs::read_to_string(&p).unwrap_or_default();
            text.push_str(&format!("{id} {code}\n"));
            if let Err(e) = state::write_atomic(&p, text.as_bytes()) {
                log::error!("cannot write {}: {e}", p.display());
            }
        }
    }
}

/// Sends the outcomes kept by earlier runs; those that fail again stay. Returns the IDs
/// of every kept outcome (sent or not): this run's PROLOG may still list them, and they
/// must not be answered again.
pub fn flush(server_dir: &Path, client: &Client, deviceid: &str, plain: bool) -> Vec<String> {
    let p = pending_path(server_dir);
    let Ok(text) = std::fs::read_to_string(&p) else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    let mut left = String::new();
    for line in text.lines() {
        let Some((id, err)) = line.split_once(' ') else {
            continue;
        };
        ids.push(id.to_string());
        match post(client, deviceid, id, err, plain) {
            Ok(()) => log::info!("package {id}: reported {err} (kept from an earlier run)"),
            Err(_) => left.push_str(&format!("{line}\n")),
        }
    }
    let _ = if left.is_empty() {
        std::fs::remove_file(&p)
    } else {
        state::write_atomic(&p, left.as_bytes())
    };
    ids
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_message_the_server_reads() {
        let m = super::message("h-2026-01-01-00-00-00", "17", "ERR_BAD_DIGEST");
        let n = crate::net::xmltree::Node::parse(&m).unwrap();
        assert_eq!(n.name, "REQUEST");
        assert_eq!(n.child_text("QUERY"), Some("DOWNLOAD"));
        assert_eq!(n.child_text("ID"), Some("17"));
        assert_eq!(n.child_text("ERR"), Some("ERR_BAD_DIGEST"));
        assert!(super::message("a<b", "1", "x").contains("a&lt;b"));
    }
}
