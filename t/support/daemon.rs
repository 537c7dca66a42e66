//! Daemons under test: the agent started by a test as its child, and the waiting that
//! goes with it.

use std::process::Child;
use std::time::{Duration, Instant};

/// Polls `check` until it holds; fails the test after `timeout`.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A daemon under test, killed when dropped: a failed assertion does not leave it
/// holding its port for the next test.
pub struct Daemon(pub Child);

impl Daemon {
    pub fn pid(&self) -> i32 {
        self.0.id() as i32
    }

    /// `kill -9`, and the exit collected (nothing is sent once it is).
    pub fn kill9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill9();
    }
}
