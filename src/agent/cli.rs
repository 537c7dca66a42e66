//! The command line: getopts built from the option table, `--help` text.

use super::config::{Config, ConfigError, Origin};
use super::options::{Kind, OPTIONS};

/// What the command line asks the agent to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The normal case: run the tasks for every target (or the daemon with `--daemon`).
    Run,
    Help,
    Version,
    ListTasks,
    ListCategories,
    /// Internal: this process is a task child started by the runner.
    TaskChild {
        task: String,
        target: String,
    },
}

/// The parsed command line.
#[derive(Debug)]
pub struct Cli {
    pub action: Action,
    /// `--conf-file`, if given.
    pub conf_file: Option<String>,
    /// Option values given on the command line, applied over the file.
    pub values: Vec<(String, String)>,
    /// The Perl OCS agent's option names that were used (`--basevardir`…), read as ours
    /// (see `legacy::rewrite_args`); one warning names them.
    pub old_names: Vec<String>,
}

/// Internal options of task children; not shown in `--help`.
const RUN_TASK: &str = "run-task";
const RUN_TARGET: &str = "run-target";

fn getopts_table() -> getopts::Options {
    let mut g = getopts::Options::new();
    g.parsing_style(getopts::ParsingStyle::FloatingFrees);
    for o in OPTIONS {
        match o.kind {
            Kind::Flag => g.optflag(o.short, o.name, o.help),
            Kind::Count => g.optflagmulti(o.short, o.name, o.help),
            Kind::Value => g.optopt(o.short, o.name, o.help, o.hint),
            Kind::List => g.optmulti(o.short, o.name, o.help, o.hint),
        };
    }
    g.optopt("", RUN_TASK, "", "");
    g.optopt("", RUN_TARGET, "", "");
    g
}

/// Reports an error met before logging starts (command line, configuration file) the
/// way every binary of the agent does, and gives the exit status for it (2).
pub fn startup_error(e: impl std::fmt::Display) -> std::process::ExitCode {
    eprintln!("[core][ERROR] {e}");
    std::process::ExitCode::from(2)
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Cli, ConfigError> {
    let (args, old_names) = super::legacy::rewrite_args(args);
    let m = getopts_table()
        .parse(&args)
        .map_err(|e| ConfigError(format!("{e} (see --help)")))?;
    if let Some(free) = m.free.first() {
        return Err(ConfigError(format!(
            "unexpected argument '{free}' (see --help)"
        )));
    }
    let mut values = Vec::new();
    for o in OPTIONS.iter().filter(|o| o.config) {
        let value = match o.kind {
            Kind::Flag => m.opt_present(o.name).then(|| "1".to_string()),
            Kind::Count => match m.opt_count(o.name) {
                0 => None,
                n => Some(n.to_string()),
            },
            Kind::Value => m.opt_str(o.name),
            Kind::List => {
                let all = m.opt_strs(o.name);
                (!all.is_empty()).then(|| all.join(","))
            }
        };
        if let Some(v) = value {
            values.push((o.name.to_string(), v));
        }
    }
    let action = if let Some(task) = m.opt_str(RUN_TASK) {
        Action::TaskChild {
            task,
            target: m.opt_str(RUN_TARGET).unwrap_or_default(),
        }
    } else if m.opt_present("help") {
        Action::Help
    } else if m.opt_present("version") {
        Action::Version
    } else if m.opt_present("list-tasks") {
        Action::ListTasks
    } else if m.opt_present("list-categories") {
        Action::ListCategories
    } else {
        Action::Run
    };
    Ok(Cli {
        action,
        conf_file: m.opt_str("conf-file"),
        values,
        old_names,
    })
}

impl Cli {
    /// Puts the command line values over `config` (command line wins).
    pub fn apply(&self, config: &mut Config) -> Result<(), ConfigError> {
        for (k, v) in &self.values {
            config.set(k, v, Origin::CommandLine)?;
        }
        if !self.old_names.is_empty() {
            config.warnings.push(format!(
                "command line: the Perl OCS agent's option names read as ours: {} (see --help)",
                self.old_names.join(", ")
            ));
        }
        Ok(())
    }
}

/// The `--help` text: every option of the table, grouped as the table orders them.
pub fn usage() -> String {
    let mut out = String::from(
        "Usage: ocsinventory-agent [OPTIONS]\n\n\
         Inventories this machine and sends it to OCS Inventory / GLPI servers,\n\
         or writes it locally. Every long option is also an agent.cfg key.\n\nOptions:\n",
    );
    for o in OPTIONS {
        let short = if o.short.is_empty() {
            "    ".to_string()
        } else {
            format!("-{}, ", o.short)
        };
        let long = match o.kind {
            Kind::Value | Kind::List => format!("--{} {}", o.name, o.hint),
            _ => format!("--{}", o.name),
        };
        out.push_str(&format!("  {short}{long:<34} {}\n", o.help));
    }
    out.push_str("\nExit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lists_repeat_and_counts_add_up() {
        let cli = parse(&args(&[
            "-s", "a", "--server", "b", "--debug", "--debug", "-f",
        ]))
        .unwrap();
        assert!(cli.values.contains(&("server".into(), "a,b".into())));
        assert!(cli.values.contains(&("debug".into(), "2".into())));
        assert!(cli.values.contains(&("force".into(), "1".into())));
        assert_eq!(cli.action, Action::Run);
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert!(parse(&args(&["--no-such"])).is_err());
        assert!(parse(&args(&["stray"])).is_err());
        assert!(parse(&args(&["--tag"])).is_err());
    }
}
