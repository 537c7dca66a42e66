//! What was read from one device: an ordered OID → value map.

use std::collections::BTreeMap;

use super::oid::Oid;
use super::value::Value;

/// The values read from one device (by GET, walks, or from an `snmpwalk` file),
/// ordered as GETNEXT would visit them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OidTable {
    values: BTreeMap<Oid, Value>,
}

impl OidTable {
    pub fn new() -> OidTable {
        OidTable::default()
    }

    pub fn insert(&mut self, oid: Oid, value: Value) {
        self.values.insert(oid, value);
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value at exactly `oid` (exceptions count as absent).
    pub fn get(&self, oid: &Oid) -> Option<&Value> {
        self.values.get(oid).filter(|v| !v.is_exception())
    }

    /// Every (OID, value) at or below `base`, in order.
    pub fn subtree<'a>(&'a self, base: &'a Oid) -> impl Iterator<Item = (&'a Oid, &'a Value)> {
        self.values
            .range(base.clone()..)
            .take_while(move |(o, _)| o.starts_with(base))
            .filter(|(_, v)| !v.is_exception())
    }

    /// Like [`OidTable::subtree`], for a base that does not outlive the call.
    pub fn below(&self, base: &Oid) -> impl Iterator<Item = (&Oid, &Value)> + '_ {
        let base = base.clone();
        self.values
            .range(base.clone()..)
            .take_while(move |(o, _)| o.starts_with(&base))
            .filter(|(_, v)| !v.is_exception())
    }

    /// The column `base` as (index arcs after `base`, value): `ifDescr` → `([3], "eth0")`.
    pub fn column<'a>(&'a self, base: &'a Oid) -> impl Iterator<Item = (&'a [u32], &'a Value)> {
        self.subtree(base)
            .filter_map(move |(o, v)| Some((o.suffix(base)?, v)))
            .filter(|(s, _)| !s.is_empty())
    }

    /// The value at exactly `oid`, exceptions included.
    pub fn get_any(&self, oid: &Oid) -> Option<&Value> {
        self.values.get(oid)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Oid, &Value)> {
        self.values.iter()
    }

    /// Adds every value of `other` (a later read wins).
    pub fn merge(&mut self, other: OidTable) {
        self.values.extend(other.values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    #[test]
    fn subtree_and_column() {
        let mut t = OidTable::new();
        t.insert(
            oid("1.3.6.1.2.1.2.2.1.2.1"),
            Value::OctetString(b"lo".to_vec()),
        );
        t.insert(
            oid("1.3.6.1.2.1.2.2.1.2.2"),
            Value::OctetString(b"eth0".to_vec()),
        );
        t.insert(oid("1.3.6.1.2.1.2.2.1.3.1"), Value::Integer(24));
        t.insert(oid("1.3.6.1.2.1.2.2.1.20"), Value::NoSuchObject);
        let descr = oid("1.3.6.1.2.1.2.2.1.2");
        let col: Vec<_> = t
            .column(&descr)
            .map(|(i, v)| (i.to_vec(), v.to_string()))
            .collect();
        assert_eq!(
            col,
            vec![(vec![1], "lo".to_string()), (vec![2], "eth0".to_string())]
        );
        assert_eq!(t.subtree(&oid("1.3.6.1.2.1.2")).count(), 3);
        assert!(t.get(&oid("1.3.6.1.2.1.2.2.1.20")).is_none());
    }
}
