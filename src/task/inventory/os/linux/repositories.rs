//! REPOSITORY (OCS dialect only): the apt sources, read from `/etc/apt/sources.list` and
//! `/etc/apt/sources.list.d/*.list` (one-line format) and `*.sources` (deb822), without
//! running `apt-cache policy` as the Perl OCS agent does. One entry per binary (`deb`)
//! source, suite and component: NAME `suite/component` (as apt names it), BASEURL the
//! URI, FILENAME the file that declares it.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

const MAIN: &str = "/etc/apt/sources.list";
const PARTS: &str = "/etc/apt/sources.list.d";

pub const MODULE: Module = Module {
    name: "linux/repositories/apt",
    category: "software",
    applies: |ctx| ctx.os == Os::Linux && (ctx.src.exists(MAIN) || ctx.src.exists(PARTS)),
    collect,
};

/// One declared source: `(uri, suite, component)`.
pub type Source = (String, String, String);

/// Sources of the one-line format: `deb [options] URI SUITE COMPONENT…`.
pub fn one_line(text: &str) -> Vec<Source> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut words = line.split_whitespace().peekable();
        if words.next() != Some("deb") {
            continue;
        }
        if words.peek().is_some_and(|w| w.starts_with('[')) {
            for w in words.by_ref() {
                if w.ends_with(']') {
                    break;
                }
            }
        }
        let (Some(uri), Some(suite)) = (words.next(), words.next()) else {
            continue;
        };
        let components: Vec<&str> = words.collect();
        if components.is_empty() {
            out.push((uri.to_string(), suite.to_string(), String::new()));
        }
        for c in components {
            out.push((uri.to_string(), suite.to_string(), c.to_string()));
        }
    }
    out
}

/// Sources of the deb822 format: paragraphs with `Types`, `URIs`, `Suites`,
/// `Components` (and `Enabled: no` to switch one off).
pub fn deb822(text: &str) -> Vec<Source> {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        let field = |name: &str| -> Vec<String> {
            paragraph
                .lines()
                .filter(|l| !l.starts_with('#'))
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case(name)
                        .then(|| v.split_whitespace().map(str::to_string).collect())
                })
                .unwrap_or_default()
        };
        let enabled = field("Enabled");
        if !field("Types").iter().any(|t| t == "deb")
            || enabled
                .first()
                .is_some_and(|e| e.eq_ignore_ascii_case("no"))
        {
            continue;
        }
        let components = field("Components");
        for uri in field("URIs") {
            for suite in field("Suites") {
                if components.is_empty() {
                    out.push((uri.clone(), suite.clone(), String::new()));
                }
                for c in &components {
                    out.push((uri.clone(), suite.clone(), c.clone()));
                }
            }
        }
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let mut files = vec![MAIN.to_string()];
    let mut parts = ctx.src.list_dir(PARTS).unwrap_or_default();
    parts.sort();
    files.extend(
        parts
            .into_iter()
            .filter(|f| f.ends_with(".list") || f.ends_with(".sources"))
            .map(|f| format!("{PARTS}/{f}")),
    );
    for file in files {
        let Some(text) = ctx.src.read_text(&file) else {
            continue;
        };
        let sources = if file.ends_with(".sources") {
            deb822(&text)
        } else {
            one_line(&text)
        };
        for (uri, suite, component) in sources {
            let name = if component.is_empty() {
                suite
            } else {
                format!("{suite}/{component}")
            };
            let mut e = Entry::new();
            e.set("NAME", name)
                .set("BASEURL", uri)
                .set("FILENAME", file.as_str());
            inv.add("REPOSITORY", e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_format() {
        let t = "# comment\ndeb http://deb.debian.org/debian bookworm main contrib\n\
                 deb-src http://deb.debian.org/debian bookworm main\n\
                 deb [arch=amd64 signed-by=/k.gpg] https://x.example/apt stable main # tail\n\
                 deb cdrom:[Debian]/ bookworm\n";
        let s = one_line(t);
        assert_eq!(s.len(), 4, "{s:?}");
        assert_eq!(s[1].2, "contrib");
        assert_eq!(s[2].0, "https://x.example/apt");
        assert_eq!(s[3].1, "bookworm");
    }

    #[test]
    fn deb822_format() {
        let t = "Types: deb\n# http://snapshot\nURIs: http://deb.debian.org/debian\n\
                 Suites: bookworm bookworm-updates\nComponents: main\n\n\
                 Types: deb-src\nURIs: http://x\nSuites: a\nComponents: main\n\n\
                 Types: deb\nEnabled: no\nURIs: http://y\nSuites: b\nComponents: main\n";
        let s = deb822(t);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[1].1, "bookworm-updates");
        assert!(deb822("garbage").is_empty());
    }
}
