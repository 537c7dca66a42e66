//! The agent core: options, configuration, logging, state and the task runner.

pub mod options;
