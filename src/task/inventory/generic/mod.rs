//! Inventory modules that read OS-independent sources (dmidecode, EDID, …).

pub mod pciids;
