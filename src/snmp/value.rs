//! The values an SNMP agent returns.

use std::fmt;

use super::oid::Oid;

/// One SNMP value (SMIv2 application types, and the v2 exceptions of a varbind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Integer(i64),
    /// OCTET STRING: text, a MAC address, a bit map… as raw bytes.
    OctetString(Vec<u8>),
    Null,
    Oid(Oid),
    IpAddress([u8; 4]),
    Counter32(u32),
    Gauge32(u32),
    /// Hundredths of a second.
    TimeTicks(u32),
    Opaque(Vec<u8>),
    Counter64(u64),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
}

impl Value {
    /// True for the v2 exceptions (nothing was read).
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }

    /// The value as a whole number, when it is one (INTEGER, counters, gauges, ticks, or a
    /// string of digits as some agents send).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Integer(i) => u64::try_from(*i).ok(),
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => Some(u64::from(*n)),
            Value::Counter64(n) => Some(*n),
            Value::OctetString(b) => std::str::from_utf8(b).ok()?.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            other => other.as_u64().and_then(|n| i64::try_from(n).ok()),
        }
    }

    /// The raw bytes of a string value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::OctetString(b) | Value::Opaque(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_oid(&self) -> Option<&Oid> {
        match self {
            Value::Oid(o) => Some(o),
            _ => None,
        }
    }

    /// The value as text: strings as (lossy) UTF-8 without trailing NULs, numbers in
    /// decimal, OIDs dotted, addresses dotted; `None` for the exceptions and NULL.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::OctetString(b) | Value::Opaque(b) => {
                let end = b.iter().rposition(|c| *c != 0).map_or(0, |p| p + 1);
                Some(String::from_utf8_lossy(&b[..end]).into_owned())
            }
            Value::Integer(i) => Some(i.to_string()),
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => Some(n.to_string()),
            Value::Counter64(n) => Some(n.to_string()),
            Value::Oid(o) => Some(o.to_string()),
            Value::IpAddress(a) => Some(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_text() {
            Some(t) => f.write_str(&t),
            None => write!(f, "{self:?}"),
        }
    }
}
