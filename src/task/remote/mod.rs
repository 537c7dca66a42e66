//! The RemoteInventory task: the inventory of machines that run no agent, over SSH.
//!
//! Each `remote` (`ssh://[user@]host[:port]`) is inventoried by the same modules as this
//! machine, through the SSH source (`source::ssh`), `remote-workers` hosts at a time,
//! each on its own thread with its own connection. A host that cannot be reached, or
//! whose connection drops, is one error line; the others go on. Each host is its own
//! computer: its DEVICEID and the list of what its inventory reads are kept in
//! `<vardir>/remote/<user@host_port>/`, so it stays one computer run after run.
//!
//! With `--stdout`/`--local` the inventories are written (one `<DEVICEID>.ocs` each in a
//! directory); with a server each one is sent as its own INVENTORY message.

pub mod hosts;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::state;
use crate::agent::target::Target;
use crate::source::ssh::session::Settings;
use crate::source::ssh::target::Remote;
use crate::task::inventory::dialect::{self, Dialect};
use crate::task::inventory::model::Inventory;
use crate::task::inventory::VERSIONCLIENT;

/// Hosts inventoried at once by default: each costs one ssh client and a thread.
pub const DEFAULT_WORKERS: u64 = 4;

/// True when the configuration names remote hosts.
pub fn wanted(config: &Config) -> bool {
    !config.list("remote").is_empty()
}

/// The task has work whenever remote hosts are configured.
pub fn has_job(_target: &Target, config: &Config) -> bool {
    wanted(config)
}

/// One host's result.
struct Done {
    remote: Remote,
    result: Result<Inventory, String>,
}

/// The task's entry point in the child process.
pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    let mut remotes = Vec::new();
    let mut failed = 0;
    for url in config.list("remote") {
        match Remote::parse(&url) {
            Ok(r) if !remotes.contains(&r) => remotes.push(r),
            Ok(_) => {}
            Err(e) => {
                log::error!("{e}");
                failed += 1;
            }
        }
    }
    let vardir = state::vardir(config)?;
    let settings = Settings {
        ssh_config: config.text("ssh-config").map(PathBuf::from),
        dir: vardir.join("remote"),
        command_timeout: Duration::from_secs(config.number("backend-collect-timeout", 180).max(1)),
    };
    let workers = config
        .number("remote-workers", DEFAULT_WORKERS)
        .clamp(1, 64) as usize;
    let several = remotes.len() > 1;
    let queue = Arc::new(Mutex::new(VecDeque::from(remotes.clone())));
    let (tx, rx) = mpsc::channel::<Done>();
    let mut threads = Vec::new();
    for _ in 0..workers.min(remotes.len()) {
        let queue = Arc::clone(&queue);
        let tx = tx.clone();
        let config = config.clone();
        let settings = settings.clone();
        threads.push(std::thread::spawn(move || loop {
            let next = queue.lock().map(|mut q| q.pop_front()).unwrap_or(None);
            let Some(remote) = next else { break };
            let capture = config.text("capture").map(|dir| {
                let dir = PathBuf::from(dir);
                if several {
                    dir.join(remote.file_name())
                } else {
                    dir
                }
            });
            let result = hosts::inventory(&remote, &settings, &config, capture.as_deref());
            if tx.send(Done { remote, result }).is_err() {
                break;
            }
        }));
    }
    drop(tx);
    let mut written = 0;
    for done in rx {
        let label = done.remote.label();
        let outcome = done
            .result
            .and_then(|inv| deliver(&inv, target, config, several).map(|w| (inv, w)));
        match outcome {
            Ok((inv, where_)) => {
                log::info!("remote {label}: inventory {} {where_}", inv.deviceid);
                written += 1;
            }
            Err(e) => {
                log::error!("remote {label}: {e}");
                failed += 1;
            }
        }
    }
    for t in threads {
        let _ = t.join();
    }
    let mut report = Report::ok();
    report.set("hosts", written).set("failed", failed);
    let message = format!("{written} remote host(s) inventoried, {failed} failed");
    if written == 0 && failed > 0 {
        return Err(message);
    }
    report.set("message", message);
    Ok(report)
}

/// Writes or sends one inventory; says where.
fn deliver(
    inv: &Inventory,
    target: &Target,
    config: &Config,
    several: bool,
) -> Result<String, String> {
    match target {
        Target::Local(path) => write_local(inv, path, Dialect::local(config), several),
        Target::Server(url) => send(inv, url, config),
    }
}

fn write_local(inv: &Inventory, path: &str, d: Dialect, several: bool) -> Result<String, String> {
    if path == "-" {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        dialect::write(&mut out, inv, d, VERSIONCLIENT)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
        return Ok("written to stdout".into());
    }
    let mut file = PathBuf::from(path);
    if file.is_dir() {
        let ext = if d == Dialect::Json { "json" } else { "ocs" };
        file = file.join(format!("{}.{ext}", inv.deviceid));
    } else if several {
        return Err(format!(
            "{path} is a file: with several remote hosts, --local needs a directory"
        ));
    }
    state::write_atomic_with(&file, |w| dialect::write(w, inv, d, VERSIONCLIENT))
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(format!("written to {}", file.display()))
}

/// Sends one inventory to a server as its own computer (no PROLOG: the server's
/// schedule is the agent's own, and a remote host has no agent to ask).
fn send(inv: &Inventory, url: &str, config: &Config) -> Result<String, String> {
    let config = dialect::for_server(config, url);
    let d = Dialect::local(&config);
    if d == Dialect::Json {
        return Err("sending to a server in the GLPI JSON dialect is not supported for remote hosts yet: use server-dialect fusion or ocs".into());
    }
    let shown = crate::net::client::public_url(url);
    let client = crate::net::client::Client::new(url, &config, VERSIONCLIENT)?;
    let xml = dialect::render(inv, d, VERSIONCLIENT);
    let reply = crate::net::ocs::exchange(&client, &xml, config.flag("no-compression"))
        .map_err(|e| e.to_string())?;
    let answer = crate::net::ocs::InventoryReply::from_reply(&reply);
    Ok(format!(
        "sent to {shown} ({})",
        if answer.response.is_empty() {
            "no response"
        } else {
            &answer.response
        }
    ))
}
