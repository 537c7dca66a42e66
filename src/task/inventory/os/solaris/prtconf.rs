//! `prtconf -vp`: the OpenBoot PROM device tree of SPARC machines, where the model
//! (`banner-name`) and the firmware version and date (`openprom` → `version`) are read.

use std::collections::BTreeMap;

/// A property value, or a child node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prop {
    /// `'text'` without its quotes, or a raw value (hex words, bytes) as written.
    Text(String),
    /// `'a' + 'b' + …`
    List(Vec<String>),
    Node(Node),
}

/// A node: its properties and its children, each child under the value of its `name`
/// property (siblings with the same name: the last wins).
pub type Node = BTreeMap<String, Prop>;

enum Slot {
    Text(String),
    List(Vec<String>),
    Child(usize),
}

fn value(raw: &str) -> Prop {
    let quoted = |s: &str| -> Option<String> {
        let inner = s.strip_prefix('\'')?.strip_suffix('\'')?;
        (!inner.is_empty() && !inner.contains('\'')).then(|| inner.to_string())
    };
    if raw.contains("' + '") {
        let parts: Option<Vec<String>> = raw.split(" + ").map(quoted).collect();
        if let Some(parts) = parts {
            return Prop::List(parts);
        }
    }
    match quoted(raw) {
        Some(s) => Prop::Text(s),
        None => Prop::Text(raw.to_string()),
    }
}

/// Parses the tree: `key: value` lines before the first node are top-level values.
pub fn parse_prtconf(text: &str) -> Node {
    // node 0 is the top level; the stack holds (node, indentation)
    let mut nodes: Vec<BTreeMap<String, Slot>> = vec![BTreeMap::new()];
    let mut stack: Vec<(usize, isize)> = vec![(0, -1)];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let body = line.trim_start();
        let indent = (line.len() - body.len()) as isize;
        if let Some(rest) = body.strip_prefix("Node 0x") {
            if rest.starts_with(|c: char| c.is_ascii_hexdigit()) {
                let top = stack.last().map_or(-1, |t| t.1);
                if indent < top {
                    while stack.len() > 1 && indent <= stack.last().map_or(-1, |t| t.1) {
                        stack.pop();
                    }
                } else if indent == top && stack.len() > 1 {
                    stack.pop();
                }
                nodes.push(BTreeMap::new());
                stack.push((nodes.len() - 1, indent));
                continue;
            }
        }
        let Some((key, raw)) = body.split_once(':') else {
            continue;
        };
        let raw = raw.trim();
        if key.is_empty() || raw.is_empty() || key.ends_with(char::is_whitespace) {
            continue;
        }
        let current = stack.last().map_or(0, |t| t.0);
        if key == "name" && stack.len() > 1 {
            if let Prop::Text(name) = value(raw) {
                let parent = stack[stack.len() - 2].0;
                nodes[parent].insert(name, Slot::Child(current));
                continue;
            }
        }
        let slot = match value(raw) {
            Prop::List(l) => Slot::List(l),
            Prop::Text(t) => Slot::Text(t),
            Prop::Node(_) => continue,
        };
        nodes[current].insert(key.to_string(), slot);
    }
    build(&mut nodes, 0, 0)
}

fn build(nodes: &mut Vec<BTreeMap<String, Slot>>, index: usize, depth: usize) -> Node {
    let slots = std::mem::take(&mut nodes[index]);
    slots
        .into_iter()
        .filter_map(|(k, slot)| {
            let prop = match slot {
                Slot::Text(t) => Prop::Text(t),
                Slot::List(l) => Prop::List(l),
                // a node is taken once; depth bounds a hostile input's recursion
                Slot::Child(i) if i != index && depth < 64 => {
                    Prop::Node(build(nodes, i, depth + 1))
                }
                Slot::Child(_) => return None,
            };
            Some((k, prop))
        })
        .collect()
}

/// The machine's root node: the first node at the top level.
pub fn root(tree: &Node) -> Option<&Node> {
    tree.values().find_map(|p| match p {
        Prop::Node(n) => Some(n),
        _ => None,
    })
}

/// A text property of a node.
pub fn text<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    match node.get(key) {
        Some(Prop::Text(t)) => Some(t),
        _ => None,
    }
}

/// The OpenBoot version and date (`OBP 4.22.33 2007/06/18 12:45` → `4.22.33`,
/// `18/06/2007`), as the reference agent reports them.
pub fn obp_version(version: &str) -> Option<(String, String)> {
    let mut words = version.split_whitespace();
    while let Some(w) = words.next() {
        if w != "OBP" {
            continue;
        }
        let v = words.next()?;
        let d = words.next()?;
        let parts: Vec<&str> = d.split('/').collect();
        if parts.len() == 3 && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2 {
            return Some((
                v.to_string(),
                format!("{}/{}/{}", parts[2], parts[1], parts[0]),
            ));
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "System Configuration:  Sun Microsystems  sun4u\nMemory size: 16384 Megabyte\nSystem Peripherals (PROM Nodes):\n\nNode 0xf0819f00\n    banner-name:  'Sun Fire V890'\n    compatible: 'SUNW,a' + 'SUNW,b'\n    clock-frequency:  08f0d180\n    name:  'SUNW,Sun-Fire-V890'\n\n    Node 0xf002c000\n        version:  'OBP 4.22.33 2007/06/18 12:45'\n        name:  'openprom'\n\n        Node 0xf002cc0c\n            name:  'client-services'\n\n    Node 0xf002ccc4\n        test-args:  \n        name:  'options'\n";

    #[test]
    fn tree_by_names() {
        let t = parse_prtconf(TREE);
        assert_eq!(text(&t, "Memory size"), Some("16384 Megabyte"));
        let root = root(&t).unwrap();
        assert_eq!(text(root, "banner-name"), Some("Sun Fire V890"));
        assert_eq!(
            root.get("compatible"),
            Some(&Prop::List(vec!["SUNW,a".into(), "SUNW,b".into()]))
        );
        let Some(Prop::Node(prom)) = root.get("openprom") else {
            panic!("no openprom")
        };
        assert!(matches!(prom.get("client-services"), Some(Prop::Node(_))));
        assert!(matches!(root.get("options"), Some(Prop::Node(o)) if o.is_empty()));
        assert_eq!(
            obp_version(text(prom, "version").unwrap()),
            Some(("4.22.33".into(), "18/06/2007".into()))
        );
    }
}
