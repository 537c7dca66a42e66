//! Parsers for the commands every UNIX shares (`df`, `mount`, `netstat -nr`, `lspci`,
//! `lsusb`, BusyBox `ps`, dhclient leases, `hdparm`, VirtualBox, Parallels): pure functions
//! from text to records, used by the OS folders under `os/`.

pub mod df;
pub mod mount;
pub mod netstat;
