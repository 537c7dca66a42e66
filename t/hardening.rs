//! Issue #22 (hardening, round 2), end to end with the real binary: what root writes
//! where a local user can plant links, what a GLPI Deploy server may name, what the
//! daemon keeps in its command line.
//!
//! The planting is done by an unprivileged user (`nobody`, through `setpriv`) in a
//! folder that belongs to that user, sticky and world-writable like `/tmp`: the kernel's
//! `fs.protected_symlinks` does not stop root from following a link whose owner also
//! owns the folder, so these tests show the attack whatever that setting is (it is off
//! on FreeBSD and in some containers, where plain `/tmp` is enough). They need root;
//! without it they say so and do nothing.

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use sha2::Digest;
use support::fake_server::{FakeServer, Reply};
use support::glpi_deploy_server::GlpiDeployServer;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");
const PRECIOUS: &str = "root's file: must never change\n";

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Why a test that plants links as another user cannot run here, if it cannot.
fn cannot_plant() -> Option<&'static str> {
    if !is_root() {
        return Some("needs root (it runs the agent as root and plants links as nobody)");
    }
    let ok = Command::new("setpriv")
        .args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "true",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Some("setpriv cannot become nobody:nogroup (util-linux)");
    }
    None
}

macro_rules! skip_unless_planting {
    ($name:expr) => {
        if let Some(why) = cannot_plant() {
            eprintln!("SKIP {}: {why}", $name);
            return;
        }
    };
}

/// The test's folders: `attacker/` (nobody's, mode 1777), `root/` (0700) with the
/// victim file in it, `var/` for the agent's state.
struct Scene {
    dir: PathBuf,
}

impl Scene {
    fn new(name: &str) -> Scene {
        let dir = support::tmpdir("ocsa-hard", name);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let attacker = dir.join("attacker");
        std::fs::create_dir(&attacker).unwrap();
        if is_root() {
            nix::unistd::chown(
                &attacker,
                Some(nix::unistd::Uid::from_raw(65534)),
                Some(nix::unistd::Gid::from_raw(65534)),
            )
            .unwrap();
        }
        std::fs::set_permissions(&attacker, std::fs::Permissions::from_mode(0o1777)).unwrap();
        std::fs::create_dir(dir.join("root")).unwrap();
        std::fs::set_permissions(dir.join("root"), std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::write(dir.join("root/victim"), PRECIOUS).unwrap();
        std::fs::create_dir(dir.join("var")).unwrap();
        Scene { dir }
    }

    fn attacker(&self) -> PathBuf {
        self.dir.join("attacker")
    }

    fn victim(&self) -> PathBuf {
        self.dir.join("root/victim")
    }

    /// Runs a Perl one-liner as nobody (one process plants thousands of links at once).
    fn as_nobody(&self, perl: &str) {
        let o = Command::new("setpriv")
            .args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "perl",
                "-e",
            ])
            .arg(perl)
            .current_dir(self.attacker())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", support::text(&o));
    }

    /// Plants `name` in the attacker's folder as nobody's link to the victim.
    fn plant(&self, name: &str) {
        let link = self.attacker().join(name);
        self.as_nobody(&format!(
            "symlink(q{{{}}}, q{{{}}}) or die $!",
            self.victim().display(),
            link.display()
        ));
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink());
        assert_eq!(meta.uid(), 65534, "planted by nobody");
    }

    fn assert_victim_intact(&self) {
        let now = std::fs::read_to_string(self.victim()).unwrap();
        assert!(
            now == PRECIOUS,
            "root wrote through a link nobody planted: the victim now starts with {:?}",
            now.chars().take(80).collect::<String>()
        );
    }

    fn agent(&self, args: &[&str]) -> std::process::Output {
        let o = support::agent::run(&self.dir.join("var"), args);
        eprintln!("agent {args:?}:\n{}", support::text(&o));
        o
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A regular file of root's, private (0600), not a link.
fn assert_new_private_file(path: &Path) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    assert!(
        meta.file_type().is_file(),
        "{}: not a regular file",
        path.display()
    );
    assert_eq!(meta.uid(), 0, "{}", path.display());
    assert_eq!(meta.mode() & 0o777, 0o600, "{}", path.display());
}

#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: runs the agent as root and plants links as nobody"
)]
fn netdiscovery_local_file_replaces_a_planted_link() {
    skip_unless_planting!("netdiscovery_local_file_replaces_a_planted_link");
    let s = Scene::new("netdisc");
    s.plant("scan.xml");
    let out = s.attacker().join("scan.xml");
    let o = s.agent(&[
        "--netdiscovery",
        "127.0.1.201",
        "--local",
        out.to_str().unwrap(),
        "--tasks",
        "NetDiscovery",
    ]);
    s.assert_victim_intact();
    assert!(o.status.success());
    assert_new_private_file(&out);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("NETDISCOVERY"));
}

#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: runs the agent as root and plants links as nobody"
)]
fn inventory_temporary_names_cannot_be_planted() {
    skip_unless_planting!("inventory_temporary_names_cannot_be_planted");
    let s = Scene::new("inventory");
    // The next 20 000 PIDs (the agent's own and its task child's among them: the old
    // temporary name was `.<name>.tmp<PID>`), and the final name itself.
    let last: u64 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(std::process::id() as u64);
    s.as_nobody(&format!(
        "for my $p ({}..{}) {{ symlink(q{{{}}}, \".out.xml.tmp$p\") or die $! }}",
        last + 1,
        last + 20_000,
        s.victim().display()
    ));
    s.plant("out.xml");
    let out = s.attacker().join("out.xml");
    let o = s.agent(&["--local", out.to_str().unwrap(), "--tasks", "Inventory"]);
    s.assert_victim_intact();
    assert!(o.status.success());
    assert_new_private_file(&out);
    assert!(std::fs::read_to_string(&out).unwrap().contains("<REQUEST>"));
    // Nothing of ours left beside it: only nobody's links and the inventory.
    for e in std::fs::read_dir(s.attacker()).unwrap().flatten() {
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        assert!(
            meta.uid() == 65534 || e.path() == out,
            "left behind: {}",
            e.path().display()
        );
    }
}

#[test]
fn state_folder_and_files_are_private() {
    let s = Scene::new("private");
    let var = s.dir.join("var");
    std::fs::set_permissions(&var, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = s.agent(&["--local", s.dir.join("out.xml").to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(std::fs::metadata(&var).unwrap().mode() & 0o777, 0o700);
    let state = std::fs::metadata(var.join("agent.state")).unwrap();
    assert_eq!(state.mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(s.dir.join("out.xml")).unwrap().mode() & 0o777,
        0o600
    );
}

#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: runs the agent as root and plants links as nobody"
)]
fn a_planted_log_file_is_refused() {
    skip_unless_planting!("a_planted_log_file_is_refused");
    let s = Scene::new("log");
    s.plant("agent.log");
    let log = s.attacker().join("agent.log");
    let o = s.agent(&[
        "--logfile",
        log.to_str().unwrap(),
        "--stdout",
        "--tasks",
        "Inventory",
    ]);
    s.assert_victim_intact();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `bin --daemon --no-fork` with `extra`; its log in `dir/agent.log`.
fn daemon(bin: &Path, dir: &Path, port: u16, extra: &[&str]) -> support::daemon::Daemon {
    let child = Command::new(bin)
        .args(["--daemon", "--no-fork", "--httpd-ip", "127.0.0.1"])
        .args(["--httpd-port", &port.to_string()])
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--logfile")
        .arg(dir.join("agent.log"))
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .spawn()
        .unwrap();
    support::daemon::Daemon(child)
}

#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: runs the agent as root and plants links as nobody"
)]
fn a_planted_pid_file_is_refused() {
    skip_unless_planting!("a_planted_pid_file_is_refused");
    let s = Scene::new("pid");
    s.plant("agent.pid");
    let pid = s.attacker().join("agent.pid");
    let mut d = daemon(
        Path::new(BIN),
        &s.dir,
        free_port(),
        &[
            "--pidfile",
            pid.to_str().unwrap(),
            "--local",
            s.dir.join("out").to_str().unwrap(),
        ],
    );
    let t = Instant::now();
    let status = loop {
        if let Some(st) = d.0.try_wait().unwrap() {
            break Some(st);
        }
        if t.elapsed() > Duration::from_secs(10) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    if let Some(e) = d.0.stderr.as_mut() {
        if status.is_some() {
            let _ = e.read_to_string(&mut err);
        }
    }
    d.kill9();
    s.assert_victim_intact();
    let status = status.expect("the daemon should refuse the PID file and stop");
    assert!(!status.success());
    let log = support::agent::log_of(&s.dir);
    assert!(
        err.contains("symbolic link") || log.contains("symbolic link"),
        "{err}{log}"
    );
}

/// Everything a process shows other local users: its command line and, for root, its
/// environment.
fn shown(pid: u32) -> String {
    let read = |f: &str| {
        std::fs::read(format!("/proc/{pid}/{f}"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default()
    };
    format!("{} | {}", read("cmdline"), read("environ"))
}

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = String::new();
    let _ = s.read_to_string(&mut r);
    r
}

/// `--password` on the daemon's command line: used, and gone from its argv.
fn daemon_hides_password(bin: &Path, dir: &Path) {
    const STOP: &str = "<REPLY><RESPONSE>STOP</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>";
    // "agent:S3cr3t-hunter2" in base64.
    let fake = FakeServer::start(vec![Reply::NeedAuth("YWdlbnQ6UzNjcjN0LWh1bnRlcjI=", STOP)]);
    let port = free_port();
    let url = fake.url();
    let mut d = daemon(
        bin,
        dir,
        port,
        &[
            "-s",
            &url,
            "-u",
            "agent",
            "--password",
            "S3cr3t-hunter2",
            "--httpd-trust",
            "127.0.0.1",
        ],
    );
    support::daemon::wait_for("the daemon to listen", Duration::from_secs(20), || {
        support::agent::log_of(dir).contains("listening on")
    });
    let pid = d.0.id();
    let seen = shown(pid);
    assert!(!seen.contains("S3cr3t"), "{seen}");
    assert!(seen.contains("--daemon"), "{seen}");
    assert!(get(port, "/now").contains("200 OK"));
    support::daemon::wait_for(
        "the PROLOG with the password",
        Duration::from_secs(30),
        || fake.seen.lock().unwrap().requests.len() >= 2,
    );
    let seen = shown(pid);
    assert!(!seen.contains("S3cr3t"), "{seen}");
    d.kill9();
    let log = support::agent::log_of(dir);
    assert!(!log.contains("S3cr3t"), "{log}");
    let requests = fake.finish().requests;
    assert!(
        requests[1].0.contains("YWdlbnQ6UzNjcjN0LWh1bnRlcjI="),
        "the password reached the server: {requests:?}"
    );
}

#[test]
fn the_lean_daemon_keeps_no_password_in_its_argv() {
    if !Path::new(BIN)
        .with_file_name("ocsinventory-agent-daemon")
        .is_file()
    {
        eprintln!("SKIP: no ocsinventory-agent-daemon beside {BIN}");
        return;
    }
    let dir = support::tmpdir("ocsa-hard", "lean-argv");
    daemon_hides_password(Path::new(BIN), &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_full_daemon_keeps_no_password_in_its_argv() {
    // The full binary alone in a folder: no lean daemon to hand over to.
    let dir = support::tmpdir("ocsa-hard", "full-argv");
    let bin = dir.join("ocsinventory-agent");
    std::fs::copy(BIN, &bin).unwrap();
    daemon_hides_password(&bin, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

fn sha512(data: &[u8]) -> String {
    sha2::Sha512::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_job_uuid_of_dotdot_cannot_wipe_the_other_jobs_parts() {
    let dir = support::tmpdir("ocsa-hard", "uuid");
    let id = support::agent::set_deviceid(&dir.join("var"));
    let server = GlpiDeployServer::start(&id);
    let run = || {
        let log = dir.join("agent.log");
        let url = server.url();
        let o = support::agent::run(
            &dir.join("var"),
            &[
                "--server",
                &url,
                "--glpi-deploy",
                "--tasks",
                "Deploy",
                "--deploy-p2p-subnet",
                "127.0.0.1/32",
                "--deploy-p2p-port",
                "62497",
                "--logfile",
                log.to_str().unwrap(),
            ],
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        eprintln!("{text}{}", support::text(&o));
        text
    };
    // A first job whose part is kept for peers.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"shared with peers\n").unwrap();
    let part = gz.finish().unwrap();
    let part_sha = sha512(&part);
    server
        .state
        .lock()
        .unwrap()
        .parts
        .insert(part_sha.clone(), part);
    let key = sha512(b"shared with peers\n");
    let desc = json!({"name": "f.txt", "uncompress": 0, "p2p": 1, "p2p-retention-duration": 60,
                      "mirrors": [server.mirror()], "multiparts": [part_sha]});
    server.state.lock().unwrap().jobs = Some(json!({
        "jobs": [{"uuid": "job-shared", "associatedFiles": [key], "actions": []}],
        "associatedFiles": {key.clone(): desc}
    }));
    run();
    let kept = || {
        Command::new("find")
            .arg(dir.join("var"))
            .args(["-path", "*fileparts/shared*", "-type", "f"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().count())
            .unwrap_or(0)
    };
    assert_eq!(kept(), 1, "the first job's part is kept for peers");
    // A hostile (or broken) server: uuids that are paths.
    server.state.lock().unwrap().jobs = Some(json!({
        "jobs": [
            {"uuid": "..", "actions": [{"cmd": {"exec": "true"}}]},
            {"uuid": "../../..", "actions": [{"cmd": {"exec": "true"}}]},
            {"uuid": "a\u{1b}[2J", "actions": []}
        ],
        "associatedFiles": {}
    }));
    let log = run();
    assert_eq!(kept(), 1, "a job's cleanup reached another job's parts");
    let statuses = server.statuses("..");
    let last = statuses.last().expect("a status for job '..'");
    assert_eq!(
        last.get("status").map(String::as_str),
        Some("ko"),
        "{last:?}"
    );
    assert!(log.contains("not a plain name"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "a control character reached the log"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A self-signed certificate for 127.0.0.1 (the openssl command), or why not.
fn loopback_cert(dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=127.0.0.1", "-addext"])
        .arg("subjectAltName=IP:127.0.0.1")
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok((cert, key))
    } else {
        Err("the openssl command cannot make a certificate (apt-get install openssl)".into())
    }
}

/// An HTTPS front on 127.0.0.1 for a plain HTTP server that closes after each answer:
/// each request read whole over TLS, passed on, the answer passed back. Stops with the
/// test process (its thread only accepts).
fn https_front(cert: &Path, key: &Path, backend: u16) -> u16 {
    use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod};
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    b.set_certificate_chain_file(cert).unwrap();
    b.set_private_key_file(key, SslFiletype::PEM).unwrap();
    let acceptor = b.build();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
            let Ok(mut tls) = acceptor.accept(tcp) else {
                continue;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && tls.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let len = String::from_utf8_lossy(&head)
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            let mut body = vec![0u8; len];
            let _ = tls.read_exact(&mut body);
            let Ok(mut back) = TcpStream::connect(("127.0.0.1", backend)) else {
                continue;
            };
            let _ = back.write_all(&head).and_then(|_| back.write_all(&body));
            let mut answer = Vec::new();
            let _ = back.read_to_end(&mut answer);
            let _ = tls.write_all(&answer);
            let _ = tls.shutdown();
        }
    });
    port
}

#[test]
fn an_https_server_cannot_send_deploy_jobs_over_http() {
    let dir = support::tmpdir("ocsa-hard", "downgrade");
    let (cert, key) = match loopback_cert(&dir) {
        Ok(c) => c,
        Err(why) => {
            eprintln!("SKIP an_https_server_cannot_send_deploy_jobs_over_http: {why}");
            return;
        }
    };
    let id = support::agent::set_deviceid(&dir.join("var"));
    // The server is reached over HTTPS; its getConfig names its Deploy service in clear.
    let server = GlpiDeployServer::start(&id);
    server.state.lock().unwrap().jobs = Some(json!({
        "jobs": [{"uuid": "job-clear", "actions": [{"cmd": {"exec": "touch ran"}}]}],
        "associatedFiles": {}
    }));
    let front = https_front(&cert, &key, server.port);
    let url = format!("https://127.0.0.1:{front}/glpi/");
    let log = dir.join("agent.log");
    let o = support::agent::run(
        &dir.join("var"),
        &[
            "--server",
            &url,
            "--ca-cert-file",
            cert.to_str().unwrap(),
            "--glpi-deploy",
            "--tasks",
            "Deploy",
            "--logfile",
            log.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    eprintln!("{text}{}", support::text(&o));
    let asked = server.state.lock().unwrap().log.clone();
    assert!(
        asked.iter().any(|r| r.contains("getConfig")),
        "the server was reached over HTTPS: {asked:?}"
    );
    assert!(
        !asked.iter().any(|r| r.contains("getJobs")),
        "jobs fetched in clear from an https server's http:// Deploy service: {asked:?}"
    );
    let refused: Vec<&str> = text.lines().filter(|l| l.contains("refused")).collect();
    assert_eq!(refused.len(), 1, "one clear line: {text}");
    assert!(refused[0].contains("http://"), "{}", refused[0]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_deploy_command_s_secrets_stay_out_of_the_log_and_the_server() {
    let dir = support::tmpdir("ocsa-hard", "redact");
    let id = support::agent::set_deviceid(&dir.join("var"));
    let server = GlpiDeployServer::start(&id);
    let log = dir.join("agent.log");
    let url = server.url();
    let run = |debug: bool| {
        server.state.lock().unwrap().jobs = Some(json!({
            "jobs": [{"uuid": "job-secret", "actions": [{"cmd": {
                "exec": "echo configuring; echo db_password=hunter2; echo done"}}]}],
            "associatedFiles": {}
        }));
        let _ = std::fs::remove_file(&log);
        let mut args = vec![
            "--server",
            &url,
            "--glpi-deploy",
            "--tasks",
            "Deploy",
            "--logfile",
            log.to_str().unwrap(),
        ];
        if debug {
            args.push("--debug");
        }
        let o = support::agent::run(&dir.join("var"), &args);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        eprintln!("{text}{}", support::text(&o));
        text
    };
    let info = run(false);
    assert!(info.contains("job successfully completed"), "{info}");
    assert!(!info.contains("hunter2"), "a password at INFO: {info}");
    assert!(
        !info.contains("| configuring"),
        "command output at INFO: {info}"
    );
    assert!(info.contains("3 line(s) of output"), "{info}");
    let debug = run(true);
    assert!(debug.contains("| configuring"), "{debug}");
    assert!(debug.contains("db_password=***"), "{debug}");
    assert!(!debug.contains("hunter2"), "a password at DEBUG: {debug}");
    let sent = format!("{:?}", server.statuses("job-secret"));
    assert!(sent.contains("db_password=***"), "{sent}");
    assert!(
        !sent.contains("hunter2"),
        "a password sent to the server: {sent}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
