//! macOS inventory modules: one file per source of facts (`system_profiler` text and
//! XML, `ioreg`, `sysctl`, `ifconfig`/`networksetup`, `launchctl`/`defaults` for the
//! firewall, `sw_vers`). Picked at run time by the source's OS (`Darwin`), so they run
//! live, from a recording and remotely.

pub mod drives;
pub mod firewall;
pub mod hardware;
pub mod ioreg;
pub mod memories;
pub mod networks;
pub mod os;
pub mod plist;
pub mod power;
pub mod softwares;
pub mod storages;
pub mod system_profiler;
pub mod usb;
pub mod videos;
