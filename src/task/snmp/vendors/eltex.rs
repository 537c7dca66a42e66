//! Eltex switches (sysObjectID under `35265`): their dot3StatsDuplexStatus has rows for
//! interfaces ifTable does not list; the ports those rows create are dropped.

use super::super::model::Device;
use super::{no_identity, Context, Rule};

pub const RULE: Rule = Rule {
    name: "eltex",
    reads: &[],
    applies: |c| c.under("1.3.6.1.4.1.35265"),
    identity: no_identity,
    inventory,
};

fn inventory(_: &Context, dev: &mut Device) {
    dev.ports.retain(|_, p| p.fields.contains_key("IFNUMBER"));
}
