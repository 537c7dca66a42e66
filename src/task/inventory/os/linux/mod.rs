//! Linux inventory modules: one file per source of facts.

pub mod batteries;
pub mod edid_files;
pub mod hardware;
pub mod inputs;
pub mod os;
pub mod osrelease;
pub mod pci;
pub mod storages;
pub mod usb;
pub mod vmsystem;

#[cfg(test)]
pub mod fake_source;
