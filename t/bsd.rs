//! BSD modules, run on Linux from replayed recordings of FreeBSD and OpenBSD machines
//! (`t/snapshots/`): the OS modules are picked from the recording's `uname`, not from
//! the machine the test runs on.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

fn replay(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("t/snapshots")
        .join(name);
    let vardir = std::env::temp_dir().join(format!("ocsa-bsd-{}", std::process::id()));
    let out = Command::new(BIN)
        .args([
            "--stdout",
            "--vardir",
            vardir.to_str().unwrap(),
            "--replay",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn count(xml: &str, section: &str) -> usize {
    xml.matches(&format!("<{section}>")).count()
}

fn has(xml: &str, field: &str, value: &str) -> bool {
    xml.contains(&format!("<{field}>{value}</{field}>"))
}

#[test]
fn freebsd_guest() {
    let x = replay("freebsd-14-kvm");
    assert!(has(&x, "DEVICEID", "fbsd14-2026-11-01-10-00-00"));
    assert!(has(&x, "KERNEL_NAME", "freebsd"));
    assert!(has(&x, "FULL_NAME", "FreeBSD 14.1-RELEASE"));
    assert!(has(&x, "BOOT_TIME", "2025-11-24 17:00:00"), "CET boot time");
    assert!(has(&x, "VMSYSTEM", "KVM"));
    assert!(has(&x, "MEMORY", "4069"));
    assert!(has(&x, "UUID", "6a1c2f0e-8b4d-4c1e-9f7a-2b3c4d5e6f70"));
    assert!(has(&x, "SMANUFACTURER", "QEMU"), "BIOS from dmidecode");
    assert_eq!(count(&x, "CPUS"), 1);
    assert!(has(&x, "NAME", "Intel Xeon Processor (Icelake)"));
    assert_eq!(count(&x, "SOFTWARES"), 5);
    assert!(has(&x, "NAME", "ocsinventory-agent") && has(&x, "SYSTEM_CATEGORY", "net-mgmt"));
    assert_eq!(count(&x, "STORAGES"), 2);
    assert!(has(&x, "DISKSIZE", "32212"));
    assert_eq!(count(&x, "DRIVES"), 2, "ufs only, devfs and tmpfs left out");
    assert!(has(&x, "TOTAL", "29715") && has(&x, "FILESYSTEM", "ufs"));
    assert_eq!(count(&x, "NETWORKS"), 5, "one entry per address");
    assert!(has(&x, "IPSUBNET", "10.0.2.0") && has(&x, "IPADDRESS6", "fe80::5054:ff:fe12:3456"));
    assert!(has(&x, "IPADDRESS", "127.0.0.1"));
    assert!(has(&x, "IPADDR", "10.0.2.15"));
    assert_eq!(count(&x, "MEMORIES"), 1);
    assert_eq!(count(&x, "LOCAL_USERS"), 5);
    assert_eq!(count(&x, "PROCESSES"), 0, "no Linux module ran");
}

#[test]
fn openbsd_guest() {
    let x = replay("openbsd-7-vmware");
    assert!(has(&x, "KERNEL_NAME", "openbsd"));
    assert!(has(&x, "OSNAME", "OpenBSD 7.6"));
    assert!(
        has(&x, "SMANUFACTURER", "VMware, Inc."),
        "BIOS from sysctl without dmidecode"
    );
    assert!(has(&x, "MEMORY", "8175"));
    assert!(has(&x, "CORE", "4"));
    assert_eq!(count(&x, "SOFTWARES"), 4);
    assert!(has(&x, "NAME", "py3-setuptools") && has(&x, "VERSION", "72.1.0v0"));
    assert_eq!(count(&x, "DRIVES"), 4);
    assert_eq!(count(&x, "STORAGES"), 3);
    assert!(has(&x, "SERIALNUMBER", "5a4c3b2a1f0e9d8c"));
    assert!(has(&x, "IPADDRESS", "192.168.56.20") && has(&x, "MACADDR", "00:0c:29:ab:cd:ef"));
    assert!(has(&x, "FQDN", "obsd.lab.example"));
}
