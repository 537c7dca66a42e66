//! Inventories of AIX, HP-UX, Solaris and macOS machines, run on Linux by `--replay` of
//! recordings assembled from the real outputs of the shared fixtures-unix corpus
//! (`t/support/recording.rs`): the OS modules are picked from the recording's `uname`.
//! Each OS has its own test; each skips, saying why, when the corpus is absent.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::fixtures::shared_dir;
use support::recording::{assemble, snapshot_dir};

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

/// The inventory of snapshot `name` in `format` (`xml` for the OCS XML on stdout, `json`
/// for the GLPI JSON), or `None` (said) when the corpus is not there.
fn replay(name: &str, format: &str) -> Option<String> {
    let corpus = shared_dir("OCS_FIXTURES_UNIX_DIR", "fixtures-unix");
    if !corpus.is_dir() {
        println!(
            "skipped: fixtures-unix folder not found at {}",
            corpus.display()
        );
        return None;
    }
    let work = support::tmpdir("ocsa-unix-replay", &format!("{name}-{format}"));
    let recording = work.join("recording");
    if let Err(e) = assemble(&snapshot_dir(name), &corpus, &recording) {
        panic!("assembling the {name} recording: {e}");
    }
    let mut cmd = Command::new(BIN);
    cmd.args(["--stdout", "--vardir"])
        .arg(work.join("var"))
        .arg("--replay")
        .arg(&recording);
    if format == "json" {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("running the agent");
    assert!(out.status.success(), "{}", support::text(&out));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn count(xml: &str, section: &str) -> usize {
    xml.matches(&format!("<{section}>")).count()
}

fn has(xml: &str, field: &str, value: &str) -> bool {
    xml.contains(&format!("<{field}>{value}</{field}>"))
}

/// The GLPI JSON inventory of a snapshot, checked against GLPI's schema when
/// `../shared/schema` is there (said when it is not); its `content` object.
fn json_content(name: &str) -> Option<serde_json::Value> {
    let text = replay(name, "json")?;
    let doc: serde_json::Value = serde_json::from_str(&text).expect("the JSON inventory parses");
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schema/inventory.schema.json");
    match std::fs::read_to_string(&schema) {
        Ok(s) => {
            let schema: serde_json::Value = serde_json::from_str(&s).expect("schema parses");
            let validator = jsonschema::validator_for(&schema).expect("schema compiles");
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(
                errors.is_empty(),
                "{name}: schema errors:\n{}",
                errors.join("\n")
            );
        }
        Err(_) => println!("schema not checked: {} not found", schema.display()),
    }
    Some(doc["content"].clone())
}

fn len(content: &serde_json::Value, section: &str) -> usize {
    content[section].as_array().map_or(0, Vec::len)
}

#[test]
fn aix_61() {
    let Some(x) = replay("aix-6.1", "xml") else {
        return;
    };
    assert!(has(&x, "DEVICEID", "aix61-2026-11-01-10-00-00"));
    assert!(has(&x, "KERNEL_NAME", "aix") && has(&x, "FULL_NAME", "AIX 6.1"));
    assert!(
        has(&x, "SMODEL", "7998-60X") && has(&x, "SSN", "066B96A"),
        "BIOS from lsvpd"
    );
    assert!(has(&x, "BVERSION", "EA350_038"));
    assert_eq!(count(&x, "CPUS"), 2);
    assert!(has(&x, "NAME", "PowerPC POWER6") && has(&x, "SPEED", "3800"));
    assert_eq!(
        count(&x, "MEMORIES"),
        2,
        "the two Memory DIMM records of lsvpd"
    );
    assert!(has(&x, "MEMORY", "4096"));
    assert_eq!(count(&x, "NETWORKS"), 4, "en0..en3 of lscfg");
    assert!(has(&x, "MACADDR", "00:21:5E:4C:C7:68"));
    assert!(has(&x, "IPADDRESS", "10.3.40.101") && has(&x, "IPSUBNET", "10.3.0.0"));
    assert!(has(&x, "DEFAULTGATEWAY", "10.3.0.253"), "from netstat -nr");
    assert_eq!(count(&x, "STORAGES"), 7, "the SAS disks of lsdev");
    assert!(
        has(&x, "MODEL", "1726-2xx  FAStT"),
        "disk model from its VPD record"
    );
    assert_eq!(count(&x, "DRIVES"), 8, "df -P -k less /proc");
    assert!(has(&x, "FILESYSTEM", "jfs2"), "type from lsfs -c");
    assert_eq!(count(&x, "CONTROLLERS"), 14);
    assert_eq!(count(&x, "VIDEOS"), 1);
    assert_eq!(
        count(&x, "SOFTWARES"),
        319,
        "lslpp filesets, device filesets left out"
    );
    assert!(has(&x, "NAME", "Atape.driver") && has(&x, "VERSION", "12.0.4.0"));
    assert_eq!(
        count(&x, "PHYSICAL_VOLUMES"),
        2,
        "hdisk1's group is not varied on"
    );
    assert_eq!(count(&x, "LOGICAL_VOLUMES"), 9);
    assert_eq!(count(&x, "VOLUME_GROUPS"), 1);
    assert!(has(&x, "PV_UUID", "00c6ce9d4f2c404a") && has(&x, "ATTR", "VG rootvg"));
    assert_eq!(count(&x, "PROCESSES"), 0, "no Linux module ran");

    let Some(j) = json_content("aix-6.1") else {
        return;
    };
    assert_eq!(j["operatingsystem"]["name"], "AIX");
    assert_eq!(j["bios"]["smodel"], "7998-60X");
    for (section, n) in [
        ("cpus", 2),
        ("memories", 2),
        ("networks", 4),
        ("storages", 7),
        ("drives", 8),
        ("softwares", 319),
        ("physical_volumes", 2),
        ("logical_volumes", 9),
        ("volume_groups", 1),
    ] {
        assert_eq!(len(&j, section), n, "{section}");
    }
}

#[test]
fn hpux_1123() {
    let Some(x) = replay("hpux-11.23", "xml") else {
        return;
    };
    assert!(has(&x, "DEVICEID", "basahpux-2026-11-01-10-00-00"));
    assert!(has(&x, "KERNEL_NAME", "hpux") && has(&x, "FULL_NAME", "HP-UX B.11.23"));
    assert!(
        has(&x, "BOOT_TIME", "2025-07-25 08:25:00"),
        "from uptime and the clock"
    );
    assert!(has(&x, "SMODEL", "ia64 hp server rx2620") && has(&x, "SSN", "DEH460642W"));
    assert!(has(&x, "BVERSION", "04.29"), "BIOS from machinfo");
    assert!(
        x.contains("<OSCOMMENTS>vmunix:    B11.23_LR FLAVOR=perf"),
        "kernel build"
    );
    assert!(has(&x, "UUID", "A8F29C7E-B86E-11DA-9B3A-01E2C9B6095D"));
    assert_eq!(count(&x, "CPUS"), 2, "machinfo: Number of CPUs = 2");
    assert!(has(&x, "NAME", "Itanium") && has(&x, "SPEED", "1600"));
    assert_eq!(count(&x, "MEMORIES"), 8, "the filled DIMMs of cstm");
    assert!(has(&x, "MEMORY", "4076"));
    assert_eq!(
        count(&x, "NETWORKS"),
        4,
        "two addresses on lan0, lan1, the MP"
    );
    assert!(has(&x, "IPADDRESS", "10.0.4.56") && has(&x, "IPMASK", "255.255.255.224"));
    assert!(has(&x, "MACADDR", "00:16:35:3E:AC:5D") && has(&x, "SPEED", "1000"));
    assert!(has(&x, "MANAGEMENT", "MP") && has(&x, "IPADDRESS", "10.0.14.60"));
    assert!(has(&x, "DEFAULTGATEWAY", "10.0.4.33"));
    assert_eq!(count(&x, "STORAGES"), 20, "one per disk and tape");
    assert!(has(&x, "MODEL", "LOGICAL VOLUME") && has(&x, "MANUFACTURER", "HP"));
    assert_eq!(count(&x, "DRIVES"), 11, "vxfs and nfs file systems of bdf");
    assert!(has(&x, "FILESYSTEM", "nfs") && has(&x, "TYPE", "/net/hpux-dgs-output"));
    assert_eq!(count(&x, "CONTROLLERS"), 16);
    assert_eq!(count(&x, "SLOTS"), 10);
    assert_eq!(
        count(&x, "SOFTWARES"),
        75,
        "swlist bundles, patches left out"
    );
    assert!(has(&x, "NAME", "B3929EA") && has(&x, "PUBLISHER", "HP"));
    assert_eq!(count(&x, "PROCESSES"), 0, "no Linux module ran");

    let Some(j) = json_content("hpux-11.23") else {
        return;
    };
    assert_eq!(j["operatingsystem"]["name"], "HP-UX");
    assert_eq!(j["bios"]["ssn"], "DEH460642W");
    for (section, n) in [
        ("cpus", 2),
        ("memories", 8),
        ("networks", 4),
        ("storages", 20),
        ("drives", 11),
        ("controllers", 16),
        ("softwares", 75),
    ] {
        assert_eq!(len(&j, section), n, "{section}");
    }
}

/// The Solaris and macOS recordings (`t/snapshots/solaris-10-sparc`,
/// `t/snapshots/macos-10.6-intel`), in the OCS XML and the GLPI JSON.
mod solaris_macos {
    use super::replay;

    fn count(xml: &str, section: &str) -> usize {
        xml.matches(&format!("<{section}>")).count()
    }

    fn has(xml: &str, field: &str, value: &str) -> bool {
        xml.contains(&format!("<{field}>{value}</{field}>"))
    }

    /// The GLPI JSON of a snapshot, checked against GLPI's inventory schema when
    /// `../shared/schema` is there (said when it is not).
    fn json(name: &str) -> Option<serde_json::Value> {
        let text = replay(name, "json")?;
        let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/schema/inventory.schema.json");
        match std::fs::read_to_string(&schema) {
            Ok(s) => {
                let schema: serde_json::Value = serde_json::from_str(&s).expect("schema is JSON");
                let validator = jsonschema::validator_for(&schema).expect("schema compiles");
                let errors: Vec<String> = validator
                    .iter_errors(&doc)
                    .map(|e| format!("{e} at {}", e.instance_path()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{name}: schema errors:\n{}",
                    errors.join("\n")
                );
            }
            Err(_) => println!("schema check skipped: {} not found", schema.display()),
        }
        Some(doc)
    }

    fn len(doc: &serde_json::Value, section: &str) -> usize {
        doc["content"][section].as_array().map_or(0, Vec::len)
    }

    #[test]
    fn solaris_sparc() {
        let Some(x) = replay("solaris-10-sparc", "xml") else {
            return;
        };
        assert!(has(&x, "KERNEL_NAME", "solaris"));
        assert!(has(&x, "FULL_NAME", "Solaris 10 5/09 s10s_u7wos_08 SPARC"));
        assert!(has(&x, "SERVICE_PACK", "u7"));
        assert!(has(&x, "OSVERSION", "5.10"));
        assert!(
            has(&x, "SMODEL", "Sun Fire V890"),
            "BIOS model from the PROM tree"
        );
        assert!(has(&x, "BVERSION", "4.15.6"));
        assert!(has(&x, "MEMORY", "32768"), "prtconf's memory size");
        assert_eq!(count(&x, "CPUS"), 1);
        assert!(has(&x, "NAME", "UltraSPARC-T2") && has(&x, "THREAD", "8"));
        assert_eq!(count(&x, "MEMORIES"), 4);
        assert!(has(&x, "CAPACITY", "1024"));
        assert_eq!(count(&x, "SLOTS"), 9);
        assert!(has(&x, "DESIGNATION", "network-pciex8086,105e"));
        assert_eq!(count(&x, "STORAGES"), 1);
        assert!(has(&x, "DISKSIZE", "64424"));
        assert_eq!(
            count(&x, "DRIVES"),
            7,
            "lofs and pseudo file systems left out"
        );
        assert!(has(&x, "FILESYSTEM", "zfs") && has(&x, "TOTAL", "22051"));
        assert_eq!(
            count(&x, "NETWORKS"),
            7,
            "5 interfaces and 2 Fibre Channel ports"
        );
        assert!(has(&x, "SPEED", "1000"), "link speed from kstat");
        assert!(has(&x, "TYPE", "fibrechannel") && has(&x, "WWN", "200000e08b94b4a3"));
        assert_eq!(count(&x, "SOFTWARES"), 4);
        assert!(has(&x, "NAME", "archiver/gnu-tar"));
        assert_eq!(count(&x, "PROCESSES"), 0, "no Linux module ran");
        let Some(doc) = json("solaris-10-sparc") else {
            return;
        };
        let os = &doc["content"]["operatingsystem"];
        assert_eq!(os["name"], "Solaris");
        assert_eq!(os["version"], "10");
        for (section, n) in [
            ("cpus", 1),
            ("memories", 4),
            ("slots", 9),
            ("storages", 1),
            ("drives", 7),
            ("networks", 7),
            ("softwares", 4),
        ] {
            assert_eq!(len(&doc, section), n, "{section}");
        }
    }

    #[test]
    fn macos_intel() {
        let Some(x) = replay("macos-10.6-intel", "xml") else {
            return;
        };
        assert!(has(&x, "KERNEL_NAME", "darwin"));
        assert!(has(&x, "FULL_NAME", "Mac OS X 10.6.6"));
        assert!(has(&x, "NAME", "MacBook de SAP"), "the computer name");
        assert!(has(&x, "UUID", "00000000-0000-1000-8000-001B66661EC3"));
        assert!(has(&x, "SMODEL", "MacBook2,1") && has(&x, "SSN", "W8737DR1Z5V"));
        assert!(has(&x, "MEMORY", "1024"));
        assert_eq!(count(&x, "CPUS"), 1);
        assert!(has(&x, "CORE", "2") && has(&x, "STEPPING", "10"));
        assert_eq!(count(&x, "MEMORIES"), 2);
        assert_eq!(count(&x, "VIDEOS"), 1);
        assert!(has(&x, "RESOLUTION", "1280x800"));
        assert_eq!(count(&x, "BATTERIES"), 1);
        assert_eq!(count(&x, "POWERSUPPLIES"), 1);
        assert_eq!(count(&x, "STORAGES"), 3, "SATA disk, USB disk, card reader");
        assert!(has(&x, "MODEL", "SSD SD0128F") && has(&x, "DISKSIZE", "476940"));
        assert_eq!(count(&x, "NETWORKS"), 12);
        assert!(has(&x, "DESCRIPTION", "Ethernet") && has(&x, "IPSUBNET", "172.77.220.0"));
        assert!(
            has(&x, "DEFAULTGATEWAY", "192.168.0.254"),
            "from netstat -nr"
        );
        assert_eq!(count(&x, "USBDEVICES"), 5);
        assert!(has(&x, "VENDORID", "0x5ac"));
        assert!(count(&x, "FIREWALL") == 1 && has(&x, "STATUS", "on"));
        assert_eq!(count(&x, "SOFTWARES"), 407);
        assert!(has(&x, "SYSTEM_CATEGORY", "Library/Printers"));
        assert_eq!(count(&x, "PROCESSES"), 0, "no Linux module ran");
        let Some(doc) = json("macos-10.6-intel") else {
            return;
        };
        let os = &doc["content"]["operatingsystem"];
        assert_eq!(os["name"], "Mac OS X");
        assert_eq!(os["version"], "10.6.6");
        for (section, n) in [
            ("cpus", 1),
            ("memories", 2),
            ("videos", 1),
            ("batteries", 1),
            ("powersupplies", 1),
            ("storages", 3),
            ("networks", 12),
            ("usbdevices", 5),
            ("softwares", 407),
        ] {
            assert_eq!(len(&doc, section), n, "{section}");
        }
    }
}
