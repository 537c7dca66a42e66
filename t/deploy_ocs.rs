//! Deploy against the real OCS Inventory server (Debian's packages), instance
//! `/var/lib/ocsinv-agent-testsrv-deploy` on 18380/18743/18744, started by
//! `t/ocs-server/start.sh` (`make integration` does it); packages are made by
//! `t/ocs-server/make-package.sh` as the console makes them. Checks what the server
//! records (`devices.TVALUE`), what ran on this machine, and for P2P the server's access
//! log. Runs only with `OCS_INTEGRATION=1`; otherwise it says "skipped" and passes.

use crate::support;

use std::io::{Read, Write};

use md5::Digest;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::agent::log_of;
use support::daemon::{wait_for, Daemon};
use support::ocs_server::{enabled, DEPLOY};

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A fresh vardir with its own DEVICEID (unique even within one second).
fn agent_dir(name: &str) -> (PathBuf, String) {
    let d = support::tmpdir("ocsa-deploy", name);
    std::fs::create_dir_all(d.join("var")).unwrap();
    let host = Command::new("hostname").output().unwrap();
    let host = String::from_utf8_lossy(&host.stdout)
        .trim()
        .split('.')
        .next()
        .unwrap()
        .to_string();
    let n = (std::process::id() % 3000) * 20 + SEQ.fetch_add(1, Ordering::SeqCst);
    let id = format!(
        "{host}-2031-01-{:02}-{:02}-{:02}-{:02}",
        1 + n / 216000 % 28,
        n / 3600 % 24,
        n / 60 % 60,
        n % 60
    );
    std::fs::write(d.join("var/agent.state"), format!("deviceid={id}\n")).unwrap();
    (d, id)
}

fn agent(dir: &Path, extra: &[&str]) -> Output {
    let (http, ca) = (DEPLOY.url(), DEPLOY.ca());
    let mut args = vec![
        "--server",
        &http,
        "--ca-cert-file",
        &ca,
        "--deploy-frag-latency",
        "0",
        "--deploy-cycle-latency",
        "0",
        "--deploy-period-latency",
        "0",
        "--deploy-p2p-subnet",
        "127.0.0.1/32",
        "--logfile",
    ];
    let log = dir.join("agent.log");
    args.push(log.to_str().unwrap());
    args.extend_from_slice(extra);
    if !extra.contains(&"--deploy-p2p-port") {
        // nobody listens there: no peer
        args.extend_from_slice(&["--deploy-p2p-port", "62499"]);
    }
    let out = support::agent::run(&dir.join("var"), &args);
    eprintln!("agent {extra:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Registers the device (one inventory), so that packages can be affected to it.
fn register(dir: &Path) {
    let out = agent(dir, &["--force", "--tasks", "Inventory"]);
    assert!(out.status.success(), "{}", log_of(dir));
}

fn tvalue(deviceid: &str, pkg: &str) -> String {
    DEPLOY.db(&format!(
        "SELECT d.TVALUE FROM devices d JOIN download_enable e ON e.ID=d.IVALUE \
         JOIN hardware h ON h.ID=d.HARDWARE_ID WHERE d.NAME='DOWNLOAD' \
         AND h.DEVICEID='{deviceid}' AND e.FILEID='{pkg}'"
    ))
}

/// A package ID of this test run: digits, unique.
fn pkg_id(n: u32) -> String {
    format!("{}{:02}", 1_100_000 + std::process::id() % 100_000, n)
}

fn access_log_count(pattern: &str) -> usize {
    std::fs::read_to_string(format!("{}/log/apache-access.log", DEPLOY.dir))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(pattern))
        .count()
}

#[test]
fn execute_store_and_launch_succeed_and_run_once() {
    if !enabled() {
        return;
    }
    DEPLOY.start();
    let (d, id) = agent_dir("ok");
    register(&d);
    let out_dir = d.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exec_mark = out_dir.join("executed");
    let (p_exec, p_store, p_launch, p_zip) = (pkg_id(1), pkg_id(2), pkg_id(3), pkg_id(4));
    let cmd = format!(
        "cat README.txt >> {} && echo EXECUTE-RAN",
        exec_mark.display()
    );
    DEPLOY.script(
        "make-package.sh",
        &[&id, &p_exec, "EXECUTE", &cmd, "--frags", "3"],
    );
    let store = out_dir.join("store");
    DEPLOY.script(
        "make-package.sh",
        &[&id, &p_store, "STORE", store.to_str().unwrap()],
    );
    let launch_mark = out_dir.join("launched");
    DEPLOY.script(
        "make-package.sh",
        &[
            &id,
            &p_launch,
            "LAUNCH",
            &format!("pwd > {}; exit 3", launch_mark.display()),
            "--pri",
            "0",
        ],
    );
    let zip_mark = out_dir.join("zip");
    DEPLOY.script(
        "make-package.sh",
        &[
            &id,
            &p_zip,
            "EXECUTE",
            &format!("ls > {}", zip_mark.display()),
            "--format",
            "zip",
            "--frags",
            "2",
        ],
    );
    let out = agent(&d, &[]);
    let log = log_of(&d);
    assert!(out.status.success(), "{log}");
    for p in [&p_exec, &p_store, &p_zip] {
        assert_eq!(tvalue(&id, p), "SUCCESS", "package {p}\n{log}");
    }
    // A LAUNCH reports its exit code, as the server and its console expect.
    assert_eq!(tvalue(&id, &p_launch), "SUCCESS_3", "{log}");
    let ran = std::fs::read_to_string(&exec_mark).unwrap();
    assert!(
        ran.contains(&format!("OCS test package {p_exec} (EXECUTE)")),
        "{ran}"
    );
    // Issue #22: a command's output is counted at INFO, its lines are at DEBUG only.
    assert!(
        log.contains("line(s) of output (shown at debug level)") && !log.contains("| EXECUTE-RAN"),
        "the command's output is logged at DEBUG only\n{log}"
    );
    assert!(std::fs::read_to_string(store.join("README.txt"))
        .unwrap()
        .contains(&format!("OCS test package {p_store} (STORE)")));
    let cwd = std::fs::read_to_string(&launch_mark).unwrap();
    assert!(
        cwd.trim().ends_with("/work"),
        "launched in the unpacked folder: {cwd}"
    );
    assert!(std::fs::read_to_string(&zip_mark)
        .unwrap()
        .contains("README.txt"));
    // the work folders are gone, the fragments are shared
    let server_dirs: Vec<_> = std::fs::read_dir(d.join("var"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("download/history").exists())
        .collect();
    assert_eq!(server_dirs.len(), 1);
    let dl = server_dirs[0].path().join("download");
    let history = std::fs::read_to_string(dl.join("history")).unwrap();
    for p in [&p_exec, &p_store, &p_launch, &p_zip] {
        assert!(history.lines().any(|l| l == p.as_str()));
        assert!(!dl.join(p.as_str()).exists(), "{p} cleaned");
    }
    assert!(d.join(format!("var/shared/{p_exec}/{p_exec}-3")).is_file());

    // Forced again by the server: the history does not stop it; not forced: it does.
    DEPLOY.script(
        "make-package.sh",
        &[&id, &p_exec, "EXECUTE", &cmd, "--frags", "3", "--force"],
    );
    DEPLOY.script("make-package.sh", &[&id, &p_launch, "LAUNCH", "exit 0"]);
    let out = agent(&d, &[]);
    assert!(out.status.success());
    let ran = std::fs::read_to_string(&exec_mark).unwrap();
    assert_eq!(
        ran.matches("OCS test package").count(),
        2,
        "forced: ran again"
    );
    assert_eq!(tvalue(&id, &p_exec), "SUCCESS");
    assert_eq!(tvalue(&id, &p_launch), "SUCCESS_ALREADY_SETUP");
    // The history travelled in that run's inventory (CONTENT/DOWNLOAD/HISTORY).
    for p in [&p_exec, &p_store, &p_launch, &p_zip] {
        assert_eq!(
            DEPLOY.db(&format!(
                "SELECT COUNT(*) FROM download_history dh JOIN hardware h ON h.ID=dh.HARDWARE_ID \
                 WHERE h.DEVICEID='{id}' AND dh.PKG_ID={p}"
            )),
            "1",
            "package {p} in download_history"
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn bad_digest_info_archive_and_commands_are_reported_and_nothing_runs() {
    if !enabled() {
        return;
    }
    DEPLOY.start();
    let dir = DEPLOY.dir;
    let (d, id) = agent_dir("bad");
    register(&d);
    let mark = d.join("must-not-exist");
    let (p_digest, p_hang, p_fail) = (pkg_id(11), pkg_id(12), pkg_id(13));
    let (p_noinfo, p_absurd, p_evil) = (pkg_id(14), pkg_id(15), pkg_id(16));
    DEPLOY.script(
        "make-package.sh",
        &[
            &id,
            &p_digest,
            "EXECUTE",
            &format!("touch {}", mark.display()),
            "--digest",
            "0123456789abcdef0123456789abcdef",
        ],
    );
    DEPLOY.script("make-package.sh", &[&id, &p_hang, "EXECUTE", "sleep 600"]);
    DEPLOY.script(
        "make-package.sh",
        &[&id, &p_fail, "EXECUTE", "echo failing; exit 7"],
    );
    let touch = format!("touch {}", mark.display());
    // no info file on the server
    DEPLOY.script("make-package.sh", &[&id, &p_noinfo, "EXECUTE", &touch]);
    std::fs::remove_file(format!("{dir}/download/{p_noinfo}/info")).unwrap();
    // an absurd info file
    DEPLOY.script("make-package.sh", &[&id, &p_absurd, "EXECUTE", &touch]);
    let info_path = format!("{dir}/download/{p_absurd}/info");
    let info = std::fs::read_to_string(&info_path).unwrap();
    std::fs::write(&info_path, info.replace("FRAGS=\"1\"", "FRAGS=\"-3\"")).unwrap();
    // an archive that climbs out of its folder, with the right digest
    DEPLOY.script("make-package.sh", &[&id, &p_evil, "EXECUTE", &touch]);
    let evil = evil_archive();
    std::fs::write(format!("{dir}/download/{p_evil}/{p_evil}-1"), &evil).unwrap();
    let md5: String = md5::Md5::digest(&evil)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let info_path = format!("{dir}/download/{p_evil}/info");
    let info = std::fs::read_to_string(&info_path).unwrap();
    let start = info.find("DIGEST=\"").unwrap() + 8;
    let end = start + info[start..].find('"').unwrap();
    std::fs::write(
        &info_path,
        format!("{}{md5}{}", &info[..start], &info[end..]),
    )
    .unwrap();
    let t = Instant::now();
    let out = agent(&d, &["--deploy-command-timeout", "2"]);
    let log = log_of(&d);
    assert!(out.status.success(), "{log}");
    assert!(t.elapsed() < Duration::from_secs(60));
    assert_eq!(tvalue(&id, &p_digest), "ERR_BAD_DIGEST", "{log}");
    assert!(!mark.exists(), "a package with a bad digest never runs");
    assert_eq!(tvalue(&id, &p_hang), "ERR_TIMEOUT", "{log}");
    assert_eq!(tvalue(&id, &p_fail), "ERR_EXECUTE", "{log}");
    assert!(log.contains("failing"));
    assert_eq!(tvalue(&id, &p_noinfo), "ERR_DOWNLOAD_INFO", "{log}");
    assert_eq!(tvalue(&id, &p_absurd), "ERR_DOWNLOAD_INFO", "{log}");
    assert_eq!(tvalue(&id, &p_evil), "ERR_BUILD", "{log}");
    assert!(log.contains("climbs out"), "{log}");
    assert!(!Path::new("/tmp/escaped-by-ocs-pkg").exists());
    let ps = Command::new("ps").args(["-eo", "args"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&ps.stdout)
        .lines()
        .any(|l| l.trim() == "sleep 600"));
    for p in [&p_digest, &p_hang, &p_fail, &p_noinfo, &p_absurd, &p_evil] {
        let leftovers = std::fs::read_dir(d.join("var"))
            .unwrap()
            .flatten()
            .any(|e| e.path().join("download").join(p.as_str()).exists());
        assert!(!leftovers, "{p}: work folder cleaned");
    }
    assert!(
        !d.join(format!("var/shared/{p_digest}")).exists(),
        "bad fragments are not shared"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// A tar.gz whose entry climbs out of the work folder (`../../../../tmp/…`).
fn evil_archive() -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    let name = b"../../../../../../../../tmp/escaped-by-ocs-pkg";
    let mut h = tar::Header::new_gnu();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.set_size(2);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    b.append(&h, &b"x\n"[..]).unwrap();
    b.into_inner().unwrap().finish().unwrap()
}

/// The first agent's daemon, serving its `shared/` on loopback.
fn daemon(dir: &Path, port: u16) -> Daemon {
    let child = Command::new(env!("CARGO_BIN_EXE_ocsinventory-agent"))
        .args([
            "--daemon",
            "--no-fork",
            "--httpd-ip",
            "127.0.0.1",
            "--httpd-port",
            &port.to_string(),
            "--lazy",
        ])
        .arg("--local")
        .arg(dir.join("out"))
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--logfile")
        .arg(dir.join("daemon.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Daemon(child);
    wait_for("the daemon to start", Duration::from_secs(20), || {
        std::fs::read_to_string(dir.join("daemon.log")).is_ok_and(|l| l.contains("listening on"))
    });
    d
}

/// A peer that answers every fragment request with garbage of the right size.
fn liar(port: u16, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    let l = TcpListener::bind(("127.0.0.1", port)).unwrap();
    l.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let mut served = 0;
        let end = Instant::now() + Duration::from_secs(120);
        while Instant::now() < end && !stop.load(Ordering::SeqCst) {
            match l.accept() {
                Ok((mut s, _)) => {
                    s.set_nonblocking(false).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                    let mut buf = [0u8; 2048];
                    let n = s.read(&mut buf).unwrap_or(0);
                    if n > 0 && buf[..n].starts_with(b"GET /?action=download") {
                        served += 1;
                        let _ = s.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 40\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        served
    })
}

#[test]
fn a_second_agent_gets_the_fragments_from_the_first_one_s_daemon() {
    if !enabled() {
        return;
    }
    DEPLOY.start();
    let (a, id_a) = agent_dir("p2p-a");
    let (b, id_b) = agent_dir("p2p-b");
    let (c, id_c) = agent_dir("p2p-c");
    register(&a);
    register(&b);
    register(&c);
    let pkg = pkg_id(21);
    let big = a.join("payload.bin");
    let data: Vec<u8> = (0..400_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&big, &data).unwrap();
    let cmd = "cmp payload.bin payload.bin && echo P2P-OK";
    DEPLOY.script(
        "make-package.sh",
        &[
            &id_a,
            &pkg,
            "EXECUTE",
            cmd,
            "--frags",
            "8",
            "--file",
            big.to_str().unwrap(),
        ],
    );
    let out = agent(&a, &[]);
    assert!(out.status.success());
    assert_eq!(tvalue(&id_a, &pkg), "SUCCESS", "{}", log_of(&a));
    for n in 1..=8 {
        assert!(a.join(format!("var/shared/{pkg}/{pkg}-{n}")).is_file());
    }
    let _da = daemon(&a, 62410);

    // B asks A's daemon first: the server sees the info request, no fragment request.
    DEPLOY.script(
        "make-package.sh",
        &[
            &id_b,
            &pkg,
            "EXECUTE",
            cmd,
            "--frags",
            "8",
            "--file",
            big.to_str().unwrap(),
        ],
    );
    let frag_path = format!("GET /download/{pkg}/{pkg}-");
    let before = access_log_count(&frag_path);
    let out = agent(&b, &["--deploy-p2p-port", "62410", "--httpd-port", "62411"]);
    let log_b = log_of(&b);
    assert!(out.status.success(), "{log_b}");
    assert_eq!(tvalue(&id_b, &pkg), "SUCCESS", "{log_b}");
    assert_eq!(
        log_b.matches("from peer 127.0.0.1:62410").count(),
        8,
        "{log_b}"
    );
    assert!(log_b.contains("P2P-OK"));
    // Apache writes its access log line after the reply: give it a moment
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        access_log_count(&frag_path),
        before,
        "no fragment asked of the server"
    );

    // C meets a peer that lies: the digest fails, the peer is dropped, the server serves.
    let stop = Arc::new(AtomicBool::new(false));
    let lying = liar(62412, stop.clone());
    DEPLOY.script(
        "make-package.sh",
        &[
            &id_c,
            &pkg,
            "EXECUTE",
            cmd,
            "--frags",
            "8",
            "--file",
            big.to_str().unwrap(),
        ],
    );
    let out = agent(&c, &["--deploy-p2p-port", "62412"]);
    let log_c = log_of(&c);
    assert!(out.status.success(), "{log_c}");
    assert_eq!(tvalue(&id_c, &pkg), "SUCCESS", "{log_c}");
    assert!(
        log_c.contains("peer 127.0.0.1:62412 sent a bad fragment, dropped"),
        "{log_c}"
    );
    assert!(log_c.contains("P2P-OK"));
    stop.store(true, Ordering::SeqCst);
    let served = lying.join().unwrap();
    assert_eq!(
        served, 8,
        "the liar was asked once per fragment, then dropped"
    );
    let peers = std::fs::read_to_string(c.join("var/deploy-peers")).unwrap();
    let line = peers.lines().find(|l| l.starts_with("peers=")).unwrap();
    assert!(!line.contains("62412"), "{peers}");
    for d in [a, b, c] {
        let _ = std::fs::remove_dir_all(&d);
    }
}
