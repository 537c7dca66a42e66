//! SOFTWARES on FreeBSD (one `pkg query` run, else the legacy `pkg_info`), NetBSD
//! (`pkg_info`) and OpenBSD (the package database `/var/db/pkg/<name>-<version>/+DESC`,
//! no command).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "bsd/softwares",
    category: "software",
    applies: |ctx| ctx.os.is_bsd(),
    collect,
};

/// `pkg query` format: name, version, flat size, install time, origin, then the comment
/// (the only field that may hold spaces).
pub const PKG_FORMAT: &str = "%n %v %sb %t %o %c";

pub fn parse_pkg(text: &str, date: impl Fn(i64) -> String) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(6, ' ').collect();
            if f.len() < 5 || f[0].is_empty() {
                return None;
            }
            let mut e = Entry::new();
            e.set("NAME", f[0])
                .set("VERSION", f[1])
                .set_opt("FILESIZE", f[2].parse::<u64>().ok().map(|n| n.to_string()))
                .set_opt("INSTALLDATE", f[3].parse::<i64>().ok().map(&date))
                .set("SYSTEM_CATEGORY", f[4].split('/').next().unwrap_or(""))
                .set_opt("COMMENTS", f.get(5).copied())
                .set("FROM", "pkg");
            Some(e)
        })
        .collect()
}

/// `pkg_info` lines (`name-version   comment`): NAME, VERSION, COMMENTS (the legacy
/// package tools of FreeBSD before 10, and NetBSD's pkgsrc).
pub fn parse_pkg_info(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| {
            let (package, comment) = match l.split_once(char::is_whitespace) {
                Some((p, c)) => (p, c.trim()),
                None => (l.trim(), ""),
            };
            let (name, version) = split_name_version(package)
                .or_else(|| package.rsplit_once('-'))
                .filter(|(n, v)| !n.is_empty() && !v.is_empty())?;
            let mut e = Entry::new();
            e.set("NAME", name)
                .set("VERSION", version)
                .set("COMMENTS", comment)
                .set("FROM", "pkg_info");
            Some(e)
        })
        .collect()
}

/// `name-1.2.3p0` → (`name`, `1.2.3p0`): the version starts after the last `-` that is
/// followed by a digit.
pub fn split_name_version(dir: &str) -> Option<(&str, &str)> {
    let i = dir
        .char_indices()
        .rev()
        .find(|&(i, c)| c == '-' && dir[i + 1..].starts_with(|d: char| d.is_ascii_digit()))?
        .0;
    Some((&dir[..i], &dir[i + 1..]))
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let date = |t: i64| ctx.clock.format_local(t, "%d/%m/%Y");
    let from_pkg = match ctx.os {
        Os::FreeBsd => ctx
            .command(&["pkg", "query", PKG_FORMAT])
            .map(|text| parse_pkg(&text, date)),
        _ => None,
    };
    // FreeBSD before pkg(8), and NetBSD's pkgsrc: the legacy `pkg_info`.
    let packages = match from_pkg {
        Some(p) => Some(p),
        None if ctx.os != Os::OpenBsd => ctx.command(&["pkg_info"]).map(|t| parse_pkg_info(&t)),
        None => None,
    };
    if let Some(packages) = packages {
        for e in packages {
            inv.add("SOFTWARES", e);
        }
        return;
    }
    for dir in ctx.src.list_dir("/var/db/pkg").unwrap_or_default() {
        let Some((name, version)) = split_name_version(&dir) else {
            continue;
        };
        let mut e = Entry::new();
        e.set("NAME", name)
            .set("VERSION", version)
            .set("FROM", "pkg_add");
        if let Some(desc) = ctx.src.read_text(&format!("/var/db/pkg/{dir}/+DESC")) {
            e.set("COMMENTS", desc.lines().next().unwrap_or(""));
        }
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkg_lines() {
        let e = parse_pkg(
            "curl 8.9.1 4567890 1700000000 ftp/curl Command line tool for URLs\nbad\n",
            |t| t.to_string(),
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].get("SYSTEM_CATEGORY"), Some("ftp"));
        assert_eq!(e[0].get("COMMENTS"), Some("Command line tool for URLs"));
    }

    #[test]
    fn pkg_info_lines() {
        let e = parse_pkg_info(
            "p5-Foo-Bar-1.0   A Perl module\nOcsinventory-Agent-2.0,1 Keep track\nnodash\n",
        );
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].get("NAME"), e[0].get("VERSION")),
            (Some("p5-Foo-Bar"), Some("1.0"))
        );
        assert_eq!(e[1].get("COMMENTS"), Some("Keep track"));
    }

    #[test]
    fn names() {
        assert_eq!(
            split_name_version("py3-setuptools-69.0.2p0v0"),
            Some(("py3-setuptools", "69.0.2p0v0"))
        );
        assert_eq!(split_name_version("noversion"), None);
    }
}
