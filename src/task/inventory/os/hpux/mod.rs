//! HP-UX inventory modules: one file per source of facts. They read `machinfo`, `model`,
//! `ioscan`, `diskinfo`, `cprop`/`cstm`, `swlist`, `fstyp`/`bdf`, `lanscan`/`lanadmin`/
//! `nwmgr`/`ifconfig`, `netstat -nrv` and `uptime`. No agent binary runs on HP-UX: these
//! run from a `--replay` recording or over SSH.

pub mod cprop;
pub mod cpu;
pub mod devices;
pub mod drives;
pub mod ioscan;
pub mod machinfo;
pub mod memories;
pub mod mp;
pub mod networks;
pub mod os;
pub mod softwares;
pub mod storages;
