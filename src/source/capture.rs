//! The capture source: reads the live system and records every answer (`--capture DIR`).

use std::path::{Path, PathBuf};

use super::live::Live;
use super::{
    command_name, escape_path, under, under_with_suffix, Clock, FsStats, IfAddr, Output, Source,
    Status, SysCall, Uname,
};

/// Records what [`Live`] answers into the folder layout described in [`super`].
pub struct Capture {
    live: Live,
    root: PathBuf,
}

fn save(path: Option<PathBuf>, data: &[u8]) {
    if let Some(path) = path {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // A new file, never written through a link planted in the folder (`fsutil`).
        let written = crate::fsutil::replace_with_new(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, data));
        if let Err(e) = written {
            log::warn!("capture: cannot write {}: {e}", path.display());
        }
    }
}

/// Adds a line to a recording file (created when absent).
fn append(path: PathBuf, line: &str) {
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(format!("{line}\n").as_bytes()));
    if let Err(e) = written {
        log::warn!("capture: cannot write {}: {e}", path.display());
    }
}

impl Capture {
    pub fn new(live: Live, root: &Path) -> Result<Capture, String> {
        std::fs::create_dir_all(root)
            .map_err(|e| format!("cannot create capture folder {}: {e}", root.display()))?;
        Ok(Capture {
            live,
            root: root.to_path_buf(),
        })
    }
}

impl Source for Capture {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let data = self.live.read(path)?;
        save(under(&self.root.join("files"), path), &data);
        Some(data)
    }

    fn read_tail(&self, path: &str, max: u64) -> Option<Vec<u8>> {
        // The recording keeps the tail as the file: a replay reads the same bytes.
        let data = self.live.read_tail(path, max)?;
        save(under(&self.root.join("files"), path), &data);
        Some(data)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let names = self.live.list_dir(path)?;
        let mut text = names.join("\n");
        text.push('\n');
        save(
            under_with_suffix(&self.root.join("listings"), path, ".list"),
            text.as_bytes(),
        );
        Some(names)
    }

    fn read_link(&self, path: &str) -> Option<String> {
        let target = self.live.read_link(path)?;
        save(
            under_with_suffix(&self.root.join("links"), path, ".link"),
            target.as_bytes(),
        );
        Some(target)
    }

    fn run(&self, argv: &[&str]) -> Output {
        let out = self.live.run(argv);
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
        out
    }

    fn uname(&self) -> Uname {
        let u = self.live.uname();
        save(Some(self.root.join("uname")), u.to_text().as_bytes());
        u
    }

    fn clock(&self) -> Clock {
        let c = self.live.clock();
        save(Some(self.root.join("clock")), c.to_text().as_bytes());
        c
    }

    fn mtime(&self, path: &str) -> Option<i64> {
        let t = self.live.mtime(path)?;
        save(
            under_with_suffix(&self.root.join("stat"), path, ".mtime"),
            t.to_string().as_bytes(),
        );
        Some(t)
    }

    fn statvfs(&self, path: &str) -> SysCall<FsStats> {
        let answer = self.live.statvfs(path);
        let line = match &answer {
            SysCall::Done(s) => format!(
                "{} {} {} {} {}",
                escape_path(path),
                s.fragment_size,
                s.blocks,
                s.free,
                s.available
            ),
            SysCall::Failed => format!("{} -", escape_path(path)),
            SysCall::Unsupported => return answer,
        };
        append(self.root.join("statvfs"), &line);
        answer
    }

    fn interface_addresses(&self) -> SysCall<Vec<IfAddr>> {
        let answer = self.live.interface_addresses();
        if let SysCall::Done(all) = &answer {
            let text: String = all.iter().map(|a| a.to_line() + "\n").collect();
            save(Some(self.root.join("getifaddrs")), text.as_bytes());
        }
        answer
    }

    fn exists(&self, path: &str) -> bool {
        // Record what the answer rests on, so a replay answers the same.
        if self.read_link(path).is_some() || self.list_dir(path).is_some() {
            return true;
        }
        match std::fs::metadata(path) {
            Ok(m) => {
                if m.is_file() && m.len() <= 1 << 20 {
                    let _ = self.read(path);
                }
                true
            }
            Err(_) => false,
        }
    }
}
