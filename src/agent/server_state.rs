//! One server's state: the folder under the state directory (`<vardir>/<server>/`) that
//! holds everything the agent keeps for that server, reached through one type so that
//! tasks and the daemon never build its paths themselves:
//! - the schedule (next contact, failures: [`super::schedule`]);
//! - what the last PROLOG said: how it went and the OPTION blocks, each the job of a task
//!   ([`super::contact`]);
//! - the administrative data (ACCOUNTINFO) the server assigned;
//! - fragments tasks leave for the next inventory (IPDISCOVER hosts, DOWNLOAD history);
//! - the lock a task child holds while it works for the server ([`super::target_lock`]);
//! - each task's own files (Deploy's packages, …) under [`ServerState::dir`].

use std::path::{Path, PathBuf};

use super::config::Config;
use super::contact::{self, LastContact};
use super::schedule::{self, Schedule};
use super::state;
use super::target;
use crate::net::xmltree::Node;

/// The state folder of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerState {
    dir: PathBuf,
}

impl ServerState {
    /// The state of server `url` under the configured state directory (created when
    /// missing, private).
    pub fn open(config: &Config, url: &str) -> Result<ServerState, String> {
        let dir = target::server_dir(&state::vardir(config)?, url);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(ServerState { dir })
    }

    /// The state kept in `dir` (tests, the migration from the Perl agents).
    pub fn at(dir: impl Into<PathBuf>) -> ServerState {
        ServerState { dir: dir.into() }
    }

    /// The folder itself, for a task's own files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored schedule (an empty one when missing or damaged).
    pub fn schedule(&self) -> Schedule {
        schedule::load(&self.dir)
    }

    pub fn save_schedule(&self, s: &Schedule) -> Result<(), String> {
        schedule::save(&self.dir, s)
    }

    /// How the last contact went.
    pub fn last_contact(&self) -> LastContact {
        contact::last_contact(&self.dir)
    }

    /// The OPTION block `name` (`DOWNLOAD`, `SNMP`…) of the last PROLOG, if the server sent
    /// one: the job of the task that owns it.
    pub fn option(&self, name: &str) -> Option<Node> {
        contact::read_option(&self.dir, name)
    }

    /// Whether the last PROLOG sent the OPTION `name` (a file test, nothing parsed: for the
    /// parent's planning).
    pub fn has_option(&self, name: &str) -> bool {
        contact::has_option(&self.dir, name)
    }

    /// The administrative data the server last gave, in file order.
    pub fn accountinfo(&self) -> Vec<(String, String)> {
        contact::read_accountinfo(&self.dir)
    }

    pub fn save_accountinfo(&self, pairs: &[(String, String)]) -> Result<(), String> {
        contact::write_accountinfo(&self.dir, pairs)
    }

    /// Leaves `fragment` (one XML element) for the next inventory sent to this server,
    /// under `name`, the OPTION it answers.
    pub fn add_to_inventory(&self, name: &str, fragment: &str) -> Result<(), String> {
        contact::add_to_inventory(&self.dir, name, fragment)
    }

    /// The fragments for the next inventory whose OPTION the server still sends.
    pub fn inventory_additions(&self) -> Vec<Node> {
        contact::inventory_additions(&self.dir)
    }
}
