//! End-to-end tests of the daemon: the real binary, `--daemon --no-fork` (and once the
//! detaching mode), on loopback only, with temporary vardir, log and targets. HTTP is
//! spoken by hand over `TcpStream` so that hostile requests can be sent byte for byte.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::agent::log_of;
use support::daemon::wait_for;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

fn tmpdir(name: &str) -> PathBuf {
    let d = support::tmpdir("ocsa-daemon", name);
    std::fs::create_dir_all(d.join("out")).unwrap();
    std::fs::create_dir_all(d.join("var")).unwrap();
    d
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

fn alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// `bin --daemon` on loopback `port`, with `dir`'s out/, var/ and agent.log.
fn daemon_command(bin: &Path, dir: &Path, port: u16) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["--daemon", "--httpd-ip", "127.0.0.1"])
        .args(["--httpd-port", &port.to_string()])
        .arg("--local")
        .arg(dir.join("out"))
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--logfile")
        .arg(dir.join("agent.log"));
    cmd
}

/// A daemon started with `--daemon --no-fork`; killed when dropped.
struct Daemon {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Daemon {
    fn start(name: &str, extra: &[&str]) -> Daemon {
        Daemon::start_env(name, extra, &[])
    }

    fn start_env(name: &str, extra: &[&str], env: &[(&str, &str)]) -> Daemon {
        let dir = tmpdir(name);
        Daemon::start_in(dir, extra, env)
    }

    fn start_in(dir: PathBuf, extra: &[&str], env: &[(&str, &str)]) -> Daemon {
        Daemon::start_binary(Path::new(BIN), dir, extra, env)
    }

    fn start_binary(bin: &Path, dir: PathBuf, extra: &[&str], env: &[(&str, &str)]) -> Daemon {
        let port = free_port();
        let mut cmd = daemon_command(bin, &dir, port);
        cmd.arg("--no-fork")
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let d = Daemon { child, dir, port };
        wait_for("the daemon to listen", Duration::from_secs(20), || {
            d.log().contains("listening on")
        });
        d
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        log_of(&self.dir)
    }

    fn runs(&self) -> usize {
        self.log()
            .matches("[core][INFO] task Inventory for local")
            .count()
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = get(self.port, path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn deviceid(&self) -> String {
        support::agent::deviceid(&self.dir.join("var"))
    }

    fn wait_idle(&self) {
        wait_for("status waiting", Duration::from_secs(30), || {
            self.get("/status").1.lines().next() == Some("status: waiting")
        });
    }

    /// Sends SIGTERM and returns the exit code.
    fn stop(mut self) -> i32 {
        signal(self.pid(), "TERM");
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "daemon did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
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

/// Sends raw bytes, returns the status code and the body of the answer.
fn raw(port: u16, request: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let _ = s.write_all(request);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    parse_answer(&answer)
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

/// The parent's executable, thread count and mapped files (Linux `/proc`).
fn parent_process(pid: u32) -> (String, usize, String) {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
        .unwrap()
        .display()
        .to_string();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let threads = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    (exe, threads, maps)
}

fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn status_and_shared_downloads() {
    let d = Daemon::start("download", &[]);
    d.wait_idle();
    let shared = d.dir.join("var/shared");
    std::fs::create_dir_all(shared.join("ID")).unwrap();
    std::fs::write(shared.join("ID/ID-1"), b"fragment one").unwrap();
    std::fs::write(d.dir.join("var/secret"), b"secret").unwrap();
    std::os::unix::fs::symlink(d.dir.join("var/secret"), shared.join("ID/ID-2")).unwrap();

    let (code, status) = d.get("/status");
    assert_eq!(
        (code, status.lines().next()),
        (200, Some("status: waiting"))
    );
    assert_eq!(
        d.get("/?action=download&file=ID/ID-1"),
        (200, "fragment one".into())
    );
    // The seed's literal form.
    assert_eq!(
        d.get("/?action=download?file=ID/ID-1"),
        (200, "fragment one".into())
    );
    assert_eq!(d.get("/?action=download&file=ID%2FID-1").0, 200);
    for hostile in [
        "/?action=download&file=../secret",
        "/?action=download&file=ID/../../secret",
        "/?action=download&file=%2e%2e/secret",
        "/?action=download&file=%2E%2E%2Fsecret",
        "/?action=download&file=/etc/passwd",
        "/?action=download&file=%2Fetc%2Fpasswd",
        "/?action=download&file=ID/ID-2",
        "/?action=download&file=",
    ] {
        assert_eq!(d.get(hostile).0, 403, "{hostile}");
    }
    assert_eq!(d.get("/?action=download&file=ID/ID-9").0, 404);
    assert_eq!(d.get("/?action=download&file=ID/ID-1%00.txt").0, 400);
    assert_eq!(d.get("/deploy/getFile/a/ab/abc").0, 404);
    assert_eq!(d.get("/nothing/here").0, 404);
    assert_eq!(d.get("/?action=format").0, 400);
    assert_eq!(d.get("/").0, 200);
    assert_eq!(d.stop(), 0);
}

#[test]
fn deploy_parts_for_peers() {
    let d = Daemon::start("deploy", &[]);
    let data = b"a deploy part";
    let out = Command::new("sha512sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .unwrap();
    let sha = String::from_utf8(out.stdout).unwrap()[..128].to_string();
    let dir = d.dir.join(format!(
        "var/http:__srv_glpi/deploy/fileparts/shared/1900000000/{}/{}",
        &sha[0..1],
        &sha[1..2]
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&sha[2..8]), data).unwrap();
    let url = format!("/deploy/getFile/{}/{}/{sha}", &sha[0..1], &sha[0..2]);
    assert_eq!(d.get(&url), (200, "a deploy part".into()));
    let wrong = format!("/deploy/getFile/{}/{}/{sha}", &sha[0..1], "zz");
    assert_eq!(d.get(&wrong).0, 404);
    let traversal = "/deploy/getFile/./../..%2f..%2fetc%2fpasswd";
    assert_eq!(d.get(traversal).0, 404);
}

#[test]
fn log_needs_the_deviceid() {
    let d = Daemon::start("log", &[]);
    d.wait_idle();
    let id = d.deviceid();
    let (status, body) = d.get(&format!("/?action=log&deviceid={id}"));
    assert_eq!(status, 200);
    assert!(body.contains("[core][INFO] daemon started"), "{body}");
    assert_eq!(d.get("/?action=log&deviceid=someone-else").0, 403);
    assert_eq!(d.get("/?action=log").0, 403);
    assert_eq!(d.get(&format!("/?action=log&deviceid={id}x")).0, 403);
    // The query (and so the DEVICEID) never reaches the log.
    assert!(!d.log().contains(&format!("deviceid={id}")));
}

#[test]
fn wakeup_runs_the_targets() {
    let d = Daemon::start("wakeup", &[]);
    wait_for("the first run", Duration::from_secs(30), || d.runs() == 1);
    d.wait_idle();
    assert_eq!(d.get("/now").0, 403, "127.0.0.1 is not trusted");
    assert_eq!(d.get("/?action=wakeup&deviceid=wrong").0, 403);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(d.runs(), 1);
    let id = d.deviceid();
    assert_eq!(d.get(&format!("/?action=wakeup&deviceid={id}")).0, 200);
    wait_for("a run after wakeup", Duration::from_secs(30), || {
        d.runs() == 2
    });
    d.wait_idle();
    signal(d.pid(), "USR1");
    wait_for("a run after SIGUSR1", Duration::from_secs(30), || {
        d.runs() == 3
    });
    assert!(d.log().contains("run requested by 127.0.0.1"));
    assert_eq!(d.stop(), 0);
}

#[test]
fn the_parent_is_lean_single_threaded_and_runs_tasks_in_fresh_processes() {
    let d = Daemon::start("lean", &["--httpd-trust", "127.0.0.1"]);
    wait_for("the first run", Duration::from_secs(30), || d.runs() == 1);
    d.wait_idle();
    let (exe, threads, maps) = parent_process(d.pid());
    assert!(
        exe.ends_with("/ocsinventory-agent-daemon"),
        "the lean binary is the parent: {exe}"
    );
    assert_eq!(threads, 1, "one thread serves HTTP, signals and the tasks");
    assert!(
        !maps.contains("libssl") && !maps.contains("libcrypto"),
        "no TLS library in the plain-HTTP parent:\n{maps}"
    );
    // Tasks still run (they execute the full binary), and come back on /now.
    assert_eq!(d.get("/now").0, 200);
    wait_for("a run after /now", Duration::from_secs(30), || {
        d.runs() == 2
    });
    assert!(
        d.log().contains("[Inventory][INFO] inventory of"),
        "{}",
        d.log()
    );
    assert_eq!(d.stop(), 0);
}

#[test]
fn cors_lets_the_servers_pages_call_now() {
    // A server target (never reached: its first contact is far away).
    let d = Daemon::start(
        "cors",
        &[
            "--server",
            "https://glpi.example:443/front/inventory.php",
            "--delaytime",
            "86400",
        ],
    );
    let preflight = |origin: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let req = format!(
            "OPTIONS /now HTTP/1.1\r\nHost: x\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n"
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    let ok = preflight("https://glpi.example");
    assert!(ok.starts_with("HTTP/1.1 204"), "{ok}");
    assert!(
        ok.contains("Access-Control-Allow-Origin: https://glpi.example\r\n"),
        "{ok}"
    );
    assert!(
        ok.contains("Access-Control-Allow-Methods: GET, OPTIONS"),
        "{ok}"
    );
    let other = preflight("https://elsewhere.example");
    assert!(other.starts_with("HTTP/1.1 204"), "{other}");
    assert!(!other.contains("Access-Control-Allow-Origin"), "{other}");
    assert_eq!(d.stop(), 0);
}

#[test]
fn the_servers_addresses_are_trusted_once_resolved() {
    // Resolved by a forked helper, off the loop: localhost is 127.0.0.1, our client.
    let d = Daemon::start(
        "resolve",
        &[
            "--server",
            "http://localhost:9/ocsinventory",
            "--delaytime",
            "86400",
        ],
    );
    wait_for(
        "the server's address to be trusted",
        Duration::from_secs(20),
        || d.get("/now").0 == 200,
    );
    assert_eq!(d.stop(), 0);
}

#[test]
fn trusted_clients_may_call_now() {
    let d = Daemon::start("trusted", &["--httpd-trust", "10.0.0.0/8,127.0.0.1"]);
    wait_for("the first run", Duration::from_secs(30), || d.runs() == 1);
    d.wait_idle();
    assert_eq!(d.get("/now").0, 200);
    wait_for("a run after /now", Duration::from_secs(30), || {
        d.runs() == 2
    });
    assert_eq!(d.get("/now/whatever").0, 200);
    let (status, page) = d.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("next run"), "{page}");
}

#[test]
fn hostile_requests_get_answers() {
    let d = Daemon::start("hostile", &[]);
    let p = d.port;
    let mut huge = b"GET /status HTTP/1.1\r\nX-Big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 100_000));
    huge.extend_from_slice(b"\r\n\r\n");
    assert_eq!(raw(p, &huge).0, 431);
    let mut many = b"GET /status HTTP/1.1\r\n".to_vec();
    for i in 0..2000 {
        many.extend_from_slice(format!("X-{i}: y\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    assert_eq!(raw(p, &many).0, 431);
    assert_eq!(raw(p, b"GET /sta\0tus HTTP/1.1\r\n\r\n").0, 400);
    assert_eq!(
        raw(p, b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03").0,
        400
    );
    assert_eq!(raw(p, b"HELLO\r\n\r\n").0, 400);
    assert_eq!(raw(p, b"GET /status HTTP/1.1\r\nno colon\r\n\r\n").0, 400);
    assert_eq!(
        raw(p, b"POST /now HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody").0,
        405
    );
    assert_eq!(raw(p, b"GET /status HTTP/1.0\r\n\r\n").0, 200);
    // Keep-alive: two requests on one connection, then a close.
    let mut s = TcpStream::connect(("127.0.0.1", p)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /status HTTP/1.1\r\n\r\nGET /status HTTP/1.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut all = String::new();
    s.read_to_string(&mut all).unwrap();
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 2, "{all}");
    assert_eq!(d.get("/status").0, 200, "still serving");
}

#[test]
fn idle_clients_do_not_stall_others() {
    let d = Daemon::start("idle", &[]);
    // More than the 128 connections the server keeps: the silent ones make room.
    let mut idle = Vec::new();
    for i in 0..150 {
        let mut s = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET /status HTTP/1.1\r\nHost: slow").unwrap();
        }
        idle.push(s);
    }
    let start = Instant::now();
    for _ in 0..10 {
        assert_eq!(d.get("/status").0, 200);
    }
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "10 requests took {took:?}");
    drop(idle);
}

#[test]
fn a_head_sent_too_slowly_gets_408() {
    let d = Daemon::start("slow", &[]);
    let mut s = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\n").unwrap();
    let start = Instant::now();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert_eq!(parse_answer(&answer).0, 408);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(15),
        "{took:?}"
    );
}

fn sleepers() -> Vec<String> {
    Command::new("pgrep")
        .args(["-x", "sleep"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn status_while_a_task_runs_and_term_stops_it() {
    let before = sleepers();
    let d = Daemon::start_env(
        "running",
        &["--tasks", "TestSleep"],
        &[("OCSINVENTORY_AGENT_TEST_TASKS", "1")],
    );
    wait_for("the task to run", Duration::from_secs(20), || {
        d.get("/status").1.lines().next() == Some("status: running task TestSleep")
    });
    // The task's own `sleep 1000` command is running now.
    wait_for("the task's command", Duration::from_secs(10), || {
        sleepers().iter().any(|p| !before.contains(p))
    });
    assert!(d.log().contains("running task TestSleep"));
    let start = Instant::now();
    assert_eq!(d.stop(), 0);
    assert!(start.elapsed() < Duration::from_secs(10));
    // The task and the command it ran went with the daemon.
    wait_for("the task's command to die", Duration::from_secs(5), || {
        sleepers().iter().all(|p| before.contains(p))
    });
}

#[test]
fn sighup_reloads_the_configuration_and_reopens_the_log() {
    let dir = tmpdir("hup");
    let conf = dir.join("agent.cfg");
    std::fs::write(&conf, "httpd-trust = 10.1.1.1\n").unwrap();
    let conf_s = conf.display().to_string();
    let d = Daemon::start_in(dir, &["--conf-file", &conf_s], &[]);
    d.wait_idle();
    assert_eq!(d.get("/now").0, 403);
    std::fs::write(&conf, "httpd-trust = 127.0.0.1\n").unwrap();
    let log = d.dir.join("agent.log");
    std::fs::rename(&log, d.dir.join("agent.log.1")).unwrap();
    signal(d.pid(), "HUP");
    wait_for("the reload", Duration::from_secs(10), || {
        d.log().contains("configuration reloaded")
    });
    assert!(d.log().contains("SIGHUP"), "new log file opened");
    assert_eq!(d.get("/now").0, 200);
    // A broken configuration is refused as a whole, the daemon keeps running.
    std::fs::write(&conf, "delaytime = soon\n").unwrap();
    signal(d.pid(), "HUP");
    wait_for("the refusal", Duration::from_secs(10), || {
        d.log().contains("configuration not reloaded")
    });
    assert_eq!(d.get("/status").0, 200);
    // HTTPS needs the full binary: the lean parent refuses it until a restart.
    std::fs::write(
        &conf,
        "httpd-trust = 127.0.0.1\nssl-cert-file = /x.pem\nssl-key-file = /x.key\n",
    )
    .unwrap();
    signal(d.pid(), "HUP");
    wait_for("the HTTPS refusal", Duration::from_secs(10), || {
        d.log().contains("HTTPS (ssl-cert-file) needs a restart")
    });
    assert_eq!(d.get("/now").0, 200);
    assert_eq!(d.stop(), 0);
}

#[test]
fn pid_file_lifecycle() {
    let dir = tmpdir("pid");
    let pidfile = dir.join("run/agent.pid");
    std::fs::create_dir_all(pidfile.parent().unwrap()).unwrap();
    std::fs::write(&pidfile, "999999\n").unwrap(); // stale
    let pid_s = pidfile.display().to_string();
    let d = Daemon::start_in(dir.clone(), &["--pidfile", &pid_s], &[]);
    let written = std::fs::read_to_string(&pidfile).unwrap();
    assert_eq!(written.trim(), d.pid().to_string());
    // A second daemon with the same PID file refuses to start.
    let second = Command::new(BIN)
        .args(["--daemon", "--no-fork", "--no-httpd", "--local"])
        .arg(dir.join("out"))
        .arg("--vardir")
        .arg(dir.join("var"))
        .args(["--pidfile", &pid_s])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(1));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("already running"), "{err}");
    assert_eq!(d.stop(), 0);
    assert!(!pidfile.exists(), "PID file removed on exit");
}

#[test]
fn detaching_daemon() {
    let dir = tmpdir("detach");
    let port = free_port();
    let pidfile = dir.join("agent.pid");
    let out = daemon_command(Path::new(BIN), &dir, port)
        .arg("--pidfile")
        .arg(&pidfile)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let pid: u32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(alive(pid));
    assert_eq!(get(port, "/status").0, 200);
    let sid = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = sid.rsplit(')').next().unwrap().split_whitespace().collect();
    assert_ne!(
        fields[3],
        pid.to_string(),
        "not a session leader (double fork)"
    );
    assert_eq!(
        std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap(),
        Path::new("/")
    );
    signal(pid, "TERM");
    wait_for("the daemon to exit", Duration::from_secs(10), || {
        !alive(pid)
    });
    assert!(!pidfile.exists());
    // A port already taken: start-up fails with exit code 1 and says why.
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    let out = daemon_command(Path::new(BIN), &dir, busy_port)
        .arg("--pidfile")
        .arg(&pidfile)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_httpd_means_no_listener() {
    let dir = tmpdir("nohttpd");
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "--daemon",
            "--no-fork",
            "--no-httpd",
            "--httpd-ip",
            "127.0.0.1",
        ])
        .args(["--httpd-port", &port.to_string()])
        .arg("--local")
        .arg(dir.join("out"))
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--logfile")
        .arg(dir.join("agent.log"))
        .spawn()
        .unwrap();
    wait_for("start-up", Duration::from_secs(20), || {
        log_of(&dir).contains("daemon started")
    });
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

fn openssl_cert(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some((cert, key))
}

fn tls_get(port: u16, ca: &Path, path: &str) -> (u16, Vec<u8>) {
    let mut b = openssl::ssl::SslConnector::builder(openssl::ssl::SslMethod::tls()).unwrap();
    b.set_ca_file(ca).unwrap();
    let connector = b.build();
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut s = connector.connect("localhost", tcp).unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    parse_answer(&answer)
}

#[test]
fn https_interface() {
    let dir = tmpdir("https");
    let Some((cert, key)) = openssl_cert(&dir) else {
        eprintln!("openssl CLI not available: HTTPS test skipped");
        return;
    };
    let (c, k) = (cert.display().to_string(), key.display().to_string());
    let d = Daemon::start_in(dir, &["--ssl-cert-file", &c, "--ssl-key-file", &k], &[]);
    assert!(d.log().contains("HTTPS interface listening on 127.0.0.1"));
    let (exe, threads, _) = parent_process(d.pid());
    assert!(
        exe.ends_with("/ocsinventory-agent"),
        "TLS needs the full binary: {exe}"
    );
    assert_eq!(threads, 1);
    // A client that connects and never starts the handshake blocks nobody.
    let _silent = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
    let (status, body) = tls_get(d.port, &cert, "/status");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).starts_with("status: "));
    assert_eq!(tls_get(d.port, &cert, "/now").0, 403);
    assert_eq!(tls_get(d.port, &cert, "/?action=download&file=../x").0, 403);
    // Plain HTTP on the TLS port is not answered as HTTP, and does not hurt the server.
    let mut plain = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = plain.write_all(b"GET /status HTTP/1.1\r\n\r\n");
    let mut junk = Vec::new();
    let _ = plain.read_to_end(&mut junk);
    assert!(!junk.starts_with(b"HTTP/1.1 200"));
    assert_eq!(tls_get(d.port, &cert, "/status").0, 200);
}

#[test]
fn init_script_starts_reports_and_stops() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("conf/init.d/ocsinventory-agent");
    let dir = tmpdir("initd");
    let port = free_port();
    let pidfile = dir.join("agent.pid");
    let opts = format!(
        "--httpd-ip 127.0.0.1 --httpd-port {port} --local {} --vardir {} --logfile {}",
        dir.join("out").display(),
        dir.join("var").display(),
        dir.join("agent.log").display()
    );
    let run = |action: &str| {
        Command::new("sh")
            .arg(&script)
            .arg(action)
            .env("DAEMON", BIN)
            .env("PIDFILE", &pidfile)
            .env("CONFFILE", dir.join("none.cfg"))
            .env("DEFAULTS_FILE", dir.join("none.defaults"))
            .env("DAEMON_OPTS", &opts)
            .output()
            .unwrap()
    };
    assert_eq!(run("status").status.code(), Some(3));
    let start = run("start");
    assert_eq!(start.status.code(), Some(0), "{start:?}");
    let status = run("status");
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    assert!(String::from_utf8_lossy(&status.stdout).contains("is running"));
    assert_eq!(get(port, "/status").0, 200);
    assert_eq!(run("reload").status.code(), Some(0));
    wait_for("the reload", Duration::from_secs(10), || {
        log_of(&dir).contains("configuration reloaded")
    });
    let pid: u32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(run("stop").status.code(), Some(0));
    assert!(!alive(pid));
    assert_eq!(run("status").status.code(), Some(3));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rc_d_script_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for script in [
        "conf/rc.d/ocsinventory_agent",
        "conf/init.d/ocsinventory-agent",
    ] {
        let ok = Command::new("sh")
            .arg("-n")
            .arg(root.join(script))
            .status()
            .unwrap()
            .success();
        assert!(ok, "{script}");
    }
    let rc = std::fs::read_to_string(root.join("conf/rc.d/ocsinventory_agent")).unwrap();
    for needle in [
        "ocsinventory_agent_enable",
        "ocsinventory_agent_flags",
        "pidfile=",
        "run_rc_command",
    ] {
        assert!(rc.contains(needle), "{needle}");
    }
    let unit =
        std::fs::read_to_string(root.join("conf/systemd/ocsinventory-agent.service")).unwrap();
    assert!(unit.contains("--daemon --no-fork") && unit.contains("ExecReload=/bin/kill -HUP"));
}

#[test]
fn make_install_puts_the_lean_parent_where_the_agent_finds_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dest = tmpdir("install");
    let out = Command::new("make")
        .current_dir(root)
        .arg("-s")
        .arg("install")
        .arg("PREFIX=/usr")
        .arg(format!("DESTDIR={}", dest.display()))
        .arg(format!("AGENT_BIN={BIN}"))
        .arg(format!(
            "DAEMON_BIN={}",
            env!("CARGO_BIN_EXE_ocsinventory-agent-daemon")
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let agent = dest.join("usr/bin/ocsinventory-agent");
    let lean = dest.join("usr/libexec/ocsinventory-agent/ocsinventory-agent-daemon");
    for f in [
        &agent,
        &lean,
        &dest.join("etc/ocsinventory-agent/agent.cfg"),
        &dest.join("usr/share/man/man1/ocsinventory-agent.1"),
        &dest.join("etc/init.d/ocsinventory-agent"),
        &dest.join("usr/lib/systemd/system/ocsinventory-agent.service"),
        &dest.join("etc/logrotate.d/ocsinventory-agent"),
        &dest.join("var/lib/ocsinventory-agent"),
    ] {
        assert!(f.exists(), "{} installed", f.display());
    }
    // The installed agent hands the daemon over to the installed lean binary, which
    // keeps the command line and runs tasks with the installed agent.
    let d = Daemon::start_binary(&agent, dest.clone(), &["--httpd-trust", "127.0.0.1"], &[]);
    wait_for("the first run", Duration::from_secs(30), || d.runs() == 1);
    let (exe, threads, _) = parent_process(d.pid());
    assert_eq!(Path::new(&exe), lean.canonicalize().unwrap());
    assert_eq!(threads, 1);
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", d.pid())).unwrap();
    assert!(
        cmdline.starts_with(agent.as_os_str().as_encoded_bytes()),
        "{}",
        String::from_utf8_lossy(&cmdline)
    );
    assert_eq!(d.stop(), 0);
}
