//! The Wake-on-LAN magic packet: six `FF` bytes and the target MAC sixteen times
//! (102 bytes), alone in a UDP datagram or behind an Ethernet header (EtherType
//! 0x0842). Pure functions.

pub const ETHERTYPE_WOL: u16 = 0x0842;
pub const PAYLOAD_LEN: usize = 102;

/// A MAC as `aa:bb:cc:dd:ee:ff`, `aa-bb-cc-dd-ee-ff` or `aabbccddeeff`.
pub fn parse_mac(text: &str) -> Result<[u8; 6], String> {
    let t = text.trim();
    let hex: String = if t.contains(':') || t.contains('-') {
        let parts: Vec<&str> = t.split([':', '-']).collect();
        if parts.len() != 6 || parts.iter().any(|p| p.len() != 2) {
            return Err(format!("'{t}' is not a MAC address (aa:bb:cc:dd:ee:ff)"));
        }
        parts.concat()
    } else {
        t.to_string()
    };
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("'{t}' is not a MAC address (aa:bb:cc:dd:ee:ff)"));
    }
    let mut mac = [0u8; 6];
    for (i, b) in mac.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16)
            .map_err(|_| format!("'{t}' is not a MAC address"))?;
    }
    if mac == [0; 6] || mac == [0xff; 6] {
        return Err(format!("'{t}' is not a machine's MAC address"));
    }
    Ok(mac)
}

pub fn format_mac(mac: &[u8; 6]) -> String {
    mac.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The 102-byte payload.
pub fn payload(mac: &[u8; 6]) -> Vec<u8> {
    let mut p = vec![0xff; 6];
    for _ in 0..16 {
        p.extend_from_slice(mac);
    }
    p
}

/// The Ethernet frame: destination the target, source the sending interface.
pub fn frame(target: &[u8; 6], source: &[u8; 6]) -> Vec<u8> {
    let mut f = Vec::with_capacity(14 + PAYLOAD_LEN);
    f.extend_from_slice(target);
    f.extend_from_slice(source);
    f.extend_from_slice(&ETHERTYPE_WOL.to_be_bytes());
    f.extend_from_slice(&payload(target));
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs() {
        let m = parse_mac("00:1B:21:aa:bb:0c").unwrap();
        assert_eq!(format_mac(&m), "00:1b:21:aa:bb:0c");
        assert_eq!(parse_mac("00-1b-21-aa-bb-0c").unwrap(), m);
        assert_eq!(parse_mac("001b21aabb0c").unwrap(), m);
        for bad in [
            "",
            "00:1b:21:aa:bb",
            "00:1b:21:aa:bb:0c:11",
            "0:1b:21:aa:bb:0c",
            "zz:1b:21:aa:bb:0c",
            "00:00:00:00:00:00",
            "ff:ff:ff:ff:ff:ff",
            "001b21aabb0",
        ] {
            assert!(parse_mac(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn packet_and_frame() {
        let m = [1, 2, 3, 4, 5, 6];
        let p = payload(&m);
        assert_eq!(p.len(), PAYLOAD_LEN);
        assert_eq!(&p[..6], &[0xff; 6]);
        assert_eq!(&p[96..], &m);
        let f = frame(&m, &[9; 6]);
        assert_eq!(f.len(), 116);
        assert_eq!(&f[12..14], &[0x08, 0x42]);
        assert_eq!(&f[14..], &p[..]);
    }
}
