//! The capture source: reads the live system and records every answer (`--capture DIR`).

use std::path::Path;

use super::live::Live;
use super::recording::Recorder;
use super::{Clock, FsStats, IfAddr, Output, Source, SysCall, Uname};

/// Records what [`Live`] answers into the folder layout described in [`super`].
pub struct Capture {
    live: Live,
    rec: Recorder,
}

impl Capture {
    pub fn new(live: Live, root: &Path) -> Result<Capture, String> {
        Ok(Capture {
            live,
            rec: Recorder::new(root)?,
        })
    }
}

impl Source for Capture {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let data = self.live.read(path)?;
        self.rec.file(path, &data);
        Some(data)
    }

    fn read_tail(&self, path: &str, max: u64) -> Option<Vec<u8>> {
        // The recording keeps the tail as the file: a replay reads the same bytes.
        let data = self.live.read_tail(path, max)?;
        self.rec.file(path, &data);
        Some(data)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let names = self.live.list_dir(path)?;
        self.rec.listing(path, &names);
        Some(names)
    }

    fn read_link(&self, path: &str) -> Option<String> {
        let target = self.live.read_link(path)?;
        self.rec.link(path, &target);
        Some(target)
    }

    fn run(&self, argv: &[&str]) -> Output {
        let out = self.live.run(argv);
        self.rec.command(argv, &out);
        out
    }

    fn uname(&self) -> Uname {
        let u = self.live.uname();
        self.rec.uname(&u);
        u
    }

    fn clock(&self) -> Clock {
        let c = self.live.clock();
        self.rec.clock(&c);
        c
    }

    fn mtime(&self, path: &str) -> Option<i64> {
        let t = self.live.mtime(path)?;
        self.rec.mtime(path, t);
        Some(t)
    }

    fn statvfs(&self, path: &str) -> SysCall<FsStats> {
        let answer = self.live.statvfs(path);
        self.rec.statvfs(path, &answer);
        answer
    }

    fn interface_addresses(&self) -> SysCall<Vec<IfAddr>> {
        let answer = self.live.interface_addresses();
        if let SysCall::Done(all) = &answer {
            self.rec.interface_addresses(all);
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
