//! Creating files where somebody else may also write: the one way the agent makes files.
//!
//! The agent runs as root and writes where it is told: `--local /tmp/scan.xml`, a log
//! file, a PID file, state files. In a folder another user can write to (`/tmp`, a home
//! folder), that user can plant a symbolic link (or a hard link) named like the file the
//! agent is about to write, and have root write over `/etc/shadow`. The kernel's
//! `fs.protected_symlinks` does not help when it is off (FreeBSD, some containers) nor
//! when the folder belongs to that user. So here:
//! - a new file is created exclusively (`O_CREAT|O_EXCL`, which never follows a link)
//!   with `O_NOFOLLOW`, under a name nobody can predict (random, not the PID), then
//!   renamed over the target: `rename(2)` replaces a planted link, never writes through it;
//! - a file the agent appends to or locks (log, PID file) is opened with `O_NOFOLLOW`
//!   and kept only if it is a regular file with one link, owned by this user;
//! - what the agent creates is private: files `0600`, folders `0700`, whatever the umask
//!   (commands the agent runs keep the umask they inherited).
//!
//! Bottom layer: only `std` and `nix`, so every layer may use it.

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Mode of the files the agent creates.
pub const PRIVATE_FILE: u32 = 0o600;
/// Mode of the folders the agent creates.
pub const PRIVATE_DIR: u32 = 0o700;

/// Tries at a fresh temporary name before giving up (each one is 64 random bits: a
/// collision means somebody is planting names, or the folder is broken).
const TEMP_TRIES: usize = 8;

/// 16 hex digits nobody can predict. `RandomState` is seeded from the system's random
/// source (getrandom, arc4random) once per thread and moves on for every new one; the
/// time and a counter keep two calls apart.
pub fn random_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// Creates `path` exclusively, for reading and writing: fails when anything (a file, a
/// link, a FIFO) is already there, and never follows a link.
pub fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
        .open(path)
}

/// Creates `dir` and its missing parents, the new ones `0700`.
pub fn create_dir_private(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR)
        .create(dir)
}

/// Makes `dir` (created when missing) private: an existing folder of this user loses
/// its group and other permissions, unless it is a shared one (sticky bit, as `/tmp`)
/// or belongs to somebody else (then it is left as it is).
pub fn make_private_dir(dir: &Path) -> io::Result<()> {
    create_dir_private(dir)?;
    let meta = std::fs::metadata(dir)?;
    let mode = meta.mode();
    if meta.uid() == nix::unistd::geteuid().as_raw() && mode & 0o1000 == 0 && mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o7700))?;
    }
    Ok(())
}

/// A new file beside `path` (same folder, so a rename is atomic), exclusively created
/// under a random hidden name: `.<name>.tmp<random>`.
pub fn temp_beside(path: &Path, mode: u32) -> io::Result<(File, PathBuf)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..TEMP_TRIES {
        let tmp = dir.join(format!(".{name}.tmp{}", random_suffix()));
        match create_new(&tmp, mode) {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Writes `path` atomically with what `fill` produces: a new private file beside it,
/// flushed to disk, then renamed over whatever was there (a planted link included, which
/// is replaced, not followed). The folder is created (private) when missing.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir_private(dir)?;
    }
    let (file, tmp) = temp_beside(path, PRIVATE_FILE)?;
    let result = (|| {
        let mut f = io::BufWriter::new(file);
        fill(&mut f)?;
        let f = f.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A new, empty private file at `path` that the caller goes on writing (a stream of
/// messages): created beside it under a random name, then renamed there at once, so
/// whatever was at `path` (a link, another user's file) is replaced, never written
/// through.
pub fn replace_with_new(path: &Path) -> io::Result<File> {
    let (file, tmp) = temp_beside(path, PRIVATE_FILE)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(path);
    Ok(file)
}

fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Checks that an opened file is one the agent may write to: a regular file, with one
/// name only (not a hard link to a file elsewhere), owned by this user.
pub fn check_own_file(file: &File, path: &Path) -> io::Result<()> {
    let meta = file.metadata()?;
    let why = if !meta.file_type().is_file() {
        "is not a regular file"
    } else if meta.nlink() > 1 {
        "has other names (hard links)"
    } else if meta.uid() != nix::unistd::geteuid().as_raw() {
        "belongs to another user"
    } else {
        return Ok(());
    };
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{} {why}: not written", path.display()),
    ))
}

/// Opens `path` for appending (a log file): created private when missing; an existing
/// one is kept only when [`check_own_file`] accepts it, and a link is never followed.
pub fn open_append(path: &Path) -> io::Result<File> {
    open_checked(
        OpenOptions::new()
            .append(true)
            .create(true)
            .mode(PRIVATE_FILE),
        path,
    )
}

/// Opens an existing `path` for reading and writing (a PID file), under the same rules
/// as [`open_append`].
pub fn open_existing(path: &Path) -> io::Result<File> {
    open_checked(OpenOptions::new().read(true).write(true), path)
}

/// Opens `path` with `options`, never through a link and never hanging on a planted FIFO,
/// then keeps it only when [`check_own_file`] accepts it.
fn open_checked(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    let file = options
        // O_NONBLOCK: opening a FIFO planted there must not hang (it is refused below).
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC | nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| explain_link(e, path))?;
    check_own_file(&file, path)?;
    clear_nonblock(&file);
    Ok(file)
}

fn clear_nonblock(file: &File) {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    use std::os::fd::AsRawFd;
    if let Ok(flags) = fcntl(file.as_raw_fd(), FcntlArg::F_GETFL) {
        let flags = OFlag::from_bits_truncate(flags) - OFlag::O_NONBLOCK;
        let _ = fcntl(file.as_raw_fd(), FcntlArg::F_SETFL(flags));
    }
}

/// `O_NOFOLLOW` on a link fails with `ELOOP` ("too many levels of symbolic links"):
/// say what it means.
fn explain_link(e: io::Error, path: &Path) -> io::Error {
    if e.raw_os_error() == Some(nix::libc::ELOOP) {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is a symbolic link: not followed", path.display()),
        )
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-fsutil-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn suffixes_differ_and_are_not_the_pid() {
        let a = random_suffix();
        let b = random_suffix();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
    }

    #[test]
    fn atomic_write_replaces_a_link_and_never_writes_through_it() {
        let d = tmpdir("atomic");
        let victim = d.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let out = d.join("out");
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write_atomic_with(&out, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let meta = std::fs::symlink_metadata(&out).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        // Nothing left behind but the two files.
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 2);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_stream_file_replaces_what_was_there() {
        let d = tmpdir("stream");
        let victim = d.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let out = d.join("scan.xml");
        std::fs::hard_link(&victim, &out).unwrap();
        let mut f = replace_with_new(&out).unwrap();
        f.write_all(b"<a/>").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "<a/>");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn append_refuses_links_hard_links_and_fifos() {
        let d = tmpdir("append");
        let victim = d.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let soft = d.join("soft.log");
        std::os::unix::fs::symlink(&victim, &soft).unwrap();
        let e = open_append(&soft).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        let hard = d.join("hard.log");
        std::fs::hard_link(&victim, &hard).unwrap();
        let e = open_append(&hard).unwrap_err().to_string();
        assert!(e.contains("hard links"), "{e}");
        let fifo = d.join("fifo.log");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        // Refused without blocking: ENXIO (no reader), or not a regular file.
        assert!(open_append(&fifo).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let log = d.join("new.log");
        let mut f = open_append(&log).unwrap();
        f.write_all(b"x\n").unwrap();
        assert_eq!(std::fs::metadata(&log).unwrap().mode() & 0o777, 0o600);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn private_dirs() {
        let d = tmpdir("dirs");
        let deep = d.join("a/b");
        create_dir_private(&deep).unwrap();
        assert_eq!(std::fs::metadata(&deep).unwrap().mode() & 0o777, 0o700);
        let open = d.join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        make_private_dir(&open).unwrap();
        assert_eq!(std::fs::metadata(&open).unwrap().mode() & 0o7777, 0o700);
        let shared = d.join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        make_private_dir(&shared).unwrap();
        assert_eq!(std::fs::metadata(&shared).unwrap().mode() & 0o7777, 0o1777);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
