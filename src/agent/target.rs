//! Targets: where a task's result goes. A local target is a file, a directory or
//! stdout; a server target is an OCS/GLPI server URL with its own state directory.
//!
//! A server URL may carry credentials (`https://user:pass@host/…`): they are used for
//! HTTP Basic authentication (`net::client`) and shown nowhere: labels, state directory
//! names and a task child's command line (`--run-target`, readable by any local user in
//! `/proc`) use the URL without them ([`Target::public`]); the child gets them back from
//! the configuration it reads on its stdin ([`Target::with_credentials`]).

use std::path::{Path, PathBuf};

use super::config::Config;
use crate::net::client::public_url;

/// One destination of the tasks' results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `-` for stdout, a directory (file named after the DEVICEID) or a file.
    Local(String),
    /// A normalised server URL.
    Server(String),
}

impl Target {
    /// The form passed to a task child (`--run-target`).
    pub fn encode(&self) -> String {
        match self {
            Target::Local(p) => format!("local:{p}"),
            Target::Server(u) => format!("server:{u}"),
        }
    }

    pub fn decode(text: &str) -> Result<Target, String> {
        match text.split_once(':') {
            Some(("local", p)) => Ok(Target::Local(p.to_string())),
            Some(("server", u)) => Ok(Target::Server(u.to_string())),
            _ => Err(format!("malformed target '{text}'")),
        }
    }

    /// A short name for logs: `local:-`, `server http://…` (without credentials).
    pub fn label(&self) -> String {
        match self {
            Target::Local(p) if p == "-" => "stdout".into(),
            Target::Local(p) => format!("local {p}"),
            Target::Server(u) => format!("server {}", public_url(u)),
        }
    }

    /// The target without the credentials its URL may hold.
    pub fn public(&self) -> Target {
        match self {
            Target::Server(u) => Target::Server(public_url(u)),
            local => local.clone(),
        }
    }

    /// A [`public`](Self::public) target with its credentials back, from the configured
    /// server of the same public URL.
    pub fn with_credentials(self, config: &Config) -> Target {
        match self {
            Target::Server(u) => targets(config)
                .into_iter()
                .find(|t| matches!(t, Target::Server(full) if public_url(full) == u))
                .unwrap_or(Target::Server(u)),
            local => local,
        }
    }
}

/// The configured targets, servers first, in the order given.
pub fn targets(config: &Config) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for s in config.list("server") {
        if let Ok(url) = server_url(&s) {
            let t = Target::Server(url);
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    let mut locals = config.list("local");
    if config.flag("stdout") {
        locals.push("-".into());
    }
    for l in locals {
        let t = Target::Local(l);
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Normalises a server URL: a bare host becomes `http://host/ocsinventory`, only http and
/// https are accepted.
pub fn server_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("empty server URL".into());
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), raw),
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "unsupported URL scheme '{scheme}' (use http or https)"
        ));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err("the URL has no host".into());
    }
    if rest.contains('/') {
        Ok(format!("{scheme}://{rest}"))
    } else {
        Ok(format!("{scheme}://{rest}/ocsinventory"))
    }
}

/// The web origin of a server URL, as a browser sends it in `Origin:`
/// (`scheme://host[:port]`, lower case, without user info or the scheme's default port).
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let default = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let host_port = host_port.strip_suffix(default).unwrap_or(host_port);
    if host_port.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{}", host_port.to_ascii_lowercase()))
}

/// The state directory of a server target: the URL (without credentials) with `/`
/// turned into `_`, as the OCS Unix agent names it.
pub fn server_dir(vardir: &Path, url: &str) -> PathBuf {
    let name: String = public_url(url)
        .chars()
        .map(|c| if c == '/' { '_' } else { c })
        .collect();
    vardir.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            server_url("ocs.example").unwrap(),
            "http://ocs.example/ocsinventory"
        );
        assert_eq!(
            server_url("https://h:8443/ocsinventory").unwrap(),
            "https://h:8443/ocsinventory"
        );
        assert_eq!(server_url("h/glpi/").unwrap(), "http://h/glpi/");
        assert!(server_url("ftp://h/").is_err());
        assert!(server_url("http:///x").is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://GLPI.example:443/front/inventory.php").as_deref(),
            Some("https://glpi.example")
        );
        assert_eq!(
            origin("http://u:p@h:8080/ocsinventory").as_deref(),
            Some("http://h:8080")
        );
        assert_eq!(origin("http://[::1]:80/x").as_deref(), Some("http://[::1]"));
        assert_eq!(origin("ftp://h/x"), None);
        assert_eq!(origin("no url"), None);
    }

    #[test]
    fn state_dir_name() {
        let d = server_dir(Path::new("/v"), "http://h:80/ocsinventory");
        assert_eq!(d, PathBuf::from("/v/http:__h:80_ocsinventory"));
        // Issue #13, defect 11: the password was in the directory name.
        let d = server_dir(Path::new("/v"), "http://bob:s3cret@h:80/ocsinventory");
        assert_eq!(d, PathBuf::from("/v/http:__h:80_ocsinventory"));
    }

    #[test]
    fn credentials_are_shown_nowhere() {
        let t = Target::Server("https://bob:s3cret@h/ocs".into());
        assert_eq!(t.label(), "server https://h/ocs");
        assert!(!t.public().encode().contains("s3cret"));
        let mut config = Config::new();
        config
            .set(
                "server",
                "https://bob:s3cret@h/ocs",
                super::super::config::Origin::CommandLine,
            )
            .unwrap();
        assert_eq!(t.public().with_credentials(&config), t);
    }

    #[test]
    fn target_round_trip() {
        for t in [
            Target::Local("-".into()),
            Target::Server("http://h/x".into()),
        ] {
            assert_eq!(Target::decode(&t.encode()).unwrap(), t);
        }
    }
}
