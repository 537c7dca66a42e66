//! Conformance of the SNMP inventory with the reference agent on walks of real devices.
//!
//! Reads the shared corpus (`<repo>/../shared/snmp-walks`, or `$SNMP_WALKS_DIR`; see its
//! README): every case's `input.walk` goes through our walk reader and device inventory,
//! and the result is compared field by field with what the reference agent derives:
//! - `parse`: the values the reference's walk reader returns for given OIDs;
//! - `inventory`: the whole DEVICE of the SNMPQUERY message, both the upstream test's
//!   expectation (`expected.json`, with its replay parameters) and the reference run
//!   (`reference-inventory.json`, glpi-netinventory defaults);
//! - `components`: the ENTITY/vendor component list (as a bag);
//! - `mibsupport`: the ports a vendor rule rewrites, and the upstream assertions.
//!
//! Ports are matched by IFNUMBER, components by INDEX, VLANs by NUMBER, lists of values
//! as sets. Prints every mismatch and the share of equal fields per case and per kind;
//! fails when a kind falls below its floor or a mismatch is not in [`KNOWN_DIFFERENCES`].
//! Skips with a message when the corpus is not there; the walks are never copied here.

use std::collections::BTreeMap;
use std::fs;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use ocsinventory_agent::net::xmltree::Node;
use ocsinventory_agent::snmp::canonical;
use ocsinventory_agent::snmp::identify::SysObjectDb;
use ocsinventory_agent::snmp::oid::Oid;
use ocsinventory_agent::snmp::value::Value as Snmp;
use ocsinventory_agent::snmp::walkfile;
use ocsinventory_agent::task::snmp::device::{self, Params};
use serde_json::{Map, Value};

/// Mismatches kept on purpose: (case prefix, field path prefix or `prefix*suffix`, why).
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "ricoh-aficio-mp171--sample2",
        "INFO.UPTIME",
        "the walk has DISMAN-EVENT-MIB::sysUpTimeInstance (sysUpTime.0); the reference's \
         walk reader knows only a fixed list of MIB names and drops it, we read it",
    ),
    (
        "",
        "INFO.UPTIME",
        "time ticks: the reference copies the walk's own text (`0:22:57.91`); live, it sends \
         its SNMP library's (`22 minutes, 57.91`), and so do we, from walks too: one device, \
         one text, whatever the source",
    ),
    (
        "",
        "PORTS.PORT[*].IFLASTCHANGE",
        "time ticks, as INFO.UPTIME",
    ),
];

/// Lowest share of equal fields accepted per kind, in percent.
const FLOORS: &[(&str, f64)] = &[
    ("parse", 100.0),
    ("inventory", 98.0),
    ("components", 95.0),
    ("mibsupport", 95.0),
];

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SNMP_WALKS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/snmp-walks"));
    dir.join("cases").is_dir().then_some(dir)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// An XML element as the reference's `dump_as_hash` shapes it: text-only elements are
/// strings, repeated children arrays.
fn hash(node: &Node) -> Value {
    if node.children.is_empty() {
        return Value::String(node.text.clone());
    }
    let mut m: Map<String, Value> = Map::new();
    for c in &node.children {
        let v = hash(c);
        match m.get_mut(&c.name) {
            Some(Value::Array(a)) => a.push(v),
            Some(old) => {
                let first = old.take();
                *old = Value::Array(vec![first, v]);
            }
            None => {
                m.insert(c.name.clone(), v);
            }
        }
    }
    Value::Object(m)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The key an array element is matched by.
fn element_key(v: &Value, i: usize) -> String {
    for k in ["IFNUMBER", "INDEX", "NUMBER", "NAME"] {
        if let Some(s) = v.get(k).and_then(scalar) {
            return format!("{k}={s}");
        }
    }
    i.to_string()
}

/// Leaves as `path → value`; arrays of scalars become one sorted `a|b|c` leaf.
fn flatten(v: &Value, path: &str, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(x, &p, out);
            }
        }
        Value::Array(a) => {
            if a.iter().all(|x| scalar(x).is_some()) {
                let mut s: Vec<String> = a.iter().filter_map(scalar).collect();
                s.sort();
                out.insert(path.to_string(), s.join("|"));
            } else {
                for (i, x) in a.iter().enumerate() {
                    flatten(x, &format!("{path}[{}]", element_key(x, i)), out);
                }
            }
        }
        other => {
            out.insert(path.to_string(), scalar(other).unwrap_or_default());
        }
    }
}

/// A single element where an array was written for one (`PORT` of a one-port device).
fn normalise(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let x = normalise(x);
                    let listy = ["PORT", "COMPONENT", "VLAN", "FIRMWARES", "IP", "MAC"];
                    let x = if listy.contains(&k.as_str()) && !x.is_array() {
                        Value::Array(vec![x])
                    } else {
                        x
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

#[derive(Default)]
struct Tally {
    equal: usize,
    total: usize,
    unexpected: Vec<String>,
    /// Differences kept on purpose, counted by reason.
    known: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.equal += other.equal;
        self.total += other.total;
        self.unexpected.extend(other.unexpected);
        for (k, n) in other.known {
            *self.known.entry(k).or_default() += n;
        }
    }
    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.equal as f64 / self.total as f64
        }
    }
}

fn known(case: &str, path: &str) -> Option<&'static str> {
    KNOWN_DIFFERENCES
        .iter()
        .find(|(c, p, _)| {
            case.starts_with(c)
                && match p.split_once('*') {
                    Some((pre, post)) => {
                        path.starts_with(pre) && path.ends_with(post) && path.len() >= p.len() - 1
                    }
                    None => path.starts_with(p),
                }
        })
        .map(|(_, _, why)| *why)
}

/// Compares expected and ours leaf by leaf; extra leaves of ours count as mismatches.
fn compare(case: &str, expected: &Value, ours: &Value) -> Tally {
    let mut e = BTreeMap::new();
    let mut o = BTreeMap::new();
    flatten(&normalise(expected), "", &mut e);
    flatten(&normalise(ours), "", &mut o);
    let mut t = Tally::default();
    for (path, want) in &e {
        let got = o.get(path);
        if got == Some(want) {
            t.equal += 1;
            t.total += 1;
            continue;
        }
        if let Some(why) = known(case, path) {
            *t.known.entry(why).or_default() += 1;
            continue;
        }
        t.total += 1;
        println!("  DIFF   {path}: expected {want:?}, ours {got:?}");
        t.unexpected.push(format!("{case}: {path}"));
    }
    for (path, got) in &o {
        if e.contains_key(path) {
            continue;
        }
        if let Some(why) = known(case, path) {
            let _ = got;
            *t.known.entry(why).or_default() += 1;
            continue;
        }
        t.total += 1;
        println!("  EXTRA  {path}: ours {got:?}");
        t.unexpected.push(format!("{case}: {path} (extra)"));
    }
    t
}

fn db_for(root: &Path, datadir: Option<&str>) -> SysObjectDb {
    match datadir {
        Some("support") => SysObjectDb::load(&root.join("support/sysobject.ids")).unwrap(),
        _ => SysObjectDb::default(),
    }
}

fn our_device(
    table: &ocsinventory_agent::snmp::OidTable,
    db: &SysObjectDb,
    params: &Params,
) -> Value {
    let dev = device::inventory(table, db, params);
    hash(&dev.to_node())
}

/// The value the reference's walk reader returns, compared with ours by meaning.
fn same_value(want: &str, ours: &Snmp) -> bool {
    if let Some(hex) = want.strip_prefix("0x") {
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect();
        return bytes.as_deref() == ours.as_bytes();
    }
    match ours {
        Snmp::TimeTicks(t) => canonical::uptime_walk(u64::from(*t)) == want,
        Snmp::Oid(o) => want.trim_start_matches('.') == o.to_string(),
        other => other.as_text().as_deref() == Some(want),
    }
}

fn parse_case(dir: &Path, table: &ocsinventory_agent::snmp::OidTable) -> Tally {
    let exp = json(&dir.join("expected.json"));
    let mut t = Tally::default();
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    if let Some(gets) = exp.get("get").and_then(Value::as_object) {
        for (oid, want) in gets {
            let want = scalar(want).unwrap_or_default();
            t.total += 1;
            let o: Oid = oid.parse().unwrap();
            match table.get(&o) {
                Some(v) if same_value(&want, v) => t.equal += 1,
                got => {
                    println!("  DIFF   get {oid}: expected {want:?}, ours {got:?}");
                    t.unexpected.push(format!("{case}: get {oid}"));
                }
            }
        }
    }
    if let Some(walks) = exp.get("walk").and_then(Value::as_object) {
        for (base, rows) in walks {
            let b: Oid = base.parse().unwrap();
            for (suffix, want) in rows.as_object().unwrap() {
                let want = scalar(want).unwrap_or_default();
                t.total += 1;
                let o: Oid = format!("{b}.{suffix}").parse().unwrap();
                match table.get(&o) {
                    Some(v) if same_value(&want, v) => t.equal += 1,
                    got => {
                        println!("  DIFF   walk {base}.{suffix}: expected {want:?}, ours {got:?}");
                        t.unexpected.push(format!("{case}: walk {base}.{suffix}"));
                    }
                }
            }
        }
    }
    t
}

fn inventory_case(root: &Path, dir: &Path, table: &ocsinventory_agent::snmp::OidTable) -> Tally {
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    let meta = json(&dir.join("meta.json"));
    let replay = &meta["replay"];
    let params = Params {
        id: replay["device_id"].as_str().unwrap_or("0").to_string(),
        forced_type: replay["device_type"].as_str().map(str::to_string),
        peer: replay["peer_ip"]
            .as_str()
            .and_then(|p| p.parse::<Ipv4Addr>().ok()),
        ..Params::default()
    };
    let db = db_for(root, replay["datadir"].as_str());
    let exp = json(&dir.join("expected.json"));
    let want = &exp["REQUEST"]["CONTENT"]["DEVICE"];
    println!(" expected.json (upstream test, its replay parameters):");
    let mut t = compare(&case, want, &our_device(table, &db, &params));
    let reference = dir.join("reference-inventory.json");
    if reference.is_file() {
        let r = json(&reference);
        let params = Params {
            id: "0".into(),
            peer: Some(Ipv4Addr::LOCALHOST),
            ..Params::default()
        };
        let db = db_for(root, Some("support"));
        println!(" reference-inventory.json (reference run, glpi-netinventory defaults):");
        t.add(compare(
            &format!("{case} (reference)"),
            &r["REQUEST"]["CONTENT"]["DEVICE"],
            &our_device(table, &db, &params),
        ));
    }
    t
}

fn components_case(root: &Path, dir: &Path, table: &ocsinventory_agent::snmp::OidTable) -> Tally {
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    let exp = json(&dir.join("expected.json"));
    let db = db_for(root, Some("support"));
    let dev = our_device(
        table,
        &db,
        &Params {
            id: "0".into(),
            ..Params::default()
        },
    );
    let ours = dev
        .get("COMPONENTS")
        .and_then(|c| c.get("COMPONENT"))
        .cloned()
        .unwrap_or(Value::Array(vec![]));
    let mut want = Map::new();
    want.insert("COMPONENT".into(), exp["components"].clone());
    let mut got = Map::new();
    got.insert("COMPONENT".into(), ours);
    compare(&case, &Value::Object(want), &Value::Object(got))
}

fn mibsupport_case(root: &Path, dir: &Path, table: &ocsinventory_agent::snmp::OidTable) -> Tally {
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    let exp = json(&dir.join("expected.json"));
    let db = db_for(root, Some("support"));
    let dev = device::inventory(
        table,
        &db,
        &Params {
            id: "0".into(),
            ..Params::default()
        },
    );
    let mut t = Tally::default();
    if let Some(ports) = exp.get("expected_ports").and_then(Value::as_object) {
        let mut want = Map::new();
        let mut got = Map::new();
        for (i, fields) in ports {
            want.insert(i.clone(), fields.clone());
            let ours = i
                .parse::<u64>()
                .ok()
                .and_then(|n| dev.ports.get(&n))
                .map(|p| {
                    let mut m = Map::new();
                    for k in fields.as_object().unwrap().keys() {
                        if let Some(v) = p.fields.get(k) {
                            m.insert(k.clone(), Value::String(v.clone()));
                        }
                    }
                    Value::Object(m)
                })
                .unwrap_or(Value::Null);
            got.insert(i.clone(), ours);
        }
        t.add(compare(&case, &Value::Object(want), &Value::Object(got)));
    }
    if let Some(asserts) = exp.get("assertions").and_then(Value::as_array) {
        // What the vendor rule must leave: the real ports only, values kept.
        for a in asserts {
            let name = a["name"].as_str().unwrap_or("");
            let src = a["source"].as_str().unwrap_or("");
            if src.contains("before run()")
                || name.contains("before run()")
                || name.contains("phantom port 157 only")
            {
                continue;
            }
            let ok = if name.contains("removed after run()") {
                Some(dev.ports.len().to_string() == scalar(&a["expected"]).unwrap_or_default())
            } else if src.contains("!exists $ports->{") {
                let idx: u64 = src
                    .split("$ports->{")
                    .nth(1)
                    .and_then(|r| r.split('}').next())
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(0);
                Some(!dev.ports.contains_key(&idx))
            } else if let Some(rest) = src.split("$ports->{").nth(1) {
                let idx: u64 = rest.split('}').next().unwrap_or("").parse().unwrap_or(0);
                let field = rest
                    .split("->{")
                    .nth(1)
                    .and_then(|f| f.split('}').next())
                    .unwrap_or("");
                let got = dev
                    .ports
                    .get(&idx)
                    .and_then(|p| p.fields.get(field))
                    .cloned();
                if a["assertion"] == "ok" {
                    Some(if src.contains("!defined") {
                        got.is_none() && !dev.ports.contains_key(&idx) || got.is_none()
                    } else {
                        got.is_some()
                    })
                } else {
                    Some(got == scalar(&a["expected"]))
                }
            } else {
                None
            };
            if let Some(ok) = ok {
                t.total += 1;
                if ok {
                    t.equal += 1;
                } else {
                    println!("  DIFF   assertion '{name}'");
                    t.unexpected.push(format!("{case}: {name}"));
                }
            }
        }
    }
    t
}

#[test]
fn walks_conformance() {
    let Some(root) = corpus() else {
        println!("skipped: no SNMP walk corpus (../shared/snmp-walks or $SNMP_WALKS_DIR)");
        return;
    };
    let mut kinds: BTreeMap<String, Tally> = BTreeMap::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for kind in fs::read_dir(root.join("cases")).unwrap().flatten() {
        for case in fs::read_dir(kind.path()).unwrap().flatten() {
            dirs.push(case.path());
        }
    }
    dirs.sort();
    for dir in dirs {
        let kind = dir
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        println!("== {kind}/{case}");
        let walk = walkfile::read(&dir.join("input.walk")).unwrap();
        for p in walk.problems() {
            println!("  walk: {p}");
        }
        let t = match kind.as_str() {
            "parse" => parse_case(&dir, &walk.table),
            "inventory" => inventory_case(&root, &dir, &walk.table),
            "components" => components_case(&root, &dir, &walk.table),
            "mibsupport" => mibsupport_case(&root, &dir, &walk.table),
            _ => continue,
        };
        println!(
            "  {case}: {}/{} fields equal ({:.1} %)",
            t.equal,
            t.total,
            t.pct()
        );
        for (why, n) in &t.known {
            println!("  known difference ×{n}: {why}");
        }
        kinds.entry(kind).or_default().add(t);
    }
    let mut failures = Vec::new();
    let mut all = Tally::default();
    for (kind, t) in &kinds {
        println!(
            "{kind}: {}/{} fields equal ({:.1} %)",
            t.equal,
            t.total,
            t.pct()
        );
        let floor = FLOORS
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(100.0, |(_, f)| *f);
        if t.pct() < floor {
            failures.push(format!("{kind}: {:.1} % < {floor} %", t.pct()));
        }
    }
    for t in kinds.into_values() {
        all.add(t);
    }
    println!(
        "all: {}/{} fields equal ({:.1} %)",
        all.equal,
        all.total,
        all.pct()
    );
    assert!(failures.is_empty(), "below the floor: {failures:?}");
    assert!(
        all.unexpected.is_empty(),
        "differences not in KNOWN_DIFFERENCES: {:?}",
        all.unexpected
    );
}

/// The lines where two texts differ (the first few), for a failure message.
fn first_differences(a: &str, b: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut out = Vec::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if x != y {
            out.push(format!("line {}: whole {x:?}, live {y:?}", i + 1));
            if out.len() == 5 {
                break;
            }
        }
    }
    out
}

#[test]
fn live_reads_are_enough() {
    // A live inventory reads only some columns and scalars (device::gets, walks): every
    // case's walk cut down to them must give the same inventory as the whole walk, or a
    // column the derivation uses is not asked of live devices.
    let Some(root) = corpus() else {
        println!("skipped: no SNMP walk corpus (../shared/snmp-walks or $SNMP_WALKS_DIR)");
        return;
    };
    let db = db_for(&root, Some("support"));
    let mut failures = Vec::new();
    let mut n = 0;
    for kind in fs::read_dir(root.join("cases")).unwrap().flatten() {
        for case in fs::read_dir(kind.path()).unwrap().flatten() {
            let walk = walkfile::read(&case.path().join("input.walk")).unwrap();
            let params = Params {
                id: "0".into(),
                peer: Some(Ipv4Addr::LOCALHOST),
                ..Params::default()
            };
            let whole = device::inventory(&walk.table, &db, &params)
                .to_node()
                .to_xml();
            let live = device::inventory(&device::live_view(&walk.table), &db, &params)
                .to_node()
                .to_xml();
            let name = case.file_name().to_string_lossy().into_owned();
            n += 1;
            if whole != live {
                failures.push(format!("{name}: {:?}", first_differences(&whole, &live)));
            }
        }
    }
    println!("{n} walks: {} differ", failures.len());
    assert!(n > 0);
    assert!(failures.is_empty(), "{failures:#?}");
}
