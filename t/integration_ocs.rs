//! End to end against the real OCS Inventory server (Debian's packages), started by
//! `t/ocs-server/start.sh` (`make integration` does it): two instances, A on
//! 18080/18443/18444 and B on 18090/18453/18454. Checks what lands in the server's
//! database. Runs only with `OCS_INTEGRATION=1`; otherwise it says "skipped" and passes.

use crate::support;

use std::path::Path;
use std::process::Output;

use support::agent::deviceid;
use support::fake_server::{FakeServer, Reply};
use support::ocs_server::{enabled, Instance, A, B};

fn agent(vardir: &Path, args: &[&str]) -> Output {
    let out = support::agent::run(vardir, args);
    eprintln!("agent {args:?}:\n{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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
fn check_landed(instance: &Instance, id: &str, xml: &str) {
    let rows = instance.db(&format!(
        "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
    ));
    assert_eq!(rows, "1", "one hardware row for {id} in {}", instance.dir);
    let name = instance.db(&format!("SELECT NAME FROM hardware WHERE DEVICEID='{id}'"));
    assert_eq!(name, field(xml, "HARDWARE", "NAME"));
    let osname = instance.db(&format!(
        "SELECT OSNAME FROM hardware WHERE DEVICEID='{id}'"
    ));
    assert_eq!(osname, field(xml, "HARDWARE", "OSNAME"));
    for (section, table) in [
        ("CPUS", "cpus"),
        ("STORAGES", "storages"),
        ("DRIVES", "drives"),
        ("NETWORKS", "networks"),
        ("SOFTWARES", "software"),
    ] {
        let ours = xml.matches(&format!("<{section}>")).count().to_string();
        let theirs = instance.db(&format!("SELECT COUNT(*) FROM {table} t JOIN hardware h ON h.ID=t.HARDWARE_ID WHERE h.DEVICEID='{id}'"),
        );
        assert_eq!(
            theirs, ours,
            "{table} rows for {section} in {}",
            instance.dir
        );
    }
}

#[test]
fn inventory_lands_over_http_and_https_on_two_servers_and_updates() {
    if !enabled() {
        return;
    }
    let a_http = A.url();
    let a_https = A.https_url();
    let b_http = B.url();
    let v = support::tmpdir("ocsa-it", "land");
    let ca_a = A.ca();
    let out = agent(
        &v,
        &["-s", &a_https, "-s", &b_http, "--ca-cert-file", &ca_a],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let id = deviceid(&v);
    let xml = local_xml(&v);
    check_landed(&A, &id, &xml);
    check_landed(&B, &id, &xml);
    let fidelity = A.db(&format!(
        "SELECT FIDELITY FROM hardware WHERE DEVICEID='{id}'"
    ));

    // a second run, over plain HTTP this time: the same row is updated
    let out = agent(&v, &["-s", &a_http]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = agent(&v, &["-s", &a_https, "--ca-cert-file", &ca_a]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_landed(&A, &id, &xml);
    let after = A.db(&format!(
        "SELECT FIDELITY FROM hardware WHERE DEVICEID='{id}'"
    ));
    assert!(after.parse::<u32>().unwrap() > fidelity.parse::<u32>().unwrap());
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn wrong_ca_or_name_sends_nothing() {
    if !enabled() {
        return;
    }
    let a_https = A.https_url();
    let a_badname = A.badname_url();
    let v = support::tmpdir("ocsa-it", "ca");
    let other = format!("{}/ssl/other-ca.crt", A.dir);
    let out = agent(&v, &["-s", &a_https, "--ca-cert-file", &other]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("server {a_https}: TLS")) && err.contains("unknown CA"),
        "{err}"
    );
    let ca_a = A.ca();
    let out = agent(&v, &["-s", &a_badname, "--ca-cert-file", &ca_a]);
    assert!(
        stderr(&out).contains("not valid for the name '127.0.0.1'"),
        "{}",
        stderr(&out)
    );
    let id = deviceid(&v);
    assert_eq!(
        A.db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        )),
        "0"
    );
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn stopped_server_gets_the_kept_inventory_after_restart() {
    if !enabled() {
        return;
    }
    let b_http = B.url();
    let v = support::tmpdir("ocsa-it", "stopped");
    B.script("stop.sh", &["--apache-only"]);
    let out = agent(&v, &["-s", &b_http]);
    let restarted = B.start();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!("server {b_http}: connection refused")),
        "{err}"
    );
    let dir = v.join(b_http.replace('/', "_"));
    assert!(dir.join("pending.xml").exists());
    let id = deviceid(&v);
    assert_eq!(
        B.db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        )),
        "0"
    );
    assert!(restarted.contains("READY"), "{restarted}");

    let out = agent(&v, &["-s", &b_http]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept inventory sent"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("pending.xml").exists());
    check_landed(&B, &id, &local_xml(&v));
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn error_answers_keep_the_state_of_a_real_server() {
    if !enabled() {
        return;
    }
    let a_http = A.url();
    let v = support::tmpdir("ocsa-it", "keep");
    let out = agent(&v, &["-s", &a_http]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = v.join(a_http.replace('/', "_"));
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
        let out = agent(&v, &["-s", &a_http, "--proxy", &proxy]);
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
        seen.requests[0].0.starts_with(&format!("POST {a_http} ")),
        "{:?}",
        seen.requests[0]
    );
    std::fs::remove_dir_all(&v).unwrap();
}

#[test]
fn one_contact_per_run_whatever_the_tasks() {
    if !enabled() {
        return;
    }
    let a_http = A.url();
    let v = support::tmpdir("ocsa-it", "contact");
    let dir = v.join(a_http.replace('/', "_"));
    // Without the inventory: the contact is still made and its reply kept for the tasks.
    let out = agent(&v, &["-s", &a_http, "--no-task", "Inventory"]);
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
    assert_eq!(A.activity(&id, "prolog;accepted"), 1);
    assert_eq!(
        A.db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        )),
        "0",
        "no inventory was asked of the agent"
    );
    // Every task: still one PROLOG, and the inventory lands.
    let out = agent(&v, &["-s", &a_http]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(A.activity(&id, "prolog;accepted"), 2);
    assert_eq!(
        A.db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        )),
        "1"
    );
    // --lazy when not due: no contact, no task.
    let out = agent(&v, &["-s", &a_http, "--lazy"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(A.activity(&id, "prolog;accepted"), 2);
    assert!(
        !stderr(&out).contains("starting task Inventory"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&v).unwrap();
}
