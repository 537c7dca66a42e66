//! A test-only in-memory [`Source`]: files and symbolic links given by absolute path,
//! directories implied by them. Lets module glue be tested on tiny sysfs trees,
//! including missing and garbage attributes. System calls (`statvfs`, `getifaddrs`) are
//! answered when given, else unsupported (as by a remote shell).

use std::collections::{BTreeMap, BTreeSet};

use crate::source::{Clock, FsStats, IfAddr, Output, Source, Status, SysCall, Uname};

#[derive(Default)]
pub struct FakeSource {
    files: BTreeMap<String, Vec<u8>>,
    links: BTreeMap<String, String>,
    commands: BTreeMap<String, String>,
    statvfs: BTreeMap<String, FsStats>,
    ifaddrs: Option<Vec<IfAddr>>,
}

impl FakeSource {
    pub fn new() -> FakeSource {
        FakeSource::default()
    }

    pub fn file(mut self, path: &str, content: impl AsRef<[u8]>) -> FakeSource {
        self.files
            .insert(path.to_string(), content.as_ref().to_vec());
        self
    }

    pub fn link(mut self, path: &str, target: &str) -> FakeSource {
        self.links.insert(path.to_string(), target.to_string());
        self
    }

    pub fn command(mut self, argv: &[&str], stdout: &str) -> FakeSource {
        self.commands.insert(argv.join(" "), stdout.to_string());
        self
    }

    /// `statvfs` of a mount point; any call makes the others fail instead of being
    /// unsupported.
    pub fn statvfs(mut self, path: &str, stats: FsStats) -> FakeSource {
        self.statvfs.insert(path.to_string(), stats);
        self
    }

    /// What `getifaddrs` answers.
    pub fn ifaddrs(mut self, all: Vec<IfAddr>) -> FakeSource {
        self.ifaddrs = Some(all);
        self
    }
}

impl Source for FakeSource {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.files.get(path).cloned()
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let names: BTreeSet<String> = self
            .files
            .keys()
            .chain(self.links.keys())
            .filter_map(|p| p.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('/').next())
            .map(str::to_string)
            .collect();
        (!names.is_empty()).then(|| names.into_iter().collect())
    }

    fn read_link(&self, path: &str) -> Option<String> {
        self.links.get(path).cloned()
    }

    fn run(&self, argv: &[&str]) -> Output {
        match self.commands.get(&argv.join(" ")) {
            Some(out) => Output {
                status: Status::Ok,
                stdout: out.clone(),
            },
            None => Output {
                status: Status::Missing,
                stdout: String::new(),
            },
        }
    }

    fn uname(&self) -> Uname {
        Uname {
            sysname: "Linux".into(),
            ..Uname::default()
        }
    }

    fn clock(&self) -> Clock {
        Clock::default()
    }

    fn mtime(&self, _path: &str) -> Option<i64> {
        None
    }

    fn statvfs(&self, path: &str) -> SysCall<FsStats> {
        match self.statvfs.get(path) {
            _ if self.statvfs.is_empty() => SysCall::Unsupported,
            Some(s) => SysCall::Done(*s),
            None => SysCall::Failed,
        }
    }

    fn interface_addresses(&self) -> SysCall<Vec<IfAddr>> {
        match &self.ifaddrs {
            Some(all) => SysCall::Done(all.clone()),
            None => SysCall::Unsupported,
        }
    }
}
