//! A Deploy job's files: parts fetched (peers, then mirrors), each checked against its
//! SHA-512 before it is kept, kept in the datastore, then joined into the work folder
//! and checked whole before anything is unpacked.
//!
//! Datastore (the Perl agents' layout, which the daemon serves to peers from the
//! `shared` side): `<server dir>/deploy/fileparts/{shared|private}/<expiry>/<c1>/<c2>/
//! <c3…c8>` where `cN` are the part's SHA-512 digits and `<expiry>` the Unix minute
//! after which the part may go. Parts are gzip streams; each is decompressed on the way
//! into `workdir/<name>` and the whole file's SHA-512 must be the file's key.

use std::io::{Read, Write};
use std::net::SocketAddrV4;
use std::path::{Path, PathBuf};

use sha2::Digest;

use super::super::p2p;
use super::super::settings::Settings;
use super::super::unpack::{self, Format};
use super::job::DeployFile;
use crate::agent::config::Config;
use crate::net::client::Client;

/// Fetch attempts per part, all sources together.
const PART_TRIES: usize = 5;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `c1/c2/c3…c8` of a part.
pub fn part_rel(sha: &str) -> PathBuf {
    PathBuf::from(&sha[0..1]).join(&sha[1..2]).join(&sha[2..8])
}

/// Writes what `reader` gives to `out` and returns its SHA-512 (hex).
fn copy_hashing(
    reader: &mut dyn Read,
    out: &mut dyn Write,
    max: u64,
) -> Result<(u64, String), String> {
    let mut h = sha2::Sha512::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.to_string()),
        };
        total += n as u64;
        if total > max {
            return Err(format!("more than {} MB (deploy-max-size)", max >> 20));
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(|e| e.to_string())?;
    }
    Ok((total, hex(&h.finalize())))
}

fn sha512_file(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    copy_hashing(&mut f, &mut std::io::sink(), u64::MAX)
        .ok()
        .map(|(_, h)| h)
}

/// A part already in the datastore (either side), checked.
fn find_part(store: &Path, sha: &str) -> Option<PathBuf> {
    for side in ["shared", "private"] {
        let Ok(entries) = std::fs::read_dir(store.join("fileparts").join(side)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path().join(part_rel(sha));
            if p.is_file() && sha512_file(&p).as_deref() == Some(sha) {
                return Some(p);
            }
        }
    }
    None
}

/// Removes datastore folders whose expiry minute has passed.
pub fn maintain(store: &Path) {
    let now_min = crate::agent::schedule::now() / 60;
    for side in ["shared", "private"] {
        let Ok(entries) = std::fs::read_dir(store.join("fileparts").join(side)) else {
            continue;
        };
        for e in entries.flatten() {
            let expiry = e.file_name().to_string_lossy().parse::<u64>().ok();
            if expiry.is_some_and(|x| x < now_min) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Where the sources say the part is: `<base>c1/c1c2/sha`.
fn mirror_url(base: &str, sha: &str) -> String {
    let sep = if base.ends_with('/') || base.ends_with('=') {
        ""
    } else {
        "/"
    };
    format!("{base}{sep}{}/{}/{sha}", &sha[0..1], &sha[0..2])
}

/// Fetches every missing part of `file`; the paths of its parts, in order.
pub fn download(
    file: &DeployFile,
    store: &Path,
    settings: &Settings,
    config: &Config,
    peers: &mut Option<Vec<SocketAddrV4>>,
) -> Result<Vec<PathBuf>, String> {
    let side = if file.p2p && settings.p2p {
        "shared"
    } else {
        "private"
    };
    let expiry = crate::agent::schedule::now() / 60 + file.retention;
    let mut paths = Vec::new();
    for sha in &file.parts {
        if let Some(p) = find_part(store, sha) {
            log::debug!("file {}: part {} already here", file.name, &sha[..8]);
            paths.push(p);
            continue;
        }
        let dest = store
            .join("fileparts")
            .join(side)
            .join(expiry.to_string())
            .join(part_rel(sha));
        let dir = dest.parent().unwrap_or(store);
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let tmp = dest.with_extension("part");
        let mut sources: Vec<Source> = Vec::new();
        if file.p2p && settings.p2p {
            let list = peers.get_or_insert_with(|| p2p::peers(settings));
            sources.extend(list.iter().map(|p| Source::Peer(*p)));
        }
        sources.extend(
            file.mirrors
                .iter()
                .map(|m| Source::Mirror(mirror_url(m, sha))),
        );
        let mut got = false;
        let mut last_error = String::from("no mirror and no peer");
        for src in sources.iter().cycle().take(PART_TRIES.max(sources.len())) {
            match fetch(src, sha, &tmp, settings.max_size, config) {
                Ok(()) => {
                    std::fs::rename(&tmp, &dest).map_err(|e| format!("cannot keep part: {e}"))?;
                    log::info!("file {}: part {} from {}", file.name, &sha[..8], src);
                    got = true;
                    break;
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    if let Source::Peer(p) = src {
                        if e.contains("SHA-512") {
                            p2p::drop_peers(settings, &[*p]);
                        }
                    }
                    log::debug!("file {}: part {}: {e}", file.name, &sha[..8]);
                    last_error = e;
                }
            }
        }
        if !got {
            return Err(format!(
                "file {}: part {} could not be fetched: {last_error}",
                file.name,
                &sha[..8]
            ));
        }
        paths.push(dest);
    }
    Ok(paths)
}

enum Source {
    Peer(SocketAddrV4),
    Mirror(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Source::Peer(p) => write!(f, "peer {p}"),
            Source::Mirror(u) => write!(f, "{u}"),
        }
    }
}

/// One attempt: into `tmp`, kept only when its SHA-512 is the part's.
fn fetch(src: &Source, sha: &str, tmp: &Path, max: u64, config: &Config) -> Result<(), String> {
    let mut out = crate::fsutil::replace_with_new(tmp)
        .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let mut hashing = HashWriter {
        inner: &mut out,
        h: sha2::Sha512::new(),
    };
    match src {
        Source::Peer(p) => {
            let path = format!("/deploy/getFile/{}/{}/{sha}", &sha[0..1], &sha[0..2]);
            p2p::fetch_path(*p, &path, &mut hashing, max)?;
        }
        Source::Mirror(u) => {
            Client::new(u, config, super::super::USER_AGENT)?
                .get_to(&mut hashing, max)
                .map_err(|e| e.to_string())?;
        }
    }
    let got = hex(&hashing.h.finalize());
    if got != sha {
        return Err(format!("bad SHA-512 from {src}: got {}…", &got[..16]));
    }
    out.sync_all().map_err(|e| e.to_string())
}

struct HashWriter<'a> {
    inner: &'a mut dyn Write,
    h: sha2::Sha512,
}

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.h.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Joins the parts into `workdir/<name>`, checks the whole file, unpacks it when asked.
pub fn prepare(
    file: &DeployFile,
    parts: &[PathBuf],
    workdir: &Path,
    max: u64,
) -> Result<(), String> {
    let target = workdir.join(&file.name);
    let mut out = crate::fsutil::replace_with_new(&target)
        .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    let mut h = HashWriter {
        inner: &mut out,
        h: sha2::Sha512::new(),
    };
    let mut total = 0u64;
    for p in parts {
        let f = std::fs::File::open(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let mut gz = flate2::read::GzDecoder::new(f);
        let (n, _) = copy_hashing(&mut gz, &mut h, max.saturating_sub(total))
            .map_err(|e| format!("file {}: part {}: {e}", file.name, p.display()))?;
        total += n;
    }
    let got = hex(&h.h.finalize());
    drop(out);
    if got != file.sha512 {
        return Err(format!(
            "file {}: its SHA-512 is {}…, not the one announced",
            file.name,
            &got[..16]
        ));
    }
    if file.uncompress {
        let mut head = vec![0u8; unpack::SNIFF_LEN];
        let n = std::fs::File::open(&target)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| e.to_string())?;
        let reader = || std::fs::File::open(&target).map_err(|e| e.to_string());
        let stats = match Format::sniff(&head[..n]) {
            Some(Format::TarGz) => unpack::tar_gz(reader()?, workdir, max)?,
            Some(Format::Tar) => unpack::tar_stream(reader()?, workdir, max)?,
            Some(Format::Zip) => unpack::zip(&target, workdir, max)?,
            None => {
                return Err(format!(
                    "file {}: cannot uncompress: neither tar, tar.gz nor zip",
                    file.name
                ))
            }
        };
        log::info!(
            "file {}: unpacked {} files, {} bytes",
            file.name,
            stats.files,
            stats.bytes
        );
        let _ = std::fs::remove_file(&target);
    }
    Ok(())
}
