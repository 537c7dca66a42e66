//! A small XML element tree for server replies and stored OPTION blocks.
//!
//! Servers build their replies from Perl hashes, so element and attribute order changes
//! from one reply to the next: readers look children up by name, never by position.
//! Limits (depth, element count) keep a hostile reply from costing much.

use std::io::Cursor;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

/// Deepest nesting accepted in a reply.
const MAX_DEPTH: usize = 64;
/// Most elements accepted in a reply.
const MAX_ELEMENTS: usize = 1_000_000;

/// One element: name, attributes in document order, text (trimmed, concatenated) and
/// child elements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn new(name: &str) -> Node {
        Node {
            name: name.to_string(),
            ..Node::default()
        }
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, if it has any.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Parses a document; the root element is returned.
    pub fn parse(text: &str) -> Result<Node, String> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().trim_text(true);
        let mut stack: Vec<Node> = Vec::new();
        let mut root: Option<Node> = None;
        let mut count = 0usize;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| format!("malformed XML at byte {}: {e}", reader.buffer_position()))?;
            match event {
                Event::Start(start) | Event::Empty(start) if root.is_some() && stack.is_empty() => {
                    return Err(format!(
                        "malformed XML: element <{}> after the root element",
                        String::from_utf8_lossy(start.name().as_ref())
                    ));
                }
                Event::Start(start) => {
                    count += 1;
                    if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                        return Err("XML nested too deeply or too large".into());
                    }
                    stack.push(element(&start)?);
                }
                Event::Empty(start) => {
                    count += 1;
                    let node = element(&start)?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => root = Some(node),
                    }
                }
                Event::Text(t) => {
                    let s = t
                        .unescape()
                        .map_err(|e| format!("malformed XML text: {e}"))?;
                    append_text(&mut stack, &s)?;
                }
                Event::CData(c) => {
                    let s = String::from_utf8_lossy(&c.into_inner()).into_owned();
                    append_text(&mut stack, &s)?;
                }
                Event::End(_) => {
                    let node = stack.pop().ok_or("malformed XML: unexpected end tag")?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => root = Some(node),
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !stack.is_empty() {
            return Err("malformed XML: document ends inside an element".into());
        }
        root.ok_or_else(|| "not an XML document (no root element)".to_string())
    }

    /// Writes the element alone, without an XML declaration (to go inside a document).
    pub fn to_element_xml(&self) -> String {
        let mut w = Writer::new(Cursor::new(Vec::new()));
        let _ = write_node(&mut w, self);
        String::from_utf8_lossy(&w.into_inner().into_inner()).into_owned()
    }

    /// Writes the element as a standalone XML document.
    pub fn to_xml(&self) -> String {
        let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        let _ = write_node(&mut w, self);
        let mut out = String::from_utf8_lossy(&w.into_inner().into_inner()).into_owned();
        out.push('\n');
        out
    }
}

fn element(start: &BytesStart) -> Result<Node, String> {
    let mut node = Node::new(&String::from_utf8_lossy(start.name().as_ref()));
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("malformed XML attribute: {e}"))?;
        let value = attr
            .unescape_value()
            .map_err(|e| format!("malformed XML attribute: {e}"))?;
        node.attrs.push((
            String::from_utf8_lossy(attr.key.as_ref()).into_owned(),
            value.into_owned(),
        ));
    }
    Ok(node)
}

fn append_text(stack: &mut [Node], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(node) => {
            node.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err("not an XML document (text outside any element)".into()),
    }
}

fn write_node(w: &mut Writer<Cursor<Vec<u8>>>, node: &Node) -> std::io::Result<()> {
    let mut start = BytesStart::new(node.name.as_str());
    for (k, v) in &node.attrs {
        start.push_attribute((k.as_str(), v.as_str()));
    }
    if node.children.is_empty() && node.text.is_empty() {
        return w.write_event(Event::Empty(start));
    }
    w.write_event(Event::Start(start))?;
    if !node.text.is_empty() {
        w.write_event(Event::Text(BytesText::new(&node.text)))?;
    }
    for c in &node.children {
        write_node(w, c)?;
    }
    w.write_event(Event::End(BytesEnd::new(node.name.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attributes_text_and_children() {
        let doc = "<?xml version='1.0' encoding='UTF-8'?>\n<REPLY><A x=\"1 &amp; 2\"/>\
                   <B>  te&lt;xt </B><B><![CDATA[raw]]></B></REPLY>";
        let n = Node::parse(doc).unwrap();
        assert_eq!(n.name, "REPLY");
        assert_eq!(n.child("A").unwrap().attr("x"), Some("1 & 2"));
        assert_eq!(n.child_text("B"), Some("te<xt"));
        assert_eq!(n.children_named("B").count(), 2);
        let again = Node::parse(&n.to_xml()).unwrap();
        assert_eq!(again, n);
    }

    #[test]
    fn rejects_broken_documents() {
        assert!(Node::parse("").is_err());
        assert!(Node::parse("hello").is_err());
        assert!(Node::parse("<A><B></A>").is_err());
        assert!(Node::parse("<A>").is_err());
        assert!(Node::parse("<A/><B/>").is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(Node::parse(&deep).is_err());
    }
}
