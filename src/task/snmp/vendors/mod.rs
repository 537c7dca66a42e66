//! Vendor rules, one vendor per file: what a vendor's devices say in their own MIBs (a
//! model name, a serial, firmware versions, port names), or what they say wrongly in the
//! standard ones. Each rule says when it applies (a sysObjectID prefix, a MIB the device
//! lists in sysORID, a sysDescr word) and what it changes once the generic inventory is
//! built. Adding a vendor is adding a file and a line in [`RULES`].

use crate::snmp::identify::Identity;
use crate::snmp::oid::{oid, Oid};
use crate::snmp::table::OidTable;

use super::model::Device;

pub mod apc;
pub mod brocade;
pub mod eltex;
pub mod force10;
pub mod hp;
pub mod ricoh;
pub mod ubiquiti;

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
            .below(&oid("1.3.6.1.2.1.1.9.1.2"))
            .any(|(_, v)| v.as_oid() == Some(&m))
    }

    /// The value at `o`.
    pub fn get(&self, o: &str) -> Option<&crate::snmp::value::Value> {
        self.table.get(&oid(o))
    }

    /// The device has some value under `base`.
    pub fn has(&self, base: &str) -> bool {
        self.table.subtree(&oid(base)).next().is_some()
    }
}

/// What a vendor's own MIB says better than the standard ones; each set field wins over
/// the generic INFO value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    pub kind: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub mac: Option<String>,
}

/// One vendor's rule.
pub struct Rule {
    pub name: &'static str,
    /// The subtrees and scalars (walked alike) the rule reads, for a live device.
    pub reads: &'static [&'static str],
    pub applies: fn(&Context) -> bool,
    /// INFO values from the vendor's MIB (model, serial, firmware…).
    pub identity: fn(&Context, &mut Overrides),
    /// Changes to the finished inventory (ports, components, firmwares…).
    pub inventory: fn(&Context, &mut Device),
}

/// An identity step that says nothing.
pub fn no_identity(_: &Context, _: &mut Overrides) {}

/// An inventory step that changes nothing.
pub fn no_inventory(_: &Context, _: &mut Device) {}

/// The vendor rules, in the order they run.
pub const RULES: &[Rule] = &[
    apc::RULE,
    brocade::RULE,
    eltex::RULE,
    force10::RULE,
    hp::RULE,
    ricoh::RULE,
    ubiquiti::RULE,
];

/// What every rule reads.
pub fn reads() -> impl Iterator<Item = &'static str> {
    RULES.iter().flat_map(|r| r.reads.iter().copied())
}

/// The identity overrides of every rule that applies (an earlier rule's value stays).
pub fn identity(ctx: &Context) -> Overrides {
    let mut out = Overrides::default();
    for r in RULES.iter().filter(|r| (r.applies)(ctx)) {
        log::debug!("vendor rule {} applies", r.name);
        let mut o = Overrides::default();
        (r.identity)(ctx, &mut o);
        out.kind = out.kind.or(o.kind);
        out.manufacturer = out.manufacturer.or(o.manufacturer);
        out.model = out.model.or(o.model);
        out.name = out.name.or(o.name);
        out.serial = out.serial.or(o.serial);
        out.firmware = out.firmware.or(o.firmware);
        out.mac = out.mac.or(o.mac);
    }
    out
}

/// Runs the inventory step of every rule that applies.
pub fn inventory(ctx: &Context, dev: &mut Device) {
    for r in RULES.iter().filter(|r| (r.applies)(ctx)) {
        (r.inventory)(ctx, dev);
    }
}
