//! SNMP, shared by the network discovery and the SNMP inventory tasks.
//!
//! - [`oid`]: object identifiers, parsed from and written as dotted text;
//! - [`value`]: the values an agent returns (SMIv2 types and the v2 exceptions);
//! - [`table`]: what was read from one device, an ordered OID → value map, the same
//!   whether it came from the network or from an `snmpwalk` file, so every device rule
//!   runs and is tested without a device;
//! - [`walkfile`]: `snmpwalk` output (and snmpsim recordings) read as a device;
//! - [`canonical`]: values cleaned into inventory form (strings, MACs, serials, uptimes);
//! - [`identify`]: what a device is (TYPE, vendor, model);
//! - [`mibnames`]: the MIB names such walks may print, back to numbers;
//! - [`credential`]: versions, communities and USM users, parsed from the command line's
//!   or the server's syntax;
//! - [`ber`], [`message`], [`usm`]: the wire (BER, PDUs, v1/v2c/v3 messages, USM
//!   authentication and privacy);
//! - [`peer`]: one device across all the requests made to it: its round trips (each
//!   request's timeout) and its budget;
//! - [`engine`]: the engine, which keeps many devices in flight in one thread on
//!   non-blocking sockets and hands each device's table back as it finishes.

pub mod ber;
pub mod canonical;
pub mod credential;
pub mod engine;
pub mod identify;
pub mod message;
pub mod mibnames;
pub mod oid;
pub mod peer;
pub mod table;
pub mod usm;
pub mod value;
pub mod walkfile;

pub use credential::{AuthProtocol, Credential, PrivProtocol, Version};
pub use engine::{collect, collect_on, Engine, Options, Reply, Request};
pub use oid::Oid;
pub use peer::{Peer, SharedPeer};
pub use table::OidTable;
pub use value::Value;
