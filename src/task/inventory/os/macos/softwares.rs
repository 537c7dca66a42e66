//! SOFTWARES on macOS: the applications `system_profiler SPApplicationsDataType` lists
//! (its XML form first: dates there do not depend on the locale), with where they lie
//! (SYSTEM_CATEGORY) and whose home folder holds them (USERNAME).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::plist;
use super::system_profiler::{self as sp, Sp, Tree};

pub const MODULE: Module = Module {
    name: "macos/softwares",
    category: "software",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// `2/20/11 3:34 PM` (US short date) → `20/02/2011`; anything else (another locale's
/// date) is kept as written.
pub fn install_date(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    let parts: Vec<&str> = first.split('/').collect();
    let ok = parts.len() == 3
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && parts[2].len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        return text.to_string();
    }
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    if !(1..=12).contains(&n(parts[0])) || !(1..=31).contains(&n(parts[1])) {
        return text.to_string();
    }
    format!(
        "{:02}/{:02}/{}",
        n(parts[1]),
        n(parts[0]),
        2000 + n(parts[2])
    )
}

/// (SYSTEM_CATEGORY, USERNAME) from an application's location: the first two folders
/// of its path (one when it lies less deep), under `/Volumes/<volume>/` the same, and
/// under `/Users/<user>/` the folders after the user's (none for Downloads/Desktop).
pub fn category_and_user(location: &str) -> (String, String) {
    let Some(rest) = location.strip_prefix('/') else {
        return (String::new(), String::new());
    };
    // folders followed by something: the last component is the application itself
    let dirs = |s: &str| -> Vec<String> {
        let comps: Vec<&str> = s.split('/').collect();
        comps[..comps.len().saturating_sub(1)]
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    let take = |d: &[String]| -> Option<String> {
        if d.len() >= 2 && !d[0].is_empty() && !d[1].is_empty() {
            Some(format!("{}/{}", d[0], d[1]))
        } else if !d.is_empty() && !d[0].is_empty() {
            Some(d[0].clone())
        } else {
            None
        }
    };
    if let Some(home) = rest.strip_prefix("Users/") {
        let d = dirs(home);
        if d.len() >= 2 && !d[0].is_empty() {
            let user = d[0].clone();
            let category = take(&d[1..]).unwrap_or_default();
            if category.starts_with("Downloads") || category.starts_with("Desktop") {
                return (String::new(), user);
            }
            return (category, user);
        }
    }
    if let Some(vol) = rest.strip_prefix("Volumes/") {
        if let Some((_, inner)) = vol.split_once('/') {
            if let Some(c) = take(&dirs(inner)) {
                return (c, String::new());
            }
        }
    }
    (take(&dirs(rest)).unwrap_or_default(), String::new())
}

/// The applications of the `Applications` section.
pub fn softwares(tree: &Tree) -> Vec<Entry> {
    let Some(apps) = sp::section(tree, &["Applications"]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, app) in sp::sections(apps) {
        let info = sp::text(app, "Get Info String");
        // Windows programs seen through Parallels: `name, C:\…`
        if info.is_some_and(|i| {
            i.split_once(", ").is_some_and(|(a, b)| {
                !a.contains(char::is_whitespace) && {
                    let b = b.as_bytes();
                    b.len() >= 3 && b[0].is_ascii_uppercase() && b[1] == b':' && b[2] == b'\\'
                }
            })
        }) {
            continue;
        }
        let mut e = Entry::new();
        e.set("NAME", name.as_str())
            .set_opt("VERSION", sp::text(app, "Version"))
            .set_opt("COMMENTS", sp::text(app, "Kind").map(|k| format!("[{k}]")))
            .set_opt("PUBLISHER", info)
            .set_opt(
                "INSTALLDATE",
                sp::text(app, "Last Modified").map(install_date),
            );
        let (category, user) = category_and_user(sp::text(app, "Location").unwrap_or(""));
        e.set("SYSTEM_CATEGORY", category).set("USERNAME", user);
        out.push(e);
    }
    out
}

/// `2011-02-20T14:34:56Z` shifted by `offset` seconds → `20/02/2011`.
pub fn iso_date(text: &str, offset: i32) -> Option<String> {
    let t = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%SZ").ok()?;
    let local = t + chrono::Duration::seconds(i64::from(offset));
    Some(local.format("%d/%m/%Y").to_string())
}

/// The applications of `system_profiler -xml SPApplicationsDataType` (dates in ISO form,
/// whatever the locale), turned into the text tree's keys; `None` when it is not XML.
pub fn tree_from_xml(text: &str, offset: i32) -> Option<Tree> {
    let doc = plist::parse(text)?;
    let top = plist::top_dict(&doc)?;
    let mut apps = Tree::new();
    for d in plist::dicts_under(top, "_items") {
        let it = plist::item(d);
        let Some(name) = it.get("_name").filter(|n| !n.is_empty()) else {
            continue;
        };
        let mut app = Tree::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                app.insert(k.to_string(), Sp::Text(v));
            }
        };
        put("Version", it.get("version").cloned());
        put("Location", it.get("path").cloned());
        put("Get Info String", it.get("info").cloned());
        put(
            "Kind",
            it.get("runtime_environment").map(|k| match k.as_str() {
                "arch_x86" => "Intel".to_string(),
                "arch_arm_i64" => "Apple Silicon".to_string(),
                other => {
                    let mut c = other.chars();
                    c.next().map_or(String::new(), |f| {
                        f.to_uppercase().collect::<String>() + c.as_str()
                    })
                }
            }),
        );
        put(
            "Last Modified",
            it.get("lastModified").and_then(|d| iso_date(d, offset)),
        );
        let mut key = name.clone();
        let mut i = 0;
        while apps.contains_key(&key) {
            key = format!("{name}_{i}");
            i += 1;
        }
        apps.insert(key, Sp::Section(Some(app)));
    }
    let mut tree = Tree::new();
    tree.insert("Applications".into(), Sp::Section(Some(apps)));
    Some(tree)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let tree = ctx
        .command(&[
            "/usr/sbin/system_profiler",
            "-xml",
            "SPApplicationsDataType",
        ])
        .and_then(|t| tree_from_xml(&t, ctx.clock.offset))
        .or_else(|| {
            ctx.command(&["/usr/sbin/system_profiler", "SPApplicationsDataType"])
                .map(|t| sp::parse(&t))
        });
    let Some(tree) = tree else {
        return;
    };
    for mut e in softwares(&tree) {
        e.set("FROM", "mac");
        inv.add("SOFTWARES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        let c = |p: &str| category_and_user(p);
        assert_eq!(
            c("/Applications/Utilities/Expose.app").0,
            "Applications/Utilities"
        );
        assert_eq!(c("/Applications/Safari.app").0, "Applications");
        assert_eq!(
            c("/Users/lubrano/Library/Printers/g-coul.app"),
            ("Library/Printers".into(), "lubrano".into())
        );
        assert_eq!(c("/Users/bob/Downloads/X.app"), ("".into(), "bob".into()));
        assert_eq!(c("/Volumes/Disk/Apps/X.app").0, "Apps");
        assert_eq!(c(""), ("".into(), "".into()));
        assert_eq!(install_date("2/20/11 3:34 PM"), "20/02/2011");
        assert_eq!(install_date("20.02.11"), "20.02.11");
        assert_eq!(
            install_date("20/02/11 15:34"),
            "20/02/11 15:34",
            "not a US date"
        );
    }

    #[test]
    fn applications_from_xml() {
        let xml = "<plist version=\"1.0\"><array><dict><key>_items</key><array><dict><key>_name</key><string>Safari</string><key>lastModified</key><date>2011-02-20T23:34:56Z</date><key>path</key><string>/Applications/Safari.app</string><key>runtime_environment</key><string>arch_x86</string><key>version</key><string>5.0.3</string></dict><dict><key>_name</key><string>Safari</string><key>version</key><string>4</string></dict></array></dict></array></plist>";
        let t = tree_from_xml(xml, 3600).unwrap();
        let s = softwares(&t);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("INSTALLDATE"), Some("21/02/2011"), "local date");
        assert_eq!(s[0].get("COMMENTS"), Some("[Intel]"));
        assert_eq!(s[0].get("SYSTEM_CATEGORY"), Some("Applications"));
        assert_eq!(s[1].get("NAME"), Some("Safari_0"));
        assert!(tree_from_xml("not xml", 0).is_none());
    }

    #[test]
    fn applications() {
        let t = sp::parse("Applications:\n\n    Exposé:\n\n      Version: 1.1\n      Last Modified: 2/20/11 3:34 PM\n      Location: /Applications/Utilities/Expose.app\n      Kind: Universal\n\n    Win:\n\n      Get Info String: notepad, C:\\Windows\\notepad.exe\n");
        let s = softwares(&t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].get("COMMENTS"), Some("[Universal]"));
        assert_eq!(s[0].get("INSTALLDATE"), Some("20/02/2011"));
    }
}
