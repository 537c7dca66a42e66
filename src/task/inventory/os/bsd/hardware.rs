//! HARDWARE and CPUS on FreeBSD/OpenBSD from sysctl: memory, UUID, DNS, the host's own
//! virtualization (`kern.vm_guest`, jails), and the processors when dmidecode gives none.

use crate::agent::state::short_hostname;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};
use crate::task::inventory::os::linux::hardware::resolv;

use super::sysctl;

pub const MODULE: Module = Module {
    name: "bsd/hardware",
    category: "hardware",
    applies: |ctx| ctx.os.is_bsd(),
    collect,
};

pub const CPUS: Module = Module {
    name: "bsd/cpus",
    category: "cpu",
    applies: |ctx| ctx.os.is_bsd(),
    collect: collect_cpus,
};

/// `kern.vm_guest` → VMSYSTEM.
pub fn vm_guest(v: &str) -> Option<&'static str> {
    match v.trim() {
        "kvm" => Some("KVM"),
        "vmware" => Some("VMware"),
        "hv" => Some("Hyper-V"),
        "xen" => Some("Xen"),
        "bhyve" => Some("bhyve"),
        "vbox" => Some("VirtualBox"),
        "parallels" => Some("Parallels"),
        "generic" => Some("Virtual Machine"),
        _ => None,
    }
}

/// A BSD machine name as the CPU architecture names it (`amd64` → `x86_64`).
pub fn cpu_arch(machine: &str) -> &str {
    match machine {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        "powerpc64" | "powerpc64le" => "powerpc64",
        "macppc" | "powerpc" => "powerpc",
        "sparc64" => "sparc64",
        other => other,
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let sys = sysctl::values(ctx);
    let (dns, domain) = resolv(&ctx.src.read_text("/etc/resolv.conf").unwrap_or_default());
    let hw = inv.single("HARDWARE");
    hw.set("NAME", short_hostname(&ctx.uname.nodename));
    if let Some(mem) = sys.get("hw.physmem").and_then(|v| v.parse::<u64>().ok()) {
        hw.set("MEMORY", (mem / 1024 / 1024).to_string());
    }
    hw.set_opt(
        "UUID",
        sys.get("kern.hostuuid").or(sys.get("hw.uuid")).cloned(),
    );
    if !dns.is_empty() {
        hw.set("DNS", dns.join("/"));
    }
    hw.set_opt("WORKGROUP", domain);
    if sys.get("security.jail.jailed").map(String::as_str) == Some("1") {
        hw.set("VMSYSTEM", "BSDJail");
    } else if let Some(vm) = sys.get("kern.vm_guest").and_then(|v| vm_guest(v)) {
        hw.set("VMSYSTEM", vm);
    }
    // OpenBSD has the SMBIOS strings in sysctl too: a BIOS without dmidecode.
    if ctx.dmi().is_none() {
        let bios = inv.single("BIOS");
        bios.set_opt("SMANUFACTURER", sys.get("hw.vendor").cloned())
            .set_opt("SMODEL", sys.get("hw.product").cloned())
            .set_opt("SSN", sys.get("hw.serialno").cloned());
    }
}

fn collect_cpus(ctx: &Context, inv: &mut Inventory) {
    let sys = sysctl::values(ctx);
    let from_dmi = ctx
        .dmi()
        .map(crate::task::inventory::generic::dmidecode::cpu::cpus)
        .unwrap_or_default();
    if !from_dmi.is_empty() {
        let mut from_dmi = from_dmi;
        if let Some(dmi) = ctx.dmi() {
            use crate::task::inventory::generic::dmidecode::cpu;
            cpu::merge(&mut from_dmi, &cpu::sockets(dmi));
        }
        for mut c in from_dmi {
            // The kernel's CPUID string beats a hypervisor's DMI placeholder (`pc-q35-8.2`).
            c.set_opt("NAME", sys.get("hw.model").cloned());
            c.set("ARCH", cpu_arch(&ctx.uname.machine));
            inv.add("CPUS", c);
        }
        return;
    }
    let Some(model) = sys.get("hw.model") else {
        return;
    };
    let mut cpu = Entry::new();
    cpu.set("NAME", model.as_str())
        .set_opt("CORE", sys.get("hw.ncpu").cloned())
        .set("ARCH", cpu_arch(&ctx.uname.machine));
    let lower = model.to_ascii_lowercase();
    cpu.set_opt(
        "MANUFACTURER",
        if lower.contains("intel") {
            Some("Intel")
        } else if lower.contains("amd") {
            Some("AMD")
        } else {
            None
        },
    );
    if let Some(mhz) = sys.get("hw.clockrate") {
        cpu.set("SPEED", mhz.as_str());
    }
    inv.add("CPUS", cpu);
}

#[cfg(test)]
mod tests {
    #[test]
    fn guests() {
        assert_eq!(super::vm_guest("kvm"), Some("KVM"));
        assert_eq!(super::vm_guest("none"), None);
        assert_eq!(super::cpu_arch("amd64"), "x86_64");
    }
}
