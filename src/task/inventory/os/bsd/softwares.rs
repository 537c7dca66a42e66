//! SOFTWARES on FreeBSD (one `pkg query` run) and OpenBSD (the package database
//! `/var/db/pkg/<name>-<version>/+DESC`, no command).

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
    if ctx.os == Os::FreeBsd {
        for e in parse_pkg(
            &ctx.command(&["pkg", "query", PKG_FORMAT])
                .unwrap_or_default(),
            date,
        ) {
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
    fn names() {
        assert_eq!(
            split_name_version("py3-setuptools-69.0.2p0v0"),
            Some(("py3-setuptools", "69.0.2p0v0"))
        );
        assert_eq!(split_name_version("noversion"), None);
    }
}
