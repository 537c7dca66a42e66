//! End to end against the real OCS Inventory server (Debian's packages), started by
//! `t/ocs-server/start.sh` (`make integration` does it): two instances, A on
//! 18080/18443/18444 and B on 18090/18453/18454. Checks what lands in the server's
//! database. Runs only with `OCS_INTEGRATION=1`; otherwise it says "skipped" and passes.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::fake_server::{FakeServer, Reply};

const A_HTTP: &str = "http://127.0.0.1:18080/ocsinventory";
const A_HTTPS: &str = "https://127.0.0.1:18443/ocsinventory";
const A_BADNAME: &str = "https://127.0.0.1:18444/ocsinventory";
const B_HTTP: &str = "http://127.0.0.1:18090/ocsinventory";
const A_DIR: &str = "/var/lib/ocsinv-agent-testsrv";
const B_DIR: &str = "/var/lib/ocsinv-agent-testsrv-b";

fn enabled() -> bool {
    let on = std::env::var("OCS_INTEGRATION").is_ok_and(|v| v == "1");
    if !on {
        println!("skipped (set OCS_INTEGRATION=1 and start t/ocs-server/start.sh)");
    }
    on
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ca(instance: &str) -> String {
    format!("{instance}/ssl/ca.crt")
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocsa-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn agent(vardir: &Path, args: &[&str]) -> Output {
    let out = support::agent::run(vardir, args);
    eprintln!("agent {args:?}:\n{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn script(instance: &str, name: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("bash")
        .arg(root().join("t/ocs-server").join(name))
        .args(args)
        .env("OCS_TESTSRV_DIR", instance)
        .env(
            "OCS_HTTP_PORT",
            if instance == B_DIR { "18090" } else { "18080" },
        )
        .env(
            "OCS_HTTPS_PORT",
            if instance == B_DIR { "18453" } else { "18443" },
        )
        .env(
            "OCS_BADNAME_PORT",
            if instance == B_DIR { "18454" } else { "18444" },
        )
        .output()
        .expect("run a test server script");
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// One value from the server's database.
fn db(instance: &str, sql: &str) -> String {
    script(instance, "db.sh", &["-N", "-e", sql])
}

fn deviceid(vardir: &Path) -> String {
    std::fs::read_to_string(vardir.join("agent.state"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("deviceid=").map(str::to_string))
        .unwrap()
}

/// The inventory as this agent writes it, for the counts to compare with (in the OCS
/// dialect, the one `server-dialect = auto` sends to these `/ocsinventory` URLs).
fn local_xml(vardir: &Path) -> String {
    let file = vardir.join("local.xml");
    let out = agent(
        vardir,
        &["--local", file.to_str().unwrap(), "--dialect", "ocs"],
    );
    assert!(out.status.success());
    std::fs::read_to_string(file).unwrap()
}

fn field(xml: &str, section: &str, name: &str) -> String {
    let s = xml.split(&format!("<{section}>")).nth(1).unwrap_or("");
    let s = s.split(&format!("</{section}>")).next().unwrap_or("");
    s.split(&format!("<{name}>"))
        .nth(1)
        .and_then(|v| v.split(&format!("</{name}>")).next())
        .unwrap_or("")
        .replace("&amp;", "&")
}

/// Checks the machine landed once, with the sections our XML holds.
fn check_landed(instance: &str, id: &str, xml: &str) {
    let rows = db(
        instance,
        &format!("SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"),
    );
    assert_eq!(rows, "1", "one hardware row for {id} in {instance}");
    let name = db(
        instance,
        &format!("SELECT NAME FROM hardware WHERE DEVICEID='{id}'"),
    );
    assert_eq!(name, field(xml, "HARDWARE", "NAME"));
    let osname = db(
        instance,
        &format!("SELECT OSNAME FROM hardware WHERE DEVICEID='{id}'"),
    );
    assert_eq!(osname, field(xml, "HARDWARE", "OSNAME"));
    for (section, table) in [
        ("CPUS", "cpus"),
        ("STORAGES", "storages"),
        ("DRIVES", "drives"),
        ("NETWORKS", "networks"),
        ("SOFTWARES", "software"),
    ] {
        let ours = xml.matches(&format!("<{section}>")).count().to_string();
        let theirs = db(
            instance,
            &format!("SELECT COUNT(*) FROM {table} t JOIN hardware h ON h.ID=t.HARDWARE_ID WHERE h.DEVICEID='{id}'"),
        );
        assert_eq!(theirs, ours, "{table} rows for {section} in {instance}");
    }
}

#[test]
fn inventory_lands_over_http_and_https_on_two_servers_and_updates() {
    if !enabled() {
        return;
    }
    let v = tmpdir("land");
    let ca_a = ca(A_DIR);
    let out = agent(&v, &["-s", A_HTTPS, "-s", B_HTTP, "--ca-cert-file", &ca_a]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = deviceid(&v);
    let xml = local_xml(&v);
    check_landed(A_DIR, &id, &xml);
    check_landed(B_DIR, &id, &xml);
    let fidelity = db(
        A_DIR,
        &format!("SELECT FIDELITY FROM hardware WHERE DEVICEID='{id}'"),
    );

    // a second run, over plain HTTP this time: the same row is updated
    let out = agent(&v, &["-s", A_HTTP]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = agent(&v, &["-s", A_HTTPS, "--ca-cert-file", &ca_a]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_landed(A_DIR, &id, &xml);
    let after = db(
        A_DIR,
        &format!("SELECT FIDELITY FROM hardware WHERE DEVICEID='{id}'"),
    );
    assert!(after.parse::<u32>().unwrap() > fidelity.parse::<u32>().unwrap());
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn wrong_ca_or_name_sends_nothing() {
    if !enabled() {
        return;
    }
    let v = tmpdir("ca");
    let other = format!("{A_DIR}/ssl/other-ca.crt");
    let out = agent(&v, &["-s", A_HTTPS, "--ca-cert-file", &other]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("server {A_HTTPS}: TLS")) && err.contains("unknown CA"),
        "{err}"
    );
    let ca_a = ca(A_DIR);
    let out = agent(&v, &["-s", A_BADNAME, "--ca-cert-file", &ca_a]);
    assert!(
        stderr(&out).contains("not valid for the name '127.0.0.1'"),
        "{}",
        stderr(&out)
    );
    let id = deviceid(&v);
    assert_eq!(
        db(
            A_DIR,
            &format!("SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'")
        ),
        "0"
    );
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn stopped_server_gets_the_kept_inventory_after_restart() {
    if !enabled() {
        return;
    }
    let v = tmpdir("stopped");
    script(B_DIR, "stop.sh", &["--apache-only"]);
    let out = agent(&v, &["-s", B_HTTP]);
    let restarted = script(B_DIR, "start.sh", &[]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!("server {B_HTTP}: connection refused")),
        "{err}"
    );
    let dir = v.join(B_HTTP.replace('/', "_"));
    assert!(dir.join("pending.xml").exists());
    let id = deviceid(&v);
    assert_eq!(
        db(
            B_DIR,
            &format!("SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'")
        ),
        "0"
    );
    assert!(restarted.contains("READY"), "{restarted}");

    let out = agent(&v, &["-s", B_HTTP]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept inventory sent"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("pending.xml").exists());
    check_landed(B_DIR, &id, &local_xml(&v));
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn error_answers_keep_the_state_of_a_real_server() {
    if !enabled() {
        return;
    }
    let v = tmpdir("keep");
    let out = agent(&v, &["-s", A_HTTP]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = v.join(A_HTTP.replace('/', "_"));
    let files = ["checksums", "accountinfo", "options/DOWNLOAD.xml"];
    let before: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap_or_default())
        .collect();
    assert!(!before[0].is_empty());
    // The same server URL, reached through a "proxy" that answers 500, then garbage.
    let fake = FakeServer::start(vec![Reply::Status(500), Reply::Raw(b"\x00\x01garbage")]);
    let proxy = format!("127.0.0.1:{}", fake.port); // no scheme: read as http://
    for expect in ["HTTP 500", "neither zlib, gzip nor XML"] {
        let out = agent(&v, &["-s", A_HTTP, "--proxy", &proxy]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(expect), "{}", stderr(&out));
        let now: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(dir.join(f)).unwrap_or_default())
            .collect();
        assert_eq!(now, before);
        assert!(dir.join("pending.xml").exists());
    }
    let seen = fake.finish();
    assert!(
        seen.requests[0].0.starts_with(&format!("POST {A_HTTP} ")),
        "{:?}",
        seen.requests[0]
    );
    std::fs::remove_dir_all(&v).unwrap();
}

/// PROLOGs the server logged for `id`.
fn prologs(instance: &str, id: &str) -> usize {
    std::fs::read_to_string(format!("{instance}/log/ocs/activity.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(&format!(";{id};")) && l.ends_with(";prolog;accepted"))
        .count()
}

#[test]
fn one_contact_per_run_whatever_the_tasks() {
    if !enabled() {
        return;
    }
    let v = tmpdir("contact");
    let dir = v.join(A_HTTP.replace('/', "_"));
    // Without the inventory: the contact is still made and its reply kept for the tasks.
    let out = agent(&v, &["-s", A_HTTP, "--no-task", "Inventory"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = deviceid(&v);
    assert!(
        stderr(&out).contains(
            "[core][INFO] server http://127.0.0.1:18080/ocsinventory: PROLOG answered SEND"
        ),
        "{}",
        stderr(&out)
    );
    assert!(dir.join("options/DOWNLOAD.xml").is_file());
    assert_eq!(prologs(A_DIR, &id), 1);
    assert_eq!(
        db(
            A_DIR,
            &format!("SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'")
        ),
        "0",
        "no inventory was asked of the agent"
    );
    // Every task: still one PROLOG, and the inventory lands.
    let out = agent(&v, &["-s", A_HTTP]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(prologs(A_DIR, &id), 2);
    assert_eq!(
        db(
            A_DIR,
            &format!("SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'")
        ),
        "1"
    );
    // --lazy when not due: no contact, no task.
    let out = agent(&v, &["-s", A_HTTP, "--lazy"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(prologs(A_DIR, &id), 2);
    assert!(
        !stderr(&out).contains("starting task Inventory"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&v).unwrap();
}
