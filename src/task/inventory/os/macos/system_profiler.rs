//! `system_profiler` text output: the tree of `Key:` sections and `Key: value` lines,
//! nested by indentation, that most macOS modules read (`Hardware` → `Hardware
//! Overview`, `Memory`, `Graphics/Displays`, `Power`, `Applications`…).

use std::collections::BTreeMap;

/// A value, or a section of the tree; a section that got no value before the text
/// went back up is `Section(None)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sp {
    Text(String),
    Section(Option<Tree>),
}

pub type Tree = BTreeMap<String, Sp>;

enum Slot {
    Text(String),
    Child(usize),
    Null,
}

/// `(indentation, key, value)` of a line `  Key: value` / `  Key:`.
fn split(line: &str) -> Option<(usize, &str, Option<&str>)> {
    let body = line.trim_start();
    let level = line.len() - body.len();
    let colon = body.find(':')?;
    let key = &body[..colon];
    if key.is_empty() {
        return None;
    }
    let rest = &body[colon + 1..];
    let value = rest
        .strip_prefix(' ')
        .map(str::trim_end)
        .filter(|v| !v.is_empty());
    Some((level, key, value))
}

pub fn parse(text: &str) -> Tree {
    let mut nodes: Vec<BTreeMap<String, Slot>> = vec![BTreeMap::new()];
    // (node, indentation, key in its parent)
    let mut stack: Vec<(usize, isize, String)> = vec![(0, -1, String::new())];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let Some((level, key, value)) = split(line) else {
            continue;
        };
        let level = level as isize;
        let top = stack.last().map_or(-1, |t| t.1);
        match value {
            Some(value) => {
                if level <= top {
                    let (node, _, key) = &stack[stack.len() - 1];
                    if nodes[*node].is_empty() && stack.len() > 1 {
                        let parent = stack[stack.len() - 2].0;
                        nodes[parent].insert(key.clone(), Slot::Null);
                    }
                    while stack.len() > 1 && level <= stack.last().map_or(-1, |t| t.1) {
                        stack.pop();
                    }
                }
                let node = stack.last().map_or(0, |t| t.0);
                nodes[node].insert(key.to_string(), Slot::Text(value.to_string()));
            }
            None => {
                if level < top {
                    while stack.len() > 1 && level <= stack.last().map_or(-1, |t| t.1) {
                        stack.pop();
                    }
                } else if level == top && stack.len() > 1 {
                    stack.pop();
                }
                let parent = stack.last().map_or(0, |t| t.0);
                let mut name = key.to_string();
                let mut i = 0;
                while matches!(
                    nodes[parent].get(&name),
                    Some(Slot::Text(_) | Slot::Child(_))
                ) {
                    name = format!("{key}_{i}");
                    i += 1;
                }
                nodes.push(BTreeMap::new());
                let child = nodes.len() - 1;
                nodes[parent].insert(name.clone(), Slot::Child(child));
                stack.push((child, level, name));
            }
        }
    }
    build(&mut nodes, 0)
}

fn build(nodes: &mut Vec<BTreeMap<String, Slot>>, index: usize) -> Tree {
    let slots = std::mem::take(&mut nodes[index]);
    slots
        .into_iter()
        .map(|(k, slot)| {
            let v = match slot {
                Slot::Text(t) => Sp::Text(t),
                Slot::Null => Sp::Section(None),
                Slot::Child(i) => Sp::Section(Some(build(nodes, i))),
            };
            (k, v)
        })
        .collect()
}

/// The section at `path` (`["Hardware", "Hardware Overview"]`).
pub fn section<'a>(tree: &'a Tree, path: &[&str]) -> Option<&'a Tree> {
    let mut node = tree;
    for key in path {
        match node.get(*key) {
            Some(Sp::Section(Some(t))) => node = t,
            _ => return None,
        }
    }
    Some(node)
}

/// A value of a section.
pub fn text<'a>(tree: &'a Tree, key: &str) -> Option<&'a str> {
    match tree.get(key) {
        Some(Sp::Text(t)) => Some(t),
        _ => None,
    }
}

/// The sub-sections of a section, by name.
pub fn sections(tree: &Tree) -> impl Iterator<Item = (&String, &Tree)> {
    tree.iter().filter_map(|(k, v)| match v {
        Sp::Section(Some(t)) => Some((k, t)),
        _ => None,
    })
}

/// `2 GB`, `512 MB`, `1,5 GB` → MB (base 1024).
pub fn size_mb(text: &str) -> Option<f64> {
    let mut w = text.split_whitespace();
    let n: f64 = w.next()?.replace(',', ".").parse().ok()?;
    let factor = match w.next()?.to_ascii_uppercase().as_str() {
        "TB" => 1024.0 * 1024.0,
        "GB" => 1024.0,
        "MB" => 1.0,
        "KB" => 1.0 / 1024.0,
        _ => return None,
    };
    Some(n * factor)
}

/// A number as Perl prints it: `2048`, `1925.12`.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.10}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sections() {
        let t = parse("Hardware:\n\n    Hardware Overview:\n\n      Model Name: MacBook\n      Memory: 1 GB\n      Sudden Motion Sensor:\n          State: Enabled\n\nAudio (Built In):\n\n    Built In Sound Card:\n\n      Devices:\n    Built In Sound Card:\n\n      Speed: 1\nEmpty:\n  Port:\nNext: 1\n");
        let hw = section(&t, &["Hardware", "Hardware Overview"]).unwrap();
        assert_eq!(text(hw, "Memory"), Some("1 GB"));
        assert_eq!(
            text(section(hw, &["Sudden Motion Sensor"]).unwrap(), "State"),
            Some("Enabled")
        );
        let audio = section(&t, &["Audio (Built In)"]).unwrap();
        assert!(audio.contains_key("Built In Sound Card_0"));
        assert_eq!(
            section(&t, &["Empty"]).unwrap().get("Port"),
            Some(&Sp::Section(None))
        );
        assert_eq!(size_mb("1,5 GB"), Some(1536.0));
        assert_eq!(number(1925.12), "1925.12");
    }
}
