//! SNMP, shared by the network discovery and the SNMP inventory tasks.
//!
//! - [`oid`]: object identifiers, parsed from and written as dotted text;
//! - [`value`]: the values an agent returns (SMIv2 types and the v2 exceptions);
//! - [`table`]: what was read from one device, an ordered OID → value map, the same
//!   whether it came from the network or from an `snmpwalk` file, so every device rule
//!   runs and is tested without a device.
//!
//! - [`walkfile`]: `snmpwalk` output (and snmpsim recordings) read as a device;
//! - [`canonical`]: values cleaned into inventory form (strings, MACs, serials, uptimes);
//! - [`identify`]: what a device is (TYPE, vendor, model);
//! - [`mibnames`]: the MIB names such walks may print, back to numbers.
//!
//! The engine (BER, messages, USM, the non-blocking client that keeps many devices in
//! flight in one thread) and the walk-file reader live beside these.

pub mod canonical;
pub mod identify;
pub mod mibnames;
pub mod oid;
pub mod table;
pub mod value;
pub mod walkfile;

pub use oid::Oid;
pub use table::OidTable;
pub use value::Value;
