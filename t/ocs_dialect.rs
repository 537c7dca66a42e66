//! What lands in a real OCS Inventory server (Debian's packages, this test's own
//! instance on 18480/18843/18844, started and stopped here through
//! `t/ocs-server/start.sh`/`stop.sh`): this agent and Debian's Perl `ocsinventory-agent`
//! inventory the same machine into it, then every table both write is compared column by
//! column. It fails on any column the Perl agent fills (in any of its rows) and ours
//! leaves empty, on an OSNAME/OSVERSION that is not the Perl agent's, on a loopback
//! IPADDR, on a blank `networks` row and on a software date the server could not store.
//! It prints the measured table (`table.column  perl  ours`).
//! Runs only with `OCS_INTEGRATION=1` (root, like `t/integration_ocs.rs`).

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use support::agent::{deviceid, perl_deviceid};
use support::ocs_server::{enabled, DIALECT};

const PERL_AGENT: &str = "/usr/bin/ocsinventory-agent";

/// Runs Debian's Perl agent against the server with its own state directory, never
/// its packaged configuration's local mode; returns its DEVICEID.
fn perl_agent(basevardir: &Path) -> String {
    let out = Command::new(PERL_AGENT)
        .arg("--nolocal")
        .arg("--force")
        .arg(format!("--server={}", DIALECT.url()))
        .arg(format!("--basevardir={}", basevardir.display()))
        .arg(format!("--logfile={}", basevardir.join("log").display()))
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .output()
        .expect("run the Perl agent");
    assert!(
        out.status.success(),
        "Perl agent: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    perl_deviceid(
        &basevardir
            .join(DIALECT.url().replace('/', "_"))
            .join("ocsinv.conf"),
    )
}

fn our_agent(vardir: &Path) -> String {
    let out = support::agent::run(vardir, &["-s", &DIALECT.url(), "--force"]);
    assert!(
        out.status.success(),
        "our agent: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    deviceid(vardir)
}

/// Per column: (rows where it is filled, one example value).
type Filled = BTreeMap<String, (u64, String)>;

fn columns(table: &str) -> Vec<String> {
    DIALECT
        .db(&format!(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='ocsweb' \
             AND TABLE_NAME='{table}' ORDER BY ORDINAL_POSITION"
        ))
        .lines()
        .map(str::to_string)
        .filter(|c| c != "ID" && c != "HARDWARE_ID")
        .collect()
}

/// Which columns of `table` are filled for `deviceid`: not NULL, not empty, not a zero
/// number or date (what the server stores when a field is missing).
fn filled(table: &str, deviceid: &str) -> (u64, Filled) {
    let cols = columns(table);
    let from = if table == "hardware" {
        format!("hardware t WHERE t.DEVICEID='{deviceid}'")
    } else {
        format!("{table} t JOIN hardware h ON h.ID=t.HARDWARE_ID WHERE h.DEVICEID='{deviceid}'")
    };
    let rows: u64 = DIALECT
        .db(&format!("SELECT COUNT(*) FROM {from}"))
        .parse()
        .unwrap();
    let mut out = Filled::new();
    if rows == 0 || cols.is_empty() {
        return (rows, out);
    }
    let cond = |c: &str| {
        format!(
            "(t.`{c}` IS NOT NULL AND CAST(t.`{c}` AS CHAR) NOT IN \
             ('','0','0000-00-00','0000-00-00 00:00:00'))"
        )
    };
    let exprs: Vec<String> = cols
        .iter()
        .map(|c| {
            format!(
                "SUM({cond}), IFNULL(REPLACE(SUBSTRING(MIN(CASE WHEN {cond} THEN \
                 CAST(t.`{c}` AS CHAR) END),1,32),'\\t',' '),'')",
                cond = cond(c)
            )
        })
        .collect();
    let line = DIALECT.db(&format!("SELECT {} FROM {from}", exprs.join(", ")));
    let values: Vec<&str> = line.split('\t').collect();
    for (i, c) in cols.iter().enumerate() {
        let n = values.get(2 * i).and_then(|v| v.parse().ok()).unwrap_or(0);
        let example = values.get(2 * i + 1).unwrap_or(&"").to_string();
        out.insert(c.clone(), (n, example));
    }
    (rows, out)
}

/// Tables of the device data (every table with a HARDWARE_ID column, and hardware).
fn device_tables() -> Vec<String> {
    let mut t: Vec<String> = DIALECT
        .db("SELECT TABLE_NAME FROM information_schema.COLUMNS WHERE \
             TABLE_SCHEMA='ocsweb' AND COLUMN_NAME='HARDWARE_ID' ORDER BY TABLE_NAME")
        .lines()
        .map(str::to_string)
        .collect();
    t.insert(0, "hardware".to_string());
    t
}

#[test]
fn every_column_the_perl_agent_fills_is_filled() {
    if !enabled() {
        return;
    }
    assert!(
        Path::new(PERL_AGENT).exists(),
        "{PERL_AGENT} is missing: apt-get install ocsinventory-agent (.ci/run does)"
    );
    let ready = DIALECT.start();
    assert!(ready.contains("READY"), "{ready}");
    let _server = DIALECT.stop_on_drop();

    let perl_dir = support::tmpdir("ocsa-dialect", "perl");
    let ours_dir = support::tmpdir("ocsa-dialect", "ours");
    let perl = perl_agent(&perl_dir);
    let ours = our_agent(&ours_dir);
    assert_ne!(perl, ours);

    let mut missing = Vec::new();
    let mut report = Vec::new();
    for table in device_tables() {
        let (perl_rows, theirs) = filled(&table, &perl);
        if perl_rows == 0 {
            continue;
        }
        let (our_rows, mine) = filled(&table, &ours);
        report.push(format!("{table}: rows perl {perl_rows}, ours {our_rows}"));
        if our_rows == 0 {
            missing.push(format!("{table}: no row (perl has {perl_rows})"));
            continue;
        }
        for (col, (n, example)) in &theirs {
            let (m, our_example) = mine.get(col).cloned().unwrap_or_default();
            if *n == 0 && m == 0 {
                continue;
            }
            report.push(format!(
                "  {table}.{col:<22} perl {n:>4} {example:<34} ours {m:>4} {our_example}"
            ));
            if *n > 0 && m == 0 {
                missing.push(format!("{table}.{col} (perl: {example})"));
            }
        }
    }
    println!("{}", report.join("\n"));

    let hw = |id: &str, col: &str| {
        DIALECT.db(&format!("SELECT {col} FROM hardware WHERE DEVICEID='{id}'"))
    };
    for col in ["OSNAME", "OSVERSION"] {
        assert_eq!(hw(&ours, col), hw(&perl, col), "hardware.{col}");
    }
    let ip = hw(&ours, "IPADDR");
    assert!(
        !ip.is_empty() && !ip.starts_with("127.") && ip != "::1",
        "hardware.IPADDR {ip}"
    );
    let blank = DIALECT.db(&format!(
        "SELECT COUNT(*) FROM networks n JOIN hardware h ON h.ID=n.HARDWARE_ID WHERE \
         h.DEVICEID='{ours}' AND IFNULL(n.IPADDRESS,'')='' AND IFNULL(n.MACADDR,'')='' \
         AND IFNULL(n.DESCRIPTION,'')=''"
    ));
    assert_eq!(blank, "0", "blank networks rows");
    let loopback = DIALECT.db(&format!(
        "SELECT COUNT(*) FROM networks n JOIN hardware h ON h.ID=n.HARDWARE_ID WHERE \
         h.DEVICEID='{ours}' AND (n.IPADDRESS LIKE '127.%' OR n.IPADDRESS='::1')"
    ));
    assert_eq!(loopback, "0", "loopback networks rows");
    let bad_dates = DIALECT.db(&format!(
        "SELECT COUNT(*) FROM software s JOIN hardware h ON h.ID=s.HARDWARE_ID WHERE \
         h.DEVICEID='{ours}' AND (s.INSTALLDATE IS NULL OR s.INSTALLDATE < '1980-01-01')"
    ));
    let softwares = DIALECT.db(&format!(
        "SELECT COUNT(*) FROM software s JOIN hardware h ON h.ID=s.HARDWARE_ID WHERE \
         h.DEVICEID='{ours}'"
    ));
    assert_ne!(softwares, "0");
    assert_eq!(
        bad_dates, "0",
        "software rows without a stored install date"
    );
    assert!(
        missing.is_empty(),
        "columns the Perl agent fills and ours leaves empty:\n{}",
        missing.join("\n")
    );
    let _ = std::fs::remove_dir_all(&perl_dir);
    let _ = std::fs::remove_dir_all(&ours_dir);
}
