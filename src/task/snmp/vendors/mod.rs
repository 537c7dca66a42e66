//! Vendor rules, one vendor per file: what a vendor's devices say in their own MIBs (a
//! model name, a serial, firmware versions, port names), or what they say wrongly in the
//! standard ones. Each rule says when it applies (a sysObjectID prefix, a MIB the device
//! lists in sysORID, a sysDescr word) and what it changes once the generic inventory is
//! built. Adding a vendor is adding a file and a line in [`RULES`].

use crate::snmp::identify::Identity;
use crate::snmp::oid::{oid, Oid};
use crate::snmp::table::OidTable;

use super::model::Device;

/// What a rule gets to decide whether it applies.
pub struct Context<'a> {
    pub table: &'a OidTable,
    pub identity: &'a Identity,
    pub sysobjectid: Option<Oid>,
    pub sysdescr: String,
}

impl<'a> Context<'a> {
    pub fn new(table: &'a OidTable, identity: &'a Identity) -> Context<'a> {
        Context {
            table,
            identity,
            sysobjectid: table
                .get(&oid("1.3.6.1.2.1.1.2.0"))
                .and_then(|v| v.as_oid())
                .cloned(),
            sysdescr: identity.description.clone().unwrap_or_default(),
        }
    }

    /// The sysObjectID lies under `prefix`.
    pub fn under(&self, prefix: &str) -> bool {
        self.sysobjectid
            .as_ref()
            .is_some_and(|o| o.starts_with(&oid(prefix)))
    }

    /// The device lists `mib` among its sysORIDs.
    pub fn supports(&self, mib: &str) -> bool {
        let m = oid(mib);
        self.table
            .subtree(&oid("1.3.6.1.2.1.1.9.1.2"))
            .any(|(_, v)| v.as_oid().is_some_and(|o| o.starts_with(&m)))
    }

    /// The device has some value under `base`.
    pub fn has(&self, base: &str) -> bool {
        self.table.subtree(&oid(base)).next().is_some()
    }
}

/// One vendor's rule.
pub struct Rule {
    pub name: &'static str,
    pub applies: fn(&Context) -> bool,
    /// Corrections to INFO (model, serial, name…), before the ports are read.
    pub identity: fn(&Context, &mut Device),
    /// Changes to the finished inventory (ports, components, firmwares…).
    pub inventory: fn(&Context, &mut Device),
}

/// A rule step that changes nothing.
pub fn nothing(_: &Context, _: &mut Device) {}

/// The vendor rules, in the order they run.
pub const RULES: &[Rule] = &[];

/// Runs the identity step of every rule that applies.
pub fn identity(ctx: &Context, dev: &mut Device) {
    for r in RULES.iter().filter(|r| (r.applies)(ctx)) {
        log::debug!("vendor rule {} applies", r.name);
        (r.identity)(ctx, dev);
    }
}

/// Runs the inventory step of every rule that applies.
pub fn inventory(ctx: &Context, dev: &mut Device) {
    for r in RULES.iter().filter(|r| (r.applies)(ctx)) {
        (r.inventory)(ctx, dev);
    }
}
