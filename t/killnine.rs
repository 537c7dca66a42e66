//! `kill -9` anywhere (issue #13): the agent, its task child, or the daemon, killed at
//! random moments; after each kill nothing of the killed run survives, the next run starts
//! cleanly, the state directory still parses, and the real OCS server holds the machine
//! once with every inventory a run reported sent.
//!
//! The real-server part needs its own server instance (`make integration` starts it:
//! t/ocs-server/start.sh with OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-hard, HTTP
//! port 18580) and runs only with `OCS_INTEGRATION=1`. `KILLNINE_RUNS` (default 200)
//! sets the number of killed runs, `KILLNINE_SEED` replays a sequence of kills.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::agent::{deviceid, log_of};
use support::daemon::{wait_for, Daemon};
use support::ocs_server::{enabled, HARD};

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

/// A small pseudo-random sequence (xorshift), replayable from its seed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn kill9(pid: i32) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

fn alive(pid: i32) -> bool {
    // A zombie is dead for our purpose: it runs nothing.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| !r.trim_start().starts_with('Z'))
    })
}

/// The pids of `pid`'s descendants (Linux /proc).
fn descendants(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let mut queue = vec![pid];
    while let Some(p) = queue.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for t in tasks.flatten() {
            let children = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
            for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                out.push(c);
                queue.push(c);
            }
        }
    }
    out
}

/// Every `key=value` state file under `vardir` reads back whole, with numbers where
/// numbers belong.
fn check_state_parses(vardir: &Path) {
    let mut files = Vec::new();
    let mut dirs = vec![vardir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if !["agent.state", "schedule", "last_state", "accountinfo"].contains(&name.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let kv: BTreeMap<&str, &str> = text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.split_once('=')
                    .unwrap_or_else(|| panic!("{}: line without '=': {l:?}", f.display()))
            })
            .collect();
        if name == "schedule" {
            for k in ["next", "period", "retry", "failures", "last_contact"] {
                if let Some(v) = kv.get(k) {
                    v.parse::<u64>()
                        .unwrap_or_else(|_| panic!("{}: {k}={v}", f.display()));
                }
            }
        }
        if name == "agent.state" {
            assert!(kv.contains_key("deviceid"), "{}: {text:?}", f.display());
        }
    }
}

fn sleepers() -> Vec<i32> {
    Command::new("pgrep")
        .args(["-x", "sleep"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| l.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn daemon(dir: &Path, port: u16, extra: &[&str], env: &[(&str, &str)]) -> Daemon {
    let mut cmd = Command::new(BIN);
    cmd.args(["--daemon", "--no-fork", "--httpd-ip", "127.0.0.1"])
        .args(["--httpd-port", &port.to_string()])
        .arg("--vardir")
        .arg(dir.join("var"))
        .arg("--logfile")
        .arg(dir.join("agent.log"))
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Daemon(cmd.spawn().unwrap())
}

#[test]
fn a_killed_daemon_takes_its_task_and_commands_along() {
    // Issue #13, defect 7: `kill -9` of the daemon left its task child running.
    let dir = support::tmpdir("ocsa-kill", "daemon");
    let before = sleepers();
    let env = [("OCSINVENTORY_AGENT_TEST_TASKS", "1")];
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let local = ["--local", out.to_str().unwrap(), "--tasks", "TestSleep"];
    let mut d = daemon(&dir, 62550, &local, &env);
    let pid = d.pid();
    wait_for("the task's command", Duration::from_secs(30), || {
        sleepers().iter().any(|p| !before.contains(p))
    });
    let family = descendants(pid);
    assert!(family.len() >= 2, "task child and its command: {family:?}");
    d.kill9();
    wait_for(
        "the task and its command to die",
        Duration::from_secs(3),
        || family.iter().all(|p| !alive(*p)),
    );
    // The next daemon starts cleanly in the same state directory.
    let mut again = daemon(&dir, 62550, &local, &env);
    wait_for("the new daemon", Duration::from_secs(20), || {
        log_of(&dir).matches("listening on").count() == 2
    });
    check_state_parses(&dir.join("var"));
    again.kill9();
    wait_for(
        "the second daemon's children",
        Duration::from_secs(3),
        || sleepers().iter().all(|p| before.contains(p)),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One run against the server; killed (what, after how long) unless `kill` is `None`.
/// Returns whether it reported its inventory sent.
fn one_run(vardir: &Path, kill: Option<(u64, Duration)>) -> bool {
    let mut child = Command::new(BIN)
        .arg("--vardir")
        .arg(vardir)
        // Without the software list: a smaller inventory the server takes faster (the
        // kills are the point here, not the content).
        .args(["-s", &HARD.url(), "--force", "--no-category", "software"])
        .env_remove("http_proxy")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let mut family = Vec::new();
    if let Some((what, after)) = kill {
        let until = Instant::now() + after;
        while Instant::now() < until && child.try_wait().unwrap().is_none() {
            family = descendants(pid);
            std::thread::sleep(Duration::from_millis(2));
        }
        family = descendants(pid).into_iter().chain(family).collect();
        match what {
            0 => kill9(pid),
            1 => family.iter().for_each(|p| kill9(*p)),
            _ => {
                kill9(pid);
                family.iter().for_each(|p| kill9(*p));
            }
        }
    }
    let out = child.wait_with_output().unwrap();
    // Nothing of a killed run may go on working.
    wait_for(
        "the killed run's processes to end",
        Duration::from_secs(3),
        || family.iter().all(|p| !alive(*p)),
    );
    let text = String::from_utf8_lossy(&out.stderr);
    if kill.is_none() {
        assert!(out.status.success(), "an unkilled run failed:\n{text}");
    }
    out.status.success() && text.contains("inventory sent to")
}

#[test]
fn killed_at_random_moments_against_the_real_server() {
    if !enabled() {
        return;
    }
    let runs: usize = std::env::var("KILLNINE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed = std::env::var("KILLNINE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64 | 1)
                .unwrap_or(88172645463325252)
        });
    println!("KILLNINE_SEED={seed} KILLNINE_RUNS={runs}");
    let mut random = Random(seed);
    let v = support::tmpdir("ocsa-kill", "server");
    // A first run, unkilled: the machine exists on the server, and how long a run takes.
    let start = Instant::now();
    let mut reported = usize::from(one_run(&v, None));
    let full = start.elapsed();
    let id = deviceid(&v);
    let landed_before = HARD.activity(&id, "inventory;transmitted") - reported;
    let started = Instant::now();
    let mut killed = 0;
    for i in 0..runs {
        // Every tenth run is left alone: the one after a kill must start cleanly.
        let kill = (i % 10 != 9).then(|| {
            let at = random.below(full.as_millis() as u64 * 12 / 10);
            (random.below(3), Duration::from_millis(at))
        });
        killed += usize::from(kill.is_some());
        if one_run(&v, kill) {
            reported += 1;
        }
        check_state_parses(&v);
    }
    // The last run, unkilled, sends what is left.
    assert!(
        one_run(&v, None),
        "the final run did not send its inventory"
    );
    reported += 1;
    let took = started.elapsed();
    let landed = HARD.activity(&id, "inventory;transmitted") - landed_before;
    let rows = HARD.db(&format!(
        "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
    ));
    println!(
        "{runs} runs ({killed} killed) in {took:?}: {reported} reported sent, {landed} transmitted \
         by the server, {rows} hardware row(s)"
    );
    assert_eq!(rows, "1", "the machine is in the database once");
    assert!(
        landed >= reported,
        "{reported} reported sent, {landed} landed"
    );
    assert!(landed <= runs + 2, "more inventories than runs: {landed}");
    let _ = std::fs::remove_dir_all(&v);
}

#[test]
fn killed_daemons_against_the_real_server() {
    if !enabled() {
        return;
    }
    let dir = support::tmpdir("ocsa-kill", "daemon-server");
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for round in 0..10 {
        let mut d = daemon(&dir, 62551, &["-s", &HARD.url(), "--force"], &[]);
        let pid = d.pid();
        let until = Instant::now() + Duration::from_millis(300 + random.below(3000));
        let mut family = Vec::new();
        while Instant::now() < until {
            family.extend(descendants(pid));
            std::thread::sleep(Duration::from_millis(5));
        }
        family.extend(descendants(pid));
        family.sort_unstable();
        family.dedup();
        d.kill9();
        wait_for(
            "the killed daemon's children",
            Duration::from_secs(3),
            || family.iter().all(|p| !alive(*p)),
        );
        check_state_parses(&dir.join("var"));
        println!(
            "round {round}: {} child process(es) went with the daemon",
            family.len()
        );
    }
    // The server goes on storing the inventories the killed daemons sent, each holding
    // its `locks` row for the machine meanwhile (a newcomer is answered 403 then).
    // No lock for a whole second: a request read but not yet locking is over too.
    let mut free_since: Option<Instant> = None;
    let busy = Instant::now();
    wait_for(
        "the server to finish the killed daemons' inventories",
        Duration::from_secs(120),
        || {
            if HARD.db("SELECT COUNT(*) FROM locks") != "0" {
                free_since = None;
            }
            free_since.get_or_insert_with(Instant::now).elapsed() >= Duration::from_secs(1)
        },
    );
    println!(
        "the server stored what was in flight in {:?}",
        busy.elapsed()
    );
    // After all this, a daemon contacts the server normally (within one retry, 60 s
    // after a 403, should the server still have been busy).
    let before = log_of(&dir).len();
    let mut d = daemon(&dir, 62551, &["-s", &HARD.url(), "--force"], &[]);
    wait_for("a contact", Duration::from_secs(150), || {
        log_of(&dir)[before..].contains("inventory sent to")
    });
    d.kill9();
    let id = deviceid(&dir.join("var"));
    assert_eq!(
        HARD.db(&format!(
            "SELECT COUNT(*) FROM hardware WHERE DEVICEID='{id}'"
        )),
        "1"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
