//! A small reader of the Apple property lists `system_profiler -xml` prints: the
//! `<dict>` items of its `_items` arrays, each turned into a key → text map.
//!
//! Only what the storage readers need: a `<key>` is paired with the next element that
//! is not an `<array>` (nested arrays are reached through [`items`] instead), and a
//! nested `<dict>` value becomes the text it contains.

use std::collections::BTreeMap;

use crate::net::xmltree::Node;

/// One `<dict>` as `key → text`.
pub type Item = BTreeMap<String, String>;

/// Parses the document; `None` when it is not XML.
pub fn parse(text: &str) -> Option<Node> {
    Node::parse(text).ok()
}

fn string_value(node: &Node) -> String {
    let mut s = node.text.clone();
    for c in &node.children {
        s.push_str(&string_value(c));
    }
    s
}

/// A `<dict>`'s keys with the text of their values (arrays left out).
pub fn item(dict: &Node) -> Item {
    let mut out = Item::new();
    let mut key: Option<String> = None;
    for c in &dict.children {
        if c.name == "key" {
            key = Some(c.text.clone());
        } else if c.name != "array" {
            if let Some(k) = key.take() {
                out.insert(k, string_value(c));
            }
        }
    }
    out
}

/// The array that follows `<key>{name}</key>` in a `<dict>`.
pub fn array_after<'a>(dict: &'a Node, name: &str) -> Option<&'a Node> {
    let at = dict
        .children
        .iter()
        .position(|c| c.name == "key" && c.text == name)?;
    dict.children[at + 1..].iter().find(|c| c.name == "array")
}

/// The `<dict>` children of the array under `name` in `dict`.
pub fn dicts_under<'a>(dict: &'a Node, name: &str) -> Vec<&'a Node> {
    array_after(dict, name)
        .map(|a| a.children.iter().filter(|c| c.name == "dict").collect())
        .unwrap_or_default()
}

/// Every `<dict>` that is an item of some `_items` array, at any depth, in document
/// order.
pub fn all_items(root: &Node) -> Vec<&Node> {
    fn walk<'a>(node: &'a Node, out: &mut Vec<&'a Node>, depth: usize) {
        if depth > 64 {
            return;
        }
        if node.name == "dict" {
            let mut after_items = false;
            for c in &node.children {
                if c.name == "key" {
                    after_items = c.text == "_items";
                    walk(c, out, depth + 1);
                    continue;
                }
                if c.name == "array" && after_items {
                    for d in &c.children {
                        if d.name == "dict" {
                            out.push(d);
                        }
                        walk(d, out, depth + 1);
                    }
                    after_items = false;
                    continue;
                }
                walk(c, out, depth + 1);
            }
        } else {
            for c in &node.children {
                walk(c, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out, 0);
    out
}

/// The first `<dict>` of the document's top `<array>` (what `system_profiler -xml`
/// prints for one data type).
pub fn top_dict(root: &Node) -> Option<&Node> {
    root.child("array")?.child("dict")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_at_any_depth() {
        let doc = parse("<?xml version=\"1.0\"?><plist version=\"1.0\"><array><dict><key>_items</key><array><dict><key>_name</key><string>bus</string><key>_items</key><array><dict><key>_name</key><string>disk</string><key>size_in_bytes</key><integer>1048576</integer><key>detachable</key><true/></dict></array></dict></array></dict></array></plist>").unwrap();
        let items = all_items(&doc);
        assert_eq!(items.len(), 2);
        let disk = item(items[1]);
        assert_eq!(disk["_name"], "disk");
        assert_eq!(disk["size_in_bytes"], "1048576");
        assert_eq!(disk["detachable"], "");
        let top = top_dict(&doc).unwrap();
        assert_eq!(dicts_under(top, "_items").len(), 1);
    }
}
