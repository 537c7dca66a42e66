//! A remote host as the configuration names it: `ssh://[user@]host[:port]`.

/// One remote host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub user: Option<String>,
    /// A name, an address, or an alias of the `ssh_config`.
    pub host: String,
    pub port: Option<u16>,
}

impl Remote {
    /// Parses `ssh://[user@]host[:port]` (`[v6]` for an IPv6 address).
    pub fn parse(url: &str) -> Result<Remote, String> {
        let bad = |why: &str| format!("invalid remote '{url}': {why} (ssh://[user@]host[:port])");
        let rest = url
            .trim()
            .strip_prefix("ssh://")
            .ok_or_else(|| bad("only ssh:// is supported"))?;
        let rest = rest.trim_end_matches('/');
        let (user, hostport) = match rest.rsplit_once('@') {
            // The message never repeats the URL: it holds a password.
            Some((u, _)) if u.contains(':') => {
                return Err(
                    "invalid remote: a password in an ssh:// URL is never used (keys or an ssh agent only)"
                        .into(),
                )
            }
            Some((u, h)) => (Some(u.to_string()), h),
            None => (None, rest),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or_else(|| bad("unclosed ["))?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        let port = match port {
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad("bad port"))?,
            ),
            None => None,
        };
        let ok = |s: &str| {
            !s.is_empty()
                && !s.starts_with('-')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-:%".contains(c))
        };
        if !ok(host) {
            return Err(bad("bad host name"));
        }
        if let Some(u) = &user {
            if !ok(u) {
                return Err(bad("bad user name"));
            }
        }
        Ok(Remote {
            user,
            host: host.to_string(),
            port,
        })
    }

    /// How logs name the host (never with a secret: there is none in the URL).
    pub fn label(&self) -> String {
        let user = self
            .user
            .as_ref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            Some(p) => format!("ssh://{user}{host}:{p}"),
            None => format!("ssh://{user}{host}"),
        }
    }

    /// A file name for the host's state folder and control socket.
    pub fn file_name(&self) -> String {
        let mut s = String::new();
        if let Some(u) = &self.user {
            s.push_str(u);
            s.push('@');
        }
        s.push_str(&self.host.replace(':', "_"));
        if let Some(p) = self.port {
            s.push_str(&format!("_{p}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_refused_and_never_repeated() {
        let e = Remote::parse("ssh://root:s3cret@h").unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
    }

    #[test]
    fn urls() {
        let r = Remote::parse("ssh://root@127.0.0.1:2222").unwrap();
        assert_eq!(r.user.as_deref(), Some("root"));
        assert_eq!(r.host, "127.0.0.1");
        assert_eq!(r.port, Some(2222));
        assert_eq!(r.label(), "ssh://root@127.0.0.1:2222");
        assert_eq!(r.file_name(), "root@127.0.0.1_2222");
        let r = Remote::parse("ssh://db1.example.org").unwrap();
        assert_eq!((r.user, r.port), (None, None));
        let r = Remote::parse("ssh://[::1]:22").unwrap();
        assert_eq!(r.host, "::1");
        assert_eq!(r.label(), "ssh://[::1]:22");
        for bad in [
            "db1",
            "winrm://h",
            "ssh://-oProxyCommand=x",
            "ssh://h:0",
            "ssh://h:x",
            "ssh://a b",
            "ssh://",
            "ssh://u;x@h",
            "ssh://root:secret@h",
        ] {
            assert!(Remote::parse(bad).is_err(), "{bad}");
        }
    }
}
