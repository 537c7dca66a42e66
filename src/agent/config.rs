//! The agent's configuration: defaults < configuration file(s) < command line.
//!
//! File syntax (`agent.cfg`): `key = value` per line, values optionally quoted with `'` or
//! `"`, `#` starts a comment (after white space when the value is not quoted),
//! `include FILE|DIR` reads another file or every `*.cfg` of a directory (sorted, each
//! file once, relative to the including file). Keys are the long option names; `_` may
//! stand for `-`. An unknown key is a warning with file:line; a bad value is an error
//! naming the key, the value and where it came from.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::options::{self, Kind};

/// Where the configuration file is looked for when `--conf-file` is not given.
pub const DEFAULT_CONF_FILE: &str = "/etc/ocsinventory-agent/agent.cfg";

/// Where a value came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File { path: PathBuf, line: usize },
    CommandLine,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Origin::File { path, line } => write!(f, "{}:{}", path.display(), line),
            Origin::CommandLine => write!(f, "command line"),
        }
    }
}

/// A configuration error: always one line, saying what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Clone, Debug)]
struct Setting {
    value: String,
    origin: Origin,
}

/// The effective configuration: raw values with their origin, and typed accessors.
///
/// [`Config::validate`] checks every value once, so the accessors can fall back to
/// defaults silently afterwards.
#[derive(Clone, Debug, Default)]
pub struct Config {
    values: BTreeMap<String, Setting>,
    /// Warnings found while loading (unknown keys…), logged once the logger is up.
    pub warnings: Vec<String>,
    /// The old agents' files adopted by `legacy::adopt` (which agent, which file).
    pub migrated: Vec<(super::legacy::OldAgent, PathBuf)>,
}

/// Normalises a key: lower case, `_` read as `-`.
fn normalise_key(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace('_', "-")
}

/// Parses a boolean the way sysadmins write them.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" | "" => Some(true),
        "0" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// Strips one level of matching quotes, or a trailing ` # comment` from an unquoted value.
fn unquote(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let first = raw.chars().next();
    if let Some(q @ ('"' | '\'')) = first {
        let rest = &raw[1..];
        let end = rest
            .find(q)
            .ok_or_else(|| format!("unterminated {q} quote"))?;
        let after = rest[end + 1..].trim();
        if !after.is_empty() && !after.starts_with('#') {
            return Err(format!(
                "unexpected text after the closing quote: '{after}'"
            ));
        }
        return Ok(rest[..end].to_string());
    }
    if raw.starts_with('#') {
        return Ok(String::new());
    }
    let cut = raw
        .char_indices()
        .find(|&(i, c)| c == '#' && raw[..i].ends_with([' ', '\t']))
        .map(|(i, _)| i)
        .unwrap_or(raw.len());
    Ok(raw[..cut].trim().to_string())
}

/// A name the inventory's dialects answer to (`dialect`, `server-dialect`).
fn is_dialect(name: &str) -> bool {
    matches!(
        name.trim().to_ascii_lowercase().as_str(),
        "fusion" | "fusioninventory" | "glpi" | "ocs" | "ocsinventory"
    )
}

impl Config {
    pub fn new() -> Config {
        Config::default()
    }

    /// Sets a value (later calls win), checking the key is a configuration key.
    pub fn set(&mut self, key: &str, value: &str, origin: Origin) -> Result<(), ConfigError> {
        let key = normalise_key(key);
        match options::find(&key) {
            Some(_) => {
                self.values.insert(
                    key,
                    Setting {
                        value: value.to_string(),
                        origin,
                    },
                );
                Ok(())
            }
            None => Err(ConfigError(format!("{origin}: unknown option '{key}'"))),
        }
    }

    /// Removes a value (used for internal adjustments, e.g. `--stdout`).
    pub fn unset(&mut self, key: &str) {
        self.values.remove(key);
    }

    /// Reads a configuration file and the files it includes.
    pub fn load_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let mut seen = BTreeSet::new();
        self.load_file_inner(path, &mut seen, 0)
    }

    fn load_file_inner(
        &mut self,
        path: &Path,
        seen: &mut BTreeSet<PathBuf>,
        depth: usize,
    ) -> Result<(), ConfigError> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if !seen.insert(canonical) {
            return Ok(());
        }
        if depth > 16 {
            return Err(ConfigError(format!(
                "{}: includes nested too deeply",
                path.display()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            ConfigError(format!(
                "cannot read configuration file {}: {e}",
                path.display()
            ))
        })?;
        let text = String::from_utf8_lossy(&bytes);
        for (index, line) in text.lines().enumerate() {
            let origin = Origin::File {
                path: path.to_path_buf(),
                line: index + 1,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line
                .strip_prefix("include")
                .filter(|r| r.starts_with([' ', '\t']))
            {
                let name =
                    unquote(rest).map_err(|e| ConfigError(format!("{origin}: include: {e}")))?;
                let base = path.parent().unwrap_or(Path::new("."));
                let target = base.join(&name);
                self.include(&target, &origin, seen, depth)?;
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                self.warnings.push(format!(
                    "{origin}: ignoring a line that is not 'key = value': {line}"
                ));
                continue;
            };
            let key = normalise_key(key);
            let value = unquote(value).map_err(|e| ConfigError(format!("{origin}: {key}: {e}")))?;
            match options::find(&key) {
                Some(opt) if opt.config => {
                    self.values.insert(key, Setting { value, origin });
                }
                _ => self
                    .warnings
                    .push(format!("{origin}: unknown configuration directive '{key}'")),
            }
        }
        Ok(())
    }

    fn include(
        &mut self,
        target: &Path,
        origin: &Origin,
        seen: &mut BTreeSet<PathBuf>,
        depth: usize,
    ) -> Result<(), ConfigError> {
        if target.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(target)
                .map_err(|e| ConfigError(format!("{origin}: include {}: {e}", target.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "cfg") && p.is_file())
                .collect();
            files.sort();
            for file in files {
                self.load_file_inner(&file, seen, depth + 1)?;
            }
            Ok(())
        } else if target.is_file() {
            self.load_file_inner(target, seen, depth + 1)
        } else {
            Err(ConfigError(format!(
                "{origin}: include {}: no such file or directory",
                target.display()
            )))
        }
    }

    // ----- accessors -------------------------------------------------------------

    /// The raw value of an option, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|s| s.value.as_str())
    }

    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.values.get(key).map(|s| &s.origin)
    }

    /// A switch: true when set to a true value.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(parse_bool).unwrap_or(false)
    }

    /// A comma separated list, blanks dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A non-negative number, or `default` when unset.
    pub fn number(&self, key: &str, default: u64) -> u64 {
        self.get(key)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    }

    /// A non-empty value.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The debug level: 0 info, 1 debug, 2 and more trace.
    pub fn debug_level(&self) -> u64 {
        match self.get("debug") {
            Some(v) => parse_bool(v)
                .map(u64::from)
                .or_else(|| v.trim().parse().ok())
                .unwrap_or(0),
            None => 0,
        }
    }

    /// Checks every value; the first problem is returned as a one-line error.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (key, setting) in &self.values {
            let Some(opt) = options::find(key) else {
                continue;
            };
            let bad = |why: &str| {
                ConfigError(format!(
                    "{}: invalid value '{}' for '{}': {}",
                    setting.origin, setting.value, key, why
                ))
            };
            let value = setting.value.trim();
            match opt.kind {
                Kind::Flag if parse_bool(value).is_none() => {
                    return Err(bad("expected 0 or 1 (yes/no)"))
                }
                Kind::Count if parse_bool(value).is_none() && value.parse::<u8>().is_err() => {
                    return Err(bad("expected a number"))
                }
                _ => {}
            }
            match key.as_str() {
                "wait"
                | "delaytime"
                | "backend-collect-timeout"
                | "task-timeout"
                | "timeout"
                | "logfile-maxsize"
                | "task-memory-limit"
                | "remote-workers"
                    if value.parse::<u32>().is_err() =>
                {
                    return Err(bad("expected a whole number"));
                }
                "httpd-port" if !matches!(value.parse::<u16>(), Ok(1..)) => {
                    return Err(bad("expected a port number from 1 to 65535"));
                }
                "logger" => {
                    for b in self.list("logger") {
                        if !matches!(
                            b.to_ascii_lowercase().as_str(),
                            "stderr" | "file" | "syslog"
                        ) {
                            return Err(bad("backends are stderr, file and syslog"));
                        }
                    }
                }
                "server" => {
                    for url in self.list("server") {
                        crate::agent::target::server_url(&url).map_err(|e| bad(&e))?;
                    }
                }
                "httpd-trust" => {
                    for entry in self.list("httpd-trust") {
                        crate::agent::trust::TrustEntry::parse(&entry).map_err(|e| bad(&e))?;
                    }
                }
                "dialect" if !is_dialect(value) => {
                    return Err(bad("dialects are fusion and ocs"));
                }
                "server-dialect" => {
                    for entry in self.list("server-dialect") {
                        let name = entry.rsplit_once('=').map_or(entry.as_str(), |(_, d)| d);
                        if name.trim() != "auto" && !is_dialect(name) {
                            return Err(bad(
                                "expected auto, ocs or fusion, for all servers or as URL=DIALECT",
                            ));
                        }
                    }
                }
                "httpd-ip" if value.parse::<std::net::IpAddr>().is_err() => {
                    return Err(bad("expected an IP address"));
                }
                _ => {}
            }
        }
        if self.text("ca-cert-file").is_some() && self.text("ca-cert-dir").is_some() {
            return Err(ConfigError(
                "ca-cert-file and ca-cert-dir cannot be used together: keep one of them".into(),
            ));
        }
        if self.text("capture").is_some() && self.text("replay").is_some() {
            return Err(ConfigError(
                "capture and replay cannot be used together".into(),
            ));
        }
        Ok(())
    }

    // ----- passing the configuration to a task child ------------------------------

    /// Encodes the configuration for a child process: one `key<TAB>value` line per value,
    /// with `\`, tab and newline escaped.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (key, s) in &self.values {
            out.push_str(key);
            out.push('\t');
            for c in s.value.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out.push('\n');
        }
        out
    }

    /// The inverse of [`Config::encode`].
    pub fn decode(text: &str) -> Result<Config, ConfigError> {
        let mut config = Config::new();
        for line in text.lines().filter(|l| !l.is_empty()) {
            let (key, raw) = line.split_once('\t').ok_or_else(|| {
                ConfigError(format!("malformed configuration line from parent: {line}"))
            })?;
            let mut value = String::new();
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('t') => value.push('\t'),
                        Some('n') => value.push('\n'),
                        Some(other) => value.push(other),
                        None => {}
                    }
                } else {
                    value.push(c);
                }
            }
            config.set(key, &value, Origin::CommandLine)?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_rules() {
        assert_eq!(unquote(" plain ").unwrap(), "plain");
        assert_eq!(unquote("value # comment").unwrap(), "value");
        assert_eq!(unquote("http://x/#frag").unwrap(), "http://x/#frag");
        assert_eq!(unquote("'a # b' # c").unwrap(), "a # b");
        assert_eq!(unquote("\"quoted\"").unwrap(), "quoted");
        assert!(unquote("\"open").is_err());
        assert!(unquote("\"a\" b").is_err());
    }

    #[test]
    fn encode_decode_round_trip() {
        let mut c = Config::new();
        c.set("tag", "a\tb\\c\nd", Origin::CommandLine).unwrap();
        c.set("server", "http://x/ocsinventory", Origin::CommandLine)
            .unwrap();
        let d = Config::decode(&c.encode()).unwrap();
        assert_eq!(d.get("tag"), Some("a\tb\\c\nd"));
        assert_eq!(d.get("server"), Some("http://x/ocsinventory"));
    }

    #[test]
    fn bools_and_numbers() {
        let mut c = Config::new();
        c.set("force", "yes", Origin::CommandLine).unwrap();
        c.set("timeout", "12", Origin::CommandLine).unwrap();
        assert!(c.flag("force"));
        assert_eq!(c.number("timeout", 180), 12);
        assert_eq!(c.number("delaytime", 3600), 3600);
        c.set("timeout", "soon", Origin::CommandLine).unwrap();
        let err = c.validate().unwrap_err().0;
        assert!(err.contains("'soon'") && err.contains("'timeout'"), "{err}");
    }

    #[test]
    fn dialects() {
        let mut c = Config::new();
        c.set("dialect", "OCS", Origin::CommandLine).unwrap();
        c.set(
            "server-dialect",
            "auto, https://g/front/inventory.php=fusion",
            Origin::CommandLine,
        )
        .unwrap();
        assert!(c.validate().is_ok());
        c.set("server-dialect", "https://g/x=json", Origin::CommandLine)
            .unwrap();
        assert!(c.validate().is_err());
        c.set("server-dialect", "ocs", Origin::CommandLine).unwrap();
        c.set("dialect", "xml", Origin::CommandLine).unwrap();
        assert!(c.validate().is_err());
    }
}
