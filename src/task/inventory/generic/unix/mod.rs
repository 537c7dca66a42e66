//! Parsers for the commands every UNIX shares (`df`, `mount`, `netstat -nr`, `lspci`,
//! `lsusb`, BusyBox `ps`, dhclient leases, `hdparm`, VirtualBox, Parallels): pure functions
//! from text to records, used by the OS folders under `os/`.

pub mod df;
pub mod dhcp;
pub mod hdparm;
pub mod lspci;
pub mod lsusb;
pub mod mount;
pub mod netstat;
pub mod parallels;
pub mod ps;
pub mod virtualbox;
