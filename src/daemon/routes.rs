//! What the HTTP interface answers: one function from a parsed request and the daemon's
//! shared state to a response. No sockets here, so the routing rules read in one place.
//!
//! | path | answer |
//! |---|---|
//! | `/status` | `status: waiting` / `status: running task Inventory` (text/plain) |
//! | `/now`, `/now/…`, `/?action=wakeup&deviceid=X` | runs every target now; 403 unless the client is trusted or X is our DEVICEID; CORS for the server targets' web origins |
//! | `/?action=download&file=ID/ID-N` | a file under `$VARDIR/shared`; 403 outside, 404 absent, 429 after too many of those from one client |
//! | `/?action=log&deviceid=X` | the log file; 403 unless X is our DEVICEID |
//! | `/deploy/getFile/<c1>/<c1c2>/<sha512>` | a Deploy part shared with peers |
//! | `/` | a small HTML status page (targets only for trusted clients) |

use std::fs::File;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::refusals::Refusals;
use super::request::{split_target, Head};
use super::shared_files::{self, PartCache, Refusal};
use crate::agent::trust::{self, TrustEntry};

/// What the HTTP interface knows of the daemon; the daemon loop keeps it current.
#[derive(Debug, Default)]
pub struct Context {
    pub vardir: PathBuf,
    pub logfile: Option<PathBuf>,
    pub deviceid: String,
    /// `httpd-trust`.
    pub trust: Vec<TrustEntry>,
    /// Resolved addresses of the server targets' hosts (trusted too).
    pub server_addrs: Vec<IpAddr>,
    /// Web origins of the server targets (`https://glpi.example`): a page of the server
    /// may call `/now` from the browser.
    pub server_origins: Vec<String>,
    /// `waiting` or `running task X`.
    pub status: String,
    /// Target label and its next run, as text, for the status page.
    pub schedule: Vec<(String, String)>,
    /// After `/status`'s first line: each target's next run and last steps' outcomes.
    pub runs: String,
    /// Refusal counts: DEVICEID guesses are limited, refusals logged sparingly.
    pub refusals: Refusals,
    /// Deploy parts whose SHA-512 was checked (not hashed again per request).
    pub parts: PartCache,
}

/// A response body.
pub enum Body {
    Text(String),
    File(File, u64),
}

/// A response, ready to be written.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Body,
    /// `Allow:` header value for 405 and OPTIONS.
    pub allow: Option<&'static str>,
    /// More header lines (CORS).
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn text(status: u16, text: impl Into<String>) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Body::Text(text.into()),
            allow: None,
            headers: Vec::new(),
        }
    }

    fn html(text: String) -> Response {
        Response {
            content_type: "text/html; charset=utf-8",
            ..Response::text(200, text)
        }
    }

    fn file((file, len): (File, u64), content_type: &'static str) -> Response {
        Response {
            status: 200,
            content_type,
            body: Body::File(file, len),
            allow: None,
            headers: Vec::new(),
        }
    }

    pub fn body_len(&self) -> u64 {
        match &self.body {
            Body::Text(t) => t.len() as u64,
            Body::File(_, n) => *n,
        }
    }
}

/// The reason phrase of the status codes this server uses.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = (a.len() ^ b.len()) as u8 | u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

impl Context {
    fn trusted(&self, client: IpAddr) -> bool {
        let client = match client {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(client),
            v4 => v4,
        };
        trust::is_trusted(&self.trust, client) || self.server_addrs.contains(&client)
    }

    /// The server origin a request's `Origin:` names, when it is one of ours (the answer
    /// repeats our own spelling, never the client's bytes).
    fn allowed_origin(&self, head: &Head) -> Option<&str> {
        let origin = head.origin.as_deref()?;
        let normal = origin.trim_end_matches('/').to_ascii_lowercase();
        self.server_origins
            .iter()
            .find(|o| **o == normal)
            .map(String::as_str)
    }

    /// Checks a DEVICEID sent by `client`, within the guess limit (see `refusals`).
    fn check_deviceid(&self, client: IpAddr, given: Option<&str>) -> DeviceId {
        let Some(id) = given else {
            return DeviceId::Wrong;
        };
        let now = Instant::now();
        if self.refusals.blocked(client, now) {
            return DeviceId::TooMany;
        }
        if !self.deviceid.is_empty() && constant_time_eq(id, &self.deviceid) {
            return DeviceId::Right;
        }
        self.refusals.failed(client, now);
        DeviceId::Wrong
    }
}

/// The verdict on a DEVICEID sent with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeviceId {
    Right,
    Wrong,
    /// Too many wrong ones lately: not even looked at.
    TooMany,
}

fn too_many() -> Response {
    Response::text(429, "too many wrong DEVICEIDs: try again later\n")
}

/// What the request asks the daemon to do besides answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    RunNow,
}

/// Answers one request.
pub fn route(head: &Head, client: IpAddr, ctx: &Context) -> (Response, Effect) {
    let Some(target) = split_target(&head.target) else {
        return (Response::text(400, "malformed request\n"), Effect::None);
    };
    let is_now = target.path == "/now" || target.path.starts_with("/now/");
    if is_now {
        let (mut r, e) = if head.method == "OPTIONS" && head.cors_method.is_some() {
            // A browser's preflight before calling /now from a server's page.
            let mut r = Response::text(204, "");
            r.headers
                .push(("Access-Control-Allow-Methods", "GET, OPTIONS".into()));
            r.headers.push(("Access-Control-Max-Age", "600".into()));
            (r, Effect::None)
        } else if head.method == "GET" || head.method == "HEAD" {
            wakeup(client, ctx, target.param("deviceid"))
        } else {
            let mut r = Response::text(
                if head.method == "OPTIONS" { 204 } else { 405 },
                if head.method == "OPTIONS" {
                    ""
                } else {
                    "method not allowed\n"
                },
            );
            r.allow = Some("GET, HEAD, OPTIONS");
            (r, Effect::None)
        };
        if let Some(origin) = ctx.allowed_origin(head) {
            r.headers
                .push(("Access-Control-Allow-Origin", origin.to_string()));
        }
        r.headers.push(("Vary", "Origin".into()));
        return (r, e);
    }
    match head.method.as_str() {
        "GET" | "HEAD" => {}
        "OPTIONS" => {
            let mut r = Response::text(204, "");
            r.allow = Some("GET, HEAD, OPTIONS");
            return (r, Effect::None);
        }
        _ => {
            let mut r = Response::text(405, "method not allowed\n");
            r.allow = Some("GET, HEAD, OPTIONS");
            return (r, Effect::None);
        }
    }
    let path = target.path.as_str();
    if path == "/status" {
        return (
            Response::text(200, format!("status: {}{}", ctx.status, ctx.runs)),
            Effect::None,
        );
    }
    if let Some(rest) = path.strip_prefix("/deploy/getFile/") {
        return (deploy(rest, ctx), Effect::None);
    }
    if path != "/" {
        return (Response::text(404, "unknown path\n"), Effect::None);
    }
    match target.param("action") {
        None => (status_page(client, ctx), Effect::None),
        Some("wakeup") => wakeup(client, ctx, target.param("deviceid")),
        Some("download") => (
            fragment(client, ctx, target.param("file").unwrap_or("")),
            Effect::None,
        ),
        Some("log") => {
            match ctx.check_deviceid(client, target.param("deviceid")) {
                DeviceId::Right => {}
                DeviceId::TooMany => return (too_many(), Effect::None),
                DeviceId::Wrong => {
                    return (Response::text(403, "access denied\n"), Effect::None);
                }
            }
            let r = match &ctx.logfile {
                None => Response::text(404, "this agent logs to no file\n"),
                Some(path) => log_file(path),
            };
            (r, Effect::None)
        }
        Some(_) => (Response::text(400, "unknown action\n"), Effect::None),
    }
}

/// An OCS fragment shared with peers (`?action=download&file=ID/ID-N`).
///
/// Fragment ids are guessable (a package ID is the Unix time it was built), so, as for
/// DEVICEIDs, a client that asks for fragments that are not here (or outside the shared
/// folder) is limited: past `refusals::MAX_FAILURES_PER_ADDRESS` misses in a window
/// (`MAX_FAILURES` from all clients), its requests are answered `429` unseen. A peer
/// knows the id from its server and asks for what exists, so P2P is not hurt; a
/// trusted client (`httpd-trust`, the servers) is never limited.
fn fragment(client: IpAddr, ctx: &Context, file: &str) -> Response {
    let now = Instant::now();
    let trusted = ctx.trusted(client);
    if !trusted && ctx.refusals.blocked(client, now) {
        ctx.refusals.log(
            now,
            format_args!("[http server] fragment request from {client} refused: too many misses"),
        );
        return Response::text(
            429,
            "too many requests for absent fragments: try again later\n",
        );
    }
    let refused = match shared_files::open_under(&ctx.vardir.join("shared"), file) {
        Ok(f) => return Response::file(f, "application/octet-stream"),
        Err(Refusal::Outside) => Response::text(403, "access denied\n"),
        Err(Refusal::Absent) => Response::text(404, "no such file\n"),
    };
    if !trusted {
        ctx.refusals.failed(client, now);
    }
    refused
}

/// The log file, when it is a regular file: the length announced is the one sent (a
/// device or a FIFO has none), and opening never blocks (a FIFO without a writer).
fn log_file(path: &Path) -> Response {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY)
        .open(path)
        .and_then(|f| {
            let meta = f.metadata()?;
            Ok((f, meta))
        });
    match opened {
        Ok((f, meta)) if meta.is_file() => {
            Response::file((f, meta.len()), "text/plain; charset=utf-8")
        }
        Ok(_) => Response::text(404, "the log is not a regular file\n"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Response::text(404, "no log file yet\n")
        }
        Err(e) => {
            log::error!("cannot open log file {}: {e}", path.display());
            Response::text(500, "cannot read the log file\n")
        }
    }
}

fn wakeup(client: IpAddr, ctx: &Context, deviceid: Option<&str>) -> (Response, Effect) {
    let verdict = if ctx.trusted(client) {
        DeviceId::Right
    } else {
        ctx.check_deviceid(client, deviceid)
    };
    match verdict {
        DeviceId::Right => {
            log::info!("[http server] run requested by {client}");
            (
                Response::text(200, "OK: running all targets now\n"),
                Effect::RunNow,
            )
        }
        DeviceId::TooMany => {
            ctx.refusals.log(
                Instant::now(),
                format_args!(
                    "[http server] run request from {client} refused: too many wrong DEVICEIDs"
                ),
            );
            (too_many(), Effect::None)
        }
        DeviceId::Wrong => {
            ctx.refusals.log(
                Instant::now(),
                format_args!("[http server] run request from untrusted {client} refused"),
            );
            (Response::text(403, "access denied\n"), Effect::None)
        }
    }
}

fn deploy(rest: &str, ctx: &Context) -> Response {
    let parts: Vec<&str> = rest.split('/').collect();
    let [c1, c12, sha] = parts[..] else {
        return Response::text(404, "nothing found\n");
    };
    if !shared_files::is_sha512(sha) || c1 != &sha[0..1] || c12 != &sha[0..2] {
        return Response::text(404, "nothing found\n");
    }
    match shared_files::deploy_part(&ctx.vardir, sha, &ctx.parts) {
        Ok(f) => Response::file(f, "application/octet-stream"),
        Err(_) => Response::text(404, "nothing found\n"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn status_page(client: IpAddr, ctx: &Context) -> Response {
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><title>ocsinventory-agent</title></head><body>\n\
         <h1>ocsinventory-agent {}</h1>\n<p>status: {}</p>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&ctx.status)
    );
    if ctx.trusted(client) {
        html.push_str("<ul>\n");
        for (label, next) in &ctx.schedule {
            html.push_str(&format!(
                "<li>{}: next run {}</li>\n",
                escape(label),
                escape(next)
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</body></html>\n");
    Response::html(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(method: &str, target: &str) -> Head {
        Head {
            method: method.into(),
            target: target.into(),
            http11: true,
            keep_alive: true,
            has_body: false,
            origin: None,
            cors_method: None,
        }
    }

    fn ctx() -> Context {
        Context {
            deviceid: "box-2026-01-02-03-04-05".into(),
            trust: vec![TrustEntry::parse("10.0.0.0/8").unwrap()],
            server_addrs: vec!["192.0.2.7".parse().unwrap()],
            server_origins: vec!["https://glpi.example".into()],
            status: "waiting".into(),
            ..Context::default()
        }
    }

    fn status_of(method: &str, target: &str, client: &str) -> (u16, Effect) {
        let (r, e) = route(&head(method, target), client.parse().unwrap(), &ctx());
        (r.status, e)
    }

    #[test]
    fn wakeup_rules() {
        let id = "box-2026-01-02-03-04-05";
        assert_eq!(status_of("GET", "/now", "10.1.1.1"), (200, Effect::RunNow));
        assert_eq!(status_of("GET", "/now", "192.0.2.7"), (200, Effect::RunNow));
        assert_eq!(
            status_of("GET", "/now", "::ffff:10.1.1.1"),
            (200, Effect::RunNow)
        );
        assert_eq!(status_of("GET", "/now", "127.0.0.1"), (403, Effect::None));
        assert_eq!(
            status_of(
                "GET",
                &format!("/?action=wakeup&deviceid={id}"),
                "127.0.0.1"
            ),
            (200, Effect::RunNow)
        );
        assert_eq!(
            status_of("GET", "/?action=wakeup&deviceid=box-2026", "127.0.0.1"),
            (403, Effect::None)
        );
        assert_eq!(
            status_of("GET", "/?action=log&deviceid=nope", "10.1.1.1").0,
            403
        );
        assert_eq!(status_of("GET", "/?action=bogus", "10.1.1.1").0, 400);
        assert_eq!(status_of("DELETE", "/now", "10.1.1.1").0, 405);
        assert_eq!(status_of("OPTIONS", "/now", "10.1.1.1").0, 204);
        assert_eq!(status_of("GET", "/nothing", "10.1.1.1").0, 404);
        assert_eq!(status_of("GET", "/?file=%00", "10.1.1.1").0, 400);
        assert_eq!(
            status_of("GET", "/deploy/getFile/a/ab/xyz", "10.1.1.1").0,
            404
        );
    }

    fn header<'a>(r: &'a Response, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn cors_for_the_servers_pages_only() {
        let mut h = head("OPTIONS", "/now");
        h.origin = Some("https://GLPI.example".into());
        h.cors_method = Some("GET".into());
        let (r, e) = route(&h, "203.0.113.9".parse().unwrap(), &ctx());
        assert_eq!((r.status, e), (204, Effect::None));
        assert_eq!(
            header(&r, "Access-Control-Allow-Origin"),
            Some("https://glpi.example")
        );
        assert_eq!(
            header(&r, "Access-Control-Allow-Methods"),
            Some("GET, OPTIONS")
        );

        let mut h = head("GET", "/now");
        h.origin = Some("https://glpi.example".into());
        let (r, e) = route(&h, "10.1.1.1".parse().unwrap(), &ctx());
        assert_eq!((r.status, e), (200, Effect::RunNow));
        assert_eq!(
            header(&r, "Access-Control-Allow-Origin"),
            Some("https://glpi.example")
        );

        // Another site's page gets no CORS grant, and its run request still needs trust.
        let mut h = head("GET", "/now");
        h.origin = Some("https://evil.example".into());
        let (r, e) = route(&h, "127.0.0.1".parse().unwrap(), &ctx());
        assert_eq!((r.status, e), (403, Effect::None));
        assert_eq!(header(&r, "Access-Control-Allow-Origin"), None);
        let mut h = head("OPTIONS", "/now");
        h.origin = Some("https://glpi.example.evil".into());
        h.cors_method = Some("GET".into());
        let (r, _) = route(&h, "127.0.0.1".parse().unwrap(), &ctx());
        assert_eq!(header(&r, "Access-Control-Allow-Origin"), None);
        // Other paths never grant CORS.
        let mut h = head("GET", "/status");
        h.origin = Some("https://glpi.example".into());
        let (r, _) = route(&h, "10.1.1.1".parse().unwrap(), &ctx());
        assert_eq!(header(&r, "Access-Control-Allow-Origin"), None);
    }

    #[test]
    fn deviceid_guesses_are_limited() {
        // Issue #13: the DEVICEID could be guessed at 16 600 tries a second.
        let c = ctx();
        let from = |ip: &str| ip.parse::<IpAddr>().unwrap();
        for i in 0..crate::daemon::refusals::MAX_FAILURES_PER_ADDRESS {
            let h = head("GET", &format!("/?action=log&deviceid=guess-{i}"));
            assert_eq!(route(&h, from("127.0.0.1"), &c).0.status, 403);
        }
        let right = head("GET", "/?action=log&deviceid=box-2026-01-02-03-04-05");
        assert_eq!(route(&right, from("127.0.0.1"), &c).0.status, 429);
        let wake = head("GET", "/?action=wakeup&deviceid=box-2026-01-02-03-04-05");
        assert_eq!(route(&wake, from("127.0.0.1"), &c).1, Effect::None);
        // Another address is not locked out by this one, trusted clients never.
        assert_eq!(route(&wake, from("127.0.0.2"), &c).1, Effect::RunNow);
        assert_eq!(
            route(&head("GET", "/now"), from("10.1.1.1"), &c).1,
            Effect::RunNow
        );
    }

    #[test]
    fn fragment_guesses_are_limited() {
        // Issue #22, item 5: fragments were served by guessable ids, guesses unlimited.
        let dir = std::env::temp_dir().join(format!("ocsa-routes-frag-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("shared/1795588218")).unwrap();
        std::fs::write(dir.join("shared/1795588218/1795588218-1"), b"frag").unwrap();
        let c = Context {
            vardir: dir.clone(),
            ..ctx()
        };
        let from = |ip: &str| ip.parse::<IpAddr>().unwrap();
        let real = head("GET", "/?action=download&file=1795588218/1795588218-1");
        assert_eq!(route(&real, from("127.0.0.1"), &c).0.status, 200);
        for i in 0..crate::daemon::refusals::MAX_FAILURES_PER_ADDRESS {
            let id = 1795588100 + i;
            let h = head("GET", &format!("/?action=download&file={id}/{id}-1"));
            assert_eq!(route(&h, from("127.0.0.1"), &c).0.status, 404);
        }
        // The guesser gets nothing more, not even what exists; a peer that asks for what
        // exists and trusted clients are not hurt.
        assert_eq!(route(&real, from("127.0.0.1"), &c).0.status, 429);
        assert_eq!(route(&real, from("127.0.0.2"), &c).0.status, 200);
        for i in 0..2 * crate::daemon::refusals::MAX_FAILURES_PER_ADDRESS {
            let h = head("GET", &format!("/?action=download&file={i}/{i}-1"));
            assert_eq!(route(&h, from("10.1.1.1"), &c).0.status, 404);
        }
        assert_eq!(route(&real, from("10.1.1.1"), &c).0.status, 200);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_log_is_served_only_when_it_is_a_regular_file() {
        // Issue #13: a FIFO blocked the loop, a device was announced with a wrong length.
        let dir = std::env::temp_dir().join(format!("ocsa-routes-log-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let file = dir.join("agent.log");
        std::fs::write(&file, "line\n").unwrap();
        let id = "box-2026-01-02-03-04-05";
        let h = head("GET", &format!("/?action=log&deviceid={id}"));
        for (path, status, len) in [
            (fifo, 404, None),
            (PathBuf::from("/dev/zero"), 404, None),
            (dir.clone(), 404, None),
            (file, 200, Some(5)),
        ] {
            let c = Context {
                logfile: Some(path.clone()),
                ..ctx()
            };
            let (r, _) = route(&h, "10.1.1.1".parse().unwrap(), &c);
            assert_eq!(r.status, status, "{}", path.display());
            if let Some(len) = len {
                assert_eq!(r.body_len(), len);
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(!constant_time_eq("", "a"));
        assert!(constant_time_eq("", ""));
    }
}
