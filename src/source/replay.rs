//! The replay source: answers from a recording (`--replay DIR`), on any machine.

use std::path::{Path, PathBuf};

use super::{
    command_name, escape_path, under, under_with_suffix, Clock, FsStats, IfAddr, Output, Source,
    Status, SysCall, Uname,
};

/// Reads a folder laid out as described in [`super`].
pub struct Replay {
    root: PathBuf,
}

impl Replay {
    pub fn new(root: &Path) -> Result<Replay, String> {
        if !root.is_dir() {
            return Err(format!("replay folder {} does not exist", root.display()));
        }
        Ok(Replay {
            root: root.to_path_buf(),
        })
    }
}

impl Source for Replay {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let p = under(&self.root.join("files"), path)?;
        if p.is_file() {
            std::fs::read(p).ok()
        } else {
            None
        }
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        if let Some(text) = under_with_suffix(&self.root.join("listings"), path, ".list")
            .and_then(|p| std::fs::read_to_string(p).ok())
        {
            return Some(
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
        let dir = under(&self.root.join("files"), path)?;
        super::sorted_names(dir.as_ref())
    }

    fn read_link(&self, path: &str) -> Option<String> {
        let p = under_with_suffix(&self.root.join("links"), path, ".link")?;
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim_end_matches('\n').to_string())
    }

    fn run(&self, argv: &[&str]) -> Output {
        let base = self.root.join("commands").join(command_name(argv));
        let sibling = |suffix: &str| {
            let mut s = base.clone().into_os_string();
            s.push(suffix);
            PathBuf::from(s)
        };
        if let Ok(bytes) = std::fs::read(&base) {
            let stdout = super::into_text(bytes);
            let status = match std::fs::read_to_string(sibling(".exit")) {
                Ok(code) => Status::Exit(code.trim().parse().unwrap_or(1)),
                Err(_) => Status::Ok,
            };
            return Output { status, stdout };
        }
        Output {
            status: Status::Missing,
            stdout: String::new(),
        }
    }

    fn uname(&self) -> Uname {
        std::fs::read_to_string(self.root.join("uname"))
            .map(|t| Uname::from_text(&t))
            .unwrap_or_default()
    }

    fn clock(&self) -> Clock {
        std::fs::read_to_string(self.root.join("clock"))
            .ok()
            .and_then(|t| Clock::from_text(&t))
            .unwrap_or_else(Clock::system)
    }

    fn mtime(&self, path: &str) -> Option<i64> {
        let p = under_with_suffix(&self.root.join("stat"), path, ".mtime")?;
        std::fs::read_to_string(p).ok()?.trim().parse().ok()
    }

    fn statvfs(&self, path: &str) -> SysCall<FsStats> {
        let Ok(bytes) = std::fs::read(self.root.join("statvfs")) else {
            return SysCall::Unsupported;
        };
        let text = super::into_text(bytes);
        let key = escape_path(path);
        let found = text.lines().rev().find_map(|line| {
            let (p, rest) = line.split_once(' ')?;
            (p == key).then_some(rest)
        });
        let numbers: Option<Vec<u64>> =
            found.and_then(|rest| rest.split(' ').map(|n| n.parse().ok()).collect());
        match numbers.as_deref() {
            Some(&[fragment_size, blocks, free, available]) => SysCall::Done(FsStats {
                fragment_size,
                blocks,
                free,
                available,
            }),
            _ => SysCall::Failed,
        }
    }

    fn interface_addresses(&self) -> SysCall<Vec<IfAddr>> {
        match std::fs::read(self.root.join("getifaddrs")) {
            Ok(bytes) => SysCall::Done(
                super::into_text(bytes)
                    .lines()
                    .filter_map(IfAddr::from_line)
                    .collect(),
            ),
            Err(_) => SysCall::Unsupported,
        }
    }
}
