//! One device as the engine sees it across every request made to it: how fast it
//! answers (the round-trip estimate that sets each request's timeout) and what it has
//! cost so far (the budget of values, bytes and time that bounds its whole inventory).
//!
//! A task that reads a device in several rounds (credentials, the main walks, the VLAN
//! contexts) hands the same [`SharedPeer`] to each round's requests: the budget is then
//! one per device, not one per request, and a device cut off once (budget spent, a walk
//! that loops) is not asked again.
//!
//! Timeouts follow TCP (RFC 6298): a smoothed round trip `srtt` and its variation
//! `rttvar`, the timeout `srtt + 4·rttvar`, bounded below by [`MIN_TIMEOUT`] and above by
//! the configured timeout; samples only from messages sent once (Karn's rule: the answer
//! to a message sent twice may be the first one's).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::credential::Credential;

/// The shortest timeout derived from round trips: a device that answered in 1 ms may
/// still take a few hundred to build a big table.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(200);

/// A peer shared by the requests of one device (the engine is one thread).
pub type SharedPeer = Rc<RefCell<Peer>>;

#[derive(Debug, Default)]
pub struct Peer {
    srtt: Option<Duration>,
    rttvar: Duration,
    /// When the first request to the device was sent: the start of its time budget.
    first: Option<Instant>,
    rows: usize,
    bytes: usize,
    /// Why the device was cut off, once it was.
    cut: Option<String>,
    /// The (credential, context) pairs the device has answered: a request under one of
    /// them that stays unanswered is waited for patiently, another one is not.
    served: Vec<(Credential, Option<String>)>,
}

impl Peer {
    pub fn shared() -> SharedPeer {
        Rc::new(RefCell::new(Peer::default()))
    }

    /// The timeout of a first try: derived from the round trips seen, or `configured`
    /// before any.
    pub fn timeout(&self, configured: Duration) -> Duration {
        match self.srtt {
            None => configured,
            Some(srtt) => (srtt + 4 * self.rttvar)
                .max(MIN_TIMEOUT.min(configured))
                .min(configured),
        }
    }

    /// Takes the round trip of a message sent once.
    pub fn sample(&mut self, rtt: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(srtt) => {
                let delta = srtt.abs_diff(rtt);
                self.rttvar = (self.rttvar * 3 + delta) / 4;
                self.srtt = Some((srtt * 7 + rtt) / 8);
            }
        }
    }

    /// The smoothed round trip, once measured.
    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    /// Starts the time budget (at the first request).
    pub fn begin(&mut self, now: Instant) {
        self.first.get_or_insert(now);
    }

    /// When the device's time budget runs out.
    pub fn deadline(&self, budget: Duration) -> Option<Instant> {
        self.first.map(|f| f + budget)
    }

    /// Counts `rows` values and `bytes` received; the cut when the budget is spent.
    pub fn charge(&mut self, rows: usize, bytes: usize, limits: &Limits) -> Result<(), String> {
        self.rows += rows;
        self.bytes += bytes;
        if self.cut.is_none() {
            if self.rows > limits.rows {
                self.cut = Some(format!("more than {} values, cut off", limits.rows));
            } else if self.bytes > limits.bytes {
                self.cut = Some(format!(
                    "more than {} MiB of answers, cut off",
                    limits.bytes >> 20
                ));
            }
        }
        self.cut.clone().map_or(Ok(()), Err)
    }

    /// Cuts the device off: it is not asked anything more.
    pub fn cut_off(&mut self, why: &str) {
        self.cut.get_or_insert_with(|| why.to_string());
    }

    /// Why the device was cut off, if it was.
    pub fn cut(&self) -> Option<&str> {
        self.cut.as_deref()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn mark_served(&mut self, credential: &Credential, context: &Option<String>) {
        if !self.serves(credential, context) {
            self.served.push((credential.clone(), context.clone()));
        }
    }

    pub fn serves(&self, credential: &Credential, context: &Option<String>) -> bool {
        self.served
            .iter()
            .any(|(c, x)| c == credential && x == context)
    }
}

/// What one device may cost in all.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub rows: usize,
    pub bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn timeout_follows_the_round_trips() {
        let mut p = Peer::default();
        let configured = 2000 * MS;
        assert_eq!(p.timeout(configured), configured, "nothing measured yet");
        for _ in 0..20 {
            p.sample(MS);
        }
        assert_eq!(p.timeout(configured), MIN_TIMEOUT, "floor");
        assert_eq!(
            p.timeout(100 * MS),
            100 * MS,
            "never above the configured one"
        );
        for _ in 0..20 {
            p.sample(300 * MS);
        }
        let t = p.timeout(configured);
        assert!(t > 300 * MS && t < 1000 * MS, "{t:?}");
        // A jittery device gets room for its jitter.
        let mut j = Peer::default();
        for i in 0..40 {
            j.sample(if i % 2 == 0 { 10 * MS } else { 410 * MS });
        }
        assert!(
            j.timeout(configured) > 410 * MS,
            "{:?}",
            j.timeout(configured)
        );
        for _ in 0..20 {
            j.sample(5000 * MS);
        }
        assert_eq!(j.timeout(configured), configured, "ceiling");
    }

    #[test]
    fn one_budget_across_requests() {
        let limits = Limits {
            rows: 100,
            bytes: 1 << 20,
        };
        let mut p = Peer::default();
        assert!(p.charge(60, 1000, &limits).is_ok());
        let e = p.charge(60, 1000, &limits).unwrap_err();
        assert_eq!(e, "more than 100 values, cut off");
        assert_eq!(p.cut(), Some(e.as_str()));
        // Stays cut, and keeps the first reason.
        assert_eq!(p.charge(0, 2 << 20, &limits).unwrap_err(), e);
        let mut b = Peer::default();
        assert!(b
            .charge(1, 2 << 20, &limits)
            .unwrap_err()
            .contains("more than 1 MiB"));
    }

    #[test]
    fn served_contexts() {
        let c = Credential::community("public");
        let mut p = Peer::default();
        assert!(!p.serves(&c, &None));
        p.mark_served(&c, &None);
        p.mark_served(&c, &None);
        assert!(p.serves(&c, &None));
        assert!(!p.serves(&c, &Some("10".into())));
        assert!(!p.serves(&Credential::community("other"), &None));
    }
}
