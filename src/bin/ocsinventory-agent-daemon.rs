//! `ocsinventory-agent-daemon`: the daemon's parent without the tasks and without
//! OpenSSL, so it stays small (see `daemon::lean`). `ocsinventory-agent --daemon`
//! executes it with its own arguments; every task child executes the full agent again.

use std::process::ExitCode;

use ocsinventory_agent::agent::{cli, logger, run};
use ocsinventory_agent::{daemon, task};

fn main() -> ExitCode {
    let args = daemon::secret_args::restore(std::env::args().skip(1).collect());
    let cli = match cli::parse(&args) {
        Ok(c) => c,
        Err(e) => return cli::startup_error(e),
    };
    let config = match run::load_config(&cli) {
        Ok(c) => c,
        Err(e) => return cli::startup_error(e),
    };
    if cli.action != cli::Action::Run || !config.flag("daemon") {
        eprintln!(
            "[core][ERROR] {} is the daemon's parent: start it with `ocsinventory-agent --daemon`",
            daemon::lean::LEAN_NAME
        );
        return ExitCode::from(2);
    }
    let agent_binary = match daemon::lean::agent_binary() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("[core][ERROR] {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = logger::init(&config, "core") {
        return cli::startup_error(e);
    }
    for w in &config.warnings {
        log::warn!("{w}");
    }
    let equipment = daemon::Equipment {
        tls: None,
        agent_binary,
        // The table alone (what plans a run); the bodies run in the full agent binary.
        catalog: &task::CATALOG,
    };
    ExitCode::from(daemon::run(&cli, config, equipment) as u8)
}
