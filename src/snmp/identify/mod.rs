//! What a device is: its kind (TYPE: NETWORKING, PRINTER, POWER, STORAGE, COMPUTER…),
//! vendor and model, from what any SNMP agent answers (sysObjectID, sysDescr, a few
//! standard MIB objects). Shared by the network discovery and the SNMP inventory, so both
//! name a device the same way.
//!
//! Order, as the reference agents do it: the sysObjectID database ([`sysobject`]) first;
//! then, for what it left open, the sysDescr's first word and telling words
//! ([`sysdescr`]); then a printer is recognised by its Printer-MIB supplies or its first
//! hrDevice; the model falls back on the standard model objects (hrDeviceDescr for a
//! printer, UPS-MIB for a UPS, entPhysicalModelName otherwise).

pub mod enterprises;
pub mod sysdescr;
pub mod sysobject;

use crate::snmp::canonical;
use crate::snmp::oid::oid;
use crate::snmp::table::OidTable;

pub use sysobject::SysObjectDb;

pub const SYS_DESCR: &str = "1.3.6.1.2.1.1.1.0";
pub const SYS_OBJECT_ID: &str = "1.3.6.1.2.1.1.2.0";
/// prtMarkerSuppliesDescription.1.1: only printers have it.
const PRINTER_SUPPLY: &str = "1.3.6.1.2.1.43.11.1.1.6.1.1";
/// hrDeviceDescr.1: a printer's model on many printers.
const HR_DEVICE_DESCR_1: &str = "1.3.6.1.2.1.25.3.2.1.3.1";
/// upsIdentModel.
const UPS_MODEL: &str = "1.3.6.1.2.1.33.1.1.5.0";
/// entPhysicalModelName.1: the chassis's model.
const ENTITY_MODEL_1: &str = "1.3.6.1.2.1.47.1.1.1.1.13.1";
/// prtInputVendorName.1.1: a printer's vendor.
const PRINTER_VENDOR: &str = "1.3.6.1.2.1.43.8.2.1.14.1.1";

/// The OIDs [`identify`] reads, for a live device's first request.
pub const OIDS: &[&str] = &[
    SYS_DESCR,
    SYS_OBJECT_ID,
    PRINTER_SUPPLY,
    HR_DEVICE_DESCR_1,
    UPS_MODEL,
    ENTITY_MODEL_1,
    PRINTER_VENDOR,
];

/// What a device is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// TYPE as the servers know it: NETWORKING, PRINTER, POWER, STORAGE, COMPUTER, PHONE…
    pub kind: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// The vendor rule the database names for this id, if any.
    pub module: Option<String>,
    /// The sysDescr, cleaned.
    pub description: Option<String>,
}

/// Identifies the device whose values are in `table`.
pub fn identify(table: &OidTable, db: &SysObjectDb) -> Identity {
    let mut id = Identity::default();
    if let Some(entry) = table
        .get(&oid(SYS_OBJECT_ID))
        .and_then(|v| v.as_oid())
        .and_then(|o| db.lookup(o))
    {
        id.kind = entry.kind.clone();
        id.model = entry.model.clone();
        id.manufacturer = entry.manufacturer.clone();
        id.module = entry.module.clone();
    }
    let descr = table.get(&oid(SYS_DESCR)).and_then(canonical::string);
    if let Some(d) = descr.as_deref().filter(|d| !d.is_empty()) {
        if id.manufacturer.is_none() || id.kind.is_none() {
            if let Some((m, k)) = sysdescr::first_word(d) {
                id.manufacturer.get_or_insert_with(|| m.to_string());
                if let Some(k) = k {
                    id.kind.get_or_insert_with(|| k.to_string());
                }
            }
            if let Some((m, k)) = sysdescr::rules(d) {
                if let Some(m) = m {
                    id.manufacturer.get_or_insert_with(|| m.to_string());
                }
                id.kind.get_or_insert_with(|| k.to_string());
            }
        }
    }
    id.description = descr;
    let has = |o: &str| {
        table
            .get(&oid(o))
            .and_then(canonical::string)
            .is_some_and(|s| !s.is_empty() && s != "0")
    };
    if id.kind.is_none() && (has(PRINTER_SUPPLY) || has(HR_DEVICE_DESCR_1)) {
        id.kind = Some("PRINTER".into());
    }
    if id.model.is_none() {
        let from = match id.kind.as_deref() {
            Some("PRINTER") => HR_DEVICE_DESCR_1,
            Some("POWER") => UPS_MODEL,
            _ => ENTITY_MODEL_1,
        };
        id.model = table.get(&oid(from)).and_then(canonical::string);
    }
    if id.manufacturer.is_none() {
        id.manufacturer = table.get(&oid(PRINTER_VENDOR)).and_then(canonical::text);
    }
    if let Some(m) = &id.model {
        if m.split_whitespace()
            .next()
            .map(str::to_lowercase)
            .as_deref()
            == Some("dell")
        {
            id.manufacturer = Some("Dell".into());
        }
    }
    id.model = id
        .model
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::walkfile;

    #[test]
    fn identifies_from_database_then_sysdescr() {
        let db = SysObjectDb::parse("11\tHewlett-Packard\n11.2.3.7.11.50\tHewlett-Packard\tNETWORKING\tProCurve 5406zl (J8697A)\n367\tRicoh\tPRINTER\n");
        let w = walkfile::parse(
            ".1.3.6.1.2.1.1.1.0 = STRING: \"ProCurve J8697A Switch 5406zl\"\n.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.11.2.3.7.11.50\n",
        );
        let id = identify(&w.table, &db);
        assert_eq!(id.kind.as_deref(), Some("NETWORKING"));
        assert_eq!(id.manufacturer.as_deref(), Some("Hewlett-Packard"));
        assert_eq!(id.model.as_deref(), Some("ProCurve 5406zl (J8697A)"));

        let w = walkfile::parse(
            ".1.3.6.1.2.1.1.1.0 = STRING: \"RICOH Aficio MP 171\"\n.1.3.6.1.2.1.25.3.2.1.3.1 = STRING: \"RICOH Aficio MP 171 1.00\"\n",
        );
        let id = identify(&w.table, &SysObjectDb::default());
        assert_eq!(id.kind.as_deref(), Some("PRINTER"));
        assert_eq!(id.manufacturer.as_deref(), Some("Ricoh"));
        assert_eq!(id.model.as_deref(), Some("RICOH Aficio MP 171 1.00"));

        let w = walkfile::parse(".1.3.6.1.2.1.1.1.0 = STRING: \"Linux box 6.1\"\n");
        let id = identify(&w.table, &SysObjectDb::default());
        assert_eq!(id.kind, None);
        assert_eq!(id.description.as_deref(), Some("Linux box 6.1"));
        assert_eq!(
            identify(&OidTable::new(), &SysObjectDb::default()),
            Identity::default()
        );
    }
}
