//! AIX inventory modules: one file per source of facts. They read the vital product data
//! (`lsvpd`), the device database (`lsdev`, `lsattr`, `lscfg`), the filesets (`lslpp`),
//! the volumes (`lspv`, `lsvg`, `lslv`), `lsfs` and `df`, `oslevel`. No agent binary runs
//! on AIX: these run from a `--replay` recording or over SSH.

pub mod cpu;
pub mod devices;
pub mod drives;
pub mod lsdev;
pub mod lsvpd;
pub mod lvm;
pub mod memories;
pub mod networks;
pub mod os;
pub mod softwares;
pub mod storages;
