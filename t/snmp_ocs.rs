//! The OCS server's SNMP feature, end to end, with the real Debian OCS server (its own
//! instance: `/var/lib/ocsinv-agent-testsrv-snmp`, ports 18280/18643/18644) and Debian's
//! `snmpd` on 127.0.2.7:
//! the agent registers (first inventory over HTTPS), the test turns SNMP on for it
//! (`t/ocs-server/enable-snmp.sh`: network 127.0.2.7/32, community, the `ocstest` type
//! with its labels), the next contact stores the SNMP option, the one after scans and
//! sends `QUERY=SNMP`, and the device lands in the server's `snmp_ocstest` table.
//!
//! Runs with `SNMP_OCS=1` (`make integration` starts the instance and sets it);
//! otherwise it says "skipped" and passes.

use crate::support;

use std::path::Path;

use support::agent::deviceid;
use support::ocs_server::{enabled_by, SNMP};
use support::snmpd::{Agent, Snmpd};

fn run(vardir: &Path, extra: &[&str]) -> String {
    let (https, ca) = (SNMP.https_url(), SNMP.ca());
    let mut args = vec!["--server", &https, "--ca-cert-file", &ca, "--force"];
    args.extend_from_slice(extra);
    let out = support::agent::run(vardir, &args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    eprintln!("agent {extra:?}:\n{err}");
    assert!(!err.contains("panicked"));
    err
}

#[test]
fn devices_land_in_the_snmp_tables() {
    if !enabled_by("SNMP_OCS") {
        return;
    }
    SNMP.start();
    let _dev = Snmpd::start(&Agent {
        addr: "127.0.2.7",
        community: "ocssnmp",
        name: "ocs-snmp-device",
        v3user: None,
        descr: None,
        extra: "",
    });
    let var = support::tmpdir("snmp", "ocs");
    // 1. The device is known to the server.
    run(&var, &["--tasks", "Inventory"]);
    let id = deviceid(&var);
    // 2. SNMP on for it, then a contact that stores the option…
    SNMP.script("enable-snmp.sh", &[&id, "127.0.2.7/32", "ocssnmp"]);
    SNMP.db("DELETE FROM snmp_ocstest WHERE SYSNAME='ocs-snmp-device'");
    run(&var, &["--tasks", "Inventory"]);
    let dir = ocsinventory_agent::agent::target::server_dir(&var, &SNMP.https_url());
    assert!(
        dir.join("options/SNMP.xml").is_file(),
        "the server sent no SNMP option"
    );
    // 3. …and one that scans and sends.
    let log = run(&var, &["--tasks", "SNMP"]);
    assert!(log.contains("OCS SNMP: 1 devices sent"), "{log}");
    let row = SNMP.db(
        "SELECT SYSNAME, SYSDESCR, SYSOBJECTID, SYSLOCATION, SYSCONTACT, IFDESCR \
         FROM snmp_ocstest WHERE SYSNAME='ocs-snmp-device'",
    );
    println!("snmp_ocstest: {row}");
    let cols: Vec<&str> = row.split('\t').collect();
    assert_eq!(cols.first(), Some(&"ocs-snmp-device"), "{row}");
    assert!(cols.get(1).is_some_and(|d| d.starts_with("Linux")), "{row}");
    assert_eq!(cols.get(2), Some(&"1.3.6.1.4.1.8072.3.2.10"), "{row}");
    assert_eq!(cols.get(3), Some(&"OCS test lab"), "{row}");
    assert_eq!(cols.get(4), Some(&"ocs-test@example.invalid"), "{row}");
    assert!(cols.get(5).is_some_and(|i| i.contains("lo")), "{row}");
    SNMP.script("enable-snmp.sh", &["--off", &id]);
    let _ = std::fs::remove_dir_all(&var);
}
