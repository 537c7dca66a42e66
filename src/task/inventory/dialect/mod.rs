//! Which language the inventory document speaks, and for whom.
//!
//! One collected [`Inventory`] is written in three dialects:
//! - **fusion**: the FusionInventory XML (the FI 2.6 field table, `fields::SECTIONS`),
//!   what GLPI (native inventory or the FusionInventory plugin) reads;
//! - **ocs**: the OCS Inventory server's own ([`ocs`]): the section and field names its
//!   `Apache::Ocsinventory::Map` stores, filled from the same facts. The OCS server
//!   accepts the FusionInventory XML too, but silently drops every field it does not
//!   know (CPUS, NETWORKS IPv6, software dates…);
//! - **json**: GLPI's native JSON (`--json`, local output only).
//!
//! Local output (`--local`, `--stdout`) uses the `dialect` option (`fusion` unless set)
//! or `json`. A server uses `server-dialect` (see [`server_dialect`]): `auto` by default,
//! which picks `ocs` for a URL whose path ends in `/ocsinventory` (where the OCS
//! package mounts its handler, and what every OCS agent is configured with) and
//! `fusion` for anything else (GLPI's `/front/inventory.php`, `/plugins/fusioninventory/`,
//! `/marketplace/glpiinventory/`). A wrong guess cannot lose an inventory: the OCS server
//! takes the FusionInventory dialect too (with fewer columns), so an OCS server behind
//! another path is forced with `server-dialect = URL=ocs`.

pub mod fusion;
pub mod ocs;

use crate::agent::config::{Config, Origin};

use super::model::Inventory;

/// One way of writing the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Fusion,
    Ocs,
    Json,
}

impl Dialect {
    /// `fusion` (also `glpi`, `fusioninventory`), `ocs`; JSON is the `json` flag.
    pub fn parse(name: &str) -> Option<Dialect> {
        match name.trim().to_ascii_lowercase().as_str() {
            "fusion" | "fusioninventory" | "glpi" => Some(Dialect::Fusion),
            "ocs" | "ocsinventory" => Some(Dialect::Ocs),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Fusion => "fusion",
            Dialect::Ocs => "ocs",
            Dialect::Json => "json",
        }
    }

    /// The dialect of local output: `json`, else the `dialect` option, else fusion.
    pub fn local(config: &Config) -> Dialect {
        if config.flag("json") {
            return Dialect::Json;
        }
        config
            .text("dialect")
            .and_then(Dialect::parse)
            .unwrap_or(Dialect::Fusion)
    }
}

/// The dialect of server `url` from the `server-dialect` entries: the last `URL=DIALECT`
/// naming this URL, else the last bare `DIALECT` (`auto` included), else `auto`.
pub fn server_dialect(entries: &[String], url: &str) -> Result<Dialect, String> {
    let same = |u: &str| u.trim().trim_end_matches('/') == url.trim_end_matches('/');
    let mut chosen: Option<&str> = None;
    let mut for_all: Option<&str> = None;
    for entry in entries {
        match entry.rsplit_once('=') {
            Some((u, d)) if same(u) => chosen = Some(d),
            Some(_) => {}
            None => for_all = Some(entry),
        }
    }
    match chosen.or(for_all).map(str::trim) {
        None | Some("auto") => Ok(auto(url)),
        Some(name) => Dialect::parse(name).ok_or_else(|| {
            format!("unknown server dialect '{name}': expected auto, ocs or fusion")
        }),
    }
}

/// The `auto` rule: `ocs` when the URL's path ends in `/ocsinventory`.
pub fn auto(url: &str) -> Dialect {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if last.eq_ignore_ascii_case("ocsinventory") {
        Dialect::Ocs
    } else {
        Dialect::Fusion
    }
}

/// The configuration of one server's exchange: `dialect` set to the server's, so the
/// exchange renders with [`render`] like local output does.
pub fn for_server(config: &Config, url: &str) -> Config {
    let mut c = config.clone();
    // Logs show the URL without credentials.
    let shown = crate::net::client::public_url(url);
    let dialect = server_dialect(&config.list("server-dialect"), url).unwrap_or_else(|e| {
        log::warn!("server {shown}: {e}; using the fusion dialect");
        Dialect::Fusion
    });
    log::debug!("server {shown}: {} dialect", dialect.name());
    c.unset("json");
    if let Err(e) = c.set("dialect", dialect.name(), Origin::CommandLine) {
        log::warn!("server {shown}: {e}");
    }
    c
}

/// The whole document in `dialect`.
pub fn render(inv: &Inventory, dialect: Dialect, versionclient: &str) -> String {
    let mut out = Vec::new();
    let result = write(&mut out, inv, dialect, versionclient);
    debug_assert!(result.is_ok(), "writing to memory cannot fail");
    crate::source::into_text(out)
}

/// Writes the document in `dialect` to `out`.
pub fn write(
    out: &mut dyn std::io::Write,
    inv: &Inventory,
    dialect: Dialect,
    versionclient: &str,
) -> std::io::Result<()> {
    match dialect {
        Dialect::Json => out.write_all(super::json::document(inv, versionclient).as_bytes()),
        Dialect::Fusion => super::xml::write_filtered(
            out,
            &inv.deviceid,
            "INVENTORY",
            Some(inv),
            versionclient,
            &fusion::keep,
        ),
        Dialect::Ocs => {
            let translated = ocs::translate(inv);
            super::xml::write_request(
                out,
                &inv.deviceid,
                "INVENTORY",
                Some(&translated),
                versionclient,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_dialect_keeps_its_own_fields() {
        use crate::task::inventory::model::Entry;
        let mut inv = Inventory::new("h-2026-01-01-00-00-00");
        inv.single("HARDWARE").set("NAME", "h").set("UPTIME", "5");
        let mut cpu = Entry::new();
        cpu.set("NAME", "Xeon").set("L2CACHE", "1024");
        inv.add("CPUS", cpu);
        for ip in ["10.0.0.2", "10.0.0.3"] {
            let mut h = Entry::new();
            h.set("I", ip).set("M", "aa:bb:cc:dd:ee:ff").set("N", "-");
            inv.add("IPDISCOVER", h);
        }
        let ocs = render(&inv, Dialect::Ocs, "v");
        assert_eq!(ocs.matches("<IPDISCOVER>").count(), 1, "{ocs}");
        assert_eq!(ocs.matches("<H>").count(), 2, "{ocs}");
        assert!(ocs.contains("<L2CACHESIZE>1024</L2CACHESIZE>"), "{ocs}");
        assert!(ocs.contains("<BIOS/>"), "{ocs}");
        let fusion = render(&inv, Dialect::Fusion, "v");
        for extra in ["IPDISCOVER", "L2CACHE", "UPTIME", "L2CACHESIZE"] {
            assert!(!fusion.contains(extra), "{extra} in {fusion}");
        }
        assert!(fusion.contains("<NAME>Xeon</NAME>"));
    }

    #[test]
    fn auto_reads_the_path() {
        assert_eq!(auto("http://h/ocsinventory"), Dialect::Ocs);
        assert_eq!(auto("https://h:8443/ocsinventory/"), Dialect::Ocs);
        assert_eq!(auto("https://h/x/OCSInventory?a=b"), Dialect::Ocs);
        assert_eq!(auto("https://glpi/front/inventory.php"), Dialect::Fusion);
        assert_eq!(
            auto("https://glpi/plugins/fusioninventory/"),
            Dialect::Fusion
        );
        assert_eq!(auto("http://ocsinventory/"), Dialect::Fusion);
        assert_eq!(auto("ocs.example.org"), Dialect::Fusion);
    }

    #[test]
    fn per_server_entries_win() {
        let u = "https://srv/glpi";
        assert_eq!(server_dialect(&[], u), Ok(Dialect::Fusion));
        assert_eq!(server_dialect(&list(&["ocs"]), u), Ok(Dialect::Ocs));
        assert_eq!(
            server_dialect(&list(&["fusion", "https://srv/glpi/=ocs"]), u),
            Ok(Dialect::Ocs)
        );
        assert_eq!(
            server_dialect(&list(&["http://other=ocs"]), "http://h/ocsinventory"),
            Ok(Dialect::Ocs)
        );
        assert!(server_dialect(&list(&["klingon"]), u).is_err());
    }
}
