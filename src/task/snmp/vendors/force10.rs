//! Dell Force10 S-series stacks (sysObjectID under `6027.1.3`): the stack, its units
//! (chStackUnitTable: model, description, code version, serial, revision) and each
//! unit's ports (chStackPortTable's ifIndexes) as COMPONENTS, the stack first.

use crate::snmp::canonical;

use super::super::device::column;
use super::super::model::{Device, Fields};
use super::{no_identity, Context, Rule};

const UNIT: &str = "1.3.6.1.4.1.6027.3.10.1.2.2.1";
const PORT_IFINDEX: &str = "1.3.6.1.4.1.6027.3.10.1.2.5.1.5";

pub const RULE: Rule = Rule {
    name: "force10-s-series",
    reads: &[
        "1.3.6.1.4.1.6027.3.10.1.2.2.1",
        "1.3.6.1.4.1.6027.3.10.1.2.5.1.5",
    ],
    applies: |c| c.has(UNIT),
    identity: no_identity,
    inventory,
};

fn inventory(c: &Context, dev: &mut Device) {
    let numbers = column(c.table, &format!("{UNIT}.2"));
    if numbers.is_empty() {
        return;
    }
    let mut stack = Fields::new();
    stack.insert("INDEX".into(), "-1".into());
    stack.insert("CONTAINEDININDEX".into(), "0".into());
    stack.insert("NAME".into(), "Force10 S-series Stack".into());
    stack.insert("TYPE".into(), "stack".into());
    dev.components.push(stack);
    let text = |col: u32, index: &[u32]| {
        column(c.table, &format!("{UNIT}.{col}"))
            .get(index)
            .and_then(|v| canonical::text(v))
    };
    for (index, number) in &numbers {
        let Some(n) = number.as_u64() else { continue };
        let mut u = Fields::new();
        u.insert("INDEX".into(), n.to_string());
        u.insert("CONTAINEDININDEX".into(), "-1".into());
        // Units are numbered from 0 on the console.
        u.insert("NAME".into(), n.saturating_sub(1).to_string());
        u.insert("TYPE".into(), "chassis".into());
        for (field, col) in [
            ("MODEL", 7),
            ("DESCRIPTION", 9),
            ("FIRMWARE", 10),
            ("SERIAL", 12),
            ("REVISION", 21),
        ] {
            if let Some(v) = text(col, index) {
                u.insert(field.into(), v);
            }
        }
        dev.components.push(u);
    }
    for (index, ifindex) in column(c.table, PORT_IFINDEX) {
        let (Some(unit), Some(i)) = (index.first(), ifindex.as_u64()) else {
            continue;
        };
        let mut p = Fields::new();
        p.insert("INDEX".into(), i.to_string());
        p.insert("CONTAINEDININDEX".into(), unit.to_string());
        p.insert("TYPE".into(), "port".into());
        dev.components.push(p);
    }
}
