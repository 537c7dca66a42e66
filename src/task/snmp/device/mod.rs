//! The device inventory as pure functions of what was read from the device (an
//! [`OidTable`], the same from a live device or a walk file): [`info`] (INFO), [`ports`]
//! (ifTable/ifXTable + IPs), then for switches [`vlans`], [`trunk`], [`neighbours`]
//! (LLDP, CDP, EDP), [`fdb`] (learned MACs), [`aggregate`] (LACP, PAgP), [`components`]
//! (ENTITY-MIB), for printers [`printer`]; then the vendor rules
//! ([`super::vendors`]).

pub mod aggregate;
pub mod components;
pub mod fdb;
pub mod info;
pub mod neighbours;
pub mod ports;
pub mod printer;
pub mod trunk;
pub mod vlans;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::snmp::identify::{self, SysObjectDb};
use crate::snmp::oid::{oid, Oid};
use crate::snmp::table::OidTable;
use crate::snmp::value::Value;

use super::model::Device;
use super::vendors;

/// What the job says about the device, beside what it answers.
#[derive(Clone, Debug, Default)]
pub struct Params {
    /// The server's id of the device (INFO/ID), `0` by hand.
    pub id: String,
    /// The TYPE the server imposes, if any.
    pub forced_type: Option<String>,
    /// The address the device was queried at (chooses its MAC among several).
    pub peer: Option<Ipv4Addr>,
    /// The bridge tables read in each VLAN's context (Cisco), by VLAN id.
    pub vlan_tables: BTreeMap<u64, OidTable>,
}

/// The subtrees a live inventory walks (the vendor rules add theirs): everything the
/// derivation below reads.
pub const WALKS: &[&str] = &[
    // Only the columns read below, not whole tables: an agent answers each value it is
    // asked (snmpsim in about half a millisecond each), and ifTable, ifXTable and
    // entPhysicalTable hold twice as many columns as the inventory uses.
    "1.3.6.1.2.1.1.9.1.2",             // sysORID (the system scalars are GETs)
    "1.3.6.1.2.1.2.2.1.1",             // ifIndex
    "1.3.6.1.2.1.2.2.1.2",             // ifDescr
    "1.3.6.1.2.1.2.2.1.3",             // ifType
    "1.3.6.1.2.1.2.2.1.4",             // ifMtu
    "1.3.6.1.2.1.2.2.1.5",             // ifSpeed
    "1.3.6.1.2.1.2.2.1.6",             // ifPhysAddress
    "1.3.6.1.2.1.2.2.1.7",             // ifAdminStatus
    "1.3.6.1.2.1.2.2.1.8",             // ifOperStatus
    "1.3.6.1.2.1.2.2.1.9",             // ifLastChange
    "1.3.6.1.2.1.2.2.1.10",            // ifInOctets
    "1.3.6.1.2.1.2.2.1.14",            // ifInErrors
    "1.3.6.1.2.1.2.2.1.16",            // ifOutOctets
    "1.3.6.1.2.1.2.2.1.20",            // ifOutErrors
    "1.3.6.1.2.1.31.1.1.1.1",          // ifName
    "1.3.6.1.2.1.31.1.1.1.15",         // ifHighSpeed
    "1.3.6.1.2.1.31.1.1.1.18",         // ifAlias
    "1.3.6.1.2.1.4.20.1",              // ipAddrTable
    "1.3.6.1.2.1.10.7.2.1.19",         // dot3StatsDuplexStatus
    "1.3.6.1.2.1.17.1.1",              // dot1dBaseBridgeAddress
    "1.3.6.1.2.1.17.1.4.1.2",          // dot1dBasePortIfIndex
    "1.3.6.1.2.1.17.4.3.1.2",          // dot1dTpFdbPort
    "1.3.6.1.2.1.17.7.1.2.2.1.2",      // dot1qTpFdbPort
    "1.3.6.1.2.1.17.7.1.4.2.1.4",      // dot1qVlanCurrentEgressPorts
    "1.3.6.1.2.1.17.7.1.4.2.1.5",      // dot1qVlanCurrentUntaggedPorts
    "1.3.6.1.2.1.17.7.1.4.3.1.1",      // dot1qVlanStaticName
    "1.3.6.1.2.1.17.7.1.4.3.1.2",      // dot1qVlanStaticEgressPorts
    "1.3.6.1.2.1.17.7.1.4.3.1.4",      // dot1qVlanStaticUntaggedPorts
    "1.3.6.1.2.1.17.7.1.4.3.1.5",      // dot1qVlanStaticRowStatus
    "1.3.6.1.2.1.25.2.2",              // hrMemorySize
    "1.3.6.1.2.1.25.2.3.1.5",          // hrStorageSize
    "1.3.6.1.2.1.25.3.2.1.3",          // hrDeviceDescr
    "1.3.6.1.2.1.43.5.1.1.17",         // prtGeneralSerialNumber
    "1.3.6.1.2.1.43.8.2.1.14",         // prtInputVendorName
    "1.3.6.1.2.1.43.10.2.1.4",         // prtMarkerLifeCount
    "1.3.6.1.2.1.43.11.1.1",           // prtMarkerSupplies
    "1.3.6.1.2.1.43.12.1.1.4",         // prtMarkerColorantValue
    "1.3.6.1.2.1.47.1.1.1.1.2",        // entPhysicalDescr
    "1.3.6.1.2.1.47.1.1.1.1.4",        // entPhysicalContainedIn
    "1.3.6.1.2.1.47.1.1.1.1.5",        // entPhysicalClass
    "1.3.6.1.2.1.47.1.1.1.1.7",        // entPhysicalName
    "1.3.6.1.2.1.47.1.1.1.1.8",        // entPhysicalHardwareRev
    "1.3.6.1.2.1.47.1.1.1.1.9",        // entPhysicalFirmwareRev
    "1.3.6.1.2.1.47.1.1.1.1.10",       // entPhysicalSoftwareRev
    "1.3.6.1.2.1.47.1.1.1.1.11",       // entPhysicalSerialNum
    "1.3.6.1.2.1.47.1.1.1.1.12",       // entPhysicalMfgName
    "1.3.6.1.2.1.47.1.1.1.1.13",       // entPhysicalModelName
    "1.3.6.1.2.1.47.1.1.1.1.16",       // entPhysicalIsFRU
    "1.3.6.1.2.1.33.1.1",              // UPS-MIB ident
    "1.0.8802.1.1.2.1.3.7.1.3",        // lldpLocPortId
    "1.0.8802.1.1.2.1.4.1.1.4",        // lldpRemChassisIdSubtype
    "1.0.8802.1.1.2.1.4.1.1.5",        // lldpRemChassisId
    "1.0.8802.1.1.2.1.4.1.1.7",        // lldpRemPortId
    "1.0.8802.1.1.2.1.4.1.1.8",        // lldpRemPortDesc
    "1.0.8802.1.1.2.1.4.1.1.9",        // lldpRemSysName
    "1.0.8802.1.1.2.1.4.1.1.10",       // lldpRemSysDesc
    "1.0.8802.1.1.2.1.5.32962.1.2",    // LLDP-EXT-DOT1 VLANs
    "1.2.840.10006.300.43.1.2.1.1.13", // dot3adAggPortAttachedAggID
    "1.3.6.1.2.1.4.22.1",              // ipNetToMediaTable
    "1.3.6.1.4.1.2021.4.5",            // UCD memTotalReal
    "1.3.6.1.4.1.2699.1.2.1.2.1.1.2",  // ppmPrinterName
    "1.3.6.1.4.1.9.3.6.6",             // Cisco processorRam
    "1.3.6.1.4.1.9.5.1.4.1.1.11",      // Cisco portIfIndex
    "1.3.6.1.4.1.9.9.23.1.2.1.1.4",    // cdpCacheAddress
    "1.3.6.1.4.1.9.9.23.1.2.1.1.5",    // cdpCacheVersion
    "1.3.6.1.4.1.9.9.23.1.2.1.1.6",    // cdpCacheDeviceId
    "1.3.6.1.4.1.9.9.23.1.2.1.1.7",    // cdpCacheDevicePort
    "1.3.6.1.4.1.9.9.23.1.2.1.1.8",    // cdpCachePlatform
    "1.3.6.1.4.1.9.9.23.1.2.1.1.17",   // cdpCacheSysName
    "1.3.6.1.4.1.9.9.25.1.1.1.2",      // Cisco image strings
    "1.3.6.1.4.1.9.9.46.1.3.1.1.4",    // VTP VLAN names
    "1.3.6.1.4.1.9.9.46.1.6.1.1.14",   // vlanTrunkPortDynamicStatus
    "1.3.6.1.4.1.9.9.68.1.2.2.1.2",    // vmVlan
    "1.3.6.1.4.1.9.9.98.1.1.1.1.5",    // PAgP
    "1.3.6.1.4.1.9.9.109.1.1.1.1",     // Cisco CPU
    "1.3.6.1.4.1.1916.1.13",           // EDP
    "1.3.6.1.4.1.2636.3.40.1.5.1.7.1.5", // Juniper access mode
];

/// The system scalars read by GET (sysDescr and sysObjectID are in [`identify::OIDS`]).
const SYSTEM: &[&str] = &[
    "1.3.6.1.2.1.1.3.0", // sysUpTime
    "1.3.6.1.2.1.1.4.0", // sysContact
    "1.3.6.1.2.1.1.5.0", // sysName
    "1.3.6.1.2.1.1.6.0", // sysLocation
    "1.3.6.1.2.1.1.7.0", // sysServices
];

/// Scalars read with GET on a live device (beside [`WALKS`]): the vendor serial,
/// firmware and page counter objects.
pub fn gets() -> Vec<Oid> {
    let mut out: Vec<Oid> = identify::OIDS.iter().map(|o| oid(o)).collect();
    out.extend(SYSTEM.iter().map(|o| oid(o)));
    out.extend(info::SERIAL_OIDS.iter().map(|o| oid(o)));
    out.extend(info::FIRMWARE_OIDS.iter().map(|o| oid(o)));
    out.extend(
        printer::COUNTERS
            .iter()
            .flat_map(|(_, oids)| oids.iter())
            .map(|o| oid(o)),
    );
    out.sort();
    out.dedup();
    out
}

/// Subtrees walked on a live device: [`WALKS`] and the vendor rules' own.
pub fn walks() -> Vec<Oid> {
    let mut out: Vec<Oid> = WALKS
        .iter()
        .copied()
        .chain(vendors::reads())
        .map(oid)
        .collect();
    out.sort();
    out.dedup();
    // A subtree inside another is walked with it.
    let mut kept: Vec<Oid> = Vec::new();
    for o in out {
        if !kept.iter().any(|k| o.starts_with(k)) {
            kept.push(o);
        }
    }
    kept
}

/// The part of `table` a live inventory reads ([`gets`] and [`walks`]): a walk file
/// cut down to it must give the same inventory as the whole file.
pub fn live_view(table: &OidTable) -> OidTable {
    let (gets, walks) = (gets(), walks());
    let mut out = OidTable::new();
    for (o, v) in table.iter() {
        if gets.binary_search(o).is_ok() || walks.iter().any(|w| o.starts_with(w)) {
            out.insert(o.clone(), v.clone());
        }
    }
    out
}

/// The whole inventory of one device.
pub fn inventory(table: &OidTable, db: &SysObjectDb, params: &Params) -> Device {
    let ident = identify::identify(table, db);
    let ctx = vendors::Context::new(table, &ident);
    let overrides = vendors::identity(&ctx);
    let mut dev = Device::default();
    info::fill(table, &ident, &overrides, params, &mut dev);
    ports::fill(table, &mut dev);
    match dev.get("TYPE") {
        Some("NETWORKING") => {
            vlans::fill(table, &mut dev);
            trunk::fill(table, &mut dev);
            neighbours::fill(table, &mut dev);
            fdb::fill(table, &mut dev, &params.vlan_tables);
            aggregate::fill(table, &mut dev);
            components::fill(table, &mut dev);
        }
        Some("PRINTER") => printer::fill(table, &mut dev),
        _ => {}
    }
    vendors::inventory(&ctx, &mut dev);
    dev
}

/// The column `base` keyed by its index arcs.
pub fn column<'a>(table: &'a OidTable, base: &str) -> BTreeMap<Vec<u32>, &'a Value> {
    let b = oid(base);
    table
        .below(&b)
        .filter_map(|(o, v)| Some((o.suffix(&b)?.to_vec(), v)))
        .filter(|(s, _)| !s.is_empty())
        .collect()
}

/// The value at `base.index`.
pub fn at<'a>(table: &'a OidTable, base: &str, index: &[u32]) -> Option<&'a Value> {
    table.get(&oid(base).child(index))
}

/// The value at exactly `o`.
pub fn get<'a>(table: &'a OidTable, o: &str) -> Option<&'a Value> {
    table.get(&oid(o))
}

/// The first non-empty, non-`0` value of a column (in index order), as the reference
/// agents pick a chassis's serial or firmware.
pub fn first_of<'a>(table: &'a OidTable, base: &str) -> Option<&'a Value> {
    let b: Oid = oid(base);
    table.below(&b).map(|(_, v)| v).find(|v| {
        v.as_text()
            .is_some_and(|t| !t.trim_end_matches('\0').is_empty() && t != "0")
    })
}

/// One-arc index as a number.
pub fn single(index: &[u32]) -> Option<u64> {
    match index {
        [i] => Some(u64::from(*i)),
        _ => None,
    }
}
