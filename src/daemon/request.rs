//! Reading one HTTP/1.x request head, with hard limits, without trusting any byte of it.
//!
//! Pure functions (bytes in, verdict out), so every hostile input can be unit-tested:
//! a head longer than [`MAX_HEAD`] is `431`, a NUL or any byte outside printable ASCII is
//! `400` at once (a TLS ClientHello on the plain port is refused on its first byte instead
//! of waiting for a blank line that never comes), a malformed request line or header is
//! `400`, an HTTP version other than 1.0/1.1 is `505`.

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 8192;

/// What the head says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    /// The request target as sent (`/path?query`), absolute form reduced to the path.
    pub target: String,
    /// True for HTTP/1.1.
    pub http11: bool,
    /// The client wants the connection kept open after the response.
    pub keep_alive: bool,
    /// The request announces a body (which this server never reads).
    pub has_body: bool,
    /// `Origin:` (a browser's cross-origin request).
    pub origin: Option<String>,
    /// `Access-Control-Request-Method:` (a browser's CORS preflight).
    pub cors_method: Option<String>,
}

/// The verdict on the bytes received so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parse {
    /// No blank line yet, nothing wrong so far.
    Incomplete,
    /// A complete head, and how many bytes of the buffer it used.
    Done(Head, usize),
    /// A refusal: status code and reason.
    Bad(u16, &'static str),
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses the start of `buf` as a request head.
pub fn parse(buf: &[u8]) -> Parse {
    // Blank lines before the request line are allowed (RFC 9112 §2.2), but they count
    // toward the head's size: a client sending nothing but CR/LF gets its 431 too.
    let start = buf
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(buf.len());
    if start >= MAX_HEAD {
        return Parse::Bad(431, "request head too large");
    }
    let scan = &buf[..buf.len().min(MAX_HEAD + 4)];
    if let Some(bad) = scan[start..]
        .iter()
        .find(|&&b| !(b == b'\r' || b == b'\n' || b == b'\t' || (0x20..0x7f).contains(&b)))
    {
        return if *bad == 0 {
            Parse::Bad(400, "NUL byte in the request")
        } else {
            Parse::Bad(400, "the request is not plain ASCII HTTP")
        };
    }
    let Some(end) = find_blank_line(&scan[start..]) else {
        return if buf.len() >= MAX_HEAD {
            Parse::Bad(431, "request head too large")
        } else {
            Parse::Incomplete
        };
    };
    let (head_len, used) = end;
    if start + head_len > MAX_HEAD {
        return Parse::Bad(431, "request head too large");
    }
    // Only printable ASCII, \t, \r and \n are left: the slice is valid UTF-8.
    let Ok(text) = std::str::from_utf8(&scan[start..start + head_len]) else {
        return Parse::Bad(400, "the request is not plain ASCII HTTP");
    };
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Parse::Bad(400, "malformed request line");
    };
    if !is_token(method) {
        return Parse::Bad(400, "malformed method");
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Parse::Bad(505, "HTTP version not supported"),
        _ => return Parse::Bad(400, "malformed request line"),
    };
    let target = match absolute_form_path(target) {
        Some(t) => t,
        None => return Parse::Bad(400, "malformed request target"),
    };
    let mut keep_alive = http11;
    let mut has_body = false;
    let mut origin = None;
    let mut cors_method = None;
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            return Parse::Bad(400, "folded header line");
        }
        let Some((name, value)) = line.split_once(':') else {
            return Parse::Bad(400, "malformed header line");
        };
        if !is_token(name) {
            return Parse::Bad(400, "malformed header name");
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            let v = value.to_ascii_lowercase();
            if v.contains("close") {
                keep_alive = false;
            } else if v.contains("keep-alive") {
                keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            match value.parse::<u64>() {
                Ok(0) => {}
                Ok(_) => has_body = true,
                Err(_) => return Parse::Bad(400, "malformed Content-Length"),
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        } else if name.eq_ignore_ascii_case("origin") {
            origin = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("access-control-request-method") {
            cors_method = Some(value.to_string());
        }
    }
    Parse::Done(
        Head {
            method: method.to_string(),
            target,
            http11,
            keep_alive,
            has_body,
            origin,
            cors_method,
        },
        start + used,
    )
}

/// Where the head ends: (length of the head text, bytes up to and including the blank line).
fn find_blank_line(buf: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < buf.len() {
        if buf[i] == b'\n' {
            if buf.get(i + 1) == Some(&b'\n') {
                return Some((i + 1, i + 2));
            }
            if buf.get(i + 1) == Some(&b'\r') && buf.get(i + 2) == Some(&b'\n') {
                return Some((i + 1, i + 3));
            }
        }
        i += 1;
    }
    None
}

/// `/path?q` stays; `http://host:port/path?q` becomes `/path?q`; anything else is refused.
fn absolute_form_path(target: &str) -> Option<String> {
    if target.starts_with('/') {
        return Some(target.to_string());
    }
    let lower = target.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))?;
    let skip = target.len() - rest.len();
    match target[skip..].find('/') {
        Some(i) => Some(target[skip + i..].to_string()),
        None => Some("/".to_string()),
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus` is set) into bytes; `None` when an
/// escape is malformed.
pub fn percent_decode(text: &str, plus: bool) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b.get(i + 1..i + 3)?;
                let s = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(s, 16).ok()?);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Decoded text that may safely reach a file name or a comparison: valid UTF-8, no NUL,
/// no control character.
fn clean_text(bytes: Vec<u8>) -> Option<String> {
    let s = String::from_utf8(bytes).ok()?;
    (!s.chars().any(char::is_control)).then_some(s)
}

/// A request target split into its decoded path and query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub params: Vec<(String, String)>,
}

impl Target {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits and decodes `/path?a=1&b=2`. Parameters are separated by `&`, and also by `?`
/// so the historical `?action=download?file=…` form works. `None` when something decodes
/// to a NUL or control character or invalid UTF-8.
pub fn split_target(target: &str) -> Option<Target> {
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (target, ""),
    };
    let path = clean_text(percent_decode(raw_path, false)?)?;
    let mut params = Vec::new();
    for pair in query.split(['&', '?']).filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = clean_text(percent_decode(k, true)?)?;
        let v = clean_text(percent_decode(v, true)?)?;
        params.push((k, v));
    }
    Some(Target { path, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(text: &str) -> Head {
        match parse(text.as_bytes()) {
            Parse::Done(h, n) => {
                assert_eq!(n, text.len());
                h
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn good_heads() {
        let h = done("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(h.method, "GET");
        assert_eq!(h.target, "/status");
        assert!(h.keep_alive && h.http11 && !h.has_body);
        let h = done("GET /now HTTP/1.0\r\n\r\n");
        assert!(!h.keep_alive);
        let h = done("\r\nGET http://Host:62354/now?x=1 HTTP/1.1\nConnection: close\n\n");
        assert_eq!(h.target, "/now?x=1");
        assert!(!h.keep_alive);
        let h = done("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
        assert!(h.has_body);
    }

    #[test]
    fn pipelined_requests_leave_the_rest() {
        let two = b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        match parse(two) {
            Parse::Done(h, n) => {
                assert_eq!(h.target, "/a");
                assert_eq!(&two[n..], b"GET /b HTTP/1.1\r\n\r\n");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hostile_heads() {
        assert_eq!(parse(b"GET /status HTTP/1.1\r\nHo"), Parse::Incomplete);
        assert!(matches!(parse(b"GET /\0 HTTP/1.1\r\n"), Parse::Bad(400, _)));
        assert!(matches!(parse(b"\x16\x03\x01\x02\x00"), Parse::Bad(400, _)));
        assert!(matches!(
            parse(b"GET / HTTP/2.0\r\n\r\n"),
            Parse::Bad(505, _)
        ));
        assert!(matches!(
            parse(b"GET  / HTTP/1.1\r\n\r\n"),
            Parse::Bad(400, _)
        ));
        assert!(matches!(
            parse(b"GET x HTTP/1.1\r\n\r\n"),
            Parse::Bad(400, _)
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"),
            Parse::Bad(400, _)
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n"),
            Parse::Bad(400, _)
        ));
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEAD));
        assert!(matches!(parse(&huge), Parse::Bad(431, _)));
        huge.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(parse(&huge), Parse::Bad(431, _)));
    }

    #[test]
    fn blank_lines_count_toward_the_limit() {
        // Issue #13: a client sending only CR/LF was never refused.
        let crlf = b"\r\n".repeat(MAX_HEAD / 2);
        assert!(matches!(parse(&crlf), Parse::Bad(431, _)));
        assert_eq!(parse(&crlf[..MAX_HEAD - 2]), Parse::Incomplete);
        let mut late = b"\n".repeat(MAX_HEAD - 10);
        late.extend_from_slice(b"GET /status HTTP/1.1\r\n\r\n");
        assert!(matches!(parse(&late), Parse::Bad(431, _)));
        let mut ok = b"\r\n".repeat(4);
        ok.extend_from_slice(b"GET /status HTTP/1.1\r\n\r\n");
        assert!(matches!(parse(&ok), Parse::Done(_, n) if n == ok.len()));
    }

    #[test]
    fn targets() {
        let t = split_target("/?action=download?file=ID/ID-1").unwrap();
        assert_eq!(t.path, "/");
        assert_eq!(t.param("action"), Some("download"));
        assert_eq!(t.param("file"), Some("ID/ID-1"));
        let t = split_target("/%73tatus?file=%2e%2e%2Fx&a=b+c").unwrap();
        assert_eq!(t.path, "/status");
        assert_eq!(t.param("file"), Some("../x"));
        assert_eq!(t.param("a"), Some("b c"));
        assert!(split_target("/?file=a%00b").is_none());
        assert!(split_target("/?file=%zz").is_none());
        assert!(split_target("/?file=%ff").is_none());
        assert!(split_target("/?file=%0a").is_none());
    }
}
