//! Helpers shared by the tests in `t/`.
#![allow(dead_code)]

pub mod agent;
pub mod daemon;
pub mod fake_server;
pub mod fixtures;
pub mod glpi_deploy_server;
pub mod netns;
pub mod ocs_server;
pub mod recording;
pub mod snmpd;
pub mod sshd;

use std::path::PathBuf;
use std::process::Output;

/// An empty `<temp>/<prefix>-<name>-<pid>`: what a previous run left there is removed.
pub fn tmpdir(prefix: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("{prefix}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A command's stdout then stderr, for messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
