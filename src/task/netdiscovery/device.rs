//! One discovered device: what the probes learnt about an address, merged in the
//! spec's order (SNMP first, then NetBIOS, ICMP, the neighbour table), and the OIDs the
//! SNMP probe asks for.

use std::net::Ipv4Addr;

use crate::net::xmltree::Node;
use crate::snmp::identify::{self, SysObjectDb};
use crate::snmp::oid::oid;
use crate::snmp::{canonical, Oid, OidTable};

use super::netbios::NodeStatus;

const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";
const SYS_LOCATION: &str = "1.3.6.1.2.1.1.6.0";
const SYS_CONTACT: &str = "1.3.6.1.2.1.1.4.0";
const SYS_UPTIME: &str = "1.3.6.1.2.1.1.3.0";
/// ppmPrinterName: a printer's name when sysName is empty.
const PRINTER_NAME: &str = "1.3.6.1.4.1.2699.1.2.1.2.1.1.2.1";
const BRIDGE_ADDRESS: &str = "1.3.6.1.2.1.17.1.1.0";
const ENT_SERIAL_1: &str = "1.3.6.1.2.1.47.1.1.1.1.11.1";
const PRINTER_SERIAL_1: &str = "1.3.6.1.2.1.43.5.1.1.17.1";
const ENT_SOFTWARE_REV_1: &str = "1.3.6.1.2.1.47.1.1.1.1.10.1";
const ENT_FIRMWARE_REV_1: &str = "1.3.6.1.2.1.47.1.1.1.1.9.1";
/// ipAdEntAddr, ipAdEntIfIndex, ifPhysAddress: the device's addresses and the MAC of
/// the interface holding the address we asked.
const IP_AD_ENT_ADDR: &str = "1.3.6.1.2.1.4.20.1.1";
const IP_AD_ENT_IF_INDEX: &str = "1.3.6.1.2.1.4.20.1.2";
const IF_PHYS_ADDRESS: &str = "1.3.6.1.2.1.2.2.1.6";

/// The scalars the SNMP probe reads.
pub fn snmp_gets() -> Vec<Oid> {
    let mut v: Vec<Oid> = [
        SYS_NAME,
        SYS_LOCATION,
        SYS_CONTACT,
        SYS_UPTIME,
        PRINTER_NAME,
        BRIDGE_ADDRESS,
        ENT_SERIAL_1,
        PRINTER_SERIAL_1,
        ENT_SOFTWARE_REV_1,
        ENT_FIRMWARE_REV_1,
    ]
    .iter()
    .chain(identify::OIDS)
    .map(|o| oid(o))
    .collect();
    v.sort();
    v.dedup();
    v
}

/// The subtrees the SNMP probe walks.
pub fn snmp_walks() -> Vec<Oid> {
    vec![
        oid(IP_AD_ENT_ADDR),
        oid(IP_AD_ENT_IF_INDEX),
        oid(IF_PHYS_ADDRESS),
    ]
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    pub ip: Option<Ipv4Addr>,
    pub mac: Option<String>,
    pub authsnmp: Option<String>,
    pub kind: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub description: Option<String>,
    pub snmphostname: Option<String>,
    pub location: Option<String>,
    pub contact: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub uptime: Option<String>,
    pub ips: Vec<String>,
    pub dnshostname: Option<String>,
    pub netbiosname: Option<String>,
    pub workgroup: Option<String>,
    pub usersession: Option<String>,
    pub entity: Option<String>,
}

impl Device {
    pub fn new(ip: Ipv4Addr) -> Device {
        Device {
            ip: Some(ip),
            ..Device::default()
        }
    }

    /// What SNMP said (`credential_id`: the server's AUTHENTICATION ID, if any).
    pub fn add_snmp(&mut self, t: &OidTable, credential_id: &str, db: &SysObjectDb) {
        let s = |o: &str| t.get(&oid(o)).and_then(canonical::text);
        let id = identify::identify(t, db);
        self.authsnmp = Some(credential_id.to_string()).filter(|i| !i.is_empty());
        self.kind = id.kind;
        self.manufacturer = id.manufacturer;
        self.model = id.model;
        self.description = id.description;
        self.snmphostname = s(SYS_NAME).or_else(|| s(PRINTER_NAME));
        self.location = s(SYS_LOCATION);
        self.contact = s(SYS_CONTACT);
        self.uptime = t
            .get(&oid(SYS_UPTIME))
            .and_then(|v| v.as_u64())
            .map(canonical::uptime);
        self.serial = [ENT_SERIAL_1, PRINTER_SERIAL_1]
            .iter()
            .find_map(|o| t.get(&oid(o)).and_then(canonical::serial));
        self.firmware = s(ENT_SOFTWARE_REV_1).or_else(|| s(ENT_FIRMWARE_REV_1));
        let addrs = oid(IP_AD_ENT_ADDR);
        self.ips = t
            .column(&addrs)
            .filter_map(|(_, v)| match v {
                crate::snmp::Value::IpAddress(a) => Some(Ipv4Addr::from(*a).to_string()),
                _ => None,
            })
            .collect();
        self.mac = t
            .get(&oid(BRIDGE_ADDRESS))
            .and_then(canonical::mac)
            .or_else(|| {
                let ip = self.ip?;
                let index_oid = oid(IP_AD_ENT_IF_INDEX).child(&ip.octets().map(u32::from));
                let ifindex = t.get(&index_oid)?.as_u64()?;
                let ifindex = u32::try_from(ifindex).ok()?;
                t.get(&oid(IF_PHYS_ADDRESS).child(&[ifindex]))
                    .and_then(canonical::mac)
            });
        // Else the first interface with a MAC, as the reference agents do.
        if self.mac.is_none() {
            let phys = oid(IF_PHYS_ADDRESS);
            self.mac = t.column(&phys).find_map(|(_, v)| canonical::mac(v));
        }
    }

    pub fn add_netbios(&mut self, st: NodeStatus) {
        self.netbiosname = st.name;
        self.workgroup = st.workgroup;
        self.usersession = st.user;
        if self.mac.is_none() {
            self.mac = st.mac;
        }
    }

    /// An ICMP echo reply came: the address is alive (the reference agents then set
    /// DNSHOSTNAME to the address, without a reverse lookup).
    pub fn add_ping(&mut self) {
        if let Some(ip) = self.ip {
            self.dnshostname.get_or_insert(ip.to_string());
        }
    }

    pub fn add_neighbour_mac(&mut self, mac: &str) {
        self.mac.get_or_insert_with(|| mac.to_string());
    }

    /// Reported only with something to tell (as the reference agents do).
    pub fn is_reportable(&self) -> bool {
        self.mac.is_some()
            || self.snmphostname.is_some()
            || self.dnshostname.is_some()
            || self.netbiosname.is_some()
            || self.authsnmp.is_some()
            || self.description.is_some()
    }

    /// The `DEVICE` element of a NETDISCOVERY message.
    pub fn to_node(&self) -> Node {
        let mut d = Node::new("DEVICE");
        let mut add = |name: &str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                let mut n = Node::new(name);
                n.text = v.clone();
                d.children.push(n);
            }
        };
        add("IP", &self.ip.map(|i| i.to_string()));
        add("MAC", &self.mac.as_ref().map(|m| m.to_ascii_lowercase()));
        add("AUTHSNMP", &self.authsnmp);
        add("TYPE", &self.kind);
        add("MANUFACTURER", &self.manufacturer);
        add("MODEL", &self.model);
        add("DESCRIPTION", &self.description);
        add("SNMPHOSTNAME", &self.snmphostname);
        add("LOCATION", &self.location);
        add("CONTACT", &self.contact);
        add("SERIAL", &self.serial);
        add("FIRMWARE", &self.firmware);
        add("UPTIME", &self.uptime);
        add("DNSHOSTNAME", &self.dnshostname);
        add("NETBIOSNAME", &self.netbiosname);
        add("WORKGROUP", &self.workgroup);
        add("USERSESSION", &self.usersession);
        add("ENTITY", &self.entity);
        if !self.ips.is_empty() {
            let mut ips = Node::new("IPS");
            for ip in &self.ips {
                let mut n = Node::new("IP");
                n.text = ip.clone();
                ips.children.push(n);
            }
            d.children.push(ips);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::Value;

    #[test]
    fn merges_snmp_then_others() {
        let mut t = OidTable::new();
        t.insert(oid(SYS_NAME), Value::OctetString(b"sw1".to_vec()));
        t.insert(
            oid("1.3.6.1.2.1.1.1.0"),
            Value::OctetString(b"Linux sw1 6.1".to_vec()),
        );
        t.insert(oid(SYS_UPTIME), Value::TimeTicks(8_640_100));
        t.insert(
            oid("1.3.6.1.2.1.4.20.1.1.10.0.0.5"),
            Value::IpAddress([10, 0, 0, 5]),
        );
        t.insert(oid("1.3.6.1.2.1.4.20.1.2.10.0.0.5"), Value::Integer(2));
        t.insert(
            oid("1.3.6.1.2.1.2.2.1.6.2"),
            Value::OctetString(vec![0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]),
        );
        let mut d = Device::new("10.0.0.5".parse().unwrap());
        d.add_snmp(&t, "3", &SysObjectDb::default());
        d.add_netbios(NodeStatus {
            name: Some("SW1".into()),
            mac: Some("11:11:11:11:11:11".into()),
            ..NodeStatus::default()
        });
        d.add_ping();
        assert_eq!(d.mac.as_deref(), Some("00:1b:21:aa:bb:cc"));
        // Net::SNMP's text, what the reference agents send live.
        assert_eq!(d.uptime.as_deref(), Some("1 day, 00:00:01.00"));
        assert_eq!(d.ips, vec!["10.0.0.5"]);
        let x = d.to_node().to_xml();
        assert!(x.contains("<SNMPHOSTNAME>sw1</SNMPHOSTNAME>"), "{x}");
        assert!(x.contains("<AUTHSNMP>3</AUTHSNMP>"));
        assert!(x.contains("<DNSHOSTNAME>10.0.0.5</DNSHOSTNAME>"));
        assert!(!Device::new("10.0.0.6".parse().unwrap()).is_reportable());
    }
}
