//! The OCS dialect on recorded machines, for the DMI sections (BIOS, MEMORIES, SLOTS,
//! PORTS) and the HARDWARE UUID read from dmidecode:
//!
//! - fixture dmidecode outputs (`../shared/fixtures/dmidecode_raw`), fed to both agents
//!   through a `dmidecode` script first on `PATH`: Debian's Perl `ocsinventory-agent`
//!   (`--local`, in a private mount namespace whose `/dev` has the `mem` it insists on)
//!   and ours (`--dialect ocs`). Ours must have at least the Perl agent's rows, and fill
//!   every column (of the OCS server's tables) that it fills. This machine has no
//!   `/sys/class/dmi/id`: the dmidecode UUID must survive the sysfs module;
//! - the BSD recordings (`t/snapshots`), where the Perl agent cannot run: the OCS dialect
//!   keeps every row and every filled column of the FusionInventory dialect.
//!
//! The Perl part needs root (for the namespace) and the Perl agent (CI installs it);
//! without them it says why and checks only the recordings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ocsinventory_agent::net::xmltree::Node;

const PERL_AGENT: &str = "/usr/bin/ocsinventory-agent";
/// The OCS server's columns of each compared section (`Apache::Ocsinventory::Map`).
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "BIOS",
        &[
            "ASSETTAG",
            "BDATE",
            "BMANUFACTURER",
            "BVERSION",
            "MMANUFACTURER",
            "MMODEL",
            "MSN",
            "SMANUFACTURER",
            "SMODEL",
            "SSN",
            "TYPE",
        ],
    ),
    (
        "MEMORIES",
        &[
            "CAPACITY",
            "CAPTION",
            "DESCRIPTION",
            "NUMSLOTS",
            "PURPOSE",
            "SERIALNUMBER",
            "SPEED",
            "TYPE",
        ],
    ),
    (
        "SLOTS",
        &[
            "DESCRIPTION",
            "DESIGNATION",
            "NAME",
            "PSHARE",
            "PURPOSE",
            "STATUS",
        ],
    ),
    ("PORTS", &["CAPTION", "DESCRIPTION", "NAME", "TYPE"]),
];
const CASES: &[&str] = &["linux-2.6", "rhel-5.6", "oracle-server-x5-2", "freebsd-8.1"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocsa-dreplay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Per section: its entries, each a map of filled fields.
type Sections = BTreeMap<String, Vec<BTreeMap<String, String>>>;

/// A value worth a column: not a DMI placeholder (`Not Specified`, `None`…).
fn meaningful(v: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "",
        "not specified",
        "none",
        "unknown",
        "not provided",
        "not available",
        "other",
        "to be filled by o.e.m.",
    ];
    !PLACEHOLDERS.contains(&v.trim().to_ascii_lowercase().as_str())
}

fn sections(xml: &str) -> Sections {
    let doc = Node::parse(xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let content = doc.child("CONTENT").expect("CONTENT");
    let mut out = Sections::new();
    for s in &content.children {
        let fields = s
            .children
            .iter()
            .filter(|f| meaningful(&f.text))
            .map(|f| (f.name.clone(), f.text.trim().to_string()))
            .collect();
        out.entry(s.name.clone()).or_default().push(fields);
    }
    out
}

/// The columns filled in at least one entry of `section`.
fn filled(s: &Sections, section: &str, columns: &[&str]) -> Vec<String> {
    columns
        .iter()
        .filter(|c| {
            s.get(section)
                .is_some_and(|rows| rows.iter().any(|r| r.contains_key(**c)))
        })
        .map(|c| c.to_string())
        .collect()
}

fn rows(s: &Sections, section: &str) -> usize {
    s.get(section)
        .map_or(0, |r| r.iter().filter(|e| !e.is_empty()).count())
}

/// What ours lacks next to `reference`: rows and columns, one line each.
fn shortfall(reference: &Sections, ours: &Sections, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (section, columns) in SECTIONS {
        let (r, o) = (rows(reference, section), rows(ours, section));
        if o < r {
            out.push(format!("{what} {section}: {o} rows, reference {r}"));
        }
        let mine = filled(ours, section, columns);
        for c in filled(reference, section, columns) {
            if !mine.contains(&c) {
                out.push(format!("{what} {section}.{c} empty, reference filled"));
            }
        }
    }
    out
}

fn ours(args: &[&str], path: Option<&str>) -> String {
    let v = tmpdir("vardir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocsinventory-agent"));
    cmd.arg("--vardir").arg(&v).args(args);
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out = cmd.output().expect("run the agent");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&v);
    String::from_utf8(out.stdout).unwrap()
}

/// Our OCS inventory of this machine as if its DMI table were `fixture`: a capture of this
/// machine, given the fixture as `dmidecode`'s output and a DMI table for the kernel to
/// have found (the agent runs dmidecode only where there is one, and test machines are
/// often VMs without), then replayed.
fn ours_with_dmi(work: &Path, fixture: &Path) -> String {
    let args = ["--stdout", "--dialect", "ocs", "--no-category", "software"];
    let capture = work.join("capture");
    if !capture.join("uname").exists() {
        let _ = ours(
            &[&args[..], &["--capture", capture.to_str().unwrap()]].concat(),
            None,
        );
    }
    std::fs::create_dir_all(capture.join("commands")).unwrap();
    std::fs::copy(fixture, capture.join("commands/dmidecode")).expect("the fixture");
    let table = capture.join("files/sys/firmware/dmi/tables");
    std::fs::create_dir_all(&table).unwrap();
    std::fs::write(table.join("DMI"), b"").unwrap();
    ours(
        &[&args[..], &["--replay", capture.to_str().unwrap()]].concat(),
        None,
    )
}

#[test]
fn bsd_recordings_lose_nothing_in_the_ocs_dialect() {
    for snap in ["freebsd-14-kvm", "openbsd-7-vmware"] {
        let dir = root().join("t/snapshots").join(snap);
        let replay = dir.to_str().unwrap();
        let fusion = sections(&ours(&["--replay", replay, "--stdout"], None));
        let ocs = sections(&ours(
            &["--replay", replay, "--stdout", "--dialect", "ocs"],
            None,
        ));
        let missing = shortfall(&fusion, &ocs, snap);
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        assert!(ocs.contains_key("BIOS"), "{snap}: BIOS always sent");
        let uuid = |s: &Sections| s.get("HARDWARE").and_then(|h| h[0].get("UUID").cloned());
        assert_eq!(uuid(&ocs), uuid(&fusion), "{snap}: HARDWARE UUID");
        println!(
            "{snap}: BIOS {} MEMORIES {} SLOTS {} PORTS {} rows, UUID {:?}",
            rows(&ocs, "BIOS"),
            rows(&ocs, "MEMORIES"),
            rows(&ocs, "SLOTS"),
            rows(&ocs, "PORTS"),
            uuid(&ocs)
        );
    }
}

/// A private `/dev` for the Perl agent: null, zero, random, urandom, and an empty `mem`
/// (it reads dmidecode only when `/dev/mem` is readable; the fake dmidecode never
/// opens it).
fn fake_dev(dir: &Path) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    for (name, minor) in [("null", 3), ("zero", 5), ("random", 8), ("urandom", 9)] {
        let ok = Command::new("mknod")
            .arg(dir.join(name))
            .args(["c", "1", &minor.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return false;
        }
        let _ = Command::new("chmod")
            .arg("666")
            .arg(dir.join(name))
            .status();
    }
    std::fs::write(dir.join("mem"), "").is_ok()
        && std::os::unix::fs::symlink("/proc/self/fd", dir.join("fd")).is_ok()
}

/// `dmidecode` printing the fixture, and answering `-s KEYWORD` and `-t TYPE` from it
/// as the real one does (the Perl agent asks its BIOS strings and memories that way).
fn fake_dmidecode(bin: &Path, fixture: &Path) {
    const KEYWORDS: &[(&str, u8, &str)] = &[
        ("bios-vendor", 0, "Vendor"),
        ("bios-version", 0, "Version"),
        ("bios-release-date", 0, "Release Date"),
        ("system-manufacturer", 1, "Manufacturer"),
        ("system-product-name", 1, "Product Name"),
        ("system-version", 1, "Version"),
        ("system-serial-number", 1, "Serial Number"),
        ("system-uuid", 1, "UUID"),
        ("baseboard-manufacturer", 2, "Manufacturer"),
        ("baseboard-product-name", 2, "Product Name"),
        ("baseboard-serial-number", 2, "Serial Number"),
        ("chassis-type", 3, "Type"),
        ("chassis-asset-tag", 3, "Asset Tag"),
    ];
    std::fs::create_dir_all(bin).unwrap();
    let mut cases = String::new();
    for (kw, t, key) in KEYWORDS {
        cases.push_str(&format!("    {kw}) t={t}; k='{key}';;\n"));
    }
    let script = bin.join("dmidecode");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nF='{}'\nif [ \"$1\" = -s ]; then\n  case \"$2\" in\n{cases}    *) exit 2;;\n  esac\n  \
             exec awk -v t=\"$t\" -v k=\"$k\" '/^Handle / {{ on = ($0 ~ (\"DMI type \" t \",\")); next }} \
             on {{ l = $0; sub(/^[ \\t]+/, \"\", l); if (index(l, k \": \") == 1) {{ print substr(l, length(k) + 3); exit }} }}' \"$F\"\n\
             fi\nif [ \"$1\" = -t ]; then\n  exec awk -v t=\"$2\" '/^Handle / {{ on = ($0 ~ (\"DMI type \" t \",\")) }} \
             on {{ print }}' \"$F\"\nfi\nexec cat \"$F\"\n",
            fixture.display()
        ),
    )
    .unwrap();
    let _ = Command::new("chmod").arg("755").arg(&script).status();
}

/// The Perl agent's local inventory with the fake dmidecode, in a mount namespace.
fn perl_inventory(work: &Path, path: &str) -> String {
    let out_dir = work.join("perl-out");
    let var = work.join("perl-var");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::create_dir_all(&var).unwrap();
    let dev = work.join("dev");
    let inner = format!(
        "mount --bind '{}' /dev && exec env PATH='{path}' {PERL_AGENT} --local='{}' \
         --basevardir='{}' --nosoftware --logfile='{}'",
        dev.display(),
        out_dir.display(),
        var.display(),
        work.join("perl.log").display()
    );
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &inner])
        .output()
        .expect("run unshare");
    assert!(
        out.status.success(),
        "Perl agent: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".ocs"))
        .expect("the Perl agent's .ocs file")
        .path();
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn fixture_dmidecode_equal_or_richer_than_the_perl_agent() {
    let fixtures = root().join("../shared/fixtures/dmidecode_raw");
    if !fixtures.is_dir() {
        println!("skipped: no {} (the shared fixtures)", fixtures.display());
        return;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !Path::new(PERL_AGENT).exists() {
        assert!(
            !ci,
            "{PERL_AGENT} missing: .ci/run installs ocsinventory-agent"
        );
        println!("skipped: {PERL_AGENT} not installed (apt-get install ocsinventory-agent)");
        return;
    }
    let work = tmpdir("perl");
    if !fake_dev(&work.join("dev")) {
        assert!(!ci, "cannot make device nodes: CI runs as root");
        println!("skipped: cannot make device nodes for the Perl agent's /dev (not root)");
        return;
    }
    let mut missing = Vec::new();
    for case in CASES {
        let fixture = fixtures.join(case).join("input.dmidecode");
        let bin = work.join(format!("bin-{case}"));
        fake_dmidecode(&bin, &fixture);
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let perl = sections(&perl_inventory(&work, &path));
        let mine = sections(&ours_with_dmi(&work, &fixture));
        missing.extend(shortfall(&perl, &mine, case));
        let uuid = |s: &Sections| s.get("HARDWARE").and_then(|h| h[0].get("UUID").cloned());
        let dmi_uuid = std::fs::read_to_string(&fixture)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.trim().strip_prefix("UUID: ").map(str::to_string));
        if let Some(u) = &dmi_uuid {
            if u.len() == 36 {
                assert_eq!(uuid(&mine).as_ref(), Some(u), "{case}: dmidecode's UUID");
            }
        }
        println!(
            "{case}: rows perl/ours BIOS {}/{} MEMORIES {}/{} SLOTS {}/{} PORTS {}/{}; UUID {:?}",
            rows(&perl, "BIOS"),
            rows(&mine, "BIOS"),
            rows(&perl, "MEMORIES"),
            rows(&mine, "MEMORIES"),
            rows(&perl, "SLOTS"),
            rows(&mine, "SLOTS"),
            rows(&perl, "PORTS"),
            rows(&mine, "PORTS"),
            uuid(&mine)
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_comparison_sees_what_is_missing() {
    let xml = |memories: &str| {
        format!("<?xml version=\"1.0\"?><REQUEST><CONTENT><BIOS><SSN>1</SSN></BIOS>{memories}</CONTENT></REQUEST>")
    };
    let perl = sections(&xml(
        "<MEMORIES><CAPACITY>1024</CAPACITY><SPEED>533</SPEED></MEMORIES>\
         <MEMORIES><CAPACITY>1024</CAPACITY></MEMORIES>",
    ));
    let ours = sections(&xml(
        "<MEMORIES><CAPACITY>1024</CAPACITY><SPEED>Not Specified</SPEED></MEMORIES>",
    ));
    let gaps = shortfall(&perl, &ours, "case");
    assert_eq!(
        gaps,
        vec![
            "case MEMORIES: 1 rows, reference 2".to_string(),
            "case MEMORIES.SPEED empty, reference filled".to_string()
        ]
    );
    assert!(shortfall(&perl, &perl, "same").is_empty());
}
