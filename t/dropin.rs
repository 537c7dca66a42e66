//! Drop-in against the real OCS server: a machine inventoried by Debian's Perl agent,
//! then by ours on the same state directory and the same command line (the Perl
//! agent's option names), is one row in `hardware`: same DEVICEID, LASTDATE moved,
//! TAG kept, the Perl agent's files unchanged. Over HTTP, and over HTTPS with the CA
//! the Perl agent trusted (`cacert.pem` in the server's folder).
//!
//! Needs root, `OCS_INTEGRATION=1`, Debian's `ocsinventory-agent` (Perl) installed and
//! this block's own server instance (`make integration-packages` starts it:
//! `OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-pkg`, HTTP on 18680).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SERVER: &str = "http://127.0.0.1:18680/ocsinventory";
const SERVER_HTTPS: &str = "https://127.0.0.1:19043/ocsinventory";
const INSTANCE: &str = "/var/lib/ocsinv-agent-testsrv-pkg";
const PERL_AGENT: &str = "/usr/bin/ocsinventory-agent";

fn enabled() -> bool {
    if std::env::var("OCS_INTEGRATION").map_or(true, |v| v != "1") {
        println!("skipped: set OCS_INTEGRATION=1 (make integration-packages)");
        return false;
    }
    let perl = std::fs::read(PERL_AGENT).unwrap_or_default();
    assert!(
        perl.starts_with(b"#!/usr/bin/perl"),
        "{PERL_AGENT} is not Debian's Perl agent (apt-get install ocsinventory-agent)"
    );
    true
}

/// One value from the instance's database.
fn db(sql: &str) -> String {
    let out = Command::new("bash")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("t/ocs-server/db.sh"))
        .args(["-N", "-e", sql])
        .env("OCS_TESTSRV_DIR", INSTANCE)
        .output()
        .expect("run db.sh");
    assert!(
        out.status.success(),
        "db.sh {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn perl_deviceid(server_dir: &Path) -> String {
    let conf = std::fs::read_to_string(server_dir.join("ocsinv.conf"))
        .expect("the Perl agent wrote ocsinv.conf");
    conf.split("<DEVICEID>")
        .nth(1)
        .and_then(|s| s.split("</DEVICEID>").next())
        .expect("a DEVICEID in ocsinv.conf")
        .to_string()
}

#[test]
fn perl_agent_then_ours_is_one_computer() {
    if enabled() {
        drop_in(SERVER, "http", false);
    }
}

#[test]
fn over_https_with_the_perl_agents_ca() {
    if enabled() {
        drop_in(SERVER_HTTPS, "https", true);
    }
}

fn drop_in(server: &str, name: &str, ca: bool) {
    let tmp = std::env::temp_dir().join(format!("ocsa-dropin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let vardir = tmp.join("var");
    let server_dir = vardir.join(server.replace('/', "_"));
    std::fs::create_dir_all(&server_dir).unwrap();
    if ca {
        std::fs::copy(
            format!("{INSTANCE}/ssl/ca.crt"),
            server_dir.join("cacert.pem"),
        )
        .unwrap();
    }
    let tag = format!("DROPIN{}{name}", std::process::id());
    let var = vardir.to_str().unwrap();

    // The Perl agent; `--local=` empties a `local=` its /etc file may set (which would
    // make it ignore --server).
    let perl = Command::new("perl")
        .arg(PERL_AGENT)
        .args(["--local", "", "--server", server, "--basevardir", var])
        .args(["--tag", &tag, "--force", "--nosoftware"])
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .output()
        .expect("run the Perl agent");
    eprintln!("perl agent:\n{}", text(&perl));
    let id = perl_deviceid(&server_dir);
    let rows = || {
        db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        ))
    };
    assert_eq!(rows(), "1", "the Perl agent's computer {id} is in hardware");
    let hw_id = db(&format!("SELECT ID FROM hardware WHERE DEVICEID='{id}'"));
    let lastdate = || {
        db(&format!(
            "SELECT UNIX_TIMESTAMP(LASTDATE) FROM hardware WHERE ID={hw_id}"
        ))
    };
    let tag_of = || {
        db(&format!(
            "SELECT TAG FROM accountinfo WHERE HARDWARE_ID={hw_id}"
        ))
    };
    let before = lastdate();
    assert_eq!(tag_of(), tag);
    let total = db("SELECT COUNT(*) FROM hardware");
    let perl_files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&server_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();

    // LASTDATE has a one-second resolution.
    std::thread::sleep(std::time::Duration::from_millis(1100));

    // Ours, with the same command line (the Perl agent's option names) on the same state.
    let ours = Command::new(env!("CARGO_BIN_EXE_ocsinventory-agent"))
        .args(["--server", server, "--basevardir", var, "--force"])
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .output()
        .expect("run our agent");
    let log = text(&ours);
    eprintln!("our agent:\n{log}");
    assert!(ours.status.success(), "{log}");
    assert!(
        log.contains(&format!(
            "took over the DEVICEID {id} of the Perl OCS agent"
        )),
        "{log}"
    );
    assert_eq!(
        log.matches("--basevardir").count(),
        1,
        "one warning names the Perl option: {log}"
    );
    if ca {
        assert!(
            log.contains("using the Perl OCS agent's CA certificates"),
            "{log}"
        );
    }
    let state = std::fs::read_to_string(vardir.join("agent.state")).unwrap();
    assert!(state.contains(&format!("deviceid={id}\n")), "{state}");

    assert_eq!(rows(), "1", "still one row for {id}");
    assert_eq!(
        db("SELECT COUNT(*) FROM hardware"),
        total,
        "no second computer"
    );
    let after = lastdate();
    assert!(
        after.parse::<u64>().unwrap() > before.parse::<u64>().unwrap(),
        "LASTDATE moved: {before} -> {after}"
    );
    assert_eq!(tag_of(), tag, "TAG kept");
    for (path, bytes) in perl_files {
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{} left as the Perl agent wrote it",
            path.display()
        );
    }
    eprintln!(
        "[dropin] {server}: hardware.ID {hw_id}, DEVICEID {id}: one row, LASTDATE {before} -> {after}, TAG {tag}"
    );
    std::fs::remove_dir_all(&tmp).unwrap();
}
