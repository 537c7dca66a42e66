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

#[cfg(test)]
mod garbage {
    /// Hostile or truncated outputs never panic a parser (multi-byte text, lone
    /// separators, binary junk).
    #[test]
    fn parsers_survive_garbage() {
        for text in crate::task::inventory::os::aix::GARBAGE {
            let info = super::machinfo::parse_machinfo(text);
            super::cpu::cpu_from_machinfo(&info);
            super::machinfo::memory_mb(text);
            let blocks = super::cprop::parse_cprop(text);
            super::cpu::cpus_from_cprop(&blocks);
            super::memories::memories_from_cprop(&blocks);
            super::memories::parse_cstm(text);
            super::memories::parse_cstm64(text);
            super::memories::parse_swapinfo(text);
            let devices = super::ioscan::parse_ioscan(text);
            super::storages::storages(&devices);
            super::storages::storages_per_line(&devices);
            super::storages::parse_diskinfo(text);
            super::drives::parse_bdf(text);
            super::softwares::parse_swlist(text);
            super::networks::parse_lanscan(text);
            super::networks::parse_lanadmin(text);
            super::networks::parse_ifconfig(text);
            super::networks::parse_nwmgr(text);
            super::networks::addresses(&super::networks::parse_netstat_nrv(text));
            super::mp::parse_get_mp_info(text);
            super::mp::parse_cimutil(text);
            super::os::parse_uptime(text);
        }
    }
}
