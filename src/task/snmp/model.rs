//! One inventoried network device, as the SNMPQUERY message carries it: INFO, PORTS
//! (with their IPs, VLANs, neighbours, aggregated ports), COMPONENTS, FIRMWARES, and a
//! printer's CARTRIDGES and PAGECOUNTERS. Built by the pure derivation in [`super::device`]
//! and the vendor rules, written by [`Device::to_node`].

use std::collections::BTreeMap;

use crate::net::xmltree::Node;

/// Named text fields of an element (`IFDESCR` → `eth0`).
pub type Fields = BTreeMap<String, String>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    pub info: Fields,
    pub ips: Vec<String>,
    /// By ifIndex.
    pub ports: BTreeMap<u64, Port>,
    pub components: Vec<Fields>,
    pub firmwares: Vec<Fields>,
    pub cartridges: Fields,
    pub pagecounters: Fields,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Port {
    pub fields: Fields,
    pub ips: Vec<String>,
    pub vlans: Vec<Vlan>,
    pub connections: Option<Connections>,
    /// The ifIndexes aggregated into this port.
    pub aggregate: Vec<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vlan {
    pub number: String,
    pub name: Option<String>,
    /// `1` tagged, `0` untagged; absent when the source does not say.
    pub tagged: Option<String>,
}

/// What is connected to a port: one neighbour that announced itself (LLDP, CDP, EDP), or
/// the MAC addresses the bridge learned there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connections {
    Neighbour(Fields),
    Macs(Vec<String>),
}

impl Device {
    pub fn set(&mut self, key: &str, value: Option<String>) {
        match value.filter(|v| !v.is_empty()) {
            Some(v) => {
                self.info.insert(key.to_string(), v);
            }
            None => {
                self.info.remove(key);
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.info.get(key).map(String::as_str)
    }

    /// The DEVICE element.
    pub fn to_node(&self) -> Node {
        let mut dev = Node::new("DEVICE");
        let mut info = fields_node("INFO", &self.info);
        if !self.ips.is_empty() {
            info.children.push(list_node("IPS", "IP", &self.ips));
        }
        dev.children.push(info);
        if !self.ports.is_empty() {
            let mut ports = Node::new("PORTS");
            ports
                .children
                .extend(self.ports.values().map(Port::to_node));
            dev.children.push(ports);
        }
        if !self.components.is_empty() {
            let mut c = Node::new("COMPONENTS");
            c.children
                .extend(self.components.iter().map(|f| fields_node("COMPONENT", f)));
            dev.children.push(c);
        }
        for f in &self.firmwares {
            dev.children.push(fields_node("FIRMWARES", f));
        }
        if !self.cartridges.is_empty() {
            dev.children
                .push(fields_node("CARTRIDGES", &self.cartridges));
        }
        if !self.pagecounters.is_empty() {
            dev.children
                .push(fields_node("PAGECOUNTERS", &self.pagecounters));
        }
        dev
    }
}

impl Port {
    pub fn to_node(&self) -> Node {
        let mut n = fields_node("PORT", &self.fields);
        if !self.ips.is_empty() {
            n.children.push(list_node("IPS", "IP", &self.ips));
        }
        if !self.aggregate.is_empty() {
            let ids: Vec<String> = self.aggregate.iter().map(u64::to_string).collect();
            n.children.push(list_node("AGGREGATE", "PORT", &ids));
        }
        match &self.connections {
            Some(Connections::Neighbour(f)) => {
                let mut c = Node::new("CONNECTIONS");
                c.children.push(leaf("CDP", "1"));
                c.children.push(fields_node("CONNECTION", f));
                n.children.push(c);
            }
            Some(Connections::Macs(macs)) if !macs.is_empty() => {
                let mut c = Node::new("CONNECTIONS");
                c.children.push(list_node("CONNECTION", "MAC", macs));
                n.children.push(c);
            }
            _ => {}
        }
        if !self.vlans.is_empty() {
            let mut vs = Node::new("VLANS");
            for v in &self.vlans {
                let mut vn = Node::new("VLAN");
                if let Some(name) = &v.name {
                    vn.children.push(leaf("NAME", name));
                }
                vn.children.push(leaf("NUMBER", &v.number));
                if let Some(t) = &v.tagged {
                    vn.children.push(leaf("TAGGED", t));
                }
                vs.children.push(vn);
            }
            n.children.push(vs);
        }
        n
    }
}

pub fn leaf(name: &str, text: &str) -> Node {
    let mut n = Node::new(name);
    n.text = text.to_string();
    n
}

fn fields_node(name: &str, fields: &Fields) -> Node {
    let mut n = Node::new(name);
    n.children.extend(fields.iter().map(|(k, v)| leaf(k, v)));
    n
}

fn list_node(name: &str, item: &str, values: &[String]) -> Node {
    let mut n = Node::new(name);
    n.children.extend(values.iter().map(|v| leaf(item, v)));
    n
}
