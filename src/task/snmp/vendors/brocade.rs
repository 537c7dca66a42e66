//! Brocade (ex-Foundry) switches (sysObjectID under `1991`): the chassis serial
//! (snChasSerNum) and the running image version (snAgImgVer) of the Foundry MIB.

use crate::snmp::canonical;

use super::{no_inventory, Context, Overrides, Rule};

const SERIAL: &str = "1.3.6.1.4.1.1991.1.1.1.1.2.0";
const IMAGE_VERSION: &str = "1.3.6.1.4.1.1991.1.1.2.1.11.0";

pub const RULE: Rule = Rule {
    name: "brocade-switch",
    reads: &["1.3.6.1.4.1.1991.1.1.1.1.2", "1.3.6.1.4.1.1991.1.1.2.1.11"],
    applies: |c| c.under("1.3.6.1.4.1.1991"),
    identity,
    inventory: no_inventory,
};

fn identity(c: &Context, o: &mut Overrides) {
    o.serial = c.get(SERIAL).and_then(canonical::serial);
    o.firmware = c.get(IMAGE_VERSION).and_then(canonical::text);
}
