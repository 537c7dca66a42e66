//! The sysObjectID database: which vendor, kind and model an `enterprises.X.Y…` id
//! names. The format is the FusionInventory/GLPI agents' `sysobject.ids` (tab separated
//! `id, manufacturer, type, model[, module]`, ids relative to `1.3.6.1.4.1`), so the file
//! those agents install (and keep up to date) is read when present; without it a small
//! built-in table of enterprise numbers still names the vendor.

use std::collections::HashMap;
use std::path::Path;

use crate::snmp::oid::Oid;

/// Where the agents' packages install the database.
pub const SYSTEM_FILES: &[&str] = &[
    "/usr/share/glpi-agent/sysobject.ids",
    "/usr/share/fusioninventory/sysobject.ids",
    "/usr/local/share/fusioninventory/sysobject.ids",
];

/// `1.3.6.1.4.1`, below which every sysObjectID of a vendor lies.
const ENTERPRISES: &[u32] = &[1, 3, 6, 1, 4, 1];

/// One database row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub manufacturer: Option<String>,
    pub kind: Option<String>,
    pub model: Option<String>,
    /// The vendor rule the row names (the upstream module name, e.g. `HewlettPackard`).
    pub module: Option<String>,
}

/// The ids → rows map.
#[derive(Clone, Debug, Default)]
pub struct SysObjectDb {
    rows: HashMap<String, Entry>,
}

impl SysObjectDb {
    /// Parses the text of a `sysobject.ids` file (comments and malformed rows skipped).
    pub fn parse(text: &str) -> SysObjectDb {
        SysObjectDb::parse_only(text, |_| true)
    }

    /// Parses only the rows whose id `keep` accepts: the database is thousands of rows,
    /// an inventory needs a few.
    pub fn parse_only(text: &str, keep: impl Fn(&str) -> bool) -> SysObjectDb {
        let mut rows = HashMap::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut f = line.trim_end_matches('\r').split('\t');
            let Some(id) = f.next().map(str::trim) else {
                continue;
            };
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit() || c == '.') || !keep(id) {
                continue;
            }
            let mut field = || {
                f.next()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let entry = Entry {
                manufacturer: field(),
                kind: field(),
                model: field(),
                module: field(),
            };
            rows.insert(id.to_string(), entry);
        }
        SysObjectDb { rows }
    }

    /// Reads a database file.
    pub fn load(path: &Path) -> Result<SysObjectDb, String> {
        std::fs::read_to_string(path)
            .map(|t| SysObjectDb::parse(&t))
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The installed database of the system, if any; else the built-in vendor table.
    pub fn system() -> SysObjectDb {
        for f in SYSTEM_FILES {
            if let Ok(db) = SysObjectDb::load(Path::new(f)) {
                return db;
            }
        }
        SysObjectDb::builtin()
    }

    /// The rows of the system's database (else the built-in table) that can answer for
    /// these sysObjectIDs: each one's exact id and its vendor's.
    pub fn system_for(ids: &[Oid]) -> SysObjectDb {
        let mut wanted: Vec<String> = Vec::new();
        for id in ids {
            if let Some(rest) = id.suffix(&Oid(ENTERPRISES.to_vec())) {
                if let Some(v) = rest.first() {
                    wanted.push(v.to_string());
                }
                wanted.push(
                    rest.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join("."),
                );
            }
        }
        for f in SYSTEM_FILES {
            if let Ok(text) = std::fs::read_to_string(f) {
                return SysObjectDb::parse_only(&text, |id| wanted.iter().any(|w| w == id));
            }
        }
        SysObjectDb::builtin()
    }

    /// The built-in table: enterprise numbers → vendor (and kind where a vendor makes one
    /// kind of device).
    pub fn builtin() -> SysObjectDb {
        let mut rows = HashMap::new();
        for (id, manufacturer, kind) in super::enterprises::ENTERPRISES {
            rows.insert(
                id.to_string(),
                Entry {
                    manufacturer: Some(manufacturer.to_string()),
                    kind: kind.map(str::to_string),
                    ..Entry::default()
                },
            );
        }
        SysObjectDb { rows }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row for a sysObjectID: the exact id, else the vendor's (enterprise number)
    /// row, as the reference agents look it up. `None` outside `enterprises`.
    pub fn lookup(&self, id: &Oid) -> Option<&Entry> {
        let rest = id.suffix(&Oid(ENTERPRISES.to_vec()))?;
        let vendor = rest.first()?;
        let full = rest
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        self.rows
            .get(&full)
            .or_else(|| self.rows.get(&vendor.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    #[test]
    fn parse_and_lookup() {
        let db = SysObjectDb::parse(
            "# comment\n\n11\tHewlett-Packard\n11.2.3.7.11.50\tHewlett-Packard\tNETWORKING\tProCurve 5406zl (J8697A)\tHewlettPackard\nbad line\n",
        );
        assert_eq!(db.len(), 2);
        let e = db.lookup(&oid("1.3.6.1.4.1.11.2.3.7.11.50")).unwrap();
        assert_eq!(e.model.as_deref(), Some("ProCurve 5406zl (J8697A)"));
        assert_eq!(e.module.as_deref(), Some("HewlettPackard"));
        let e = db.lookup(&oid("1.3.6.1.4.1.11.2.3.7.11.99")).unwrap();
        assert_eq!(e.manufacturer.as_deref(), Some("Hewlett-Packard"));
        assert_eq!(e.kind, None);
        assert!(db.lookup(&oid("1.3.6.1.4.1.99999.1")).is_none());
        assert!(db.lookup(&oid("1.3.6.1.2.1")).is_none());
        let only = SysObjectDb::parse_only("11\tHewlett-Packard\n9\tCisco\tNETWORKING\n", |id| {
            id == "9"
        });
        assert_eq!(only.len(), 1);
        assert!(SysObjectDb::builtin()
            .lookup(&oid("1.3.6.1.4.1.9.1.516"))
            .is_some());
    }
}
