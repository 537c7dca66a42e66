//! AGGREGATE: the member ports of a link aggregate, from IEEE 802.3ad (LACP:
//! dot3adAggPortAttachedAggID) and Cisco PAgP (pagpGroupIfIndex, aggregates numbered
//! 5000 + group).

use std::collections::BTreeMap;

use crate::snmp::table::OidTable;

use super::super::model::Device;
use super::{column, single};

const LACP_ATTACHED: &str = "1.2.840.10006.300.43.1.2.1.1.13";
const PAGP_GROUP: &str = "1.3.6.1.4.1.9.9.98.1.1.1.1.5";

/// Members by aggregate ifIndex (PAgP replaces what LACP said for the same aggregate).
pub fn aggregates(table: &OidTable) -> BTreeMap<u64, Vec<u64>> {
    let mut lacp: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut ids: Vec<(String, u64, u64)> = column(table, LACP_ATTACHED)
        .into_iter()
        .filter_map(|(i, v)| Some((super::single(&i)?, v.as_u64()?)))
        .map(|(i, a)| (i.to_string(), i, a))
        .collect();
    ids.sort();
    for (_, member, agg) in ids {
        if agg == 0 || agg == member {
            continue;
        }
        lacp.entry(agg).or_default().push(member);
    }
    let mut pagp: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut ids: Vec<(String, u64, u64)> = column(table, PAGP_GROUP)
        .into_iter()
        .filter_map(|(i, v)| Some((single(&i)?, v.as_u64()?)))
        .map(|(i, g)| (i.to_string(), i, g))
        .collect();
    ids.sort();
    for (_, member, group) in ids {
        if group == 0 {
            continue;
        }
        pagp.entry(group + 5000).or_default().push(member);
    }
    lacp.extend(pagp);
    lacp
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    for (agg, members) in aggregates(table) {
        if let Some(p) = dev.ports.get_mut(&agg) {
            p.aggregate = members;
        }
    }
}
