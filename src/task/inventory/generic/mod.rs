//! Inventory modules and parsers for OS-independent sources (dmidecode, EDID, …).

pub mod dmidecode;
pub mod edid;
pub mod identity;
pub mod ifaddrs;
pub mod ifconfig;
pub mod manufacturer;
pub mod pciids;
pub mod smartctl;
pub mod unix;
