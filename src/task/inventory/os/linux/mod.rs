//! Linux inventory modules: one file per source of facts.

pub mod hardware;
pub mod os;
pub mod osrelease;
pub mod pci;

#[cfg(test)]
pub mod fake_source;
