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
//! The check is done on the real path: the request is refused when it names an absolute
//! path or a `..` component, then the candidate is canonicalised (symbolic links
//! resolved) and must still lie under the canonical shared folder; it is finally opened
//! with `O_NOFOLLOW`, so a link swapped in after the check is refused too.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use sha2::Digest;

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
    let root = root.canonicalize().map_err(|_| Refusal::Absent)?;
    let candidate = root.join(relative);
    let real = match candidate.canonicalize() {
        Ok(p) => p,
        // A dangling symbolic link may point anywhere: only a missing name is "absent".
        Err(_) if candidate.symlink_metadata().is_ok() => return Err(Refusal::Outside),
        Err(_) => return Err(Refusal::Absent),
    };
    if !real.starts_with(&root) || real == root {
        return Err(Refusal::Outside);
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(&real)
        .map_err(|_| Refusal::Outside)?;
    let meta = file.metadata().map_err(|_| Refusal::Absent)?;
    if !meta.is_file() {
        return Err(Refusal::Absent);
    }
    Ok((file, meta.len()))
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
pub fn deploy_part(vardir: &Path, sha512: &str) -> Result<(File, u64), Refusal> {
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
            let Ok((mut file, _)) = open_under(&expiry, &name) else {
                continue;
            };
            if sha512_hex(&mut file).as_deref() != Some(sha512) {
                continue;
            }
            // Hashing read it to the end: open it again for sending.
            if let Ok(found) = open_under(&expiry, &name) {
                return Ok(found);
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
        assert_eq!(open_under(&root, "ID/inner").unwrap().1, 4);
        assert_eq!(open_under(&root, "ID/ID-2").unwrap_err(), Refusal::Absent);
        assert_eq!(open_under(&root, "ID").unwrap_err(), Refusal::Absent);
        for bad in [
            "../secret",
            "ID/../../secret",
            "/etc/passwd",
            "ID/link",
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
        assert_eq!(deploy_part(&d, &sha).unwrap().1, 4);
        let mut other = sha.clone().into_bytes();
        other[100] = if other[100] == b'0' { b'1' } else { b'0' };
        let other = String::from_utf8(other).unwrap();
        assert_eq!(deploy_part(&d, &other).unwrap_err(), Refusal::Absent);
        assert_eq!(deploy_part(&d, "../x").unwrap_err(), Refusal::Absent);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
