//! Runs the agent binary the way the server tests need it: a private state directory,
//! and no proxy from the environment (tests talk to loopback servers only).

use std::path::Path;
use std::process::{Command, Output};

pub fn run(vardir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ocsinventory-agent"))
        .arg("--vardir")
        .arg(vardir)
        .args(args)
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .expect("run the agent")
}
