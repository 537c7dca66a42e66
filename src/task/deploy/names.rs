//! Names a server hands out that become paths: GLPI job uuids, OCS package ids.
//!
//! A server (compromised, or misconfigured) must not be able to point the agent outside
//! the job's own folder: a uuid of `..` made the work folder `deploy/workdir/..`, whose
//! cleanup wiped every other job's parts. A plain name is one path component that is
//! not `.` or `..`: ASCII letters, digits, `-`, `_` and `.`, 1 to 128 of them. Anything
//! else is refused before it is joined to a path.

/// Longest name accepted.
pub const MAX_NAME: usize = 128;

/// `Ok(name)` when `name` is a plain name, else why not (the name shown escaped).
pub fn plain_name(name: &str) -> Result<&str, String> {
    let bad = |why: &str| Err(format!("'{}' {why}", name.escape_debug()));
    if name.is_empty() {
        return bad("is empty");
    }
    if name.len() > MAX_NAME {
        return Err(format!("a name of {} bytes is too long", name.len()));
    }
    if name == "." || name == ".." {
        return bad("is not a plain name");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return bad("is not a plain name (letters, digits, '-', '_', '.')");
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_only() {
        for ok in ["0a1b-2c3d", "job_1", "1795588218", "a.b"] {
            assert_eq!(plain_name(ok), Ok(ok));
        }
        let long = "a".repeat(MAX_NAME + 1);
        for bad in [
            "", ".", "..", "../x", "a/b", "/", "a\\b", "a\nb", "a\0b", "é", " a", &long,
        ] {
            assert!(plain_name(bad).is_err(), "{bad:?}");
        }
        assert!(plain_name("a\u{1b}[2J").unwrap_err().contains("\\u{1b}"));
    }
}
