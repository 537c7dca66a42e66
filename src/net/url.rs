//! URL helpers the client and its callers share: the origin a URL belongs to (what
//! credentials and TLS relaxations are bound to), the URL without its credentials (what
//! logs show), the credentials a URL carries, its host, and references made absolute.

use std::fmt;

/// An origin: scheme, host and port (RFC 6454). Credentials and `no-ssl-check` belong to
/// the configured server's origin; `http://h` and `https://h` are two origins, so a
/// downgrade to plain HTTP is another origin too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The origin of an `http://` or `https://` URL (default ports filled in); `None` for
    /// any other scheme or a URL without a host or with a bad port.
    pub fn of(url: &str) -> Option<Origin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let hostport = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']')?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return None;
        }
        let port = match port {
            None | Some("") => default,
            Some(p) => p.parse().ok()?,
        };
        Some(Origin {
            scheme,
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            port,
        })
    }
}

impl Origin {
    /// The same host over https, when this is http on the default port: where a server
    /// that moves to TLS redirects to.
    pub fn upgraded(&self) -> Option<Origin> {
        (self.scheme == "http" && self.port == 80).then(|| Origin {
            scheme: "https".into(),
            host: self.host.clone(),
            port: 443,
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}://[{}]:{}", self.scheme, self.host, self.port)
        } else {
            write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
        }
    }
}

/// The user and password written in a URL (`http://user:pass@host/…`), percent-decoded.
pub fn url_credentials(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (creds, _) = authority.rsplit_once('@')?;
    let (user, password) = creds.split_once(':').unwrap_or((creds, ""));
    let decode = |t: &str| {
        let b = t.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'%', Some(v)) => {
                    out.push(v);
                    i += 3;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    Some((decode(user), decode(password)))
}

/// A URL without its credentials: what logs, state directory names and the status page
/// may show, and what requests go to (the credentials travel in `Authorization`).
pub fn public_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((_, hostport)) => format!("{scheme}://{hostport}{path}"),
        None => url.to_string(),
    }
}

/// The host part of a URL (without user info and port).
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("").to_ascii_lowercase();
    }
    authority
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A URL with its password replaced by `***`, for logs.
pub fn mask(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((creds, hostport)) => {
            let user = creds.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{hostport}{path}")
        }
        None => url.to_string(),
    }
}

/// `location` made absolute against `base` (RFC 3986 references as servers send them:
/// absolute, scheme-relative, absolute-path or relative-path).
pub fn resolve(base: &str, location: &str) -> String {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some(r) = location.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = rest[authority.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{scheme}://{authority}{dir}/{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let o = |u: &str| Origin::of(u).map(|o| o.to_string());
        assert_eq!(
            o("https://U:p@Srv.Example/ocs").as_deref(),
            Some("https://srv.example:443")
        );
        assert_eq!(o("http://srv:8080/x?y").as_deref(), Some("http://srv:8080"));
        assert_eq!(o("http://[::1]/x").as_deref(), Some("http://[::1]:80"));
        assert_eq!(o("HTTPS://h:443").as_deref(), Some("https://h:443"));
        assert_eq!(o("ftp://h/x"), None);
        assert_eq!(o("http:///x"), None);
        assert_eq!(o("http://h:99999/"), None);
        // a downgrade, another port, another host: three other origins
        let server = Origin::of("https://srv/ocsinventory");
        assert_ne!(server, Origin::of("http://srv/ocsinventory"));
        assert_ne!(server, Origin::of("https://srv:8443/ocsinventory"));
        assert_ne!(server, Origin::of("https://srv.evil/ocsinventory"));
        assert_eq!(server, Origin::of("https://SRV:443/other"));
        // http://srv's upgrade is https://srv; nothing is the upgrade of https
        assert_eq!(Origin::of("http://srv/x").unwrap().upgraded(), server);
        assert_eq!(Origin::of("http://srv:8080/x").unwrap().upgraded(), None);
        assert_eq!(server.unwrap().upgraded(), None);
    }

    #[test]
    fn hosts_and_masks() {
        assert_eq!(host_of("https://User@Srv.Example:8443/ocs"), "srv.example");
        assert_eq!(host_of("http://[::1]:80/x"), "::1");
        assert_eq!(host_of("srv"), "srv");
        assert_eq!(
            mask("http://bob:secret@proxy:3128"),
            "http://bob:***@proxy:3128"
        );
        assert_eq!(mask("http://proxy:3128/"), "http://proxy:3128/");
        assert_eq!(public_url("https://u:p@h:1/x?y=@"), "https://h:1/x?y=@");
        assert_eq!(
            url_credentials("https://u:p%3Aq@h/x"),
            Some(("u".into(), "p:q".into()))
        );
        assert_eq!(url_credentials("https://h/x@y"), None);
    }
}
