//! SNMP messages: PDUs, the community message of v1/v2c (RFC 1157, 3416) and the v3
//! message of RFC 3412 with its USM security parameters (RFC 3414), encoded and decoded.
//! Cryptography is in [`super::usm`]; this file only lays out and reads bytes.

use super::ber::{self, Reader, SEQUENCE};
use super::oid::Oid;
use super::value::Value;

pub const GET: u8 = 0xa0;
pub const GET_NEXT: u8 = 0xa1;
pub const RESPONSE: u8 = 0xa2;
pub const GET_BULK: u8 = 0xa5;
pub const REPORT: u8 = 0xa8;

/// Error statuses of a response (RFC 3416 §3).
pub const TOO_BIG: i64 = 1;
pub const NO_SUCH_NAME: i64 = 2;

/// v3 msgFlags.
pub const FLAG_AUTH: u8 = 1;
pub const FLAG_PRIV: u8 = 2;
pub const FLAG_REPORTABLE: u8 = 4;

/// The largest message we accept, announced as msgMaxSize: a UDP datagram's payload.
pub const MAX_MESSAGE: usize = 65507;

/// A PDU. For GETBULK, `error_status` is non-repeaters and `error_index` max-repetitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    pub kind: u8,
    pub request_id: i32,
    pub error_status: i64,
    pub error_index: i64,
    pub varbinds: Vec<(Oid, Value)>,
}

impl Pdu {
    pub fn request(kind: u8, request_id: i32, oids: &[Oid]) -> Pdu {
        Pdu {
            kind,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds: oids.iter().map(|o| (o.clone(), Value::Null)).collect(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let vbs: Vec<Vec<u8>> = self
            .varbinds
            .iter()
            .map(|(o, v)| ber::seq(SEQUENCE, &[&ber::object_id(o), &ber::value(v)]))
            .collect();
        let refs: Vec<&[u8]> = vbs.iter().map(Vec::as_slice).collect();
        ber::seq(
            self.kind,
            &[
                &ber::integer(i64::from(self.request_id)),
                &ber::integer(self.error_status),
                &ber::integer(self.error_index),
                &ber::seq(SEQUENCE, &refs),
            ],
        )
    }

    /// A PDU from its tag and content.
    pub fn decode(kind: u8, content: &[u8]) -> Result<Pdu, String> {
        if kind & 0xe0 != 0xa0 {
            return Err(format!("not a PDU (tag 0x{kind:02x})"));
        }
        let mut r = Reader::new(content);
        let request_id = i32::try_from(r.integer("request-id")?)
            .map_err(|_| "request-id out of range".to_string())?;
        let error_status = r.integer("error-status")?;
        let error_index = r.integer("error-index")?;
        let mut list = r.sequence("varbind list")?;
        let mut varbinds = Vec::new();
        while !list.is_empty() {
            let mut vb = list.sequence("varbind")?;
            let oid = ber::decode_oid(vb.expect(ber::OBJECT_ID, "varbind name")?)?;
            let (tag, c) = vb.tlv().map_err(|e| format!("varbind value: {e}"))?;
            varbinds.push((oid, ber::decode_value(tag, c)?));
        }
        Ok(Pdu {
            kind,
            request_id,
            error_status,
            error_index,
            varbinds,
        })
    }
}

/// A v1 (`version` 0) or v2c (1) message.
pub fn encode_community(version: i64, community: &[u8], pdu: &Pdu) -> Vec<u8> {
    ber::seq(
        SEQUENCE,
        &[
            &ber::integer(version),
            &ber::octets(community),
            &pdu.encode(),
        ],
    )
}

/// The USM security parameters of a v3 message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsmParams {
    pub engine_id: Vec<u8>,
    pub boots: i64,
    pub time: i64,
    pub user: Vec<u8>,
    pub priv_params: Vec<u8>,
}

/// A v3 message to send: header, security parameters with `auth_len` zero bytes where
/// the MAC goes, and the scoped PDU (plain, or encrypted as an OCTET STRING).
pub struct V3Out<'a> {
    pub msg_id: i32,
    pub flags: u8,
    pub usm: &'a UsmParams,
    pub auth_len: usize,
    /// The encoded scoped PDU, or the encrypted OCTET STRING TLV.
    pub data: &'a [u8],
}

/// The encoded message and where its MAC placeholder is.
pub fn encode_v3(m: &V3Out) -> (Vec<u8>, usize) {
    let engine = ber::octets(&m.usm.engine_id);
    let boots = ber::integer(m.usm.boots);
    let time = ber::integer(m.usm.time);
    let user = ber::octets(&m.usm.user);
    let auth = ber::octets(&vec![0; m.auth_len]);
    let privp = ber::octets(&m.usm.priv_params);
    let sec = ber::seq(SEQUENCE, &[&engine, &boots, &time, &user, &auth, &privp]);
    // Where the MAC goes inside `sec`: after its header and the four fields before it.
    let fields = [&engine, &boots, &time, &user, &auth, &privp];
    let sec_hdr = sec.len() - fields.iter().map(|f| f.len()).sum::<usize>();
    let auth_in_sec = sec_hdr
        + engine.len()
        + boots.len()
        + time.len()
        + user.len()
        + ber::header(ber::OCTET_STRING, m.auth_len).len();
    let version = ber::integer(3);
    let global = ber::seq(
        SEQUENCE,
        &[
            &ber::integer(i64::from(m.msg_id)),
            &ber::integer(MAX_MESSAGE as i64),
            &ber::octets(&[m.flags]),
            &ber::integer(3),
        ],
    );
    let sec_octets = ber::octets(&sec);
    let sec_octets_hdr = sec_octets.len() - sec.len();
    let body_len = version.len() + global.len() + sec_octets.len() + m.data.len();
    let outer_hdr = ber::header(SEQUENCE, body_len).len();
    let msg = ber::seq(SEQUENCE, &[&version, &global, &sec_octets, m.data]);
    let offset = outer_hdr + version.len() + global.len() + sec_octets_hdr + auth_in_sec;
    (msg, offset)
}

/// The scoped PDU of RFC 3412: context engine ID, context name, PDU.
pub fn encode_scoped(context_engine: &[u8], context_name: &[u8], pdu: &Pdu) -> Vec<u8> {
    ber::seq(
        SEQUENCE,
        &[
            &ber::octets(context_engine),
            &ber::octets(context_name),
            &pdu.encode(),
        ],
    )
}

pub fn decode_scoped(bytes: &[u8]) -> Result<Pdu, String> {
    let mut r = Reader::new(bytes);
    let mut s = r.sequence("scoped PDU")?;
    s.octets("contextEngineID")?;
    s.octets("contextName")?;
    let (tag, c) = s.tlv().map_err(|e| format!("PDU: {e}"))?;
    Pdu::decode(tag, c)
}

/// A received message.
pub enum Incoming<'a> {
    Community {
        version: i64,
        community: &'a [u8],
        pdu: Pdu,
    },
    V3(V3In<'a>),
}

/// A received v3 message, not yet authenticated nor decrypted.
pub struct V3In<'a> {
    pub msg_id: i64,
    pub flags: u8,
    pub usm: UsmParams,
    pub auth_params: &'a [u8],
    /// Offset of `auth_params` in the whole message (to zero it before checking the MAC).
    pub auth_offset: usize,
    /// The plain scoped PDU TLV, or the encrypted bytes when `flags & FLAG_PRIV`.
    pub data: &'a [u8],
}

pub fn decode(buf: &[u8]) -> Result<Incoming<'_>, String> {
    let mut top = Reader::new(buf);
    let mut m = top.sequence("message")?;
    let version = m.integer("version")?;
    if version == 0 || version == 1 {
        let community = m.octets("community")?;
        let (tag, c) = m.tlv().map_err(|e| format!("PDU: {e}"))?;
        return Ok(Incoming::Community {
            version,
            community,
            pdu: Pdu::decode(tag, c)?,
        });
    }
    if version != 3 {
        return Err(format!("unknown SNMP version {version}"));
    }
    let mut g = m.sequence("msgGlobalData")?;
    let msg_id = g.integer("msgID")?;
    g.integer("msgMaxSize")?;
    let flags = *g.octets("msgFlags")?.first().ok_or("empty msgFlags")?;
    let model = g.integer("msgSecurityModel")?;
    if model != 3 {
        return Err(format!("security model {model} is not USM"));
    }
    let mut sec_outer = Reader::new(m.octets("msgSecurityParameters")?);
    let mut s = sec_outer.sequence("UsmSecurityParameters")?;
    let engine_id = s.octets("msgAuthoritativeEngineID")?.to_vec();
    let boots = s.integer("msgAuthoritativeEngineBoots")?;
    let time = s.integer("msgAuthoritativeEngineTime")?;
    let user = s.octets("msgUserName")?.to_vec();
    let auth_params = s.octets("msgAuthenticationParameters")?;
    let priv_params = s.octets("msgPrivacyParameters")?.to_vec();
    let data = if flags & FLAG_PRIV != 0 {
        m.octets("encryptedPDU")?
    } else {
        let before = m.remaining();
        m.sequence("scoped PDU")?;
        &before[..before.len() - m.remaining().len()]
    };
    let auth_offset = auth_params.as_ptr() as usize - buf.as_ptr() as usize;
    Ok(Incoming::V3(V3In {
        msg_id,
        flags,
        usm: UsmParams {
            engine_id,
            boots,
            time,
            user,
            priv_params,
        },
        auth_params,
        auth_offset,
        data,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    #[test]
    fn community_round_trip() {
        let pdu = Pdu::request(GET, 42, &[oid("1.3.6.1.2.1.1.5.0")]);
        let m = encode_community(1, b"public", &pdu);
        match decode(&m).unwrap() {
            Incoming::Community {
                version,
                community,
                pdu: p,
            } => {
                assert_eq!(version, 1);
                assert_eq!(community, b"public");
                assert_eq!(p, pdu);
            }
            Incoming::V3(_) => panic!("v3"),
        }
    }

    #[test]
    fn v3_round_trip_finds_the_mac() {
        let usm = UsmParams {
            engine_id: vec![0x80, 0, 0x1f, 0x88, 4, 1, 2, 3],
            boots: 3,
            time: 1000,
            user: b"admin".to_vec(),
            priv_params: vec![],
        };
        let scoped = encode_scoped(
            &usm.engine_id,
            b"",
            &Pdu::request(GET, 7, &[oid("1.3.6.1.2.1.1.1.0")]),
        );
        let (msg, off) = encode_v3(&V3Out {
            msg_id: 9,
            flags: FLAG_AUTH | FLAG_REPORTABLE,
            usm: &usm,
            auth_len: 12,
            data: &scoped,
        });
        assert_eq!(&msg[off..off + 12], &[0; 12]);
        let Ok(Incoming::V3(v)) = decode(&msg) else {
            panic!("not v3")
        };
        assert_eq!(v.msg_id, 9);
        assert_eq!(v.usm, usm);
        assert_eq!(v.auth_offset, off);
        assert_eq!(decode_scoped(v.data).unwrap().request_id, 7);
    }

    #[test]
    fn truncated_messages_are_errors() {
        let pdu = Pdu::request(GET, 42, &[oid("1.3.6.1.2.1.1.5.0")]);
        let m = encode_community(1, b"public", &pdu);
        for n in 0..m.len() {
            assert!(decode(&m[..n]).is_err(), "{n}");
        }
    }
}
