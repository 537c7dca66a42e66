//! TRUNK: whether a port carries several VLANs tagged — Cisco's negotiated trunk status,
//! Juniper's port mode, or (from LLDP-EXT-DOT1) a port without a port VLAN id.

use std::collections::BTreeMap;

use crate::snmp::table::OidTable;

use super::super::model::Device;
use super::{column, single};

const CISCO_TRUNK: &str = "1.3.6.1.4.1.9.9.46.1.6.1.1.14";
const JUNIPER_MODE: &str = "1.3.6.1.4.1.2636.3.40.1.5.1.7.1.5";
const LLDP_PVID: &str = "1.0.8802.1.1.2.1.5.32962.1.2.1.1.1";
const BASE_PORT_IFINDEX: &str = "1.3.6.1.2.1.17.1.4.1.2";

/// Trunk flags by ifIndex.
pub fn trunks(table: &OidTable) -> BTreeMap<u64, bool> {
    let mut out = BTreeMap::new();
    let cisco = column(table, CISCO_TRUNK);
    if !cisco.is_empty() {
        for (index, v) in cisco {
            if let Some(i) = single(&index) {
                out.insert(i, v.as_u64() == Some(1));
            }
        }
        return out;
    }
    let base = column(table, BASE_PORT_IFINDEX);
    let to_if = |port: u32| base.get(&vec![port]).and_then(|v| v.as_u64());
    let juniper = column(table, JUNIPER_MODE);
    if !juniper.is_empty() {
        for (index, v) in juniper {
            if let Some(i) = index.last().and_then(|p| to_if(*p)) {
                out.insert(i, v.as_u64() == Some(2));
            }
        }
        return out;
    }
    for (index, v) in column(table, LLDP_PVID) {
        let Some(port) = single(&index) else { continue };
        let i = u32::try_from(port).ok().and_then(to_if).unwrap_or(port);
        out.insert(i, v.as_u64() == Some(0));
    }
    out
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    for (i, trunk) in trunks(table) {
        // An unknown interface is skipped (the reference agents stop at the first one,
        // found in hash order, so what they keep varies from run to run).
        if let Some(p) = dev.ports.get_mut(&i) {
            p.fields
                .insert("TRUNK".into(), if trunk { "1" } else { "0" }.into());
        }
    }
}
