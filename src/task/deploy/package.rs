//! One OCS package, from its info file to its outcome.
//!
//! Its folder is `<server dir>/download/<ID>/`: `info` (kept once fetched), `since`
//! (when the agent first saw it, for `TIMEOUT`), `frags/<ID>-<N>` (fragments, each
//! written as `.part` and renamed when complete; `<ID>-<N>.peer` names the peer it came
//! from) and `work/` (the unpacked package). Steps, one per scheduler turn: fetch the
//! next fragment (peers first, then the server), and once all are there [`build`]:
//! digest → unpack → share → action. Every failure removes the whole folder; nothing is
//! unpacked before the digest matched and nothing runs unless everything unpacked.

use std::io::Read;
use std::net::SocketAddrV4;
use std::path::{Path, PathBuf};

use super::digest;
use super::exec::{self, Ended};
use super::history;
use super::info::{self, Action, Info};
use super::ocs_job::Pack;
use super::outcome::{Code, Failure};
use super::p2p;
use super::settings::{Settings, FRAGMENT_TRIES, MAX_INFO};
use super::unpack::{self, Format};
use crate::agent::config::Config;
use crate::agent::state;
use crate::net::client::Client;

/// A package being deployed.
pub struct Package {
    pub pack: Pack,
    pub info: Info,
    pub dir: PathBuf,
    /// Fetch attempts of the current fragment that failed.
    tries: u32,
    /// No more peers for this package (one sent bad data).
    no_peers: bool,
}

/// What a step did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// A fragment arrived.
    Fragment,
    /// Nothing arrived; try again later.
    Again,
    /// The package ended.
    Done(Code),
}

pub fn package_dir(server_dir: &Path, id: &str) -> PathBuf {
    server_dir.join("download").join(id)
}

/// Removes a package's folder.
pub fn clean(dir: &Path) {
    if dir.exists() {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            log::error!("cannot remove {}: {e}", dir.display());
        }
    }
}

fn frag_name(id: &str, n: u64) -> String {
    format!("{id}-{n}")
}

impl Package {
    /// Gets the package ready: the stored info file, or a fresh one over HTTPS.
    /// `Ok(None)` when the history says it already ran and the server does not force it.
    pub fn open(
        pack: &Pack,
        server_dir: &Path,
        settings: &Settings,
        config: &Config,
        timeout_days: u64,
    ) -> Result<Option<Package>, Failure> {
        let dir = package_dir(server_dir, &pack.id);
        if history::contains(server_dir, &pack.id) && !pack.force {
            clean(&dir);
            return Ok(None);
        }
        std::fs::create_dir_all(dir.join("frags")).map_err(|e| {
            Failure::new(
                Code::ErrDownloadInfo,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let now = crate::agent::schedule::now();
        let since_path = dir.join("since");
        let since = match std::fs::read_to_string(&since_path)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
        {
            Some(t) => t,
            None => {
                let _ = state::write_atomic(&since_path, now.to_string().as_bytes());
                now
            }
        };
        if timeout_days > 0 && now.saturating_sub(since) > timeout_days * 86400 {
            return Err(Failure::new(
                Code::ErrTimeout,
                format!("not done {timeout_days} days after it was first seen"),
            ));
        }
        let info_path = dir.join("info");
        let text = match std::fs::read_to_string(&info_path) {
            Ok(t) => t,
            Err(_) => {
                let url = format!("https://{}/{}/info", pack.info_loc, pack.id);
                log::info!("package {}: info from {url}", pack.id);
                let mut body = Vec::new();
                Client::new(&url, config, super::USER_AGENT)
                    .map_err(|e| Failure::new(Code::ErrDownloadInfo, e))?
                    .get_to(&mut body, MAX_INFO)
                    .map_err(|e| Failure::new(Code::ErrDownloadInfo, e.to_string()))?;
                let text = String::from_utf8(body).map_err(|_| {
                    Failure::new(Code::ErrDownloadInfo, "info file is not UTF-8 text")
                })?;
                state::write_atomic(&info_path, text.as_bytes()).map_err(|e| {
                    Failure::new(
                        Code::ErrDownloadInfo,
                        format!("cannot keep the info file: {e}"),
                    )
                })?;
                text
            }
        };
        let info = info::parse(&text, &pack.id, &settings.vardir)?;
        Ok(Some(Package {
            pack: pack.clone(),
            info,
            dir,
            tries: 0,
            no_peers: false,
        }))
    }

    fn frag(&self, n: u64) -> PathBuf {
        self.dir.join("frags").join(frag_name(&self.info.id, n))
    }

    /// The first fragment not here yet.
    fn missing(&self) -> Option<u64> {
        (1..=self.info.frags).find(|n| !self.frag(*n).is_file())
    }

    fn size_so_far(&self) -> u64 {
        (1..=self.info.frags)
            .filter_map(|n| std::fs::metadata(self.frag(n)).ok())
            .map(|m| m.len())
            .sum()
    }

    /// One step: a fragment, or the build and action once all are here.
    pub fn step(
        &mut self,
        settings: &Settings,
        config: &Config,
        peers: &mut Peers,
    ) -> Result<Step, Failure> {
        let Some(n) = self.missing() else {
            return self.build(settings, config);
        };
        let room = settings.max_size.saturating_sub(self.size_so_far());
        let part = self.frag(n).with_extension("part");
        let id = self.info.id.clone();
        if settings.p2p && !self.no_peers {
            for peer in peers.get(settings) {
                let got = write_to(&part, |f| p2p::fetch(peer, &id, n, f, room));
                match got {
                    Ok(len) => {
                        self.arrived(n, &part)?;
                        let _ = crate::fsutil::write_atomic_with(
                            &self.frag(n).with_extension("peer"),
                            |w| w.write_all(peer.to_string().as_bytes()),
                        );
                        log::info!(
                            "package {id}: fragment {n}/{} ({len} bytes) from peer {peer}",
                            self.info.frags
                        );
                        return Ok(Step::Fragment);
                    }
                    Err(e) => log::debug!("package {id}: fragment {n}: {e}"),
                }
            }
        }
        let url = format!(
            "{}://{}/{id}/{}",
            self.info.scheme,
            self.pack.pack_loc,
            frag_name(&id, n)
        );
        let got = Client::new(&url, config, super::USER_AGENT)
            .and_then(|c| write_to(&part, |f| c.get_to(f, room).map_err(|e| e.to_string())));
        match got {
            Ok(len) => {
                self.arrived(n, &part)?;
                log::info!(
                    "package {id}: fragment {n}/{} ({len} bytes) from {url}",
                    self.info.frags
                );
                Ok(Step::Fragment)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                self.tries += 1;
                let f = Failure::new(Code::ErrDownloadPack, format!("fragment {n}: {e}"));
                if self.tries >= FRAGMENT_TRIES || f.code == Code::ErrOutOfSpace {
                    return Err(f);
                }
                log::warn!(
                    "package {id}: {} (try {} of {FRAGMENT_TRIES})",
                    f.why,
                    self.tries
                );
                Ok(Step::Again)
            }
        }
    }

    fn arrived(&mut self, n: u64, part: &Path) -> Result<(), Failure> {
        self.tries = 0;
        std::fs::rename(part, self.frag(n)).map_err(|e| {
            Failure::new(
                Code::ErrDownloadPack,
                format!("cannot keep fragment {n}: {e}"),
            )
        })
    }

    /// Digest, unpack, share, act.
    fn build(&mut self, settings: &Settings, config: &Config) -> Result<Step, Failure> {
        let id = self.info.id.clone();
        let frags: Vec<PathBuf> = (1..=self.info.frags).map(|n| self.frag(n)).collect();
        if let Some(expected) = &self.info.digest {
            let got = digest::of_files(expected.algo, &frags)
                .map_err(|e| Failure::new(Code::ErrBuild, e))?;
            if !expected.matches(&got) {
                let from_peers: Vec<(PathBuf, SocketAddrV4)> = frags
                    .iter()
                    .filter_map(|f| {
                        let peer = std::fs::read_to_string(f.with_extension("peer")).ok()?;
                        Some((f.clone(), peer.trim().parse().ok()?))
                    })
                    .collect();
                if !from_peers.is_empty() {
                    let bad: Vec<SocketAddrV4> = from_peers.iter().map(|(_, p)| *p).collect();
                    p2p::drop_peers(settings, &bad);
                    for (f, _) in &from_peers {
                        let _ = std::fs::remove_file(f);
                        let _ = std::fs::remove_file(f.with_extension("peer"));
                    }
                    self.no_peers = true;
                    log::warn!("package {id}: digest mismatch with fragments from peers; fetching them from the server");
                    return Ok(Step::Again);
                }
                return Err(Failure::new(
                    Code::ErrBadDigest,
                    format!(
                        "{:?} digest is {}, the info file says {}",
                        expected.algo,
                        digest::hex(&got),
                        digest::hex(&expected.bytes)
                    ),
                ));
            }
            log::info!("package {id}: {} digest verified", expected.algo);
        }
        let work = self.dir.join("work");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir(&work).map_err(|e| {
            Failure::new(
                Code::ErrBuild,
                format!("cannot create {}: {e}", work.display()),
            )
        })?;
        if !frags.is_empty() {
            let stats = self.unpack(&frags, &work, settings.max_size)?;
            log::info!(
                "package {id}: unpacked {} files, {} bytes",
                stats.files,
                stats.bytes
            );
        }
        if settings.p2p && !frags.is_empty() {
            self.share(settings);
        }
        history::add(
            self.dir
                .parent()
                .and_then(Path::parent)
                .unwrap_or(&self.dir),
            &id,
        )
        .map_err(|e| Failure::new(Code::ErrBuild, e))?;
        let code = act(&id, &self.info.action, &work, settings, config)?;
        Ok(Step::Done(code))
    }

    fn unpack(&self, frags: &[PathBuf], work: &Path, max: u64) -> Result<unpack::Stats, Failure> {
        let mut head = [0u8; unpack::SNIFF_LEN];
        let n = std::fs::File::open(&frags[0])
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| Failure::new(Code::ErrBuild, e.to_string()))?;
        let fail = |e: String| Failure::new(Code::ErrBuild, e);
        match Format::sniff(&head[..n]) {
            Some(Format::TarGz) => {
                unpack::tar_gz(Chain::new(frags.to_vec()), work, max).map_err(fail)
            }
            Some(Format::Zip) => {
                let joined = self.dir.join("build.zip");
                let mut out =
                    crate::fsutil::replace_with_new(&joined).map_err(|e| fail(e.to_string()))?;
                std::io::copy(&mut Chain::new(frags.to_vec()), &mut out)
                    .map_err(|e| fail(format!("cannot write {}: {e}", joined.display())))?;
                let r = unpack::zip(&joined, work, max).map_err(fail);
                let _ = std::fs::remove_file(&joined);
                r
            }
            Some(Format::Tar) => {
                unpack::tar_stream(Chain::new(frags.to_vec()), work, max).map_err(fail)
            }
            None => Err(fail("the package is neither tar.gz nor zip".into())),
        }
    }

    /// Moves the verified fragments to `$VARDIR/shared/<ID>/` for peers.
    fn share(&self, settings: &Settings) {
        let root = p2p::shared_root(&settings.vardir);
        let dest = root.join(&self.info.id);
        let _ = std::fs::remove_dir_all(&dest);
        let r = std::fs::create_dir_all(&root)
            .and_then(|_| std::fs::create_dir(&dest))
            .and_then(|_| {
                for n in 1..=self.info.frags {
                    let name = frag_name(&self.info.id, n);
                    std::fs::rename(self.frag(n), dest.join(&name))?;
                }
                Ok(())
            });
        match r {
            Ok(()) => log::info!(
                "package {}: fragments shared with peers in {} for {} min",
                self.info.id,
                dest.display(),
                settings.p2p_retention
            ),
            Err(e) => {
                log::warn!("package {}: cannot share the fragments: {e}", self.info.id);
                let _ = std::fs::remove_dir_all(&dest);
            }
        }
    }
}

/// Writes what `fill` produces to `path` (created anew); on error the file is removed.
fn write_to(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<u64, String>,
) -> Result<u64, String> {
    let file = crate::fsutil::replace_with_new(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(64 << 10, file);
    let r = fill(&mut w).and_then(|n| {
        use std::io::Write;
        w.flush()
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(n)
    });
    if r.is_err() {
        let _ = std::fs::remove_file(path);
    }
    r
}

/// The peers, discovered once per run when a fragment first needs them.
#[derive(Default)]
pub struct Peers {
    list: Option<Vec<SocketAddrV4>>,
}

impl Peers {
    fn get(&mut self, settings: &Settings) -> Vec<SocketAddrV4> {
        self.list
            .get_or_insert_with(|| p2p::peers(settings))
            .clone()
    }
}

/// Reads files one after another, as one stream.
struct Chain {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<std::fs::File>,
}

impl Chain {
    fn new(files: Vec<PathBuf>) -> Chain {
        Chain {
            files: files.into_iter(),
            current: None,
        }
    }
}

impl Read for Chain {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.current.is_none() {
                match self.files.next() {
                    Some(p) => self.current = Some(std::fs::File::open(p)?),
                    None => return Ok(0),
                }
            }
            if let Some(f) = self.current.as_mut() {
                let n = f.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
            }
            self.current = None;
        }
    }
}

/// Runs the package's action in `work`.
fn act(
    id: &str,
    action: &Action,
    work: &Path,
    settings: &Settings,
    _config: &Config,
) -> Result<Code, Failure> {
    let ran = |r: exec::Run, what: &str| -> Result<Code, Failure> {
        exec::log_output(&format!("package {id}"), &r);
        match r.ended {
            Ended::Exit(0) => Ok(Code::Success),
            Ended::Exit(c) => Err(Failure::new(
                Code::ErrExecute,
                format!("{what} exited with {c}"),
            )),
            Ended::Signal(s) => Err(Failure::new(
                Code::ErrExecute,
                format!("{what} killed by signal {s}"),
            )),
            Ended::TimedOut => Err(Failure::new(
                Code::ErrTimeout,
                format!(
                    "{what} still running after {} s (deploy-command-timeout): killed",
                    settings.command_timeout.as_secs()
                ),
            )),
            Ended::NotRun(e) => Err(Failure::new(Code::ErrExecute, e)),
        }
    };
    match action {
        Action::Execute(command) => {
            log::info!("package {id}: EXECUTE {}", exec::redact(command));
            ran(
                exec::run(
                    "/bin/sh",
                    &["-c", command],
                    work,
                    &[],
                    settings.command_timeout,
                ),
                "the command",
            )
        }
        Action::Launch(name) => {
            let file = work.join(name);
            match std::fs::symlink_metadata(&file) {
                Ok(m) if m.is_file() => {}
                _ => {
                    return Err(Failure::new(
                        Code::ErrExecute,
                        format!("LAUNCH: {} is not a file of the package", name.display()),
                    ))
                }
            }
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).map_err(
                |e| {
                    Failure::new(
                        Code::ErrExecute,
                        format!("cannot chmod {}: {e}", name.display()),
                    )
                },
            )?;
            log::info!("package {id}: LAUNCH {}", name.display());
            let program = format!("./{}", name.display());
            let r = exec::run(&program, &[], work, &[], settings.command_timeout);
            match r.ended {
                Ended::Exit(c) => {
                    exec::log_output(&format!("package {id}"), &r);
                    Ok(Code::Launched(c))
                }
                _ => ran(r, &program),
            }
        }
        Action::Store(path) => {
            log::info!("package {id}: STORE into {}", path.display());
            copy_tree(work, path).map_err(|e| {
                Failure::new(
                    Code::ErrExecute,
                    format!("STORE into {}: {e}", path.display()),
                )
            })?;
            Ok(Code::Success)
        }
    }
}

/// Copies the unpacked package into `to` (created), links as links, modes kept.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let src = e.path();
        let dst = to.join(e.file_name());
        let meta = std::fs::symlink_metadata(&src)?;
        if meta.is_dir() {
            copy_tree(&src, &dst)?;
        } else if meta.file_type().is_symlink() {
            let _ = std::fs::remove_file(&dst);
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)?;
        } else {
            if std::fs::symlink_metadata(&dst).is_ok_and(|m| m.file_type().is_symlink()) {
                std::fs::remove_file(&dst)?;
            }
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::Origin;
    use std::io::Write;
    use std::net::TcpListener;

    /// Serves each request with the next raw reply, then stops.
    fn serve(replies: Vec<Vec<u8>>) -> (u16, std::thread::JoinHandle<()>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            for r in replies {
                let Ok((mut s, _)) = l.accept() else { return };
                let mut buf = [0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = s.write_all(&r);
            }
        });
        (port, h)
    }

    fn setup(name: &str, port: u16, max_mb: &str) -> (PathBuf, Config, Settings, Pack) {
        let d = std::env::temp_dir().join(format!("ocsa-pkg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("download/42")).unwrap();
        std::fs::write(
            d.join("download/42/info"),
            r#"<DOWNLOAD ID="42" PRI="5" ACT="EXECUTE" DIGEST="f617f85e691e94e97b4ba53b904f7162" PROTO="HTTP" FRAGS="1" DIGEST_ALGO="MD5" DIGEST_ENCODE="Hexa" COMMAND="touch ran"/>"#,
        )
        .unwrap();
        let mut config = Config::new();
        for (k, v) in [
            ("vardir", d.to_str().unwrap()),
            ("deploy-max-size", max_mb),
            ("no-p2p", "1"),
        ] {
            config.set(k, v, Origin::CommandLine).unwrap();
        }
        let settings = Settings::from_config(&config).unwrap();
        let pack = Pack {
            id: "42".into(),
            info_loc: format!("127.0.0.1:{port}/d"),
            pack_loc: format!("127.0.0.1:{port}/d"),
            force: false,
        };
        (d, config, settings, pack)
    }

    fn run_steps(d: &Path, config: &Config, settings: &Settings, pack: &Pack) -> Failure {
        let mut pkg = Package::open(pack, d, settings, config, 30)
            .unwrap()
            .unwrap();
        let mut peers = Peers::default();
        for _ in 0..10 {
            match pkg.step(settings, config, &mut peers) {
                Ok(Step::Again) => continue,
                Ok(other) => panic!("{other:?}"),
                Err(f) => return f,
            }
        }
        panic!("no failure");
    }

    #[test]
    fn truncated_fragments_fail_after_the_retries() {
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly fifty bytes..................................".to_vec();
        let (port, h) = serve(vec![short.clone(), short.clone(), short]);
        let (d, config, settings, pack) = setup("short", port, "1");
        let f = run_steps(&d, &config, &settings, &pack);
        assert_eq!(f.code, Code::ErrDownloadPack, "{}", f.why);
        assert!(f.why.contains("truncated"), "{}", f.why);
        assert!(!d.join("download/42/frags/42-1").exists());
        assert!(!d.join("download/42/frags/42-1.part").exists());
        h.join().unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn oversized_fragments_are_cut_and_refused() {
        let big = vec![b'x'; (1 << 20) + 10];
        let mut announced =
            b"HTTP/1.1 200 OK\r\nContent-Length: 1048586\r\nConnection: close\r\n\r\n".to_vec();
        announced.extend_from_slice(&big);
        let mut unannounced = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        unannounced.extend_from_slice(&big);
        let (port, h) = serve(vec![announced, unannounced.clone(), unannounced]);
        let (d, config, settings, pack) = setup("big", port, "1");
        let f = run_steps(&d, &config, &settings, &pack);
        assert_eq!(f.code, Code::ErrDownloadPack, "{}", f.why);
        assert!(f.why.contains("more than"), "{}", f.why);
        assert!(!d.join("download/42/frags/42-1.part").exists());
        h.join().unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_wrong_fragment_is_a_bad_digest_and_nothing_runs() {
        let body =
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nwrong".to_vec();
        let (port, h) = serve(vec![body]);
        let (d, config, settings, pack) = setup("digest", port, "1");
        let mut pkg = Package::open(&pack, &d, &settings, &config, 30)
            .unwrap()
            .unwrap();
        let mut peers = Peers::default();
        assert_eq!(pkg.step(&settings, &config, &mut peers), Ok(Step::Fragment));
        let f = pkg.step(&settings, &config, &mut peers).unwrap_err();
        assert_eq!(f.code, Code::ErrBadDigest);
        assert!(!d.join("download/42/work").exists(), "nothing unpacked");
        assert!(!history::contains(&d, "42"), "nothing ran");
        h.join().unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_full_disk_is_out_of_space() {
        let enospc = std::io::Error::from_raw_os_error(28).to_string();
        let f = Failure::new(Code::ErrDownloadPack, format!("cannot write x: {enospc}"));
        assert_eq!(f.code, Code::ErrOutOfSpace);
    }
}
