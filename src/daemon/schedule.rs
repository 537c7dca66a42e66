//! When each target runs next — the daemon's own minimal schedule.
//!
//! - Local targets run at start, then every `delaytime` seconds on average: the next run
//!   is drawn in `[delaytime/2, delaytime)` after the end of the previous one (at least
//!   60 s), so many machines started together drift apart.
//! - Server targets first run after a random delay in `[0, delaytime)` (the Perl agents'
//!   rule), then at the time the task reported (`next-run` field, Unix seconds, as the
//!   server's PROLOG_FREQ dictates), else as local targets do. After a failure the next
//!   try comes after 60 s, doubling, capped at `delaytime`.
//!
//! [`server_next_run`] is the one place where the server-side rules (PROLOG_FREQ,
//! `agent::schedule` once it lands) plug in.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::agent::config::Config;
use crate::agent::run::random_below;
use crate::agent::runner::Report;
use crate::agent::target::Target;

/// Shortest period between two runs of a target.
pub const MIN_PERIOD: Duration = Duration::from_secs(60);

/// One target and when it runs next.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub target: Target,
    pub next_run: Instant,
    failures: u32,
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
            Target::Server(_) => {
                now + Duration::from_secs(random_below(config.number("delaytime", 3600)))
            }
        };
        Schedule {
            target,
            next_run,
            failures: 0,
        }
    }

    pub fn is_due(&self, now: Instant) -> bool {
        now >= self.next_run
    }

    /// Makes the target due now (`/now`, SIGUSR1).
    pub fn run_now(&mut self) {
        self.next_run = Instant::now();
    }

    /// Sets the next run after a run that ended now; `report` is the last task's report.
    pub fn after_run(&mut self, config: &Config, ok: bool, report: Option<&Report>) {
        self.failures = if ok { 0 } else { self.failures + 1 };
        let wait = match self.target {
            Target::Local(_) => jittered(period(config)),
            Target::Server(_) => server_next_run(config, self.failures, report),
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

/// How long until a server target's next contact.
pub fn server_next_run(config: &Config, failures: u32, report: Option<&Report>) -> Duration {
    let p = period(config);
    if failures > 0 {
        let backoff = MIN_PERIOD.saturating_mul(1 << (failures - 1).min(16));
        return backoff.min(p);
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    match report
        .and_then(|r| r.get("next-run"))
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(at) if at > now => Duration::from_secs(at - now).max(MIN_PERIOD),
        _ => jittered(p),
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
        s.after_run(&c, true, None);
        let left = s.next_run - Instant::now();
        assert!(left <= Duration::from_secs(600) && left >= Duration::from_secs(299));
        s.run_now();
        assert!(s.is_due(Instant::now()));
    }

    #[test]
    fn server_backoff_and_reported_time() {
        let c = Config::new();
        assert_eq!(server_next_run(&c, 1, None), Duration::from_secs(60));
        assert_eq!(server_next_run(&c, 3, None), Duration::from_secs(240));
        assert_eq!(server_next_run(&c, 20, None), Duration::from_secs(3600));
        let mut r = Report::ok();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        r.set("next-run", now + 7200);
        let d = server_next_run(&c, 0, Some(&r));
        assert!(d > Duration::from_secs(7100) && d <= Duration::from_secs(7200));
    }
}
