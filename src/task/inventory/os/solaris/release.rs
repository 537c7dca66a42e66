//! `/etc/release` of Solaris and illumos: the OS name, version, update and build, read
//! from its first line (`Oracle Solaris 10 1/13 s10s_u11wos_24a SPARC`).

/// What the first line of `/etc/release` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Release {
    /// The line without its leading spaces.
    pub fullname: String,
    /// `10`, `11.4`, or the OpenIndiana release number.
    pub version: Option<String>,
    /// The update date `M/YY` when given (`1/13`).
    pub date: Option<String>,
    /// The build word (`s10s_u11wos_24a`).
    pub id: Option<String>,
    /// The update (`u11`) found in the build word.
    pub subversion: Option<String>,
}

fn is_version(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn is_date(word: &str) -> bool {
    matches!(word.split_once('/'), Some((m, y)) if !m.is_empty() && !y.is_empty()
        && m.chars().all(|c| c.is_ascii_digit()) && y.chars().all(|c| c.is_ascii_digit()))
}

/// Parses `/etc/release`; `None` when the text has no non-empty first line.
pub fn parse_release(text: &str) -> Option<Release> {
    let fullname = text.lines().next()?.trim().to_string();
    if fullname.is_empty() {
        return None;
    }
    let mut rel = Release {
        fullname: fullname.clone(),
        ..Release::default()
    };
    let words: Vec<&str> = fullname.split_whitespace().collect();
    // `Solaris 10 …`, `Oracle Solaris 11.4 …`, `OpenSolaris 2009.06 …`: the first
    // `Solaris` followed by a version number
    let found = fullname.match_indices("Solaris ").find_map(|(at, _)| {
        let rest: Vec<&str> = fullname[at + 8..].split_whitespace().collect();
        rest.first().filter(|w| is_version(w))?;
        Some(rest)
    });
    if let Some(rest) = found {
        rel.version = Some(rest[0].to_string());
        let mut next = 1;
        if let Some(date) = rest.get(1).filter(|w| is_date(w)) {
            rel.date = Some(date.to_string());
            next = 2;
        }
        if let Some(id) = rest.get(next) {
            rel.id = Some(id.to_string());
            rel.subversion = id.split('_').skip(1).find_map(|part| {
                let digits = part.strip_prefix('u')?;
                let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
                (!n.is_empty()).then(|| format!("u{n}"))
            });
        }
    } else if fullname.contains("OpenIndiana") {
        rel.version = words
            .iter()
            .map(|w| w.trim_start_matches(|c: char| !c.is_ascii_digit()))
            .find(|w| !w.is_empty() && w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .map(|w| {
                w.chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect()
            });
    }
    Some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solaris_10_update() {
        let r = parse_release(
            "                   Oracle Solaris 10 1/13 s10s_u11wos_24a SPARC\n  Copyright (c) 1983, 2013, Oracle\n",
        )
        .unwrap();
        assert_eq!(r.fullname, "Oracle Solaris 10 1/13 s10s_u11wos_24a SPARC");
        assert_eq!(r.version.as_deref(), Some("10"));
        assert_eq!(r.date.as_deref(), Some("1/13"));
        assert_eq!(r.id.as_deref(), Some("s10s_u11wos_24a"));
        assert_eq!(r.subversion.as_deref(), Some("u11"));
    }

    #[test]
    fn without_date_or_update() {
        let r = parse_release("                              Solaris 9 s9_41e SPARC\n").unwrap();
        assert_eq!(r.version.as_deref(), Some("9"));
        assert_eq!(r.date, None);
        assert_eq!(r.id.as_deref(), Some("s9_41e"));
        assert_eq!(r.subversion, None);
    }

    #[test]
    fn openindiana_and_garbage() {
        let r = parse_release("             OpenIndiana Hipster 2023.10 (powered by illumos)\n")
            .unwrap();
        assert_eq!(r.version.as_deref(), Some("2023.10"));
        assert_eq!(parse_release(""), None);
        let o = parse_release("  OpenSolaris 2009.06 snv_111b X86\n").unwrap();
        assert_eq!(o.version.as_deref(), Some("2009.06"));
        assert_eq!(o.id.as_deref(), Some("snv_111b"));
    }
}
