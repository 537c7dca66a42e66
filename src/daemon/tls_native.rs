//! HTTPS for the daemon's interface through native-tls: the system's TLS library, which
//! on macOS is Security.framework (src/daemon/tls.rs uses OpenSSL directly, which macOS
//! does not ship; Cargo.toml says why it is not pulled in there). Built everywhere, so
//! that it is tested on Linux (where native-tls is OpenSSL again); used on macOS.
//!
//! Two differences from the OpenSSL acceptor, both of native-tls' interface:
//! - the key must be PKCS#8 (`-----BEGIN PRIVATE KEY-----`; `openssl pkcs8 -topk8
//!   -nocrypt` converts an RSA or EC key), and on macOS the identity lives in a temporary
//!   keychain for as long as the daemon runs;
//! - a handshake that would block does not say whether it waits to read or to write: it
//!   is reported as waiting to read. A server's handshake flight (a few kB) fits in any
//!   socket's send buffer, so in practice it only ever waits for the client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use native_tls::{HandshakeError, Identity, MidHandshakeTlsStream, TlsAcceptor, TlsStream};

use super::tls::{Acceptor, Handshake, Stream};

struct Native(TlsAcceptor);

enum NativeStream {
    Mid(Option<MidHandshakeTlsStream<TcpStream>>),
    Ready(TlsStream<TcpStream>),
}

/// The acceptor: the certificate chain and its PKCS#8 key, TLS 1.2 at least.
pub fn acceptor(cert: &Path, key: &Path) -> Result<Box<dyn Acceptor>, String> {
    let chain = std::fs::read(cert)
        .map_err(|e| format!("cannot read ssl-cert-file {}: {e}", cert.display()))?;
    let pkcs8 = std::fs::read(key)
        .map_err(|e| format!("cannot read ssl-key-file {}: {e}", key.display()))?;
    if !pkcs8.starts_with(b"-----BEGIN PRIVATE KEY-----") {
        return Err(format!(
            "ssl-key-file {} is not a PKCS#8 key (-----BEGIN PRIVATE KEY-----): convert it with `openssl pkcs8 -topk8 -nocrypt`",
            key.display()
        ));
    }
    let identity = Identity::from_pkcs8(&chain, &pkcs8).map_err(|e| {
        format!(
            "cannot load ssl-cert-file {} with ssl-key-file {}: {e}",
            cert.display(),
            key.display()
        )
    })?;
    let acceptor = TlsAcceptor::builder(identity)
        .min_protocol_version(Some(native_tls::Protocol::Tlsv12))
        .build()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    Ok(Box::new(Native(acceptor)))
}

impl Acceptor for Native {
    fn accept(&self, sock: TcpStream) -> Option<Box<dyn Stream>> {
        match self.0.accept(sock) {
            Ok(s) => Some(Box::new(NativeStream::Ready(s))),
            Err(HandshakeError::WouldBlock(m)) => Some(Box::new(NativeStream::Mid(Some(m)))),
            Err(HandshakeError::Failure(_)) => None,
        }
    }
}

impl Stream for NativeStream {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            NativeStream::Ready(s) => Some(s.get_ref()),
            NativeStream::Mid(m) => m.as_ref().map(|m| m.get_ref()),
        }
    }

    fn handshake(&mut self) -> Handshake {
        let NativeStream::Mid(mid) = self else {
            return Handshake::Done;
        };
        let Some(m) = mid.take() else {
            return Handshake::Failed("handshake already failed".into());
        };
        match m.handshake() {
            Ok(s) => {
                *self = NativeStream::Ready(s);
                Handshake::Done
            }
            Err(HandshakeError::WouldBlock(m)) => {
                *mid = Some(m);
                Handshake::WantRead
            }
            Err(HandshakeError::Failure(e)) => Handshake::Failed(e.to_string()),
        }
    }

    fn close_notify(&mut self) {
        if let NativeStream::Ready(s) = self {
            let _ = s.shutdown();
        }
    }
}

impl Read for NativeStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            NativeStream::Ready(s) => s.read(buf),
            _ => Err(std::io::ErrorKind::WouldBlock.into()),
        }
    }
}

impl Write for NativeStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            NativeStream::Ready(s) => s.write(buf),
            _ => Err(std::io::ErrorKind::WouldBlock.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            NativeStream::Ready(s) => s.flush(),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsinv-tlsn-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// A non-blocking handshake driven as the daemon's loop does, then a request and its
    /// answer both ways.
    #[test]
    fn a_client_is_served_over_a_non_blocking_handshake() {
        let d = tmp("serve");
        let Some((cert, key)) = crate::net::tls::test_certificate(&d) else {
            eprintln!("skipped: the openssl command is needed to make a certificate");
            return;
        };
        let acceptor = acceptor(&cert, &key).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = native_tls::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap();
        let client = std::thread::spawn(move || {
            let c = native_tls::TlsConnector::builder()
                .add_root_certificate(root)
                .build()
                .unwrap();
            let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let mut s = c.connect("127.0.0.1", tcp).unwrap();
            s.write_all(b"GET /status\r\n").unwrap();
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer);
            answer
        });
        let (sock, _) = listener.accept().unwrap();
        sock.set_nonblocking(true).unwrap();
        let mut s = acceptor.accept(sock).expect("accepted");
        let t = Instant::now();
        loop {
            match s.handshake() {
                Handshake::Done => break,
                Handshake::WantRead | Handshake::WantWrite => {
                    assert!(t.elapsed() < Duration::from_secs(10), "handshake stuck");
                    std::thread::sleep(Duration::from_millis(5));
                }
                Handshake::Failed(e) => panic!("handshake failed: {e}"),
            }
        }
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while !got.ends_with(b"\r\n") {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(t.elapsed() < Duration::from_secs(10), "request stuck");
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => panic!("read: {e}"),
            }
        }
        assert_eq!(got, b"GET /status\r\n");
        s.write_all(b"ok").unwrap();
        s.close_notify();
        drop(s);
        assert_eq!(client.join().unwrap(), b"ok");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_key_that_is_not_pkcs8_is_refused_with_the_way_out() {
        let d = tmp("pkcs1");
        std::fs::write(d.join("c.pem"), "").unwrap();
        std::fs::write(
            d.join("k.pem"),
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
        )
        .unwrap();
        let err = acceptor(&d.join("c.pem"), &d.join("k.pem")).err().unwrap();
        assert!(err.contains("openssl pkcs8 -topk8"), "{err}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
