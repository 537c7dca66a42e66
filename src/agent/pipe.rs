//! The read end of a child's pipe, read as it fills without ever blocking, until the
//! child closes it: how the daemon's loop collects a task's report or a helper's answer.

use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use nix::fcntl::{fcntl, FcntlArg, OFlag};

/// A non-blocking pipe and what came through it so far.
pub struct PipeReader {
    file: std::fs::File,
    buf: Vec<u8>,
    cap: usize,
    ended: bool,
}

impl PipeReader {
    /// Reads `fd` from now on; more than `cap` bytes counts as the end (garbage).
    pub fn new(fd: OwnedFd, cap: usize) -> PipeReader {
        let _ = fcntl(fd.as_raw_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
        PipeReader {
            file: std::fs::File::from(fd),
            buf: Vec::new(),
            cap,
            ended: false,
        }
    }

    /// The pipe, for `poll(2)`.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }

    /// Reads what is there; true once the writer closed its end (or wrote too much).
    pub fn read_ready(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        while !self.ended {
            match self.file.read(&mut chunk) {
                Ok(0) => self.ended = true,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    self.ended = self.buf.len() > self.cap;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(_) => self.ended = true,
            }
        }
        self.ended
    }

    /// True once the writer is done.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// What came through, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_until_the_writer_closes() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut p = PipeReader::new(r, 1 << 20);
        assert!(!p.read_ready(), "nothing yet, writer open");
        nix::unistd::write(&w, b"status=ok\n").unwrap();
        assert!(!p.read_ready());
        drop(w);
        assert!(p.read_ready());
        assert_eq!(p.text(), "status=ok\n");
    }

    #[test]
    fn too_much_counts_as_the_end() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut p = PipeReader::new(r, 8);
        nix::unistd::write(&w, b"0123456789").unwrap();
        assert!(p.read_ready());
    }
}
