//! FreeBSD, OpenBSD and NetBSD inventory modules: one file per source of facts, the same
//! names as under `os/linux/`. They read `sysctl`, `pkg`/`pkg_info`, `ifconfig`,
//! `mount`/`df`, `geom` (or the GEOM tree and `dmesg`), `mfiutil`, `jls`, `acpiconf` and
//! the generic dmidecode modules; tested on Linux with replayed BSD recordings.

pub mod batteries;
pub mod drives;
pub mod hardware;
pub mod ifconfig;
pub mod jails;
pub mod megaraid;
pub mod networks;
pub mod os;
pub mod pci;
pub mod softwares;
pub mod storages;
pub mod sysctl;
pub mod usb;
