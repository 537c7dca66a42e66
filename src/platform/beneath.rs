//! Opening a file beneath a folder without ever leaving it: the name is checked and
//! resolved in the same step, one component at a time, each opened with `openat(2)`
//! relative to the folder before it, with `O_NOFOLLOW` (and `O_DIRECTORY` for the
//! folders). No symbolic link is followed at any depth, so a folder swapped for a link
//! between two requests, or during one, cannot lead outside (a check of the path
//! followed by an open of the path could).
//!
//! The same code on every system, on purpose: Linux's `openat2(RESOLVE_BENEATH)` (5.6 and
//! later) and FreeBSD's `O_RESOLVE_BENEATH` (13 and later) resolve a whole path in one
//! call, but both follow a link that stays beneath the folder (Linux can refuse links
//! with `RESOLVE_NO_SYMLINKS`, FreeBSD cannot), and macOS, illumos, NetBSD and OpenBSD
//! have neither. `openat` and `O_NOFOLLOW` are POSIX: what this walk does, every system
//! does the same. A link met with `O_NOFOLLOW` is `ELOOP` on Linux, macOS, illumos and
//! OpenBSD, `EMLINK` on FreeBSD, `EFTYPE` on NetBSD.

use std::ffi::OsStr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Component, Path};

use nix::errno::Errno;
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::Mode;

/// Opens `relative` read-only beneath `root`, with `flags` added for the last component
/// (e.g. `O_NONBLOCK`, so that a FIFO cannot block the caller). `root` itself is the
/// caller's choice and may be a link. `EXDEV` when `relative` names no file beneath
/// `root` (absolute, a `..` component, nothing but `.`); a link on the way is the
/// system's `O_NOFOLLOW` error (see the module comment); otherwise the system's error
/// (`ENOENT`, `ENOTDIR`…).
pub fn open(root: &Path, relative: &Path, flags: OFlag) -> Result<OwnedFd, Errno> {
    let mut names: Vec<&OsStr> = Vec::new();
    for c in relative.components() {
        match c {
            Component::Normal(n) => names.push(n),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) | Component::ParentDir => {
                return Err(Errno::EXDEV)
            }
        }
    }
    let Some((last, folders)) = names.split_last() else {
        return Err(Errno::EXDEV);
    };
    let mut dir = open_at(None, root, OFlag::O_DIRECTORY)?;
    for name in folders {
        dir = open_at(Some(&dir), *name, OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW)?;
    }
    open_at(Some(&dir), *last, flags | OFlag::O_NOFOLLOW)
}

/// Opens `name` read-only relative to `dir` (or as a path when `None`), never as a
/// controlling terminal, never inherited by children.
fn open_at(
    dir: Option<&OwnedFd>,
    name: &(impl nix::NixPath + ?Sized),
    flags: OFlag,
) -> Result<OwnedFd, Errno> {
    let flags = flags | OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NOCTTY;
    let fd = openat(dir.map(|d| d.as_raw_fd()), name, flags, Mode::empty())?;
    // SAFETY: openat just returned this descriptor, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// True for the error `O_NOFOLLOW` gives on a link (see the module comment).
pub fn is_link(e: Errno) -> bool {
    #[cfg(target_os = "freebsd")]
    {
        e == Errno::EMLINK
    }
    #[cfg(target_os = "netbsd")]
    {
        e == Errno::EFTYPE
    }
    #[cfg(not(any(target_os = "freebsd", target_os = "netbsd")))]
    {
        e == Errno::ELOOP
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsinv-beneath-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("root/a/b")).unwrap();
        std::fs::write(d.join("root/a/b/f"), "inside").unwrap();
        std::fs::write(d.join("secret"), "outside").unwrap();
        d
    }

    fn read(fd: OwnedFd) -> String {
        let mut s = String::new();
        std::fs::File::from(fd).read_to_string(&mut s).unwrap();
        s
    }

    fn open_(root: &Path, rel: &str) -> Result<OwnedFd, Errno> {
        open(root, Path::new(rel), OFlag::empty())
    }

    #[test]
    fn plain_names_beneath_the_root_open() {
        let d = tmp("plain");
        let root = d.join("root");
        assert_eq!(read(open_(&root, "a/b/f").unwrap()), "inside");
        assert_eq!(read(open_(&root, "./a/./b/f").unwrap()), "inside");
        assert_eq!(open_(&root, "a/b/missing").unwrap_err(), Errno::ENOENT);
        assert_eq!(open_(&root, "a/b/f/g").unwrap_err(), Errno::ENOTDIR);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn dot_dot_and_absolute_names_are_refused_before_any_open() {
        let d = tmp("dotdot");
        let root = d.join("root");
        for name in [
            "../secret",
            "a/../../secret",
            "a/b/../f",
            "/etc/passwd",
            ".",
            "",
        ] {
            assert_eq!(open_(&root, name).unwrap_err(), Errno::EXDEV, "{name}");
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn no_link_is_followed_at_any_depth() {
        let d = tmp("links");
        let root = d.join("root");
        // The last component, a folder on the way, a link that stays beneath: all refused.
        symlink(d.join("secret"), root.join("a/out")).unwrap();
        symlink(&d, root.join("a/up")).unwrap();
        symlink("b/f", root.join("a/in")).unwrap();
        symlink("b", root.join("a/bb")).unwrap();
        for name in ["a/out", "a/up/secret", "a/in", "a/bb/f"] {
            let e = open_(&root, name).unwrap_err();
            // A link where a folder is expected: ENOTDIR on some systems with O_DIRECTORY.
            assert!(is_link(e) || e == Errno::ENOTDIR, "{name}: {e}");
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn the_root_itself_may_be_a_link() {
        let d = tmp("rootlink");
        symlink(d.join("root"), d.join("shared")).unwrap();
        assert_eq!(read(open_(&d.join("shared"), "a/b/f").unwrap()), "inside");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_fifo_does_not_block_with_o_nonblock() {
        let d = tmp("fifo");
        let root = d.join("root");
        nix::unistd::mkfifo(&root.join("a/p"), Mode::S_IRUSR | Mode::S_IWUSR).unwrap();
        // Without a writer, a blocking open would wait forever.
        assert!(open(&root, Path::new("a/p"), OFlag::O_NONBLOCK).is_ok());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
