//! The Inventory task.

pub mod generic;
pub mod model;
pub mod os;
