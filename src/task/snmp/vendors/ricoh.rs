//! Ricoh printers (sysObjectID under `367.1.1`): the model is the Printer-MIB printer
//! name, the host name Ricoh's own one unless it only repeats the model.

use crate::snmp::canonical;

use super::{no_inventory, Context, Overrides, Rule};

const PRINTER_NAME: &str = "1.3.6.1.2.1.43.5.1.1.16.1";
const HOSTNAME: &str = "1.3.6.1.4.1.367.3.2.1.6.1.1.7.1";

pub const RULE: Rule = Rule {
    name: "ricoh-printer",
    reads: &["1.3.6.1.2.1.43.5.1.1.16", "1.3.6.1.4.1.367.3.2.1.6.1.1.7"],
    applies: |c| c.under("1.3.6.1.4.1.367.1.1"),
    identity,
    inventory: no_inventory,
};

fn identity(c: &Context, o: &mut Overrides) {
    o.model = c.get(PRINTER_NAME).and_then(canonical::text);
    let model = o.model.clone().or_else(|| c.identity.model.clone());
    o.name = c
        .get(HOSTNAME)
        .and_then(canonical::text)
        .filter(|h| model.as_ref().is_none_or(|m| *h != format!("RICOH {m}")));
}
