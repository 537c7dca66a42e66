//! The HTTP(S) client every server exchange goes through.
//!
//! One [`Client`] talks to one server URL. It verifies certificates unless told not to
//! (`no-ssl-check`), trusting either the system's CAs or only those of `ca-cert-file` /
//! `ca-cert-dir`; answers a 401 with HTTP Basic credentials (`user`/`password`, else
//! those of the URL, `https://user:pass@host/…`) once;
//! goes through the `proxy` option, else the `https_proxy`/`http_proxy` variables unless
//! `no_proxy` names the host; and gives up after `timeout` seconds. Every failure becomes
//! one line a sysadmin can act on: which server, and why (unknown CA, expired
//! certificate, name mismatch, connection refused, timeout, HTTP status…), naming the
//! server by its URL without credentials ([`public_url`]).
//!
//! Redirects are followed by hand, the way HTTP says for a POST: 307 and 308 keep the
//! method and the body (up to [`MAX_REDIRECTS`]); 301, 302 and 303 would turn the POST
//! into a GET, so they are reported (with where they lead) rather than followed; http →
//! https is followed, https → http never (the inventory would leave TLS). No 3xx is ever
//! taken for an answer.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::agent::config::Config;

/// Largest reply body read from a server, as sent (compressed or not). An OCS reply is
/// a few KB; a PROLOG with hundreds of Deploy packages stays under a megabyte.
pub const MAX_REPLY: u64 = 8 << 20;
/// Redirects followed at most for one request.
pub const MAX_REDIRECTS: usize = 5;

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
    /// The URL requests go to, without credentials.
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
        let in_url = url_credentials(url);
        let url = &public_url(url);
        let host = host_of(url);
        let timeout = config.number("timeout", 180).max(1);
        let mut builder = ureq::AgentBuilder::new()
            .user_agent(user_agent)
            .timeout_connect(Duration::from_secs(timeout))
            .timeout(Duration::from_secs(timeout))
            .redirects(0);
        // TLS is set up for http:// servers too, since they may redirect to https://; its
        // set-up errors only matter for an https:// server.
        match tls_connector(config) {
            Ok(tls) => builder = builder.tls_connector(Arc::new(tls)),
            Err(e) if url.starts_with("https://") => return Err(format!("server {url}: {e}")),
            Err(_) => {}
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
            _ => in_url,
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

    /// POSTs `body` and returns the reply body of a 2xx answer (at most [`MAX_REPLY`]
    /// bytes), following 307/308 redirects.
    pub fn post(&self, body: &[u8], content_type: &str) -> Result<Vec<u8>, NetError> {
        let mut url = self.url.clone();
        let mut auth: Option<String> = None;
        let mut hops = 0;
        loop {
            let resp = match self.send(&url, body, content_type, auth.as_deref()) {
                Ok(r) => r,
                Err(e) => match *e {
                    ureq::Error::Status(401, _) if auth.is_none() && self.credentials.is_some() => {
                        log::debug!("server {url} asks for authentication, sending credentials");
                        auth = self.credentials.as_ref().map(|(user, password)| {
                            let token =
                                crate::encoding::base64(format!("{user}:{password}").as_bytes());
                            format!("Basic {token}")
                        });
                        continue;
                    }
                    ureq::Error::Status(code, resp) => {
                        return Err(self.error(Some(code), self.status_reason(code, &resp)));
                    }
                    ureq::Error::Transport(t) => {
                        return Err(self.error(None, self.transport_reason(&t)))
                    }
                },
            };
            let code = resp.status();
            if (200..300).contains(&code) {
                return read_capped(resp.into_reader(), MAX_REPLY).map_err(|e| {
                    self.error(
                        None,
                        match e {
                            Capped::TooLarge => format!(
                                "the reply is larger than {} MiB (refused)",
                                MAX_REPLY >> 20
                            ),
                            Capped::Io(e) => self.io_reason(&e),
                        },
                    )
                });
            }
            let text = resp.status_text().to_string();
            let location = resp.header("Location").map(str::to_string);
            let (next, why) = redirect(code, &text, &url, location.as_deref());
            match next {
                Some(next) if hops < MAX_REDIRECTS => {
                    log::debug!("server {url}: HTTP {code} {text}, to {}", public_url(&next));
                    url = public_url(&next);
                    hops += 1;
                }
                Some(next) => {
                    let last = public_url(&next);
                    let why = if last == self.url {
                        format!("more than {MAX_REDIRECTS} redirects (a loop back to itself)")
                    } else {
                        format!("more than {MAX_REDIRECTS} redirects (the last to {last})")
                    };
                    return Err(self.error(Some(code), why));
                }
                None => return Err(self.error(Some(code), why)),
            }
        }
    }

    /// The reason for an HTTP error status.
    fn status_reason(&self, code: u16, resp: &ureq::Response) -> String {
        let realm = resp.header("WWW-Authenticate").unwrap_or_default();
        let text = resp.status_text();
        match code {
            401 if self.credentials.is_some() => {
                format!("HTTP 401 {text}: the server refused the user and password")
            }
            401 => format!(
                "HTTP 401 {text}: the server requires authentication{} (set user and password)",
                if realm.is_empty() {
                    String::new()
                } else {
                    format!(" ({realm})")
                }
            ),
            407 => format!(
                "HTTP 407 {text}: the proxy requires authentication (put user:password in the proxy URL)"
            ),
            // OCS answers 403 to an inventory while another one of the same machine is
            // still being stored (its `locks` table), and when its filters refuse the agent.
            403 => format!(
                "HTTP 403 {text}: the server refused the request (an OCS server does so while \
                 it still stores another inventory of this machine, or when its filters refuse \
                 this agent)"
            ),
            _ => format!("HTTP {code} {text}"),
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
        url: &str,
        body: &[u8],
        content_type: &str,
        auth: Option<&str>,
    ) -> Result<ureq::Response, Box<ureq::Error>> {
        let mut req = self
            .agent
            .post(url)
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
        let mut io_kind = None;
        // ureq's own text names the URL (said once, by NetError) and repeats its cause:
        // its message (or kind) only, then each cause that says something new.
        let own = t
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| t.kind().to_string());
        let mut parts = vec![own];
        let mut source = std::error::Error::source(t);
        while let Some(s) = source {
            parts.push(s.to_string());
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                io_kind = Some(io.kind());
            }
            source = s.source();
        }
        let chain = join_causes(parts);
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

/// Error texts joined with `: `, each said once: a text another one already contains is
/// dropped, one that contains an earlier one replaces it.
fn join_causes(parts: Vec<String>) -> String {
    let mut kept: Vec<String> = Vec::new();
    for p in parts.into_iter().map(|p| p.trim().to_string()) {
        if p.is_empty() || kept.iter().any(|k| k.contains(&p)) {
            continue;
        }
        kept.retain(|k| !p.contains(k.as_str()));
        kept.push(p);
    }
    kept.join(": ")
}

/// Where a 3xx answer to a POST leads: `Some(url)` to follow it (307/308 within the
/// rules), else `None` and why not.
fn redirect(code: u16, text: &str, from: &str, location: Option<&str>) -> (Option<String>, String) {
    let Some(location) = location.filter(|l| !l.trim().is_empty()) else {
        return (
            None,
            format!("HTTP {code} {text} without a Location (not an OCS reply)"),
        );
    };
    let to = resolve(from, location.trim());
    let shown = public_url(&to);
    match code {
        307 | 308 => {
            if from.starts_with("https://") && !to.starts_with("https://") {
                (
                    None,
                    format!("HTTP {code} {text} to {shown}: refused, it would leave HTTPS"),
                )
            } else if !(to.starts_with("http://") || to.starts_with("https://")) {
                (
                    None,
                    format!("HTTP {code} {text} to {shown}: not an http(s) URL"),
                )
            } else {
                (Some(to), String::new())
            }
        }
        301..=303 => (
            None,
            format!(
                "HTTP {code} {text} to {shown}: not followed, a POST would become a GET \
                 (set the server URL to where it leads)"
            ),
        ),
        _ => (None, format!("HTTP {code} {text} (not an OCS reply)")),
    }
}

/// `location` made absolute against `base` (RFC 3986 references as servers send them:
/// absolute, scheme-relative, absolute-path or relative-path).
fn resolve(base: &str, location: &str) -> String {
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

/// Why a capped read failed.
pub enum Capped {
    TooLarge,
    Io(std::io::Error),
}

/// Reads `reader` to its end, refusing more than `cap` bytes (never truncating silently).
pub fn read_capped(reader: impl Read, cap: u64) -> Result<Vec<u8>, Capped> {
    let mut buf = Vec::new();
    reader
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(Capped::Io)?;
    if buf.len() as u64 > cap {
        return Err(Capped::TooLarge);
    }
    Ok(buf)
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

    use std::io::Write;
    use std::net::TcpListener;

    /// What a scripted server saw: each request's head and body.
    type Seen = Vec<(String, Vec<u8>)>;

    fn read_request(s: &mut impl Read) -> (String, Vec<u8>) {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let len = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        let _ = s.read_exact(&mut body);
        (head, body)
    }

    /// A loopback server answering each connection with the next raw answer;
    /// `{port}` in an answer becomes `other`'s port.
    fn scripted(
        answers: Vec<String>,
        tls: Option<openssl::ssl::SslAcceptor>,
    ) -> (u16, std::thread::JoinHandle<Seen>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for answer in answers {
                let Ok((sock, _)) = listener.accept() else {
                    break;
                };
                sock.set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut io: Box<dyn ReadWrite> = match &tls {
                    Some(a) => match a.accept(sock) {
                        Ok(s) => Box::new(s),
                        Err(_) => continue,
                    },
                    None => Box::new(sock),
                };
                seen.push(read_request(&mut io));
                let _ = io.write_all(answer.as_bytes());
                let _ = io.flush();
            }
            seen
        });
        (port, handle)
    }

    trait ReadWrite: Read + Write {}
    impl<T: Read + Write> ReadWrite for T {}

    fn answer(status: &str, extra: &str, body: &str) -> String {
        format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn client(url: &str, config: &Config) -> Client {
        Client::new(url, config, "test-agent").unwrap()
    }

    #[test]
    fn redirects_of_a_post() {
        // Issue #13, defect 10: a 302 was followed as a GET, a 307 not at all and its
        // 3xx taken for success.
        let config = Config::new();
        let (port, seen) = scripted(
            vec![answer("302 Found", "Location: /elsewhere\r\n", "")],
            None,
        );
        let c = client(&format!("http://127.0.0.1:{port}/ocsinventory"), &config);
        let err = c.post(b"BODY", "application/xml").unwrap_err();
        assert_eq!(err.status, Some(302));
        assert!(err.why.contains("not followed"), "{err}");
        assert!(
            err.why.contains(&format!("127.0.0.1:{port}/elsewhere")),
            "{err}"
        );
        assert_eq!(seen.join().unwrap().len(), 1, "a 302 must not be followed");

        let (port, seen) = scripted(
            vec![
                answer("307 Temporary Redirect", "Location: /moved/ocs\r\n", ""),
                answer("308 Permanent Redirect", "Location: ocs2\r\n", ""),
                answer("200 OK", "", "<REPLY/>"),
            ],
            None,
        );
        let c = client(&format!("http://127.0.0.1:{port}/ocsinventory"), &config);
        assert_eq!(c.post(b"BODY", "application/xml").unwrap(), b"<REPLY/>");
        let seen = seen.join().unwrap();
        let lines: Vec<&str> = seen
            .iter()
            .map(|(h, _)| h.lines().next().unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                "POST /ocsinventory HTTP/1.1",
                "POST /moved/ocs HTTP/1.1",
                "POST /moved/ocs2 HTTP/1.1"
            ]
        );
        assert!(
            seen.iter().all(|(_, b)| b == b"BODY"),
            "the body goes along"
        );

        // A 3xx without a place to go is an error, never an (empty) answer.
        let (port, _) = scripted(vec![answer("300 Multiple Choices", "", "")], None);
        let c = client(&format!("http://127.0.0.1:{port}/ocsinventory"), &config);
        assert_eq!(
            c.post(b"x", "application/xml").unwrap_err().status,
            Some(300)
        );

        // A loop ends, saying the URL once.
        let url = "http://127.0.0.1:{port}/loop".to_string();
        let (port, _) = scripted(
            (0..=MAX_REDIRECTS)
                .map(|_| answer("307 Temporary Redirect", "Location: /loop\r\n", ""))
                .collect(),
            None,
        );
        let c = client(&url.replace("{port}", &port.to_string()), &config);
        let err = c.post(b"x", "application/xml").unwrap_err().to_string();
        assert!(err.contains("more than 5 redirects"), "{err}");
        assert_eq!(err.matches("/loop").count(), 1, "{err}");
    }

    fn tls_server_cert(dir: &Path) -> (openssl::ssl::SslAcceptor, std::path::PathBuf) {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let ok = std::process::Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
            .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
            .args([
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "the openssl CLI is needed");
        let mut b =
            openssl::ssl::SslAcceptor::mozilla_intermediate_v5(openssl::ssl::SslMethod::tls())
                .unwrap();
        b.set_certificate_chain_file(&cert).unwrap();
        b.set_private_key_file(&key, openssl::ssl::SslFiletype::PEM)
            .unwrap();
        (b.build(), cert)
    }

    #[test]
    fn http_to_https_is_followed_and_https_to_http_refused() {
        let dir = std::env::temp_dir().join(format!("ocsa-redirect-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (acceptor, cert) = tls_server_cert(&dir);
        let mut config = Config::new();
        config
            .set(
                "ca-cert-file",
                &cert.display().to_string(),
                crate::agent::config::Origin::CommandLine,
            )
            .unwrap();
        let (tls_port, tls_seen) = scripted(
            vec![
                answer("200 OK", "", "<REPLY/>"),
                answer(
                    "307 Temporary Redirect",
                    "Location: http://127.0.0.1:9/x\r\n",
                    "",
                ),
            ],
            Some(acceptor),
        );
        let (port, _) = scripted(
            vec![answer(
                "308 Permanent Redirect",
                &format!("Location: https://127.0.0.1:{tls_port}/ocsinventory\r\n"),
                "",
            )],
            None,
        );
        let c = client(&format!("http://127.0.0.1:{port}/ocsinventory"), &config);
        assert_eq!(c.post(b"BODY", "application/xml").unwrap(), b"<REPLY/>");
        let c = client(
            &format!("https://127.0.0.1:{tls_port}/ocsinventory"),
            &config,
        );
        let err = c.post(b"BODY", "application/xml").unwrap_err();
        assert!(err.why.contains("leave HTTPS"), "{err}");
        let seen = tls_seen.join().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen
            .iter()
            .all(|(h, b)| h.starts_with("POST ") && b == b"BODY"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn credentials_in_the_url_authenticate_and_are_never_shown() {
        // Issue #13, defect 11: the URL's password was not used, but written to logs.
        let config = Config::new();
        let (port, seen) = scripted(
            vec![
                answer(
                    "401 Unauthorized",
                    "WWW-Authenticate: Basic realm=\"ocs\"\r\n",
                    "",
                ),
                answer("200 OK", "", "<REPLY/>"),
                answer("500 Oops", "", ""),
            ],
            None,
        );
        let url = format!("http://bob:s%40cret@127.0.0.1:{port}/ocsinventory");
        let c = client(&url, &config);
        assert_eq!(c.url(), format!("http://127.0.0.1:{port}/ocsinventory"));
        assert_eq!(c.post(b"x", "application/xml").unwrap(), b"<REPLY/>");
        let err = c.post(b"x", "application/xml").unwrap_err().to_string();
        assert!(!err.contains("cret") && !err.contains("bob"), "{err}");
        let seen = seen.join().unwrap();
        let token = crate::encoding::base64(b"bob:s@cret");
        assert!(
            seen[1].0.contains(&format!("Authorization: Basic {token}")),
            "{}",
            seen[1].0
        );
        assert!(seen.iter().all(|(h, _)| !h.contains("cret@")));
        assert_eq!(public_url("https://u:p@h:1/x?y=@"), "https://h:1/x?y=@");
        assert_eq!(
            url_credentials("https://u:p%3Aq@h/x"),
            Some(("u".into(), "p:q".into()))
        );
        assert_eq!(url_credentials("https://h/x@y"), None);
    }

    #[test]
    fn causes_are_said_once() {
        // Issue #13, defect 12: "Network Error: Network Error: … Connection reset by peer".
        let joined = join_causes(vec![
            "Network Error".into(),
            "Network Error: Connection reset by peer (os error 104)".into(),
            "Connection reset by peer (os error 104)".into(),
        ]);
        assert_eq!(
            joined,
            "Network Error: Connection reset by peer (os error 104)"
        );
        assert_eq!(join_causes(vec!["a".into(), "b".into()]), "a: b");
        // A refused connection, for real: one line, the URL once.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = client(
            &format!("http://127.0.0.1:{port}/ocsinventory"),
            &Config::new(),
        );
        let err = c.post(b"x", "application/xml").unwrap_err().to_string();
        assert_eq!(err.matches("127.0.0.1").count(), 2, "{err}");
        assert!(err.contains("connection refused"), "{err}");
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
