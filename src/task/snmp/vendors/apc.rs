//! UPSes and PDUs: APC (PowerNet MIB), Riello, and any device whose sysObjectID is in the
//! UPS-MIB. Model, serial, firmware and vendor come from UPS-MIB's identity group or
//! PowerNet's (`upsAdvIdent…`, `sPDUIdent…`); the TYPE is NETWORKING, as the reference
//! agents send it, so that servers import their network ports.

use crate::snmp::canonical;

use super::{no_inventory, Context, Overrides, Rule};

const UPS_MANUFACTURER: &str = "1.3.6.1.2.1.33.1.1.1.0";
const UPS_MODEL: &str = "1.3.6.1.2.1.33.1.1.2.0";
const UPS_SOFTWARE: &str = "1.3.6.1.2.1.33.1.1.3.0";
const APC_UPS_SERIAL: &str = "1.3.6.1.4.1.318.1.1.1.1.2.3.0";
const APC_PDU_FIRMWARE: &str = "1.3.6.1.4.1.318.1.1.4.1.2.0";
const APC_PDU_MODEL: &str = "1.3.6.1.4.1.318.1.1.4.1.4.0";
const APC_PDU_SERIAL: &str = "1.3.6.1.4.1.318.1.1.4.1.5.0";

pub const RULE: Rule = Rule {
    name: "ups",
    reads: &[
        "1.3.6.1.2.1.33.1.1",
        "1.3.6.1.4.1.318.1.1.1.1.2.3",
        "1.3.6.1.4.1.318.1.1.4.1",
    ],
    applies: |c| {
        c.under("1.3.6.1.4.1.318") || c.under("1.3.6.1.4.1.5491") || c.under("1.3.6.1.2.1.33")
    },
    identity,
    inventory: no_inventory,
};

fn first(
    c: &Context,
    oids: &[&str],
    clean: fn(&crate::snmp::Value) -> Option<String>,
) -> Option<String> {
    oids.iter().find_map(|o| c.get(o).and_then(clean))
}

fn identity(c: &Context, o: &mut Overrides) {
    o.kind = Some("NETWORKING".into());
    o.model = first(c, &[UPS_MODEL, APC_PDU_MODEL], canonical::text);
    o.serial = first(c, &[APC_UPS_SERIAL, APC_PDU_SERIAL], canonical::serial);
    o.firmware = first(c, &[UPS_SOFTWARE, APC_PDU_FIRMWARE], canonical::text);
    o.manufacturer = c.get(UPS_MANUFACTURER).and_then(canonical::text);
}
