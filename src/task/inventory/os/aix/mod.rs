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

/// Hostile outputs the AIX and HP-UX parsers' tests feed them: they must not panic.
#[cfg(test)]
pub(crate) const GARBAGE: &[&str] = &[
    "",
    "\n\n\r\n",
    ":",
    "::::::::::::::::::::::::",
    "*FC ????????\n*\n*A\n*ÄÖ é\n*FCé",
    "é:ü:ö\n  ent0\n  Network Address.....é0123456789ABCDEF",
    "CPU info:\n  é GHz\n  0 logical processors\n  x = \n  =\n:\n",
    "[Instance]: 1\n****\n   [Location]: Cell Slot Number 99999999999999999999\n   [Size]: é GB\n****\n",
    "  DIMM 0A 1024 DIMM\n  FRU Name.......: DIMMé\n Serial Number...: x \n",
    "\u{0}\u{1}\u{ff}\u{fffd}",
    "0xZZ lan0 snap0 0\n0x0016353EAC5C\nlan0 UP 0x0016353EAC5C\n1.2.3.4/ 1.2.3.4 UH 0 lan0 x",
    "  3:24pm  up é days, :,  up 99999999999999999999 days, 1:1",
    " up 999999999999999999 days, 99999999999999:99999999999",
    "PP SIZE:\nTOTAL PPs: é (x megabytes)\nLPs:\nTYPE:\n",
    "#type:frequency\nx:18446744073709551615\nPP SIZE: 99999999999 megabyte(s)\nTOTAL PPs: 99999999999\nFREE PPs: 99999999999\nLPs: 99999999999\n",
    "Total Paging Space\n 99999999999999999GB 1%\n#size\n99999999999999999999\n",
];

#[cfg(test)]
mod garbage {
    /// Hostile or truncated outputs never panic a parser (multi-byte text, lone
    /// separators, binary junk).
    #[test]
    fn parsers_survive_garbage() {
        for text in super::GARBAGE {
            super::lsvpd::parse_lsvpd(text);
            super::lsvpd::parse_header(text);
            super::lsdev::parse_adapters(text);
            super::lsdev::parse_name_description(text);
            super::lsdev::slots(text);
            super::storages::virtual_capacity(text);
            super::drives::parse_lsfs(text);
            super::softwares::parse_lslpp(text);
            super::networks::parse_lscfg(text);
            super::networks::parse_lsattr_if(text);
            super::lvm::parse_lspv("hdisk0", text);
            super::lvm::parse_lslv("hd1", text);
            super::lvm::parse_lsvg("rootvg", text);
            super::lvm::parse_lsvg_l(text);
            super::memories::parse_mem_size(text);
            super::memories::parse_lsps(text);
            super::cpu::parse_type_frequency(text);
            super::cpu::parse_smt_threads(text);
            super::os::parse_oslevel(text);
        }
    }
}
