//! The HTTP(S) client every server exchange goes through.
//!
//! One [`Client`] talks to one server URL. It verifies certificates unless told not to
//! (`no-ssl-check`), trusting either the system's CAs or only those of `ca-cert-file` /
//! `ca-cert-dir`; answers a 401 with HTTP Basic credentials (`user`/`password`) once;
//! goes through the `proxy` option, else the `https_proxy`/`http_proxy` variables unless
//! `no_proxy` names the host; and gives up after `timeout` seconds. Every failure becomes
//! one line a sysadmin can act on: which server, and why (unknown CA, expired
//! certificate, name mismatch, connection refused, timeout, HTTP status…).

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::agent::config::Config;

/// Largest reply body read from a server.
const MAX_REPLY: u64 = 64 << 20;

/// Why an exchange failed. `status` is the HTTP status when the server answered one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetError {
    pub url: String,
    pub status: Option<u16>,
    pub why: String,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "server {}: {}", self.url, self.why)
    }
}

/// An HTTP client bound to one server URL.
pub struct Client {
    agent: ureq::Agent,
    url: String,
    host: String,
    timeout: u64,
    credentials: Option<(String, String)>,
    /// The proxy in use, with any password masked, for logs.
    pub proxy: Option<String>,
}

impl Client {
    /// Builds the client for `url` from the configuration (TLS, proxy, auth, timeout).
    pub fn new(url: &str, config: &Config, user_agent: &str) -> Result<Client, String> {
        let host = host_of(url);
        let timeout = config.number("timeout", 180).max(1);
        let mut builder = ureq::AgentBuilder::new()
            .user_agent(user_agent)
            .timeout_connect(Duration::from_secs(timeout))
            .timeout(Duration::from_secs(timeout))
            .redirects(5);
        if url.starts_with("https://") {
            let tls = tls_connector(config).map_err(|e| format!("server {url}: {e}"))?;
            builder = builder.tls_connector(Arc::new(tls));
        }
        let env = |name: &str| std::env::var(name).ok();
        let proxy = proxy_for(url, config.text("proxy"), &env);
        if let Some(p) = &proxy {
            let parsed = ureq::Proxy::new(p)
                .map_err(|e| format!("server {url}: invalid proxy '{}': {e}", mask(p)))?;
            builder = builder.proxy(parsed);
        }
        let credentials = match (config.text("user"), config.get("password")) {
            (Some(u), p) => Some((u.to_string(), p.unwrap_or("").to_string())),
            _ => None,
        };
        Ok(Client {
            agent: builder.build(),
            url: url.to_string(),
            host,
            timeout,
            credentials,
            proxy: proxy.as_deref().map(mask),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// POSTs `body` and returns the reply body of a 2xx answer.
    pub fn post(&self, body: &[u8], content_type: &str) -> Result<Vec<u8>, NetError> {
        let mut result = self.send(body, content_type, None);
        if let Err(e) = &result {
            if let (ureq::Error::Status(401, _), Some((user, password))) =
                (e.as_ref(), &self.credentials)
            {
                log::debug!(
                    "server {} asks for authentication, sending credentials",
                    self.url
                );
                let token = crate::encoding::base64(format!("{user}:{password}").as_bytes());
                result = self.send(body, content_type, Some(&format!("Basic {token}")));
            }
        }
        match result.map_err(|e| *e) {
            Ok(resp) => {
                let mut buf = Vec::new();
                resp.into_reader()
                    .take(MAX_REPLY)
                    .read_to_end(&mut buf)
                    .map_err(|e| self.error(None, self.io_reason(&e)))?;
                Ok(buf)
            }
            Err(ureq::Error::Status(code, resp)) => {
                let realm = resp
                    .header("WWW-Authenticate")
                    .map(str::to_string)
                    .unwrap_or_default();
                let text = resp.status_text().to_string();
                let why = match code {
                    401 if self.credentials.is_some() => {
                        format!("HTTP 401 {text}: the server refused the user and password")
                    }
                    401 => format!(
                        "HTTP 401 {text}: the server requires authentication{} (set user and password)",
                        if realm.is_empty() { String::new() } else { format!(" ({realm})") }
                    ),
                    407 => format!("HTTP 407 {text}: the proxy requires authentication (put user:password in the proxy URL)"),
                    _ => format!("HTTP {code} {text}"),
                };
                Err(self.error(Some(code), why))
            }
            Err(ureq::Error::Transport(t)) => Err(self.error(None, self.transport_reason(&t))),
        }
    }

    /// GETs the client's URL and streams a 2xx body into `out`; returns its length. A
    /// body over `max` bytes, or shorter than its Content-Length, is an error (nothing
    /// says how much of `out` is good then: the caller throws it away).
    pub fn get_to(&self, out: &mut dyn std::io::Write, max: u64) -> Result<u64, NetError> {
        let get = |auth: Option<&str>| {
            let mut req = self.agent.get(&self.url).set("Pragma", "no-cache");
            if let Some(a) = auth {
                req = req.set("Authorization", a);
            }
            req.call().map_err(Box::new)
        };
        let mut result = get(None);
        if let (Err(e), Some((user, password))) = (&result, &self.credentials) {
            if matches!(e.as_ref(), ureq::Error::Status(401, _)) {
                let token = crate::encoding::base64(format!("{user}:{password}").as_bytes());
                result = get(Some(&format!("Basic {token}")));
            }
        }
        let resp = match result.map_err(|e| *e) {
            Ok(r) => r,
            Err(ureq::Error::Status(code, resp)) => {
                let why = format!("HTTP {code} {}", resp.status_text());
                return Err(self.error(Some(code), why));
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(self.error(None, self.transport_reason(&t)))
            }
        };
        let announced: Option<u64> = resp.header("Content-Length").and_then(|v| v.parse().ok());
        if announced.is_some_and(|n| n > max) {
            return Err(self.error(
                None,
                format!(
                    "announces {} bytes, more than the {max} allowed",
                    announced.unwrap_or(0)
                ),
            ));
        }
        let mut reader = resp.into_reader().take(max + 1);
        let n = std::io::copy(&mut reader, out).map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::UnexpectedEof => format!("the body was truncated ({e})"),
                _ => self.io_reason(&e),
            };
            self.error(None, why)
        })?;
        if n > max {
            return Err(self.error(None, format!("sent more than the {max} bytes allowed")));
        }
        if announced.is_some_and(|a| a != n) {
            return Err(self.error(
                None,
                format!(
                    "sent {n} of the {} bytes it announced (truncated)",
                    announced.unwrap_or(0)
                ),
            ));
        }
        Ok(n)
    }

    fn send(
        &self,
        body: &[u8],
        content_type: &str,
        auth: Option<&str>,
    ) -> Result<ureq::Response, Box<ureq::Error>> {
        let mut req = self
            .agent
            .post(&self.url)
            .set("Pragma", "no-cache")
            .set("Content-Type", content_type);
        if let Some(a) = auth {
            req = req.set("Authorization", a);
        }
        req.send_bytes(body).map_err(Box::new)
    }

    fn error(&self, status: Option<u16>, why: String) -> NetError {
        NetError {
            url: self.url.clone(),
            status,
            why,
        }
    }

    fn io_reason(&self, e: &std::io::Error) -> String {
        match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                format!("no answer within {} s (timeout)", self.timeout)
            }
            _ => format!("reading the reply failed: {e}"),
        }
    }

    /// Turns a transport error into a short reason.
    fn transport_reason(&self, t: &ureq::Transport) -> String {
        let mut chain = t.to_string();
        let mut io_kind = None;
        let mut source = std::error::Error::source(t);
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                io_kind = Some(io.kind());
            }
            source = s.source();
        }
        classify(
            t.kind(),
            io_kind,
            &chain,
            &self.host,
            self.timeout,
            self.proxy.as_deref(),
        )
    }
}

/// The one-line reason for a transport failure.
fn classify(
    kind: ureq::ErrorKind,
    io_kind: Option<std::io::ErrorKind>,
    chain: &str,
    host: &str,
    timeout: u64,
    proxy: Option<&str>,
) -> String {
    log::debug!("transport error: {chain}");
    let low = chain.to_ascii_lowercase();
    // OpenSSL puts the verification result last, in parentheses
    let detail = match (chain.rfind('('), chain.rfind(')')) {
        (Some(a), Some(b)) if a < b => &chain[a + 1..b],
        _ => chain.rsplit(": ").next().unwrap_or(chain).trim(),
    };
    if low.contains("certificate has expired") || low.contains("certificate is not yet valid") {
        return format!("TLS: the server's certificate has expired or is not yet valid ({detail})");
    }
    if low.contains("unable to get local issuer")
        || low.contains("self-signed certificate")
        || low.contains("self signed certificate")
        || low.contains("unable to verify the first certificate")
        || low.contains("unknown ca")
    {
        return format!(
            "TLS: the server's certificate is signed by an unknown CA (give its CA with ca-cert-file or ca-cert-dir) ({detail})"
        );
    }
    if low.contains("hostname mismatch")
        || low.contains("ip address mismatch")
        || low.contains("does not match")
    {
        return format!(
            "TLS: the server's certificate is not valid for the name '{host}' ({detail})"
        );
    }
    if low.contains("certificate verify failed") {
        return format!("TLS: the server's certificate was rejected ({detail})");
    }
    match (kind, io_kind) {
        (ureq::ErrorKind::Dns, _) => format!("cannot resolve the host name '{host}'"),
        (ureq::ErrorKind::ProxyConnect, _) => {
            format!("cannot connect through the proxy {}", proxy.unwrap_or("?"))
        }
        (ureq::ErrorKind::ProxyUnauthorized, _) => {
            "the proxy requires authentication (put user:password in the proxy URL)".into()
        }
        (ureq::ErrorKind::InvalidProxyUrl, _) => {
            format!("invalid proxy URL '{}'", proxy.unwrap_or("?"))
        }
        (_, Some(std::io::ErrorKind::ConnectionRefused)) => {
            format!("connection refused by {host} (is the server running?)")
        }
        (_, Some(std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)) => {
            format!("no answer within {timeout} s (timeout)")
        }
        _ if low.contains("timed out") => format!("no answer within {timeout} s (timeout)"),
        _ if low.contains("connection refused") => {
            format!("connection refused by {host} (is the server running?)")
        }
        _ => chain.to_string(),
    }
}

/// The TLS connector: verification on unless `no-ssl-check`; with `ca-cert-file` or
/// `ca-cert-dir` only those CAs are trusted, else the system's.
fn tls_connector(config: &Config) -> Result<native_tls::TlsConnector, String> {
    let mut b = native_tls::TlsConnector::builder();
    if config.flag("no-ssl-check") {
        b.danger_accept_invalid_certs(true);
        b.danger_accept_invalid_hostnames(true);
    } else if let Some(file) = config.text("ca-cert-file") {
        let certs = load_pem_file(Path::new(file))?;
        if certs.is_empty() {
            return Err(format!("ca-cert-file {file}: no PEM certificate in it"));
        }
        b.disable_built_in_roots(true);
        for c in certs {
            b.add_root_certificate(c);
        }
    } else if let Some(dir) = config.text("ca-cert-dir") {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("ca-cert-dir {dir}: cannot read it: {e}"))?;
        let mut n = 0;
        b.disable_built_in_roots(true);
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            // Hashed links and bundles alike: any file holding PEM certificates.
            if let Ok(certs) = load_pem_file(&path) {
                n += certs.len();
                for c in certs {
                    b.add_root_certificate(c);
                }
            }
        }
        if n == 0 {
            return Err(format!("ca-cert-dir {dir}: no PEM certificate in it"));
        }
    }
    b.build().map_err(|e| format!("cannot set up TLS: {e}"))
}

/// Every certificate of a PEM file (bundles hold several).
fn load_pem_file(path: &Path) -> Result<Vec<native_tls::Certificate>, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&text);
    let mut out = Vec::new();
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(BEGIN) {
        let Some(len) = rest[start..].find(END) else {
            break;
        };
        let block = &rest[start..start + len + END.len()];
        let cert = native_tls::Certificate::from_pem(block.as_bytes())
            .map_err(|e| format!("{}: bad certificate: {e}", path.display()))?;
        out.push(cert);
        rest = &rest[start + len + END.len()..];
    }
    Ok(out)
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

/// A proxy value with a scheme: `proxy:3128` becomes `http://proxy:3128`.
pub fn normalise_proxy(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    Some(if v.contains("://") {
        v.to_string()
    } else {
        format!("http://{v}")
    })
}

/// True when `no_proxy` (comma list: hosts, `.domain`/`domain` suffixes, IPs, `*`)
/// covers `host`.
pub fn no_proxy_matches(no_proxy: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    no_proxy
        .split([',', ' '])
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .any(|e| {
            if e == "*" {
                return true;
            }
            let e = e.split(':').next().unwrap_or(&e).to_string();
            let domain = e.trim_start_matches("*.").trim_start_matches('.');
            host == domain || host.ends_with(&format!(".{domain}"))
        })
}

/// The proxy to use for `url`: the `proxy` option, else `https_proxy` / `http_proxy`
/// (lower case first, then upper case; `all_proxy` last) unless `no_proxy` covers the
/// host. Values without a scheme are read as `http://`.
pub fn proxy_for(
    url: &str,
    option: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if let Some(p) = option.and_then(normalise_proxy) {
        return Some(p);
    }
    let host = host_of(url);
    let no_proxy = env("no_proxy")
        .or_else(|| env("NO_PROXY"))
        .unwrap_or_default();
    if no_proxy_matches(&no_proxy, &host) {
        return None;
    }
    let names: &[&str] = if url.starts_with("https://") {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    names
        .iter()
        .find_map(|n| env(n).as_deref().and_then(normalise_proxy))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    #[test]
    fn proxy_from_option_and_environment() {
        let none = env_of(&[]);
        assert_eq!(proxy_for("http://srv/ocs", None, &none), None);
        assert_eq!(
            proxy_for("http://srv/ocs", Some("proxy:3128"), &none).as_deref(),
            Some("http://proxy:3128")
        );
        let env = env_of(&[
            ("http_proxy", "plain.example:8080"),
            ("HTTPS_PROXY", "https://secure.example:3129"),
            ("no_proxy", "localhost, .internal.example,10.1.2.3"),
        ]);
        assert_eq!(
            proxy_for("http://srv/ocs", None, &env).as_deref(),
            Some("http://plain.example:8080")
        );
        assert_eq!(
            proxy_for("https://srv/ocs", None, &env).as_deref(),
            Some("https://secure.example:3129")
        );
        assert_eq!(proxy_for("http://a.internal.example/x", None, &env), None);
        assert_eq!(proxy_for("http://internal.example/x", None, &env), None);
        assert_eq!(proxy_for("http://10.1.2.3:80/x", None, &env), None);
        assert_eq!(proxy_for("http://localhost/x", None, &env), None);
        // the option wins over no_proxy
        assert!(proxy_for("http://localhost/x", Some("p:1"), &env).is_some());
        let star = env_of(&[("http_proxy", "p:1"), ("NO_PROXY", "*")]);
        assert_eq!(proxy_for("http://any/x", None, &star), None);
        assert_eq!(normalise_proxy("  "), None);
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
    }

    #[test]
    fn tls_reasons_are_named() {
        let k = ureq::ErrorKind::ConnectionFailed;
        let c = |chain: &str| classify(k, None, chain, "h", 9, None);
        assert!(c("native_tls connect failed: error:0A000086:SSL routines::certificate verify failed:../ssl/statem/statem_clnt.c:1889: (unable to get local issuer certificate)").contains("unknown CA"));
        assert!(c("x: certificate verify failed (certificate has expired)").contains("expired"));
        assert!(c("x: certificate verify failed (Hostname mismatch)")
            .contains("not valid for the name 'h'"));
        assert!(classify(
            k,
            Some(std::io::ErrorKind::ConnectionRefused),
            "Connection refused (os error 111)",
            "h",
            9,
            None
        )
        .contains("connection refused"));
        assert!(classify(
            ureq::ErrorKind::Io,
            Some(std::io::ErrorKind::WouldBlock),
            "x",
            "h",
            9,
            None
        )
        .contains("within 9 s"));
    }
}
