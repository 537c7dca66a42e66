//! The old agents' configuration, read as ours: the Perl OCS Unix agent
//! (`ocsinventory-agent.cfg`, its `--basevardir`, `--ca`, `--ssl`…) and FusionInventory
//! (`agent.cfg`). This is what makes the package a drop-in replacement: a machine that
//! ran Debian's Perl agent keeps its server, tag, state directory and certificates.
//!
//! Rules:
//! - A legacy file is read only when the agent uses its default configuration (no
//!   `--conf-file`, or the default one) and neither our file nor the command line names a target (`server`,
//!   `local`, `stdout`): our own settings always win, and a machine configured for us
//!   never picks up a forgotten old file.
//! - Only a legacy file that names a target is adopted, the first found in the Perl
//!   agent's own search order, then FusionInventory's.
//! - Each adopted file gives one warning naming it and the keys left out, so the sysadmin
//!   knows what to move into `agent.cfg`.
//! - The old files are only read, never written.

use std::path::{Path, PathBuf};

use super::config::{Config, Origin};
use super::options::{self, Kind};

/// Which old agent a file or a state belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldAgent {
    /// The Perl OCS Inventory Unix agent (Debian's `ocsinventory-agent` up to 2:2.10).
    PerlOcs,
    /// The FusionInventory agent.
    Fusion,
}

impl OldAgent {
    pub fn label(self) -> &'static str {
        match self {
            OldAgent::PerlOcs => "the Perl OCS agent",
            OldAgent::Fusion => "FusionInventory",
        }
    }
}

/// The FusionInventory agent's state directory (its device id is kept there).
pub const FUSION_VARDIR: &str = "/var/lib/fusioninventory-agent";

/// Where the old agents' configuration files are looked for, in the order they looked.
/// The Perl agent also looked in `~/.ocsinventory/`; so do we.
pub fn candidates() -> Vec<(OldAgent, PathBuf)> {
    let mut out: Vec<(OldAgent, PathBuf)> = [
        "/etc/ocsinventory",
        "/usr/local/etc/ocsinventory",
        "/etc/ocsinventory-agent",
    ]
    .iter()
    .map(|d| {
        (
            OldAgent::PerlOcs,
            Path::new(d).join("ocsinventory-agent.cfg"),
        )
    })
    .collect();
    if let Some(home) = std::env::var_os("HOME") {
        out.push((
            OldAgent::PerlOcs,
            PathBuf::from(home).join(".ocsinventory/ocsinventory-agent.cfg"),
        ));
    }
    for d in ["/etc/fusioninventory", "/usr/local/etc/fusioninventory"] {
        out.push((OldAgent::Fusion, Path::new(d).join("agent.cfg")));
    }
    out
}

/// What an old key becomes here.
#[derive(Debug, PartialEq, Eq)]
pub enum Alias {
    /// The same meaning under our name, the value unchanged.
    Same(&'static str),
    /// Base64 in the Perl agent (`user`, `password`), clear here.
    Base64(&'static str),
    /// `ssl = 0` is our `no-ssl-check = 1`; `ssl = 1` is our default.
    Ssl,
    /// `nosoftware = 1` is `no-category = software`.
    NoSoftware,
    /// Known, without a use here (`realm`: Basic authentication is answered for any
    /// realm; `snmp`, `devlib`, `info`…).
    Unused,
}

/// The Perl OCS agent's names (configuration keys, lower-cased as it read them, and
/// long options), without the ones that are already ours.
const PERL_OCS: &[(&str, Alias)] = &[
    ("basevardir", Alias::Same("vardir")),
    ("ca", Alias::Same("ca-cert-file")),
    ("ssl", Alias::Ssl),
    ("nosoftware", Alias::NoSoftware),
    ("user", Alias::Base64("user")),
    ("password", Alias::Base64("password")),
    (
        "backendcollecttimeout",
        Alias::Same("backend-collect-timeout"),
    ),
    ("scanhomedirs", Alias::Same("scan-homedirs")),
    ("realm", Alias::Unused),
    ("remotedir", Alias::Unused),
    ("info", Alias::Unused),
    ("devlib", Alias::Unused),
    ("nolocal", Alias::Unused),
    ("snmp", Alias::Unused),
    ("snmptimeout", Alias::Unused),
    ("snmpretry", Alias::Unused),
];

/// The alias of an old key, if it is one.
pub fn alias(agent: OldAgent, key: &str) -> Option<&'static Alias> {
    let key = key.trim().to_ascii_lowercase();
    match agent {
        OldAgent::PerlOcs => PERL_OCS.iter().find(|(k, _)| *k == key).map(|(_, a)| a),
        // FusionInventory's names are ours; its own extras are left out.
        OldAgent::Fusion => None,
    }
}

/// Decodes base64 into text (standard alphabet, padding optional); `None` when it is not
/// base64 of UTF-8 text.
pub fn base64_decode(text: &str) -> Option<String> {
    String::from_utf8(crate::encoding::base64_decode(text)?).ok()
}

/// One old `key = value` turned into ours: `Ok(Some((key, value)))`, `Ok(None)` when it
/// has no effect here, `Err(())` when the key is unknown.
fn translate(agent: OldAgent, key: &str, value: &str) -> Result<Option<(String, String)>, ()> {
    let lower = key.trim().to_ascii_lowercase();
    match alias(agent, &lower) {
        Some(Alias::Same(ours)) => Ok(Some((ours.to_string(), value.to_string()))),
        Some(Alias::Base64(ours)) => Ok(Some((
            ours.to_string(),
            base64_decode(value).unwrap_or_else(|| value.to_string()),
        ))),
        Some(Alias::Ssl) => Ok(match super::config::parse_bool(value) {
            Some(false) => Some(("no-ssl-check".into(), "1".into())),
            _ => None,
        }),
        Some(Alias::NoSoftware) => Ok(match super::config::parse_bool(value) {
            Some(true) => Some(("no-category".into(), "software".into())),
            _ => None,
        }),
        Some(Alias::Unused) => Ok(None),
        None => {
            let ours = lower.replace('_', "-");
            match options::find(&ours) {
                Some(o) if o.config => Ok(Some((ours, value.to_string()))),
                _ => Err(()),
            }
        }
    }
}

/// An old file read with the aliases: the values (with their line), the keys left out.
#[derive(Debug, Default)]
pub struct OldFile {
    pub values: Vec<(String, String, usize)>,
    pub left_out: Vec<String>,
}

impl OldFile {
    pub fn has_target(&self) -> bool {
        self.values.iter().any(|(k, v, _)| {
            matches!(k.as_str(), "server" | "local") && !v.trim().is_empty()
                || k == "stdout" && super::config::parse_bool(v) == Some(true)
        })
    }
}

/// Strips one pair of matching quotes, as both old agents did.
fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Reads an old agent's file. The Perl agent's syntax is `key = value` with `#` lines;
/// FusionInventory's also cuts ` # comment` and follows `include`, which we read too.
pub fn read(agent: OldAgent, path: &Path) -> std::io::Result<OldFile> {
    let mut file = OldFile::default();
    read_into(agent, path, &mut file, 0)?;
    Ok(file)
}

fn read_into(
    agent: OldAgent,
    path: &Path,
    file: &mut OldFile,
    depth: usize,
) -> std::io::Result<()> {
    let text = String::from_utf8_lossy(&std::fs::read(path)?).into_owned();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if agent == OldAgent::Fusion && depth < 4 {
            if let Some(rest) = line.strip_prefix("include ") {
                let target = path.parent().unwrap_or(Path::new("/")).join(unquote(rest));
                let mut files = if target.is_dir() {
                    std::fs::read_dir(&target)?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "cfg"))
                        .collect()
                } else {
                    vec![target]
                };
                files.sort();
                for f in files.iter().filter(|f| f.is_file()) {
                    read_into(agent, f, file, depth + 1)?;
                }
                continue;
            }
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let mut value = value.trim();
        if agent == OldAgent::Fusion && !value.starts_with(['"', '\'']) {
            if let Some(i) = value.find(" #") {
                value = value[..i].trim();
            }
        }
        match translate(agent, key, unquote(value)) {
            Ok(Some((k, v))) => file.values.push((k, v, index + 1)),
            Ok(None) | Err(()) => file.left_out.push(key.trim().to_string()),
        }
    }
    Ok(())
}

/// Whether `path`, given with `--conf-file`, is the Perl OCS agent's file: named
/// `ocsinventory-agent.cfg`, or holding one of its own names (`basevardir`, `ca`,
/// `ssl`…) that are not ours.
pub fn is_perl_file(path: &Path) -> bool {
    if path
        .file_name()
        .is_some_and(|n| n == "ocsinventory-agent.cfg")
    {
        return true;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    String::from_utf8_lossy(&bytes).lines().any(|line| {
        let key = line.split_once('=').map_or("", |(k, _)| k.trim());
        !line.trim_start().starts_with('#')
            && !options::find(&key.to_ascii_lowercase()).is_some_and(|o| o.config)
            && PERL_OCS
                .iter()
                .any(|(k, a)| key.eq_ignore_ascii_case(k) && !matches!(a, Alias::Base64(_)))
    })
}

/// Loads the Perl OCS agent's file named by `--conf-file` as the configuration file: its
/// names read as ours (as when it is found in its default place), the Perl agent's
/// state taken over (`migrate`), one warning naming what was left out.
pub fn load_perl_file(config: &mut Config, path: &Path) -> Result<(), String> {
    let agent = OldAgent::PerlOcs;
    let old = read(agent, path)
        .map_err(|e| format!("cannot read configuration file {}: {e}", path.display()))?;
    for (key, value, line) in &old.values {
        let origin = Origin::File {
            path: path.to_path_buf(),
            line: *line,
        };
        config
            .set(key, value, origin)
            .map_err(|e| format!("{}:{line}: {e}", path.display()))?;
    }
    let mut left: Vec<&str> = old.left_out.iter().map(String::as_str).collect();
    left.sort_unstable();
    left.dedup();
    if !left.is_empty() {
        config.warnings.push(format!(
            "{}: {}'s configuration, read as ours (left out: {})",
            path.display(),
            agent.label(),
            left.join(", ")
        ));
    }
    config.migrated.push((agent, path.to_path_buf()));
    Ok(())
}

/// Adopts the first old configuration file that names a target when ours names none
/// (see the module's rules). Values already set are kept; list values are merged.
pub fn adopt(config: &mut Config) {
    adopt_from(config, candidates());
}

fn adopt_from(config: &mut Config, candidates: Vec<(OldAgent, PathBuf)>) {
    if ["server", "local"].iter().any(|k| config.text(k).is_some()) || config.flag("stdout") {
        return;
    }
    for (agent, path) in candidates {
        if !path.is_file() {
            continue;
        }
        let old = match read(agent, &path) {
            Ok(f) => f,
            Err(e) => {
                config.warnings.push(format!(
                    "cannot read {} ({}): {e}",
                    path.display(),
                    agent.label()
                ));
                continue;
            }
        };
        if !old.has_target() {
            continue;
        }
        for (key, value, line) in &old.values {
            let value = match config.get(key) {
                None => value.clone(),
                Some(ours) if options::find(key).is_some_and(|o| o.kind == Kind::List) => {
                    format!("{ours},{value}")
                }
                Some(_) => continue,
            };
            let origin = Origin::File {
                path: path.clone(),
                line: *line,
            };
            // Every key here comes from our table, so `set` cannot refuse it.
            let _ = config.set(key, &value, origin);
        }
        let mut left: Vec<&str> = old.left_out.iter().map(String::as_str).collect();
        left.sort_unstable();
        left.dedup();
        let left = if left.is_empty() {
            String::new()
        } else {
            format!(" (left out: {})", left.join(", "))
        };
        config.warnings.push(format!(
            "migrating the configuration of {} from {}{left}: move its settings into {} to silence this warning",
            agent.label(),
            path.display(),
            super::config::DEFAULT_CONF_FILE
        ));
        config.migrated.push((agent, path));
        return;
    }
}

/// The Perl OCS agent's command line names, rewritten to ours before parsing:
/// `--basevardir=D` → `--vardir=D`, `--ca F` → `--ca-cert-file F`, `--ssl=0` →
/// `--no-ssl-check`, `--nosoftware` → `--no-category=software`, `-r/--realm X`,
/// `-i/--info`, `--nolocal`, `--devlib` dropped. Returns the new arguments and the old
/// names used (for one warning).
pub fn rewrite_args(args: &[String]) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::with_capacity(args.len());
    let mut used = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let (name, inline) = match arg.strip_prefix("--") {
            Some(rest) => match rest.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (rest.to_string(), None),
            },
            None if arg == "-r" => ("realm".to_string(), None),
            None if arg == "-i" => ("info".to_string(), None),
            None => {
                out.push(arg.clone());
                continue;
            }
        };
        let takes_value = matches!(name.as_str(), "basevardir" | "ca" | "ssl" | "realm");
        let known =
            takes_value || matches!(name.as_str(), "nosoftware" | "info" | "nolocal" | "devlib");
        if !known {
            out.push(arg.clone());
            continue;
        }
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => {
                    out.push(arg.clone());
                    continue;
                }
            }
        } else {
            "1".to_string()
        };
        used.push(format!("--{name}"));
        match translate(OldAgent::PerlOcs, &name, &value) {
            Ok(Some((k, _))) if options::find(&k).is_some_and(|o| o.kind == Kind::Flag) => {
                out.push(format!("--{k}"))
            }
            Ok(Some((k, v))) => out.push(format!("--{k}={v}")),
            Ok(None) | Err(()) => {}
        }
    }
    (out, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("YWRtaW4=").as_deref(), Some("admin"));
        assert_eq!(base64_decode("cGFzcw").as_deref(), Some("pass"));
        assert_eq!(base64_decode("not base64!"), None);
    }

    #[test]
    fn perl_command_line() {
        let (args, used) = rewrite_args(&s(&[
            "--basevardir=/v",
            "--ca",
            "/c.pem",
            "--ssl=0",
            "--nosoftware",
            "-r",
            "Realm",
            "--stdout",
            "--info",
        ]));
        assert_eq!(
            args,
            s(&[
                "--vardir=/v",
                "--ca-cert-file=/c.pem",
                "--no-ssl-check",
                "--no-category=software",
                "--stdout"
            ])
        );
        assert_eq!(used.len(), 6);
        let (args, used) = rewrite_args(&s(&["--ssl", "1", "-s", "h"]));
        assert_eq!(args, s(&["-s", "h"]));
        assert_eq!(used, s(&["--ssl"]));
    }

    #[test]
    fn perl_file() {
        let d = std::env::temp_dir().join(format!("ocsa-legacy-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let f = d.join("ocsinventory-agent.cfg");
        std::fs::write(
            &f,
            "server=http://ocs/ocsinventory\nbasevardir=/var/lib/x\ntag='Site A'\n\
             ssl=0\nuser=YWRtaW4=\nrealm=R\nsnmp=1\nnosoftware=1\n# c\nca=/etc/c.pem\n",
        )
        .unwrap();
        let old = read(OldAgent::PerlOcs, &f).unwrap();
        assert!(old.has_target());
        let get = |k: &str| {
            old.values
                .iter()
                .find(|(key, _, _)| key == k)
                .map(|(_, v, _)| v.as_str())
        };
        assert_eq!(get("vardir"), Some("/var/lib/x"));
        assert_eq!(get("tag"), Some("Site A"));
        assert_eq!(get("no-ssl-check"), Some("1"));
        assert_eq!(get("user"), Some("admin"));
        assert_eq!(get("no-category"), Some("software"));
        assert_eq!(get("ca-cert-file"), Some("/etc/c.pem"));
        assert_eq!(old.left_out, s(&["realm", "snmp"]));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn fusion_file() {
        let d = std::env::temp_dir().join(format!("ocsa-legacy-fi-{}", std::process::id()));
        std::fs::create_dir_all(d.join("conf.d")).unwrap();
        std::fs::write(
            d.join("agent.cfg"),
            "server = https://glpi/front/inventory.php # ours\nscan-profiles = 1\ninclude \"conf.d/\"\n",
        )
        .unwrap();
        std::fs::write(d.join("conf.d/a.cfg"), "tag = T\n").unwrap();
        let old = read(OldAgent::Fusion, &d.join("agent.cfg")).unwrap();
        assert_eq!(old.values[0].1, "https://glpi/front/inventory.php");
        assert_eq!(old.values[1].0, "tag");
        assert_eq!(old.left_out, s(&["scan-profiles"]));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn adoption_rules() {
        let d = std::env::temp_dir().join(format!("ocsa-legacy-adopt-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let no_target = d.join("fi.cfg");
        std::fs::write(&no_target, "tag = fusion\n").unwrap();
        let perl = d.join("ocsinventory-agent.cfg");
        std::fs::write(
            &perl,
            "server=ocs.example\ntag=perl\nnosoftware=1\nrealm=R\n",
        )
        .unwrap();
        let candidates = || {
            vec![
                (OldAgent::Fusion, d.join("missing.cfg")),
                (OldAgent::Fusion, no_target.clone()),
                (OldAgent::PerlOcs, perl.clone()),
            ]
        };

        // Our own settings win; a file without a target is passed over.
        let mut c = Config::new();
        c.set("tag", "ours", Origin::CommandLine).unwrap();
        c.set("no-category", "process", Origin::CommandLine)
            .unwrap();
        adopt_from(&mut c, candidates());
        assert_eq!(c.get("server"), Some("ocs.example"));
        assert_eq!(c.get("tag"), Some("ours"));
        assert_eq!(c.get("no-category"), Some("process,software"));
        assert_eq!(c.migrated, vec![(OldAgent::PerlOcs, perl.clone())]);
        assert_eq!(c.warnings.len(), 1);
        assert!(
            c.warnings[0].contains(&perl.display().to_string())
                && c.warnings[0].contains("left out: realm"),
            "{:?}",
            c.warnings
        );

        // A configuration with a target reads no old file.
        let mut c = Config::new();
        c.set("stdout", "1", Origin::CommandLine).unwrap();
        adopt_from(&mut c, candidates());
        assert_eq!(c.get("server"), None);
        assert!(c.warnings.is_empty() && c.migrated.is_empty());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
