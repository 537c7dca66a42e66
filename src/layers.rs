//! The layers hold: no import cycle among the top-level modules of `src/`. Counted from
//! the sources the way a reader would: every `crate::X` of a file under `src/A/` (or of
//! `src/A.rs`) is an edge A → X, comments and `#[cfg(test)]` items excepted. A cycle
//! fails the test with the files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Edge A → X, with the files that make it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The text of a file without comments, string literals' contents and `#[cfg(test)]`
/// items (the item after the attribute: up to its `;` or its closing brace).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if text[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if text[i..].starts_with("/*") {
            i = text[i..].find("*/").map_or(b.len(), |n| i + n + 2);
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if text[i..].starts_with("#[cfg(test)]") {
            i += "#[cfg(test)]".len();
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    b';' if depth == 0 => {
                        i += 1;
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The top-level modules `text` names with `crate::X`.
fn references(text: &str) -> BTreeSet<String> {
    let code = code_only(text);
    code.match_indices("crate::")
        .filter(|(at, _)| {
            // `$crate::` and `ocsinventory_agent::crate` are not ours; a word before is
            let before = code[..*at].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
        .filter_map(|(at, m)| {
            let rest = &code[at + m.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut g = Graph::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap_or(&f);
        let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
        let first = parts.next().unwrap_or_default();
        let module = match rel.components().count() {
            1 => first.trim_end_matches(".rs").to_string(),
            _ => first,
        };
        // the crate roots and the binaries are not modules of the library
        if ["lib", "main", "bin"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for to in references(&text) {
            if to != module {
                g.entry(module.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    g
}

/// A cycle of `g`, as the modules in order (the first repeated at the end).
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        n: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut c = path[at..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for next in g.get(n).into_iter().flat_map(|e| e.keys()) {
            if let Some(c) = visit(g, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(g, n, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_among_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&src);
    for (from, edges) in &g {
        for (to, files) in edges {
            eprintln!("{from} -> {to} ({} files)", files.len());
        }
    }
    assert!(g.contains_key("task"), "the sources were not read: {src:?}");
    if let Some(c) = cycle(&g) {
        let why: Vec<String> = c
            .windows(2)
            .map(|w| {
                let files: Vec<&String> = g[&w[0]][&w[1]].iter().take(5).collect();
                format!("{} -> {} in {files:?}", w[0], w[1])
            })
            .collect();
        panic!("import cycle {}:\n{}", c.join(" -> "), why.join("\n"));
    }
}

#[test]
fn the_count_sees_what_it_must_and_nothing_else() {
    let text = "use crate::agent::config::Config;\n\
                // crate::daemon in a comment\n\
                let s = \"crate::task in a string\";\n\
                fn f() { crate::net::client::public_url(\"x\"); }\n\
                #[cfg(test)]\nmod tests {\n    use crate::snmp::x;\n    fn g() { if a { b } }\n}\n\
                #[cfg(test)]\nuse crate::source::y;\n\
                macro_rules! m { () => { $crate::encoding::base64 } }\n";
    let refs: Vec<String> = references(text).into_iter().collect();
    assert_eq!(refs, ["agent", "net"]);
    let mut g = Graph::new();
    let edge = |g: &mut Graph, a: &str, b: &str| {
        g.entry(a.into())
            .or_default()
            .entry(b.into())
            .or_default()
            .insert(format!("{a}.rs"));
    };
    edge(&mut g, "task", "agent");
    edge(&mut g, "agent", "net");
    edge(&mut g, "daemon", "agent");
    assert_eq!(cycle(&g), None);
    edge(&mut g, "net", "task");
    let c = cycle(&g).expect("a cycle");
    assert_eq!(c.first(), c.last());
    assert_eq!(c.len(), 4, "{c:?}");
}
