//! Recordings assembled from the shared fixture corpus, for `--replay` tests of operating
//! systems we have no machine of (AIX, HP-UX, Solaris, macOS).
//!
//! The fixtures are never copied into this repository: a snapshot folder under
//! `t/snapshots/<name>/` holds only our own files (`uname`, `clock`, `deviceid`, …) and a
//! manifest, `from-fixtures.txt`, whose lines say where each recorded file comes from:
//! `<path in the recording> <- <path under the corpus>` (blank lines and `#` comments
//! allowed), e.g. `commands/lsdev -Cc adapter -F name:type:description <- aix_lsdev_adapters/aix-5.3/input.lsdev`.
//! [`assemble`] builds the real recording in a temporary folder.

use std::fs;
use std::path::{Path, PathBuf};

/// The manifest's name inside a snapshot folder.
pub const MANIFEST: &str = "from-fixtures.txt";

/// `t/snapshots/<name>` of this repository.
pub fn snapshot_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("t/snapshots")
        .join(name)
}

/// Copies the snapshot's own files (all but the manifest) into `out`, then every manifest
/// entry from `corpus`. An error names the line or the file that is missing.
pub fn assemble(snapshot: &Path, corpus: &Path, out: &Path) -> Result<(), String> {
    copy_tree(snapshot, out, true)?;
    let manifest = snapshot.join(MANIFEST);
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (to, from) = line
            .split_once(" <- ")
            .ok_or_else(|| format!("{}:{}: no ` <- ` in {line:?}", manifest.display(), n + 1))?;
        let src = corpus.join(from.trim());
        let dst = out.join(to.trim());
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, top: bool) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if top && name == MANIFEST {
            continue;
        }
        let dst = to.join(&name);
        if path.is_dir() {
            copy_tree(&path, &dst, false)?;
        } else {
            fs::copy(&path, &dst).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}
