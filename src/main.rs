//! `ocsinventory-agent`: parse the command line, load the configuration, start logging,
//! then run the tasks once, run the daemon, or (internally) be a task child.

use std::process::ExitCode;

use ocsinventory_agent::agent::{alloc, cli, logger, run, runner};
use ocsinventory_agent::{daemon, task};

/// The tasks, handed to the core: their table, and their body for the task children.
const TASKS: runner::Tasks = runner::Tasks {
    catalog: &task::CATALOG,
    body: task::run,
};

#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

fn main() -> ExitCode {
    let args = daemon::secret_args::restore(std::env::args().skip(1).collect());
    let cli = match cli::parse(&args) {
        Ok(c) => c,
        Err(e) => return cli::startup_error(e),
    };
    match &cli.action {
        cli::Action::Help => {
            print!("{}", cli::usage());
            return ExitCode::SUCCESS;
        }
        cli::Action::Version => {
            println!(
                "ocsinventory-agent {} ({})",
                env!("CARGO_PKG_VERSION"),
                task::inventory::VERSIONCLIENT
            );
            return ExitCode::SUCCESS;
        }
        cli::Action::TaskChild { task, target } => {
            return ExitCode::from(runner::child_main(task, target, TASKS) as u8);
        }
        _ => {}
    }
    let config = match run::load_config(&cli) {
        Ok(c) => c,
        Err(e) => return cli::startup_error(e),
    };
    // The daemon's parent is the lean binary when it can be (see `daemon::lean`).
    let handed = (cli.action == cli::Action::Run && config.flag("daemon"))
        .then(|| daemon::lean::hand_over(&args, &config));
    if let Err(e) = logger::init(&config, "core") {
        return cli::startup_error(e);
    }
    for w in &config.warnings {
        log::warn!("{w}");
    }
    if let Some(why) = handed {
        log::debug!("{why}");
        let equipment = daemon::Equipment {
            #[cfg(not(target_vendor = "apple"))]
            tls: Some(daemon::tls::openssl_acceptor),
            #[cfg(target_vendor = "apple")]
            tls: Some(daemon::tls_native::acceptor),
            agent_binary: std::env::current_exe().unwrap_or_default(),
            catalog: &task::CATALOG,
        };
        return ExitCode::from(daemon::run(&cli, config, equipment) as u8);
    }
    match cli.action {
        cli::Action::ListTasks => {
            for t in task::TASKS {
                println!("{:<12} {}", t.name, t.description);
            }
            ExitCode::SUCCESS
        }
        cli::Action::ListCategories => {
            for c in task::inventory::fields::categories() {
                println!("{c}");
            }
            ExitCode::SUCCESS
        }
        _ => ExitCode::from(run::run_once(&config, TASKS) as u8),
    }
}
