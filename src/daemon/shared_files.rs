//! Files the daemon hands to peers, resolved so that nothing outside the shared folders
//! can ever be served.
//!
//! Two layouts:
//! - OCS fragments, `/?action=download&file=ID/ID-N`: a relative path under
//!   `$VARDIR/shared`;
//! - FusionInventory/GLPI Deploy parts, `/deploy/getFile/<c1>/<c1c2>/<sha512>`: the file
//!   `<c1>/<c2>/<c3…c8>` of any `$VARDIR/<target>/deploy/fileparts/shared/<expiry>/`
//!   folder whose SHA-512 is the one asked for (the layout of the Perl agents' datastore).
//!
//! The name is resolved beneath the shared folder in the same step that opens it: the
//! request is refused when it names an absolute path or a `..` component, then each
//! component is opened with `openat(2)` relative to the one before, with `O_NOFOLLOW`
//! (and `O_DIRECTORY` for the folders). No symbolic link is ever followed, at any depth,
//! so a folder swapped for a link between two requests — or during one — cannot lead
//! outside (a check on the path followed by an open of the path could: the first
//! version canonicalised then opened, and a racing swap got files out). The walk is
//! `platform::beneath`, the same on every system.
//!
//! Deploy parts are checked against their SHA-512 once: the result is kept per file
//! (device, inode, size, modification time) in a [`PartCache`], so a peer asking for a
//! large part again does not make the daemon's loop hash it again.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use sha2::Digest;

/// Deploy parts whose hash is remembered at most (past it the cache starts again).
const MAX_CACHED_PARTS: usize = 1024;

/// Why a file is not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The name points outside the shared folder (or is not a plain file name): 403.
    Outside,
    /// Nothing there: 404.
    Absent,
}

/// Opens `name` (a relative path such as `ID/ID-1`) under `root`.
pub fn open_under(root: &Path, name: &str) -> Result<(File, u64), Refusal> {
    if name.is_empty() || name.contains('\0') || name.contains('\\') {
        return Err(Refusal::Outside);
    }
    let relative = Path::new(name);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(Refusal::Outside);
    }
    // The root itself is the administrator's choice: it may be a link.
    let fd = crate::platform::beneath::open(root, relative, OFlag::O_NONBLOCK).map_err(refusal)?;
    let file = File::from(fd);
    let meta = file.metadata().map_err(|_| Refusal::Absent)?;
    if !meta.is_file() {
        return Err(Refusal::Absent);
    }
    Ok((file, meta.len()))
}

/// Why `platform::beneath::open` failed, as the peer is told.
fn refusal(e: Errno) -> Refusal {
    match e {
        // ENOTDIR: a file where a folder is expected.
        Errno::ENOENT | Errno::ENOTDIR => Refusal::Absent,
        // A link (ELOOP, EMLINK on FreeBSD), a name leaving the root (EXDEV)…
        _ => Refusal::Outside,
    }
}

/// A file's identity (device, inode) and its version (size, modification time).
type FileId = (u64, u64);
type FileVersion = (u64, i64, i64);

/// Deploy parts already checked against their SHA-512, by file identity.
#[derive(Debug, Default)]
pub struct PartCache {
    checked: RefCell<HashMap<FileId, (FileVersion, String)>>,
}

impl PartCache {
    fn key(meta: &std::fs::Metadata) -> (FileId, FileVersion) {
        (
            (meta.dev(), meta.ino()),
            (meta.len(), meta.mtime(), meta.mtime_nsec()),
        )
    }

    fn knows(&self, meta: &std::fs::Metadata, sha512: &str) -> bool {
        let (id, version) = Self::key(meta);
        self.checked
            .borrow()
            .get(&id)
            .is_some_and(|(v, h)| *v == version && h == sha512)
    }

    fn remember(&self, meta: &std::fs::Metadata, sha512: &str) {
        let (id, version) = Self::key(meta);
        let mut map = self.checked.borrow_mut();
        if map.len() >= MAX_CACHED_PARTS {
            map.clear();
        }
        map.insert(id, (version, sha512.to_string()));
    }
}

/// True for a SHA-512 written as 128 lower-case hexadecimal digits.
pub fn is_sha512(text: &str) -> bool {
    text.len() == 128
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sha512_hex(file: &mut File) -> Option<String> {
    let mut hasher = sha2::Sha512::new();
    let mut buf = [0u8; 8192];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    }
    Some(
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

/// The Deploy part with this SHA-512, from any target's shared datastore in `vardir`.
pub fn deploy_part(vardir: &Path, sha512: &str, cache: &PartCache) -> Result<(File, u64), Refusal> {
    if !is_sha512(sha512) {
        return Err(Refusal::Absent);
    }
    let name = format!("{}/{}/{}", &sha512[0..1], &sha512[1..2], &sha512[2..8]);
    let dirs = |p: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    for target_dir in dirs(vardir) {
        let shared = target_dir.join("deploy/fileparts/shared");
        for expiry in dirs(&shared) {
            let Ok((mut file, len)) = open_under(&expiry, &name) else {
                continue;
            };
            let Ok(meta) = file.metadata() else {
                continue;
            };
            if cache.knows(&meta, sha512) {
                return Ok((file, len));
            }
            if sha512_hex(&mut file).as_deref() != Some(sha512) {
                continue;
            }
            // Hashing read it to the end: back to the start for sending.
            if file.rewind().is_ok() {
                cache.remember(&meta, sha512);
                return Ok((file, len));
            }
        }
    }
    Err(Refusal::Absent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-shared-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("shared/ID")).unwrap();
        d
    }

    #[test]
    fn only_files_under_the_root() {
        let d = tmp("root");
        let root = d.join("shared");
        std::fs::write(root.join("ID/ID-1"), b"frag").unwrap();
        std::fs::write(d.join("secret"), b"no").unwrap();
        std::os::unix::fs::symlink(d.join("secret"), root.join("ID/link")).unwrap();
        std::os::unix::fs::symlink("ID-1", root.join("ID/inner")).unwrap();
        std::os::unix::fs::symlink(d.join("nowhere"), root.join("ID/dangling")).unwrap();
        assert_eq!(open_under(&root, "ID/ID-1").unwrap().1, 4);
        assert_eq!(open_under(&root, "./ID/ID-1").unwrap().1, 4);
        assert_eq!(open_under(&root, "ID/ID-2").unwrap_err(), Refusal::Absent);
        assert_eq!(open_under(&root, "ID").unwrap_err(), Refusal::Absent);
        for bad in [
            "../secret",
            "ID/../../secret",
            "/etc/passwd",
            "ID/link",
            "ID/inner",
            "ID/dangling",
            "",
            ".",
            "a\0b",
            "..\\secret",
        ] {
            assert_eq!(
                open_under(&root, bad).unwrap_err(),
                Refusal::Outside,
                "{bad}"
            );
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_folder_swapped_for_a_link_never_leads_outside() {
        // Issue #13: canonicalize-then-open followed a folder swapped in between
        // (239 of 5 000 racing requests got a file outside).
        let d = tmp("race");
        let root = d.join("shared");
        std::fs::write(root.join("ID/ID-1"), b"frag").unwrap();
        std::fs::create_dir_all(d.join("outside")).unwrap();
        std::fs::write(d.join("outside/ID-1"), b"SECRET").unwrap();
        std::os::unix::fs::symlink(d.join("outside"), root.join("link")).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let swapper = {
            let (root, stop) = (root.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // ID is a real folder, then (for a moment) the link to outside.
                    let _ = std::fs::rename(root.join("ID"), root.join("ID.real"));
                    let _ = std::fs::rename(root.join("link"), root.join("ID"));
                    let _ = std::fs::rename(root.join("ID"), root.join("link"));
                    let _ = std::fs::rename(root.join("ID.real"), root.join("ID"));
                }
            })
        };
        let mut served = 0;
        for _ in 0..5000 {
            if let Ok((mut f, _)) = open_under(&root, "ID/ID-1") {
                let mut text = String::new();
                f.read_to_string(&mut text).unwrap();
                assert_eq!(text, "frag", "a file outside the root was served");
                served += 1;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        swapper.join().unwrap();
        assert!(served > 0);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn deploy_parts_by_hash() {
        let d = tmp("deploy");
        let data = b"part";
        let sha: String = openssl::sha::sha512(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let dir = d.join(format!(
            "srv/deploy/fileparts/shared/1700000000/{}/{}",
            &sha[0..1],
            &sha[1..2]
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(&sha[2..8]), data).unwrap();
        let cache = PartCache::default();
        assert_eq!(deploy_part(&d, &sha, &cache).unwrap().1, 4);
        // Checked once, then served from the cache, from its first byte.
        assert!(cache.knows(&std::fs::metadata(dir.join(&sha[2..8])).unwrap(), &sha));
        let (mut f, _) = deploy_part(&d, &sha, &cache).unwrap();
        let mut back = Vec::new();
        f.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        // A changed file is hashed again (and refused when it no longer matches).
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join(&sha[2..8]), b"PART").unwrap();
        assert_eq!(deploy_part(&d, &sha, &cache).unwrap_err(), Refusal::Absent);
        let mut other = sha.clone().into_bytes();
        other[100] = if other[100] == b'0' { b'1' } else { b'0' };
        let other = String::from_utf8(other).unwrap();
        assert_eq!(
            deploy_part(&d, &other, &cache).unwrap_err(),
            Refusal::Absent
        );
        assert_eq!(
            deploy_part(&d, "../x", &cache).unwrap_err(),
            Refusal::Absent
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
