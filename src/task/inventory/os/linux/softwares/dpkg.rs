//! Debian packages, read from the dpkg database (`/var/lib/dpkg/status`) — the same data
//! `dpkg-query` prints, without running it. The install date is the time of the
//! package's file list (`/var/lib/dpkg/info/<package>[:<arch>].list`).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

const STATUS: &str = "/var/lib/dpkg/status";

pub const MODULE: Module = Module {
    name: "linux/softwares/dpkg",
    category: "software",
    applies: |ctx| ctx.src.exists(STATUS),
    collect,
};

/// One installed package of the status file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub arch: String,
    /// KiB, as `Installed-Size`.
    pub installed_size: Option<u64>,
    pub section: Option<String>,
    pub summary: Option<String>,
    pub multi_arch_same: bool,
}

/// Reads the status file line by line: paragraphs of `Field: value` (continuation lines
/// indented), one package each; `done` gets every package whose status is `… installed`.
#[derive(Default)]
pub struct StatusReader {
    current: Package,
    installed: bool,
}

impl StatusReader {
    pub fn line(&mut self, line: &str, done: &mut impl FnMut(Package)) {
        if line.trim().is_empty() {
            self.finish(done);
            return;
        }
        if line.starts_with([' ', '\t']) {
            return;
        }
        let Some((k, v)) = line.split_once(':') else {
            return;
        };
        let (p, v) = (&mut self.current, v.trim());
        match k {
            "Package" => p.name = v.to_string(),
            "Version" => p.version = v.to_string(),
            "Architecture" => p.arch = v.to_string(),
            "Installed-Size" => p.installed_size = v.parse().ok(),
            "Section" => p.section = Some(v.to_string()),
            "Description" => p.summary = Some(v.to_string()),
            "Status" => self.installed = v.ends_with(" installed"),
            "Multi-Arch" => p.multi_arch_same = v == "same",
            _ => {}
        }
    }

    /// Ends the current paragraph (also call it at the end of the file).
    pub fn finish(&mut self, done: &mut impl FnMut(Package)) {
        let p = std::mem::take(&mut self.current);
        if std::mem::take(&mut self.installed) && !p.name.is_empty() {
            done(p);
        }
    }
}

/// Parses a whole status file (see [`StatusReader`]).
pub fn parse_status(text: &str) -> Vec<Package> {
    let (mut reader, mut out) = (StatusReader::default(), Vec::new());
    let mut push = |p| out.push(p);
    text.lines().for_each(|l| reader.line(l, &mut push));
    reader.finish(&mut push);
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let publisher = super::distributor(ctx);
    let mut add = |p: Package| {
        let list = if p.multi_arch_same {
            format!("/var/lib/dpkg/info/{}:{}.list", p.name, p.arch)
        } else {
            format!("/var/lib/dpkg/info/{}.list", p.name)
        };
        let installed = ctx.src.mtime(&list);
        let mut e = Entry::new();
        e.set("NAME", p.name)
            .set("VERSION", p.version)
            .set("ARCH", p.arch)
            .set("FROM", "deb")
            .set_opt("FILESIZE", p.installed_size.map(|k| (k * 1024).to_string()))
            .set_opt("SYSTEM_CATEGORY", p.section)
            .set_opt("COMMENTS", p.summary)
            .set_opt("PUBLISHER", publisher.clone())
            .set_opt(
                "INSTALLDATE",
                installed.map(|t| super::install_date(ctx, t)),
            )
            .set_opt(
                "INSTALLTIME",
                installed.map(|t| super::install_time(ctx, t)),
            );
        inv.add("SOFTWARES", e);
    };
    // Streamed: the 1 MB database is never held whole.
    let mut reader = StatusReader::default();
    ctx.src
        .for_each_line(STATUS, &mut |line| reader.line(line, &mut add));
    reader.finish(&mut add);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Package: adduser\nStatus: install ok installed\nPriority: important\nSection: admin\nInstalled-Size: 686\nArchitecture: all\nVersion: 3.134\nDescription: add and remove users and groups\n This package includes\n .\n more text: with colon\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: libc6\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nVersion: 2.36-9\n";

    #[test]
    fn installed_packages_only() {
        let p = parse_status(SAMPLE);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "adduser");
        assert_eq!(p[0].installed_size, Some(686));
        assert_eq!(
            p[0].summary.as_deref(),
            Some("add and remove users and groups")
        );
        assert_eq!(p[0].section.as_deref(), Some("admin"));
        assert!(p[1].multi_arch_same);
        assert!(parse_status("garbage\n\n: :\n").is_empty());
    }
}
