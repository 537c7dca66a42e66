//! The HTTP(S) client every server exchange goes through.
//!
//! One [`Client`] talks to one URL, with plain [`NetOptions`]. What belongs to a
//! configured server stays with that server's origin (scheme, host, port): its
//! credentials answer a 401 from that origin only, and `no-ssl-check` relaxes the
//! certificate checks for that origin only. Any other host — Deploy package and fragment
//! hosts, GLPI mirrors and `remote`, wherever a redirect leads — gets full certificate
//! checks and never sees the credentials; a downgrade to `http://` is another origin.
//! Proxy credentials go to the proxy only ([`super::proxy`]). It gives up after
//! `timeout` seconds, and every failure becomes one line ([`super::error`]).
//!
//! Redirects are followed by hand. For a POST, as HTTP says: 307 and 308 keep the method
//! and the body (up to [`MAX_REDIRECTS`]); 301, 302 and 303 would turn the POST into a
//! GET, so they are reported (with where they lead) rather than followed. A GET follows
//! all five. http → https is followed, https → http never (the exchange would leave
//! TLS). No 3xx is ever taken for an answer.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

pub use super::error::NetError;
use super::error::{classify, join_causes};
pub use super::options::{Credentials, NetOptions, ServerAccess};
use super::proxy::proxy_for;
use super::tls;
pub use super::url::{host_of, mask, public_url, url_credentials};
use super::url::{resolve, Origin};

/// Largest reply body read from a server, as sent (compressed or not). An OCS reply is
/// a few KB; a PROLOG with hundreds of Deploy packages stays under a megabyte.
pub const MAX_REPLY: u64 = 8 << 20;
/// Redirects followed at most for one request.
pub const MAX_REDIRECTS: usize = 5;

/// An HTTP client bound to one URL.
pub struct Client {
    /// Checks certificates (system CAs, or `ca-cert-file`/`ca-cert-dir`).
    checking: ureq::Agent,
    /// Accepts any certificate: only for the origin of a server with `no-ssl-check`.
    unchecked: Option<ureq::Agent>,
    /// The URL requests go to, without credentials.
    url: String,
    host: String,
    timeout: u64,
    options: NetOptions,
    /// The proxy in use, with any password masked, for logs.
    pub proxy: Option<String>,
}

impl Client {
    /// Builds the client for `url` (TLS, proxy, credentials per origin, timeout).
    /// Credentials written in `url` itself belong to its origin.
    pub fn new(
        url: &str,
        options: impl Into<NetOptions>,
        user_agent: &str,
    ) -> Result<Client, String> {
        let mut options: NetOptions = options.into();
        if let (Some((user, password)), Some(origin)) = (url_credentials(url), Origin::of(url)) {
            options.servers.push(ServerAccess {
                origin,
                credentials: Some(Credentials::Basic { user, password }),
                no_cert_check: false,
            });
        }
        let url = &public_url(url);
        let host = host_of(url);
        let timeout = options.timeout.max(1);
        let env = |name: &str| std::env::var(name).ok();
        let proxy = proxy_for(url, options.proxy.as_deref(), &env);
        let parsed_proxy = match &proxy {
            Some(p) => Some(
                ureq::Proxy::new(p)
                    .map_err(|e| format!("server {url}: invalid proxy '{}': {e}", mask(p)))?,
            ),
            None => None,
        };
        let builder = |tls: native_tls::TlsConnector| {
            let mut b = ureq::AgentBuilder::new()
                .user_agent(user_agent)
                .timeout_connect(Duration::from_secs(timeout))
                .timeout(Duration::from_secs(timeout))
                .redirects(0)
                .tls_connector(Arc::new(tls));
            if let Some(p) = &parsed_proxy {
                b = b.proxy(p.clone());
            }
            b.build()
        };
        let relaxed_here = options.access(url).is_some_and(|s| s.no_cert_check);
        // TLS is set up for http:// URLs too, since they may redirect to https://; its
        // set-up errors only matter when this URL is checked over https://.
        let checking = match tls::checking(&options.trust) {
            Ok(tls) => builder(tls),
            Err(e) if url.starts_with("https://") && !relaxed_here => {
                return Err(format!("server {url}: {e}"))
            }
            Err(_) => builder(tls::system()?),
        };
        let unchecked = if options.servers.iter().any(|s| s.no_cert_check) {
            Some(builder(tls::unchecked()?))
        } else {
            None
        };
        Ok(Client {
            checking,
            unchecked,
            url: url.to_string(),
            host,
            timeout,
            options,
            proxy: proxy.as_deref().map(mask),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The agent for a request to `url`: the unchecked one only for the origin of a
    /// configured server with `no-ssl-check`.
    fn agent_for(&self, url: &str) -> &ureq::Agent {
        match (&self.unchecked, self.options.access(url)) {
            (Some(unchecked), Some(s)) if s.no_cert_check => unchecked,
            _ => &self.checking,
        }
    }

    /// The credentials that belong to the origin of `url`, if any: a configured
    /// server's, or those of its upgrade to https (`http://h` → `https://h`, what a
    /// server redirecting to TLS asks for; the other way is never followed).
    fn credentials_for(&self, url: &str) -> Option<&Credentials> {
        let to = Origin::of(url)?;
        self.options
            .servers
            .iter()
            .filter(|s| s.origin == to || s.origin.upgraded().as_ref() == Some(&to))
            .find_map(|s| s.credentials.as_ref())
    }

    /// POSTs `body` and returns the reply body of a 2xx answer (at most [`MAX_REPLY`]
    /// bytes), following 307/308 redirects.
    pub fn post(&self, body: &[u8], content_type: &str) -> Result<Vec<u8>, NetError> {
        let resp = self.exchange(Some((body, content_type)))?;
        read_capped(resp.into_reader(), MAX_REPLY).map_err(|e| {
            self.error(
                None,
                match e {
                    Capped::TooLarge => {
                        format!("the reply is larger than {} MiB (refused)", MAX_REPLY >> 20)
                    }
                    Capped::Io(e) => self.io_reason(&e),
                },
            )
        })
    }

    /// One request (a POST with `body`, else a GET) to the 2xx answer: a 401 answered
    /// once with the credentials of the origin that asked (if it has any), redirects
    /// followed within the rules, each hop deciding its own credentials and TLS checks.
    fn exchange(&self, body: Option<(&[u8], &str)>) -> Result<ureq::Response, NetError> {
        let mut url = self.url.clone();
        let mut auth: Option<String> = None;
        let mut hops = 0;
        loop {
            let mut req = self
                .agent_for(&url)
                .request(if body.is_some() { "POST" } else { "GET" }, &url)
                .set("Pragma", "no-cache");
            if let Some(a) = &auth {
                req = req.set("Authorization", a);
            }
            let result = match body {
                Some((bytes, content_type)) => {
                    req.set("Content-Type", content_type).send_bytes(bytes)
                }
                None => req.call(),
            };
            let resp = match result {
                Ok(r) => r,
                Err(ureq::Error::Status(401, resp)) => {
                    if auth.is_none() {
                        if let Some(c) = self.credentials_for(&url) {
                            log::debug!(
                                "server {url} asks for authentication, sending credentials"
                            );
                            auth = Some(c.authorization());
                            continue;
                        }
                    }
                    return Err(self.error(Some(401), self.status_reason(&url, 401, &resp)));
                }
                Err(ureq::Error::Status(code, resp)) => {
                    return Err(self.error(Some(code), self.status_reason(&url, code, &resp)));
                }
                Err(ureq::Error::Transport(t)) => {
                    return Err(self.error(None, self.transport_reason(&t)))
                }
            };
            let code = resp.status();
            if (200..300).contains(&code) {
                return Ok(resp);
            }
            let text = resp.status_text().to_string();
            let location = resp.header("Location").map(str::to_string);
            let (next, why) = redirect(code, &text, &url, location.as_deref(), body.is_none());
            match next {
                Some(next) if hops < MAX_REDIRECTS => {
                    log::debug!("server {url}: HTTP {code} {text}, to {}", public_url(&next));
                    url = public_url(&next);
                    // The next hop earns its own credentials, if its origin has any.
                    auth = None;
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

    /// The reason for an HTTP error status from `url`.
    fn status_reason(&self, url: &str, code: u16, resp: &ureq::Response) -> String {
        let realm = resp.header("WWW-Authenticate").unwrap_or_default();
        let text = resp.status_text();
        let elsewhere = if url == self.url {
            String::new()
        } else {
            format!(" (at {url})")
        };
        match code {
            401 if self.credentials_for(url).is_some() => {
                format!("HTTP 401 {text}{elsewhere}: the server refused the user and password")
            }
            401 if self.options.servers.iter().any(|s| s.credentials.is_some()) => {
                let origin = Origin::of(url).map_or_else(|| url.to_string(), |o| o.to_string());
                format!(
                    "HTTP 401 {text}{elsewhere}: {origin} requires authentication; the                      configured credentials belong to the configured server only (not sent)"
                )
            }
            401 => format!(
                "HTTP 401 {text}{elsewhere}: the server requires authentication{} (set user and password)",
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
                "HTTP 403 {text}{elsewhere}: the server refused the request (an OCS server does so while \
                 it still stores another inventory of this machine, or when its filters refuse \
                 this agent)"
            ),
            _ => format!("HTTP {code} {text}{elsewhere}"),
        }
    }

    /// GETs the client's URL (following redirects) and streams a 2xx body into `out`;
    /// returns its length. A body over `max` bytes, or shorter than its Content-Length,
    /// is an error (nothing says how much of `out` is good then: the caller throws it
    /// away).
    pub fn get_to(&self, out: &mut dyn std::io::Write, max: u64) -> Result<u64, NetError> {
        let resp = self.exchange(None)?;
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

/// Where a 3xx answer leads: `Some(url)` to follow it (307/308 within the rules, and
/// 301/302/303 for a GET), else `None` and why not.
fn redirect(
    code: u16,
    text: &str,
    from: &str,
    location: Option<&str>,
    get: bool,
) -> (Option<String>, String) {
    let Some(location) = location.filter(|l| !l.trim().is_empty()) else {
        return (
            None,
            format!("HTTP {code} {text} without a Location (not an OCS reply)"),
        );
    };
    let to = resolve(from, location.trim());
    let shown = public_url(&to);
    match code {
        307 | 308 | 301..=303 if code >= 307 || get => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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

    fn client(url: &str, config: &NetOptions) -> Client {
        Client::new(url, config, "test-agent").unwrap()
    }

    #[test]
    fn redirects_of_a_post() {
        // Issue #13, defect 10: a 302 was followed as a GET, a 307 not at all and its
        // 3xx taken for success.
        let config = NetOptions::default();
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
        let (cert, key) =
            crate::net::tls::test_certificate(dir).expect("the openssl CLI is needed");
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
        let mut config = NetOptions::default();
        config.trust.ca_file = Some(cert.clone());
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
        let config = NetOptions::default();
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
    fn a_refused_connection_is_one_line() {
        // A refused connection, for real: one line, the URL once.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = client(
            &format!("http://127.0.0.1:{port}/ocsinventory"),
            &NetOptions::default(),
        );
        let err = c.post(b"x", "application/xml").unwrap_err().to_string();
        assert_eq!(err.matches("127.0.0.1").count(), 2, "{err}");
        assert!(err.contains("connection refused"), "{err}");
    }
}
