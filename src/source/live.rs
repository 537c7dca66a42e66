//! The live source: this machine's files and commands.

use std::time::Duration;

use std::os::unix::fs::MetadataExt;

use super::{command, Clock, FsStats, IfAddr, IfAddress, Output, Source, SysCall, Uname};

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
        use std::io::Read;
        let Ok(mut file) = std::fs::File::open(path) else {
            return false;
        };
        let mut emit = |line: &[u8]| match std::str::from_utf8(line) {
            Ok(text) => visit(text.trim_end_matches('\r')),
            Err(_) => visit(String::from_utf8_lossy(line).trim_end_matches('\r')),
        };
        // Lines are cut straight out of a 64 KiB buffer: no copy per line.
        let mut buf = vec![0u8; 64 * 1024];
        let (mut start, mut end) = (0, 0);
        loop {
            while let Some(pos) = buf[start..end].iter().position(|&b| b == b'\n') {
                emit(&buf[start..start + pos]);
                start += pos + 1;
            }
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
            if end == buf.len() {
                buf.resize(buf.len() * 2, 0); // a line longer than the buffer
            }
            match file.read(&mut buf[end..]) {
                Ok(0) => {
                    if end > 0 {
                        emit(&buf[..end]);
                    }
                    return true;
                }
                Ok(n) => end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
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

    /// Made in a thread of its own with the command time limit: `statvfs` on a dead
    /// network mount blocks, as `df` would (a stuck thread ends with the task).
    fn statvfs(&self, path: &str) -> SysCall<FsStats> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let owned = path.to_string();
        let call = move || {
            let _ = tx.send(nix::sys::statvfs::statvfs(owned.as_str()).ok());
        };
        let started = std::thread::Builder::new()
            .name("statvfs".into())
            .stack_size(64 * 1024)
            .spawn(call);
        if let Err(e) = started {
            log::debug!("statvfs {path}: cannot start a thread: {e}");
            return SysCall::Failed;
        }
        // The field types differ from one platform to another (`u32` on some 32-bit ones).
        #[allow(clippy::unnecessary_cast)]
        match rx.recv_timeout(self.command_timeout) {
            Ok(Some(s)) => SysCall::Done(FsStats {
                fragment_size: s.fragment_size() as u64,
                blocks: s.blocks() as u64,
                free: s.blocks_free() as u64,
                available: s.blocks_available() as u64,
            }),
            Ok(None) => SysCall::Failed,
            Err(_) => {
                log::warn!(
                    "statvfs {path}: no answer in {} s (a dead network mount?): left out",
                    self.command_timeout.as_secs()
                );
                SysCall::Failed
            }
        }
    }

    fn interface_addresses(&self) -> SysCall<Vec<IfAddr>> {
        let Ok(all) = nix::ifaddrs::getifaddrs() else {
            return SysCall::Failed;
        };
        let mut out = Vec::new();
        for a in all {
            let Some(addr) = a.address.as_ref() else {
                continue;
            };
            let address = if let Some(link) = addr.as_link_addr() {
                #[cfg(any(target_os = "linux", target_os = "android"))]
                let len = link.halen().min(6);
                #[cfg(not(any(target_os = "linux", target_os = "android")))]
                let len = 6;
                IfAddress::Link(link.addr().map_or(Vec::new(), |m| m[..len].to_vec()))
            } else if let Some(v4) = addr.as_sockaddr_in() {
                let v4_of = |s: &Option<nix::sys::socket::SockaddrStorage>| {
                    s.as_ref().and_then(|s| s.as_sockaddr_in()).map(|s| s.ip())
                };
                IfAddress::V4 {
                    address: v4.ip(),
                    netmask: v4_of(&a.netmask),
                    destination: v4_of(&a.destination).or_else(|| v4_of(&a.broadcast)),
                }
            } else if let Some(v6) = addr.as_sockaddr_in6() {
                IfAddress::V6 {
                    address: v6.ip(),
                    netmask: a
                        .netmask
                        .as_ref()
                        .and_then(|m| m.as_sockaddr_in6())
                        .map(|m| m.ip()),
                }
            } else {
                continue;
            };
            out.push(IfAddr {
                name: a.interface_name,
                flags: a.flags.bits() as u32,
                address,
            });
        }
        SysCall::Done(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_across_buffer_edges() {
        let dir = std::env::temp_dir().join(format!("ocsa-lines-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        // A 200 KB line, CRLF lines, invalid UTF-8, no final newline.
        let mut data = vec![b'x'; 200_000];
        data.extend_from_slice(b"\nab\r\n\xff\xfe ok\n\nlast");
        std::fs::write(&path, &data).unwrap();
        let live = Live::new(Duration::from_secs(1));
        let mut seen = Vec::new();
        assert!(live.for_each_line(path.to_str().unwrap(), &mut |l| seen.push(l.to_string())));
        assert_eq!(seen.len(), 5);
        assert_eq!(seen[0].len(), 200_000);
        assert_eq!(seen[1], "ab");
        assert!(seen[2].ends_with(" ok"));
        assert_eq!(seen[3], "");
        assert_eq!(seen[4], "last");
        assert!(!live.for_each_line("/nonexistent/x", &mut |_| {}));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn system_calls() {
        let live = Live::new(Duration::from_secs(5));
        match live.statvfs("/") {
            SysCall::Done(s) => assert!(s.blocks > 0 && s.fragment_size > 0 && s.free <= s.blocks),
            other => panic!("statvfs /: {other:?}"),
        }
        assert_eq!(live.statvfs("/nonexistent/x"), SysCall::Failed);
        let SysCall::Done(all) = live.interface_addresses() else {
            panic!("getifaddrs failed");
        };
        assert!(all.iter().any(|a| matches!(a.address,
            IfAddress::V4 { address, .. } if address.is_loopback())));
    }
}
