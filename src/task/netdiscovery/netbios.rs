//! NetBIOS node status (RFC 1002 §4.2.17–18, UDP 137): the names a Windows or Samba
//! host registered, and its MAC. Building the query and reading the answer are pure.

/// The NBSTAT query for the wildcard name `*`, with transaction id `id`.
pub fn query(id: u16) -> Vec<u8> {
    let mut q = Vec::with_capacity(50);
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    // "*" padded with NULs to 16 bytes, first-level encoded (each nibble + 'A').
    q.push(32);
    let mut name = [0u8; 16];
    name[0] = b'*';
    for b in name {
        q.push(b'A' + (b >> 4));
        q.push(b'A' + (b & 0x0f));
    }
    q.push(0);
    q.extend_from_slice(&[0, 0x21, 0, 1]);
    q
}

/// What a node status answer says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeStatus {
    pub name: Option<String>,
    pub workgroup: Option<String>,
    pub user: Option<String>,
    pub mac: Option<String>,
}

/// Most names one node registers in practice is a dozen; the field allows 255.
const MAX_NAMES: usize = 255;

/// Reads a node status answer (`None` when it is not one, or is truncated).
pub fn parse(dgram: &[u8]) -> Option<NodeStatus> {
    if dgram.len() < 12 || dgram[2] & 0x80 == 0 {
        return None;
    }
    let mut p = 12;
    // The answer's name: a pointer, or labels up to a zero byte.
    loop {
        let l = *dgram.get(p)?;
        if l & 0xc0 == 0xc0 {
            p += 2;
            break;
        }
        p += 1 + usize::from(l);
        if l == 0 {
            break;
        }
    }
    let rtype = u16::from_be_bytes([*dgram.get(p)?, *dgram.get(p + 1)?]);
    if rtype != 0x21 {
        return None;
    }
    p += 10; // type, class, TTL, RDLENGTH
    let count = usize::from(*dgram.get(p)?).min(MAX_NAMES);
    p += 1;
    let mut st = NodeStatus::default();
    let mut users = Vec::new();
    for _ in 0..count {
        let entry = dgram.get(p..p + 18)?;
        p += 18;
        let name = String::from_utf8_lossy(&entry[..15]).trim_end().to_string();
        let suffix = entry[15];
        let group = entry[16] & 0x80 != 0;
        if name.is_empty() {
            continue;
        }
        match (suffix, group) {
            (0x00, false) => {
                st.name.get_or_insert(name);
            }
            (0x00, true) => {
                st.workgroup.get_or_insert(name);
            }
            (0x03, false) => users.push(name),
            _ => {}
        }
    }
    // The messenger name (suffix 3) is the computer's own name too: the user is another.
    st.user = users.into_iter().find(|u| Some(u) != st.name.as_ref());
    if let Some(mac) = dgram.get(p..p + 6) {
        if mac.iter().any(|b| *b != 0) {
            st.mac = Some(
                mac.iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(":"),
            );
        }
    }
    Some(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(names: &[(&str, u8, bool)], mac: [u8; 6]) -> Vec<u8> {
        let mut a = vec![0x12, 0x34, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        a.extend_from_slice(&query(0)[12..46]);
        a.extend_from_slice(&[0, 0x21, 0, 1, 0, 0, 0, 0]);
        let len = 1 + names.len() * 18 + 46;
        a.extend_from_slice(&(len as u16).to_be_bytes());
        a.push(names.len() as u8);
        for (n, s, g) in names {
            let mut field = format!("{n:<15}").into_bytes();
            field.truncate(15);
            a.extend_from_slice(&field);
            a.push(*s);
            a.extend_from_slice(&[if *g { 0x84 } else { 0x04 }, 0]);
        }
        a.extend_from_slice(&mac);
        a.extend_from_slice(&[0; 40]);
        a
    }

    #[test]
    fn query_shape() {
        let q = query(0xbeef);
        assert_eq!(q.len(), 50);
        assert_eq!(&q[13..15], b"CK");
        assert_eq!(&q[46..], &[0, 0x21, 0, 1]);
    }

    #[test]
    fn node_status() {
        let a = answer(
            &[
                ("WKS01", 0, false),
                ("WKS01", 0x20, false),
                ("CORP", 0, true),
                ("WKS01", 3, false),
                ("ALICE", 3, false),
            ],
            [0, 0x1b, 0x21, 1, 2, 3],
        );
        let st = parse(&a).unwrap();
        assert_eq!(st.name.as_deref(), Some("WKS01"));
        assert_eq!(st.workgroup.as_deref(), Some("CORP"));
        assert_eq!(st.user.as_deref(), Some("ALICE"));
        assert_eq!(st.mac.as_deref(), Some("00:1b:21:01:02:03"));
        // Samba's zero MAC is no MAC.
        assert_eq!(
            parse(&answer(&[("S", 0, false)], [0; 6])).unwrap().mac,
            None
        );
    }

    #[test]
    fn truncated_answers() {
        let a = answer(&[("WKS01", 0, false), ("CORP", 0, true)], [1; 6]);
        for n in 0..60 {
            assert!(parse(&a[..n]).is_none() || n >= 57, "{n}");
        }
        assert!(parse(&query(1)).is_none());
        assert!(parse(&[0xff; 300]).is_none());
    }
}
