//! The credential rule against hostile servers on loopback: the configured server's
//! credentials and its `no-ssl-check` belong to its origin (scheme, host, port). Another
//! address, another port, a redirect elsewhere, or plain http never receives the
//! credentials, and never gets its certificate waved through. Each hostile peer asks for
//! them with a 401 and a challenge, and records what it was sent.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

use ocsinventory_agent::agent::config::{Config, Origin};
use ocsinventory_agent::net::client::Client;

use crate::support;

const USER: &str = "site-admin";
const PASSWORD: &str = "s3cret-of-the-site";

/// What a scripted peer saw: each request's head.
type Seen = Vec<String>;

fn read_head(s: &mut impl Read) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_string)
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = s.read_exact(&mut body);
    head
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// A peer on `ip` answering connection after connection with the next of `answers`
/// (`{port}` stands for its own port), over TLS with `tls`.
fn peer(
    ip: &str,
    answers: Vec<String>,
    tls: Option<openssl::ssl::SslAcceptor>,
) -> (u16, JoinHandle<Seen>) {
    let listener = TcpListener::bind((ip, 0)).expect("loopback address");
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
                    // the client refused the certificate: nothing was sent
                    Err(_) => {
                        seen.push("(TLS handshake refused)".to_string());
                        continue;
                    }
                },
                None => Box::new(sock),
            };
            seen.push(read_head(&mut io));
            let answer = answer.replace("{port}", &port.to_string());
            let _ = io.write_all(answer.as_bytes());
            let _ = io.flush();
        }
        seen
    });
    (port, handle)
}

fn answer(status: &str, extra: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn challenge() -> String {
    answer(
        "401 Unauthorized",
        "WWW-Authenticate: Basic realm=\"give me your password\"\r\n",
        "",
    )
}

/// The agent's configuration: `server` with the site's user and password.
fn config(server: &str, no_ssl_check: bool) -> Config {
    let mut c = Config::new();
    let mut set = |k: &str, v: &str| c.set(k, v, Origin::CommandLine).unwrap();
    set("server", server);
    set("user", USER);
    set("password", PASSWORD);
    set("timeout", "10");
    if no_ssl_check {
        set("no-ssl-check", "1");
    }
    c
}

fn sent_credentials(head: &str) -> bool {
    head.to_ascii_lowercase().contains("authorization:")
        || head.contains(&ocsinventory_agent::encoding::base64(
            format!("{USER}:{PASSWORD}").as_bytes(),
        ))
}

fn get(url: &str, config: &Config) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    Client::new(url, config, "credentials-test")?
        .get_to(&mut body, 1 << 20)
        .map_err(|e| e.to_string())?;
    Ok(body)
}

/// A self-signed certificate for 127.0.0.1 and 127.0.0.2 (the openssl CLI).
fn tls(dir: &Path) -> (openssl::ssl::SslAcceptor, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,IP:127.0.0.2"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "the openssl command is needed (apt-get install openssl)"
    );
    let mut b =
        openssl::ssl::SslAcceptor::mozilla_intermediate_v5(openssl::ssl::SslMethod::tls()).unwrap();
    b.set_certificate_chain_file(&cert).unwrap();
    b.set_private_key_file(&key, openssl::ssl::SslFiletype::PEM)
        .unwrap();
    (b.build(), cert)
}

#[test]
fn the_configured_server_gets_the_credentials() {
    // The control: without it, every refusal below could be a client that never
    // authenticates at all.
    let (port, seen) = peer(
        "127.0.0.1",
        vec![challenge(), answer("200 OK", "", "ok")],
        None,
    );
    let server = format!("http://127.0.0.1:{port}/ocsinventory");
    assert_eq!(get(&server, &config(&server, false)).unwrap(), b"ok");
    let seen = seen.join().unwrap();
    assert!(!sent_credentials(&seen[0]), "not before the challenge");
    assert!(sent_credentials(&seen[1]), "{}", seen[1]);
}

#[test]
fn another_address_or_port_asking_gets_nothing() {
    let (server_port, _) = peer("127.0.0.1", vec![], None);
    let server = format!("http://127.0.0.1:{server_port}/ocsinventory");
    let config = config(&server, false);
    // a package info host at another address, a fragment host at another port of the
    // server's own address: both the hosts the server names in a DOWNLOAD option
    for ip in ["127.0.0.2", "127.0.0.1"] {
        let (port, seen) = peer(ip, vec![challenge(), challenge()], None);
        let err = get(&format!("http://{ip}:{port}/download/ID-1/info"), &config).unwrap_err();
        assert!(err.contains("401"), "{err}");
        assert!(err.contains("not sent"), "{err}");
        // wake the peer's second accept so that it ends
        let _ = std::net::TcpStream::connect((ip, port));
        let seen = seen.join().unwrap();
        assert!(
            !seen.iter().any(|h| sent_credentials(h)),
            "{ip}:{port} received the server's credentials: {seen:?}"
        );
        assert!(!err.contains(PASSWORD));
    }
}

#[test]
fn a_redirect_to_another_origin_gets_nothing() {
    // The configured server authenticates the agent, then sends its POST elsewhere.
    let (other_port, other_seen) = peer("127.0.0.2", vec![challenge(), challenge()], None);
    let (port, seen) = peer(
        "127.0.0.1",
        vec![
            challenge(),
            answer(
                "307 Temporary Redirect",
                &format!("Location: http://127.0.0.2:{other_port}/ocsinventory\r\n"),
                "",
            ),
        ],
        None,
    );
    let server = format!("http://127.0.0.1:{port}/ocsinventory");
    let client = Client::new(&server, &config(&server, false), "credentials-test").unwrap();
    let err = client.post(b"<REQUEST/>", "application/xml").unwrap_err();
    assert_eq!(err.status, Some(401), "{err}");
    let seen = seen.join().unwrap();
    assert!(sent_credentials(&seen[1]), "the server itself gets them");
    let _ = std::net::TcpStream::connect(("127.0.0.2", other_port));
    let other = other_seen.join().unwrap();
    assert!(!other.is_empty(), "the redirect was followed");
    assert!(
        !other.iter().any(|h| sent_credentials(h)),
        "the other origin received the server's credentials: {other:?}"
    );
}

#[test]
fn plain_http_on_the_servers_host_gets_nothing() {
    // The configured server is https://127.0.0.1:P; http://127.0.0.1:Q is another origin.
    let dir = support::tmpdir("ocsa-credentials", "downgrade");
    let (acceptor, _) = tls(&dir);
    let (tls_port, _) = peer("127.0.0.1", vec![], Some(acceptor));
    let server = format!("https://127.0.0.1:{tls_port}/ocsinventory");
    let config = config(&server, true);
    let (port, seen) = peer("127.0.0.1", vec![challenge(), challenge()], None);
    let err = get(&format!("http://127.0.0.1:{port}/ocsinventory"), &config).unwrap_err();
    assert!(err.contains("401"), "{err}");
    let _ = std::net::TcpStream::connect(("127.0.0.1", port));
    let seen = seen.join().unwrap();
    assert!(
        !seen.iter().any(|h| sent_credentials(h)),
        "plain http received the https server's credentials: {seen:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_ssl_check_covers_the_configured_server_only() {
    let dir = support::tmpdir("ocsa-credentials", "no-ssl-check");
    let (acceptor, _) = tls(&dir);
    let (port, seen) = peer(
        "127.0.0.1",
        vec![answer("200 OK", "", "from the server")],
        Some(acceptor.clone()),
    );
    let server = format!("https://127.0.0.1:{port}/ocsinventory");
    let config = config(&server, true);
    // the server itself, with its self-signed certificate: accepted, as asked
    assert_eq!(get(&server, &config).unwrap(), b"from the server");
    seen.join().unwrap();
    // a package host with a certificate of nobody: refused, and never asked anything
    let (other, other_seen) = peer(
        "127.0.0.2",
        vec![answer("200 OK", "", "DIGEST and command to run as root")],
        Some(acceptor),
    );
    let err = get(
        &format!("https://127.0.0.2:{other}/download/ID-1/info"),
        &config,
    )
    .unwrap_err();
    assert!(err.contains("unknown CA"), "{err}");
    let other_seen = other_seen.join().unwrap();
    assert_eq!(other_seen, ["(TLS handshake refused)"]);
    let _ = std::fs::remove_dir_all(&dir);
}
