//! Linux inventory modules: one file per source of facts.

pub mod accounts;
pub mod cpu;
pub mod cpuinfo;
pub mod dmi_sysfs;
pub mod drives;
pub mod envs;
pub mod firewall;
pub mod hardware;
pub mod ip;
pub mod lvm;
pub mod networks;
pub mod os;
pub mod osrelease;
pub mod processes;
pub mod softwares;
pub mod users;
pub mod virtualmachines;
