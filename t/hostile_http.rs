//! The daemon's HTTP(S) interface against hostile and greedy clients (issue #13), end to
//! end: the real binary on loopback ports 62500-62599, clients from several loopback
//! addresses (127.0.0.x) so that per-address limits can be told from global ones.
//! Throughout each flood, `/status` from another address must answer within
//! [`LATENCY`]; every flood is bounded in time and count.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::FromRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::agent::log_of;
use support::daemon::wait_for;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");
/// What `/status` may take while the daemon is under attack.
const LATENCY: Duration = Duration::from_millis(50);
/// How soon SIGTERM must stop a daemon under attack (before the fixes: 22 s after the
/// flood ended, never during it); room for a loaded machine.
const TERM_TIME: Duration = Duration::from_secs(5);
/// The client measuring `/status`: an address no attacker uses.
const MEASURER: [u8; 4] = [127, 0, 0, 2];

/// One flood at a time: each test measures latency, which its neighbours would spoil.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The latency allowed under attack: [`LATENCY`], or on a machine so loaded that the
/// quiet daemon is already slower than a quarter of it, four times the quiet figure.
fn allowed(port: u16) -> Duration {
    let quiet = slowest_status(port, Duration::from_millis(600));
    let limit = LATENCY.max(quiet * 4);
    eprintln!("quiet /status: slowest {quiet:?}; allowed under attack: {limit:?}");
    limit
}

fn tmpdir(name: &str) -> PathBuf {
    let d = support::tmpdir("ocsa-hostile", name);
    std::fs::create_dir_all(d.join("out")).unwrap();
    std::fs::create_dir_all(d.join("var")).unwrap();
    d
}

/// A TCP connection to 127.0.0.1:`port` from the loopback address `from`.
fn connect_from(from: [u8; 4], port: u16) -> std::io::Result<TcpStream> {
    use nix::libc;
    let addr = |ip: [u8; 4], port: u16| libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(ip),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: plain socket calls on a descriptor this function owns until it is wrapped.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let stream = TcpStream::from_raw_fd(fd);
        let local = addr(from, 0);
        if libc::bind(fd, (&local as *const libc::sockaddr_in).cast(), len) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let remote = addr([127, 0, 0, 1], port);
        if libc::connect(fd, (&remote as *const libc::sockaddr_in).cast(), len) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(stream)
    }
}

fn parse_answer(answer: &[u8]) -> (u16, Vec<u8>) {
    let text = String::from_utf8_lossy(answer);
    assert!(text.starts_with("HTTP/1.1 "), "no HTTP answer: {text:?}");
    let status = text[9..12].parse().unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of head");
    (status, answer[split + 4..].to_vec())
}

fn request(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").into_bytes()
}

/// GET over plain HTTP from `from`: status, body, time taken.
fn get_from(from: [u8; 4], port: u16, path: &str) -> (u16, Vec<u8>, Duration) {
    let start = Instant::now();
    let mut s = connect_from(from, port).unwrap();
    // Long enough for a first getFile to hash 20 MB in a debug build on a busy machine.
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(&request(path)).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let (status, body) = parse_answer(&answer);
    (status, body, start.elapsed())
}

fn tls_connector(ca: &Path) -> openssl::ssl::SslConnector {
    let mut b = openssl::ssl::SslConnector::builder(openssl::ssl::SslMethod::tls()).unwrap();
    b.set_ca_file(ca).unwrap();
    b.build()
}

/// GET over HTTPS from `from`: status, time taken.
fn tls_get_from(from: [u8; 4], port: u16, ca: &Path, path: &str) -> (u16, Duration) {
    let start = Instant::now();
    let tcp = connect_from(from, port).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut s = tls_connector(ca).connect("localhost", tcp).unwrap();
    s.write_all(&request(path)).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    (parse_answer(&answer).0, start.elapsed())
}

fn openssl_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "the openssl CLI is needed (apt-get install openssl)");
    (cert, key)
}

/// A daemon with `--no-fork` on 127.0.0.1:`port`; killed when dropped.
struct Daemon {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Daemon {
    fn start(name: &str, port: u16, extra: &[&str]) -> Daemon {
        let dir = tmpdir(name);
        Daemon::start_in(dir, port, extra)
    }

    fn start_in(dir: PathBuf, port: u16, extra: &[&str]) -> Daemon {
        let _ = std::fs::remove_file(dir.join("agent.log"));
        let child = Command::new(BIN)
            .args(["--daemon", "--no-fork", "--httpd-ip", "127.0.0.1"])
            .args(["--httpd-port", &port.to_string()])
            .arg("--local")
            .arg(dir.join("out"))
            .arg("--vardir")
            .arg(dir.join("var"))
            .arg("--logfile")
            .arg(dir.join("agent.log"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let d = Daemon { child, dir, port };
        wait_for("the daemon to listen", Duration::from_secs(20), || {
            d.log().contains("listening on")
        });
        // Let the first local run (due at start) end before measuring anything.
        wait_for("the first run", Duration::from_secs(60), || {
            d.log().contains("task Inventory for local")
        });
        d
    }

    fn log(&self) -> String {
        log_of(&self.dir)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// SIGTERM; returns how long the daemon took to exit.
    fn stop(&mut self) -> Duration {
        let start = Instant::now();
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.pid() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "daemon did not stop"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Measures `/status` from [`MEASURER`] every 20 ms for `how_long`; returns the slowest.
fn slowest_status(port: u16, how_long: Duration) -> Duration {
    let start = Instant::now();
    let mut worst = Duration::ZERO;
    let mut n = 0;
    while start.elapsed() < how_long {
        let (status, body, took) = get_from(MEASURER, port, "/status");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        worst = worst.max(took);
        n += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(n > 10);
    worst
}

/// Runs `attack` in threads (one per address in `from`) until the returned flag is set.
fn attackers(
    from: &[[u8; 4]],
    attack: impl Fn([u8; 4], &AtomicBool) + Send + Sync + Clone + 'static,
) -> (Arc<AtomicBool>, Vec<std::thread::JoinHandle<()>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let threads = from
        .iter()
        .map(|&ip| {
            let (stop, attack) = (stop.clone(), attack.clone());
            std::thread::spawn(move || attack(ip, &stop))
        })
        .collect();
    (stop, threads)
}

fn end(stop: Arc<AtomicBool>, threads: Vec<std::thread::JoinHandle<()>>) {
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
}

/// Sends CR/LF without pause over `stream`-like writers, reconnecting when cut off.
fn crlf_flood(mut connect: impl FnMut() -> Option<Box<dyn Write>>, stop: &AtomicBool) {
    let chunk = b"\r\n".repeat(8192);
    let until = Instant::now() + Duration::from_secs(20);
    while !stop.load(Ordering::Relaxed) && Instant::now() < until {
        let Some(mut s) = connect() else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        while !stop.load(Ordering::Relaxed) && s.write_all(&chunk).is_ok() {}
    }
}

#[test]
fn a_crlf_flood_freezes_nothing() {
    // Issue #13, defect 1: CR/LF without pause froze HTTP, schedule and SIGTERM.
    let _serial = serial();
    let mut d = Daemon::start("crlf", 62501, &[]);
    let port = d.port;
    let limit = allowed(port);
    let rss_before = d.rss_kib();
    let (stop, threads) = attackers(&[[127, 0, 0, 3], [127, 0, 0, 4]], move |ip, stop| {
        crlf_flood(
            || {
                let s = connect_from(ip, port).ok()?;
                s.set_write_timeout(Some(Duration::from_secs(1))).ok()?;
                Some(Box::new(s))
            },
            stop,
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let worst = slowest_status(port, Duration::from_secs(3));
    let rss_after = d.rss_kib();
    // SIGTERM still works at once during the flood.
    let took = d.stop();
    end(stop, threads);
    assert!(worst < limit, "/status took {worst:?} during the flood");
    assert!(took < TERM_TIME, "SIGTERM took {took:?}");
    assert!(
        rss_after < rss_before + 8 * 1024,
        "memory grew from {rss_before} to {rss_after} KiB"
    );
}

#[test]
fn a_crlf_flood_over_tls_freezes_nothing() {
    let dir = tmpdir("crlf-tls");
    let (cert, key) = openssl_cert(&dir);
    let (c, k) = (cert.display().to_string(), key.display().to_string());
    let _serial = serial();
    let mut d = Daemon::start_in(dir, 62502, &["--ssl-cert-file", &c, "--ssl-key-file", &k]);
    let port = d.port;
    let quiet = (0..10)
        .map(|_| tls_get_from(MEASURER, port, &cert, "/status").1)
        .max()
        .unwrap_or_default();
    let limit = LATENCY.max(quiet * 4);
    let ca = cert.clone();
    let (stop, threads) = attackers(&[[127, 0, 0, 3], [127, 0, 0, 4]], move |ip, stop| {
        let connector = tls_connector(&ca);
        crlf_flood(
            || {
                let s = connect_from(ip, port).ok()?;
                s.set_write_timeout(Some(Duration::from_secs(1))).ok()?;
                Some(Box::new(connector.connect("localhost", s).ok()?))
            },
            stop,
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let mut worst = Duration::ZERO;
    while start.elapsed() < Duration::from_secs(3) {
        let (status, took) = tls_get_from(MEASURER, port, &cert, "/status");
        assert_eq!(status, 200);
        worst = worst.max(took);
    }
    let took = d.stop();
    end(stop, threads);
    assert!(
        worst < limit,
        "HTTPS /status took {worst:?} during the flood (quiet: {quiet:?})"
    );
    assert!(took < TERM_TIME, "SIGTERM took {took:?}");
}

#[test]
fn idle_tls_connections_lock_nobody_out() {
    // Issue #13, defect 2: 128 connections that never start their handshake locked
    // every client out of the HTTPS port.
    let dir = tmpdir("tls-idle");
    let (cert, key) = openssl_cert(&dir);
    let (c, k) = (cert.display().to_string(), key.display().to_string());
    let _serial = serial();
    let d = Daemon::start_in(dir, 62503, &["--ssl-cert-file", &c, "--ssl-key-file", &k]);
    let quiet = (0..10)
        .map(|_| tls_get_from(MEASURER, d.port, &cert, "/status").1)
        .max()
        .unwrap_or_default();
    let limit = LATENCY.max(quiet * 4);
    let mut idle = Vec::new();
    for i in 0..160u8 {
        if let Ok(s) = connect_from([127, 0, 1, 10 + i % 20], d.port) {
            idle.push(s);
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..10 {
        let (status, took) = tls_get_from(MEASURER, d.port, &cert, "/status");
        assert_eq!(status, 200);
        assert!(
            took < limit,
            "HTTPS /status took {took:?} (quiet: {quiet:?})"
        );
    }
    drop(idle);
}

#[test]
fn a_slowloris_from_one_address_leaves_room_for_others() {
    // Issue #13, defect 2: no per-address limit: one machine holding every slot with
    // half-sent heads got everybody else a 503.
    let _serial = serial();
    let d = Daemon::start("slowloris", 62504, &[]);
    let limit = allowed(d.port);
    let mut held = Vec::new();
    for _ in 0..200 {
        if let Ok(mut s) = connect_from([127, 0, 0, 5], d.port) {
            let _ = s.write_all(b"GET /status HTTP/1.1\r\nHost: slow");
            held.push(s);
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    let worst = slowest_status(d.port, Duration::from_secs(1));
    assert!(worst < limit, "/status took {worst:?}");
    drop(held);
}

#[test]
fn refused_run_requests_do_not_fill_the_log() {
    // Issue #13, defect 3: every refused /now wrote a line (428 000 requests, 40 MB).
    let _serial = serial();
    let d = Daemon::start("lognoise", 62505, &[]);
    let limit = allowed(d.port);
    let before = d.log().len();
    let start = Instant::now();
    let mut refused = 0;
    while refused < 2000 && start.elapsed() < Duration::from_secs(20) {
        let mut s = connect_from([127, 0, 0, 6], d.port).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut batch = b"GET /now HTTP/1.1\r\n\r\n".repeat(7);
        batch.extend_from_slice(b"GET /now HTTP/1.1\r\nConnection: close\r\n\r\n");
        s.write_all(&batch).unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        refused += answer.matches(" 403 Forbidden").count();
    }
    assert!(refused >= 2000, "only {refused} refusals");
    let grown = d.log().len() - before;
    let lines = d.log()[before..].matches("refused").count();
    assert!(lines <= 2, "{lines} refusal lines, {grown} bytes");
    assert!(grown < 2000, "the log grew by {grown} bytes");
    let worst = slowest_status(d.port, Duration::from_millis(500));
    assert!(worst < limit, "/status took {worst:?}");
}

#[test]
fn a_broken_certificate_on_reload_keeps_https() {
    // Issue #13, defect 5: SIGHUP with a bad certificate closed the HTTPS port and
    // said "configuration reloaded".
    let dir = tmpdir("reload-tls");
    let (cert, key) = openssl_cert(&dir);
    let ca = dir.join("ca.pem");
    std::fs::copy(&cert, &ca).unwrap();
    let (c, k) = (cert.display().to_string(), key.display().to_string());
    let _serial = serial();
    let d = Daemon::start_in(dir, 62506, &["--ssl-cert-file", &c, "--ssl-key-file", &k]);
    assert_eq!(tls_get_from(MEASURER, d.port, &ca, "/status").0, 200);
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nbroken\n").unwrap();
    let before = d.log().len();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(d.pid() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    wait_for("the reload", Duration::from_secs(10), || {
        d.log()[before..].contains("not reloaded")
    });
    let after = d.log()[before..].to_string();
    assert!(!after.contains("configuration reloaded"), "{after}");
    assert_eq!(tls_get_from(MEASURER, d.port, &ca, "/status").0, 200);
}

#[test]
fn repeated_deploy_part_requests_keep_status_fast() {
    // Issue #13, defect 8: every getFile hashed the whole part inside the loop.
    let dir = tmpdir("getfile");
    let data: Vec<u8> = (0..20u32 << 20).map(|i| (i * 7 % 251) as u8).collect();
    let sha: String = openssl::sha::sha512(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let part = dir.join(format!(
        "var/srv/deploy/fileparts/shared/1700000000/{}/{}",
        &sha[0..1],
        &sha[1..2]
    ));
    std::fs::create_dir_all(&part).unwrap();
    std::fs::write(part.join(&sha[2..8]), &data).unwrap();
    let _serial = serial();
    let d = Daemon::start_in(dir, 62507, &[]);
    let limit = allowed(d.port);
    let path = format!("/deploy/getFile/{}/{}/{sha}", &sha[0..1], &sha[0..2]);
    let (status, body, _) = get_from([127, 0, 0, 7], d.port, &path);
    assert_eq!((status, body.len()), (200, data.len()));
    let port = d.port;
    let (stop, threads) = attackers(&[[127, 0, 0, 7], [127, 0, 0, 8]], move |ip, stop| {
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) && n < 40 {
            // Ask, read the head, hang up: the hashing (if any) is what costs.
            if let Ok(mut s) = connect_from(ip, port) {
                let _ = s.write_all(&request(&path));
                let mut head = [0u8; 64];
                let _ = s.read(&mut head);
            }
            n += 1;
        }
    });
    let worst = slowest_status(port, Duration::from_secs(2));
    end(stop, threads);
    assert!(worst < limit, "/status took {worst:?}");
}

#[test]
fn passwords_are_shown_nowhere() {
    // Issue #13, defect 11 and the secrets rule: a password in the server URL or in
    // --password reaches no log, no state directory name, no /status, no status page, no
    // command line, and the daemon may dump no core.
    let _serial = serial();
    let d = Daemon::start(
        "secrets",
        62508,
        &[
            "-s",
            "http://bob:s3cretURL@127.0.0.1:9/ocsinventory",
            "--user",
            "bob",
            "--password",
            "s3cretOPT",
            "--force",
            "--httpd-trust",
            "127.0.0.2",
            "--debug",
        ],
    );
    wait_for(
        "the server contact to fail",
        Duration::from_secs(60),
        || d.log().contains("task Inventory for server"),
    );
    let leaks = |what: &str, text: &str| {
        assert!(!text.contains("s3cret"), "a password in {what}: {text}");
    };
    leaks("the log", &d.log());
    leaks(
        "/status",
        &String::from_utf8_lossy(&get_from(MEASURER, d.port, "/status").1),
    );
    let page = get_from(MEASURER, d.port, "/").1;
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("127.0.0.1:9"), "{page}");
    leaks("the status page", &page);
    for e in std::fs::read_dir(d.dir.join("var")).unwrap().flatten() {
        leaks("a state directory name", &e.file_name().to_string_lossy());
    }
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", d.pid())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert!(core.split_whitespace().nth(4) == Some("0"), "{core}");
}
