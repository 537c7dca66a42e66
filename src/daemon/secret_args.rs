//! Secrets given on the daemon's command line, kept out of its argv.
//!
//! Any local user reads any process's command line (`ps`, `/proc/PID/cmdline`), and a
//! daemon lives for months. The configuration file (mode `0600`) is the place for a
//! password; when one comes on the command line all the same (`--password`, SNMP
//! `--credentials`, a `--server` or `--proxy` URL with `user:password@`), the daemon
//! replaces itself (`execve`, same pid) — by the lean daemon, or by itself when the
//! full binary is the daemon — with the same arguments minus those, which travel
//! through an inherited pipe whose descriptor number alone is in the environment
//! ([`SECRET_FD_ENV`]). The new process reads them back in place ([`restore`]) and
//! removes the variable, so its task children (which receive the configuration on
//! their stdin, `runner`) see neither. The window is the few milliseconds before the
//! first `execve`.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};

use crate::agent::options::{Kind, OPTIONS};

/// Environment variable naming the descriptor the secret arguments come on.
pub const SECRET_FD_ENV: &str = "OCSINVENTORY_AGENT_SECRET_FD";

/// More than this on the pipe is not secret arguments (a pipe holds 64 KiB unread).
const MAX_BYTES: usize = 60 * 1024;

/// Whether the value of option `name` is a secret.
fn secret_value(name: &str, value: Option<&str>) -> bool {
    match name {
        "password" | "credentials" => true,
        // A URL with a password in it: `http://user:secret@host/`.
        "server" | "proxy" => value.is_some_and(|v| {
            let authority = v.split("://").nth(1).unwrap_or(v).split('/').next();
            authority.is_some_and(|a| a.rsplit_once('@').is_some_and(|(u, _)| u.contains(':')))
        }),
        _ => false,
    }
}

fn takes_value(kind: Kind) -> bool {
    matches!(kind, Kind::Value | Kind::List)
}

/// Indices of the arguments that hold a secret (an option and its value), read with the
/// command line's own rules: `--name=value`, `--name value`, `-Xvalue`, `-X value`,
/// short flags grouped (`-fp secret`), nothing after `--`.
pub fn secret_positions(args: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            break;
        }
        let mut uses_next = false;
        let mut secret = false;
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(o) = OPTIONS.iter().find(|o| o.name == name) {
                if takes_value(o.kind) {
                    uses_next = inline.is_none();
                    let value = inline.or_else(|| args.get(i + 1).map(String::as_str));
                    secret = secret_value(o.name, value);
                }
            }
        } else if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (at, c) in shorts.char_indices() {
                let Some(o) = OPTIONS
                    .iter()
                    .find(|o| o.short.chars().eq(std::iter::once(c)))
                else {
                    continue;
                };
                if takes_value(o.kind) {
                    let rest = &shorts[at + c.len_utf8()..];
                    uses_next = rest.is_empty();
                    let value = if uses_next {
                        args.get(i + 1).map(String::as_str)
                    } else {
                        Some(rest)
                    };
                    secret = secret_value(o.name, value);
                    break;
                }
            }
        }
        let end = if uses_next { i + 2 } else { i + 1 }.min(args.len());
        if secret {
            out.extend(i..end);
        }
        i = end;
    }
    out
}

/// The arguments without their secrets, and (when there were any) the read end of a
/// pipe that holds them, to be inherited across `execve` under [`SECRET_FD_ENV`].
pub fn split(args: &[String]) -> Result<(Vec<String>, Option<OwnedFd>), String> {
    let secret = secret_positions(args);
    if secret.is_empty() {
        return Ok((args.to_vec(), None));
    }
    let mut text = String::new();
    for &i in &secret {
        // Index, then the argument; NUL cannot occur in an argument.
        text.push_str(&format!("{i}\0{}\0", args[i]));
    }
    if text.len() > MAX_BYTES {
        return Err("secret arguments too long to hand over".into());
    }
    let (r, w) = crate::platform::fd::pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
    std::fs::File::from(w)
        .write_all(text.as_bytes())
        .map_err(|e| format!("pipe: {e}"))?;
    // The read end crosses execve; the write end is closed: the reader sees the end.
    fcntl(r.as_raw_fd(), FcntlArg::F_SETFD(FdFlag::empty())).map_err(|e| format!("fcntl: {e}"))?;
    let public = args
        .iter()
        .enumerate()
        .filter(|(i, _)| !secret.contains(i))
        .map(|(_, a)| a.clone())
        .collect();
    Ok((public, Some(r)))
}

/// In a daemon started by [`split`]'s caller: `args` with the secret arguments back in
/// their places, read from the inherited pipe, which is closed; the variable is
/// removed. Without the variable, `args` unchanged. Call it first thing in `main`,
/// before any thread starts.
pub fn restore(args: Vec<String>) -> Vec<String> {
    let Some(fd) = std::env::var(SECRET_FD_ENV).ok() else {
        return args;
    };
    std::env::remove_var(SECRET_FD_ENV);
    let Ok(fd) = fd.parse::<i32>() else {
        eprintln!("[core][WARNING] {SECRET_FD_ENV}={fd} is not a descriptor: ignored");
        return args;
    };
    // Only a pipe is read: a wrong number must not make us take over another file.
    let is_pipe = nix::sys::stat::fstat(fd)
        .is_ok_and(|s| s.st_mode & nix::libc::S_IFMT == nix::libc::S_IFIFO);
    if fd < 3 || !is_pipe {
        eprintln!("[core][WARNING] {SECRET_FD_ENV}={fd} is not a pipe: ignored");
        return args;
    }
    // SAFETY: the descriptor was inherited for this purpose (checked: a pipe) and
    // nothing else in this process uses it.
    let file = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let mut text = String::new();
    if let Err(e) = file.take(MAX_BYTES as u64).read_to_string(&mut text) {
        eprintln!("[core][WARNING] cannot read the secret arguments: {e}");
        return args;
    }
    merge(args, &text)
}

/// `public` with the `index\0argument\0` pairs of `text` put back at their indices.
fn merge(public: Vec<String>, text: &str) -> Vec<String> {
    let mut fields = text.split('\0');
    let mut secret = Vec::new();
    while let (Some(i), Some(arg)) = (fields.next(), fields.next()) {
        if let Ok(i) = i.parse::<usize>() {
            secret.push((i, arg.to_string()));
        }
    }
    let mut out = Vec::with_capacity(public.len() + secret.len());
    let mut public = public.into_iter();
    let mut secret = secret.into_iter().peekable();
    loop {
        if let Some((_, arg)) = secret.next_if(|(i, _)| *i <= out.len()) {
            out.push(arg);
        } else if let Some(arg) = public.next() {
            out.push(arg);
        } else if let Some((_, arg)) = secret.next() {
            out.push(arg);
        } else {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn which_arguments_are_secret() {
        let args = v(&[
            "--daemon",
            "--password",
            "pw1",
            "-s",
            "https://ocs.example/ocsinventory",
            "--server=http://bob:pw2@ocs.example/",
            "-ppw3",
            "--credentials=version:2c,community:pw4",
            "--tag",
            "--password",
            "-fp",
            "pw5",
            "--proxy",
            "http://proxy:3128",
            "--",
            "--password",
        ]);
        assert_eq!(
            secret_positions(&args),
            vec![1, 2, 5, 6, 7, 10, 11],
            "{args:?}"
        );
        assert!(secret_positions(&v(&["--daemon", "-s", "http://h/"])).is_empty());
    }

    #[test]
    fn split_and_restore_keep_the_order() {
        let args = v(&[
            "--daemon",
            "--server",
            "http://a/",
            "--server=http://u:pw@b/",
            "--password",
            "pw",
            "--server",
            "http://c/",
        ]);
        let (public, fd) = split(&args).unwrap();
        assert_eq!(
            public,
            v(&["--daemon", "--server", "http://a/", "--server", "http://c/"])
        );
        let mut text = String::new();
        std::fs::File::from(fd.unwrap())
            .read_to_string(&mut text)
            .unwrap();
        assert!(!text.is_empty());
        assert_eq!(merge(public, &text), args);
        let (same, none) = split(&v(&["--daemon"])).unwrap();
        assert_eq!(same, v(&["--daemon"]));
        assert!(none.is_none());
    }
}
