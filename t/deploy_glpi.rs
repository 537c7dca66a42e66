//! GLPI/FusionInventory Deploy end to end: the real agent binary against
//! `support::glpi_deploy_server` (no GLPI can run here), on loopback. A job with checks,
//! a file in gzip parts from the mirror, and every action kind; a skipped job; a broken
//! mirror; a failing command; a hostile archive; and a second agent that takes the
//! parts from the first one's daemon (`/deploy/getFile/…`) instead of the mirror.

use crate::support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::Digest;
use support::glpi_deploy_server::GlpiDeployServer;

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocsa-glpi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("var")).unwrap();
    std::fs::create_dir_all(d.join("out")).unwrap();
    d
}

fn sha512(data: &[u8]) -> String {
    sha2::Sha512::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The DEVICEID the agent will use in `dir` (written before it runs).
fn deviceid(dir: &Path) -> String {
    let host = Command::new("hostname").output().unwrap();
    let host = String::from_utf8_lossy(&host.stdout)
        .trim()
        .split('.')
        .next()
        .unwrap()
        .to_string();
    let id = format!("{host}-2030-06-01-00-00-{:02}", std::process::id() % 60);
    std::fs::write(dir.join("var/agent.state"), format!("deviceid={id}\n")).unwrap();
    id
}

fn agent(dir: &Path, server: &GlpiDeployServer, extra: &[&str]) -> (Output, String) {
    let log = dir.join("agent.log");
    let _ = std::fs::remove_file(&log);
    let mut args = vec![
        "--server",
        &*Box::leak(server.url().into_boxed_str()),
        "--glpi-deploy",
        "--tasks",
        "Deploy",
        "--deploy-p2p-subnet",
        "127.0.0.1/32",
        "--logfile",
        &*Box::leak(log.display().to_string().into_boxed_str()),
    ];
    args.extend_from_slice(extra);
    if !extra.contains(&"--deploy-command-timeout") {
        args.extend_from_slice(&["--deploy-command-timeout", "10"]);
    }
    if !extra.contains(&"--deploy-p2p-port") {
        args.extend_from_slice(&["--deploy-p2p-port", "62498"]);
    }
    let out = support::agent::run(&dir.join("var"), &args);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    (out, text)
}

/// A tar.gz of `files` (name, mode, content), entry headers written raw so that a
/// hostile name can be tested too.
fn tar_gz(files: &[(&str, u32, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, mode, data) in files {
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(*mode);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// Splits `data` into `n` parts, each a gzip stream; registers them on the server and
/// returns the file description (key, JSON).
fn add_file(
    server: &GlpiDeployServer,
    name: &str,
    data: &[u8],
    n: usize,
    p2p: bool,
) -> (String, Value) {
    let step = data.len().div_ceil(n);
    let mut parts = Vec::new();
    for chunk in data.chunks(step) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(chunk).unwrap();
        let gz = e.finish().unwrap();
        let sha = sha512(&gz);
        server.state.lock().unwrap().parts.insert(sha.clone(), gz);
        parts.push(sha);
    }
    let key = sha512(data);
    let desc = json!({
        "name": name, "uncompress": 1, "p2p": if p2p { 1 } else { 0 },
        "p2p-retention-duration": if p2p { 60 } else { 0 },
        "mirrors": [server.mirror()], "multiparts": parts
    });
    (key, desc)
}

fn last(server: &GlpiDeployServer, uuid: &str) -> (String, String) {
    let s = server.statuses(uuid);
    let l = s.last().unwrap_or_else(|| panic!("no status for {uuid}"));
    (
        l.get("status").cloned().unwrap_or_default(),
        l.get("msg").cloned().unwrap_or_default(),
    )
}

fn payload() -> Vec<u8> {
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    tar_gz(&[
        ("hello.sh", 0o755, b"#!/bin/sh\necho \"hello $GREETING\"\n"),
        ("data.txt", 0o644, b"some data\n"),
        ("big.bin", 0o644, &big),
    ])
}

#[test]
fn a_full_job_then_skip_broken_mirror_failing_command_and_hostile_archive() {
    let d = tmpdir("full");
    let id = deviceid(&d);
    let server = GlpiDeployServer::start(&id);
    let out = d.join("out");
    let (key, desc) = add_file(&server, "pkg.tar.gz", &payload(), 3, false);
    let o = out.display().to_string();
    let job = json!({
        "uuid": "job-full",
        "checks": [
            {"type": "directoryExists", "path": "/tmp", "return": "ko"},
            {"type": "fileMissing", "path": format!("{o}/done"), "return": "ko"},
            {"type": "fileExists", "path": "/no/such/file", "return": "warning"}
        ],
        "associatedFiles": [key],
        "actions": [
            {"mkdir": {"list": [format!("{o}/sub"), format!("{o}/moved")]}},
            {"cmd": {"exec": format!("./hello.sh > {o}/done"), "envs": {"GREETING": "world"},
                     "retChecks": [{"type": "okCode", "values": ["0"]}]}},
            {"copy": {"from": "data.txt", "to": format!("{o}/sub")}},
            {"move": {"from": "*.txt", "to": format!("{o}/moved")}},
            {"delete": {"list": [format!("{o}/sub/data.txt")]}},
            {"cmd": {"exec": "echo all good", "retChecks": [{"type": "okPattern", "values": ["good"]}]}}
        ]
    });
    server.state.lock().unwrap().jobs =
        Some(json!({"jobs": [job], "associatedFiles": {key.clone(): desc}}));
    let (o1, log) = agent(&d, &server, &[]);
    assert!(o1.status.success(), "{log}");
    assert_eq!(
        last(&server, "job-full"),
        ("ok".into(), "job successfully completed".into())
    );
    assert_eq!(
        std::fs::read_to_string(out.join("done")).unwrap(),
        "hello world\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("moved/data.txt")).unwrap(),
        "some data\n"
    );
    assert!(!out.join("sub/data.txt").exists(), "deleted");
    assert!(out.join("sub").is_dir());
    assert_eq!(server.state.lock().unwrap().part_requests, 3);
    let steps: Vec<String> = server
        .statuses("job-full")
        .iter()
        .filter_map(|s| s.get("currentStep").cloned())
        .collect();
    for step in ["checking", "downloading", "prepare", "processing"] {
        assert!(steps.iter().any(|s| s == step), "{step} in {steps:?}");
    }
    // the work folder and the private parts are gone
    let srv_dir = std::fs::read_dir(d.join("var"))
        .unwrap()
        .flatten()
        .find(|e| e.path().join("deploy").is_dir())
        .unwrap()
        .path();
    assert!(!srv_dir.join("deploy/workdir/job-full").exists());
    let leftover = Command::new("find")
        .arg(srv_dir.join("deploy/fileparts"))
        .args(["-type", "f"])
        .output()
        .unwrap();
    assert!(
        leftover.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&leftover.stdout)
    );

    // Second run: a skipped job, a broken mirror, a failing command, a hostile archive.
    let (k2, d2) = add_file(&server, "p2.tar.gz", &payload(), 2, false);
    let sha_bad = d2["multiparts"][1].as_str().unwrap().to_string();
    let hostile = tar_gz(&[("../escaped.txt", 0o644, b"x"), ("ok.txt", 0o644, b"y")]);
    let (k3, d3) = add_file(&server, "evil.tar.gz", &hostile, 1, false);
    let marker = out.join("must-not-exist");
    let m = marker.display().to_string();
    server.state.lock().unwrap().corrupt.push(sha_bad);
    let jobs = json!({
        "jobs": [
            {"uuid": "job-skip", "checks": [{"type": "fileExists", "path": "/no/such", "return": "skip"}],
             "associatedFiles": [k2.clone()], "actions": [{"cmd": {"exec": format!("touch {m}")}}]},
            {"uuid": "job-mirror", "checks": [], "associatedFiles": [k2.clone()],
             "actions": [{"cmd": {"exec": format!("touch {m}")}}]},
            {"uuid": "job-cmd", "checks": [], "associatedFiles": [],
             "actions": [{"cmd": {"exec": "echo failing; exit 3", "retChecks": [{"type": "okCode", "values": ["0"]}]}},
                         {"cmd": {"exec": format!("touch {m}")}}]},
            {"uuid": "job-evil", "checks": [], "associatedFiles": [k3.clone()],
             "actions": [{"cmd": {"exec": format!("touch {m}")}}]},
            {"uuid": "job-hang", "checks": [], "associatedFiles": [],
             "actions": [{"cmd": {"exec": "sleep 600"}}]}
        ],
        "associatedFiles": {k2: d2, k3: d3}
    });
    server.state.lock().unwrap().jobs = Some(jobs);
    let t = Instant::now();
    let (o2, log) = agent(&d, &server, &["--deploy-command-timeout", "2"]);
    assert!(o2.status.success(), "{log}");
    assert!(t.elapsed() < Duration::from_secs(60));
    assert_eq!(
        last(&server, "job-skip"),
        ("ok".into(), "job skipped".into())
    );
    let (st, msg) = last(&server, "job-mirror");
    assert_eq!(st, "ko");
    assert!(msg.contains("could not be fetched"), "{msg}");
    let (st, msg) = last(&server, "job-cmd");
    assert_eq!(st, "ko");
    assert!(
        msg.contains("action #1 cmd failed") && msg.contains("exit status 3"),
        "{msg}"
    );
    let (st, msg) = last(&server, "job-evil");
    assert_eq!(st, "ko");
    assert!(msg.contains("'..'"), "{msg}");
    let (st, msg) = last(&server, "job-hang");
    assert_eq!(st, "ko");
    assert!(msg.contains("killed"), "{msg}");
    assert!(!marker.exists(), "nothing ran after a failure");
    assert!(!srv_dir.join("deploy/escaped.txt").exists());
    assert!(!srv_dir.join("deploy/workdir/escaped.txt").exists());
    let _ = std::fs::remove_dir_all(&d);
}

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

#[test]
fn a_second_agent_takes_the_parts_from_the_first_one_s_daemon() {
    let a = tmpdir("p2p-a");
    let id = deviceid(&a);
    let server = GlpiDeployServer::start(&id);
    let (key, desc) = add_file(&server, "pkg.tar.gz", &payload(), 4, true);
    let job = |uuid: &str| {
        json!({"jobs": [{"uuid": uuid, "checks": [], "associatedFiles": [key.clone()],
            "actions": [{"cmd": {"exec": "test -s big.bin && echo P2P-OK",
                                 "retChecks": [{"type": "okPattern", "values": ["P2P-OK"]}]}}]}],
           "associatedFiles": {key.clone(): desc.clone()}})
    };
    server.state.lock().unwrap().jobs = Some(job("job-a"));
    let (o, log) = agent(&a, &server, &[]);
    assert!(o.status.success(), "{log}");
    assert_eq!(last(&server, "job-a").0, "ok");
    assert_eq!(server.state.lock().unwrap().part_requests, 4);

    let port = 62420;
    let child = Command::new(env!("CARGO_BIN_EXE_ocsinventory-agent"))
        .args([
            "--daemon",
            "--no-fork",
            "--httpd-ip",
            "127.0.0.1",
            "--httpd-port",
            &port.to_string(),
        ])
        .arg("--local")
        .arg(a.join("out"))
        .arg("--vardir")
        .arg(a.join("var"))
        .arg("--logfile")
        .arg(a.join("daemon.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _daemon = Daemon(child);
    let start = Instant::now();
    while !std::fs::read_to_string(a.join("daemon.log")).is_ok_and(|l| l.contains("listening on")) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "daemon did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // B: same machine id on the server's side (the fake knows one), its own vardir.
    let b = tmpdir("p2p-b");
    std::fs::copy(a.join("var/agent.state"), b.join("var/agent.state")).unwrap();
    server.state.lock().unwrap().jobs = Some(job("job-b"));
    let (o, log) = agent(&b, &server, &["--deploy-p2p-port", &port.to_string()]);
    assert!(o.status.success(), "{log}");
    assert_eq!(
        last(&server, "job-b"),
        ("ok".into(), "job successfully completed".into())
    );
    assert_eq!(
        log.matches(&format!("from peer 127.0.0.1:{port}")).count(),
        4,
        "{log}"
    );
    assert_eq!(
        server.state.lock().unwrap().part_requests,
        4,
        "the mirror was not asked again"
    );
    assert!(log.contains("P2P-OK"));

    // C with no-p2p: the mirror again, no peer asked.
    let c = tmpdir("p2p-c");
    std::fs::copy(a.join("var/agent.state"), c.join("var/agent.state")).unwrap();
    server.state.lock().unwrap().jobs = Some(job("job-c"));
    let (o, log) = agent(
        &c,
        &server,
        &["--deploy-p2p-port", &port.to_string(), "--no-p2p"],
    );
    assert!(o.status.success(), "{log}");
    assert_eq!(last(&server, "job-c").0, "ok");
    assert!(!log.contains("from peer"), "{log}");
    assert_eq!(server.state.lock().unwrap().part_requests, 8);
    assert!(!c.join("var/deploy-peers").exists(), "no scan with no-p2p");
    let shared = Command::new("find")
        .arg(c.join("var"))
        .args(["-path", "*fileparts*", "-type", "f"])
        .output()
        .unwrap();
    assert!(
        shared.stdout.is_empty(),
        "nothing kept for peers with no-p2p"
    );
    drop(_daemon);
    let _ = std::fs::remove_dir_all(&c);
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}
