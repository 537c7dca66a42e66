//! When each target runs next — the daemon's own minimal schedule.
//!
//! - Local targets run at start, then every `delaytime` seconds on average: the next run
//!   is drawn in `[delaytime/2, delaytime)` after the end of the previous one (at least
//!   60 s), so many machines started together drift apart.
//! - Server targets follow the per-server schedule the task child keeps in the server's
//!   state directory (`agent::schedule`): the first contact after a random delay within
//!   `delaytime` (now with `--force`), then PROLOG_FREQ with jitter, and after a failure
//!   60 s doubling up to `delaytime`. The daemon only reads that file: one set of rules
//!   for cron runs and the daemon alike — except when a run failed and the file is as it
//!   was before the run (the child was killed before it could say anything): the daemon
//!   then records the failure itself, so the server is retried after the failure delay
//!   rather than at the plan of the last good contact, up to a day later.

use std::time::{Duration, Instant};

use crate::agent::config::Config;
use crate::agent::run::random_below;
use crate::agent::schedule as server_schedule;
use crate::agent::server_state::ServerState;
use crate::agent::target::Target;

/// Shortest period between two runs of a target.
pub const MIN_PERIOD: Duration = Duration::from_secs(60);

/// One target and when it runs next.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub target: Target,
    pub next_run: Instant,
    failures: u32,
    /// A server's stored schedule when its run started (see [`Schedule::before_run`]).
    stored_before: Option<server_schedule::Schedule>,
}

/// `delaytime`, at least [`MIN_PERIOD`].
pub fn period(config: &Config) -> Duration {
    Duration::from_secs(config.number("delaytime", 3600)).max(MIN_PERIOD)
}

/// A random time in `[p/2, p)`.
fn jittered(p: Duration) -> Duration {
    let half = p.as_secs() / 2;
    Duration::from_secs(half + random_below(half.max(1)))
}

impl Schedule {
    /// A target just configured: local ones are due now, servers after a random delay.
    pub fn new(target: Target, config: &Config) -> Schedule {
        let now = Instant::now();
        let next_run = match target {
            Target::Local(_) => now,
            Target::Server(ref url) => {
                let at = server_schedule::now();
                now + Duration::from_secs(
                    server_schedule::first_contact(config, url, at).saturating_sub(at),
                )
            }
        };
        Schedule {
            target,
            next_run,
            failures: 0,
            stored_before: None,
        }
    }

    pub fn is_due(&self, now: Instant) -> bool {
        now >= self.next_run
    }

    /// Makes the target due now (`/now`, SIGUSR1).
    pub fn run_now(&mut self) {
        self.next_run = Instant::now();
    }

    /// Notes a server's stored schedule as a run starts.
    pub fn before_run(&mut self, config: &Config) {
        self.stored_before = match &self.target {
            Target::Server(url) => server_schedule::load_for(config, url).ok(),
            Target::Local(_) => None,
        };
    }

    /// Sets the next run after a run that ended now.
    pub fn after_run(&mut self, config: &Config, ok: bool) {
        self.failures = if ok { 0 } else { self.failures + 1 };
        if let (false, Target::Server(url), Some(before)) =
            (ok, &self.target, self.stored_before.take())
        {
            record_silent_failure(config, url, &before);
        }
        let wait = match &self.target {
            Target::Local(_) => jittered(period(config)),
            Target::Server(url) => server_next_run(config, url),
        };
        self.next_run = Instant::now() + wait;
    }

    /// The next run as a wall-clock time, for logs and the status page.
    pub fn next_run_text(&self) -> String {
        let left = self.next_run.saturating_duration_since(Instant::now());
        let at = chrono::Local::now() + chrono::Duration::from_std(left).unwrap_or_default();
        at.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// After a failed run: when the stored schedule of `url` is still `before`, the task
/// child recorded nothing (killed, crashed): the failure is recorded here.
fn record_silent_failure(config: &Config, url: &str, before: &server_schedule::Schedule) {
    let Ok(server) = ServerState::open(config, url) else {
        return;
    };
    if server.schedule() != *before {
        return;
    }
    let delaytime = config.number("delaytime", server_schedule::DEFAULT_DELAYTIME);
    let failed = server_schedule::after_failure(
        before,
        server_schedule::now(),
        delaytime,
        "the task ended before recording its contact",
    );
    if let Err(e) = server.save_schedule(&failed) {
        log::warn!("{e}");
    }
}

/// How long until a server target's next contact, as its stored schedule says (the
/// task child updated it); at least a minute, `delaytime`-ish when there is none.
pub fn server_next_run(config: &Config, url: &str) -> Duration {
    let now = server_schedule::now();
    match server_schedule::load_for(config, url) {
        Ok(s) if s.next > 0 => {
            Duration::from_secs(server_schedule::next_contact(&s, now).saturating_sub(now))
                .max(MIN_PERIOD)
        }
        _ => jittered(period(config)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::Origin;

    #[test]
    fn local_now_then_about_delaytime() {
        let mut c = Config::new();
        c.set("delaytime", "600", Origin::CommandLine).unwrap();
        let mut s = Schedule::new(Target::Local("/tmp".into()), &c);
        assert!(s.is_due(Instant::now()));
        s.after_run(&c, true);
        let left = s.next_run - Instant::now();
        assert!(left <= Duration::from_secs(600) && left >= Duration::from_secs(299));
        s.run_now();
        assert!(s.is_due(Instant::now()));
    }

    #[test]
    fn server_follows_its_stored_schedule() {
        let dir = std::env::temp_dir().join(format!("ocsa-dsched-{}", std::process::id()));
        let mut c = Config::new();
        c.set("vardir", dir.to_str().unwrap(), Origin::CommandLine)
            .unwrap();
        let url = "http://127.0.0.1:9/ocsinventory";
        let state = ServerState::open(&c, url).unwrap();
        let mut s = state.schedule();
        s.next = server_schedule::now() + 7200;
        state.save_schedule(&s).unwrap();
        let d = server_next_run(&c, url);
        assert!(
            d > Duration::from_secs(7100) && d <= Duration::from_secs(7200),
            "{d:?}"
        );
        s.next = server_schedule::now() + 5;
        state.save_schedule(&s).unwrap();
        assert_eq!(server_next_run(&c, url), MIN_PERIOD);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_killed_run_is_retried_after_the_failure_delay() {
        // Issue #13, defect 7: after a killed task the next run was the plan of the
        // last good contact, 12-24 h later.
        let dir = std::env::temp_dir().join(format!("ocsa-dkill-{}", std::process::id()));
        let mut c = Config::new();
        c.set("vardir", dir.to_str().unwrap(), Origin::CommandLine)
            .unwrap();
        let url = "http://127.0.0.1:9/ocsinventory";
        let state = ServerState::open(&c, url).unwrap();
        let good = server_schedule::after_success(
            &server_schedule::Schedule::default(),
            server_schedule::now(),
            Some(24),
            0,
        );
        state.save_schedule(&good).unwrap();
        let mut s = Schedule::new(Target::Server(url.into()), &c);
        s.before_run(&c);
        // The child is killed: nothing recorded.
        s.after_run(&c, false);
        let left = s.next_run - Instant::now();
        assert!(left <= Duration::from_secs(61), "{left:?}");
        let stored = state.schedule();
        assert_eq!(
            (stored.failures, stored.retry),
            (1, server_schedule::FIRST_RETRY)
        );
        // A child that recorded its own outcome is believed.
        s.before_run(&c);
        let mut own = stored.clone();
        own.next += 3600;
        state.save_schedule(&own).unwrap();
        s.after_run(&c, false);
        assert_eq!(state.schedule(), own);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
