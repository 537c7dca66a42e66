//! Solaris and illumos inventory modules: one file per source of facts (`prtconf`,
//! `prtdiag`, `smbios`, `showrev`, `psrinfo`, `ifconfig`/`kstat`/`dladm`/`fcinfo`,
//! `iostat -En`, `df`/`mount`, `pkg`/`pkginfo`, `/etc/release`, zones). Picked at run
//! time by the source's OS (`SunOS`), so they run live, from a recording and remotely.

pub mod cpu;
pub mod drives;
pub mod fcinfo;
pub mod hardware;
pub mod ifconfig;
pub mod memories;
pub mod networks;
pub mod os;
pub mod prtconf;
pub mod prtdiag;
pub mod psrinfo;
pub mod release;
pub mod showrev;
pub mod slots;
pub mod smbios;
pub mod softwares;
pub mod storages;
pub mod zones;
