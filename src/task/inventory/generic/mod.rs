//! Inventory modules that read OS-independent sources (dmidecode, EDID, …).

pub mod dmidecode;
pub mod edid;
pub mod identity;
pub mod ifconfig;
pub mod manufacturer;
pub mod smartctl;
