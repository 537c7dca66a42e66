//! Arch Linux packages, from pacman's local database (`/var/lib/pacman/local/*/desc`).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

const DB: &str = "/var/lib/pacman/local";

pub const MODULE: Module = Module {
    name: "linux/softwares/pacman",
    category: "software",
    applies: |ctx| ctx.src.exists(DB),
    collect,
};

/// A `desc` file: `%FIELD%` headers, each followed by value lines.
pub fn parse_desc(text: &str, date: impl Fn(i64) -> String) -> Entry {
    let mut e = Entry::new();
    let mut field = "";
    for line in text.lines() {
        if line.starts_with('%') && line.ends_with('%') {
            field = line;
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let name = match field {
            "%NAME%" => "NAME",
            "%VERSION%" => "VERSION",
            "%DESC%" => "COMMENTS",
            "%ARCH%" => "ARCH",
            "%URL%" => "URL_INFO_ABOUT",
            "%PACKAGER%" => "PUBLISHER",
            "%SIZE%" => "FILESIZE",
            "%INSTALLDATE%" => {
                e.set_opt("INSTALLDATE", line.parse::<i64>().ok().map(&date));
                continue;
            }
            _ => continue,
        };
        e.set(name, line);
    }
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for dir in ctx.src.list_dir(DB).unwrap_or_default() {
        let Some(text) = ctx.src.read_text(&format!("{DB}/{dir}/desc")) else {
            continue;
        };
        let mut e = parse_desc(&text, |t| super::install_date(ctx, t));
        if e.get("NAME").is_some() {
            e.set("FROM", "pacman");
            inv.add("SOFTWARES", e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desc() {
        let e = parse_desc(
            "%NAME%\nbash\n\n%VERSION%\n5.2-1\n\n%INSTALLDATE%\n1700000000\n",
            |t| t.to_string(),
        );
        assert_eq!(e.get("NAME"), Some("bash"));
        assert_eq!(e.get("INSTALLDATE"), Some("1700000000"));
    }
}
