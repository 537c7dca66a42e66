//! The SNMP inventory against live peers, compared with the reference agent
//! (`fusioninventory-netinventory`, Debian's fusioninventory-agent-task-network) asking
//! the same agents:
//! - Debian's `snmpd` on 127.0.2.1 (v2c, and a v3 authPriv SHA/AES user): INFO and every
//!   PORT must be equal, except what changes between two reads (uptime, traffic counters);
//! - two printers on a real snmpd made to answer the Printer-MIB (`override`: an HP
//!   colour laser, a Kyocera with its own page counters): every supply and page counter
//!   must be equal;
//! - recordings of ten real devices served by snmpsim (`t/snmpsim/serve.sh`, its
//!   state in `$SNMPSIM_DIR`, default /var/lib/snmpsim-test-snmp) on 127.0.2.2:1161:
//!   INFO, every PORT's name/description/type/MAC/speed/alias and the numbers of
//!   connections, VLANs and components must agree on ≥ 95 % of what the reference
//!   reports, per device. Where we are right and the reference is wrong, [`WE_ARE_RIGHT`]
//!   says so and those fields are counted apart.
//!
//! Runs with `SNMP_LIVE=1` (`make integration` sets it: the reference takes a minute on
//! the recorded switches); otherwise each test says "skipped" and passes. With
//! `SNMP_BENCH=1` (`t/bench/snmpsim.sh`, `make bench`) the recordings' comparison times
//! each agent alone, device by device, and prints the table of agreement and time.
//!
//! Every peer is started by the test and stopped by PID (snmpd: our child; snmpsim:
//! through serve.sh's pid file). The reference agent and snmpd are installed by CI
//! (`.ci/run`); without them the test fails and says what to install.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ocsinventory_agent::net::xmltree::Node;
use support::snmpd::{Agent, Snmpd};

const FUSION: &str = "/usr/bin/fusioninventory-netinventory";
/// Where snmpsim serves the recordings: 127.0.2.2:1161, or `SNMPSIM_ENDPOINT` (the
/// bench runs on its own endpoint and state, beside the tests).
fn snmpsim_endpoint() -> (String, String) {
    let ep = std::env::var("SNMPSIM_ENDPOINT").unwrap_or_else(|_| "127.0.2.2:1161".into());
    let (a, p) = ep.rsplit_once(':').expect("SNMPSIM_ENDPOINT is ADDR:PORT");
    (a.to_string(), p.to_string())
}

/// The ten devices the issue names, by snmpsim recording.
const DEVICES: &[&str] = &[
    "network/switch/cisco-c3560",
    "network/switch/hpe-procurve-516733-b21",
    "network/switch/dlink-des3200",
    "network/router/juniper-mx960-13-3r9-13",
    "network/wifi/aruba-7010",
    "UPS/apc-8641",
    "storage/netapp-fas3270",
    "network/firewall/paloalto-pa-5000",
    "os/linux/ibm-x3550-m3",
    "camera/hikvision",
];

/// Fields where the reference is wrong and we are right: (device, field, why).
const WE_ARE_RIGHT: &[(&str, &str, &str)] = &[(
    "hikvision",
    "INFO.TYPE",
    "unknown kind: the reference sends an empty <TYPE/>; we leave TYPE out",
)];

/// Text the reference breaks (e.g. the Palo Alto's Chinese location, contact and aliases).
const BROKEN_UTF8: &str = "UTF-8 text: the reference cuts the string inside a multi-byte \
    character and sends a broken one (U+FFFD); we send the device's text";

fn enabled() -> bool {
    let on = std::env::var("SNMP_LIVE").is_ok_and(|v| v == "1");
    if !on {
        println!("skipped (set SNMP_LIVE=1, as make integration does)");
    }
    on
}

fn need(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: apt-get install {package} (CI installs it in .ci/run)"
    );
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("snmp-live-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Our SNMPQUERY message for one device.
fn ours(vardir: &Path, host: &str, cred: &str) -> Node {
    let out = support::agent::run(
        vardir,
        &["--netinventory", host, "--credentials", cred, "--stdout"],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "agent failed on {host}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Node::parse(&text).unwrap_or_else(|e| panic!("our message for {host}: {e}\n{text}"))
}

/// The reference's message for one device.
fn fusion(host: &str, port: &str, cred: &str) -> Node {
    let out = Command::new(FUSION)
        .args(["--host", host, "--port", port, "--credentials", cred])
        .args(["--timeout", "1"])
        .output()
        .expect("run fusioninventory-netinventory");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Node::parse(&text).unwrap_or_else(|e| {
        panic!(
            "reference message for {host}:{port}: {e}\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn device(msg: &Node) -> &Node {
    msg.child("CONTENT")
        .and_then(|c| c.child("DEVICE"))
        .expect("a DEVICE in the message")
}

fn texts(n: &Node, name: &str) -> String {
    let mut v: Vec<String> = n.children_named(name).map(|c| c.text.clone()).collect();
    v.sort();
    v.join("|")
}

/// INFO and every PORT as `path → text`, without `skip`ped fields.
fn full_fields(dev: &Node, skip: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(info) = dev.child("INFO") {
        for c in &info.children {
            if skip.contains(&c.name.as_str()) {
                continue;
            }
            let v = if c.name == "IPS" {
                texts(c, "IP")
            } else {
                c.text.clone()
            };
            out.insert(format!("INFO.{}", c.name), v);
        }
    }
    // Printers: one field per supply and per counter.
    for part in ["CARTRIDGES", "PAGECOUNTERS"] {
        for c in dev.child(part).iter().flat_map(|p| p.children.iter()) {
            out.insert(format!("{part}.{}", c.name), c.text.clone());
        }
    }
    for p in dev
        .child("PORTS")
        .iter()
        .flat_map(|p| p.children_named("PORT"))
    {
        let n = p.child_text("IFNUMBER").unwrap_or("?").to_string();
        for c in &p.children {
            if skip.contains(&c.name.as_str()) {
                continue;
            }
            let v = if c.name == "IPS" {
                texts(c, "IP")
            } else {
                c.text.clone()
            };
            out.insert(format!("PORT{n}.{}", c.name), v);
        }
    }
    out
}

/// What the issue compares on recorded devices.
fn issue_fields(dev: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(info) = dev.child("INFO") {
        for c in &info.children {
            if c.name == "UPTIME" {
                continue;
            }
            let v = if c.name == "IPS" {
                texts(c, "IP")
            } else {
                c.text.clone()
            };
            out.insert(format!("INFO.{}", c.name), v);
        }
    }
    let ports: Vec<&Node> = dev
        .child("PORTS")
        .iter()
        .flat_map(|p| p.children_named("PORT"))
        .collect();
    let (mut conns, mut vlans) = (0, 0);
    for p in &ports {
        let n = p.child_text("IFNUMBER").unwrap_or("?").to_string();
        for k in ["IFNAME", "IFDESCR", "IFTYPE", "MAC", "IFSPEED", "IFALIAS"] {
            if let Some(c) = p.child(k) {
                out.insert(format!("PORT{n}.{k}"), c.text.clone());
            }
        }
        if let Some(c) = p.child("CONNECTIONS") {
            for conn in c.children_named("CONNECTION") {
                conns += conn.children_named("MAC").count().max(1);
            }
        }
        vlans += p
            .child("VLANS")
            .map_or(0, |v| v.children_named("VLAN").count());
    }
    let comps = dev
        .child("COMPONENTS")
        .map_or(0, |c| c.children_named("COMPONENT").count());
    out.insert("#CONNECTIONS".into(), conns.to_string());
    out.insert("#VLANS".into(), vlans.to_string());
    out.insert("#COMPONENTS".into(), comps.to_string());
    out
}

/// Every field where the two differ (missing on one side included).
fn differences(
    reference: &BTreeMap<String, String>,
    mine: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    for (k, v) in reference {
        if mine.get(k) != Some(v) {
            diffs.push(format!("{k}: reference {v:?}, ours {:?}", mine.get(k)));
        }
    }
    for k in mine.keys().filter(|k| !reference.contains_key(*k)) {
        diffs.push(format!("{k}: only ours {:?}", mine[k]));
    }
    diffs
}

/// What changes between two reads of the same agent.
const MOVING: [&str; 5] = [
    "UPTIME",
    "IFINOCTETS",
    "IFOUTOCTETS",
    "IFINERRORS",
    "IFOUTERRORS",
];

#[test]
fn snmpd_inventory_equals_the_reference() {
    if !enabled() {
        return;
    }
    need(FUSION, "fusioninventory-agent-task-network");
    let agent = Snmpd::start(&Agent {
        addr: "127.0.2.1",
        community: "snmplive",
        name: "snmp-live-test",
        v3user: Some(("liveuser", "liveauth1", "livepriv1")),
        descr: None,
        extra: "",
    });
    let var = tmpdir("snmpd");
    let v2 = "version:2c,community:snmplive";
    let v3 = "version:3,username:liveuser,authprotocol:sha,authpassword:liveauth1,privprotocol:aes,privpassword:livepriv1";
    for (what, cred) in [("v2c", v2), ("v3 authPriv", v3)] {
        let reference = full_fields(device(&fusion(&agent.addr, "161", cred)), &MOVING);
        let mine = full_fields(device(&ours(&var, &agent.addr, cred)), &MOVING);
        assert!(
            reference.len() > 10,
            "the reference read little over {what}: {reference:?}"
        );
        let diffs = differences(&reference, &mine);
        println!(
            "snmpd {what}: {} fields, {} differences",
            reference.len(),
            diffs.len()
        );
        assert!(diffs.is_empty(), "snmpd {what}: {diffs:#?}");
    }
    drop(agent);
    let _ = std::fs::remove_dir_all(&var);
}

/// The recordings compared: the ten of the issue, or `SNMPSIM_DEVICES` (`all`, or names
/// separated by commas) for a run by hand over more of them (the reference takes about
/// ten minutes over all 116).
fn recordings() -> Vec<String> {
    match std::env::var("SNMPSIM_DEVICES").as_deref() {
        Err(_) | Ok("") => DEVICES.iter().map(|d| d.to_string()).collect(),
        Ok("all") => {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("t/snmpsim/serve.sh");
            let out = Command::new("bash")
                .arg(script)
                .arg("list")
                .env("SNMPSIM_DIR", snmpsim_dir())
                .output()
                .expect("serve.sh list");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        }
        Ok(list) => list.split(',').map(|d| d.trim().to_string()).collect(),
    }
}

/// Where serve.sh keeps snmpsim (`SNMPSIM_DIR`, as `make integration-snmp` sets it).
fn snmpsim_dir() -> String {
    std::env::var("SNMPSIM_DIR").unwrap_or_else(|_| "/var/lib/snmpsim-test-snmp".to_string())
}

/// snmpsim serving the recordings, stopped (by its pid file) when dropped.
struct Snmpsim {
    dir: String,
}

impl Snmpsim {
    fn start(names: &[&str]) -> Snmpsim {
        let dir = snmpsim_dir();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("t/snmpsim/serve.sh");
        assert!(script.is_file(), "{} is missing", script.display());
        let out = Command::new("bash")
            .arg(&script)
            .arg("start")
            .arg({
                let (a, p) = snmpsim_endpoint();
                format!("{a}:{p}")
            })
            .args(names)
            .env("SNMPSIM_DIR", &dir)
            .output()
            .expect("run serve.sh");
        assert!(
            out.status.success(),
            "snmpsim did not start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Snmpsim { dir }
    }
}

impl Drop for Snmpsim {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("t/snmpsim/serve.sh");
        let _ = Command::new("bash")
            .arg(script)
            .arg("stop")
            .env("SNMPSIM_DIR", &self.dir)
            .output();
    }
}

/// One Printer-MIB supply: (class, type, description, unit, max capacity, level).
type Supply = (i64, i64, &'static str, i64, i64, i64);

/// snmpd.conf lines making a real snmpd answer as a printer: its sysObjectID, serial,
/// supplies (prtMarkerSuppliesTable), colorants and any other `(OID, type, value)`.
fn printer_conf(
    object_id: &str,
    serial: &str,
    supplies: &[Supply],
    colorants: &[&str],
    more: &[(&str, &str, &str)],
) -> String {
    let mut c = format!(
        "override .1.3.6.1.2.1.1.2.0 object_id {object_id}\n\
         override .1.3.6.1.2.1.43.5.1.1.17.1 octet_str \"{serial}\"\n"
    );
    let supply = ".1.3.6.1.2.1.43.11.1.1";
    for (i, (class, kind, descr, unit, max, level)) in supplies.iter().enumerate() {
        let n = i + 1;
        for (column, value) in [(3, *class), (5, *kind), (7, *unit), (8, *max), (9, *level)] {
            c.push_str(&format!(
                "override {supply}.{column}.1.{n} integer {value}\n"
            ));
        }
        c.push_str(&format!(
            "override {supply}.6.1.{n} octet_str \"{descr}\"\n"
        ));
    }
    for (i, name) in colorants.iter().enumerate() {
        c.push_str(&format!(
            "override .1.3.6.1.2.1.43.12.1.1.4.1.{} octet_str \"{name}\"\n",
            i + 1
        ));
    }
    for (oid, kind, value) in more {
        c.push_str(&format!("override {oid} {kind} {value}\n"));
    }
    c
}

#[test]
fn printer_supplies_and_counters_equal_the_reference() {
    // No recording of a printer is at hand (snmpsim-data has none, the walks' Ricoh has
    // no supplies): a real snmpd is made to answer the Printer-MIB (`override`), and
    // both agents read it. Supplies in percent (unit 19) and in their own unit, the
    // special levels (-2 unknown, -3 "some left"), colour toners through the colorant
    // table, waste toner, drum, kits, staples; the generic page counter and Kyocera's.
    if !enabled() {
        return;
    }
    need(FUSION, "fusioninventory-agent-task-network");
    let hp = printer_conf(
        ".1.3.6.1.4.1.11.2.3.9.1",
        "CNB8K1234X",
        &[
            (1, 3, "Black Cartridge HP CF410X", 19, 100, 64),
            (2, 3, "Cyan Cartridge HP CF411X", 19, 100, 23),
            (3, 3, "Magenta Cartridge HP CF413X", 19, 100, -3),
            (4, 3, "Yellow Cartridge HP CF412X", 19, 5000, 4100),
            (0, 4, "Toner Collection Unit HP B5L37A", 19, 100, 10),
            (0, 9, "Imaging Drum", 7, 60000, 30000),
        ],
        &["black", "cyan", "magenta", "yellow"],
        &[(".1.3.6.1.2.1.43.10.2.1.4.1.1", "counter", "48213")],
    );
    let kyocera = printer_conf(
        ".1.3.6.1.4.1.1347.41",
        "VCF7912345",
        &[
            (1, 3, "TK-3190", 13, 25000, 7500),
            (0, 4, "Waste Toner Box", 19, -2, -3),
            (0, 15, "Fuser Kit", 19, 100, -2),
            (0, 18, "Maintenance Kit MK-3170", 7, 500000, 125000),
            (0, 32, "Staples", 19, 100, 0),
        ],
        &["black"],
        &[
            (".1.3.6.1.2.1.43.10.2.1.4.1.1", "counter", "99000"),
            (".1.3.6.1.4.1.1347.42.10.1.1.12.1.1", "integer", "101234"),
            (".1.3.6.1.4.1.1347.42.2.2.1.1.3.1.1", "integer", "80000"),
            (".1.3.6.1.4.1.1347.42.2.1.1.1.8.1.1", "integer", "21234"),
            (".1.3.6.1.4.1.1347.46.10.1.1.5.3", "integer", "5555"),
            (".1.3.6.1.4.1.1347.42.3.1.1.1.1.1", "integer", "100000"),
        ],
    );
    let var = tmpdir("printers");
    for (addr, name, descr, conf) in [
        (
            "127.0.2.4",
            "hp-printer",
            "HP Color LaserJet MFP M477fdw",
            &hp,
        ),
        (
            "127.0.2.5",
            "kyocera-printer",
            "KYOCERA Document Solutions Printing System",
            &kyocera,
        ),
    ] {
        let agent = Snmpd::start(&Agent {
            addr,
            community: "printers",
            name,
            v3user: None,
            descr: Some(descr),
            extra: conf,
        });
        let cred = "version:2c,community:printers";
        let reference = full_fields(device(&fusion(&agent.addr, "161", cred)), &MOVING);
        let mine = full_fields(device(&ours(&var, &agent.addr, cred)), &MOVING);
        let supplies = reference
            .keys()
            .filter(|k| k.starts_with("CARTRIDGES."))
            .count();
        let counters = reference
            .keys()
            .filter(|k| k.starts_with("PAGECOUNTERS."))
            .count();
        assert_eq!(
            reference.get("INFO.TYPE").map(String::as_str),
            Some("PRINTER"),
            "{name}: the reference did not take it for a printer"
        );
        assert!(
            supplies >= 5 && counters >= 1,
            "{name}: the reference read {reference:?}"
        );
        let diffs = differences(&reference, &mine);
        println!(
            "{name}: {} fields ({supplies} supplies, {counters} page counters), {} differences",
            reference.len(),
            diffs.len()
        );
        assert!(diffs.is_empty(), "{name}: {diffs:#?}");
    }
    let _ = std::fs::remove_dir_all(&var);
}

/// snmpInPkts (SNMPv2-MIB): every message the agent received, this read included.
fn packets_in(addr: &str, community: &str) -> u64 {
    let out = Command::new("snmpget")
        .args(["-v2c", "-c", community, "-Oqv", addr, "1.3.6.1.2.1.11.1.0"])
        .output()
        .expect("snmpget (apt-get install snmp)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("snmpInPkts of {addr}: {text:?}"))
}

#[test]
fn few_requests_per_device() {
    // The subtrees a device does not have (most vendors' on any one device) are found
    // with one GETNEXT of their roots, not one GETBULK each: a GETBULK past an empty
    // subtree makes the agent compute rows of whatever table follows (on snmpd, 58
    // requests instead of 23, and ~40 ms of its CPU per inventory instead of ~6).
    if !enabled() {
        return;
    }
    need(FUSION, "fusioninventory-agent-task-network");
    let agent = Snmpd::start(&Agent {
        addr: "127.0.2.3",
        community: "snmpcount",
        name: "snmp-count-test",
        v3user: None,
        descr: None,
        extra: "",
    });
    let var = tmpdir("count");
    let cred = "version:2c,community:snmpcount";
    let before = packets_in(&agent.addr, "snmpcount");
    let dev = ours(&var, &agent.addr, cred);
    let mid = packets_in(&agent.addr, "snmpcount");
    let _ = fusion(&agent.addr, "161", cred);
    let after = packets_in(&agent.addr, "snmpcount");
    // Each snmpget counts itself once.
    let (mine, theirs) = (mid - before - 1, after - mid - 1);
    let ports = device(&dev).child("PORTS").map_or(0, |p| p.children.len());
    println!("requests for one snmpd inventory ({ports} ports): ours {mine}, reference {theirs}");
    assert!(ports > 0, "no ports read");
    assert!(
        mine <= 40,
        "{mine} requests for one snmpd (reference: {theirs})"
    );
}

#[test]
fn recorded_devices_agree_with_the_reference() {
    if !enabled() {
        return;
    }
    need(FUSION, "fusioninventory-agent-task-network");
    let devices = recordings();
    let names: Vec<&str> = devices.iter().map(String::as_str).collect();
    let _sim = Snmpsim::start(&names);
    let var = tmpdir("snmpsim");
    let mut worst = 100.0f64;
    let mut failures = Vec::new();
    // For `make bench` (SNMP_BENCH=1): each agent alone, one device at a time, timed.
    let bench = std::env::var("SNMP_BENCH").is_ok_and(|v| v == "1");
    let (sim_addr, sim_port) = snmpsim_endpoint();
    let cred_of = |d: &str| {
        let community = d.rsplit('/').next().unwrap_or(d).to_string();
        format!("version:2c,community:{community}")
    };
    let mut fusion_ms: Vec<u128> = Vec::new();
    // The reference takes seconds per device: ask it about ten at once (one at a time
    // when timed).
    let mut answers = Vec::new();
    if bench {
        for d in &names {
            let t = std::time::Instant::now();
            let cred = cred_of(d);
            answers.push(std::panic::catch_unwind(|| fusion(&sim_addr, &sim_port, &cred)).ok());
            fusion_ms.push(t.elapsed().as_millis());
        }
    }
    for chunk in names.chunks(10).filter(|_| !bench) {
        let threads: Vec<_> = chunk
            .iter()
            .map(|d| {
                let community = d.rsplit('/').next().unwrap_or(d).to_string();
                let (a, p) = (sim_addr.clone(), sim_port.clone());
                std::thread::spawn(move || {
                    let cred = format!("version:2c,community:{community}");
                    std::panic::catch_unwind(|| fusion(&a, &p, &cred)).ok()
                })
            })
            .collect();
        answers.extend(threads.into_iter().map(|t| t.join().ok().flatten()));
    }
    let mut rows: Vec<String> = Vec::new();
    let (mut all_equal, mut all_total, mut ours_total, mut fusion_total) = (0, 0, 0u128, 0u128);
    for (k, (d, answer)) in names.iter().zip(answers).enumerate() {
        let name = d.rsplit('/').next().unwrap_or(d);
        let Some(reference) =
            answer.filter(|a| a.child("CONTENT").and_then(|c| c.child("DEVICE")).is_some())
        else {
            // Only with SNMPSIM_DEVICES: the named ten always answer.
            assert!(!DEVICES.contains(d), "{name}: no answer from the reference");
            println!("{name}: the reference read nothing, not compared");
            rows.push(format!("{d:<52} {:>14}", "no reference"));
            continue;
        };
        let reference = issue_fields(device(&reference));
        let t = std::time::Instant::now();
        let mine = issue_fields(device(&ours(
            &var,
            &format!("{sim_addr}:{sim_port}"),
            &cred_of(d),
        )));
        let ours_ms = t.elapsed().as_millis();
        let (mut equal, mut total, mut right) = (0usize, 0usize, 0usize);
        for (k, v) in &reference {
            if mine.get(k) == Some(v) {
                equal += 1;
                total += 1;
                continue;
            }
            let broken =
                v.contains('\u{FFFD}') && mine.get(k).is_some_and(|m| !m.contains('\u{FFFD}'));
            let why = if broken {
                Some(BROKEN_UTF8)
            } else {
                WE_ARE_RIGHT
                    .iter()
                    .find(|(dev, f, _)| *dev == name && k.starts_with(f))
                    .map(|(_, _, why)| *why)
            };
            if let Some(why) = why {
                right += 1;
                println!(
                    "  {name} {k}: reference {v:?}, ours {:?} — we are right: {why}",
                    mine.get(k)
                );
                continue;
            }
            total += 1;
            println!("  {name} {k}: reference {v:?}, ours {:?}", mine.get(k));
        }
        let pct = if total == 0 {
            100.0
        } else {
            100.0 * equal as f64 / total as f64
        };
        println!("{name}: {equal}/{total} fields agree ({pct:.1} %), {right} where the reference is wrong");
        worst = worst.min(pct);
        if pct < 95.0 {
            failures.push(format!("{name}: {pct:.1} %"));
        }
        all_equal += equal;
        all_total += total;
        ours_total += ours_ms;
        let theirs = fusion_ms.get(k).copied().unwrap_or(0);
        fusion_total += theirs;
        rows.push(format!(
            "{d:<52} {equal:>6}/{total:<6} {pct:>6.1} % {ours_ms:>9} {theirs:>9}"
        ));
    }
    println!("worst device: {worst:.1} %");
    if bench {
        println!(
            "\n{:<52} {:>13} {:>8} {:>9} {:>9}",
            "recording", "fields agree", "", "ours ms", "fusion ms"
        );
        for r in &rows {
            println!("{r}");
        }
        let pct = 100.0 * all_equal as f64 / all_total.max(1) as f64;
        println!(
            "{:<52} {all_equal:>6}/{all_total:<6} {pct:>6.1} % {ours_total:>9} {fusion_total:>9}",
            format!("total ({} recordings)", names.len())
        );
        println!(
            "time ours / fusion: {:.3} (target for the ten of the issue: <= 0.1)",
            ours_total as f64 / fusion_total.max(1) as f64
        );
        println!("below 95 %: {failures:?}");
    }
    let _ = std::fs::remove_dir_all(&var);
    // The bench reports every recording; the test holds the named ones to 95 %.
    assert!(bench || failures.is_empty(), "below 95 %: {failures:?}");
}

/// One snmpsim recording read as a walk (decompressed first when it is bzip2).
fn recording_table(name: &str, tmp: &Path) -> ocsinventory_agent::snmp::OidTable {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("t/snmpsim/serve.sh");
    let out = Command::new("bash")
        .arg(script)
        .args(["file", name])
        .env("SNMPSIM_DIR", snmpsim_dir())
        .output()
        .expect("serve.sh file");
    let file = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(out.status.success() && file.is_file(), "{name}: {out:?}");
    let plain = if file.extension().is_some_and(|e| e == "bz2") {
        let text = Command::new("bzcat")
            .arg(&file)
            .output()
            .expect("bzcat (apt-get install bzip2)");
        let p = tmp.join("recording.snmprec");
        std::fs::write(&p, text.stdout).unwrap();
        p
    } else {
        file
    };
    ocsinventory_agent::snmp::walkfile::read(&plain)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .table
}

#[test]
fn live_reads_are_enough_for_every_recording() {
    // A live inventory asks only the columns and scalars the derivation uses
    // (device::gets, device::walks): each recording cut down to them must give the same
    // inventory as the whole recording.
    use ocsinventory_agent::snmp::identify::SysObjectDb;
    use ocsinventory_agent::task::snmp::device::{self, Params};
    if !enabled() {
        return;
    }
    let tmp = tmpdir("recordings");
    let db = SysObjectDb::system();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("t/snmpsim/serve.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg("list")
        .env("SNMPSIM_DIR", snmpsim_dir())
        .output()
        .expect("serve.sh list");
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    assert!(names.len() > 100, "serve.sh list: {out:?}");
    let mut failures = Vec::new();
    let (mut whole_rows, mut live_rows) = (0, 0);
    for name in &names {
        let table = recording_table(name, &tmp);
        let view = device::live_view(&table);
        whole_rows += table.len();
        live_rows += view.len();
        let params = Params {
            id: "0".into(),
            ..Params::default()
        };
        let whole = device::inventory(&table, &db, &params).to_node().to_xml();
        let live = device::inventory(&view, &db, &params).to_node().to_xml();
        if whole != live {
            let (a, b): (Vec<&str>, Vec<&str>) = (whole.lines().collect(), live.lines().collect());
            let first = (0..a.len().max(b.len()))
                .find(|i| a.get(*i) != b.get(*i))
                .map(|i| format!("line {}: whole {:?}, live {:?}", i + 1, a.get(i), b.get(i)));
            println!("{name}: differs, {first:?}");
            failures.push(name.clone());
        }
    }
    println!(
        "{} recordings: {whole_rows} values in all, {live_rows} of them read live; {} differ",
        names.len(),
        failures.len()
    );
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{failures:?}");
}
