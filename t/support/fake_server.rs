//! A fake OCS server on loopback for what the real one cannot do on demand: answer
//! slowly, answer garbage or an HTTP error, ask for authentication. It answers each
//! request with the next [`Reply`] of its script, then stops listening.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with a zlib-compressed XML body.
    Xml(&'static str),
    /// 200 with these raw bytes.
    Raw(&'static [u8]),
    /// An HTTP error status with an HTML body.
    Status(u16),
    /// 401 unless the request carries `Authorization: Basic <token>`, then the XML.
    NeedAuth(&'static str, &'static str),
    /// Waits this long before answering anything.
    Slow(Duration),
}

/// What the fake saw: each request's head (request line and headers) and body size.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub requests: Vec<(String, usize)>,
}

pub struct FakeServer {
    pub port: u16,
    pub seen: Arc<Mutex<Seen>>,
    handle: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Listens on 127.0.0.1 (any free port) and plays `script`, one reply per request.
    pub fn start(script: Vec<Reply>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let seen2 = Arc::clone(&seen);
        let handle = std::thread::spawn(move || {
            for reply in script {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                // NeedAuth answers twice on the same script step (challenge, then retry).
                let again = serve(stream, &reply, &seen2);
                if again {
                    if let Ok((stream, _)) = listener.accept() {
                        serve(stream, &reply, &seen2);
                    }
                }
            }
        });
        FakeServer {
            port,
            seen,
            handle: Some(handle),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/ocsinventory", self.port)
    }

    /// Waits until the script is played.
    pub fn finish(mut self) -> Seen {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        let seen = self.seen.lock().unwrap().clone();
        seen
    }
}

fn zlib(text: &str) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

/// Reads one request; returns its head.
fn read_request(stream: &mut TcpStream) -> (String, usize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = stream.read_exact(&mut body);
    (head, len)
}

/// Serves one connection; true when the same step must answer one more request.
fn serve(mut stream: TcpStream, reply: &Reply, seen: &Mutex<Seen>) -> bool {
    let (head, len) = read_request(&mut stream);
    seen.lock().unwrap().requests.push((head.clone(), len));
    let respond = |stream: &mut TcpStream, status: &str, ctype: &str, body: &[u8]| {
        let mut out = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        if status.starts_with("401") {
            out.push_str("WWW-Authenticate: Basic realm=\"OCS test\"\r\n");
        }
        out.push_str("\r\n");
        let _ = stream.write_all(out.as_bytes());
        let _ = stream.write_all(body);
        let _ = stream.flush();
    };
    match reply {
        Reply::Xml(x) => respond(&mut stream, "200 OK", "application/x-compressed", &zlib(x)),
        Reply::Raw(b) => respond(&mut stream, "200 OK", "application/x-compressed", b),
        Reply::Status(code) => respond(
            &mut stream,
            &format!("{code} Error"),
            "text/html; charset=iso-8859-1",
            b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\"><html><body>error</body></html>",
        ),
        Reply::NeedAuth(token, x) => {
            let ok = head
                .lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("authorization: basic {token}")));
            if ok {
                respond(&mut stream, "200 OK", "application/x-compressed", &zlib(x));
            } else {
                respond(&mut stream, "401 Unauthorized", "text/html", b"auth");
                return true;
            }
        }
        Reply::Slow(d) => {
            std::thread::sleep(*d);
        }
    }
    false
}
