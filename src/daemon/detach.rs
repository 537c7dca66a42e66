//! Becoming a daemon: the PID file and the double fork.
//!
//! The PID file is locked (`flock`) for the daemon's whole life, so "is it running?" is
//! answered by the lock, not by guessing from a number: a PID file left by a crash (or
//! holding the PID of an unrelated process after a reboot) is stale exactly when nobody
//! holds its lock. It is checked *before* detaching, so `already running` reaches the
//! terminal with exit code 1, and written by the final process.
//!
//! `--daemon` without `--no-fork`: fork, `setsid`, fork again (the daemon can never
//! reacquire a terminal), `chdir /`, `umask 022`, standard streams on `/dev/null`. The
//! original process waits on a pipe until the daemon says it is up (or why it is not) and
//! exits 0 or 1 accordingly, so init scripts see start-up failures.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg, OFlag};
use nix::sys::stat::{umask, Mode};
use nix::unistd::{chdir, dup2, fork, setsid, ForkResult};

use crate::platform::fd::pipe2;

use crate::fsutil;

/// The locked PID file; removed when dropped.
pub struct PidFile {
    path: PathBuf,
    file: Flock<File>,
    owner: u32,
}

impl PidFile {
    /// Opens and locks `path`; fails when another daemon holds it.
    pub fn lock(path: &Path) -> Result<PidFile, String> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let file = open_pid_file(path)
            .map_err(|e| format!("cannot open PID file {}: {e}", path.display()))?;
        let read_pid = |mut f: &File| {
            let mut old = String::new();
            let _ = f.read_to_string(&mut old);
            old.trim().to_string()
        };
        let file = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(locked) => locked,
            Err((file, _)) => {
                let old = read_pid(&file);
                return Err(format!(
                    "already running (pid {}, PID file {})",
                    if old.is_empty() { "?" } else { &old },
                    path.display()
                ));
            }
        };
        let old = read_pid(&file);
        if !old.is_empty() {
            log::info!(
                "removing stale PID file {} (pid {old} is not running)",
                path.display()
            );
        }
        Ok(PidFile {
            path: path.to_path_buf(),
            file,
            owner: 0,
        })
    }

    /// Writes this process's PID into the file.
    pub fn write_pid(&mut self) -> Result<(), String> {
        let pid = std::process::id();
        let result = self
            .file
            .set_len(0)
            .and_then(|_| self.file.rewind())
            .and_then(|_| self.file.write_all(format!("{pid}\n").as_bytes()))
            .and_then(|_| self.file.flush());
        self.owner = pid;
        result.map_err(|e| format!("cannot write PID file {}: {e}", self.path.display()))
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // Only the process that wrote it removes it (not a forked-off intermediate).
        if self.owner == std::process::id() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The PID file, created exclusively (`0644`: anyone may read a PID) or, when one is
/// there already (a stale one, or a running daemon's), opened without following a
/// link and kept only if it is a regular file of this user with one name (`fsutil`):
/// a link planted at the PID file's path is refused, never written through.
fn open_pid_file(path: &Path) -> std::io::Result<File> {
    let mut last = std::io::Error::from(std::io::ErrorKind::NotFound);
    for _ in 0..3 {
        match fsutil::create_new(path, 0o644) {
            Ok(f) => return Ok(f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        match fsutil::open_existing(path) {
            Ok(f) => return Ok(f),
            // Removed between the two calls: try again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// The daemon's side of the start-up pipe.
pub struct Detached {
    report: Option<File>,
}

impl Detached {
    /// Nothing to report to (`--no-fork`).
    pub fn foreground() -> Detached {
        Detached { report: None }
    }

    /// Tells the waiting original process that start-up succeeded or why it failed.
    pub fn ready(&mut self, result: Result<(), &str>) {
        if let Some(mut f) = self.report.take() {
            let text = match result {
                Ok(()) => "ok".to_string(),
                Err(e) => e.to_string(),
            };
            let _ = f.write_all(text.as_bytes());
        }
    }
}

fn devnull_stdio() -> Result<(), String> {
    let null = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .map_err(|e| format!("cannot open /dev/null: {e}"))?;
    for fd in 0..3 {
        dup2(null.as_raw_fd(), fd).map_err(|e| format!("dup2: {e}"))?;
    }
    Ok(())
}

/// Detaches from the terminal. Returns in the daemon only; the original process exits
/// here with 0 once the daemon reported it is up, 1 otherwise. Call it before starting
/// any thread.
pub fn detach() -> Result<Detached, String> {
    let (ready_r, ready_w): (OwnedFd, OwnedFd) =
        pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
    // SAFETY: no other thread exists yet (documented precondition).
    match unsafe { fork() }.map_err(|e| format!("fork failed: {e}"))? {
        ForkResult::Parent { child } => {
            drop(ready_w);
            let mut text = String::new();
            let _ = File::from(ready_r).read_to_string(&mut text);
            let _ = nix::sys::wait::waitpid(child, None);
            if text == "ok" {
                std::process::exit(0);
            }
            if text.is_empty() {
                text = "the daemon exited during start-up (see the log)".into();
            }
            eprintln!("[core][ERROR] {text}");
            std::process::exit(1);
        }
        ForkResult::Child => {}
    }
    drop(ready_r);
    setsid().map_err(|e| format!("setsid: {e}"))?;
    // SAFETY: still single-threaded.
    match unsafe { fork() }.map_err(|e| format!("fork failed: {e}"))? {
        // SAFETY: _exit skips destructors that belong to the daemon (the PID file).
        ForkResult::Parent { .. } => unsafe { nix::libc::_exit(0) },
        ForkResult::Child => {}
    }
    chdir("/").map_err(|e| format!("chdir /: {e}"))?;
    umask(Mode::from_bits_truncate(0o022));
    devnull_stdio()?;
    Ok(Detached {
        report: Some(File::from(ready_w)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_refuses_a_second_holder_and_cleans_up() {
        let dir = std::env::temp_dir().join(format!("ocsa-pid-{}", std::process::id()));
        let path = dir.join("a.pid");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, "999999\n").unwrap(); // stale
        let mut first = PidFile::lock(&path).unwrap();
        first.write_pid().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim(),
            std::process::id().to_string()
        );
        let err = PidFile::lock(&path).err().unwrap();
        assert!(err.contains("already running"), "{err}");
        drop(first);
        assert!(!path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_link_at_the_pid_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("ocsa-pidlink-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let path = dir.join("a.pid");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        let err = PidFile::lock(&path).err().unwrap();
        assert!(err.contains("symbolic link"), "{err}");
        std::fs::remove_file(&path).unwrap();
        std::fs::hard_link(&victim, &path).unwrap();
        let err = PidFile::lock(&path).err().unwrap();
        assert!(err.contains("hard links"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
