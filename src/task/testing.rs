//! Test-only tasks that misbehave on purpose, so the tests can check that the runner
//! contains them: `TestSleep` hangs, `TestMemory` allocates without end, `TestCrash`
//! dies of a signal. They exist only when `OCSINVENTORY_AGENT_TEST_TASKS=1`.

use crate::agent::runner::Report;

pub const NAMES: &[&str] = &["TestSleep", "TestMemory", "TestCrash"];

/// Whether the environment enables the test tasks.
pub fn on() -> bool {
    std::env::var("OCSINVENTORY_AGENT_TEST_TASKS").is_ok_and(|v| v == "1")
}

pub fn run(name: &str) -> Result<Report, String> {
    if !on() {
        return Err(format!("unknown task '{name}'"));
    }
    match name {
        "TestSleep" => {
            log::info!("sleeping until killed");
            // A command that hangs too: the alarm handler must kill its group.
            let _ = crate::source::command::run(
                &["sleep", "1000"],
                std::time::Duration::from_secs(1000),
            );
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1000));
            }
        }
        "TestMemory" => {
            log::info!("allocating until the cap stops it");
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 16 << 20]);
            }
        }
        _ => {
            use nix::sys::signal::{raise, signal, SigHandler, Signal};
            // SAFETY: restoring the default action of a signal (the runtime's own handler
            // would otherwise swallow a raised SIGSEGV).
            unsafe {
                let _ = signal(Signal::SIGSEGV, SigHandler::SigDfl);
            }
            let _ = raise(Signal::SIGSEGV);
            Ok(Report::ok())
        }
    }
}
