//! HTTPS for the daemon's interface, through OpenSSL (the library native-tls uses on
//! Linux, so the agent links it anyway).
//!
//! The HTTP server only sees the [`Acceptor`] and [`Stream`] traits; the binary hands
//! [`openssl_acceptor`] to the daemon. That keeps OpenSSL out of the lean daemon binary
//! (`ocsinventory-agent-daemon`), which serves plain HTTP and so never maps the TLS
//! libraries; with `ssl-cert-file` set, the full binary is the daemon instead.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

#[cfg(not(target_vendor = "apple"))]
use openssl::ssl::{
    ErrorCode, HandshakeError, MidHandshakeSslStream, SslAcceptor, SslFiletype, SslMethod,
    SslStream,
};

/// Where a TLS handshake stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Handshake {
    Done,
    WantRead,
    WantWrite,
    Failed(String),
}

/// A server-side TLS connection over a non-blocking socket.
pub trait Stream: Read + Write + Send {
    /// The socket; `None` once a failed handshake consumed it.
    fn tcp(&self) -> Option<&TcpStream>;
    /// Moves the handshake on as far as the socket allows.
    fn handshake(&mut self) -> Handshake;
    /// Sends close_notify, best effort.
    fn close_notify(&mut self);
}

/// Makes TLS connections out of accepted sockets.
pub trait Acceptor: Send {
    fn accept(&self, sock: TcpStream) -> Option<Box<dyn Stream>>;
}

/// Builds the acceptor of the interface from the certificate and key files.
pub type Setup = fn(cert: &Path, key: &Path) -> Result<Box<dyn Acceptor>, String>;

#[cfg(not(target_vendor = "apple"))]
struct OpenSsl(SslAcceptor);

#[cfg(not(target_vendor = "apple"))]
enum OpenSslStream {
    Mid(Option<MidHandshakeSslStream<TcpStream>>),
    Ready(SslStream<TcpStream>),
}

/// The OpenSSL acceptor: Mozilla's intermediate settings, the chain and key loaded and
/// checked against each other.
#[cfg(not(target_vendor = "apple"))]
pub fn openssl_acceptor(cert: &Path, key: &Path) -> Result<Box<dyn Acceptor>, String> {
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    b.set_certificate_chain_file(cert)
        .map_err(|e| format!("cannot load ssl-cert-file {}: {e}", cert.display()))?;
    b.set_private_key_file(key, SslFiletype::PEM)
        .map_err(|e| format!("cannot load ssl-key-file {}: {e}", key.display()))?;
    b.check_private_key().map_err(|e| {
        format!(
            "ssl-key-file {} does not match ssl-cert-file {}: {e}",
            key.display(),
            cert.display()
        )
    })?;
    Ok(Box::new(OpenSsl(b.build())))
}

#[cfg(not(target_vendor = "apple"))]
impl Acceptor for OpenSsl {
    fn accept(&self, sock: TcpStream) -> Option<Box<dyn Stream>> {
        match self.0.accept(sock) {
            Ok(s) => Some(Box::new(OpenSslStream::Ready(s))),
            Err(HandshakeError::WouldBlock(m)) => Some(Box::new(OpenSslStream::Mid(Some(m)))),
            Err(_) => None,
        }
    }
}

#[cfg(not(target_vendor = "apple"))]
impl Stream for OpenSslStream {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            OpenSslStream::Ready(s) => Some(s.get_ref()),
            OpenSslStream::Mid(m) => m.as_ref().map(|m| m.get_ref()),
        }
    }

    fn handshake(&mut self) -> Handshake {
        let OpenSslStream::Mid(mid) = self else {
            return Handshake::Done;
        };
        let Some(m) = mid.take() else {
            return Handshake::Failed("handshake already failed".into());
        };
        match m.handshake() {
            Ok(s) => {
                *self = OpenSslStream::Ready(s);
                Handshake::Done
            }
            Err(HandshakeError::WouldBlock(m)) => {
                let want_write = m.error().code() == ErrorCode::WANT_WRITE;
                *mid = Some(m);
                if want_write {
                    Handshake::WantWrite
                } else {
                    Handshake::WantRead
                }
            }
            Err(e) => Handshake::Failed(e.to_string()),
        }
    }

    fn close_notify(&mut self) {
        if let OpenSslStream::Ready(s) = self {
            let _ = s.shutdown();
        }
    }
}

#[cfg(not(target_vendor = "apple"))]
impl Read for OpenSslStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            OpenSslStream::Ready(s) => s.read(buf),
            _ => Err(std::io::ErrorKind::WouldBlock.into()),
        }
    }
}

#[cfg(not(target_vendor = "apple"))]
impl Write for OpenSslStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            OpenSslStream::Ready(s) => s.write(buf),
            _ => Err(std::io::ErrorKind::WouldBlock.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            OpenSslStream::Ready(s) => s.flush(),
            _ => Ok(()),
        }
    }
}
