//! Drop-in against the real OCS server: a machine inventoried by Debian's Perl agent,
//! then by ours on the same state directory and the same command line (the Perl
//! agent's option names), is one row in `hardware`: same DEVICEID, LASTDATE moved,
//! TAG kept, the Perl agent's files unchanged. Over HTTP, and over HTTPS with the CA
//! the Perl agent trusted (`cacert.pem` in the server's folder).
//!
//! Needs root, `OCS_INTEGRATION=1`, Debian's `ocsinventory-agent` (Perl) installed and
//! this block's own server instance (`make integration-packages` starts it:
//! `OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-pkg`, HTTP on 18680).

use crate::support;

use std::path::PathBuf;
use std::process::Command;

use support::agent::perl_deviceid;
use support::ocs_server::PKG;
use support::text;

const PERL_AGENT: &str = "/usr/bin/ocsinventory-agent";

fn enabled() -> bool {
    if !support::ocs_server::enabled() {
        return false;
    }
    let perl = std::fs::read(PERL_AGENT).unwrap_or_default();
    assert!(
        perl.starts_with(b"#!/usr/bin/perl"),
        "{PERL_AGENT} is not Debian's Perl agent (apt-get install ocsinventory-agent)"
    );
    true
}

#[test]
fn perl_agent_then_ours_is_one_computer() {
    if enabled() {
        drop_in(&PKG.url(), "http", false);
    }
}

#[test]
fn over_https_with_the_perl_agents_ca() {
    if enabled() {
        drop_in(&PKG.https_url(), "https", true);
    }
}

fn drop_in(server: &str, name: &str, ca: bool) {
    let tmp = support::tmpdir("ocsa-dropin", name);
    let vardir = tmp.join("var");
    let server_dir = vardir.join(server.replace('/', "_"));
    std::fs::create_dir_all(&server_dir).unwrap();
    if ca {
        std::fs::copy(PKG.ca(), server_dir.join("cacert.pem")).unwrap();
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
    let id = perl_deviceid(&server_dir.join("ocsinv.conf"));
    let rows = || {
        PKG.db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        ))
    };
    assert_eq!(rows(), "1", "the Perl agent's computer {id} is in hardware");
    let hw_id = PKG.db(&format!("SELECT ID FROM hardware WHERE DEVICEID='{id}'"));
    let lastdate = || {
        PKG.db(&format!(
            "SELECT UNIX_TIMESTAMP(LASTDATE) FROM hardware WHERE ID={hw_id}"
        ))
    };
    let tag_of = || {
        PKG.db(&format!(
            "SELECT TAG FROM accountinfo WHERE HARDWARE_ID={hw_id}"
        ))
    };
    let before = lastdate();
    assert_eq!(tag_of(), tag);
    let total = PKG.db("SELECT COUNT(*) FROM hardware");
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
        PKG.db("SELECT COUNT(*) FROM hardware"),
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
