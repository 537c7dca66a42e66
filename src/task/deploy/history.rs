//! The packages this agent already ran, per server (`<server dir>/download/history`,
//! one ID a line), so a package is not run twice unless the server forces it (`FORCE`).
//! An ID goes in just before its action starts: a crash while it runs does not make
//! it run again.
//!
//! The same list travels in the server's next inventory (`CONTENT/DOWNLOAD/HISTORY/
//! PACKAGE ID=…`, what the server's `download_history` table is filled from), left there
//! through `ServerState::add_to_inventory`.

use std::path::{Path, PathBuf};

use crate::agent::server_state::ServerState;
use crate::agent::state;

pub fn path(server_dir: &Path) -> PathBuf {
    server_dir.join("download").join("history")
}

pub fn contains(server_dir: &Path, id: &str) -> bool {
    std::fs::read_to_string(path(server_dir))
        .unwrap_or_default()
        .lines()
        .any(|l| l.trim() == id)
}

pub fn add(server_dir: &Path, id: &str) -> Result<(), String> {
    if contains(server_dir, id) {
        return Ok(());
    }
    let p = path(server_dir);
    let mut text = std::fs::read_to_string(&p).unwrap_or_default();
    text.push_str(id);
    text.push('\n');
    state::write_atomic(&p, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    ServerState::at(server_dir).add_to_inventory("DOWNLOAD", &inventory_fragment(&text))
}

/// The `<DOWNLOAD><HISTORY>` element of the inventory for a history file's text.
fn inventory_fragment(history: &str) -> String {
    let mut x = String::from("<DOWNLOAD><HISTORY>");
    for id in history.lines().map(str::trim) {
        // IDs are all digits (checked when the job was read); anything else is skipped.
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            x.push_str(&format!("<PACKAGE ID=\"{id}\"/>"));
        }
    }
    x.push_str("</HISTORY></DOWNLOAD>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_left_for_the_inventory() {
        let d = std::env::temp_dir().join(format!("ocsa-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        add(&d, "1795588218").unwrap();
        add(&d, "1795588219").unwrap();
        add(&d, "1795588218").unwrap();
        assert!(contains(&d, "1795588219"));
        let frag = std::fs::read_to_string(
            d.join(crate::agent::contact::ADDITIONS_DIR)
                .join("DOWNLOAD.xml"),
        )
        .unwrap();
        assert_eq!(
            frag,
            "<DOWNLOAD><HISTORY><PACKAGE ID=\"1795588218\"/><PACKAGE ID=\"1795588219\"/></HISTORY></DOWNLOAD>"
        );
        assert_eq!(
            inventory_fragment("12\n../x\n"),
            "<DOWNLOAD><HISTORY><PACKAGE ID=\"12\"/></HISTORY></DOWNLOAD>"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
