//! The packages this agent already ran, per server (`<server dir>/download/history`,
//! one ID a line), so a package is not run twice unless the server forces it (`FORCE`).
//! An ID goes in just before its action starts: a crash while it runs does not make
//! it run again.

use std::path::{Path, PathBuf};

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
        .map_err(|e| format!("cannot write {}: {e}", p.display()))
}
