//! PCI devices on Linux: the sysfs reader shared by the sections, then one module per
//! section (CONTROLLERS, VIDEOS, SOUNDS, MODEMS).

pub mod controllers;
pub mod devices;
pub mod modems;
pub mod sounds;
pub mod videos;
