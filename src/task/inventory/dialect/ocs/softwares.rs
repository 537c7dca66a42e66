//! OCS `SOFTWARES`: the columns the server's software handler stores (NAME PUBLISHER
//! VERSION FOLDER COMMENTS FILENAME FILESIZE SOURCE GUID LANGUAGE INSTALLDATE
//! BITSWIDTH). INSTALLDATE goes into a DATETIME column: `YYYY-MM-DD HH:MM:SS` (the
//! FusionInventory `DD/MM/YYYY` is stored as `0000-00-00` there). BITSWIDTH comes from
//! the package's architecture; the publisher stays the distribution (the Perl agent
//! puts the package's home page there).

use crate::task::inventory::model::Entry;

const COPIED: &[&str] = &[
    "NAME",
    "VERSION",
    "PUBLISHER",
    "COMMENTS",
    "FOLDER",
    "FILESIZE",
    "GUID",
];

/// `DD/MM/YYYY` → `YYYY-MM-DD 00:00:00`; other shapes are left out.
pub fn day_to_datetime(v: &str) -> Option<String> {
    let p: Vec<&str> = v.split('/').collect();
    let ok = p.len() == 3
        && p.iter()
            .all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
        && p[2].len() == 4;
    ok.then(|| format!("{}-{:0>2}-{:0>2} 00:00:00", p[2], p[1], p[0]))
}

/// 64 or 32 for a package architecture; nothing for `all`/`noarch`.
pub fn bits(arch: &str) -> Option<&'static str> {
    match arch.to_ascii_lowercase().as_str() {
        "" | "all" | "noarch" | "any" => None,
        "i386" | "i486" | "i586" | "i686" | "armhf" | "armel" | "armv7hl" | "armv7h" | "mipsel"
        | "powerpc" | "x86" => Some("32"),
        a if a.contains("64") || a == "s390x" => Some("64"),
        _ => None,
    }
}

/// The OCS entry of one package.
pub fn software(e: &Entry) -> Entry {
    let mut out = Entry::new();
    for f in COPIED {
        out.set_opt(f, e.get(f));
    }
    out.set_opt(
        "INSTALLDATE",
        e.get("INSTALLTIME")
            .map(str::to_string)
            .or_else(|| e.get("INSTALLDATE").and_then(day_to_datetime)),
    )
    .set_opt("BITSWIDTH", e.get("ARCH").and_then(bits));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_widths() {
        let mut e = Entry::new();
        e.set("NAME", "adduser")
            .set("ARCH", "amd64")
            .set("INSTALLDATE", "20/04/2025");
        let s = software(&e);
        assert_eq!(s.get("INSTALLDATE"), Some("2025-04-20 00:00:00"));
        assert_eq!(s.get("BITSWIDTH"), Some("64"));
        e.set("INSTALLTIME", "2025-04-20 10:11:12")
            .set("ARCH", "all");
        let s = software(&e);
        assert_eq!(s.get("INSTALLDATE"), Some("2025-04-20 10:11:12"));
        assert_eq!(s.get("BITSWIDTH"), None);
        assert_eq!(day_to_datetime("2025-04-20"), None);
        assert_eq!(bits("armhf"), Some("32"));
    }
}
