//! One SSH connection to one host, through the system's OpenSSH client.
//!
//! A master process (`ssh -M -N`) holds the one TCP connection, its control socket under
//! the state directory; the remote shell that answers requests ([`super::protocol`]) is a
//! session multiplexed over it. Why this is safe:
//! - `BatchMode=yes`: ssh never prompts, so a password can never be asked for or typed,
//!   and never appears on a command line (keys and agents only, as the site's
//!   `ssh_config` says); host keys are checked as that configuration says (the agent
//!   never switches `StrictHostKeyChecking` off);
//! - both processes run in their own process group and die with the thread that started
//!   them (`PR_SET_PDEATHSIG`), and are stopped by PID when the host is done;
//! - every request has a deadline: a host that stops answering costs the time limit,
//!   then the session is closed and the host reported, never a hung task.
//!
//! ssh's own messages go to `<name>.log` next to the control socket; the last one is
//! what the one error line quotes ("Permission denied (publickey)").

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::protocol::{self, Reader, Record, Step};
use super::target::Remote;

/// How long the connection and authentication may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Unix socket paths are limited to 108 bytes (104 on the BSDs).
const MAX_SOCKET_PATH: usize = 100;

/// The settings of one connection.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `ssh -F FILE` (`ssh-config`).
    pub ssh_config: Option<PathBuf>,
    /// Where the control socket and ssh's log go.
    pub dir: PathBuf,
    /// The per-command time limit on the remote host.
    pub command_timeout: Duration,
}

/// A live connection and its remote shell.
pub struct Session {
    master: Child,
    shell: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    token: String,
    buf: Vec<u8>,
    log: PathBuf,
    socket: PathBuf,
    /// Requests sent (round trips).
    pub round_trips: usize,
    command_timeout: Duration,
}

fn token() -> String {
    let mut b = [0u8; 16];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .is_err()
    {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        b = (t ^ u128::from(std::process::id()) << 64).to_le_bytes();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The last meaningful line ssh wrote, for the one error line.
fn last_ssh_message(log: &Path) -> Option<String> {
    let text = std::fs::read_to_string(log).ok()?;
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with("debug") && !l.starts_with("Warning:"))
        .map(str::to_string)
}

fn ssh_command(remote: &Remote, settings: &Settings, socket: &Path) -> Command {
    let mut cmd = Command::new("ssh");
    if let Some(cfg) = &settings.ssh_config {
        cmd.arg("-F").arg(cfg);
    }
    cmd.args(["-o", "BatchMode=yes"])
        .arg("-o")
        .arg(format!("ControlPath={}", socket.display()))
        .arg("-o")
        .arg(format!("ConnectTimeout={}", CONNECT_TIMEOUT.as_secs()))
        .args([
            "-o",
            "ServerAliveInterval=10",
            "-o",
            "ServerAliveCountMax=3",
        ]);
    if let Some(port) = remote.port {
        cmd.arg("-p").arg(port.to_string());
    }
    if let Some(user) = &remote.user {
        cmd.arg("-l").arg(user);
    }
    cmd.env("LC_ALL", "C").process_group(0);
    // SAFETY: prctl is async-signal-safe; ssh dies with the thread that started it.
    unsafe {
        cmd.pre_exec(|| {
            #[cfg(target_os = "linux")]
            nix::libc::prctl(nix::libc::PR_SET_PDEATHSIG, nix::libc::SIGKILL);
            Ok(())
        });
    }
    cmd
}

fn stop(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
    }
    let _ = child.wait();
}

impl Session {
    /// Connects (one TCP connection, authenticated), then opens the remote shell.
    pub fn open(remote: &Remote, settings: &Settings) -> Result<Session, String> {
        std::fs::create_dir_all(&settings.dir)
            .map_err(|e| format!("cannot create {}: {e}", settings.dir.display()))?;
        let name = remote.file_name();
        // A short name: Unix socket paths are limited, host names are not.
        let socket = settings.dir.join(format!("{:016x}.sock", fnv(&name)));
        let log = settings.dir.join(format!("{name}.log"));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(format!(
                "control socket path {} is too long for a Unix socket: use a shorter vardir",
                socket.display()
            ));
        }
        let _ = std::fs::remove_file(&socket);
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let mut master = ssh_command(remote, settings, &socket)
            .args(["-o", "ControlMaster=yes", "-o", "ControlPersist=no", "-N"])
            .arg(&remote.host)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file.try_clone().map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => "the OpenSSH client (ssh) is not installed".into(),
                _ => format!("cannot run ssh: {e}"),
            })?;
        let deadline = Instant::now() + CONNECT_TIMEOUT + Duration::from_secs(5);
        loop {
            if let Ok(Some(status)) = master.try_wait() {
                let why =
                    last_ssh_message(&log).unwrap_or_else(|| format!("ssh exited with {status}"));
                return Err(format!("cannot connect: {why}"));
            }
            if socket.exists() {
                break;
            }
            if Instant::now() > deadline {
                stop(&mut master);
                return Err(format!(
                    "cannot connect: no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let shell = ssh_command(remote, settings, &socket)
            .args(["-o", "ControlMaster=no", "-T"])
            .arg(&remote.host)
            .arg("exec /bin/sh")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn();
        let mut shell = match shell {
            Ok(s) => s,
            Err(e) => {
                stop(&mut master);
                return Err(format!("cannot run ssh: {e}"));
            }
        };
        let (Some(mut stdin), Some(stdout)) = (shell.stdin.take(), shell.stdout.take()) else {
            stop(&mut master);
            return Err("ssh gave no pipes".into());
        };
        let token = token();
        let secs = settings.command_timeout.as_secs().max(1);
        if let Err(e) = stdin.write_all(protocol::prelude(&token, secs).as_bytes()) {
            stop(&mut master);
            return Err(format!("connection lost at the start: {e}"));
        }
        Ok(Session {
            master,
            shell,
            stdin: Some(stdin),
            stdout,
            token,
            buf: Vec::new(),
            log,
            socket,
            round_trips: 0,
            command_timeout: settings.command_timeout,
        })
    }

    /// Sends one request (its shell text, [`protocol::request`]) that runs `commands`
    /// commands, and reads its records; an error means the session is over.
    pub fn request(&mut self, text: &str, commands: usize) -> Result<Vec<Record>, String> {
        self.round_trips += 1;
        let started = Instant::now();
        // Each command has its limit on the remote side; this one is for the link.
        let deadline =
            Instant::now() + Duration::from_secs(60) + self.command_timeout * (commands as u32 + 1);
        let Some(stdin) = self.stdin.as_mut() else {
            return Err("session closed".into());
        };
        if let Err(e) = stdin.write_all(text.as_bytes()).and_then(|_| stdin.flush()) {
            return Err(self.lost(&format!("cannot send ({e})")));
        }
        let mut reader = Reader::new(&self.token);
        let mut records = Vec::new();
        loop {
            match reader.next(&self.buf) {
                Step::Record(r) => {
                    records.push(r);
                    continue;
                }
                Step::Done => {
                    let n = reader.consumed();
                    self.buf.drain(..n);
                    log::debug!(
                        "request {}: {} answers, {} bytes in {} ms",
                        self.round_trips,
                        records.len(),
                        records.iter().map(|r| r.payload.len()).sum::<usize>(),
                        started.elapsed().as_millis()
                    );
                    return Ok(records);
                }
                Step::More => {}
            }
            // Keep only what is not read yet.
            let n = reader.consumed();
            if n > 0 {
                self.buf.drain(..n);
                reader.drop_front(n);
            }
            if self.buf.len() > protocol::MAX_REPLY {
                return Err(self.lost("reply larger than 256 MiB"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.lost("no answer within the time limit"));
            }
            let ms = PollTimeout::try_from(left.as_millis().min(10_000) as i32)
                .unwrap_or(PollTimeout::MAX);
            let mut fds = [PollFd::new(self.stdout.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, ms) {
                Ok(0) => continue,
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(self.lost(&e.to_string())),
            }
            let mut chunk = vec![0u8; 256 * 1024];
            match self.stdout.read(&mut chunk) {
                Ok(0) => return Err(self.lost("connection closed")),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.lost(&e.to_string())),
            }
        }
    }

    /// Ends the session after a failure; the message says what ssh last said.
    fn lost(&mut self, what: &str) -> String {
        self.close();
        match last_ssh_message(&self.log) {
            Some(m) => format!("connection lost: {what} ({m})"),
            None => format!("connection lost: {what}"),
        }
    }

    /// Closes the shell and the connection (idempotent).
    pub fn close(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.write_all(b"exit 0\n");
            drop(stdin);
            let until = Instant::now() + Duration::from_secs(2);
            while Instant::now() < until {
                if let Ok(Some(_)) = self.shell.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        stop(&mut self.shell);
        stop(&mut self.master);
        let _ = std::fs::remove_file(&self.socket);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.close();
    }
}
