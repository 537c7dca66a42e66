//! FreeBSD/OpenBSD parsers against the fixtures-unix corpus: one runner per parser folder.

use crate::support::fixtures::{Known, Runner};

/// (parser folder, runner) for every FreeBSD/OpenBSD parser we have.
pub fn runners() -> Vec<(&'static str, Runner)> {
    vec![]
}

/// Differences from the reference kept on purpose, each with its reason.
pub const KNOWN: &[Known] = &[];
