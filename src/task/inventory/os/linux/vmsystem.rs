//! HARDWARE/VMSYSTEM on Linux: is this machine a container, a virtual machine (and of
//! which kind), or physical — and, in a container without DMI, its UUID.
//!
//! Signals, strongest first (inventory-format.md §3, extended):
//! 1. containers: `container=` in pid 1's environment (lxc, podman, systemd-nspawn…, as
//!    the runtime names itself, `docker` written `Docker`), container runtimes in
//!    `/proc/{1,self}/cgroup` or in the sources of the `/etc/hostname`-style bind mounts
//!    of `/proc/self/mountinfo`, `envID` in `/proc/self/status` or `/proc/vz` (Virtuozzo,
//!    OpenVZ), WSL (`WSLInterop`, a `microsoft` kernel);
//! 2. the machine's firmware: DMI strings in `/sys/class/dmi/id` (VMware, QEMU/KVM/Bochs →
//!    `QEMU` as FusionInventory reports KVM, VirtualBox, Xen, Hyper-V, Parallels, bhyve),
//!    then the OEM id of the ACPI tables (`FIRECK` is Firecracker, which has no DMI), or a
//!    Firecracker `virtio_mmio.device=` kernel command line without DMI;
//! 3. a bare `/.dockerenv` or `/.dockerinit` (Docker) — after the firmware, because
//!    images built from Docker layers and booted as VMs keep that file;
//! 4. Xen paravirtualised guests (`/proc/xen` without `control_d`, `/sys/hypervisor/type`);
//!    a Xen dom0 is `Physical`;
//! 5. the CPU's `hypervisor` flag: an unnamed hypervisor, `Virtual Machine`.
//!
//! Otherwise nothing is set and the inventory's default, `Physical`, stays.

use crate::source::Source;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/vmsystem",
    category: "hardware",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// DMI strings of `/sys/class/dmi/id`.
#[derive(Clone, Debug, Default)]
pub struct Dmi {
    pub sys_vendor: Option<String>,
    pub product_name: Option<String>,
    pub bios_vendor: Option<String>,
    pub bios_version: Option<String>,
    pub board_vendor: Option<String>,
    pub board_name: Option<String>,
    pub product_uuid: Option<String>,
}

impl Dmi {
    fn is_empty(&self) -> bool {
        [
            &self.sys_vendor,
            &self.product_name,
            &self.bios_vendor,
            &self.bios_version,
            &self.board_vendor,
            &self.board_name,
        ]
        .iter()
        .all(|v| v.is_none())
    }
}

/// Everything the detection looks at, read once.
#[derive(Clone, Debug, Default)]
pub struct Signals {
    /// `/proc/1/environ` (NUL-separated).
    pub init_environ: Option<String>,
    /// `/proc/1/cgroup` and `/proc/self/cgroup`, concatenated.
    pub cgroup: Option<String>,
    pub mountinfo: Option<String>,
    pub self_status: Option<String>,
    /// `/proc/vz` exists and `/proc/bc` does not (inside an OpenVZ container).
    pub openvz: bool,
    pub wsl_interop: bool,
    pub kernel_release: String,
    pub dmi: Dmi,
    /// OEM id and OEM table id of the ACPI FADT (`FIRECK`, `FCVMFADT`).
    pub acpi_oem: Option<(String, String)>,
    pub cmdline: Option<String>,
    pub dockerenv: bool,
    pub proc_xen: bool,
    pub xen_capabilities: Option<String>,
    pub hypervisor_type: Option<String>,
    pub cpu_hypervisor_flag: bool,
}

/// The outcome: the VMSYSTEM value, and a container's id when one was found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detection {
    pub vmsystem: Option<String>,
    pub container_id: Option<String>,
}

impl Detection {
    fn of(v: &str) -> Detection {
        Detection {
            vmsystem: Some(v.to_string()),
            container_id: None,
        }
    }
}

/// The runtime named by `container=` in an environment block.
pub fn container_from_environ(environ: &str) -> Option<String> {
    environ
        .split(['\0', '\n'])
        .find_map(|kv| kv.strip_prefix("container="))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            if v.eq_ignore_ascii_case("docker") {
                "Docker".to_string()
            } else {
                v.to_string()
            }
        })
}

/// A 64-hex-digit container id in a path component (`/docker/<id>`, `docker-<id>.scope`,
/// `/containers/<id>/hostname`).
fn container_id_in(path: &str) -> Option<String> {
    path.split(['/', '-', '.', ':'])
        .find(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// A container runtime named by cgroup paths.
pub fn container_from_cgroup(cgroup: &str) -> Option<Detection> {
    for line in cgroup.lines() {
        let path = line.splitn(3, ':').nth(2).unwrap_or("");
        let kind = if path.contains("/docker") || path.contains("docker-") {
            "Docker"
        } else if path.contains("/libpod") || path.contains("libpod-") {
            "podman"
        } else if path.starts_with("/lxc/") || path.starts_with("/lxc.payload") {
            "lxc"
        } else {
            continue;
        };
        return Some(Detection {
            vmsystem: Some(kind.to_string()),
            container_id: container_id_in(path),
        });
    }
    None
}

/// A container runtime named by the sources of the files runtimes bind-mount into
/// containers (`/etc/hostname`, `/etc/hosts`, `/etc/resolv.conf`).
pub fn container_from_mountinfo(mountinfo: &str) -> Option<Detection> {
    for line in mountinfo.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(root), Some(point)) = (f.get(3), f.get(4)) else {
            continue;
        };
        if !matches!(*point, "/etc/hostname" | "/etc/hosts" | "/etc/resolv.conf") {
            continue;
        }
        let kind = if root.contains("/docker/containers/") {
            "Docker"
        } else if root.contains("/containers/storage/") || root.contains("/libpod") {
            "podman"
        } else {
            continue;
        };
        return Some(Detection {
            vmsystem: Some(kind.to_string()),
            container_id: container_id_in(root),
        });
    }
    None
}

/// True when `/proc/self/status` has a non-zero `envID` (Virtuozzo/OpenVZ container).
pub fn virtuozzo_env(status: &str) -> bool {
    status.lines().any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim() == "envID" && v.trim().parse::<u64>().is_ok_and(|id| id > 0)
        })
    })
}

/// The hypervisor the DMI strings name.
pub fn from_dmi(dmi: &Dmi) -> Option<&'static str> {
    let has = |v: &Option<String>, pat: &str| {
        v.as_deref()
            .is_some_and(|s| s.to_ascii_lowercase().contains(&pat.to_ascii_lowercase()))
    };
    let sys = &dmi.sys_vendor;
    let product = &dmi.product_name;
    let bios = &dmi.bios_vendor;
    if has(sys, "Microsoft") && has(product, "Virtual") {
        return Some("Hyper-V");
    }
    if has(sys, "VMware") || has(product, "VMware") || has(bios, "VMware") {
        return Some("VMware");
    }
    if has(product, "VirtualBox")
        || has(sys, "innotek")
        || has(bios, "innotek")
        || has(&dmi.bios_version, "VirtualBox")
        || has(&dmi.board_name, "VirtualBox")
    {
        return Some("VirtualBox");
    }
    if has(sys, "Xen") || bios.as_deref().is_some_and(|b| b.starts_with("Xen")) {
        return Some("Xen");
    }
    if has(sys, "Parallels") || has(product, "Parallels") {
        return Some("Parallels");
    }
    if has(sys, "QEMU")
        || has(bios, "QEMU")
        || has(bios, "Bochs")
        || has(product, "KVM")
        || has(sys, "KVM")
        || has(&dmi.board_vendor, "QEMU")
    {
        return Some("QEMU");
    }
    if has(bios, "BHYVE") || has(sys, "BHYVE") {
        return Some("bhyve");
    }
    if has(product, "Virtual Machine") {
        return Some("Virtual Machine");
    }
    None
}

/// The OEM id and OEM table id of an ACPI table header.
pub fn acpi_oem(table: &[u8]) -> Option<(String, String)> {
    let text = |r: std::ops::Range<usize>| -> Option<String> {
        let bytes = table.get(r)?;
        Some(
            String::from_utf8_lossy(bytes)
                .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .to_string(),
        )
    };
    let id = text(10..16)?;
    let table_id = text(16..24)?;
    (!id.is_empty()).then_some((id, table_id))
}

/// The hypervisor an ACPI OEM id names.
pub fn from_acpi(oem: &str, table: &str) -> Option<&'static str> {
    Some(match oem {
        "FIRECK" => "Firecracker",
        "BOCHS" => "QEMU",
        "VBOX" => "VirtualBox",
        "VMWARE" => "VMware",
        "Xen" => "Xen",
        "PRLS" | "PTLTD" if table.starts_with("PRL") => "Parallels",
        "VRTUAL" if table.starts_with("MICROSFT") => "Hyper-V",
        "BHYVE" => "bhyve",
        _ => return None,
    })
}

/// True when `/proc/cpuinfo` lists the `hypervisor` flag.
pub fn cpu_hypervisor(cpuinfo: &str) -> bool {
    cpuinfo
        .lines()
        .filter(|l| l.starts_with("flags") || l.starts_with("Features"))
        .any(|l| {
            l.split_once(':')
                .is_some_and(|(_, f)| f.split_whitespace().any(|w| w == "hypervisor"))
        })
}

/// Decides, in the order described at the top of this file.
pub fn detect(s: &Signals) -> Detection {
    if let Some(c) = s.init_environ.as_deref().and_then(container_from_environ) {
        let id = s
            .cgroup
            .as_deref()
            .and_then(container_from_cgroup)
            .and_then(|d| d.container_id);
        return Detection {
            vmsystem: Some(c),
            container_id: id,
        };
    }
    if let Some(d) = s.cgroup.as_deref().and_then(container_from_cgroup) {
        return d;
    }
    if let Some(d) = s.mountinfo.as_deref().and_then(container_from_mountinfo) {
        return d;
    }
    if s.self_status.as_deref().is_some_and(virtuozzo_env) || s.openvz {
        return Detection::of("Virtuozzo");
    }
    if s.wsl_interop || s.kernel_release.to_ascii_lowercase().contains("microsoft") {
        return Detection::of("WSL");
    }
    if let Some(v) = from_dmi(&s.dmi) {
        return Detection::of(v);
    }
    if let Some(v) = s.acpi_oem.as_ref().and_then(|(o, t)| from_acpi(o, t)) {
        return Detection::of(v);
    }
    if s.dmi.is_empty()
        && s.cmdline
            .as_deref()
            .is_some_and(|c| c.contains("virtio_mmio.device="))
        && s.cpu_hypervisor_flag
    {
        return Detection::of("Firecracker");
    }
    if s.dockerenv {
        return Detection::of("Docker");
    }
    let xen_type = s.hypervisor_type.as_deref() == Some("xen");
    if s.proc_xen || xen_type {
        let dom0 = s
            .xen_capabilities
            .as_deref()
            .is_some_and(|c| c.contains("control_d"));
        return Detection::of(if dom0 { "Physical" } else { "Xen" });
    }
    if s.cpu_hypervisor_flag {
        return Detection::of("Virtual Machine");
    }
    Detection::default()
}

/// A 32-hex-digit machine id written as a UUID (8-4-4-4-12).
pub fn machine_id_uuid(id: &str) -> Option<String> {
    let id = id.trim();
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}-{}-{}",
        &id[0..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..32]
    ))
}

/// Reads the signals through the source.
pub fn read_signals(src: &dyn Source, kernel_release: &str) -> Signals {
    let dmi = |f: &str| src.read_line(&format!("/sys/class/dmi/id/{f}"));
    let cgroup: String = ["/proc/1/cgroup", "/proc/self/cgroup"]
        .iter()
        .filter_map(|p| src.read_text(p))
        .collect::<Vec<_>>()
        .join("\n");
    Signals {
        init_environ: src.read_text("/proc/1/environ"),
        cgroup: (!cgroup.is_empty()).then_some(cgroup),
        mountinfo: src.read_text("/proc/self/mountinfo"),
        self_status: src.read_text("/proc/self/status"),
        openvz: src.exists("/proc/vz") && !src.exists("/proc/bc"),
        wsl_interop: src.exists("/proc/sys/fs/binfmt_misc/WSLInterop"),
        kernel_release: kernel_release.to_string(),
        dmi: Dmi {
            sys_vendor: dmi("sys_vendor"),
            product_name: dmi("product_name"),
            bios_vendor: dmi("bios_vendor"),
            bios_version: dmi("bios_version"),
            board_vendor: dmi("board_vendor"),
            board_name: dmi("board_name"),
            product_uuid: dmi("product_uuid"),
        },
        acpi_oem: src
            .read("/sys/firmware/acpi/tables/FACP")
            .and_then(|t| acpi_oem(&t)),
        cmdline: src.read_text("/proc/cmdline"),
        dockerenv: src.exists("/.dockerenv") || src.exists("/.dockerinit"),
        proc_xen: src.exists("/proc/xen"),
        xen_capabilities: src.read_text("/proc/xen/capabilities"),
        hypervisor_type: src.read_line("/sys/hypervisor/type"),
        cpu_hypervisor_flag: src
            .read_text("/proc/cpuinfo")
            .is_some_and(|c| cpu_hypervisor(&c)),
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let signals = read_signals(ctx.src, &ctx.uname.release);
    let found = detect(&signals);
    let Some(vmsystem) = found.vmsystem else {
        return;
    };
    log::debug!("virtualization: {vmsystem}");
    let in_container = signals
        .init_environ
        .is_some_and(|e| container_from_environ(&e).is_some())
        || found.container_id.is_some()
        || matches!(vmsystem.as_str(), "Docker" | "podman" | "lxc" | "Virtuozzo");
    let hw = inv.single("HARDWARE");
    hw.set("VMSYSTEM", vmsystem.as_str());
    if in_container && signals.dmi.product_uuid.is_none() && !hw.has("UUID") {
        let uuid = found.container_id.or_else(|| {
            ctx.src
                .read_line("/etc/machine-id")
                .and_then(|m| machine_id_uuid(&m))
        });
        hw.set_opt("UUID", uuid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dmi(sys: &str, product: &str, bios: &str, bios_version: &str) -> Dmi {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Dmi {
            sys_vendor: opt(sys),
            product_name: opt(product),
            bios_vendor: opt(bios),
            bios_version: opt(bios_version),
            ..Dmi::default()
        }
    }

    fn vm(s: Signals) -> Option<String> {
        detect(&s).vmsystem
    }

    fn with_dmi(d: Dmi) -> Signals {
        Signals {
            dmi: d,
            cpu_hypervisor_flag: true,
            ..Signals::default()
        }
    }

    #[test]
    fn hypervisors_from_dmi() {
        let cases = [
            (
                dmi(
                    "QEMU",
                    "Standard PC (Q35 + ICH9, 2009)",
                    "SeaBIOS",
                    "1.16.2-debian-1.16.2-1",
                ),
                "QEMU",
            ),
            (dmi("Red Hat", "KVM", "SeaBIOS", "1.11.0-2.el7"), "QEMU"),
            (
                dmi("", "", "EFI Development Kit II / OVMF", ""),
                "Virtual Machine",
            ),
            (dmi("Xen", "HVM domU", "Xen", "4.11.amazon"), "Xen"),
            (
                dmi(
                    "VMware, Inc.",
                    "VMware Virtual Platform",
                    "Phoenix Technologies LTD",
                    "6.00",
                ),
                "VMware",
            ),
            (
                dmi("innotek GmbH", "VirtualBox", "innotek GmbH", "VirtualBox"),
                "VirtualBox",
            ),
            (
                dmi(
                    "Microsoft Corporation",
                    "Virtual Machine",
                    "Microsoft Corporation",
                    "Hyper-V UEFI Release v4.1",
                ),
                "Hyper-V",
            ),
            (
                dmi(
                    "Parallels Software International Inc.",
                    "Parallels Virtual Platform",
                    "Parallels Software International Inc.",
                    "",
                ),
                "Parallels",
            ),
            (dmi("", "BHYVE", "BHYVE", "13.0"), "bhyve"),
        ];
        for (d, want) in cases {
            let label = format!("{d:?}");
            assert_eq!(vm(with_dmi(d)).as_deref(), Some(want), "{label}");
        }
    }

    #[test]
    fn physical() {
        let s = Signals {
            dmi: dmi("Dell Inc.", "OptiPlex 7050", "Dell Inc.", "1.8.3"),
            acpi_oem: Some(("DELL".into(), "CBX3".into())),
            ..Signals::default()
        };
        assert_eq!(detect(&s), Detection::default());
        // Xen dom0 is the physical host.
        let dom0 = Signals {
            proc_xen: true,
            xen_capabilities: Some("control_d\n".into()),
            ..s.clone()
        };
        assert_eq!(vm(dom0).as_deref(), Some("Physical"));
        let domu = Signals {
            hypervisor_type: Some("xen".into()),
            dmi: Dmi::default(),
            ..s
        };
        assert_eq!(vm(domu).as_deref(), Some("Xen"));
    }

    #[test]
    fn firecracker() {
        // This machine: no DMI, ACPI tables by Firecracker, a stale /.dockerenv from
        // the image the root file system was built from.
        let facp = b"FACP\x14\x01\x00\x00\x06\x00FIRECKFCVMFADT\x00\x00\x00\x00FCAT";
        let s = Signals {
            acpi_oem: acpi_oem(facp),
            dockerenv: true,
            cpu_hypervisor_flag: true,
            cgroup: Some("4:memory:/process_api/de09d6f352c2261726ae3de333333eeb\n0::/\n".into()),
            mountinfo: Some("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n".into()),
            ..Signals::default()
        };
        assert_eq!(acpi_oem(facp), Some(("FIRECK".into(), "FCVMFADT".into())));
        assert_eq!(vm(s).as_deref(), Some("Firecracker"));
        // Older Firecracker: no ACPI, virtio-mmio devices on the command line.
        let old = Signals {
            cmdline: Some(
                "console=ttyS0 reboot=k panic=1 pci=off virtio_mmio.device=4K@0xd0000000:5".into(),
            ),
            cpu_hypervisor_flag: true,
            ..Signals::default()
        };
        assert_eq!(vm(old).as_deref(), Some("Firecracker"));
    }

    #[test]
    fn acpi_only() {
        let s = Signals {
            acpi_oem: Some(("BOCHS".into(), "BXPC".into())),
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("QEMU"));
        assert_eq!(from_acpi("VRTUAL", "MICROSFT"), Some("Hyper-V"));
        assert_eq!(from_acpi("VRTUAL", "OTHER"), None);
        assert_eq!(acpi_oem(b"short"), None);
    }

    #[test]
    fn docker() {
        let id = "3f4e1b2c5d6a7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
        // cgroup v2 host: only the bind mounts tell, and they give the id.
        let mountinfo = format!(
            "600 599 0:50 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X\n\
             612 600 259:2 /var/lib/docker/containers/{id}/hostname /etc/hostname rw,relatime - ext4 /dev/nvme0n1p2 rw\n"
        );
        let s = Signals {
            dockerenv: true,
            mountinfo: Some(mountinfo),
            cgroup: Some("0::/\n".into()),
            dmi: dmi("QEMU", "Standard PC", "SeaBIOS", ""),
            ..Signals::default()
        };
        assert_eq!(
            detect(&s),
            Detection {
                vmsystem: Some("Docker".into()),
                container_id: Some(id.into())
            },
            "the container wins over the host's DMI"
        );
        // cgroup v1
        let s = Signals {
            cgroup: Some(format!("12:pids:/docker/{id}\n")),
            ..Signals::default()
        };
        assert_eq!(detect(&s).container_id.as_deref(), Some(id));
        // Only the file: still Docker when the firmware names nothing.
        let s = Signals {
            dockerenv: true,
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("Docker"));
    }

    #[test]
    fn lxc_podman_nspawn() {
        for (env, want) in [
            ("PATH=/bin\0container=lxc\0TERM=linux\0", "lxc"),
            ("container=podman\0", "podman"),
            ("container=systemd-nspawn\0", "systemd-nspawn"),
            ("container=docker\0", "Docker"),
        ] {
            let s = Signals {
                init_environ: Some(env.into()),
                dmi: dmi("QEMU", "", "", ""),
                ..Signals::default()
            };
            assert_eq!(vm(s).as_deref(), Some(want));
        }
        assert_eq!(container_from_environ("container=\0"), None);
        let s = Signals {
            cgroup: Some("0::/lxc.payload.web01/init.scope\n".into()),
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("lxc"));
        let s = Signals {
            cgroup: Some("0::/machine.slice/libpod-3f4e1b2c5d6a7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f.scope\n".into()),
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("podman"));
    }

    #[test]
    fn virtuozzo_and_wsl() {
        let s = Signals {
            self_status: Some("Name:\tcat\nenvID:\t101\n".into()),
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("Virtuozzo"));
        assert!(!virtuozzo_env("envID:\t0\n"));
        assert!(!virtuozzo_env("envID: junk\n"));
        let s = Signals {
            kernel_release: "5.15.153.1-microsoft-standard-WSL2".into(),
            dmi: Dmi::default(),
            cpu_hypervisor_flag: true,
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("WSL"));
    }

    #[test]
    fn unnamed_hypervisor_and_helpers() {
        let cpuinfo = "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n";
        assert!(cpu_hypervisor(cpuinfo));
        assert!(!cpu_hypervisor("flags : fpu vme\n"));
        assert!(!cpu_hypervisor(""));
        let s = Signals {
            cpu_hypervisor_flag: true,
            ..Signals::default()
        };
        assert_eq!(vm(s).as_deref(), Some("Virtual Machine"));
        assert_eq!(
            machine_id_uuid("0123456789abcdef0123456789abcdef\n").as_deref(),
            Some("01234567-89ab-cdef-0123-456789abcdef")
        );
        assert_eq!(machine_id_uuid("xyz"), None);
    }

    fn run(src: &crate::task::inventory::os::linux::fake_source::FakeSource) -> Inventory {
        let config = crate::agent::config::Config::new();
        let ctx = Context::new(src, &config);
        let mut inv = Inventory::new("d");
        (MODULE.collect)(&ctx, &mut inv);
        inv
    }

    #[test]
    fn glue_reads_the_right_files() {
        use crate::task::inventory::os::linux::fake_source::FakeSource;
        let id = "3f4e1b2c5d6a7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
        let docker = FakeSource::new()
            .file("/.dockerenv", "")
            .file("/proc/self/cgroup", format!("12:pids:/docker/{id}\n"))
            .file("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        let inv = run(&docker);
        assert_eq!(inv.field("HARDWARE", "VMSYSTEM"), Some("Docker"));
        assert_eq!(inv.field("HARDWARE", "UUID"), Some(id));

        let lxc = FakeSource::new()
            .file("/proc/1/environ", "container=lxc\0")
            .file("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        let inv = run(&lxc);
        assert_eq!(inv.field("HARDWARE", "VMSYSTEM"), Some("lxc"));
        assert_eq!(
            inv.field("HARDWARE", "UUID"),
            Some("01234567-89ab-cdef-0123-456789abcdef")
        );

        let firecracker = FakeSource::new()
            .file("/.dockerenv", "")
            .file(
                "/sys/firmware/acpi/tables/FACP",
                b"FACP\x14\x01\x00\x00\x06\x00FIRECKFCVMFADT\x00\x00\x00\x00FCAT".as_slice(),
            )
            .file("/proc/cpuinfo", "flags\t: fpu hypervisor\n")
            .file("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        let inv = run(&firecracker);
        assert_eq!(inv.field("HARDWARE", "VMSYSTEM"), Some("Firecracker"));
        assert_eq!(inv.field("HARDWARE", "UUID"), None, "not a container");

        let kvm = FakeSource::new()
            .file("/sys/class/dmi/id/sys_vendor", "QEMU\n")
            .file(
                "/sys/class/dmi/id/product_name",
                "Standard PC (i440FX + PIIX, 1996)\n",
            );
        assert_eq!(run(&kvm).field("HARDWARE", "VMSYSTEM"), Some("QEMU"));

        let bare = FakeSource::new().file("/proc/cpuinfo", "flags\t: fpu vme\n");
        assert_eq!(run(&bare).field("HARDWARE", "VMSYSTEM"), None);
    }
}
