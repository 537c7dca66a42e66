//! `/proc/cpuinfo` reader: the file as a list of blocks, one per logical processor.
//!
//! Each block maps the lower-cased key to its value (trimmed, inner white space collapsed).
//! An empty line ends a block; only blocks with a `processor` or `cpu` key are kept, which
//! drops trailers such as ARM's `Hardware`/`Revision`/`Serial` and keeps SPARC's single
//! `cpu` block. Every architecture's file has this shape; [`super::cpu`] interprets it.

use std::collections::BTreeMap;

/// One block of `/proc/cpuinfo`: lower-cased key -> value.
pub type CpuBlock = BTreeMap<String, String>;

/// Splits `/proc/cpuinfo` text into processor blocks. Never fails.
pub fn parse(text: &str) -> Vec<CpuBlock> {
    let mut blocks = Vec::new();
    let mut current = CpuBlock::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            close(&mut blocks, &mut current);
        } else if let Some((key, value)) = key_value(line) {
            current.insert(key, value);
        }
    }
    close(&mut blocks, &mut current);
    blocks
}

fn close(blocks: &mut Vec<CpuBlock>, current: &mut CpuBlock) {
    let block = std::mem::take(current);
    if block.contains_key("processor") || block.contains_key("cpu") {
        blocks.push(block);
    }
}

/// `key<blanks>: value`, the value non-empty.
fn key_value(line: &str) -> Option<(String, String)> {
    let (key, value) = line.split_once(':')?;
    if !value.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let key = key.trim_end();
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if key.is_empty() || value.is_empty() {
        return None;
    }
    Some((key.to_lowercase(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_blocks() {
        let text = "processor\t: 0\nmodel name\t: Intel(R)  Atom(TM)\npower management:\n\n\
                    processor\t: 1\n\nHardware\t: BCM2835\nSerial\t: 01\n";
        let b = parse(text);
        assert_eq!(b.len(), 2);
        assert_eq!(
            b[0].get("model name").map(String::as_str),
            Some("Intel(R) Atom(TM)")
        );
        assert!(!b[0].contains_key("power management"));
    }

    #[test]
    fn sparc_single_block_and_arm_processor_name() {
        assert_eq!(
            parse("cpu\t\t: TI UltraSparc\nncpus probed\t: 2\n").len(),
            1
        );
        let b = parse("Processor       : XScale-80219 rev 0 (v5l)\r\nBogoMIPS : 593.10\r\n");
        assert_eq!(
            b[0].get("processor").map(String::as_str),
            Some("XScale-80219 rev 0 (v5l)")
        );
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("\u{0}:\n::::\n: x\nfoo").is_empty());
    }
}
