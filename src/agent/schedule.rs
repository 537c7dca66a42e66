//! When to contact each server: the schedule math and its per-server state file.
//!
//! Shared by the one-shot run and the daemon. The rules:
//! - the first contact of a daemon comes after a random delay in
//!   `[delaytime/2, delaytime]` (none with `--force`), see [`first_contact`];
//! - after a successful contact the next one is `PROLOG_FREQ` hours later minus a random
//!   jitter (a sixth of the period under 6 h, one hour up to 24 h, a 24th above), so a
//!   fleet started together spreads out, see [`after_success`];
//! - after a failed contact (network, TLS, HTTP error, garbage) the server is tried again
//!   after 60 s, then 120 s, 240 s… capped by `delaytime` and by the period, see
//!   [`after_failure`];
//! - `--lazy` skips a server whose next contact is not due yet, see [`due`].
//!
//! The state lives in `<vardir>/<server dir>/schedule` (`key=value`, written atomically).
//! The task child that contacts the server updates it and reports `next=<epoch>`; the
//! daemon reads it back with [`load_for`] / [`next_contact`].

use std::collections::BTreeMap;
use std::path::Path;

use super::config::Config;
use super::server_state::ServerState;
use super::state;

/// The first retry delay after a failed contact, doubled on each further failure.
pub const FIRST_RETRY: u64 = 60;
/// The period used until a server has given its `PROLOG_FREQ`.
pub const DEFAULT_PERIOD: u64 = 3600;
/// The `delaytime` default.
pub const DEFAULT_DELAYTIME: u64 = 3600;
/// The schedule file in a server's state directory.
pub const FILE: &str = "schedule";

/// The schedule of one server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// When to contact the server next (Unix time); 0 when never planned.
    pub next: u64,
    /// Seconds between contacts (the server's PROLOG_FREQ); 0 when not known yet.
    pub period: u64,
    /// The current retry delay after failures; 0 when the last contact succeeded.
    pub retry: u64,
    /// Failed contacts in a row.
    pub failures: u32,
    /// The last successful contact (Unix time), 0 for never.
    pub last_contact: u64,
    /// Why the last contact failed, empty after a success.
    pub last_error: String,
}

pub use super::clock::now;

/// The width of the random jitter taken off a period.
pub fn jitter_range(period: u64) -> u64 {
    if period < 6 * 3600 {
        period / 6
    } else if period <= 24 * 3600 {
        3600
    } else {
        period / 24
    }
}

/// The first-contact delay: in `[delaytime/2, delaytime]`, `random` picking where.
pub fn first_delay(delaytime: u64, random: u64) -> u64 {
    delaytime - random % (delaytime / 2 + 1)
}

/// The schedule after a successful contact at `now`; `prolog_freq` is the server's
/// PROLOG_FREQ in hours, if it gave one (else the previous period is kept).
pub fn after_success(s: &Schedule, now: u64, prolog_freq: Option<u64>, random: u64) -> Schedule {
    let period = match prolog_freq {
        Some(h) if h > 0 => h.saturating_mul(3600),
        _ if s.period > 0 => s.period,
        _ => DEFAULT_PERIOD,
    };
    let jitter = random % (jitter_range(period) + 1);
    Schedule {
        next: now + period - jitter,
        period,
        retry: 0,
        failures: 0,
        last_contact: now,
        last_error: String::new(),
    }
}

/// The schedule after a failed contact at `now`: retry after 60 s, doubling, capped by
/// `delaytime` and by the period (never under 60 s).
pub fn after_failure(s: &Schedule, now: u64, delaytime: u64, why: &str) -> Schedule {
    let mut cap = delaytime;
    if s.period > 0 {
        cap = cap.min(s.period);
    }
    let cap = cap.max(FIRST_RETRY);
    let retry = if s.retry == 0 {
        FIRST_RETRY
    } else {
        s.retry.saturating_mul(2)
    }
    .min(cap);
    Schedule {
        next: now + retry,
        retry,
        failures: s.failures.saturating_add(1),
        last_error: why.replace(['\n', '\r'], " "),
        ..s.clone()
    }
}

/// When the server should be contacted: its planned time, or `now` when none is planned.
pub fn next_contact(s: &Schedule, now: u64) -> u64 {
    if s.next == 0 {
        now
    } else {
        s.next
    }
}

/// True when the contact is due at `now`.
pub fn is_due(s: &Schedule, now: u64) -> bool {
    next_contact(s, now) <= now
}

/// Reads a schedule file; a missing or damaged file is an empty schedule.
pub fn load(dir: &Path) -> Schedule {
    let kv = state::read_kv(&dir.join(FILE));
    let num = |k: &str| kv.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
    Schedule {
        next: num("next"),
        period: num("period"),
        retry: num("retry"),
        failures: num("failures") as u32,
        last_contact: num("last_contact"),
        last_error: kv.get("last_error").cloned().unwrap_or_default(),
    }
}

/// Writes a schedule file atomically.
pub fn save(dir: &Path, s: &Schedule) -> Result<(), String> {
    let mut kv = BTreeMap::new();
    kv.insert("next".to_string(), s.next.to_string());
    kv.insert("period".to_string(), s.period.to_string());
    kv.insert("retry".to_string(), s.retry.to_string());
    kv.insert("failures".to_string(), s.failures.to_string());
    kv.insert("last_contact".to_string(), s.last_contact.to_string());
    if !s.last_error.is_empty() {
        kv.insert("last_error".to_string(), s.last_error.clone());
    }
    let path = dir.join(FILE);
    state::write_kv(&path, &kv).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Records a failed contact with the server whose state directory is `dir`: the next
/// try moves back (`after_failure`); returns the error, with when the next try is.
pub fn failed(dir: &Path, sched: &Schedule, now: u64, config: &Config, why: String) -> String {
    let delaytime = config.number("delaytime", DEFAULT_DELAYTIME);
    let next = after_failure(sched, now, delaytime, &why);
    let when = next.retry;
    if let Err(e) = save(dir, &next) {
        log::error!("{e}");
    }
    format!("{why}; next try in {when} s")
}

/// The stored schedule of server `url`.
pub fn load_for(config: &Config, url: &str) -> Result<Schedule, String> {
    Ok(ServerState::open(config, url)?.schedule())
}

/// True when server `url` may be contacted now: always with `--force` or without
/// `--lazy`, else when its next contact time has come (or none is planned).
pub fn due(config: &Config, url: &str) -> bool {
    if config.flag("force") || !config.flag("lazy") {
        return true;
    }
    match load_for(config, url) {
        Ok(s) => is_due(&s, now()),
        Err(_) => true,
    }
}

/// For the daemon at start: when to contact server `url` first. Now with `--force`;
/// after a random delay within `delaytime` for a server never planned (that plan is
/// saved); else its stored next contact.
pub fn first_contact(config: &Config, url: &str, now: u64) -> u64 {
    if config.flag("force") {
        return now;
    }
    let Ok(server) = ServerState::open(config, url) else {
        return now;
    };
    let mut s = server.schedule();
    if s.next == 0 {
        let delaytime = config.number("delaytime", DEFAULT_DELAYTIME);
        s.next = now + first_delay(delaytime, super::run::random_below(u64::MAX));
        let _ = server.save_schedule(&s);
    }
    s.next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_bounds() {
        let s = Schedule::default();
        for (hours, range) in [(1u64, 600u64), (12, 3600), (24, 3600), (48, 7200)] {
            let period = hours * 3600;
            assert_eq!(jitter_range(period), range);
            for r in [0, 1, range - 1, range, range + 1, u64::MAX] {
                let n = after_success(&s, 1000, Some(hours), r);
                assert!(n.next <= 1000 + period && n.next >= 1000 + period - range);
                assert_eq!(n.period, period);
                assert_eq!(n.last_contact, 1000);
            }
        }
        // no PROLOG_FREQ: previous period, else the default
        let n = after_success(&s, 0, None, 0);
        assert_eq!(n.period, DEFAULT_PERIOD);
        let kept = after_success(&Schedule { period: 7200, ..s }, 0, None, 0);
        assert_eq!(kept.period, 7200);
    }

    #[test]
    fn first_delay_bounds() {
        for r in [0, 1, 1799, 1800, 1801, u64::MAX] {
            let d = first_delay(3600, r);
            assert!((1800..=3600).contains(&d), "{d}");
        }
        assert_eq!(first_delay(0, 5), 0);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut s = after_success(&Schedule::default(), 0, Some(24), 0);
        let mut delays = Vec::new();
        for i in 0..10 {
            s = after_failure(&s, 100 * i, 3600, "refused");
            delays.push(s.next - 100 * i);
        }
        assert_eq!(
            delays,
            [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]
        );
        assert_eq!(s.failures, 10);
        assert_eq!(s.last_error, "refused");
        // the period caps too, and the cap never goes under 60 s
        let short = Schedule {
            period: 100,
            retry: 60,
            ..Schedule::default()
        };
        assert_eq!(after_failure(&short, 0, 3600, "x").retry, 100);
        assert_eq!(after_failure(&Schedule::default(), 0, 0, "x").retry, 60);
        // success resets
        let ok = after_success(&s, 5000, Some(1), 0);
        assert_eq!((ok.retry, ok.failures, ok.last_error.as_str()), (0, 0, ""));
    }

    #[test]
    fn due_and_round_trip() {
        let d = std::env::temp_dir().join(format!("ocsa-sched-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        assert_eq!(load(&d), Schedule::default());
        assert!(is_due(&Schedule::default(), 10));
        let s = Schedule {
            next: 500,
            period: 3600,
            retry: 120,
            failures: 2,
            last_contact: 7,
            last_error: "why\nnot".into(),
        };
        save(&d, &s).unwrap();
        let back = load(&d);
        assert_eq!(back.last_error, "why not");
        assert_eq!(back.next, 500);
        assert!(!is_due(&back, 499));
        assert!(is_due(&back, 500));
        assert_eq!(next_contact(&back, 0), 500);
        std::fs::write(d.join(FILE), "garbage\nnext=abc\n").unwrap();
        assert_eq!(load(&d).next, 0);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
