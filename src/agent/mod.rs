//! The agent core: options, configuration, logging, state, targets and the task runner.
//! It decides what runs where; it never collects anything itself.

pub mod alloc;
pub mod cli;
pub mod clock;
pub mod config;
pub mod contact;
pub mod host;
pub mod legacy;
pub mod logger;
pub mod migrate;
pub mod net_options;
pub mod options;
pub mod pipe;
pub mod plan;
pub mod run;
pub mod runner;
pub mod schedule;
pub mod server_state;
pub mod state;
pub mod target;
pub mod target_lock;
pub mod trust;
