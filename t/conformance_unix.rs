//! Conformance of the non-Linux UNIX parsers (AIX, HP-UX, Solaris, macOS, the BSDs, and the
//! OS-independent ones they use) with the reference agent (FusionInventory 2.6).
//!
//! Reads the shared corpus `<repo>/../shared/fixtures-unix` (or `$OCS_FIXTURES_UNIX_DIR`,
//! which is how `make conformance-unix FIXTURES_UNIX=DIR` points it at another folder of
//! the same layout). Every parser folder of the corpus counts: one we have no runner for
//! counts all its fields as missing. One file per OS under `t/conformance_unix/` gives the
//! runners (a case folder in, the shape of `expected.json` out) and the differences kept
//! on purpose, each with its reason. Passes with a "skipped" message when the corpus is
//! not there; the fixtures are never copied into this repository.

use crate::support;

mod aix;
mod bsd;
mod generic;
mod hpux;
mod macos;
mod solaris;

use support::fixtures::{self, Known, Runner};

/// The share of fields that must agree (the bar).
const REQUIRED_PERCENT: f64 = 97.0;

#[test]
fn fixtures_unix() {
    let root = fixtures::shared_dir("OCS_FIXTURES_UNIX_DIR", "fixtures-unix");
    if !root.is_dir() {
        println!(
            "skipped: fixtures-unix folder not found at {}",
            root.display()
        );
        return;
    }
    let mut runners: Vec<(&'static str, Runner)> = Vec::new();
    let mut table: Vec<Known> = Vec::new();
    for (r, k) in [
        (aix::runners(), aix::KNOWN),
        (hpux::runners(), hpux::KNOWN),
        (solaris::runners(), solaris::KNOWN),
        (macos::runners(), macos::KNOWN),
        (bsd::runners(), bsd::KNOWN),
        (generic::runners(), generic::KNOWN),
    ] {
        runners.extend(r);
        table.extend_from_slice(k);
    }
    let totals = fixtures::run_corpus(&root, &runners, &table, true);
    let percent = if totals.total == 0 {
        100.0
    } else {
        100.0 * totals.equal as f64 / totals.total as f64
    };
    println!(
        "fixtures-unix: {} of {} fields agree ({percent:.2} %)",
        totals.equal, totals.total
    );
    assert_eq!(
        totals.unexplained, 0,
        "{} difference(s) from the reference are not explained (see MISMATCH lines)",
        totals.unexplained
    );
    assert!(
        percent >= REQUIRED_PERCENT,
        "{percent:.2} % of the fields agree, {REQUIRED_PERCENT} % required"
    );
}
