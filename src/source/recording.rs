//! Writing a recording (`--capture DIR`, locally or of a remote machine): each answer a
//! source gave, in the folder layout described in [`super`], so that `--replay DIR` gives
//! the same inventory on any machine. Files are created new, never written through a link
//! planted in the folder ([`crate::fsutil`]); a file that cannot be written is one warning.

use std::path::{Path, PathBuf};

use super::{
    command_name, escape_path, under, under_with_suffix, Clock, FsStats, IfAddr, Output, Status,
    SysCall, Uname,
};

/// A recording folder being written.
#[derive(Clone, Debug)]
pub struct Recorder {
    root: PathBuf,
}

fn save(path: Option<PathBuf>, data: &[u8]) {
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let written = crate::fsutil::replace_with_new(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, data));
    if let Err(e) = written {
        log::warn!("capture: cannot write {}: {e}", path.display());
    }
}

impl Recorder {
    /// Records into `root` (created when missing).
    pub fn new(root: &Path) -> Result<Recorder, String> {
        std::fs::create_dir_all(root)
            .map_err(|e| format!("cannot create capture folder {}: {e}", root.display()))?;
        Ok(Recorder {
            root: root.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A file's content (or the tail that was read: a replay reads the same bytes).
    pub fn file(&self, path: &str, data: &[u8]) {
        save(under(&self.root.join("files"), path), data);
    }

    /// An empty file where none is recorded yet: what makes a replayed `exists` true.
    pub fn placeholder(&self, path: &str) {
        if let Some(p) = under(&self.root.join("files"), path) {
            if !p.exists() {
                save(Some(p), b"");
            }
        }
    }

    pub fn listing(&self, path: &str, names: &[String]) {
        let mut text = names.join("\n");
        text.push('\n');
        save(
            under_with_suffix(&self.root.join("listings"), path, ".list"),
            text.as_bytes(),
        );
    }

    pub fn link(&self, path: &str, target: &str) {
        save(
            under_with_suffix(&self.root.join("links"), path, ".link"),
            target.as_bytes(),
        );
    }

    pub fn mtime(&self, path: &str, t: i64) {
        save(
            under_with_suffix(&self.root.join("stat"), path, ".mtime"),
            t.to_string().as_bytes(),
        );
    }

    /// A command's output, its non-zero exit status, or that it is missing.
    pub fn command(&self, argv: &[&str], out: &Output) {
        let base = self.root.join("commands").join(command_name(argv));
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

    pub fn uname(&self, u: &Uname) {
        save(Some(self.root.join("uname")), u.to_text().as_bytes());
    }

    pub fn clock(&self, c: &Clock) {
        save(Some(self.root.join("clock")), c.to_text().as_bytes());
    }

    /// One `statvfs` answer, a line of the `statvfs` file.
    pub fn statvfs(&self, path: &str, answer: &SysCall<FsStats>) {
        let line = match answer {
            SysCall::Done(s) => format!(
                "{} {} {} {} {}",
                escape_path(path),
                s.fragment_size,
                s.blocks,
                s.free,
                s.available
            ),
            SysCall::Failed => format!("{} -", escape_path(path)),
            SysCall::Unsupported => return,
        };
        let path = self.root.join("statvfs");
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, format!("{line}\n").as_bytes()));
        if let Err(e) = written {
            log::warn!("capture: cannot write {}: {e}", path.display());
        }
    }

    /// The interfaces' addresses (`getifaddrs`).
    pub fn interface_addresses(&self, all: &[IfAddr]) {
        let text: String = all.iter().map(|a| a.to_line() + "\n").collect();
        save(Some(self.root.join("getifaddrs")), text.as_bytes());
    }
}
