//! Job and action checks: conditions on this machine (a file or folder there or not,
//! its size, its SHA-512, free space) and what a failed one means (`return`).
//! `path` may name environment variables (`$VAR`, `${VAR}`, `%VAR%`).

use std::io::Read;
use std::path::Path;

use sha2::Digest;

use super::job::Check;

/// What the checks decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// All passed (or failed with warning/info): go on.
    Go,
    /// A check said `startnow`: go on without the others.
    StartNow,
    /// The job is skipped (a success for the server).
    Skip(String),
    /// The job fails.
    Fail(String),
}

/// `$VAR`, `${VAR}` and `%VAR%` replaced by the environment's values.
pub fn expand(path: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let var_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if c == '$' && i + 1 < chars.len() {
            let (name, end) = if chars[i + 1] == '{' {
                match chars[i + 2..].iter().position(|c| *c == '}') {
                    Some(p) => (
                        chars[i + 2..i + 2 + p].iter().collect::<String>(),
                        i + 3 + p,
                    ),
                    None => (String::new(), i + 1),
                }
            } else {
                let len = chars[i + 1..].iter().take_while(|c| var_char(**c)).count();
                (chars[i + 1..i + 1 + len].iter().collect(), i + 1 + len)
            };
            if !name.is_empty() {
                out.push_str(&std::env::var(&name).unwrap_or_default());
                i = end;
                continue;
            }
        }
        if c == '%' {
            if let Some(p) = chars[i + 1..].iter().position(|c| *c == '%') {
                let name: String = chars[i + 1..i + 1 + p].iter().collect();
                if !name.is_empty() && name.chars().all(var_char) {
                    out.push_str(&std::env::var(&name).unwrap_or_default());
                    i += p + 2;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn sha512_of(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = sha2::Sha512::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn free_mb(path: &Path) -> Option<u64> {
    let s = nix::sys::statvfs::statvfs(path).ok()?;
    Some((s.blocks_available() as u64).saturating_mul(s.fragment_size() as u64) >> 20)
}

/// Whether one check passes; `Err` for a check that cannot be evaluated.
pub fn passes(c: &Check) -> Result<bool, String> {
    let path_text = expand(&c.path);
    let path = Path::new(&path_text);
    let meta = std::fs::metadata(path).ok();
    let file_len = meta.as_ref().filter(|m| m.is_file()).map(|m| m.len());
    let is_dir = meta.as_ref().is_some_and(|m| m.is_dir());
    let number = || {
        c.value
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{}: value '{}' is not a number", c.kind, c.value))
    };
    Ok(match c.kind.as_str() {
        "directoryExists" => is_dir,
        "directoryMissing" => !is_dir,
        "fileExists" => file_len.is_some(),
        "fileMissing" => file_len.is_none(),
        "fileSizeEquals" => file_len == Some(number()?),
        "fileSizeGreater" => {
            let n = number()?;
            file_len.is_some_and(|l| l > n)
        }
        "fileSizeLower" => {
            let n = number()?;
            file_len.is_some_and(|l| l < n)
        }
        "fileSHA512" => sha512_of(path).is_some_and(|h| h.eq_ignore_ascii_case(c.value.trim())),
        "fileSHA512mismatch" => {
            !sha512_of(path).is_some_and(|h| h.eq_ignore_ascii_case(c.value.trim()))
        }
        "freespaceGreater" => {
            free_mb(path).ok_or_else(|| format!("freespaceGreater: cannot stat {path_text}"))?
                > number()?
        }
        other if other.starts_with("win") => return Err(format!("{other} is a Windows check")),
        other => return Err(format!("unknown check type '{other}'")),
    })
}

/// Runs the checks in order.
pub fn run(checks: &[Check], what: &str) -> Verdict {
    for (i, c) in checks.iter().enumerate() {
        let result = passes(c);
        let why = match &result {
            Ok(true) => continue,
            Ok(false) => format!("{what} check #{} {} {} failed", i + 1, c.kind, c.path),
            Err(e) => format!("{what} check #{}: {e}", i + 1),
        };
        match c.on_failure.as_str() {
            "skip" => return Verdict::Skip(why),
            "startnow" => return Verdict::StartNow,
            "warning" | "info" => log::warn!("{why} ({})", c.on_failure),
            _ => return Verdict::Fail(why),
        }
    }
    Verdict::Go
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: &str, path: &str, value: &str, ret: &str) -> Check {
        Check {
            kind: kind.into(),
            path: path.into(),
            value: value.into(),
            on_failure: ret.into(),
        }
    }

    #[test]
    fn each_type_and_each_return() {
        let d = std::env::temp_dir().join(format!("ocsa-checks-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let f = d.join("f");
        std::fs::write(&f, b"abc").unwrap();
        let fs = f.to_str().unwrap();
        let ds = d.to_str().unwrap();
        let sha = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
        for (kind, path, value, want) in [
            ("fileExists", fs, "", true),
            ("fileMissing", fs, "", false),
            ("directoryExists", ds, "", true),
            ("directoryMissing", "/no/such/dir", "", true),
            ("fileSizeEquals", fs, "3", true),
            ("fileSizeGreater", fs, "2", true),
            ("fileSizeLower", fs, "3", false),
            ("fileSHA512", fs, sha, true),
            ("fileSHA512mismatch", fs, sha, false),
            ("freespaceGreater", ds, "1", true),
            ("freespaceGreater", ds, "999999999999", false),
        ] {
            assert_eq!(passes(&check(kind, path, value, "ko")), Ok(want), "{kind}");
        }
        assert!(passes(&check("winkeyExists", "x", "", "ko")).is_err());
        assert!(passes(&check("fileSizeEquals", fs, "many", "ko")).is_err());
        let miss = |ret: &str| check("fileExists", "/no/such", "", ret);
        assert!(matches!(run(&[miss("skip")], "job"), Verdict::Skip(_)));
        assert!(matches!(run(&[miss("ko")], "job"), Verdict::Fail(_)));
        assert!(matches!(run(&[miss("abort")], "job"), Verdict::Fail(_)));
        assert_eq!(run(&[miss("warning")], "job"), Verdict::Go);
        assert_eq!(
            run(&[miss("startnow"), miss("ko")], "job"),
            Verdict::StartNow
        );
        std::env::set_var("OCSA_CHECK_DIR", ds);
        assert_eq!(expand("$OCSA_CHECK_DIR/f"), fs);
        assert_eq!(expand("${OCSA_CHECK_DIR}/f"), fs);
        assert_eq!(expand("%OCSA_CHECK_DIR%/f"), fs);
        assert_eq!(expand("100%"), "100%");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
