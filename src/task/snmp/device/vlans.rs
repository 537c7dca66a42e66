//! VLANS of each port: Cisco's VTP names with the port's access VLAN (vmVlan), the
//! Q-BRIDGE static VLANs with their egress/untagged port bitmaps (current ones first), or
//! the LLDP-EXT-DOT1 VLANs a port announces.

use std::collections::BTreeMap;

use crate::snmp::canonical;
use crate::snmp::table::OidTable;
use crate::snmp::value::Value;

use super::super::model::{Device, Vlan};
use super::{column, single};

const VTP_VLAN_NAME: &str = "1.3.6.1.4.1.9.9.46.1.3.1.1.4.1";
const VM_VLAN: &str = "1.3.6.1.4.1.9.9.68.1.2.2.1.2";
const Q_STATIC_NAME: &str = "1.3.6.1.2.1.17.7.1.4.3.1.1";
const Q_STATIC_EGRESS: &str = "1.3.6.1.2.1.17.7.1.4.3.1.2";
const Q_STATIC_UNTAGGED: &str = "1.3.6.1.2.1.17.7.1.4.3.1.4";
const Q_STATIC_STATUS: &str = "1.3.6.1.2.1.17.7.1.4.3.1.5";
const Q_CURRENT_EGRESS: &str = "1.3.6.1.2.1.17.7.1.4.2.1.4";
const Q_CURRENT_UNTAGGED: &str = "1.3.6.1.2.1.17.7.1.4.2.1.5";
const LLDP_VLAN_NAME: &str = "1.0.8802.1.1.2.1.5.32962.1.2.3.1.2";
const LLDP_LOC_PORT_ID: &str = "1.0.8802.1.1.2.1.3.7.1.3";
const LLDP_PVID: &str = "1.0.8802.1.1.2.1.5.32962.1.2.1.1.1";

/// The VLANs of each port, by ifIndex (or bridge port, as the sources give them).
pub fn vlans(table: &OidTable, ports: &[u64]) -> BTreeMap<u64, Vec<Vlan>> {
    let mut out: BTreeMap<u64, Vec<Vlan>> = BTreeMap::new();
    let vtp_names = column(table, VTP_VLAN_NAME);
    let vm = column(table, VM_VLAN);
    if !vtp_names.is_empty() && !vm.is_empty() {
        for (index, v) in &vm {
            let (Some(port), Some(vlan)) = (index.last(), v.as_u64()) else {
                continue;
            };
            let name = u32::try_from(vlan)
                .ok()
                .and_then(|k| vtp_names.get(&vec![k]))
                .and_then(|n| canonical::string(n));
            out.entry(u64::from(*port)).or_default().push(Vlan {
                number: vlan.to_string(),
                name,
                tagged: None,
            });
        }
    }
    let names = column(table, Q_STATIC_NAME);
    let status = column(table, Q_STATIC_STATUS);
    if !names.is_empty() && !status.is_empty() {
        let cur_egress = column(table, Q_CURRENT_EGRESS);
        let cur_untagged = column(table, Q_CURRENT_UNTAGGED);
        let st_egress = column(table, Q_STATIC_EGRESS);
        let st_untagged = column(table, Q_STATIC_UNTAGGED);
        // In the order the reference agents take them: VLAN ids sorted as text.
        let mut ids: Vec<&Vec<u32>> = status.keys().collect();
        ids.sort_by_key(|k| dotted(k));
        for id in ids {
            if status.get(id).and_then(|v| v.as_u64()) != Some(1) {
                continue;
            }
            let name = names.get(id).and_then(|n| canonical::string(n));
            // The current table is indexed by (time mark, VLAN).
            let cur_key = cur_egress
                .get_key_value(id)
                .map(|(k, _)| k)
                .or_else(|| {
                    cur_egress
                        .keys()
                        .find(|k| k.last() == id.last() && k.len() == id.len() + 1)
                })
                .cloned();
            let egress = cur_key
                .as_ref()
                .and_then(|k| cur_egress.get(k))
                .or_else(|| st_egress.get(id));
            let Some(egress) = egress.and_then(|v| bits(v)) else {
                continue;
            };
            let untagged = cur_key
                .as_ref()
                .and_then(|k| cur_untagged.get(k))
                .or_else(|| st_untagged.get(id));
            let Some(untagged) = untagged.and_then(|v| bits(v)) else {
                continue;
            };
            if egress.is_empty() || untagged.is_empty() {
                continue;
            }
            let Some(number) = single(id) else { continue };
            for port in ports {
                let Some(i) = usize::try_from(*port).ok().and_then(|p| p.checked_sub(1)) else {
                    continue;
                };
                if i >= egress.len() || i >= untagged.len() {
                    continue;
                }
                let is_untagged = untagged[i];
                let is_tagged = !is_untagged && egress[i];
                if is_tagged || is_untagged {
                    out.entry(*port).or_default().push(Vlan {
                        number: number.to_string(),
                        name: name.clone(),
                        tagged: Some(if is_tagged { "1" } else { "0" }.into()),
                    });
                }
            }
        }
    }
    if out.is_empty() {
        let lldp_names = column(table, LLDP_VLAN_NAME);
        let loc_ports = column(table, LLDP_LOC_PORT_ID);
        if !lldp_names.is_empty() && !loc_ports.is_empty() {
            for (index, name) in &lldp_names {
                let [port, vlan] = index.as_slice() else {
                    continue;
                };
                let Some(pid) = loc_ports.get(&vec![*port]) else {
                    continue;
                };
                let number = canonical::string(pid)
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(u64::from(*port));
                out.entry(number).or_default().push(Vlan {
                    number: vlan.to_string(),
                    name: canonical::string(name),
                    tagged: None,
                });
            }
        } else {
            for (index, v) in column(table, LLDP_PVID) {
                let (Some(port), Some(vlan)) = (single(&index), v.as_u64()) else {
                    continue;
                };
                out.entry(port).or_default().push(Vlan {
                    number: vlan.to_string(),
                    name: Some(format!("VLAN {vlan}")),
                    tagged: None,
                });
            }
        }
    }
    out
}

fn dotted(arcs: &[u32]) -> String {
    arcs.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// A port bitmap: bit 7 of byte 0 is port 1.
fn bits(v: &Value) -> Option<Vec<bool>> {
    let b = v.as_bytes()?;
    Some(
        b.iter()
            .flat_map(|byte| (0..8).rev().map(move |i| byte & (1 << i) != 0))
            .collect(),
    )
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    let ports: Vec<u64> = dev.ports.keys().copied().collect();
    for (port, list) in vlans(table, &ports) {
        if let Some(p) = dev.ports.get_mut(&port) {
            p.vlans = list;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmaps() {
        let v = Value::OctetString(vec![0b1000_0001, 0x40]);
        let b = bits(&v).unwrap();
        assert!(b[0] && b[7] && b[9] && !b[1]);
    }
}
