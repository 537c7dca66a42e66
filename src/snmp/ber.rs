//! BER, the subset SNMP uses: definite lengths, INTEGER, OCTET STRING, NULL, OID,
//! SEQUENCE, the SMI application types and the context tags of PDUs and exceptions.
//!
//! Encoding builds each TLV from its finished content (messages are small). Decoding
//! never trusts a length: every read is bounded by the enclosing buffer, lengths are at
//! most four bytes, an OID has at most [`MAX_OID_ARCS`] arcs, so a malformed or
//! truncated datagram is an error, never a panic or a large allocation.

use super::oid::Oid;
use super::value::Value;

pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OBJECT_ID: u8 = 0x06;
pub const SEQUENCE: u8 = 0x30;
pub const IP_ADDRESS: u8 = 0x40;
pub const COUNTER32: u8 = 0x41;
pub const GAUGE32: u8 = 0x42;
pub const TIMETICKS: u8 = 0x43;
pub const OPAQUE: u8 = 0x44;
pub const COUNTER64: u8 = 0x46;
pub const NO_SUCH_OBJECT: u8 = 0x80;
pub const NO_SUCH_INSTANCE: u8 = 0x81;
pub const END_OF_MIB_VIEW: u8 = 0x82;

/// RFC 2578 caps an OID at 128 sub-identifiers; anything longer is garbage.
pub const MAX_OID_ARCS: usize = 128;

/// The header (tag and length) of a TLV whose content is `len` bytes.
pub fn header(tag: u8, len: usize) -> Vec<u8> {
    let mut h = vec![tag];
    if len < 0x80 {
        h.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        h.push(0x80 | (bytes.len() - skip) as u8);
        h.extend_from_slice(&bytes[skip..]);
    }
    h
}

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = header(tag, content.len());
    v.extend_from_slice(content);
    v
}

/// A constructed TLV from parts already encoded.
pub fn seq(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut v = header(tag, len);
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

/// Two's complement, shortest form.
pub fn int_content(n: i64) -> Vec<u8> {
    let b = n.to_be_bytes();
    let mut start = 0;
    while start < 7
        && ((b[start] == 0 && b[start + 1] & 0x80 == 0)
            || (b[start] == 0xff && b[start + 1] & 0x80 != 0))
    {
        start += 1;
    }
    b[start..].to_vec()
}

/// An unsigned application value (counters, gauges, ticks): never negative on the wire.
fn uint_content(n: u64) -> Vec<u8> {
    let mut v = n.to_be_bytes().to_vec();
    v.insert(0, 0);
    let skip = v
        .windows(2)
        .take_while(|w| w[0] == 0 && w[1] & 0x80 == 0)
        .count();
    v[skip..].to_vec()
}

pub fn integer(n: i64) -> Vec<u8> {
    tlv(INTEGER, &int_content(n))
}

pub fn octets(b: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, b)
}

pub fn null() -> Vec<u8> {
    vec![NULL, 0]
}

pub fn oid_content(oid: &Oid) -> Vec<u8> {
    let arcs = oid.arcs();
    let mut out = Vec::with_capacity(arcs.len() + 4);
    let (first, rest) = match arcs {
        [] => (0u64, &arcs[..0]),
        [a] => (u64::from(*a) * 40, &arcs[..0]),
        [a, b, rest @ ..] => (u64::from(*a) * 40 + u64::from(*b), rest),
    };
    push_base128(&mut out, first);
    for a in rest {
        push_base128(&mut out, u64::from(*a));
    }
    out
}

fn push_base128(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 10];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            break;
        }
    }
    let last = tmp.len() - 1;
    for (j, b) in tmp.iter().enumerate().skip(i) {
        out.push(if j == last { *b } else { *b | 0x80 });
    }
}

pub fn object_id(oid: &Oid) -> Vec<u8> {
    tlv(OBJECT_ID, &oid_content(oid))
}

pub fn value(v: &Value) -> Vec<u8> {
    match v {
        Value::Integer(n) => integer(*n),
        Value::OctetString(b) => octets(b),
        Value::Null => null(),
        Value::Oid(o) => object_id(o),
        Value::IpAddress(a) => tlv(IP_ADDRESS, a),
        Value::Counter32(n) => tlv(COUNTER32, &uint_content(u64::from(*n))),
        Value::Gauge32(n) => tlv(GAUGE32, &uint_content(u64::from(*n))),
        Value::TimeTicks(n) => tlv(TIMETICKS, &uint_content(u64::from(*n))),
        Value::Opaque(b) => tlv(OPAQUE, b),
        Value::Counter64(n) => tlv(COUNTER64, &uint_content(*n)),
        Value::NoSuchObject => vec![NO_SUCH_OBJECT, 0],
        Value::NoSuchInstance => vec![NO_SUCH_INSTANCE, 0],
        Value::EndOfMibView => vec![END_OF_MIB_VIEW, 0],
    }
}

/// A cursor over a BER buffer.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> &'a [u8] {
        self.buf
    }

    /// The next TLV: its tag and its content.
    pub fn tlv(&mut self) -> Result<(u8, &'a [u8]), String> {
        let b = self.buf;
        if b.len() < 2 {
            return Err("truncated BER header".into());
        }
        let tag = b[0];
        if tag & 0x1f == 0x1f {
            return Err(format!("unsupported BER multi-byte tag 0x{tag:02x}"));
        }
        let (len, hlen) = match b[1] {
            l if l < 0x80 => (usize::from(l), 2),
            0x80 => return Err("indefinite BER length".into()),
            l => {
                let n = usize::from(l & 0x7f);
                if n > 4 || b.len() < 2 + n {
                    return Err("bad BER length".into());
                }
                let len = b[2..2 + n]
                    .iter()
                    .fold(0usize, |acc, x| (acc << 8) | usize::from(*x));
                (len, 2 + n)
            }
        };
        let end = hlen
            .checked_add(len)
            .filter(|e| *e <= b.len())
            .ok_or_else(|| format!("truncated BER value (tag 0x{tag:02x}, {len} bytes)"))?;
        self.buf = &b[end..];
        Ok((tag, &b[hlen..end]))
    }

    /// The next TLV, which must have tag `want`.
    pub fn expect(&mut self, want: u8, what: &str) -> Result<&'a [u8], String> {
        let (tag, c) = self.tlv().map_err(|e| format!("{what}: {e}"))?;
        if tag != want {
            return Err(format!("{what}: tag 0x{tag:02x}, expected 0x{want:02x}"));
        }
        Ok(c)
    }

    pub fn integer(&mut self, what: &str) -> Result<i64, String> {
        let c = self.expect(INTEGER, what)?;
        decode_int(c).ok_or_else(|| format!("{what}: bad INTEGER"))
    }

    pub fn octets(&mut self, what: &str) -> Result<&'a [u8], String> {
        self.expect(OCTET_STRING, what)
    }

    pub fn sequence(&mut self, what: &str) -> Result<Reader<'a>, String> {
        self.expect(SEQUENCE, what).map(Reader::new)
    }
}

pub fn decode_int(c: &[u8]) -> Option<i64> {
    if c.is_empty() || c.len() > 8 {
        return None;
    }
    let neg = c[0] & 0x80 != 0;
    let mut n: i64 = if neg { -1 } else { 0 };
    for b in c {
        n = (n << 8) | i64::from(*b);
    }
    Some(n)
}

/// Unsigned application values; a 9-byte form with a leading zero is allowed.
fn decode_uint(c: &[u8]) -> Option<u64> {
    let c = match c {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => c,
    };
    if c.is_empty() || c.len() > 8 {
        return None;
    }
    Some(c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

fn decode_u32(c: &[u8]) -> Option<u32> {
    decode_uint(c).and_then(|n| u32::try_from(n).ok())
}

pub fn decode_oid(c: &[u8]) -> Result<Oid, String> {
    if c.is_empty() {
        return Err("empty OID".into());
    }
    let mut arcs = Vec::with_capacity(c.len() + 1);
    let mut n: u64 = 0;
    let mut pending = false;
    for b in c {
        n = (n << 7) | u64::from(b & 0x7f);
        if n > u64::from(u32::MAX) + 80 {
            return Err("OID arc too large".into());
        }
        pending = true;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let (a, b) = match n {
                    0..=39 => (0, n),
                    40..=79 => (1, n - 40),
                    _ => (2, n - 80),
                };
                arcs.push(a as u32);
                arcs.push(u32::try_from(b).map_err(|_| "OID arc too large")?);
            } else {
                arcs.push(u32::try_from(n).map_err(|_| "OID arc too large")?);
            }
            if arcs.len() > MAX_OID_ARCS {
                return Err("OID longer than 128 arcs".into());
            }
            n = 0;
            pending = false;
        }
    }
    if pending {
        return Err("truncated OID".into());
    }
    Ok(Oid(arcs))
}

/// A varbind value from its tag and content.
pub fn decode_value(tag: u8, c: &[u8]) -> Result<Value, String> {
    let bad = |what: &str| format!("bad {what} value");
    Ok(match tag {
        INTEGER => Value::Integer(decode_int(c).ok_or_else(|| bad("INTEGER"))?),
        OCTET_STRING => Value::OctetString(c.to_vec()),
        NULL => Value::Null,
        OBJECT_ID => Value::Oid(decode_oid(c)?),
        IP_ADDRESS => Value::IpAddress(c.try_into().map_err(|_| bad("IpAddress"))?),
        COUNTER32 => Value::Counter32(decode_u32(c).ok_or_else(|| bad("Counter32"))?),
        GAUGE32 => Value::Gauge32(decode_u32(c).ok_or_else(|| bad("Gauge32"))?),
        TIMETICKS => Value::TimeTicks(decode_u32(c).ok_or_else(|| bad("TimeTicks"))?),
        OPAQUE => Value::Opaque(c.to_vec()),
        COUNTER64 => Value::Counter64(decode_uint(c).ok_or_else(|| bad("Counter64"))?),
        NO_SUCH_OBJECT => Value::NoSuchObject,
        NO_SUCH_INSTANCE => Value::NoSuchInstance,
        END_OF_MIB_VIEW => Value::EndOfMibView,
        t => return Err(format!("unknown value tag 0x{t:02x}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    #[test]
    fn integers_round_trip() {
        for n in [
            0i64,
            1,
            127,
            128,
            255,
            256,
            -1,
            -128,
            -129,
            i64::MAX,
            i64::MIN,
        ] {
            let e = integer(n);
            let mut r = Reader::new(&e);
            assert_eq!(r.integer("n").unwrap(), n, "{n}");
        }
        assert_eq!(integer(128), vec![2, 2, 0, 128]);
        assert_eq!(integer(-1), vec![2, 1, 0xff]);
    }

    #[test]
    fn oids_round_trip() {
        for s in [
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.4.1.2699.1.2.1.2.1.1.2.1",
            "2.999.3",
        ] {
            let o = oid(s);
            let c = oid_content(&o);
            assert_eq!(decode_oid(&c).unwrap(), o, "{s}");
        }
        assert_eq!(oid_content(&oid("1.3.6.1")), vec![0x2b, 6, 1]);
        assert!(decode_oid(&[0x2b, 0x86]).is_err());
        assert!(decode_oid(&[0xff; 12]).is_err());
    }

    #[test]
    fn values_round_trip() {
        let vals = [
            Value::Counter32(u32::MAX),
            Value::Gauge32(5),
            Value::TimeTicks(0x80),
            Value::Counter64(u64::MAX),
            Value::IpAddress([127, 0, 1, 2]),
            Value::OctetString(vec![0; 300]),
            Value::Oid(oid("1.3.6.1.4.1.8072.3.2.10")),
            Value::EndOfMibView,
        ];
        for v in vals {
            let e = value(&v);
            let mut r = Reader::new(&e);
            let (t, c) = r.tlv().unwrap();
            assert_eq!(decode_value(t, c).unwrap(), v);
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Reader::new(&[0x30]).tlv().is_err());
        assert!(Reader::new(&[0x30, 0x85, 1, 1, 1, 1, 1]).tlv().is_err());
        assert!(Reader::new(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff])
            .tlv()
            .is_err());
        assert!(Reader::new(&[0x30, 0x80, 0, 0]).tlv().is_err());
        assert!(Reader::new(&[0x04, 5, 1, 2]).tlv().is_err());
        assert!(decode_value(0x41, &[1, 2, 3, 4, 5, 6]).is_err());
        assert!(decode_value(0x40, &[1, 2, 3]).is_err());
    }
}
