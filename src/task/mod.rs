//! Tasks: each one a feature of the agent, run in its own child process.

pub mod inventory;
