//! Runs external commands for the inventory, safely.
//!
//! Every command gets `LC_ALL=C` (parsers read English), the caller's `PATH` plus the
//! sbin directories (or a default `PATH` when unset), its own process group, and a time
//! limit (`backend-collect-timeout`): at the limit the whole group is killed, so `df` on a
//! dead NFS mount or `last` on a huge wtmp cannot stall the run. Its stderr goes to the
//! debug log. A missing tool is a debug line, not an error.

use std::io::Read;
use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use super::{Output, Status};

/// How many external processes this process started (printed at debug level).
static SPAWNED: AtomicUsize = AtomicUsize::new(0);

/// The process group of the command running now (0 when none), so the task's SIGALRM
/// handler can kill it before the task dies (see `agent::runner`).
pub static RUNNING_GROUP: AtomicI32 = AtomicI32::new(0);

pub fn spawned_count() -> usize {
    SPAWNED.load(Ordering::Relaxed)
}

/// `PATH` with `/usr/local/sbin`, `/usr/sbin` and `/sbin` added when missing.
pub fn search_path(current: Option<&str>) -> String {
    let mut dirs: Vec<String> = current
        .filter(|p| !p.is_empty())
        .unwrap_or("/usr/local/bin:/usr/bin:/bin")
        .split(':')
        .map(str::to_string)
        .collect();
    for extra in ["/usr/local/sbin", "/usr/sbin", "/sbin"] {
        if !dirs.iter().any(|d| d == extra) {
            dirs.push(extra.to_string());
        }
    }
    dirs.join(":")
}

/// The executable `program` names: itself when it holds a `/`, else the first match in
/// the `:`-separated `path`.
pub fn find_program(program: &str, path: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &std::path::Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        return Some(program.into());
    }
    path.split(':')
        .filter(|d| !d.is_empty())
        .map(|d| std::path::Path::new(d).join(program))
        .find(|p| runnable(p))
}

/// Runs `argv` with the time limit `timeout`.
pub fn run(argv: &[&str], timeout: Duration) -> Output {
    let Some((program, args)) = argv.split_first() else {
        return Output {
            status: Status::Failed("empty command".into()),
            stdout: String::new(),
        };
    };
    let path = search_path(std::env::var("PATH").ok().as_deref());
    // Looked up here rather than by the child's execvp: a missing tool costs no fork.
    let Some(found) = find_program(program, &path) else {
        log::debug!("command not found: {program}");
        return Output {
            status: Status::Missing,
            stdout: String::new(),
        };
    };
    let mut cmd = Command::new(found);
    cmd.args(args)
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .env("PATH", &path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: getrlimit/setrlimit are async-signal-safe system calls. A task child has a
    // soft address-space cap for its own code; the commands it runs get the hard limit.
    unsafe {
        cmd.pre_exec(|| {
            crate::platform::memory::lift();
            // A command dies with the task that runs it (a task killed with -9 cannot kill
            // it any more). The signal follows the spawning thread: the one that waits.
            crate::platform::pdeathsig::request();
            Ok(())
        });
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            log::debug!("command not found: {program}");
            return Output {
                status: Status::Missing,
                stdout: String::new(),
            };
        }
        Err(e) => {
            log::debug!("cannot run {}: {e}", argv.join(" "));
            return Output {
                status: Status::Failed(e.to_string()),
                stdout: String::new(),
            };
        }
    };
    SPAWNED.fetch_add(1, Ordering::Relaxed);
    let pgid = child.id() as i32;
    RUNNING_GROUP.store(pgid, Ordering::SeqCst);
    let started = Instant::now();
    let deadline = started + timeout;

    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut out_pipe = child.stdout.take();
    let mut err_pipe = child.stderr.take();
    let mut timed_out = false;
    while out_pipe.is_some() || err_pipe.is_some() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let mut fds = Vec::new();
        if let Some(p) = &out_pipe {
            fds.push(PollFd::new(p.as_fd(), PollFlags::POLLIN));
        }
        if let Some(p) = &err_pipe {
            fds.push(PollFd::new(p.as_fd(), PollFlags::POLLIN));
        }
        let ms =
            PollTimeout::try_from(left.as_millis().min(60_000) as i32).unwrap_or(PollTimeout::MAX);
        match poll(&mut fds, ms) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => break,
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        drop(fds);
        let mut idx = 0;
        if out_pipe.is_some() {
            if ready[idx] && !read_some(&mut out_pipe, &mut stdout) {
                out_pipe = None;
            }
            idx += 1;
        }
        if err_pipe.is_some() && ready[idx] && !read_some(&mut err_pipe, &mut stderr) {
            err_pipe = None;
        }
    }
    if timed_out {
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
    let status = child.wait();
    // Leftover processes of the group (a daemonised helper) go too.
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    RUNNING_GROUP.store(0, Ordering::SeqCst);

    let command = argv.join(" ");
    for line in String::from_utf8_lossy(&stderr)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
    {
        log::debug!("{program}: {line}");
    }
    let stdout = super::into_text(stdout);
    if timed_out {
        log::warn!(
            "command '{command}' killed after {} s (backend-collect-timeout)",
            timeout.as_secs()
        );
        return Output {
            status: Status::Failed("timed out".into()),
            stdout,
        };
    }
    let status = match status {
        Ok(s) if s.success() => Status::Ok,
        Ok(s) => match (s.code(), s.signal()) {
            (Some(code), _) => Status::Exit(code),
            (None, Some(sig)) => Status::Failed(format!("killed by signal {sig}")),
            _ => Status::Failed("unknown status".into()),
        },
        Err(e) => Status::Failed(e.to_string()),
    };
    log::debug!(
        "ran '{command}' in {} ms: {status:?}",
        started.elapsed().as_millis()
    );
    Output { status, stdout }
}

/// Reads what is available; false at end of file or on error.
fn read_some(pipe: &mut Option<impl Read>, buf: &mut Vec<u8>) -> bool {
    let Some(p) = pipe.as_mut() else { return false };
    let mut chunk = [0u8; 65536];
    match p.read(&mut chunk) {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tool_costs_no_process() {
        assert_eq!(
            find_program("sh", "/nonexistent::/bin"),
            Some(std::path::PathBuf::from("/bin/sh"))
        );
        assert_eq!(find_program("no-such-tool-ocsa", "/bin:/usr/bin"), None);
        // Not executable: skipped, as execvp does.
        assert_eq!(find_program("passwd", "/etc"), None);
        let out = run(&["no-such-tool-ocsa", "-x"], Duration::from_secs(5));
        assert_eq!(out.status, Status::Missing);
    }

    #[test]
    fn runs_and_reports() {
        let out = run(
            &["sh", "-c", "echo out; echo err >&2; exit 3"],
            Duration::from_secs(5),
        );
        assert_eq!(out.status, Status::Exit(3));
        assert_eq!(out.stdout, "out\n");
        assert_eq!(
            run(&["no-such-tool-xyz"], Duration::from_secs(1)).status,
            Status::Missing
        );
    }

    #[test]
    fn locale_is_c() {
        let out = run(&["sh", "-c", "echo $LC_ALL"], Duration::from_secs(5));
        assert_eq!(out.stdout.trim(), "C");
    }

    #[test]
    fn hung_command_group_is_killed() {
        let t = Instant::now();
        // The grandchild keeps the pipe open: killing only the shell would hang.
        let out = run(
            &["sh", "-c", "sleep 30 & sleep 30; echo never"],
            Duration::from_millis(300),
        );
        assert!(matches!(out.status, Status::Failed(_)));
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn sbin_is_added() {
        assert_eq!(
            search_path(Some("/bin")),
            "/bin:/usr/local/sbin:/usr/sbin:/sbin"
        );
        assert!(search_path(None).starts_with("/usr/local/bin"));
    }
}
