//! `/opt/propplus/bin/cprop -summary -c <class>` (HP-UX, with the Proliant-style
//! "propplus" tools): `[Instance]: N` blocks of indented `[Key]: value` lines, closed by
//! a `****` line. The CPU and memory modules read the Processors and Memory classes.

use std::collections::BTreeMap;

/// One `[Instance]` block: key → value.
pub type Block = BTreeMap<String, String>;

/// The non-empty blocks of a `cprop` output, in order.
pub fn parse_cprop(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current = Block::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.contains("[Instance]:") {
            current.clear();
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            let inner = line.trim_start();
            if let Some((key, value)) = inner.strip_prefix('[').and_then(|r| r.split_once("]: ")) {
                if !key.is_empty() && !key.contains(']') && !value.trim().is_empty() {
                    current.insert(key.to_string(), value.trim().to_string());
                }
            }
            continue;
        }
        if line.starts_with('*') && !current.is_empty() {
            blocks.push(std::mem::take(&mut current));
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    #[test]
    fn blocks() {
        let b = super::parse_cprop(
            "[Component]: Memory\n[Instance]: 1\n*****\n      [Size]: 4 GB\n   [Serial Number]: 12\n*****\n\
             [Instance]: 2\n*****\n      [Status]: OK\n*****\n",
        );
        assert_eq!(b.len(), 2);
        assert_eq!(b[0]["Size"], "4 GB");
        assert_eq!(b[1]["Status"], "OK");
        assert!(super::parse_cprop("garbage\n").is_empty());
    }
}
