//! Inventories of AIX, HP-UX, Solaris and macOS machines, run on Linux by `--replay` of
//! recordings assembled from the real outputs of the shared fixtures-unix corpus
//! (`t/support/recording.rs`): the OS modules are picked from the recording's `uname`.
//! Each OS has its own test; each skips, saying why, when the corpus is absent.

mod support;

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
