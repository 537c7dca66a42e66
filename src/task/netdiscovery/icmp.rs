//! ICMP echo (ping): the request, and reading a reply from a raw socket (with its IPv4
//! header) or from Linux's unprivileged ICMP datagram socket (without it).

pub const ECHO_REQUEST: u8 = 8;
pub const ECHO_REPLY: u8 = 0;

/// RFC 1071 Internet checksum.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for c in data.chunks(2) {
        let w = u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]);
        sum += u32::from(w);
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An echo request with this identifier and sequence number.
pub fn echo_request(ident: u16, seq: u16) -> Vec<u8> {
    let mut p = vec![ECHO_REQUEST, 0, 0, 0];
    p.extend_from_slice(&ident.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(b"ocsinventory-nd!");
    let c = checksum(&p);
    p[2..4].copy_from_slice(&c.to_be_bytes());
    p
}

/// The (identifier, sequence) of an echo reply; `with_ip_header` for raw sockets.
pub fn parse_reply(dgram: &[u8], with_ip_header: bool) -> Option<(u16, u16)> {
    let icmp = if with_ip_header {
        let ihl = usize::from(dgram.first()? & 0x0f) * 4;
        if ihl < 20 {
            return None;
        }
        dgram.get(ihl..)?
    } else {
        dgram
    };
    if icmp.len() < 8 || icmp[0] != ECHO_REPLY || icmp[1] != 0 {
        return None;
    }
    Some((
        u16::from_be_bytes([icmp[4], icmp[5]]),
        u16::from_be_bytes([icmp[6], icmp[7]]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_reply() {
        let p = echo_request(0x1234, 7);
        assert_eq!(checksum(&p), 0);
        let mut reply = p.clone();
        reply[0] = ECHO_REPLY;
        assert_eq!(parse_reply(&reply, false), Some((0x1234, 7)));
        let mut ip = vec![0x45u8];
        ip.extend_from_slice(&[0; 19]);
        ip.extend_from_slice(&reply);
        assert_eq!(parse_reply(&ip, true), Some((0x1234, 7)));
        assert_eq!(parse_reply(&p, false), None);
        assert_eq!(parse_reply(&[0x4f], true), None);
        assert_eq!(parse_reply(&[0x41, 0, 0], true), None);
        assert_eq!(parse_reply(&[0; 5], false), None);
    }
}
