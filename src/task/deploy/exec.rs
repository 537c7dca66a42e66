//! Runs a deployed command: the one place where a server makes this machine run
//! something, as root.
//!
//! Why it is contained: the command runs only after the package's digest matched and
//! its archive unpacked cleanly; it runs in the package's work folder, with stdin from
//! `/dev/null`, in its own process group, under a time limit (`deploy-command-timeout`)
//! at which the whole group is killed (a daemon it left behind included), and the
//! task's own alarm kills that group too (`source::command::RUNNING_GROUP`). Its
//! output (stdout and stderr together) is read as it comes and only the first
//! [`MAX_OUTPUT`] bytes are kept for the log, so a chatty command cannot fill memory.

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use super::settings::MAX_OUTPUT;
use crate::source::command::{search_path, RUNNING_GROUP};

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    Exit(i32),
    Signal(i32),
    TimedOut,
    /// It could not be started.
    NotRun(String),
}

#[derive(Clone, Debug)]
pub struct Run {
    pub ended: Ended,
    /// The first bytes of the output.
    pub output: String,
    /// Bytes of output in all.
    pub output_len: u64,
}

/// Runs `program args…` in `dir`, with `envs` added, under time limit `timeout`.
pub fn run(
    program: &str,
    args: &[&str],
    dir: &Path,
    envs: &[(String, String)],
    timeout: Duration,
) -> Run {
    let not_run = |why: String| Run {
        ended: Ended::NotRun(why),
        output: String::new(),
        output_len: 0,
    };
    let (read_end, write_end): (OwnedFd, OwnedFd) = match nix::unistd::pipe() {
        Ok(p) => p,
        Err(e) => return not_run(format!("cannot make a pipe: {e}")),
    };
    let write_err = match write_end.try_clone() {
        Ok(f) => f,
        Err(e) => return not_run(format!("cannot make a pipe: {e}")),
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("PATH", search_path(std::env::var("PATH").ok().as_deref()))
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::from(write_err))
        .process_group(0);
    // SAFETY: getrlimit/setrlimit are async-signal-safe. The task child caps its own
    // address space; an installer gets the hard limit back.
    unsafe {
        cmd.pre_exec(|| {
            crate::platform::memory::lift();
            Ok(())
        });
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return not_run(format!("cannot run {program}: {e}")),
    };
    // The write ends now live in the child only: EOF comes when it (and its group) exit.
    drop(cmd);
    let pgid = child.id() as i32;
    RUNNING_GROUP.store(pgid, Ordering::SeqCst);
    let deadline = Instant::now() + timeout;
    let mut pipe = std::fs::File::from(read_end);
    let mut kept: Vec<u8> = Vec::new();
    let mut total = 0u64;
    let mut timed_out = false;
    let mut buf = [0u8; 16384];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let ms =
            PollTimeout::try_from(left.as_millis().min(1000) as i32).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, ms) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => break,
        }
        match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                total += n as u64;
                let room = MAX_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    // The output is closed (or time is up): wait for the exit within the deadline.
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if !timed_out && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Ok(None) => {
                timed_out = true;
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
                break child.wait().ok();
            }
            Err(_) => break None,
        }
    };
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    RUNNING_GROUP.store(0, Ordering::SeqCst);
    let ended = if timed_out {
        Ended::TimedOut
    } else {
        match status {
            Some(s) => match (s.code(), s.signal()) {
                (Some(c), _) => Ended::Exit(c),
                (None, Some(sig)) => Ended::Signal(sig),
                _ => Ended::NotRun("unknown status".into()),
            },
            None => Ended::NotRun("lost the process".into()),
        }
    };
    Run {
        ended,
        output: String::from_utf8_lossy(&kept).into_owned(),
        output_len: total,
    }
}

/// Logs a command's output: one line at INFO saying how much there was, the lines
/// themselves at DEBUG only, after `label`, with what looks like a secret masked
/// ([`redact`]), marking where it was cut. Installers print what they configure
/// (`db_password=…`); a log file is read by more people than root.
pub fn log_output(label: &str, run: &Run) {
    let lines = run.output.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > 0 {
        log::info!("{label}: {lines} line(s) of output (shown at debug level)");
    }
    for line in run.output.lines().filter(|l| !l.trim().is_empty()) {
        log::debug!("{label}: | {}", redact(line));
    }
    if run.output_len > run.output.len() as u64 {
        log::debug!(
            "{label}: | … {} more bytes of output not logged",
            run.output_len - run.output.len() as u64
        );
    }
}

/// Words after which a value is taken for a secret (`password=…`, `DB_PASSWD: …`,
/// `api_key = …`, `secret-token=…`).
const SECRET_WORDS: &[&str] = &[
    "pass", "pwd", "secret", "token", "apikey", "api_key", "api-key",
];

/// `line` with the value of every `<secret word>…=value` or `…: value` replaced by `***`.
pub fn redact(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let Some(word) = SECRET_WORDS
            .iter()
            .find(|w| b[i..].starts_with(w.as_bytes()))
        else {
            i += 1;
            continue;
        };
        // The rest of the key (`password`, `passwd_db`…), blanks, `=` or `:`, blanks, a quote.
        let mut k = i + word.len();
        while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_' || b[k] == b'-') {
            k += 1;
        }
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        if k >= b.len() || !(b[k] == b'=' || b[k] == b':') {
            i = k.max(i + 1);
            continue;
        }
        k += 1;
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        // A quoted value ends at its closing quote, another one at a blank or separator.
        let quote = b.get(k).copied().filter(|c| *c == b'"' || *c == b'\'');
        if quote.is_some() {
            k += 1;
        }
        let end = k + b[k..]
            .iter()
            .position(|c| match quote {
                Some(q) => *c == q,
                None => c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'&' | b';' | b','),
            })
            .unwrap_or(b.len() - k);
        if end > k {
            out.push_str(&line[copied..k]);
            out.push_str("***");
            copied = end;
        }
        i = end.max(k);
    }
    out.push_str(&line[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_output_and_folder() {
        let d = std::env::temp_dir();
        let r = run(
            "sh",
            &["-c", "pwd; echo err >&2; echo \"$DEPLOY_X\"; exit 3"],
            &d,
            &[("DEPLOY_X".to_string(), "from-envs".to_string())],
            Duration::from_secs(5),
        );
        assert_eq!(r.ended, Ended::Exit(3));
        assert!(r.output.contains("err"));
        assert!(r.output.contains("from-envs"));
        assert!(
            r.output
                .contains(&d.canonicalize().unwrap().display().to_string())
                || r.output.contains(&d.display().to_string())
        );
        assert!(matches!(
            run("/no/such/program", &[], &d, &[], Duration::from_secs(1)).ended,
            Ended::NotRun(_)
        ));
    }

    #[test]
    fn secrets_in_output_are_masked() {
        for (line, want) in [
            ("db_password=hunter2 ok", "db_password=*** ok"),
            ("DB_PASSWD: 'x y' z", "DB_PASSWD: '***' z"),
            ("set api_key = abc&next=1", "set api_key = ***&next=1"),
            ("token=a,secret=b", "token=***,secret=***"),
            ("password is required", "password is required"),
            ("no secrets here", "no secrets here"),
            ("pwd=é€x tail", "pwd=*** tail"),
            ("password=", "password="),
        ] {
            assert_eq!(redact(line), want, "{line}");
        }
    }

    #[test]
    fn a_hanging_command_and_its_children_are_killed() {
        let t = Instant::now();
        let r = run(
            "sh",
            &["-c", "sleep 60 & echo started; sleep 60"],
            &std::env::temp_dir(),
            &[],
            Duration::from_millis(500),
        );
        assert_eq!(r.ended, Ended::TimedOut);
        assert!(r.output.contains("started"));
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_is_capped() {
        let r = run(
            "sh",
            &["-c", "head -c 1000000 /dev/zero | tr '\\0' x"],
            &std::env::temp_dir(),
            &[],
            Duration::from_secs(10),
        );
        assert_eq!(r.ended, Ended::Exit(0));
        assert_eq!(r.output.len(), MAX_OUTPUT);
        assert_eq!(r.output_len, 1_000_000);
    }
}
