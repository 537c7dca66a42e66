//! The OCS protocol: XML messages POSTed to the server URL, zlib-compressed both ways.
//!
//! A contact is a PROLOG (`may I send, what else should I do?`), answered with
//! `RESPONSE` (`SEND` or not), `PROLOG_FREQ` (hours until the next contact) and OPTION
//! blocks for the other tasks; then, when asked or forced, an INVENTORY, answered with
//! `NO_ACCOUNT_UPDATE` or `ACCOUNT_UPDATE` and the server's administrative data.
//! Replies are decoded by what their first bytes are (zlib, gzip or plain XML), since
//! servers answer in the compression they detected, whatever the Content-Type says.

use std::io::{Read, Write};

use super::client::{read_capped, Capped, Client, NetError};

/// The agent's User-Agent, the one every server exchange sends: OCS servers take the
/// agent's kind and version from it (`OCS-NG_unified_unix_agent_v…`, the Perl agent's).
pub const USER_AGENT: &str = concat!("OCS-NG_unified_unix_agent_v", env!("CARGO_PKG_VERSION"));
use super::xmltree::Node;

/// Largest decompressed reply accepted. An honest reply is a few KB (a PROLOG with
/// hundreds of Deploy packages stays under a megabyte); a zlib bomb stops here, after a
/// few milliseconds, instead of filling the task's memory.
pub const MAX_XML: u64 = 8 << 20;

/// Compresses a request body (zlib, RFC 1950) unless `plain`; returns it with the
/// Content-Type to send.
pub fn encode_body(xml: &str, plain: bool) -> (Vec<u8>, &'static str) {
    if plain {
        return (xml.as_bytes().to_vec(), "application/xml");
    }
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(xml.as_bytes());
    (enc.finish().unwrap_or_default(), "application/x-compress")
}

/// How a reply body is encoded, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Zlib,
    Gzip,
    Plain,
}

/// Tells the encoding of a reply: a zlib header (`78 xx`, checksum valid), the gzip
/// magic (`1f 8b`), or text whose first non-blank character is `<`.
pub fn sniff(body: &[u8]) -> Option<Encoding> {
    match body {
        [0x1f, 0x8b, ..] => Some(Encoding::Gzip),
        [cmf, flg, ..] if cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0 => {
            Some(Encoding::Zlib)
        }
        _ => {
            // white space and a UTF-8 byte order mark may come first
            let first = body
                .iter()
                .find(|b| !(b.is_ascii_whitespace() || matches!(**b, 0xef | 0xbb | 0xbf)));
            (first == Some(&b'<')).then_some(Encoding::Plain)
        }
    }
}

/// Decodes a reply body into text: decompressed as a stream into one buffer of at most
/// [`MAX_XML`] bytes, which becomes the text without a copy when it is valid UTF-8.
pub fn decode_body(body: &[u8]) -> Result<String, String> {
    let inflate = |reader: &mut dyn Read, what: &str| {
        read_capped(reader, MAX_XML).map_err(|e| match e {
            Capped::TooLarge => format!(
                "the reply is larger than {} MiB once decompressed (refused)",
                MAX_XML >> 20
            ),
            Capped::Io(e) => format!("the reply is not valid {what} data: {e}"),
        })
    };
    let out = match sniff(body) {
        Some(Encoding::Zlib) => inflate(&mut flate2::read::ZlibDecoder::new(body), "zlib")?,
        Some(Encoding::Gzip) => inflate(&mut flate2::read::GzDecoder::new(body), "gzip")?,
        Some(Encoding::Plain) if body.len() as u64 > MAX_XML => {
            return Err(format!(
                "the reply is larger than {} MiB (refused)",
                MAX_XML >> 20
            ))
        }
        Some(Encoding::Plain) => body.to_vec(),
        None if body.is_empty() => return Err("the reply is empty".into()),
        None => {
            let head: String = body
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            return Err(format!(
                "the reply is neither zlib, gzip nor XML (starts with {head})"
            ));
        }
    };
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Parses a decoded reply; its root must be `REPLY`.
pub fn parse_reply(text: &str) -> Result<Node, String> {
    let root = Node::parse(text).map_err(|e| format!("the reply is not XML: {e}"))?;
    if root.name != "REPLY" {
        return Err(format!(
            "the reply is not an OCS reply (root element <{}>)",
            root.name
        ));
    }
    Ok(root)
}

/// What a PROLOG reply says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prolog {
    /// `RESPONSE` as sent (`SEND`, `STOP`…), empty when absent.
    pub response: String,
    /// Hours between contacts, when given and valid.
    pub prolog_freq: Option<u64>,
    /// The OPTION blocks, each with its `NAME`.
    pub options: Vec<Node>,
}

impl Prolog {
    /// True when the server asks for an inventory.
    pub fn wants_inventory(&self) -> bool {
        self.response == "SEND"
    }

    pub fn from_reply(reply: &Node) -> Prolog {
        Prolog {
            response: reply.child_text("RESPONSE").unwrap_or("").to_string(),
            prolog_freq: reply
                .child_text("PROLOG_FREQ")
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|&h| h > 0),
            options: reply
                .children_named("OPTION")
                .filter(|o| option_name(o).is_some())
                .cloned()
                .collect(),
        }
    }
}

/// The `NAME` of an OPTION block, if it is a usable file name.
pub fn option_name(option: &Node) -> Option<&str> {
    option.child_text("NAME").filter(|n| {
        n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// What an INVENTORY reply says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InventoryReply {
    pub response: String,
    /// With `ACCOUNT_UPDATE`: the server's administrative data, to send from now on.
    pub accountinfo: Option<Vec<(String, String)>>,
}

impl InventoryReply {
    pub fn from_reply(reply: &Node) -> InventoryReply {
        let response = reply.child_text("RESPONSE").unwrap_or("").to_string();
        let accountinfo = (response == "ACCOUNT_UPDATE").then(|| {
            reply
                .children_named("ACCOUNTINFO")
                .filter_map(|a| {
                    let k = a.child_text("KEYNAME")?;
                    let v = a.child("KEYVALUE").map(|v| v.text.trim()).unwrap_or("");
                    Some((k.to_string(), v.to_string()))
                })
                .collect()
        });
        InventoryReply {
            response,
            accountinfo,
        }
    }
}

/// The PROLOG request document.
pub fn prolog_request(deviceid: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REQUEST>\n  <DEVICEID>{}</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n</REQUEST>\n",
        escape(deviceid)
    )
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// Sends one XML message and returns the parsed reply.
pub fn exchange(client: &Client, xml: &str, plain: bool) -> Result<Node, NetError> {
    let (body, content_type) = encode_body(xml, plain);
    let reply = client.post(&body, content_type)?;
    let bad = |why: String| NetError {
        url: client.url().to_string(),
        status: None,
        why,
    };
    let text = decode_body(&reply).map_err(bad)?;
    parse_reply(&text).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(text: &str) -> Vec<u8> {
        encode_body(text, false).0
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    const REPLY: &str =
        "<?xml version='1.0' encoding='UTF-8'?>\n<REPLY><RESPONSE>SEND</RESPONSE></REPLY>";

    #[test]
    fn decodes_zlib_gzip_plain_and_rejects_garbage() {
        let z = zlib(REPLY);
        assert_eq!(&z[..2], &[0x78, 0x9c]);
        assert_eq!(sniff(&z), Some(Encoding::Zlib));
        assert_eq!(decode_body(&z).unwrap(), REPLY);
        let g = gzip(REPLY);
        assert_eq!(sniff(&g), Some(Encoding::Gzip));
        assert_eq!(decode_body(&g).unwrap(), REPLY);
        assert_eq!(decode_body(REPLY.as_bytes()).unwrap(), REPLY);
        assert_eq!(sniff(b"\n  <REPLY/>"), Some(Encoding::Plain));
        // levels other than the default still have a valid zlib header
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(REPLY.as_bytes()).unwrap();
        assert_eq!(decode_body(&e.finish().unwrap()).unwrap(), REPLY);

        let err = decode_body(b"garbage!").unwrap_err();
        assert!(err.contains("neither zlib, gzip nor XML"), "{err}");
        assert!(decode_body(b"").unwrap_err().contains("empty"));
        // a zlib header followed by junk
        assert!(decode_body(&[0x78, 0x9c, 1, 2, 3, 4]).is_err());
        // HTML error page: XML-looking but not a REPLY
        let html = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>500</title></head><body></body></html>";
        let text = decode_body(html.as_bytes()).unwrap();
        assert!(parse_reply(&text).is_err());
        assert!(parse_reply("<REQUEST/>").unwrap_err().contains("<REQUEST>"));
    }

    #[test]
    fn a_zlib_bomb_is_refused_early() {
        // Issue #13, defect 9: a 2 MB bomb cost 12 s and 529 MB (cap 256 MiB, two copies).
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..64 {
            e.write_all(&zeros).unwrap();
        }
        let bomb = e.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        let start = std::time::Instant::now();
        let err = decode_body(&bomb).unwrap_err();
        assert!(err.contains("larger than 8 MiB"), "{err}");
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        // Exactly at the cap is still a reply.
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut doc = b"<REPLY>".to_vec();
        doc.resize(MAX_XML as usize - 8, b' ');
        doc.extend_from_slice(b"</REPLY>");
        e.write_all(&doc).unwrap();
        assert_eq!(
            decode_body(&e.finish().unwrap()).unwrap().len(),
            MAX_XML as usize
        );
    }

    #[test]
    fn prolog_with_options_in_any_order() {
        let a = r#"<REPLY>
          <OPTION><NAME>DOWNLOAD</NAME>
            <PARAM ON="1" TYPE="CONF" FRAG_LATENCY="10"/>
            <PARAM TYPE="PACK" ID="17" INFO_LOC="h/download"/>
          </OPTION>
          <PROLOG_FREQ>12</PROLOG_FREQ>
          <OPTION><PARAM IPDISC_LAT="100">192.168.1.0</PARAM><NAME>IPDISCOVER</NAME></OPTION>
          <RESPONSE>SEND</RESPONSE>
        </REPLY>"#;
        let b = r#"<REPLY><RESPONSE>SEND</RESPONSE><OPTION><NAME>IPDISCOVER</NAME>
          <PARAM IPDISC_LAT="100">192.168.1.0</PARAM></OPTION><PROLOG_FREQ>12</PROLOG_FREQ>
          <OPTION><PARAM TYPE="CONF" FRAG_LATENCY="10" ON="1"/><NAME>DOWNLOAD</NAME>
          <PARAM INFO_LOC="h/download" ID="17" TYPE="PACK"/></OPTION></REPLY>"#;
        for doc in [a, b] {
            let p = Prolog::from_reply(&parse_reply(doc).unwrap());
            assert!(p.wants_inventory());
            assert_eq!(p.prolog_freq, Some(12));
            let mut names: Vec<&str> = p.options.iter().filter_map(option_name).collect();
            names.sort();
            assert_eq!(names, ["DOWNLOAD", "IPDISCOVER"]);
            let dl = p
                .options
                .iter()
                .find(|o| option_name(o) == Some("DOWNLOAD"))
                .unwrap();
            let pack = dl
                .children_named("PARAM")
                .find(|x| x.attr("TYPE") == Some("PACK"))
                .unwrap();
            assert_eq!(pack.attr("ID"), Some("17"));
            let ipd = p
                .options
                .iter()
                .find(|o| option_name(o) == Some("IPDISCOVER"))
                .unwrap();
            assert_eq!(ipd.child_text("PARAM"), Some("192.168.1.0"));
        }
        let stop = Prolog::from_reply(
            &parse_reply("<REPLY><RESPONSE>STOP</RESPONSE><PROLOG_FREQ>x</PROLOG_FREQ><OPTION><NAME>../x</NAME></OPTION></REPLY>").unwrap(),
        );
        assert!(!stop.wants_inventory());
        assert_eq!(stop.prolog_freq, None);
        assert!(stop.options.is_empty());
        assert!(!Prolog::from_reply(&parse_reply("<REPLY/>").unwrap()).wants_inventory());
    }

    #[test]
    fn inventory_replies() {
        let r = InventoryReply::from_reply(
            &parse_reply("<REPLY><ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>NA</KEYVALUE></ACCOUNTINFO><RESPONSE>ACCOUNT_UPDATE</RESPONSE><ACCOUNTINFO><KEYVALUE/><KEYNAME>fields_3</KEYNAME></ACCOUNTINFO></REPLY>").unwrap(),
        );
        assert_eq!(
            r.accountinfo,
            Some(vec![
                ("TAG".into(), "NA".into()),
                ("fields_3".into(), String::new())
            ])
        );
        let n = InventoryReply::from_reply(
            &parse_reply("<REPLY><RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE></REPLY>").unwrap(),
        );
        assert_eq!(n.accountinfo, None);
    }

    #[test]
    fn prolog_request_shape() {
        let x = prolog_request("h-2026-01-01-00-00-00");
        let n = Node::parse(&x).unwrap();
        assert_eq!(n.child_text("QUERY"), Some("PROLOG"));
        assert_eq!(n.child_text("DEVICEID"), Some("h-2026-01-01-00-00-00"));
    }
}
