//! The lean daemon binary, `ocsinventory-agent-daemon`: the same daemon code as
//! `ocsinventory-agent --daemon`, linked without the tasks and without OpenSSL.
//!
//! A process's resident memory counts every page it maps, shared libraries included: the
//! full agent maps libssl and libcrypto (about 1.7 MiB resident after relocation) and its
//! own larger code, although the parent only schedules, listens and forks. So
//! `ocsinventory-agent --daemon` loads and checks the configuration, then — unless the
//! HTTP interface is HTTPS, which needs OpenSSL — replaces itself (`execve`, same pid) by
//! the lean binary, found next to it or in `../libexec/ocsinventory-agent/`, keeping its
//! command line (`ps` and rc.subr still see `ocsinventory-agent --daemon`). Every task
//! child executes the full binary again, whose path the lean parent receives in
//! [`AGENT_ENV`]. When the lean binary is missing, the full one runs the daemon itself.

use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use super::secret_args;
use crate::agent::config::Config;

/// File name of the lean daemon binary.
pub const LEAN_NAME: &str = "ocsinventory-agent-daemon";
/// File name of the full agent binary.
pub const AGENT_NAME: &str = "ocsinventory-agent";
/// Environment variable through which the full binary tells the lean one where it is.
pub const AGENT_ENV: &str = "OCSINVENTORY_AGENT_BINARY";

/// True when the daemon's HTTP interface needs TLS (hence the full binary).
pub fn needs_tls(config: &Config) -> bool {
    !config.flag("no-httpd") && config.text("ssl-cert-file").is_some()
}

/// Where the lean binary is, for the full binary at `agent`.
pub fn find_lean(agent: &Path) -> Option<PathBuf> {
    let dir = agent.parent()?;
    [
        dir.join(LEAN_NAME),
        dir.join("../libexec/ocsinventory-agent").join(LEAN_NAME),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// In the full binary: replaces this process by the lean daemon with the same arguments.
/// Returns only when that is not possible or not wanted, saying why (for the debug log).
/// Secrets on the command line never stay in the daemon's argv (`secret_args`): they
/// go through a pipe, to the lean daemon or to this binary executed again.
pub fn hand_over(args: &[String], config: &Config) -> String {
    let agent = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => return format!("cannot find the agent binary: {e}"),
    };
    let why = if needs_tls(config) {
        "the HTTPS interface needs OpenSSL: the full binary is the daemon".to_string()
    } else {
        match find_lean(&agent) {
            Some(lean) => return exec(&lean, args, Some(&agent)),
            None => format!(
                "no {LEAN_NAME} beside {}: the full binary is the daemon",
                agent.display()
            ),
        }
    };
    let own: Vec<String> = std::env::args().skip(1).collect();
    if secret_args::secret_positions(&own).is_empty() {
        return why;
    }
    exec(&agent, args, None)
}

/// Executes `program` with `args` (their secrets through a pipe); returns why not.
fn exec(program: &Path, args: &[String], agent: Option<&Path>) -> String {
    let (public, secrets) = match secret_args::split(args) {
        Ok(s) => s,
        Err(e) => return format!("cannot execute {}: {e}", program.display()),
    };
    // The command line stays the one the user (or rc.subr, which matches it) started.
    let arg0 = std::env::args_os()
        .next()
        .unwrap_or_else(|| program.as_os_str().to_owned());
    let mut cmd = std::process::Command::new(program);
    cmd.arg0(arg0).args(&public);
    if let Some(agent) = agent {
        cmd.env(AGENT_ENV, agent);
    }
    if let Some(fd) = &secrets {
        cmd.env(secret_args::SECRET_FD_ENV, fd.as_raw_fd().to_string());
    }
    let err = cmd.exec();
    format!("cannot execute {}: {err}", program.display())
}

/// In the lean binary: the full agent binary its task children execute.
pub fn agent_binary() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(AGENT_ENV) {
        // The task children do not need it.
        std::env::remove_var(AGENT_ENV);
        return Ok(PathBuf::from(p));
    }
    let me = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let dir = me.parent().unwrap_or(Path::new("/"));
    [dir.join(AGENT_NAME), dir.join("../../bin").join(AGENT_NAME)]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| format!("cannot find {AGENT_NAME} beside {}", me.display()))
}
