//! Comparing our parsers with a fixture corpus of the reference agent: `<parser>/<case>/`
//! folders holding `input.*` files and the reference's `expected.json`.
//!
//! A runner turns one case folder into the shape of `expected.json`; [`run_corpus`] feeds it
//! every case, compares leaf by leaf (`null` expected = absent or empty here; a key absent
//! from expected must not get a value here), prints every mismatch and a table of equal
//! fields per parser, and returns the totals. Mismatches kept on purpose are listed, each
//! with its reason, in a [`Known`] table.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Turns one case folder into the value its `expected.json` describes.
pub type Runner = fn(&Path) -> Value;

/// A difference kept on purpose: (parser, cases, fields, why). `cases` and `fields` are
/// `|`-separated alternatives; a case ending in `*` matches a prefix; a field is a field
/// name or a whole path (`[3]` = the fourth entry, `*` = any field).
pub type Known = (&'static str, &'static str, &'static str, &'static str);

#[derive(Default)]
pub struct Tally {
    pub equal: usize,
    pub total: usize,
    /// (case, field path, expected, got)
    pub mismatches: Vec<(String, String, String, String)>,
}

impl Tally {
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.equal as f64 / self.total as f64
        }
    }
}

/// What a corpus run found.
#[derive(Default)]
pub struct Totals {
    pub equal: usize,
    pub total: usize,
    /// Mismatches that no [`Known`] entry explains.
    pub unexplained: usize,
    /// Per parser: (cases, equal, total).
    pub per_parser: BTreeMap<String, (usize, usize, usize)>,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "<absent>".to_string(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(other) => other.to_string(),
    }
}

fn is_empty_leaf(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

/// How many leaves a value has (an empty container counts as one).
pub fn count_leaves(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.iter().map(count_leaves).sum::<usize>().max(1),
        Value::Object(o) => o.values().map(count_leaves).sum::<usize>().max(1),
        _ => 1,
    }
}

/// Compares `got` with `expected` leaf by leaf into `t`. Every valued leaf of the
/// expectation is a field; so is a value we give where the reference has none (a
/// difference); a leaf empty on both sides is not counted.
pub fn compare(
    case: &str,
    path: &str,
    expected: Option<&Value>,
    got: Option<&Value>,
    t: &mut Tally,
) {
    let miss = |t: &mut Tally, n: usize| {
        t.total += n;
        t.mismatches.push((
            case.to_string(),
            path.to_string(),
            show(expected),
            show(got),
        ));
    };
    match (expected, got) {
        (Some(Value::Object(e)), Some(Value::Object(g))) => {
            let keys: BTreeSet<&String> = e.keys().chain(g.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (e.get(k), g.get(k)) {
                    // A key the reference does not produce must not get a value here.
                    (None, Some(gv)) if is_empty_leaf(Some(gv)) => {}
                    (ev, gv) => compare(case, &p, ev, gv, t),
                }
            }
        }
        (Some(Value::Array(e)), Some(Value::Array(g))) => {
            for i in 0..e.len().max(g.len()) {
                compare(case, &format!("{path}[{i}]"), e.get(i), g.get(i), t);
            }
        }
        (Some(e @ (Value::Object(_) | Value::Array(_))), _) => miss(t, count_leaves(e)),
        (None, Some(g)) => miss(t, count_leaves(g)),
        // Neither side has a value: not a field of the comparison.
        (e, g) if is_empty_leaf(e) && is_empty_leaf(g) => {}
        (e, g) if e == g => {
            t.total += 1;
            t.equal += 1;
        }
        _ => miss(t, 1),
    }
}

/// The index in `table` that explains a mismatch, if any.
pub fn known(table: &[Known], parser: &str, case: &str, path: &str) -> Option<usize> {
    let field = path.rsplit(['.', ']']).next().unwrap_or(path);
    table.iter().position(|(p, cases, fields, _)| {
        let case_ok = cases.split('|').any(|c| match c.strip_suffix('*') {
            Some(prefix) => case.starts_with(prefix),
            None => case == c,
        });
        let field_ok = fields
            .split('|')
            .any(|f| f == "*" || f == field || f == path);
        *p == parser && case_ok && field_ok
    })
}

/// `<repo>/../shared/<name>`, or the folder named by the environment variable `var`.
pub fn shared_dir(var: &str, name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os(var) {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .unwrap_or(&manifest)
        .join("shared")
        .join(name)
}

/// The sub-folders of `dir`, sorted.
pub fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs every runner over its parser's cases under `root` and prints what differs.
/// With `every_parser`, a parser folder of the corpus that has no runner counts all its
/// expected fields as missing (so the total says what is not parsed at all).
pub fn run_corpus(
    root: &Path,
    runners: &[(&'static str, Runner)],
    table: &[Known],
    every_parser: bool,
) -> Totals {
    let mut totals = Totals::default();
    let mut parsers: BTreeMap<String, Option<Runner>> = runners
        .iter()
        .map(|(name, run)| (name.to_string(), Some(*run)))
        .collect();
    if every_parser {
        for dir in subdirs(root) {
            parsers.entry(name_of(&dir)).or_insert(None);
        }
    }
    for (parser, run) in &parsers {
        let cases = subdirs(&root.join(parser));
        let mut tally = Tally::default();
        for dir in &cases {
            let case = name_of(dir);
            let expected: Value = match fs::read(dir.join("expected.json")) {
                Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                Err(_) => continue,
            };
            match run {
                Some(run) => compare(&case, "", Some(&expected), Some(&run(dir)), &mut tally),
                None => {
                    tally.total += count_leaves(&expected);
                    tally
                        .mismatches
                        .push((case, "*".into(), "…".into(), "<no parser>".into()));
                }
            }
        }
        for (case, path, exp, got) in &tally.mismatches {
            match known(table, parser, case, path) {
                Some(index) => {
                    println!("known#{index}  {parser}/{case} {path}: expected {exp}, got {got}")
                }
                None => {
                    totals.unexplained += 1;
                    println!("MISMATCH {parser}/{case} {path}: expected {exp}, got {got}");
                }
            }
        }
        totals.equal += tally.equal;
        totals.total += tally.total;
        totals
            .per_parser
            .insert(parser.clone(), (cases.len(), tally.equal, tally.total));
    }
    println!(
        "\n{:<24} {:>5} {:>7} {:>7} {:>8}",
        "parser", "cases", "equal", "fields", "percent"
    );
    for (parser, (cases, equal, total)) in &totals.per_parser {
        let t = Tally {
            equal: *equal,
            total: *total,
            mismatches: vec![],
        };
        println!(
            "{parser:<24} {cases:>5} {equal:>7} {total:>7} {:>7.2}%",
            t.percent()
        );
    }
    println!("\nknown differences:");
    for (index, (parser, cases, fields, why)) in table.iter().enumerate() {
        println!("#{index} {parser} [{cases}] {fields}: {why}");
    }
    totals
}

/// An inventory entry in the corpus's shape: an object of strings (lists and maps nested).
pub fn entry_json(e: &ocsinventory_agent::task::inventory::model::Entry) -> Value {
    use ocsinventory_agent::task::inventory::model::Value as Field;
    let mut m = serde_json::Map::new();
    for (k, v) in e.iter() {
        let v = match v {
            Field::Text(s) => Value::String(s.clone()),
            Field::List(l) => Value::Array(l.iter().cloned().map(Value::String).collect()),
            Field::Map(inner) => entry_json(inner),
        };
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

/// A list of entries in the corpus's shape.
pub fn entries_json(entries: &[ocsinventory_agent::task::inventory::model::Entry]) -> Value {
    Value::Array(entries.iter().map(entry_json).collect())
}
