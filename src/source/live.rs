//! The live source: this machine's files and commands.

use std::time::Duration;

use std::os::unix::fs::MetadataExt;

use super::{command, Clock, Output, Source, Uname};

/// Reads the running system. Commands go through [`command::run`] with the
/// `backend-collect-timeout` limit.
pub struct Live {
    pub command_timeout: Duration,
}

impl Live {
    pub fn new(command_timeout: Duration) -> Live {
        Live { command_timeout }
    }
}

impl Source for Live {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(path).ok()
    }

    fn for_each_line(&self, path: &str, visit: &mut dyn FnMut(&str)) -> bool {
        use std::io::BufRead;
        let Ok(file) = std::fs::File::open(path) else {
            return false;
        };
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => return true,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line);
                    visit(text.trim_end_matches(['\n', '\r']));
                }
                Err(_) => return false,
            }
        }
    }

    fn read_tail(&self, path: &str, max: u64) -> Option<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = std::fs::File::open(path).ok()?;
        let len = f.metadata().ok()?.len();
        f.seek(SeekFrom::Start(len.saturating_sub(max))).ok()?;
        let mut buf = Vec::new();
        f.take(max).read_to_end(&mut buf).ok()?;
        Some(buf)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        super::sorted_names(path.as_ref())
    }

    fn read_link(&self, path: &str) -> Option<String> {
        std::fs::read_link(path)
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    fn run(&self, argv: &[&str]) -> Output {
        command::run(argv, self.command_timeout)
    }

    fn uname(&self) -> Uname {
        let u = nix::sys::utsname::uname();
        match u {
            Ok(u) => Uname {
                sysname: u.sysname().to_string_lossy().into_owned(),
                nodename: u.nodename().to_string_lossy().into_owned(),
                release: u.release().to_string_lossy().into_owned(),
                version: u.version().to_string_lossy().into_owned(),
                machine: u.machine().to_string_lossy().into_owned(),
            },
            Err(_) => Uname::default(),
        }
    }

    fn clock(&self) -> Clock {
        Clock::system()
    }

    fn mtime(&self, path: &str) -> Option<i64> {
        std::fs::metadata(path).ok().map(|m| m.mtime())
    }

    fn exists(&self, path: &str) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }
}
