//! The same machine, the same moment: our inventory against `fusioninventory-agent
//! --local` (Debian's package), section by section. Skips when the peer is not installed.
//!
//! Sections whose content depends on the instant (PROCESSES, ENVS) or where the peer is
//! known to be wrong are compared in the closing assertions with the reason written down.

use std::collections::BTreeMap;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

fn sections(xml: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in xml.lines() {
        let t = line.trim_start();
        // Sections are the elements directly under CONTENT, indented by 4 spaces in both.
        if line.len() - t.len() == 4 && t.starts_with('<') && !t.starts_with("</") {
            let name = t[1..].split(['>', ' ']).next().unwrap_or("").to_string();
            *out.entry(name).or_insert(0) += 1;
        }
    }
    out
}

/// The first `<field>` inside the first `<section>` block.
fn first<'a>(xml: &'a str, section: &str, field: &str) -> Option<&'a str> {
    let block_start = xml.find(&format!("<{section}>"))?;
    let block =
        &xml[block_start..block_start + xml[block_start..].find(&format!("</{section}>"))?];
    let open = format!("<{field}>");
    let start = block.find(&open)? + open.len();
    Some(&block[start..start + block[start..].find('<')?])
}

/// Each `<section>` block's fields whose names are in `keep`, as sorted `NAME=value` lists,
/// the blocks sorted too (the two agents order them differently).
fn blocks(xml: &str, section: &str, keep: &[&str]) -> Vec<Vec<String>> {
    let (open, close) = (format!("<{section}>"), format!("</{section}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let Some(end) = body.find(&close) else { break };
        let mut fields: Vec<String> = body[..end]
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let name = l.strip_prefix('<')?.split('>').next()?;
                let value = l
                    .strip_prefix(&format!("<{name}>"))?
                    .strip_suffix(&format!("</{name}>"))?;
                keep.contains(&name).then(|| format!("{name}={value}"))
            })
            .collect();
        fields.sort();
        out.push(fields);
        rest = &body[end..];
    }
    out.sort();
    out
}

#[test]
fn same_sections_as_fusioninventory() {
    if Command::new("fusioninventory-agent")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "skipped: fusioninventory-agent not installed (apt-get install fusioninventory-agent)"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("ocsa-peers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("fi")).unwrap();
    let fi = Command::new("fusioninventory-agent")
        .args(["--local", dir.join("fi").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        fi.status.success(),
        "{}",
        String::from_utf8_lossy(&fi.stderr)
    );
    let fi_file = std::fs::read_dir(dir.join("fi"))
        .unwrap()
        .flatten()
        .next()
        .expect("fusion wrote a file")
        .path();
    let theirs = std::fs::read_to_string(fi_file).unwrap();
    let ours = Command::new(BIN)
        .args(["--stdout", "--vardir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(ours.status.success());
    let ours = String::from_utf8(ours.stdout).unwrap();
    let (a, b) = (sections(&ours), sections(&theirs));
    // Where the peer is wrong or reports differently on purpose.
    let known: &[(&str, &str)] = &[
        ("LOCAL_GROUPS", "Fusion lists only the groups that have members; we list every group"),
        ("BIOS", "without any DMI Fusion still writes an empty <BIOS><SSN/></BIOS>; we leave the empty section out"),
        ("PROCESSES", "changes from one instant to the next"),
        ("ENVS", "each agent reports its own environment"),
    ];
    let mut report = Vec::new();
    for (section, n) in &b {
        if known.iter().any(|(k, _)| k == section) {
            continue;
        }
        let ours_n = a.get(section).copied().unwrap_or(0);
        if ours_n != *n {
            report.push(format!("{section}: ours {ours_n}, fusion {n}"));
        }
    }
    assert!(
        report.is_empty(),
        "section counts differ:\n{}",
        report.join("\n")
    );
    // Software: one entry per installed package, as dpkg-query lists them.
    if let Ok(q) = Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Abbrev}\n"])
        .output()
    {
        let installed = String::from_utf8_lossy(&q.stdout)
            .lines()
            .filter(|l| l.starts_with("ii"))
            .count();
        assert_eq!(a.get("SOFTWARES").copied().unwrap_or(0), installed);
    }
    for field in [
        "NAME",
        "OSNAME",
        "MEMORY",
        "DNS",
        "DEFAULTGATEWAY",
        "IPADDR",
    ] {
        assert_eq!(
            first(&ours, "HARDWARE", field),
            first(&theirs, "HARDWARE", field),
            "HARDWARE/{field}"
        );
    }
    // Ours from the kernel (getifaddrs, mountinfo + statvfs), Fusion's from `ip` and `df`.
    // Left out: IPMASK6/IPSUBNET6 (Fusion reads two digits of a /128 prefix), FREE (the
    // disk changes between the two runs).
    let net = [
        "DESCRIPTION",
        "IPADDRESS",
        "IPMASK",
        "IPSUBNET",
        "IPADDRESS6",
        "MACADDR",
        "STATUS",
    ];
    assert!(blocks(&ours, "NETWORKS", &net).iter().any(|b| b.len() > 3));
    assert_eq!(
        blocks(&ours, "NETWORKS", &net),
        blocks(&theirs, "NETWORKS", &net),
        "NETWORKS"
    );
    let drives = ["VOLUMN", "TYPE", "FILESYSTEM", "TOTAL"];
    assert_eq!(
        blocks(&ours, "DRIVES", &drives),
        blocks(&theirs, "DRIVES", &drives),
        "DRIVES"
    );
    for field in ["KERNEL_VERSION", "FULL_NAME", "VERSION", "HOSTID"] {
        assert_eq!(
            first(&ours, "OPERATINGSYSTEM", field),
            first(&theirs, "OPERATINGSYSTEM", field),
            "OPERATINGSYSTEM/{field}"
        );
    }
}
