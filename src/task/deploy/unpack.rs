//! Unpacking a package into its work folder, in-process and entry by entry.
//!
//! This runs as root on data from the network, so every entry is judged before a byte
//! of it is written (a `tar -xzf` would write first):
//! - its name must be relative and made of plain components: an absolute name, a `..`
//!   anywhere, a NUL or a backslash refuses the whole archive;
//! - nothing is ever written through a symbolic link: every folder on the way must be a
//!   real folder (checked with `lstat`), and files are created with `O_NOFOLLOW`;
//! - a symbolic link entry is kept only when its target is relative and goes down
//!   (no `..`, not absolute): such a link can only name something inside the folder it
//!   sits in, and so can a chain of them; a hard link must name an earlier entry;
//! - devices, FIFOs and other special entries are refused;
//! - modes keep the permission bits only (no set-uid, set-gid or sticky bit); owners
//!   are not restored, so every file belongs to the agent;
//! - limits on the entry count and the unpacked size stop a decompression bomb, and a
//!   write error (full disk) fails the unpacking.
//!
//! Any refusal fails the package (`ERR_BUILD`) and the caller removes the work folder:
//! a half-unpacked package is never run.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// Most entries in one archive.
pub const MAX_ENTRIES: u64 = 200_000;

/// The archive formats packages come in, told by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    TarGz,
    Zip,
    /// A tar without compression (GLPI Deploy files may be).
    Tar,
}

/// Bytes [`Format::sniff`] needs to tell a plain tar (its `ustar` magic).
pub const SNIFF_LEN: usize = 262;

impl Format {
    pub fn sniff(head: &[u8]) -> Option<Format> {
        match head {
            [0x1f, 0x8b, ..] => Some(Format::TarGz),
            [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Some(Format::Zip),
            _ if head.get(257..262) == Some(b"ustar") => Some(Format::Tar),
            _ => None,
        }
    }
}

/// What was unpacked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
}

/// The checked, relative form of an entry name: plain components only.
pub fn safe_relative(name: &str) -> Result<PathBuf, String> {
    if name.contains('\0') || name.contains('\\') {
        return Err(format!(
            "entry '{}' has a NUL or a backslash",
            name.escape_debug()
        ));
    }
    let mut out = PathBuf::new();
    for c in Path::new(name).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => return Err(format!("entry '{name}' climbs out with '..'")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!("entry '{name}' is an absolute path"))
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(format!("entry '{name}' has no name"));
    }
    Ok(out)
}

/// A symbolic link target that can only point down from the link's folder.
fn safe_link_target(name: &Path, target: &Path) -> Result<(), String> {
    let ok = !target.as_os_str().is_empty()
        && target
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "entry '{}' is a symbolic link to '{}', which may leave the work folder",
            name.display(),
            target.display()
        ))
    }
}

/// Where an unpacked entry goes.
struct Dest<'a> {
    root: &'a Path,
    max_bytes: u64,
    stats: Stats,
}

impl Dest<'_> {
    /// Creates the folders of `rel`'s parent, refusing any that exists as something else
    /// than a real folder (a symbolic link above all).
    fn parents(&self, rel: &Path) -> Result<PathBuf, String> {
        let mut dir = self.root.to_path_buf();
        if let Some(parent) = rel.parent() {
            for c in parent.components() {
                dir.push(c);
                self.real_dir(&dir)?;
            }
        }
        Ok(self.root.join(rel))
    }

    fn real_dir(&self, dir: &Path) -> Result<(), String> {
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(format!(
                "'{}' is in the way: not a real folder (a link?)",
                self.shown(dir)
            )),
            Err(_) => std::fs::create_dir(dir)
                .map_err(|e| format!("cannot create {}: {e}", self.shown(dir))),
        }
    }

    fn shown(&self, p: &Path) -> String {
        p.strip_prefix(self.root).unwrap_or(p).display().to_string()
    }

    fn dir(&mut self, rel: &Path) -> Result<(), String> {
        let path = self.parents(rel)?;
        self.real_dir(&path)
    }

    /// Removes what an earlier entry of the same name left (never following a link).
    fn clear(&self, path: &Path) -> Result<(), String> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => Err(format!("'{}' is already a folder", self.shown(path))),
            Ok(_) => std::fs::remove_file(path)
                .map_err(|e| format!("cannot replace {}: {e}", self.shown(path))),
            Err(_) => Ok(()),
        }
    }

    fn file(&mut self, rel: &Path, mode: u32, data: &mut dyn Read) -> Result<(), String> {
        self.stats.files += 1;
        if self.stats.files > MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} entries"));
        }
        let path = self.parents(rel)?;
        self.clear(&path)?;
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", self.shown(&path)))?;
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match data.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("archive damaged at {}: {e}", rel.display())),
            };
            self.stats.bytes += n as u64;
            if self.stats.bytes > self.max_bytes {
                return Err(format!(
                    "unpacks to more than {} MB (deploy-max-size)",
                    self.max_bytes >> 20
                ));
            }
            out.write_all(&buf[..n])
                .map_err(|e| format!("cannot write {}: {e}", self.shown(&path)))?;
        }
        out.set_permissions(std::fs::Permissions::from_mode(mode & 0o777))
            .map_err(|e| format!("cannot set the mode of {}: {e}", self.shown(&path)))?;
        Ok(())
    }

    fn symlink(&mut self, rel: &Path, target: &Path) -> Result<(), String> {
        safe_link_target(rel, target)?;
        let path = self.parents(rel)?;
        self.clear(&path)?;
        std::os::unix::fs::symlink(target, &path)
            .map_err(|e| format!("cannot create the link {}: {e}", self.shown(&path)))
    }

    fn hardlink(&mut self, rel: &Path, target: &Path) -> Result<(), String> {
        let existing = self.parents(target)?;
        match std::fs::symlink_metadata(&existing) {
            Ok(m) if m.is_file() => {}
            _ => {
                return Err(format!(
                    "entry '{}' is a hard link to '{}', which is not an earlier file",
                    rel.display(),
                    target.display()
                ))
            }
        }
        let path = self.parents(rel)?;
        self.clear(&path)?;
        std::fs::hard_link(&existing, &path)
            .map_err(|e| format!("cannot create the link {}: {e}", self.shown(&path)))
    }
}

/// Unpacks a tar.gz stream into `root` (an existing, empty folder).
pub fn tar_gz(reader: impl Read, root: &Path, max_bytes: u64) -> Result<Stats, String> {
    tar_stream(flate2::read::GzDecoder::new(reader), root, max_bytes)
}

/// Unpacks a tar stream into `root` (an existing, empty folder).
pub fn tar_stream(reader: impl Read, root: &Path, max_bytes: u64) -> Result<Stats, String> {
    let mut archive = tar::Archive::new(reader);
    let mut dest = Dest {
        root,
        max_bytes,
        stats: Stats::default(),
    };
    let entries = archive
        .entries()
        .map_err(|e| format!("not a tar.gz archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("archive damaged: {e}"))?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let rel = safe_relative(&raw)?;
        let kind = entry.header().entry_type();
        let mode = entry.header().mode().unwrap_or(0o644);
        match kind {
            tar::EntryType::Directory => dest.dir(&rel)?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                dest.file(&rel, mode, &mut entry)?
            }
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name()
                    .map_err(|e| format!("archive damaged: {e}"))?
                    .ok_or_else(|| format!("link '{raw}' has no target"))?
                    .into_owned();
                dest.symlink(&rel, &target)?
            }
            tar::EntryType::Link => {
                let target = entry
                    .link_name_bytes()
                    .ok_or_else(|| format!("link '{raw}' has no target"))?;
                let target = safe_relative(&String::from_utf8_lossy(&target))?;
                dest.hardlink(&rel, &target)?
            }
            // Metadata entries the tar crate already applied to the next entry.
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => {}
            other => {
                return Err(format!(
                    "entry '{raw}' is a special file ({other:?}), refused"
                ))
            }
        }
    }
    Ok(dest.stats)
}

/// Unpacks the zip file `archive` into `root`.
pub fn zip(archive: &Path, root: &Path, max_bytes: u64) -> Result<Stats, String> {
    let file = std::fs::File::open(archive)
        .map_err(|e| format!("cannot read {}: {e}", archive.display()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("not a zip archive: {e}"))?;
    if zip.len() as u64 > MAX_ENTRIES {
        return Err(format!("more than {MAX_ENTRIES} entries"));
    }
    let mut dest = Dest {
        root,
        max_bytes,
        stats: Stats::default(),
    };
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("archive damaged: {e}"))?;
        let raw = entry.name().to_string();
        let rel = safe_relative(&raw)?;
        let mode = entry.unix_mode().unwrap_or(0o644);
        const S_IFMT: u32 = 0o170000;
        match mode & S_IFMT {
            0o120000 => {
                let mut target = String::new();
                (&mut entry)
                    .take(4096)
                    .read_to_string(&mut target)
                    .map_err(|e| format!("archive damaged at {raw}: {e}"))?;
                dest.symlink(&rel, Path::new(&target))?;
            }
            _ if entry.is_dir() => dest.dir(&rel)?,
            0 | 0o100000 => dest.file(&rel, mode, &mut entry)?,
            _ => return Err(format!("entry '{raw}' is a special file, refused")),
        }
    }
    Ok(dest.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-unpack-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("root")).unwrap();
        d
    }

    /// A tar.gz built header by header, so that hostile names can be written.
    /// name, kind, data, link target
    type Entry<'a> = (&'a str, tar::EntryType, &'a [u8], &'a str);

    fn tar_gz_of(entries: &[Entry]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        for (name, kind, data, link) in entries {
            let mut h = tar::Header::new_gnu();
            // set_path refuses '..': write the raw name bytes instead
            let raw = &mut h.as_old_mut().name;
            raw[..name.len()].copy_from_slice(name.as_bytes());
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o4755);
            if !link.is_empty() {
                let l = &mut h.as_old_mut().linkname;
                l[..link.len()].copy_from_slice(link.as_bytes());
            }
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn a_plain_archive_unpacks_without_setuid() {
        let d = tmp("plain");
        let data = tar_gz_of(&[
            ("dir/", tar::EntryType::Directory, b"", ""),
            ("dir/a.sh", tar::EntryType::Regular, b"echo hi\n", ""),
            ("./b.txt", tar::EntryType::Regular, b"b", ""),
            ("dir/link", tar::EntryType::Symlink, b"", "a.sh"),
            ("hard", tar::EntryType::Link, b"", "b.txt"),
        ]);
        let s = tar_gz(&data[..], &d.join("root"), 1 << 20).unwrap();
        assert_eq!(s.files, 2);
        let meta = std::fs::metadata(d.join("root/dir/a.sh")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o755);
        assert_eq!(
            std::fs::read(d.join("root/dir/link")).unwrap(),
            b"echo hi\n"
        );
        assert_eq!(std::fs::read(d.join("root/hard")).unwrap(), b"b");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn escaping_entries_are_refused_and_nothing_lands_outside() {
        let cases: Vec<Vec<Entry>> = vec![
            vec![("../evil", tar::EntryType::Regular, b"x", "")],
            vec![("a/../../evil", tar::EntryType::Regular, b"x", "")],
            vec![("/tmp/evil-abs", tar::EntryType::Regular, b"x", "")],
            vec![("out", tar::EntryType::Symlink, b"", "/etc")],
            vec![("out", tar::EntryType::Symlink, b"", "../..")],
            vec![("out", tar::EntryType::Symlink, b"", "a/../../x")],
            // a link to an inside folder, then a file written through it
            vec![
                ("sub/", tar::EntryType::Directory, b"", ""),
                ("l", tar::EntryType::Symlink, b"", "sub"),
                ("l/evil", tar::EntryType::Regular, b"x", ""),
            ],
            vec![("h", tar::EntryType::Link, b"", "../../etc/passwd")],
            vec![("h", tar::EntryType::Link, b"", "missing")],
            vec![("dev", tar::EntryType::Char, b"", "")],
            vec![("fifo", tar::EntryType::Fifo, b"", "")],
        ];
        for (i, entries) in cases.iter().enumerate() {
            let d = tmp(&format!("evil{i}"));
            let data = tar_gz_of(entries);
            let err = tar_gz(&data[..], &d.join("root"), 1 << 20).unwrap_err();
            assert!(!err.is_empty());
            assert!(!d.join("evil").exists(), "case {i}");
            assert!(!d.join("root/sub/evil").exists(), "case {i}: {err}");
            std::fs::remove_dir_all(&d).unwrap();
        }
        assert!(!Path::new("/tmp/evil-abs").exists());
    }

    #[test]
    fn bombs_and_garbage_fail() {
        let d = tmp("bomb");
        let big = vec![0u8; 3 << 20];
        let data = tar_gz_of(&[("big", tar::EntryType::Regular, &big, "")]);
        let err = tar_gz(&data[..], &d.join("root"), 1 << 20).unwrap_err();
        assert!(err.contains("more than"), "{err}");
        // a truncated archive
        let ok = tar_gz_of(&[("f", tar::EntryType::Regular, &big[..100_000], "")]);
        let cut = &ok[..ok.len() / 2];
        std::fs::remove_dir_all(d.join("root")).unwrap();
        std::fs::create_dir(d.join("root")).unwrap();
        assert!(tar_gz(cut, &d.join("root"), 1 << 20).is_err());
        assert!(tar_gz(&b"not an archive"[..], &d.join("root"), 1 << 20).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }

    fn zip_of(entries: &[(&str, u32, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, mode, data) in entries {
            let opts = zip::write::SimpleFileOptions::default().unix_permissions(*mode);
            if mode & 0o170000 == 0o120000 {
                w.add_symlink(*name, std::str::from_utf8(data).unwrap(), opts)
                    .unwrap();
            } else {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_archives_good_and_evil() {
        let d = tmp("zip");
        let good = zip_of(&[("a/run.sh", 0o755, b"echo ok")]);
        assert_eq!(Format::sniff(&good), Some(Format::Zip));
        std::fs::write(d.join("good.zip"), &good).unwrap();
        assert_eq!(
            zip(&d.join("good.zip"), &d.join("root"), 1 << 20)
                .unwrap()
                .files,
            1
        );
        assert_eq!(std::fs::read(d.join("root/a/run.sh")).unwrap(), b"echo ok");
        for (i, evil) in [
            zip_of(&[("../evil", 0o644, b"x")]),
            zip_of(&[("/tmp/evil-zip", 0o644, b"x")]),
            zip_of(&[("l", 0o120777, b"/etc")]),
            zip_of(&[("l", 0o120777, b"../../x")]),
        ]
        .iter()
        .enumerate()
        {
            let root = d.join(format!("r{i}"));
            std::fs::create_dir(&root).unwrap();
            std::fs::write(d.join("evil.zip"), evil).unwrap();
            assert!(
                zip(&d.join("evil.zip"), &root, 1 << 20).is_err(),
                "case {i}"
            );
            assert!(!d.join("evil").exists());
        }
        assert!(!Path::new("/tmp/evil-zip").exists());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
