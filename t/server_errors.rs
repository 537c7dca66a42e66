//! What the agent does when a server misbehaves, against a fake server on loopback
//! (`support/fake_server.rs`): slow answers, garbage, HTTP errors, authentication.
//! Needs no real server, so it runs with the standard suite.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use support::fake_server::{FakeServer, Reply};

const SEND: &str = "<?xml version='1.0' encoding='UTF-8'?>\n<REPLY><PROLOG_FREQ>12</PROLOG_FREQ><RESPONSE>SEND</RESPONSE>\
<OPTION><NAME>DOWNLOAD</NAME><PARAM TYPE=\"CONF\" ON=\"0\"/></OPTION></REPLY>";
const STOP: &str = "<REPLY><RESPONSE>STOP</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>";
const ACCOUNT: &str = "<REPLY><RESPONSE>ACCOUNT_UPDATE</RESPONSE><ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>NA</KEYVALUE></ACCOUNTINFO></REPLY>";

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocsa-t-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn agent(vardir: &Path, args: &[&str]) -> Output {
    support::agent::run(vardir, args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn server_dir(vardir: &Path, url: &str) -> PathBuf {
    vardir.join(url.replace('/', "_"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn error_answers_keep_the_state_and_the_inventory() {
    let v = tmpdir("errors");
    // A good contact first: PROLOG SEND, inventory accepted with an ACCOUNT_UPDATE.
    let fake = FakeServer::start(vec![
        Reply::Xml(SEND),
        Reply::Xml(ACCOUNT),
        Reply::Status(500),
        Reply::Raw(b"this is not a reply"),
        Reply::Xml("<html><body>not OCS</body></html>"),
    ]);
    let url = fake.url();
    let dir = server_dir(&v, &url);
    let out = agent(&v, &["-s", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let last_state = read(&dir.join("checksums"));
    assert!(last_state.contains("deviceid="), "{last_state}");
    assert_eq!(read(&dir.join("accountinfo")), "TAG=NA\n");
    assert!(read(&dir.join("options/DOWNLOAD.xml")).contains("DOWNLOAD"));
    assert!(read(&dir.join("schedule")).contains("period=43200"));
    assert!(!dir.join("pending.xml").exists());

    for (expect, retry) in [
        ("HTTP 500", "next try in 60 s"),
        (
            "the reply is neither zlib, gzip nor XML",
            "next try in 120 s",
        ),
        ("the reply is not an OCS reply", "next try in 240 s"),
    ] {
        let out = agent(&v, &["-s", &url]);
        let err = stderr(&out);
        assert!(!out.status.success());
        assert!(err.contains(&format!("server {url}: {expect}")), "{err}");
        assert!(err.contains(retry), "{err}");
        assert!(err.contains("inventory") && err.contains("kept"), "{err}");
        // state kept as it was; the inventory waits on disk
        assert_eq!(read(&dir.join("checksums")), last_state);
        assert_eq!(read(&dir.join("accountinfo")), "TAG=NA\n");
        assert!(dir.join("options/DOWNLOAD.xml").exists());
        assert!(read(&dir.join("pending.xml")).contains("<QUERY>INVENTORY</QUERY>"));
    }
    let seen = fake.finish();
    assert!(seen.requests[0]
        .0
        .contains("User-Agent: OCS-NG_unified_unix_agent_v"));
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn a_slow_server_times_out() {
    let v = tmpdir("slow");
    let fake = FakeServer::start(vec![Reply::Slow(Duration::from_secs(3))]);
    let url = fake.url();
    let t = Instant::now();
    let out = agent(&v, &["-s", &url, "--timeout", "1"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert!(err.contains("no answer within 1 s (timeout)"), "{err}");
    fake.finish();
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn basic_auth_after_a_401_and_lazy_skips() {
    let v = tmpdir("auth");
    // "agent:secret" in base64
    let fake = FakeServer::start(vec![Reply::NeedAuth("YWdlbnQ6c2VjcmV0", STOP)]);
    let url = fake.url();
    let out = agent(&v, &["-s", &url, "-u", "agent", "-p", "secret"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("did not ask for an inventory"));
    let seen = fake.finish();
    assert_eq!(seen.requests.len(), 2);
    assert!(!seen.requests[0]
        .0
        .to_ascii_lowercase()
        .contains("authorization"));
    // next contact is ~24 h away: --lazy does not contact (no server listens any more)
    let out = agent(&v, &["-s", &url, "--lazy"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("(--lazy)"), "{}", stderr(&out));

    // without credentials a 401 is a clear error
    let fake = FakeServer::start(vec![Reply::Status(401)]);
    let url = fake.url();
    let out = agent(&v, &["-s", &url]);
    assert!(
        stderr(&out).contains("set user and password"),
        "{}",
        stderr(&out)
    );
    fake.finish();
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn a_task_that_does_not_run_says_why_once() {
    let v = tmpdir("why");
    let fake = FakeServer::start(vec![Reply::Xml(STOP)]);
    let url = fake.url();
    let out = agent(&v, &["-s", &url, "--no-task", "WakeOnLan"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let said = |task: &str, why: &str| {
        let line = format!("[INFO] task {task} skipped for server {url}: {why}");
        err.matches(&line).count()
    };
    assert_eq!(said("WakeOnLan", "switched off (--no-task)"), 1, "{err}");
    for task in ["NetDiscovery", "SNMP", "Deploy"] {
        assert_eq!(said(task, "no job from this server"), 1, "{err}");
    }
    assert!(!err.contains("task Inventory skipped"), "{err}");
    fake.finish();
    // the next contact is ~24 h away: with --lazy, every task says it waits for it
    let out = agent(&v, &["-s", &url, "--lazy"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for task in ["NetDiscovery", "Inventory", "SNMP", "Deploy", "WakeOnLan"] {
        let line = format!(
            "task {task} skipped for server {url}: the contact was skipped (not due before "
        );
        assert_eq!(err.matches(&line).count(), 1, "{task}: {err}");
    }
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn one_failing_server_does_not_stop_the_others() {
    let v = tmpdir("several");
    let good = FakeServer::start(vec![Reply::Xml(STOP)]);
    let bad = "http://127.0.0.1:9/ocsinventory"; // discard port: nothing listens
    let out = agent(&v, &["-s", bad, "-s", &good.url()]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("connection refused"), "{err}");
    assert!(err.contains("did not ask for an inventory"), "{err}");
    good.finish();
    std::fs::remove_dir_all(&v).unwrap();
}
