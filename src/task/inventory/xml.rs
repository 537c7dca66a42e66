//! The OCS / FusionInventory XML writer.
//!
//! `REQUEST{CONTENT{sections…, VERSIONCLIENT}, DEVICEID, QUERY}`; every item of a repeated
//! section is its own element; fields are child elements in name order. Control
//! characters are dropped from values (servers reject them).

use std::io::Write;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::model::{Entry, Inventory, Value};

/// Removes characters XML 1.0 cannot carry (control characters but tab/newline).
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || c == '\t' || c == '\n')
        .collect()
}

fn text_element<O: Write>(w: &mut Writer<O>, name: &str, text: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(&clean(text))))?;
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

fn entry<O: Write>(w: &mut Writer<O>, name: &str, e: &Entry) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    for (field, value) in e.iter() {
        match value {
            Value::Text(t) => text_element(w, field, t)?,
            Value::List(items) => {
                for t in items {
                    text_element(w, field, t)?;
                }
            }
            Value::Map(m) => entry(w, field, m)?,
        }
    }
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

/// A whole request: `query` is `INVENTORY`, `PROLOG`…; `content` is written when given.
pub fn request(
    deviceid: &str,
    query: &str,
    content: Option<&Inventory>,
    versionclient: &str,
) -> String {
    let mut out = Vec::new();
    let result = write_request(&mut out, deviceid, query, content, versionclient);
    debug_assert!(result.is_ok(), "writing to memory cannot fail");
    crate::source::into_text(out)
}

/// Writes a whole request to `out` as it goes (a large inventory is never held twice).
pub fn write_request<O: Write>(
    out: O,
    deviceid: &str,
    query: &str,
    content: Option<&Inventory>,
    versionclient: &str,
) -> std::io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(BytesStart::new("REQUEST")))?;
    if let Some(inv) = content {
        w.write_event(Event::Start(BytesStart::new("CONTENT")))?;
        for (section, entries) in inv.sections() {
            for e in entries.iter().filter(|e| !e.is_empty()) {
                entry(&mut w, section, e)?;
            }
        }
        text_element(&mut w, "VERSIONCLIENT", versionclient)?;
        w.write_event(Event::End(BytesEnd::new("CONTENT")))?;
    }
    text_element(&mut w, "DEVICEID", deviceid)?;
    text_element(&mut w, "QUERY", query)?;
    w.write_event(Event::End(BytesEnd::new("REQUEST")))?;
    w.into_inner().write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_sections_and_escapes() {
        let mut inv = Inventory::new("h-2026-01-01-00-00-00");
        inv.single("HARDWARE").set("NAME", "a<b & \u{7}c");
        let mut cpu = Entry::new();
        cpu.set("NAME", "x");
        inv.add("CPUS", cpu.clone());
        inv.add("CPUS", cpu);
        let mut tz = Entry::new();
        tz.set("NAME", "UTC").set("OFFSET", "+0000");
        inv.single("OPERATINGSYSTEM").set_map("TIMEZONE", tz);
        let xml = request(
            &inv.deviceid,
            "INVENTORY",
            Some(&inv),
            "OCS-NG_unified_unix_agent_v2.10.0",
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains("<NAME>a&lt;b &amp; c</NAME>"), "{xml}");
        assert_eq!(xml.matches("<CPUS>").count(), 2);
        assert!(xml.contains("<TIMEZONE>"));
        assert!(xml.contains("<QUERY>INVENTORY</QUERY>"));
    }
}
