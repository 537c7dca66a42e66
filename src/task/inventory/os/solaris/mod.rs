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

#[cfg(test)]
mod tests {
    /// Hostile or truncated outputs: every parser returns (something or nothing), none
    /// panics.
    #[test]
    fn garbage_never_panics() {
        let junk = [
            "",
            "\n\n\n",
            ":",
            "====  ====\n",
            "==== Memory Configuration ====\n",
            "==== Memory Configuration ====\nSegment Table:\n",
            "Node 0x\n  name: ''\nNode 0xff\n        name:  'a' + 'b'\n",
            "\u{0}\u{ff}é€ <0 bytes> Illegal\nVendor: Product: Revision: Serial No:\n",
            "The physical processor has x virtual\n  (clock MHz)\n",
            "1 2 SMB\n  : \n",
            "e1000g0: flags=<UP, inet 999.1.1.1 netmask zz ether 1:2\n",
            "HBA Port WWN:\nNode WWN: x\n",
        ];
        for j in junk {
            let _ = super::release::parse_release(j);
            let _ = super::showrev::parse_showrev(j);
            let _ = super::smbios::parse_smbios(j);
            let _ = super::prtconf::parse_prtconf(j);
            let _ = super::prtdiag::parse_prtdiag(j);
            let v = super::psrinfo::parse_virtual(j);
            let p = super::psrinfo::parse_physical(j);
            let _ = super::cpu::cpus(&v, &p);
            let _ = super::ifconfig::parse_ifconfig(j);
            let _ = super::fcinfo::parse_fcinfo(j);
            let _ = super::networks::parse_kstat_speed(j);
            let _ = super::storages::parse_iostat(j);
            let _ = super::softwares::parse_pkg_info(j);
            let _ = super::softwares::parse_pkginfo(j);
            let _ = super::drives::drives(j, j);
            let _ = super::zones::parse_zoneadm(j);
        }
    }
}
