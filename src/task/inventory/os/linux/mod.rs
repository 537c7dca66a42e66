//! Linux inventory modules.

pub mod cpu;
pub mod cpuinfo;
pub mod ip;
