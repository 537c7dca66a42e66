//! The task runner: every task runs in its own child process and reports back.
//!
//! The parent forks; the child puts itself in its own process group, lowers its limits
//! (address space, CPU time, no core file) and arms `alarm(task-timeout)`. The report comes
//! back through fd 3 as `key=value` lines. When the child exits, all the memory the task
//! used goes back to the system: the parent stays small however big the inventory was.
//!
//! Fork alone, or fork + exec ([`Start`]), and why each is safe:
//! - a single-threaded parent (every run outside the daemon) may just fork: the child is a
//!   complete copy of a process in which no other thread could hold a lock, so it runs
//!   the task directly, with the configuration it already has;
//! - the daemon always re-executes the agent binary in task mode (`--run-task NAME
//!   --run-target T`, the configuration on its stdin): the child then holds none of the
//!   parent's sockets, and the parent may be the lean daemon binary that has no task code.
//!   A threaded caller of [`run_task`] gets the same, since after `fork()` in a threaded
//!   process only async-signal-safe calls are allowed until `exec`. Everything the child
//!   needs (argv as C strings, limits, descriptors) is prepared *before* `fork()`; between
//!   `fork()` and `execv()` it only makes plain system calls (setpgid, sigprocmask,
//!   setrlimit, dup2, fcntl, alarm, execv, _exit), all async-signal-safe, allocating
//!   nothing. Limits and the pending alarm survive `execv`.
//!
//! A child never outlives the parent that started it: it asks the kernel for SIGKILL
//! when its parent dies (Linux `PR_SET_PDEATHSIG`, checked against a parent that died
//! before the request), so a `kill -9` of the daemon cannot leave a task running beside
//! the next daemon's; and a child working for a server holds that server's lock
//! (`target_lock`) against any other process.
//!
//! In the child, SIGALRM first kills the process group of the external command running at
//! that moment (commands have their own groups, see `source::command`), then lets the task
//! die of SIGALRM, which the parent reports as `killed after N s`. The parent also keeps a
//! deadline of its own (the limit plus a grace period) and kills the child's group there.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{self, killpg, SigHandler, SigSet, SigmaskHow, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{alarm, dup2, execv, fork, setpgid, ForkResult, Pid};

use super::config::Config;
use super::pipe::PipeReader;
use super::plan::Catalog;
use super::target::Target;
use crate::platform::fd::pipe2;
use crate::platform::rlimit::{self, Limit};

/// The file descriptor a task child writes its report to.
pub const REPORT_FD: i32 = 3;

/// Extra time the parent waits after the task's own alarm before killing it.
const GRACE: Duration = Duration::from_secs(5);

/// The pid of the task child running now (0 when none), for the daemon's signal handlers.
pub static CURRENT_CHILD: AtomicI32 = AtomicI32::new(0);

/// Set in a task child: the allocator then reports an exhausted memory cap.
pub static IN_TASK_CHILD: AtomicBool = AtomicBool::new(false);

/// The descriptor a task child reports on (fd 3 when re-executed).
static REPORT_TO: AtomicI32 = AtomicI32::new(REPORT_FD);

/// What a task child reports: `status` (`ok`/`error`), `message`, and task-specific
/// fields (counts, next contact time…).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub fields: BTreeMap<String, String>,
}

impl Report {
    pub fn ok() -> Report {
        let mut r = Report::default();
        r.set("status", "ok");
        r
    }

    pub fn set(&mut self, key: &str, value: impl ToString) -> &mut Report {
        self.fields.insert(
            key.to_string(),
            value.to_string().replace(['\n', '\r'], " "),
        );
        self
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }

    pub fn encode(&self) -> String {
        self.fields
            .iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect()
    }

    pub fn decode(text: &str) -> Report {
        let mut r = Report::default();
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                r.fields.insert(k.to_string(), v.to_string());
            }
        }
        r
    }
}

/// The sandbox of a task child.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Wall-clock limit (`task-timeout`); also the CPU-time limit.
    pub timeout: Duration,
    /// Address space cap in MiB (`task-memory-limit`), 0 for none.
    pub memory_mb: u64,
}

impl Limits {
    pub fn from_config(config: &Config) -> Limits {
        Limits {
            timeout: Duration::from_secs(config.number("task-timeout", 600).max(1)),
            memory_mb: config.number("task-memory-limit", 1024),
        }
    }
}

/// A task's body: runs task `name` for a target in the current (child) process.
pub type TaskBody = fn(&str, &Target, &Config) -> Result<Report, String>;

/// What the binary gives the runner: the task table (for log tags) and the body. The
/// runner never imports the tasks.
#[derive(Clone, Copy, Debug)]
pub struct Tasks {
    pub catalog: &'static Catalog,
    pub body: TaskBody,
}

/// How a task child becomes the task.
#[derive(Clone, Copy, Debug)]
pub enum Start<'a> {
    /// Fork alone: the copy runs the body with the configuration it already has. Only
    /// for single-threaded parents. (The body is a parameter so that a binary that only
    /// ever executes tasks — the lean daemon — does not link the tasks' code.)
    Fork(Tasks),
    /// Fork, then execute the agent binary at this path in task mode.
    Exec(&'a Path),
}

/// A task child at work: its report pipe, its deadline, what it wrote so far.
pub struct Child {
    pid: Pid,
    /// A report is a few lines: over 1 MiB is garbage.
    report: PipeReader,
    deadline: Instant,
    limits: Limits,
}

/// Runs `task` for `target` in a sandboxed child and returns its report, or why it failed
/// (`killed after 600 s`, `exceeded its memory cap of 64 MB`, `exited with status 1: …`).
/// Blocks until the child is done; a threaded caller gets a re-executed child.
pub fn run_task(
    task: &str,
    target: &Target,
    config: &Config,
    limits: Limits,
    tasks: Tasks,
) -> Result<Report, String> {
    let mut child = if thread_count() == Some(1) {
        Child::spawn(Start::Fork(tasks), task, target, config, limits)?
    } else {
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot find the agent binary: {e}"))?;
        Child::spawn(Start::Exec(&exe), task, target, config, limits)?
    };
    let deadline = child.deadline;
    child.wait_until(deadline);
    child.finish()
}

impl Child {
    /// Starts `task` for `target` in a sandboxed child.
    pub fn spawn(
        start: Start,
        task: &str,
        target: &Target,
        config: &Config,
        limits: Limits,
    ) -> Result<Child, String> {
        // Everything the child needs is prepared here, before fork (see the module comment).
        let cstr = |s: &[u8]| CString::new(s).map_err(|_| "NUL byte in an argument".to_string());
        let argv = match start {
            Start::Fork(_) => Vec::new(),
            Start::Exec(exe) => vec![
                cstr(exe.as_os_str().as_encoded_bytes())?,
                cstr(b"--run-task")?,
                cstr(task.as_bytes())?,
                cstr(b"--run-target")?,
                // Without credentials: any local user can read a command line.
                cstr(target.public().encode().as_bytes())?,
            ],
        };
        let (cfg_r, cfg_w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
        let (rep_r, rep_w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
        let memory = limits.memory_mb.saturating_mul(1024 * 1024);
        let cpu = limits.timeout.as_secs();
        let seconds = limits.timeout.as_secs().min(u32::MAX as u64) as u32;
        let empty_mask = SigSet::empty();
        let config_text = match start {
            Start::Exec(_) => config.encode(),
            Start::Fork(_) => String::new(),
        };
        let parent = nix::unistd::getpid();

        // SAFETY: until execv or _exit the child branch below only makes async-signal-safe
        // system calls; `Start::Fork` is only used by single-threaded parents.
        let pid = match unsafe { fork() } {
            Err(e) => return Err(format!("fork failed: {e}")),
            Ok(ForkResult::Child) => {
                // Survives execv; where the kernel has no such request, the task
                // watches for itself (`serve`).
                crate::platform::pdeathsig::request();
                if nix::unistd::getppid() != parent {
                    // The parent died before the request above: nobody wants this task.
                    // SAFETY: _exit is async-signal-safe.
                    unsafe { nix::libc::_exit(127) }
                }
                let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
                let _ = signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&empty_mask), None);
                if memory > 0 {
                    // Soft limit only: external commands get the hard limit back (they
                    // have their own time limit, and some reserve much address space).
                    crate::platform::memory::cap(memory);
                }
                let _ = rlimit::set(Limit::Cpu, cpu, cpu + 5);
                let _ = rlimit::set(Limit::Core, 0, 0);
                match start {
                    Start::Exec(_) => {
                        let ok = dup2(rep_w.as_raw_fd(), REPORT_FD).is_ok()
                            && dup2(cfg_r.as_raw_fd(), 0).is_ok();
                        if rep_w.as_raw_fd() == REPORT_FD {
                            let _ = fcntl(REPORT_FD, FcntlArg::F_SETFD(FdFlag::empty()));
                        }
                        if ok {
                            alarm::set(seconds);
                            let _ = execv(&argv[0], &argv);
                        }
                    }
                    Start::Fork(tasks) => {
                        // A forked copy keeps its own descriptors (the parent's log file may
                        // well be fd 3): the report goes to this pipe end, whatever its
                        // number. The parent's handlers (stop, reload…) are not the
                        // task's: defaults again.
                        for sig in [
                            Signal::SIGTERM,
                            Signal::SIGINT,
                            Signal::SIGHUP,
                            Signal::SIGUSR1,
                            Signal::SIGCHLD,
                        ] {
                            // SAFETY: restoring a default action; this process has one thread.
                            let _ = unsafe { signal::signal(sig, SigHandler::SigDfl) };
                        }
                        alarm::set(seconds);
                        drop((cfg_r, cfg_w, rep_r));
                        let code = serve(tasks, task, target, config, rep_w);
                        let _ = std::io::Write::flush(&mut std::io::stdout());
                        // SAFETY: _exit ends the copy without running the parent's exit
                        // handlers.
                        unsafe { nix::libc::_exit(code) }
                    }
                }
                // SAFETY: _exit is async-signal-safe and skips the parent's atexit handlers.
                unsafe { nix::libc::_exit(127) }
            }
            Ok(ForkResult::Parent { child }) => child,
        };
        CURRENT_CHILD.store(pid.as_raw(), Ordering::SeqCst);
        drop(cfg_r);
        drop(rep_w);
        let mut cfg_w = std::fs::File::from(cfg_w);
        let _ = cfg_w.write_all(config_text.as_bytes());
        drop(cfg_w);
        Ok(Child {
            pid,
            report: PipeReader::new(rep_r, 1 << 20),
            deadline: Instant::now() + limits.timeout + GRACE,
            limits,
        })
    }

    /// The report pipe, to wait on with `poll(2)`.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.report.fd()
    }

    /// When the parent gives up on the child (its time limit plus a grace period).
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Reads what the child wrote so far; true once the report is complete (the child
    /// closed its end: it exited, or is about to).
    pub fn read_ready(&mut self) -> bool {
        self.report.read_ready()
    }

    /// Blocks until the report is complete or `deadline` passes; true when complete.
    pub fn wait_until(&mut self, deadline: Instant) -> bool {
        while !self.read_ready() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let ms = left.as_millis().saturating_add(1).min(60_000) as i32;
            let mut fds = [PollFd::new(self.fd(), PollFlags::POLLIN)];
            match poll(
                &mut fds,
                PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
            ) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// Collects the child's exit (killing it first when it is past its deadline or did not
    /// exit soon after closing its report) and says how the task went.
    pub fn finish(self) -> Result<Report, String> {
        let pid = self.pid;
        let mut deadline_hit = !self.report.ended();
        if deadline_hit {
            let _ = killpg(pid, Signal::SIGKILL);
        }
        // The report is complete: the child exits at once; a short wait bounds a child that
        // closed its report and then hung.
        let give_up = Instant::now() + GRACE;
        let status = loop {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) if Instant::now() < give_up => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(WaitStatus::StillAlive) => {
                    deadline_hit = true;
                    let _ = killpg(pid, Signal::SIGKILL);
                    break waitpid(pid, None);
                }
                Err(nix::errno::Errno::EINTR) => {}
                other => break other,
            }
        };
        // A task's leftovers (a command it started in its group) never outlive it.
        let _ = killpg(pid, Signal::SIGKILL);
        CURRENT_CHILD.store(0, Ordering::SeqCst);
        let report = Report::decode(&self.report.text());
        let secs = self.limits.timeout.as_secs();
        let message = report
            .get("message")
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        match status {
            Ok(WaitStatus::Exited(_, 0)) if report.get("status") == Some("ok") => Ok(report),
            Ok(WaitStatus::Exited(_, 0)) => Err(format!("ended without a report{message}")),
            Ok(WaitStatus::Exited(_, code)) => Err(format!("exited with status {code}{message}")),
            Ok(WaitStatus::Signaled(_, sig, _)) => Err(match sig {
                _ if report.get("memory") == Some("exhausted") => {
                    format!("exceeded its memory cap of {} MB", self.limits.memory_mb)
                }
                Signal::SIGALRM => format!("killed after {secs} s"),
                Signal::SIGKILL if deadline_hit => format!("killed after {secs} s"),
                Signal::SIGXCPU => format!("exceeded its CPU time limit of {secs} s"),
                other => format!("killed by signal {} ({other})", other as i32),
            }),
            Ok(other) => Err(format!("ended in an unexpected state: {other:?}")),
            Err(e) => Err(format!("lost the task child: {e}")),
        }
    }
}

/// In the child: SIGALRM kills the running command's group, then the task itself.
extern "C" fn on_alarm(_: nix::libc::c_int) {
    let group = crate::source::command::RUNNING_GROUP.load(Ordering::SeqCst);
    if group > 0 {
        let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
    }
    // SAFETY: restoring the default action and re-raising is async-signal-safe.
    unsafe {
        let _ = signal::signal(Signal::SIGALRM, SigHandler::SigDfl);
    }
    let _ = signal::raise(Signal::SIGALRM);
}

/// The number of threads of this process (Linux `/proc`), `None` when unknown.
fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// A task child re-executed in task mode (`--run-task`): reads the configuration from
/// stdin, sets up logging, then runs the task. Returns the process exit code.
pub fn child_main(task: &str, target: &str, tasks: Tasks) -> i32 {
    let mut text = String::new();
    let _ = std::io::stdin().read_to_string(&mut text);
    let config = Config::decode(&text).map_err(|e| e.to_string());
    let target = Target::decode(target);
    let target = match (&config, target) {
        (Ok(c), Ok(t)) => Ok(t.with_credentials(c)),
        (_, t) => t,
    };
    match (config, target) {
        (Ok(config), Ok(target)) => {
            let tag = tasks.catalog.tag(task);
            if let Err(e) = super::logger::init(&config, tag) {
                eprintln!("[{tag}][ERROR] {e}");
            }
            // SAFETY: fd 3 was set up by the parent for this process alone.
            serve(tasks, task, &target, &config, unsafe {
                OwnedFd::from_raw_fd(REPORT_FD)
            })
        }
        (Err(e), _) | (_, Err(e)) => {
            // SAFETY: fd 3 was set up by the parent for this process alone.
            let mut out = unsafe { std::fs::File::from_raw_fd(REPORT_FD) };
            let _ = out.write_all(format!("status=error\nmessage={e}\n").as_bytes());
            1
        }
    }
}

/// The task child's work, forked or re-executed: runs the task and writes its report
/// to fd 3. Returns the exit code.
fn serve(tasks: Tasks, task: &str, target: &Target, config: &Config, report: OwnedFd) -> i32 {
    REPORT_TO.store(report.as_raw_fd(), Ordering::SeqCst);
    IN_TASK_CHILD.store(true, Ordering::SeqCst);
    super::logger::set_tag(tasks.catalog.tag(task));
    // Commands the task runs must not inherit the report pipe (a hung one would keep it open).
    let _ = fcntl(report.as_raw_fd(), FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC));
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe {
        let _ = signal::signal(Signal::SIGALRM, SigHandler::Handler(on_alarm));
    }
    crate::platform::pdeathsig::watch_parent(std::os::fd::AsFd::as_fd(&report));
    let mut report_out = std::fs::File::from(report);
    let lock = super::target_lock::acquire(target, config);
    let (report, code) = match lock.and_then(|_held| (tasks.body)(task, target, config)) {
        Ok(r) => (r, 0),
        Err(e) => {
            let mut r = Report::default();
            r.set("status", "error").set("message", &e);
            (r, 1)
        }
    };
    let _ = report_out.write_all(report.encode().as_bytes());
    code
}

/// Called by the allocator when an allocation fails in a task child: says so on the report pipe
/// with one `write(2)` (no allocation), before the runtime aborts.
pub fn note_memory_exhausted() {
    if IN_TASK_CHILD.load(Ordering::Relaxed) {
        let msg = b"\nmemory=exhausted\n";
        // SAFETY: plain write(2) of a static buffer to a descriptor we own.
        unsafe {
            nix::libc::write(
                REPORT_TO.load(Ordering::Relaxed),
                msg.as_ptr().cast(),
                msg.len(),
            );
        }
    }
}

/// Waits for any ended child without blocking (reaps zombies in the daemon).
pub fn reap() {
    while let Ok(WaitStatus::Exited(..) | WaitStatus::Signaled(..)) =
        waitpid(None, Some(WaitPidFlag::WNOHANG))
    {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_round_trip() {
        let mut r = Report::ok();
        r.set("message", "two\nlines").set("count", 3);
        let d = Report::decode(&r.encode());
        assert_eq!(d.get("message"), Some("two lines"));
        assert_eq!(d.get("count"), Some("3"));
        assert_eq!(d.get("status"), Some("ok"));
    }
}
