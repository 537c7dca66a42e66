//! SOFTWARES on Solaris/illumos: IPS packages from `pkg info` (Solaris 11, illumos),
//! else SVR4 packages from `pkginfo -l` (Solaris 10). Both print blocks of `Key: value`
//! lines separated by empty lines.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "solaris/softwares",
    category: "software",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// (`Mar`, `12`, `2012`) → `12/03/2012`.
fn date(month: &str, day: &str, year: &str) -> Option<String> {
    let m = month.get(..3)?.to_ascii_lowercase();
    let m = MONTHS.iter().position(|x| *x == m)? + 1;
    let d: u32 = day.trim_end_matches(',').parse().ok()?;
    let y: u32 = year.parse().ok()?;
    ((1..=31).contains(&d) && year.len() == 4).then(|| format!("{d:02}/{m:02}/{y}"))
}

fn blocks(text: &str) -> Vec<Vec<(&str, &str)>> {
    let mut out = vec![Vec::new()];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            out.push(Vec::new());
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if !k.is_empty() && !v.is_empty() {
                if let Some(b) = out.last_mut() {
                    b.push((k, v));
                }
            }
        }
    }
    out.retain(|b| !b.is_empty());
    out
}

/// `pkg info`: NAME, VERSION (the full one of the FMRI, with branch and date),
/// PUBLISHER, COMMENTS, INSTALLDATE.
pub fn parse_pkg_info(text: &str) -> Vec<Entry> {
    blocks(text)
        .into_iter()
        .filter_map(|block| {
            let mut e = Entry::new();
            let mut version = None;
            for (k, v) in block {
                match k {
                    "Name" => {
                        e.set("NAME", v);
                    }
                    "Version" => version = version.or(Some(v.to_string())),
                    "FMRI" => {
                        if let Some((_, full)) = v.rsplit_once('@') {
                            version = Some(full.to_string());
                        }
                    }
                    "Publisher" => {
                        e.set("PUBLISHER", v);
                    }
                    "Summary" => {
                        e.set("COMMENTS", v);
                    }
                    // `Last Install Time: Fri Sep 21 10:10:27 2012`
                    "Last Install Time" => {
                        let w: Vec<&str> = v.split_whitespace().collect();
                        if w.len() == 5 {
                            e.set_opt("INSTALLDATE", date(w[1], w[2], w[4]));
                        }
                    }
                    _ => {}
                }
            }
            e.set_opt("VERSION", version);
            e.has("NAME").then_some(e)
        })
        .collect()
}

/// `pkginfo -l`: NAME (the package instance), VERSION, PUBLISHER, COMMENTS, INSTALLDATE.
pub fn parse_pkginfo(text: &str) -> Vec<Entry> {
    blocks(text)
        .into_iter()
        .filter_map(|block| {
            let mut e = Entry::new();
            for (k, v) in block {
                match k {
                    "PKGINST" => {
                        e.set("NAME", v);
                    }
                    "VERSION" => {
                        e.set("VERSION", v);
                    }
                    "VENDOR" => {
                        e.set("PUBLISHER", v);
                    }
                    "DESC" => {
                        e.set("COMMENTS", v);
                    }
                    // `INSTDATE:  Mar 12 2012 10:25`
                    "INSTDATE" => {
                        let w: Vec<&str> = v.split_whitespace().collect();
                        if w.len() >= 3 {
                            e.set_opt("INSTALLDATE", date(w[0], w[1], w[2]));
                        }
                    }
                    _ => {}
                }
            }
            e.has("NAME").then_some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let list = match ctx.command(&["pkg", "info"]) {
        Some(text) => parse_pkg_info(&text),
        None => parse_pkginfo(&ctx.command(&["pkginfo", "-l"]).unwrap_or_default()),
    };
    for mut e in list {
        e.set("FROM", "pkg");
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_and_svr4() {
        let p = parse_pkg_info("          Name: archiver/gnu-tar\n       Summary: GNU version of the tar archiving utility\n     Publisher: solaris\n       Version: 1.26\nLast Install Time: Fri Sep 21 10:10:27 2012\n          FMRI: pkg://solaris/archiver/gnu-tar@1.26,5.11-0.175.1.0.0.24.0:20120904T170545Z\n\n          Name: entire\n       Version: 0.5.11\n");
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0].get("VERSION"),
            Some("1.26,5.11-0.175.1.0.0.24.0:20120904T170545Z")
        );
        assert_eq!(p[0].get("INSTALLDATE"), Some("21/09/2012"));
        assert_eq!(p[1].get("VERSION"), Some("0.5.11"));
        let s = parse_pkginfo("   PKGINST:  SUNWzip\n      NAME:  The Info-Zip (zip) compression utility\n  CATEGORY:  system\n   VERSION:  11.10.0,REV=2005.01.08.05.16\n    VENDOR:  Sun Microsystems, Inc.\n      DESC:  The Info-Zip (zip) compression utility\n  INSTDATE:  Mar 12 2012 10:25\n");
        assert_eq!(s[0].get("NAME"), Some("SUNWzip"));
        assert_eq!(s[0].get("PUBLISHER"), Some("Sun Microsystems, Inc."));
        assert_eq!(s[0].get("INSTALLDATE"), Some("12/03/2012"));
    }
}
