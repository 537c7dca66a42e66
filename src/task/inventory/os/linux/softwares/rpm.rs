//! RPM packages: one `rpm -qa` run with a tab-separated query format.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

pub const MODULE: Module = Module {
    name: "linux/softwares/rpm",
    category: "software",
    applies: |ctx| ctx.src.exists("/var/lib/rpm") || ctx.src.exists("/usr/lib/sysimage/rpm"),
    collect,
};

pub const QUERY_FORMAT: &str =
    "%{NAME}\\t%{ARCH}\\t%{VERSION}-%{RELEASE}\\t%{INSTALLTIME}\\t%{SIZE}\\t%{VENDOR}\\t%{SUMMARY}\\t%{GROUP}\\n";

/// One line per package: name, arch, version-release, install time, size, vendor,
/// summary, group.
pub fn parse(text: &str, date: impl Fn(i64) -> String) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 8 || f[0].is_empty() {
                return None;
            }
            let clean = |s: &str| (s != "(none)").then(|| s.to_string());
            let mut e = Entry::new();
            e.set("NAME", f[0])
                .set_opt("ARCH", clean(f[1]))
                .set("VERSION", f[2])
                .set_opt("INSTALLDATE", f[3].parse::<i64>().ok().map(&date))
                .set_opt("FILESIZE", f[4].parse::<u64>().ok().map(|s| s.to_string()))
                .set_opt("PUBLISHER", clean(f[5]))
                .set_opt("COMMENTS", clean(f[6]))
                .set_opt("SYSTEM_CATEGORY", clean(f[7]))
                .set("FROM", "rpm");
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["rpm", "-qa", "--queryformat", QUERY_FORMAT]) else {
        return;
    };
    for e in parse(&text, |t| super::install_date(ctx, t)) {
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let t = "bash\tx86_64\t5.2.15-3.fc38\t1690000000\t8012345\tFedora Project\tThe GNU Bourne Again shell\tUnspecified\ngpg-pubkey\t(none)\t1-2\t1690000000\t0\t(none)\tkey\t(none)\nshort\tline\n";
        let e = parse(t, |t| t.to_string());
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].get("VERSION"), Some("5.2.15-3.fc38"));
        assert_eq!(e[0].get("PUBLISHER"), Some("Fedora Project"));
        assert_eq!(e[1].get("ARCH"), None);
    }
}
