//! Object identifiers.

use std::fmt;
use std::str::FromStr;

/// An OID, as its arcs (`1.3.6.1.2.1.1.1.0` → `[1, 3, 6, 1, 2, 1, 1, 1, 0]`).
/// Ordered as SNMP orders them (arc by arc), so a `BTreeMap<Oid, _>` walks like GETNEXT.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Oid(pub Vec<u32>);

impl Oid {
    pub fn arcs(&self) -> &[u32] {
        &self.0
    }

    /// True when `self` is `base` or lies below it.
    pub fn starts_with(&self, base: &Oid) -> bool {
        self.0.starts_with(&base.0)
    }

    /// The arcs after `base`, when `self` lies below it (`ifDescr.3` under `ifDescr` → `[3]`).
    pub fn suffix(&self, base: &Oid) -> Option<&[u32]> {
        self.0.strip_prefix(base.0.as_slice())
    }

    /// `self` with more arcs appended.
    pub fn child(&self, arcs: &[u32]) -> Oid {
        let mut v = self.0.clone();
        v.extend_from_slice(arcs);
        Oid(v)
    }
}

impl FromStr for Oid {
    type Err = String;

    /// Dotted numbers, with or without a leading dot: `.1.3.6.1` or `1.3.6.1`.
    fn from_str(s: &str) -> Result<Oid, String> {
        let t = s.trim();
        let t = t.strip_prefix('.').unwrap_or(t);
        if t.is_empty() {
            return Err("empty OID".into());
        }
        t.split('.')
            .map(|a| a.parse::<u32>().map_err(|_| format!("bad OID '{s}'")))
            .collect::<Result<Vec<_>, _>>()
            .map(Oid)
    }
}

impl fmt::Display for Oid {
    /// Dotted numbers without a leading dot.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

/// An OID from a literal in code (`oid("1.3.6.1.2.1.1.1")`); panics on a bad literal,
/// so use it only with constants, never with input.
pub fn oid(literal: &str) -> Oid {
    match literal.parse() {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_print_order() {
        let a: Oid = ".1.3.6.1.2.1.1.1.0".parse().unwrap();
        assert_eq!(a.to_string(), "1.3.6.1.2.1.1.1.0");
        assert!(a.starts_with(&oid("1.3.6.1.2.1.1")));
        assert_eq!(a.suffix(&oid("1.3.6.1.2.1.1.1")), Some(&[0u32][..]));
        assert!(oid("1.3.6.1.2.1.2") < oid("1.3.6.1.2.1.10"));
        assert!(oid("1.3.6.1.2.1.2") < oid("1.3.6.1.2.1.2.1"));
        assert!("1.x".parse::<Oid>().is_err());
        assert!("".parse::<Oid>().is_err());
    }
}
