//! Runs the agent binary the way the server tests need it: a private state directory,
//! and no proxy from the environment (tests talk to loopback servers only); and reads
//! back what an agent left in its state directory.

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

/// Gives `vardir` (created) a known DEVICEID, of this host's short name as the agent
/// keeps one, so that a fake server can expect it; returns it.
pub fn set_deviceid(vardir: &Path) -> String {
    std::fs::create_dir_all(vardir).unwrap();
    let host = nix::unistd::gethostname().unwrap();
    let host = host.to_string_lossy();
    let id = format!(
        "{}-2030-06-01-00-00-00",
        host.split('.').next().unwrap_or("h")
    );
    std::fs::write(vardir.join("agent.state"), format!("deviceid={id}\n")).unwrap();
    id
}

/// The DEVICEID in `<vardir>/agent.state`; a panic that says what is missing otherwise.
pub fn deviceid(vardir: &Path) -> String {
    let file = vardir.join("agent.state");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (no DEVICEID yet)", file.display()));
    text.lines()
        .find_map(|l| l.strip_prefix("deviceid=").map(str::to_string))
        .unwrap_or_else(|| panic!("{}: no deviceid= line: {text:?}", file.display()))
}

/// The DEVICEID in the Perl agent's `ocsinv.conf` (`<DEVICEID>…</DEVICEID>`).
pub fn perl_deviceid(ocsinv_conf: &Path) -> String {
    let text = std::fs::read_to_string(ocsinv_conf)
        .unwrap_or_else(|e| panic!("the Perl agent's {}: {e}", ocsinv_conf.display()));
    text.split("<DEVICEID>")
        .nth(1)
        .and_then(|s| s.split("</DEVICEID>").next())
        .unwrap_or_else(|| panic!("no DEVICEID in {}: {text:?}", ocsinv_conf.display()))
        .to_string()
}

/// `<dir>/agent.log`, where the tests point `--logfile`; empty while there is none.
pub fn log_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("agent.log")).unwrap_or_default()
}
