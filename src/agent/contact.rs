//! The one contact per server and run: the PROLOG, and where its reply is kept for the
//! tasks.
//!
//! The reply's OPTION blocks are the jobs of the other tasks (`DOWNLOAD`, `IPDISCOVER`,
//! `SNMP`, `NETDISCOVERY`, `SNMPQUERY`, `WAKEONLAN`…): each is stored as
//! `<server dir>/options/NAME.xml`, and the task that owns it reads it with
//! [`read_option`].

use std::path::Path;

use crate::net::xmltree::Node;

/// The directory of the stored OPTION blocks in a server's state directory.
pub const OPTIONS_DIR: &str = "options";

/// The OPTION block `name` (`DOWNLOAD`, `IPDISCOVER`, `SNMP`…) of the last PROLOG of the
/// server whose state directory is `server_dir`, if the server sent one.
pub fn read_option(server_dir: &Path, name: &str) -> Option<Node> {
    let text =
        std::fs::read_to_string(server_dir.join(OPTIONS_DIR).join(format!("{name}.xml"))).ok()?;
    Node::parse(&text).ok()
}

/// Whether the last PROLOG of that server sent the OPTION `name` (a file test, for the
/// parent's planning: nothing is parsed).
pub fn has_option(server_dir: &Path, name: &str) -> bool {
    server_dir
        .join(OPTIONS_DIR)
        .join(format!("{name}.xml"))
        .is_file()
}
