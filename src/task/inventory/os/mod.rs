//! Inventory modules for one operating system each, picked at run time.

pub mod aix;
pub mod bsd;
pub mod hpux;
pub mod linux;
pub mod macos;
pub mod solaris;
