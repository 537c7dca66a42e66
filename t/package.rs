//! The .deb in a throwaway Debian root, as a sysadmin's fleet would get it.
//!
//! `make deb` first; then (root, `OCS_INTEGRATION=1`; `make integration-packages`):
//! 1. build a minimal bookworm root with mmdebstrap from the host's own Debian mirror
//!    (`/etc/apt/sources.list.d/debian.sources`), no systemd running inside, a
//!    `policy-rc.d` that forbids starting services;
//! 2. install the .deb: files, service files, conffile, state directory;
//! 3. run `ocsinventory-agent --stdout`: an OCS inventory;
//! 4. reinstall over a changed `agent.cfg`: the conffile is kept;
//! 5. purge: nothing of the package is left;
//! 6. install Debian's Perl `ocsinventory-agent` with debconf preseeded for this block's
//!    own OCS server (127.0.0.1:18680), run it, then upgrade to the .deb: its
//!    configuration and DEVICEID kept and taken over, its cron job and timer gone, our
//!    agent sends to the same server under the same DEVICEID;
//! 7. purge: nothing left of either agent.
//!
//! Each step prints its time. Without `OCS_INTEGRATION=1` the test says so and is
//! skipped; with it, a missing .deb, tool or server is a failure.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use support::agent::perl_deviceid;
use support::ocs_server::PKG;

const TAG: &str = "PKGTEST";

fn root_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The .deb `make deb` built (`…+rs-1_<arch>.deb`).
fn deb() -> Option<PathBuf> {
    let dir = root_dir().join("target/debian");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            n.starts_with("ocsinventory-agent_") && n.contains("+rs-1_") && n.ends_with(".deb")
        })
        .collect();
    debs.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    debs.pop()
}

fn enabled() -> Option<PathBuf> {
    if !support::ocs_server::enabled() {
        return None;
    }
    assert!(
        nix::unistd::geteuid().is_root(),
        "the throwaway root needs root"
    );
    assert!(
        Command::new("mmdebstrap").arg("--version").output().is_ok(),
        "mmdebstrap is not installed (apt-get install mmdebstrap)"
    );
    let deb = deb().expect("no target/debian/ocsinventory-agent_*+rs-1_*.deb: run make deb");
    Some(deb)
}

/// The throwaway root: /proc and /sys mounted while it lives, everything removed after.
struct Root {
    dir: PathBuf,
    mounted: Vec<PathBuf>,
}

fn step(name: &str, start: Instant) {
    eprintln!(
        "[package] {name}: ok ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("start a command");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

impl Root {
    fn build() -> Root {
        let dir = PathBuf::from(format!("/var/tmp/ocsa-pkgroot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sources = Path::new("/etc/apt/sources.list.d/debian.sources");
        let mut cmd = Command::new("mmdebstrap");
        // The package lists are kept: the steps install from the mirror.
        cmd.args([
            "--variant=apt",
            "--mode=root",
            "--quiet",
            "--skip=cleanup/apt/lists",
            "bookworm",
        ])
        .arg(&dir);
        if sources.exists() {
            cmd.arg(sources);
        }
        let (ok, text) = run(&mut cmd);
        assert!(ok, "mmdebstrap: {text}");
        let mut root = Root {
            dir,
            mounted: Vec::new(),
        };
        for (fs, at) in [("proc", "proc"), ("sysfs", "sys")] {
            let target = root.dir.join(at);
            let (ok, text) = run(Command::new("mount").args(["-t", fs, fs]).arg(&target));
            assert!(ok, "mount {fs}: {text}");
            root.mounted.push(target);
        }
        std::fs::copy("/etc/resolv.conf", root.dir.join("etc/resolv.conf")).ok();
        std::fs::write(
            root.dir.join("usr/sbin/policy-rc.d"),
            "#!/bin/sh\n# no service starts in the throwaway root\nexit 101\n",
        )
        .unwrap();
        run(Command::new("chmod")
            .arg("755")
            .arg(root.dir.join("usr/sbin/policy-rc.d")));
        root
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.join(p.trim_start_matches('/'))
    }

    /// Runs a shell script inside the root.
    fn sh(&self, script: &str) -> (bool, String) {
        run(Command::new("chroot")
            .arg(&self.dir)
            .args(["/bin/sh", "-c", script])
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .env("LC_ALL", "C"))
    }

    fn must(&self, script: &str) -> String {
        let (ok, text) = self.sh(script);
        assert!(ok, "in the root: {script}\n{text}");
        text
    }

    fn exists(&self, p: &str) -> bool {
        self.path(p).symlink_metadata().is_ok()
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let mut clean = true;
        for m in self.mounted.iter().rev() {
            let (ok, _) = run(Command::new("umount").arg(m));
            clean &= ok;
        }
        // Only a root with nothing mounted in it is removed.
        if clean {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!("[package] left {} (a mount did not go)", self.dir.display());
        }
    }
}

/// What the package installs, and what must be gone after a purge.
const FILES: &[&str] = &[
    "/usr/bin/ocsinventory-agent",
    "/usr/libexec/ocsinventory-agent/ocsinventory-agent-daemon",
    "/usr/share/man/man1/ocsinventory-agent.1.gz",
    "/etc/ocsinventory-agent/agent.cfg",
    "/etc/init.d/ocsinventory-agent",
    "/etc/logrotate.d/ocsinventory-agent",
    "/lib/systemd/system/ocsinventory-agent.service",
    "/usr/share/doc/ocsinventory-agent/examples/cron.d/ocsinventory-agent",
    "/usr/share/doc/ocsinventory-agent/copyright",
    "/var/lib/ocsinventory-agent",
];

/// Also gone after a purge: the links and the old agent's leftovers.
const GONE_AFTER_PURGE: &[&str] = &[
    "/etc/ocsinventory-agent",
    "/etc/ocsinventory",
    "/etc/cron.daily/ocsinventory-agent",
    "/etc/rc2.d/S01ocsinventory-agent",
    "/etc/systemd/system/multi-user.target.wants/ocsinventory-agent.service",
    "/var/lib/ocsinventory-agent",
    "/var/log/ocsinventory-agent",
    "/var/lib/systemd/deb-systemd-helper-enabled/ocsinventory-agent.service.dsh-also",
];

fn check_installed(root: &Root) {
    for f in FILES {
        assert!(root.exists(f), "{f} is installed");
    }
    let conffiles = root.must("dpkg-query -W -f='${Conffiles}' ocsinventory-agent");
    assert!(
        conffiles.contains("/etc/ocsinventory-agent/agent.cfg"),
        "agent.cfg is a conffile: {conffiles}"
    );
    // Enabled the Debian way, without systemd running: the links are there.
    assert!(
        root.exists("/etc/systemd/system/multi-user.target.wants/ocsinventory-agent.service"),
        "the unit is enabled"
    );
    assert!(
        root.exists("/etc/rc2.d/S01ocsinventory-agent"),
        "the init script is enabled"
    );
}

fn check_purged(root: &Root) {
    let (_, status) = root.sh("dpkg-query -W -f='${db:Status-Abbrev}' ocsinventory-agent");
    assert!(
        !status.starts_with("ii") && !status.starts_with("rc"),
        "{status}"
    );
    for f in FILES.iter().chain(GONE_AFTER_PURGE) {
        assert!(!root.exists(f), "{f} is left after the purge");
    }
}

fn server_up() -> bool {
    std::net::TcpStream::connect_timeout(
        &(std::net::Ipv4Addr::LOCALHOST, PKG.http).into(),
        std::time::Duration::from_secs(2),
    )
    .is_ok()
}

#[test]
fn deb_installs_runs_upgrades_the_perl_agent_and_purges_clean() {
    let Some(deb) = enabled() else {
        return;
    };
    let server = PKG.url();
    let all = Instant::now();
    let t = Instant::now();
    let root = Root::build();
    step("1 mmdebstrap bookworm (variant apt)", t);
    std::fs::copy(&deb, root.path("/tmp/agent.deb")).unwrap();

    // 2. install
    let t = Instant::now();
    root.must("apt-get install -y -q /tmp/agent.deb");
    check_installed(&root);
    step(
        "2 install: files, conffile, unit and init script enabled",
        t,
    );

    // 3. --stdout
    let t = Instant::now();
    let xml = root.must("ocsinventory-agent --stdout 2>/dev/null");
    assert!(
        xml.contains("<REQUEST>") && xml.contains("<DEVICEID>"),
        "{xml}"
    );
    assert!(xml.contains("<QUERY>INVENTORY</QUERY>"));
    step("3 ocsinventory-agent --stdout", t);

    // 4. the conffile survives a reinstall
    let t = Instant::now();
    root.must("echo 'tag = kept' >> /etc/ocsinventory-agent/agent.cfg");
    root.must(
        "apt-get install -y -q --reinstall -o Dpkg::Options::=--force-confold /tmp/agent.deb",
    );
    let cfg = std::fs::read_to_string(root.path("/etc/ocsinventory-agent/agent.cfg")).unwrap();
    assert!(cfg.ends_with("tag = kept\n"), "agent.cfg kept");
    step("4 reinstall: changed conffile kept", t);

    // 5. purge
    let t = Instant::now();
    root.must("apt-get purge -y -q ocsinventory-agent");
    check_purged(&root);
    step("5 purge: nothing left", t);

    // 6. over Debian's Perl agent, configured for our server
    let t = Instant::now();
    root.must(&format!(
        "printf '%s\\n' \
         'ocsinventory-agent ocsinventory-agent/method select http' \
         'ocsinventory-agent ocsinventory-agent/server string {server}' \
         'ocsinventory-agent ocsinventory-agent/tag string {TAG}' | debconf-set-selections"
    ));
    root.must("apt-get install -y -q --no-install-recommends ocsinventory-agent");
    let perl_cfg = std::fs::read_to_string(root.path("/etc/ocsinventory/ocsinventory-agent.cfg"))
        .expect("the Perl agent's configuration");
    assert!(perl_cfg.contains(&format!("server={server}")), "{perl_cfg}");
    assert!(root.exists("/etc/cron.daily/ocsinventory-agent"));
    step("6a Debian's Perl agent installed, debconf preseeded", t);
    let t = Instant::now();
    assert!(
        server_up(),
        "no OCS server on 127.0.0.1:18680: make integration-packages starts it"
    );
    root.must("ocsinventory-agent --force >/dev/null 2>&1 || true");
    let perl_id = perl_deviceid(&root.path(&format!(
        "/var/lib/ocsinventory-agent/{}/ocsinv.conf",
        server.replace('/', "_")
    )));
    step("6b the Perl agent ran against the server", t);
    let t = Instant::now();
    root.must("apt-get install -y -q /tmp/agent.deb");
    let version = root.must("dpkg-query -W -f='${Version}' ocsinventory-agent");
    assert!(version.contains("+rs-1"), "upgraded: {version}");
    assert_eq!(
        std::fs::read_to_string(root.path("/etc/ocsinventory/ocsinventory-agent.cfg")).unwrap(),
        perl_cfg,
        "the Perl agent's configuration is kept"
    );
    for gone in [
        "/etc/cron.daily/ocsinventory-agent",
        "/etc/ocsinventory/modules.conf",
        "/lib/systemd/system/ocsinventory-agent.timer",
        "/etc/systemd/system/timers.target.wants/ocsinventory-agent.timer",
    ] {
        assert!(!root.exists(gone), "{gone} removed by the upgrade");
    }
    check_installed(&root);
    step(
        "6c upgrade over the Perl agent: its config kept, cron job and timer gone",
        t,
    );
    let t = Instant::now();
    let (ok, log) = root.sh("ocsinventory-agent --force");
    assert!(ok, "our agent on the Perl agent's configuration: {log}");
    let warning = "migrating the configuration of the Perl OCS agent \
                   from /etc/ocsinventory/ocsinventory-agent.cfg";
    assert_eq!(
        log.matches(warning).count(),
        1,
        "one warning names the migrated file: {log}"
    );
    assert!(log.contains(&format!("server {server}")), "{log}");
    let state =
        std::fs::read_to_string(root.path("/var/lib/ocsinventory-agent/agent.state")).unwrap();
    assert!(
        state.contains(&format!("deviceid={perl_id}")),
        "DEVICEID {perl_id} taken over: {state}"
    );
    step("6d our agent: same server, same DEVICEID", t);

    // 7. purge both
    let t = Instant::now();
    root.must("apt-get purge -y -q ocsinventory-agent");
    check_purged(&root);
    step("7 purge after the upgrade: nothing left", t);
    eprintln!("[package] all steps: {:.1} s", all.elapsed().as_secs_f64());
}

// ---- The package relations of what the inventory runs (pkg/debian/commands) ----------
// Plain tests (no root, no server): the table against the source, Cargo.toml and this
// machine's package database.

/// One line of pkg/debian/commands.
#[derive(Debug)]
struct Fact {
    name: String,
    path: String,
    deb: String,
    rpm: String,
    relation: String,
}

fn facts() -> Vec<Fact> {
    let path = root_dir().join("pkg/debian/commands");
    let text = std::fs::read_to_string(&path).expect("read pkg/debian/commands");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(
                f.len(),
                5,
                "pkg/debian/commands: five columns expected: {l}"
            );
            let relations = ["recommends", "essential", "describes", "fallback"];
            assert!(relations.contains(&f[4]), "unknown relation in: {l}");
            Fact {
                name: f[0].into(),
                path: f[1].into(),
                deb: f[2].into(),
                rpm: f[3].into(),
                relation: f[4].into(),
            }
        })
        .collect()
}

/// The Linux inventory's source, whitespace removed (calls spread over lines read as one).
fn inventory_source() -> String {
    fn walk(p: &Path, out: &mut String) {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            entries.iter().for_each(|e| walk(e, out));
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(p).unwrap();
            out.extend(text.chars().filter(|c| !c.is_whitespace()));
        }
    }
    let mut all = String::new();
    for part in ["module.rs", "generic", "os/linux"] {
        walk(&root_dir().join("src/task/inventory").join(part), &mut all);
    }
    all
}

/// The programs started (`command(&["X"`, `run(&["X"`, lvm's `run(ctx, "X"`) and the id
/// databases read (`"/usr/share/…/X.ids"`).
fn used_in_source(src: &str) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for call in ["command(&[\"", "run(&[\"", "run(ctx,\""] {
        for (at, _) in src.match_indices(call) {
            let rest = &src[at + call.len()..];
            let name = &rest[..rest.find('"').unwrap_or(0)];
            if !name.is_empty() {
                found.insert(name.to_string());
            }
        }
    }
    for (at, _) in src.match_indices("\"/usr/share/") {
        let rest = &src[at + 1..];
        let path = &rest[..rest.find('"').unwrap_or(0)];
        if let Some(name) = path.rsplit('/').next().filter(|n| n.ends_with(".ids")) {
            found.insert(name.to_string());
        }
    }
    found
}

#[test]
fn package_relations_cover_what_the_inventory_runs() {
    let facts = facts();
    let src = inventory_source();
    let used = used_in_source(&src);
    assert!(
        used.contains("dmidecode") && used.contains("pci.ids"),
        "{used:?}"
    );
    for name in &used {
        assert!(
            facts.iter().any(|f| &f.name == name),
            "the Linux inventory uses {name}: add its package to pkg/debian/commands"
        );
    }
    for f in &facts {
        let named = if f.name.ends_with(".ids") {
            format!("/{}\"", f.name)
        } else {
            format!("\"{}\"", f.name)
        };
        assert!(
            src.contains(&named),
            "pkg/debian/commands lists {}, which the Linux inventory no longer uses",
            f.name
        );
    }
}

#[test]
fn recommends_come_from_the_table() {
    let facts = facts();
    let mut deb: Vec<&str> = facts
        .iter()
        .filter(|f| f.relation == "recommends")
        .map(|f| f.deb.as_str())
        .collect();
    deb.sort();
    deb.dedup();
    let mut rpm: Vec<&str> = facts
        .iter()
        .filter(|f| f.relation == "recommends")
        .map(|f| f.rpm.as_str())
        .collect();
    rpm.sort();
    rpm.dedup();
    let cargo = std::fs::read_to_string(root_dir().join("Cargo.toml")).unwrap();
    let line = format!("recommends = \"{}\"", deb.join(", "));
    assert!(
        cargo.contains(&line),
        "Cargo.toml [package.metadata.deb] must say {line}"
    );
    let rpm_block = cargo
        .split("[package.metadata.generate-rpm.recommends]")
        .nth(1)
        .expect("a [package.metadata.generate-rpm.recommends] table");
    let rpm_names: Vec<&str> = rpm_block
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(|l| l.split('=').next().unwrap().trim())
        .collect();
    assert_eq!(rpm_names, rpm, "Cargo.toml's RPM recommends");
    let script = Command::new("sh")
        .arg(root_dir().join("pkg/debian/recommends.sh"))
        .output()
        .expect("run sh");
    assert!(script.status.success());
    assert_eq!(
        String::from_utf8_lossy(&script.stdout).trim(),
        deb.join(", ")
    );
}

/// `dpkg -S` of a path as packaged (`/bin/df` on Debian 12, `/usr/bin/df` later): the
/// path, its other spelling across the merged `/usr`, or where it resolves to.
fn owner(path: &str) -> Option<String> {
    let other = match path.strip_prefix("/usr") {
        Some(rest) => rest.to_string(),
        None => format!("/usr{path}"),
    };
    let real = std::fs::canonicalize(path)
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    for p in [Some(path.to_string()), Some(other), real]
        .into_iter()
        .flatten()
    {
        let out = Command::new("dpkg").args(["-S", &p]).output().ok()?;
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            return Some(text.split(':').next().unwrap_or("").trim().to_string());
        }
    }
    None
}

/// `Package → Essential` of the archive's packages, from one `apt-cache show` run
/// (unknown packages are absent).
fn archive(packages: &[&str]) -> std::collections::BTreeMap<String, bool> {
    let out = Command::new("apt-cache")
        .args(["show", "--no-all-versions"])
        .args(packages)
        .output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    text.split("\n\n")
        .filter_map(|stanza| {
            let name = stanza.lines().find_map(|l| l.strip_prefix("Package: "))?;
            let essential = stanza.lines().any(|l| l == "Essential: yes");
            Some((name.trim().to_string(), essential))
        })
        .collect()
}

#[test]
fn package_relations_agree_with_the_package_database() {
    let has_dpkg = Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dpkg {
        eprintln!("skipped: no dpkg database on this machine (pkg/debian/commands not checked)");
        return;
    }
    let facts = facts();
    let names: Vec<&str> = facts.iter().map(|f| f.deb.as_str()).collect();
    let archive = archive(&names);
    if archive.is_empty() {
        eprintln!("no package lists here (apt-get update): only installed files checked");
    }
    for f in &facts {
        let path_here = [f.path.clone(), format!("/usr{}", f.path)]
            .into_iter()
            .find(|p| Path::new(p).exists());
        match path_here {
            Some(p) => {
                let owners = owner(&p).unwrap_or_default();
                assert!(
                    owners.split(", ").any(|o| o == f.deb),
                    "pkg/debian/commands: {} ({p}) belongs to {owners:?} here, not {}",
                    f.name,
                    f.deb
                );
            }
            None if archive.is_empty() => continue,
            None => {
                assert!(
                    archive.contains_key(&f.deb),
                    "pkg/debian/commands: no package {} in this machine's archive",
                    f.deb
                );
                eprintln!(
                    "{}: not installed; the archive has {} (its file list not checked)",
                    f.name, f.deb
                );
            }
        }
        // Essential packages are always there; a recommended one must not be.
        let Some(&essential) = archive.get(&f.deb) else {
            continue;
        };
        if f.relation == "essential" {
            assert!(essential, "{} is said essential, {} is not", f.name, f.deb);
        } else if f.relation == "recommends" {
            assert!(
                !essential,
                "{}: {} is essential, no need to recommend it",
                f.name, f.deb
            );
        }
    }
}
