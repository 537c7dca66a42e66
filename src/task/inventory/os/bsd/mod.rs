//! FreeBSD and OpenBSD inventory modules: one file per source of facts, the same names
//! as under `os/linux/`. They read `sysctl`, `pkg`, `ifconfig`, `mount`/`df`, `geom` and
//! the generic dmidecode modules; tested on Linux with replayed BSD recordings.

pub mod drives;
pub mod hardware;
pub mod ifconfig;
pub mod networks;
pub mod os;
pub mod softwares;
pub mod storages;
pub mod sysctl;
