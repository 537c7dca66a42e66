//! Linux inventory modules: one file per source of facts.

pub mod accounts;
pub mod batteries;
pub mod cpu;
pub mod cpuinfo;
pub mod dmi_sysfs;
pub mod drives;
pub mod edid_files;
pub mod envs;
pub mod firewall;
pub mod hardware;
pub mod inputs;
pub mod ip;
pub mod lvm;
pub mod monitors;
pub mod networks;
pub mod os;
pub mod osrelease;
pub mod pci;
pub mod processes;
pub mod repositories;
pub mod softwares;
pub mod storages;
pub mod usb;
pub mod users;
pub mod virtualmachines;
pub mod vmsystem;

#[cfg(test)]
pub mod fake_source;
