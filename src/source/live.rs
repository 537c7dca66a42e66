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
}
