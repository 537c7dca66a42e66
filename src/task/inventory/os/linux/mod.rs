//! Linux inventory modules: one file per source of facts.

pub mod hardware;
pub mod os;
pub mod osrelease;
