//! The MIB object names an `snmpwalk` without `-On` prints, mapped back to numbers.
//!
//! net-snmp writes `IF-MIB::ifDescr.3` when it has the MIB files; Debian ships none by
//! default and the downloader needs the internet, so the agent carries the few names that
//! matter to the inventory instead (system group, IF-MIB, IP-MIB, ENTITY-MIB,
//! HOST-RESOURCES, BRIDGE/Q-BRIDGE, LLDP, Printer-MIB, the SMI roots). A name not listed
//! makes its line a reported, skipped line, never a wrong number.

use super::oid::Oid;

/// (object name, dotted OID). Module prefixes (`IF-MIB::`) are ignored on lookup, since
/// object names are unique across the MIBs listed here.
const NAMES: &[(&str, &str)] = &[
    // SMI roots
    ("ccitt", "0"),
    ("iso", "1"),
    ("joint-iso-ccitt", "2"),
    ("org", "1.3"),
    ("dod", "1.3.6"),
    ("internet", "1.3.6.1"),
    ("mgmt", "1.3.6.1.2"),
    ("mib-2", "1.3.6.1.2.1"),
    ("private", "1.3.6.1.4"),
    ("enterprises", "1.3.6.1.4.1"),
    ("snmpModules", "1.3.6.1.6.3"),
    // SNMPv2-MIB system group
    ("system", "1.3.6.1.2.1.1"),
    ("sysDescr", "1.3.6.1.2.1.1.1"),
    ("sysObjectID", "1.3.6.1.2.1.1.2"),
    ("sysUpTime", "1.3.6.1.2.1.1.3"),
    ("sysUpTimeInstance", "1.3.6.1.2.1.1.3.0"),
    ("sysContact", "1.3.6.1.2.1.1.4"),
    ("sysName", "1.3.6.1.2.1.1.5"),
    ("sysLocation", "1.3.6.1.2.1.1.6"),
    ("sysServices", "1.3.6.1.2.1.1.7"),
    ("sysORLastChange", "1.3.6.1.2.1.1.8"),
    ("sysORID", "1.3.6.1.2.1.1.9.1.2"),
    ("sysORDescr", "1.3.6.1.2.1.1.9.1.3"),
    ("sysORUpTime", "1.3.6.1.2.1.1.9.1.4"),
    // IF-MIB
    ("ifNumber", "1.3.6.1.2.1.2.1"),
    ("ifIndex", "1.3.6.1.2.1.2.2.1.1"),
    ("ifDescr", "1.3.6.1.2.1.2.2.1.2"),
    ("ifType", "1.3.6.1.2.1.2.2.1.3"),
    ("ifMtu", "1.3.6.1.2.1.2.2.1.4"),
    ("ifSpeed", "1.3.6.1.2.1.2.2.1.5"),
    ("ifPhysAddress", "1.3.6.1.2.1.2.2.1.6"),
    ("ifAdminStatus", "1.3.6.1.2.1.2.2.1.7"),
    ("ifOperStatus", "1.3.6.1.2.1.2.2.1.8"),
    ("ifLastChange", "1.3.6.1.2.1.2.2.1.9"),
    ("ifInOctets", "1.3.6.1.2.1.2.2.1.10"),
    ("ifInUcastPkts", "1.3.6.1.2.1.2.2.1.11"),
    ("ifInNUcastPkts", "1.3.6.1.2.1.2.2.1.12"),
    ("ifInDiscards", "1.3.6.1.2.1.2.2.1.13"),
    ("ifInErrors", "1.3.6.1.2.1.2.2.1.14"),
    ("ifInUnknownProtos", "1.3.6.1.2.1.2.2.1.15"),
    ("ifOutOctets", "1.3.6.1.2.1.2.2.1.16"),
    ("ifOutUcastPkts", "1.3.6.1.2.1.2.2.1.17"),
    ("ifOutNUcastPkts", "1.3.6.1.2.1.2.2.1.18"),
    ("ifOutDiscards", "1.3.6.1.2.1.2.2.1.19"),
    ("ifOutErrors", "1.3.6.1.2.1.2.2.1.20"),
    ("ifOutQLen", "1.3.6.1.2.1.2.2.1.21"),
    ("ifSpecific", "1.3.6.1.2.1.2.2.1.22"),
    ("ifName", "1.3.6.1.2.1.31.1.1.1.1"),
    ("ifInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.2"),
    ("ifInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.3"),
    ("ifOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.4"),
    ("ifOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.5"),
    ("ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6"),
    ("ifHCInUcastPkts", "1.3.6.1.2.1.31.1.1.1.7"),
    ("ifHCInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.8"),
    ("ifHCInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.9"),
    ("ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10"),
    ("ifHCOutUcastPkts", "1.3.6.1.2.1.31.1.1.1.11"),
    ("ifHCOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.12"),
    ("ifHCOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.13"),
    ("ifLinkUpDownTrapEnable", "1.3.6.1.2.1.31.1.1.1.14"),
    ("ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15"),
    ("ifPromiscuousMode", "1.3.6.1.2.1.31.1.1.1.16"),
    ("ifConnectorPresent", "1.3.6.1.2.1.31.1.1.1.17"),
    ("ifAlias", "1.3.6.1.2.1.31.1.1.1.18"),
    ("ifCounterDiscontinuityTime", "1.3.6.1.2.1.31.1.1.1.19"),
    ("ifStackStatus", "1.3.6.1.2.1.31.1.2.1.3"),
    // IP-MIB
    ("ipForwarding", "1.3.6.1.2.1.4.1"),
    ("ipAdEntAddr", "1.3.6.1.2.1.4.20.1.1"),
    ("ipAdEntIfIndex", "1.3.6.1.2.1.4.20.1.2"),
    ("ipAdEntNetMask", "1.3.6.1.2.1.4.20.1.3"),
    ("ipAdEntBcastAddr", "1.3.6.1.2.1.4.20.1.4"),
    ("ipAdEntReasmMaxSize", "1.3.6.1.2.1.4.20.1.5"),
    ("ipNetToMediaIfIndex", "1.3.6.1.2.1.4.22.1.1"),
    ("ipNetToMediaPhysAddress", "1.3.6.1.2.1.4.22.1.2"),
    ("ipNetToMediaNetAddress", "1.3.6.1.2.1.4.22.1.3"),
    ("ipNetToMediaType", "1.3.6.1.2.1.4.22.1.4"),
    ("ipAddressIfIndex", "1.3.6.1.2.1.4.34.1.3"),
    ("ipNetToPhysicalPhysAddress", "1.3.6.1.2.1.4.35.1.4"),
    // EtherLike-MIB
    ("dot3StatsDuplexStatus", "1.3.6.1.2.1.10.7.2.1.19"),
    // HOST-RESOURCES-MIB
    ("hrSystemUptime", "1.3.6.1.2.1.25.1.1"),
    ("hrMemorySize", "1.3.6.1.2.1.25.2.2"),
    ("hrStorageIndex", "1.3.6.1.2.1.25.2.3.1.1"),
    ("hrStorageType", "1.3.6.1.2.1.25.2.3.1.2"),
    ("hrStorageDescr", "1.3.6.1.2.1.25.2.3.1.3"),
    ("hrStorageAllocationUnits", "1.3.6.1.2.1.25.2.3.1.4"),
    ("hrStorageSize", "1.3.6.1.2.1.25.2.3.1.5"),
    ("hrStorageUsed", "1.3.6.1.2.1.25.2.3.1.6"),
    ("hrDeviceIndex", "1.3.6.1.2.1.25.3.2.1.1"),
    ("hrDeviceType", "1.3.6.1.2.1.25.3.2.1.2"),
    ("hrDeviceDescr", "1.3.6.1.2.1.25.3.2.1.3"),
    ("hrProcessorLoad", "1.3.6.1.2.1.25.3.3.1.2"),
    // ENTITY-MIB
    ("entPhysicalDescr", "1.3.6.1.2.1.47.1.1.1.1.2"),
    ("entPhysicalVendorType", "1.3.6.1.2.1.47.1.1.1.1.3"),
    ("entPhysicalContainedIn", "1.3.6.1.2.1.47.1.1.1.1.4"),
    ("entPhysicalClass", "1.3.6.1.2.1.47.1.1.1.1.5"),
    ("entPhysicalParentRelPos", "1.3.6.1.2.1.47.1.1.1.1.6"),
    ("entPhysicalName", "1.3.6.1.2.1.47.1.1.1.1.7"),
    ("entPhysicalHardwareRev", "1.3.6.1.2.1.47.1.1.1.1.8"),
    ("entPhysicalFirmwareRev", "1.3.6.1.2.1.47.1.1.1.1.9"),
    ("entPhysicalSoftwareRev", "1.3.6.1.2.1.47.1.1.1.1.10"),
    ("entPhysicalSerialNum", "1.3.6.1.2.1.47.1.1.1.1.11"),
    ("entPhysicalMfgName", "1.3.6.1.2.1.47.1.1.1.1.12"),
    ("entPhysicalModelName", "1.3.6.1.2.1.47.1.1.1.1.13"),
    ("entPhysicalAlias", "1.3.6.1.2.1.47.1.1.1.1.14"),
    ("entPhysicalAssetID", "1.3.6.1.2.1.47.1.1.1.1.15"),
    ("entPhysicalIsFRU", "1.3.6.1.2.1.47.1.1.1.1.16"),
    // BRIDGE-MIB, Q-BRIDGE-MIB
    ("dot1dBaseBridgeAddress", "1.3.6.1.2.1.17.1.1"),
    ("dot1dBasePort", "1.3.6.1.2.1.17.1.4.1.1"),
    ("dot1dBasePortIfIndex", "1.3.6.1.2.1.17.1.4.1.2"),
    ("dot1dTpFdbAddress", "1.3.6.1.2.1.17.4.3.1.1"),
    ("dot1dTpFdbPort", "1.3.6.1.2.1.17.4.3.1.2"),
    ("dot1dTpFdbStatus", "1.3.6.1.2.1.17.4.3.1.3"),
    ("dot1qTpFdbPort", "1.3.6.1.2.1.17.7.1.2.2.1.2"),
    ("dot1qTpFdbStatus", "1.3.6.1.2.1.17.7.1.2.2.1.3"),
    ("dot1qVlanStaticName", "1.3.6.1.2.1.17.7.1.4.3.1.1"),
    ("dot1qVlanStaticEgressPorts", "1.3.6.1.2.1.17.7.1.4.3.1.2"),
    ("dot1qVlanStaticUntaggedPorts", "1.3.6.1.2.1.17.7.1.4.3.1.4"),
    ("dot1qVlanCurrentEgressPorts", "1.3.6.1.2.1.17.7.1.4.2.1.4"),
    (
        "dot1qVlanCurrentUntaggedPorts",
        "1.3.6.1.2.1.17.7.1.4.2.1.5",
    ),
    ("dot1qPvid", "1.3.6.1.2.1.17.7.1.4.5.1.1"),
    // LLDP-MIB
    ("lldpLocChassisIdSubtype", "1.0.8802.1.1.2.1.3.1"),
    ("lldpLocChassisId", "1.0.8802.1.1.2.1.3.2"),
    ("lldpLocSysName", "1.0.8802.1.1.2.1.3.3"),
    ("lldpLocPortIdSubtype", "1.0.8802.1.1.2.1.3.7.1.2"),
    ("lldpLocPortId", "1.0.8802.1.1.2.1.3.7.1.3"),
    ("lldpLocPortDesc", "1.0.8802.1.1.2.1.3.7.1.4"),
    ("lldpRemChassisIdSubtype", "1.0.8802.1.1.2.1.4.1.1.4"),
    ("lldpRemChassisId", "1.0.8802.1.1.2.1.4.1.1.5"),
    ("lldpRemPortIdSubtype", "1.0.8802.1.1.2.1.4.1.1.6"),
    ("lldpRemPortId", "1.0.8802.1.1.2.1.4.1.1.7"),
    ("lldpRemPortDesc", "1.0.8802.1.1.2.1.4.1.1.8"),
    ("lldpRemSysName", "1.0.8802.1.1.2.1.4.1.1.9"),
    ("lldpRemSysDesc", "1.0.8802.1.1.2.1.4.1.1.10"),
    ("lldpRemManAddrIfSubtype", "1.0.8802.1.1.2.1.4.2.1.3"),
    // Printer-MIB
    ("prtGeneralSerialNumber", "1.3.6.1.2.1.43.5.1.1.17"),
    ("prtMarkerLifeCount", "1.3.6.1.2.1.43.10.2.1.4"),
    ("prtMarkerSuppliesClass", "1.3.6.1.2.1.43.11.1.1.4"),
    ("prtMarkerSuppliesType", "1.3.6.1.2.1.43.11.1.1.5"),
    ("prtMarkerSuppliesDescription", "1.3.6.1.2.1.43.11.1.1.6"),
    ("prtMarkerSuppliesSupplyUnit", "1.3.6.1.2.1.43.11.1.1.7"),
    ("prtMarkerSuppliesMaxCapacity", "1.3.6.1.2.1.43.11.1.1.8"),
    ("prtMarkerSuppliesLevel", "1.3.6.1.2.1.43.11.1.1.9"),
    ("prtMarkerColorantValue", "1.3.6.1.2.1.43.12.1.1.4"),
    // SNMP-FRAMEWORK-MIB
    ("snmpEngineID", "1.3.6.1.6.3.10.2.1.1"),
    ("snmpEngineBoots", "1.3.6.1.6.3.10.2.1.2"),
    ("snmpEngineTime", "1.3.6.1.6.3.10.2.1.3"),
    ("snmpEngineMaxMessageSize", "1.3.6.1.6.3.10.2.1.4"),
];

/// The numeric OID of a symbolic one: `IF-MIB::ifDescr.3`, `SNMPv2-SMI::enterprises.9.1`,
/// `iso.3.6.1`, `ifDescr.3`. Quoted index parts (`."public"`) become their length then
/// their bytes, as SNMP indexes strings. `None` when the name is unknown or the rest is not
/// an index.
pub fn resolve(text: &str) -> Option<Oid> {
    let text = text.trim();
    let body = match text.split_once("::") {
        Some((_module, rest)) => rest,
        None => text,
    };
    let (name, rest) = match body.find(['.', '[']) {
        Some(p) => (&body[..p], &body[p..]),
        None => (body, ""),
    };
    let base = NAMES.iter().find(|(n, _)| *n == name)?.1;
    let mut arcs: Vec<u32> = base.split('.').filter_map(|a| a.parse().ok()).collect();
    arcs.extend(index_arcs(rest)?);
    Some(Oid(arcs))
}

/// The arcs of an index written after a name: `.3.1`, `."text"`, `[3]`, `['text']`.
fn index_arcs(rest: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' | '[' | ']' => {}
            '"' | '\'' => {
                let mut s = String::new();
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    s.push(d);
                }
                out.push(u32::try_from(s.len()).ok()?);
                out.extend(s.bytes().map(u32::from));
            }
            d if d.is_ascii_digit() => {
                let mut n = String::from(d);
                while let Some(e) = chars.peek().filter(|e| e.is_ascii_digit()) {
                    n.push(*e);
                    chars.next();
                }
                out.push(n.parse().ok()?);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    #[test]
    fn names_and_indexes() {
        assert_eq!(
            resolve("IF-MIB::ifDescr.3"),
            Some(oid("1.3.6.1.2.1.2.2.1.2.3"))
        );
        assert_eq!(
            resolve("SNMPv2-SMI::enterprises.367.1.1"),
            Some(oid("1.3.6.1.4.1.367.1.1"))
        );
        assert_eq!(resolve("iso.3.6.1.2"), Some(oid("1.3.6.1.2")));
        assert_eq!(
            resolve("DISMAN-EVENT-MIB::sysUpTimeInstance"),
            Some(oid("1.3.6.1.2.1.1.3.0"))
        );
        assert_eq!(resolve("ifDescr[2]"), Some(oid("1.3.6.1.2.1.2.2.1.2.2")));
        assert_eq!(
            resolve("sysName.\"ab\""),
            Some(oid("1.3.6.1.2.1.1.5.2.97.98"))
        );
        assert_eq!(resolve("FOO-MIB::fooBar.1"), None);
        assert_eq!(resolve("ifDescr.x"), None);
    }
}
