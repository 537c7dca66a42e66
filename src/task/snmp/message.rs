//! The SNMPQUERY messages (FusionInventory/GLPI NetInventory): the AGENT START and END
//! markers of a job, one message per inventoried device, and the ERROR of a device that
//! could not be inventoried.

use crate::net::xmltree::Node;

use super::model::{leaf, Device};

/// The task's version, sent as MODULEVERSION.
pub const MODULEVERSION: &str = env!("CARGO_PKG_VERSION");

fn request(deviceid: &str, content: Node) -> String {
    let mut req = Node::new("REQUEST");
    req.children.push(content);
    req.children.push(leaf("DEVICEID", deviceid));
    req.children.push(leaf("QUERY", "SNMPQUERY"));
    req.to_xml()
}

fn content(pid: &str) -> Node {
    let mut c = Node::new("CONTENT");
    c.children.push(leaf("MODULEVERSION", MODULEVERSION));
    c.children.push(leaf("PROCESSNUMBER", pid));
    c
}

/// `AGENT{START}` or `AGENT{END}` of job `pid`.
pub fn agent(deviceid: &str, pid: &str, start: bool) -> String {
    let mut c = content(pid);
    let mut a = Node::new("AGENT");
    a.children
        .push(leaf(if start { "START" } else { "END" }, "1"));
    c.children.insert(0, a);
    request(deviceid, c)
}

/// One device's inventory.
pub fn device(deviceid: &str, pid: &str, dev: &Device) -> String {
    let mut c = content(pid);
    c.children.insert(0, dev.to_node());
    request(deviceid, c)
}

/// A device that could not be inventoried.
pub fn error(deviceid: &str, pid: &str, id: &str, kind: &str, message: &str) -> String {
    let mut c = content(pid);
    let mut d = Node::new("DEVICE");
    let mut e = Node::new("ERROR");
    e.children.push(leaf("ID", id));
    if !kind.is_empty() {
        e.children.push(leaf("TYPE", kind));
    }
    e.children.push(leaf("MESSAGE", message));
    d.children.push(e);
    c.children.insert(0, d);
    request(deviceid, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_parse_back() {
        let mut dev = Device::default();
        dev.set("NAME", Some("sw1".into()));
        dev.ips = vec!["10.0.0.1".into()];
        let x = device("host-2026-01-01-00-00-00", "7", &dev);
        let n = Node::parse(&x).unwrap();
        assert_eq!(n.child_text("QUERY"), Some("SNMPQUERY"));
        let c = n.child("CONTENT").unwrap();
        assert_eq!(c.child_text("PROCESSNUMBER"), Some("7"));
        let info = c.child("DEVICE").unwrap().child("INFO").unwrap();
        assert_eq!(info.child_text("NAME"), Some("sw1"));
        assert_eq!(
            info.child("IPS").unwrap().child_text("IP"),
            Some("10.0.0.1")
        );
        let e = Node::parse(&error("d", "7", "3", "NETWORKING", "no answer")).unwrap();
        let err = e
            .child("CONTENT")
            .unwrap()
            .child("DEVICE")
            .unwrap()
            .child("ERROR")
            .unwrap();
        assert_eq!(err.child_text("MESSAGE"), Some("no answer"));
        let s = Node::parse(&agent("d", "7", true)).unwrap();
        assert!(s
            .child("CONTENT")
            .unwrap()
            .child("AGENT")
            .unwrap()
            .child("START")
            .is_some());
    }
}
