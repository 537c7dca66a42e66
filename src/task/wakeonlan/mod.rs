//! The WakeOnLan task: magic packets for the server's `WAKEONLAN` jobs and `--wakeonlan`.

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::target::Target;

pub fn run(_target: &Target, _config: &Config) -> Result<Report, String> {
    Err("the WakeOnLan task is not built yet".into())
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply (a stored job file exists, a by-hand option is
/// set).
pub fn has_job(_target: &Target, _config: &Config) -> bool {
    false
}
