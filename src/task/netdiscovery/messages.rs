//! The `QUERY=NETDISCOVERY` messages (FusionInventory/GLPI): job start, the number of
//! addresses, one per device found, job end. Each is one POST to a server, or one
//! document on a local target.

use crate::net::xmltree::Node;

/// MODULEVERSION: what FusionInventory's NetDiscovery task (2.6) sends.
pub const MODULEVERSION: &str = "4.2";

fn text(name: &str, value: &str) -> Node {
    let mut n = Node::new(name);
    n.text = value.to_string();
    n
}

fn request(deviceid: &str, content: Vec<Node>) -> String {
    let mut c = Node::new("CONTENT");
    c.children = content;
    let mut r = Node::new("REQUEST");
    r.children = vec![c, text("DEVICEID", deviceid), text("QUERY", "NETDISCOVERY")];
    r.to_xml()
}

fn agent(children: Vec<Node>) -> Node {
    let mut a = Node::new("AGENT");
    a.children = children;
    a
}

pub fn start(deviceid: &str, pid: &str, agent_version: &str) -> String {
    request(
        deviceid,
        vec![
            agent(vec![
                text("START", "1"),
                text("AGENTVERSION", agent_version),
            ]),
            text("MODULEVERSION", MODULEVERSION),
            text("PROCESSNUMBER", pid),
        ],
    )
}

pub fn nbip(deviceid: &str, pid: &str, count: u64) -> String {
    request(
        deviceid,
        vec![
            agent(vec![text("NBIP", &count.to_string())]),
            text("PROCESSNUMBER", pid),
        ],
    )
}

pub fn device(deviceid: &str, pid: &str, device: Node) -> String {
    request(
        deviceid,
        vec![
            device,
            text("MODULEVERSION", MODULEVERSION),
            text("PROCESSNUMBER", pid),
        ],
    )
}

pub fn end(deviceid: &str, pid: &str) -> String {
    request(
        deviceid,
        vec![
            agent(vec![text("END", "1")]),
            text("MODULEVERSION", MODULEVERSION),
            text("PROCESSNUMBER", pid),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let s = Node::parse(&start("h-2026", "7", "2.10.0")).unwrap();
        assert_eq!(s.child_text("QUERY"), Some("NETDISCOVERY"));
        let c = s.child("CONTENT").unwrap();
        assert_eq!(c.child("AGENT").unwrap().child_text("START"), Some("1"));
        assert_eq!(c.child_text("PROCESSNUMBER"), Some("7"));
        let n = Node::parse(&nbip("h", "7", 254)).unwrap();
        assert_eq!(
            n.child("CONTENT")
                .unwrap()
                .child("AGENT")
                .unwrap()
                .child_text("NBIP"),
            Some("254")
        );
        let e = Node::parse(&end("h", "7")).unwrap();
        assert_eq!(
            e.child("CONTENT")
                .unwrap()
                .child("AGENT")
                .unwrap()
                .child_text("END"),
            Some("1")
        );
    }
}
