//! Refused requests: how many are answered at all, and how many are logged.
//!
//! Two things an attacker on the LAN could otherwise do with refusals:
//! - guess the DEVICEID that guards `/?action=log` and `/?action=wakeup` (it is the
//!   host name and the install time: a few million candidates, 16 600 tries a second
//!   without a limit): past [`MAX_FAILURES_PER_ADDRESS`] wrong guesses from one address,
//!   or [`MAX_FAILURES`] from all addresses together, within [`WINDOW`], every DEVICEID
//!   check is answered `429` unseen (the right one too) until the window ends, which
//!   turns a brute force into years;
//! - fill the disk through the log (one line per refused `/now`): at most one line per
//!   [`WINDOW`] names a refusal, the next one says how many were not logged.
//!
//! Single-threaded like the loop that owns it (interior mutability through `Cell`s).

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The window the counts below are kept for.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Wrong DEVICEIDs from one address per window before its checks are refused.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 10;
/// Wrong DEVICEIDs from all addresses together per window (many addresses, one attacker).
pub const MAX_FAILURES: u32 = 100;
/// Addresses remembered per window: past it, only the global count limits.
const MAX_ADDRESSES: usize = 4096;

#[derive(Debug, Default)]
struct Counts {
    since: Option<Instant>,
    failures: u32,
    by_address: HashMap<IpAddr, u32>,
    /// Refusals in this window that were not logged.
    unlogged: u64,
    logged: bool,
}

/// The refusal counts of the HTTP interface.
#[derive(Debug, Default)]
pub struct Refusals {
    counts: RefCell<Counts>,
}

impl Refusals {
    fn with<T>(&self, now: Instant, f: impl FnOnce(&mut Counts) -> T) -> T {
        let mut c = self.counts.borrow_mut();
        if c.since.is_none_or(|s| now.duration_since(s) >= WINDOW) {
            if c.unlogged > 0 {
                log::info!(
                    "[http server] {} more refused request(s) not logged",
                    c.unlogged
                );
            }
            *c = Counts {
                since: Some(now),
                ..Counts::default()
            };
        }
        f(&mut c)
    }

    /// True when DEVICEID checks from `client` are refused for now (too many wrong ones).
    pub fn blocked(&self, client: IpAddr, now: Instant) -> bool {
        self.with(now, |c| {
            c.failures >= MAX_FAILURES
                || c.by_address.get(&client).copied().unwrap_or(0) >= MAX_FAILURES_PER_ADDRESS
        })
    }

    /// Counts a wrong DEVICEID from `client`.
    pub fn failed(&self, client: IpAddr, now: Instant) {
        self.with(now, |c| {
            c.failures = c.failures.saturating_add(1);
            if c.by_address.len() < MAX_ADDRESSES || c.by_address.contains_key(&client) {
                *c.by_address.entry(client).or_default() += 1;
            }
        })
    }

    /// Logs `line` at INFO if no refusal was logged in this window, else counts it.
    pub fn log(&self, now: Instant, line: std::fmt::Arguments) {
        self.with(now, |c| {
            if c.logged {
                c.unlogged += 1;
            } else {
                c.logged = true;
                log::info!(
                    "{line} (further refusals within {} s are counted, not logged)",
                    WINDOW.as_secs()
                );
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_are_limited_per_address_and_in_all() {
        let r = Refusals::default();
        let t = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..MAX_FAILURES_PER_ADDRESS {
            assert!(!r.blocked(a, t));
            r.failed(a, t);
        }
        assert!(r.blocked(a, t));
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(!r.blocked(b, t));
        for i in 0..MAX_FAILURES {
            r.failed(IpAddr::from([10, 1, (i >> 8) as u8, i as u8]), t);
        }
        assert!(r.blocked(b, t));
        // A new window forgives.
        assert!(!r.blocked(a, t + WINDOW));
    }
}
