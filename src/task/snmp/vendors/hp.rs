//! HP/Aruba ProCurve switches (sysObjectID under hpEtherSwitch `11.2.3.7.11`): the ROM
//! version and serial number of the HTTP management MIB (hpHttpMgNetCitizen), and the
//! management software version as a second firmware.

use crate::snmp::canonical;

use super::super::model::{Device, Fields};
use super::{Context, Overrides, Rule};

const NET_CITIZEN: &str = "1.3.6.1.4.1.11.2.36.1.1.2";

pub const RULE: Rule = Rule {
    name: "hp-etherswitch",
    reads: &["1.3.6.1.4.1.11.2.36.1.1.2"],
    applies: |c| c.under("1.3.6.1.4.1.11.2.3.7.11"),
    identity,
    inventory,
};

fn identity(c: &Context, o: &mut Overrides) {
    o.firmware = c
        .get(&format!("{NET_CITIZEN}.8.0"))
        .and_then(canonical::text);
    o.serial = c
        .get(&format!("{NET_CITIZEN}.9.0"))
        .and_then(canonical::serial);
}

fn inventory(c: &Context, dev: &mut Device) {
    let Some(version) = c
        .get(&format!("{NET_CITIZEN}.6.0"))
        .and_then(canonical::text)
    else {
        return;
    };
    let mut f = Fields::new();
    f.insert("NAME".into(), "HP-HttpMg-Version".into());
    f.insert(
        "DESCRIPTION".into(),
        "HP Web Management Software version".into(),
    );
    f.insert("TYPE".into(), "system".into());
    f.insert("VERSION".into(), version);
    f.insert("MANUFACTURER".into(), "HP".into());
    dev.firmwares.push(f);
}
