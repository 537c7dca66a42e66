//! The state directory (vardir) and what the agent keeps there: its DEVICEID and small
//! `key=value` state files, always written atomically (temporary file + rename), so a
//! kill at any moment leaves either the old or the new file, never half of one.
//!
//! The folder is private (`0700`) and so is every file in it (`0600`): pending
//! inventories, Deploy fragments and history are nobody else's business.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::config::Config;
use crate::fsutil;

pub const DEFAULT_VARDIR: &str = "/var/lib/ocsinventory-agent";

/// Writes `data` to `path` atomically: a private temporary file in the same directory,
/// created exclusively under a random name, flushed to disk, then renamed over the old
/// one (see [`fsutil`]: a link planted at `path` is replaced, never written through).
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(data))
}

/// Like [`write_atomic`], the content coming from `fill` as it is produced.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    fsutil::write_atomic_with(path, fill)
}

/// A small `key=value` file (one per line; values without newlines).
pub fn read_kv(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

pub fn write_kv(path: &Path, values: &BTreeMap<String, String>) -> std::io::Result<()> {
    let mut text = String::new();
    for (k, v) in values {
        text.push_str(&format!("{k}={}\n", v.replace('\n', " ")));
    }
    write_atomic(path, text.as_bytes())
}

/// Creates `dir` private (`0700`), or makes an existing one of this user private, and
/// says whether this process may write there.
fn is_writable_dir(dir: &Path) -> bool {
    if fsutil::make_private_dir(dir).is_err() {
        return false;
    }
    nix::unistd::access(dir, nix::unistd::AccessFlags::W_OK).is_ok()
}

/// The state directory: `vardir` when set, else the system one when writable, else a
/// per-user one (`$XDG_STATE_HOME` or `~/.local/state`), so a non-root run works.
pub fn vardir(config: &Config) -> Result<PathBuf, String> {
    if let Some(dir) = config.text("vardir") {
        let dir = PathBuf::from(dir);
        return if is_writable_dir(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "state directory {} is not writable (check vardir)",
                dir.display()
            ))
        };
    }
    let system = PathBuf::from(DEFAULT_VARDIR);
    if is_writable_dir(&system) {
        return Ok(system);
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .ok_or("no writable state directory: set vardir")?;
    let dir = base.join("ocsinventory-agent");
    if is_writable_dir(&dir) {
        Ok(dir)
    } else {
        Err(format!(
            "no writable state directory ({} nor {}): set vardir",
            DEFAULT_VARDIR,
            dir.display()
        ))
    }
}

/// The short host name (up to the first dot), as the DEVICEID and HARDWARE/NAME use it.
pub fn short_hostname(full: &str) -> String {
    let short = full.split('.').next().unwrap_or(full).trim();
    if short.is_empty() {
        "localhost".into()
    } else {
        short.to_string()
    }
}

/// A new DEVICEID: `<host>-YYYY-MM-DD-HH-MM-SS` in local time.
pub fn new_deviceid(hostname: &str) -> String {
    format!(
        "{}-{}",
        short_hostname(hostname),
        chrono::Local::now().format("%Y-%m-%d-%H-%M-%S")
    )
}

/// True when `id` has the shape the OCS server requires.
pub fn is_valid_deviceid(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() < 21 {
        return false;
    }
    let tail = &b[b.len() - 20..];
    let pattern = b"-dddd-dd-dd-dd-dd-dd";
    tail.iter().zip(pattern).all(|(c, p)| {
        if *p == b'd' {
            c.is_ascii_digit()
        } else {
            c == p
        }
    })
}

/// The agent's DEVICEID, created once and kept in `<vardir>/agent.state`.
///
/// A stored id whose host part no longer matches the host name is replaced (the
/// machine was renamed); the old one is kept as `old_deviceid` for the server.
pub fn deviceid(vardir: &Path, hostname: &str) -> Result<String, String> {
    let path = vardir.join("agent.state");
    let mut state = read_kv(&path);
    let host = short_hostname(hostname);
    if let Some(id) = state.get("deviceid") {
        if is_valid_deviceid(id) && id.starts_with(&format!("{host}-")) {
            return Ok(id.clone());
        }
        let old = id.clone();
        state.insert("old_deviceid".into(), old);
    }
    let id = new_deviceid(&host);
    state.insert("deviceid".into(), id.clone());
    write_kv(&path, &state).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn deviceid_is_stable_and_follows_renames() {
        let d = tmpdir("id");
        let a = deviceid(&d, "box.example.org").unwrap();
        assert!(a.starts_with("box-") && is_valid_deviceid(&a), "{a}");
        assert_eq!(deviceid(&d, "box").unwrap(), a);
        let b = deviceid(&d, "other").unwrap();
        assert!(b.starts_with("other-"));
        assert_eq!(
            read_kv(&d.join("agent.state")).get("old_deviceid"),
            Some(&a)
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn deviceid_shape() {
        assert!(is_valid_deviceid("h-2026-01-02-03-04-05"));
        assert!(!is_valid_deviceid("h-2026-01-02-03-04"));
        assert!(!is_valid_deviceid("-2026-01-02-03-04-05"));
    }

    #[test]
    fn state_files_and_folder_are_private() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let d = tmpdir("private");
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_writable_dir(&d));
        assert_eq!(std::fs::metadata(&d).unwrap().mode() & 0o777, 0o700);
        let p = d.join("server/f");
        write_atomic(&p, b"x").unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(d.join("server")).unwrap().mode() & 0o777,
            0o700
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn atomic_write_replaces() {
        let d = tmpdir("atomic");
        let p = d.join("f");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
