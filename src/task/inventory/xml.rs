//! The XML writer of both XML dialects (FusionInventory and OCS, see `dialect`).
//!
//! `REQUEST{CONTENT{sections…, VERSIONCLIENT}, DEVICEID, QUERY}`; every item of a repeated
//! section is its own element; fields are child elements in name order. Control
//! characters are dropped from values (servers reject them). Two shapes besides:
//! `BIOS` is always written, even empty, as both Perl agents do (the servers create the
//! machine's BIOS row from it); the items of a [`GROUPED`] section share one element,
//! each as a child (`<IPDISCOVER><H>…</H><H>…</H></IPDISCOVER>`).

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

/// Sections whose items are children of one section element: `(section, item element)`.
pub const GROUPED: &[(&str, &str)] = &[("IPDISCOVER", "H")];

/// Sections written even when the inventory has nothing in them.
const ALWAYS: &[&str] = &["BIOS"];

/// Which fields a document carries: `keep(section, field)`.
pub type Keep<'a> = &'a dyn Fn(&str, &str) -> bool;

fn text_element<O: Write>(w: &mut Writer<O>, name: &str, text: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(&clean(text))))?;
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

fn entry<O: Write>(
    w: &mut Writer<O>,
    name: &str,
    e: &Entry,
    keep: &dyn Fn(&str) -> bool,
) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    for (field, value) in e.iter().filter(|(f, _)| keep(f)) {
        match value {
            Value::Text(t) => text_element(w, field, t)?,
            Value::List(items) => {
                for t in items {
                    text_element(w, field, t)?;
                }
            }
            Value::Map(m) => entry(w, field, m, &|_| true)?,
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
    write_filtered(out, deviceid, query, content, versionclient, &|_, _| true)
}

/// [`write_request`] with only the fields `keep` accepts (a section left with no field
/// is not written).
pub fn write_filtered<O: Write>(
    out: O,
    deviceid: &str,
    query: &str,
    content: Option<&Inventory>,
    versionclient: &str,
    keep: Keep,
) -> std::io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(BytesStart::new("REQUEST")))?;
    if let Some(inv) = content {
        w.write_event(Event::Start(BytesStart::new("CONTENT")))?;
        let mut pending: Vec<&str> = ALWAYS.to_vec();
        for (section, entries) in inv.sections() {
            // the always-written sections missing from the inventory, in name order
            while let Some(i) = pending.iter().position(|p| *p <= section) {
                let name = pending.remove(i);
                if name != section {
                    w.create_element(name).write_empty()?;
                }
            }
            let keep_field = |f: &str| keep(section, f);
            let kept = |e: &&Entry| e.iter().any(|(f, _)| keep_field(f));
            if let Some((_, item)) = GROUPED.iter().find(|(s, _)| *s == section) {
                if !entries.iter().any(|e| kept(&e)) {
                    continue;
                }
                w.write_event(Event::Start(BytesStart::new(section)))?;
                for e in entries.iter().filter(kept) {
                    entry(&mut w, item, e, &keep_field)?;
                }
                w.write_event(Event::End(BytesEnd::new(section)))?;
                continue;
            }
            let mut written = false;
            for e in entries.iter().filter(kept) {
                entry(&mut w, section, e, &keep_field)?;
                written = true;
            }
            if !written && ALWAYS.contains(&section) {
                w.create_element(section).write_empty()?;
            }
        }
        for name in pending {
            w.create_element(name).write_empty()?;
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
        assert!(xml.contains("<BIOS/>"), "{xml}");
    }

    #[test]
    fn grouped_sections_and_filters() {
        let mut inv = Inventory::new("h-2026-01-01-00-00-00");
        for (ip, mac) in [
            ("10.0.0.2", "aa:bb:cc:dd:ee:01"),
            ("10.0.0.3", "aa:bb:cc:dd:ee:02"),
        ] {
            let mut h = Entry::new();
            h.set("I", ip).set("M", mac).set("N", "-");
            inv.add("IPDISCOVER", h);
        }
        inv.single("BIOS").set("SSN", "S1").set("SECRET", "x");
        let mut out = Vec::new();
        write_filtered(&mut out, "d", "INVENTORY", Some(&inv), "v", &|s, f| {
            !(s == "BIOS" && f == "SECRET")
        })
        .unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert_eq!(xml.matches("<IPDISCOVER>").count(), 1, "{xml}");
        assert_eq!(xml.matches("<H>").count(), 2, "{xml}");
        assert!(xml.contains("<I>10.0.0.3</I>"));
        assert!(
            xml.contains("<SSN>S1</SSN>") && !xml.contains("SECRET"),
            "{xml}"
        );
        assert!(!xml.contains("<BIOS/>"));
        let mut out = Vec::new();
        write_filtered(&mut out, "d", "INVENTORY", Some(&inv), "v", &|s, _| {
            s != "BIOS"
        })
        .unwrap();
        assert!(String::from_utf8(out).unwrap().contains("<BIOS/>"));
    }
}
