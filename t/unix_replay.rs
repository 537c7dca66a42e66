//! Inventories of AIX, HP-UX, Solaris and macOS machines, run on Linux by `--replay` of
//! recordings assembled from the real outputs of the shared fixtures-unix corpus
//! (`t/support/recording.rs`): the OS modules are picked from the recording's `uname`.
//! Each OS has its own test; each skips, saying why, when the corpus is absent.

mod support;

use std::process::Command;

use support::fixtures::shared_dir;
use support::recording::{assemble, snapshot_dir};

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

#[allow(dead_code)] // until every OS has its test
/// The inventory of snapshot `name` in `format` (`xml` for the OCS XML on stdout, `json`
/// for the GLPI JSON), or `None` (said) when the corpus is not there.
fn replay(name: &str, format: &str) -> Option<String> {
    let corpus = shared_dir("OCS_FIXTURES_UNIX_DIR", "fixtures-unix");
    if !corpus.is_dir() {
        println!(
            "skipped: fixtures-unix folder not found at {}",
            corpus.display()
        );
        return None;
    }
    let work = support::tmpdir("ocsa-unix-replay", &format!("{name}-{format}"));
    let recording = work.join("recording");
    if let Err(e) = assemble(&snapshot_dir(name), &corpus, &recording) {
        panic!("assembling the {name} recording: {e}");
    }
    let mut cmd = Command::new(BIN);
    cmd.args(["--stdout", "--vardir"])
        .arg(work.join("var"))
        .arg("--replay")
        .arg(&recording);
    if format == "json" {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("running the agent");
    assert!(out.status.success(), "{}", support::text(&out));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
