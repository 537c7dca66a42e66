//! Deploy actions, run in the job's work folder: `cmd` (a shell command, its exit code
//! or output judged by the first `retChecks` entry), `move`, `copy`, `mkdir`, `delete`.
//! Commands go through [`exec`](super::super::exec): time limit, own process group,
//! output capped. Patterns are matched as plain substrings of the output; `move`/`copy`
//! sources may hold `*` and `?` in their last component, matched in linear time.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::super::exec::{self, Ended};
use super::super::settings::Settings;
use super::checks;

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Runs one action; `Ok(message)` or `Err(why)`.
pub fn run(
    kind: &str,
    params: &Value,
    workdir: &Path,
    settings: &Settings,
) -> Result<String, String> {
    let verdict = checks::run(&super::job::parse_checks(params.get("checks")), "action");
    match verdict {
        checks::Verdict::Skip(why) => return Ok(format!("skipped: {why}")),
        checks::Verdict::Fail(why) => return Err(why),
        _ => {}
    }
    match kind {
        "cmd" => cmd(params, workdir, settings),
        "move" | "copy" => {
            let from = text(params.get("from"));
            let to = PathBuf::from(checks::expand(&text(params.get("to"))));
            let sources = glob(workdir, &checks::expand(&from))?;
            if sources.is_empty() {
                return Err(format!("{kind}: nothing matches '{from}'"));
            }
            for s in &sources {
                let dest = if to.is_dir() {
                    to.join(s.file_name().unwrap_or_default())
                } else {
                    to.clone()
                };
                if kind == "move" {
                    if std::fs::rename(s, &dest).is_err() {
                        copy_any(s, &dest).map_err(|e| format!("move {}: {e}", s.display()))?;
                        remove_any(s).map_err(|e| format!("move {}: {e}", s.display()))?;
                    }
                } else {
                    copy_any(s, &dest).map_err(|e| format!("copy {}: {e}", s.display()))?;
                }
            }
            Ok(format!(
                "{kind}: {} item(s) to {}",
                sources.len(),
                to.display()
            ))
        }
        "mkdir" => {
            for d in strings(params.get("list")) {
                let d = checks::expand(&d);
                std::fs::create_dir_all(&d).map_err(|e| format!("mkdir {d}: {e}"))?;
            }
            Ok("mkdir done".into())
        }
        "delete" => {
            for d in strings(params.get("list")) {
                let p = PathBuf::from(checks::expand(&d));
                if std::fs::symlink_metadata(&p).is_ok() {
                    remove_any(&p).map_err(|e| format!("delete {}: {e}", p.display()))?;
                }
            }
            Ok("delete done".into())
        }
        other => Err(format!("unknown action '{other}'")),
    }
}

fn cmd(params: &Value, workdir: &Path, settings: &Settings) -> Result<String, String> {
    let command = text(params.get("exec"));
    if command.trim().is_empty() {
        return Err("cmd without exec".into());
    }
    let envs: Vec<(String, String)> = params
        .get("envs")
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), text(Some(v)))).collect())
        .unwrap_or_default();
    log::info!("cmd: {}", exec::redact(&command));
    let r = exec::run(
        "/bin/sh",
        &["-c", &command],
        workdir,
        &envs,
        settings.command_timeout,
    );
    exec::log_output("cmd", &r);
    let code = match &r.ended {
        Ended::Exit(c) => *c,
        Ended::TimedOut => {
            return Err(format!(
                "'{command}' still running after {} s: killed",
                settings.command_timeout.as_secs()
            ))
        }
        Ended::Signal(s) => return Err(format!("'{command}' killed by signal {s}")),
        Ended::NotRun(e) => return Err(e.clone()),
    };
    let limit = params
        .get("logLineLimit")
        .and_then(Value::as_u64)
        .unwrap_or(10) as usize;
    let tail: Vec<&str> = r
        .output
        .lines()
        .rev()
        .take(limit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // The tail goes to the server's job log and ours (at error level when it failed):
    // masked like the output at debug level.
    let msg = format!("exit status {code}; {}", exec::redact(&tail.join(" | ")));
    let Some(check) = params
        .get("retChecks")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    else {
        return Ok(msg);
    };
    let values = strings(check.get("values"));
    let ok = match text(check.get("type")).as_str() {
        "okCode" => values.iter().any(|v| v.trim() == code.to_string()),
        "errorCode" => !values.iter().any(|v| v.trim() == code.to_string()),
        "okPattern" => values.iter().any(|v| r.output.contains(v.as_str())),
        "errorPattern" => !values.iter().any(|v| r.output.contains(v.as_str())),
        other => return Err(format!("unknown retCheck '{other}'")),
    };
    if ok {
        Ok(msg)
    } else {
        Err(format!("'{}': {msg}", exec::redact(&command)))
    }
}

/// Entries of `pattern` (absolute, or relative to `workdir`) with `*` and `?` in its
/// last component.
fn glob(workdir: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let full = if Path::new(pattern).is_absolute() {
        PathBuf::from(pattern)
    } else {
        workdir.join(pattern)
    };
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains(['*', '?']) {
        return Ok(if std::fs::symlink_metadata(&full).is_ok() {
            vec![full]
        } else {
            Vec::new()
        });
    }
    let dir = full.parent().unwrap_or(workdir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter(|e| wildcard(&name, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

/// Whether `s` matches the server's pattern `p` (`*` any run, `?` one character).
///
/// Two pointers, greedy: a `*` first matches nothing; on a mismatch the last `*` takes
/// one more character and matching resumes after it. Earlier stars never need to be
/// revisited (the last one can absorb whatever they would), so the work is at most
/// `|p|·|s|` steps, and about `|s|` in practice — a pattern like `*a*a*a…b` from a
/// hostile server cannot make it backtrack exponentially, as the recursive match did.
fn wildcard(p: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    let (mut i, mut j) = (0, 0);
    // The last star seen, and where in `s` it stopped matching.
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(c) if *c == '?' || *c == s[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((at, from)) => {
                    star = Some((at, from + 1));
                    i = at + 1;
                    j = from + 1;
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

fn copy_any(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            copy_any(&e.path(), &to.join(e.file_name()))?;
        }
        Ok(())
    } else if meta.file_type().is_symlink() {
        let _ = std::fs::remove_file(to);
        std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
    } else {
        if std::fs::symlink_metadata(to).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(to)?;
        }
        std::fs::copy(from, to).map(|_| ())
    }
}

fn remove_any(p: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(p)?.is_dir() {
        std::fs::remove_dir_all(p)
    } else {
        std::fs::remove_file(p)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards() {
        assert!(super::wildcard("*", "a.txt"));
        assert!(super::wildcard("*.txt", "a.txt"));
        assert!(!super::wildcard("*.txt", "a.tx"));
        assert!(super::wildcard("a?c", "abc"));
        assert!(super::wildcard("", ""));
        assert!(!super::wildcard("", "a"));
        assert!(super::wildcard("**", ""));
        assert!(super::wildcard("a*b*c", "aXbYbZc"));
        assert!(!super::wildcard("a*b*c", "aXbYbZ"));
        assert!(super::wildcard("*.tar.gz", "x.tar.tar.gz"));
        assert!(super::wildcard("?*?", "ab"));
        assert!(!super::wildcard("?*?", "a"));
        assert!(super::wildcard("*a", "aaa"));
        assert!(!super::wildcard("a*", "ba"));
    }

    #[test]
    fn a_hostile_pattern_is_matched_in_milliseconds() {
        // Issue #22, item 6: `*a*a*a…b` on a long run of `a` backtracked exponentially.
        let pattern = format!("{}b", "*a".repeat(100));
        let name = "a".repeat(10_000);
        let t = std::time::Instant::now();
        assert!(!super::wildcard(&pattern, &name));
        assert!(super::wildcard(&pattern, &format!("{name}b")));
        let spent = t.elapsed();
        assert!(spent < std::time::Duration::from_millis(500), "{spent:?}");
    }
}
