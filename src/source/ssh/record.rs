//! Recording a remote machine (`--remote … --capture DIR`): each answer the inventory
//! uses is written in the layout of [`crate::source`], so `--replay DIR` gives the same
//! inventory on any machine. A folder that cannot be written is one warning a file.

use std::path::{Path, PathBuf};

use crate::source::{command_name, under, under_with_suffix, Clock, Output, Status, Uname};

fn save(path: Option<PathBuf>, data: &[u8]) {
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(&path, data) {
        log::warn!("capture: cannot write {}: {e}", path.display());
    }
}

pub fn file(root: Option<&Path>, path: &str, data: &[u8]) {
    if let Some(root) = root {
        save(under(&root.join("files"), path), data);
    }
}

/// An empty file where none is recorded yet: what makes a replayed `exists` true.
pub fn placeholder(root: Option<&Path>, path: &str) {
    if let Some(p) = root.and_then(|root| under(&root.join("files"), path)) {
        if !p.exists() {
            save(Some(p), b"");
        }
    }
}

pub fn listing(root: Option<&Path>, path: &str, names: &[String]) {
    if let Some(root) = root {
        let mut text = names.join("\n");
        text.push('\n');
        save(
            under_with_suffix(&root.join("listings"), path, ".list"),
            text.as_bytes(),
        );
    }
}

pub fn link(root: Option<&Path>, path: &str, target: &str) {
    if let Some(root) = root {
        save(
            under_with_suffix(&root.join("links"), path, ".link"),
            target.as_bytes(),
        );
    }
}

pub fn mtime(root: Option<&Path>, path: &str, t: i64) {
    if let Some(root) = root {
        save(
            under_with_suffix(&root.join("stat"), path, ".mtime"),
            t.to_string().as_bytes(),
        );
    }
}

pub fn command(root: Option<&Path>, argv: &[&str], out: &Output) {
    let Some(root) = root else { return };
    let base = root.join("commands").join(command_name(argv));
    let with = |suffix: &str| {
        let mut s = base.clone().into_os_string();
        s.push(suffix);
        Some(PathBuf::from(s))
    };
    match &out.status {
        Status::Missing => save(with(".missing"), b""),
        Status::Exit(code) => {
            save(Some(base.clone()), out.stdout.as_bytes());
            save(with(".exit"), code.to_string().as_bytes());
        }
        Status::Ok => save(Some(base.clone()), out.stdout.as_bytes()),
        Status::Failed(_) => {}
    }
}

pub fn uname(root: Option<&Path>, u: &Uname) {
    if let Some(root) = root {
        save(Some(root.join("uname")), u.to_text().as_bytes());
    }
}

pub fn clock(root: Option<&Path>, c: &Clock) {
    if let Some(root) = root {
        save(Some(root.join("clock")), c.to_text().as_bytes());
    }
}
