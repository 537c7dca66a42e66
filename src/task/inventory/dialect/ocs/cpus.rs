//! OCS `CPUS`: the `cpus` table's columns (MANUFACTURER TYPE SERIALNUMBER SPEED CORES
//! L2CACHESIZE CPUARCH DATA_WIDTH CURRENT_ADDRESS_WIDTH LOGICAL_CPUS VOLTAGE
//! CURRENT_SPEED SOCKET) from one FusionInventory CPUS entry. Widths follow the Perl
//! agent: 64 bits for a 64-bit architecture, else 32, the address width as the data's.

use crate::task::inventory::model::Entry;

/// 64 for a 64-bit architecture name (`x86_64`, `aarch64`, `ppc64le`, `s390x`…), else 32.
pub fn data_width(arch: &str) -> &'static str {
    let a = arch.to_ascii_lowercase();
    if a.contains("64") || a == "alpha" || a == "s390x" {
        "64"
    } else {
        "32"
    }
}

/// The OCS entry of one processor.
pub fn cpu(e: &Entry) -> Entry {
    let mut out = Entry::new();
    out.set_opt("TYPE", e.get("NAME"))
        .set_opt("MANUFACTURER", e.get("MANUFACTURER"))
        .set_opt("SERIALNUMBER", e.get("SERIAL"))
        .set_opt("SPEED", e.get("SPEED").or(e.get("CURRENT_SPEED")))
        .set_opt("CURRENT_SPEED", e.get("CURRENT_SPEED").or(e.get("SPEED")))
        .set_opt("CORES", e.get("CORE").or(e.get("CORECOUNT")))
        .set_opt("LOGICAL_CPUS", e.get("THREAD").or(e.get("CORE")))
        .set_opt("L2CACHESIZE", e.get("L2CACHE").or(e.get("CACHE")))
        .set_opt("VOLTAGE", e.get("VOLTAGE"))
        .set_opt("SOCKET", e.get("SOCKET"));
    if let Some(arch) = e.get("ARCH") {
        let width = data_width(arch);
        out.set("CPUARCH", arch)
            .set("DATA_WIDTH", width)
            .set("CURRENT_ADDRESS_WIDTH", width);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns() {
        let mut e = Entry::new();
        e.set("NAME", "AMD EPYC")
            .set("ARCH", "x86_64")
            .set("CORE", "2")
            .set("THREAD", "4")
            .set("CURRENT_SPEED", "2450")
            .set("L2CACHE", "512");
        let c = cpu(&e);
        assert_eq!(c.get("TYPE"), Some("AMD EPYC"));
        assert_eq!(c.get("CORES"), Some("2"));
        assert_eq!(c.get("LOGICAL_CPUS"), Some("4"));
        assert_eq!(c.get("DATA_WIDTH"), Some("64"));
        assert_eq!(c.get("SPEED"), Some("2450"));
        assert_eq!(c.get("L2CACHESIZE"), Some("512"));
        assert_eq!(data_width("i386"), "32");
        assert_eq!(data_width("aarch64"), "64");
    }
}
