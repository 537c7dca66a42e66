//! TLS trust: which certificates a client accepts. With `ca-cert-file` or `ca-cert-dir`
//! only those CAs are trusted, else the system's. Turning the checks off
//! (`no-ssl-check`) is never decided here: the client asks for a relaxed connector only
//! for the origin of a configured server that has it ([`super::options::ServerAccess`]).

use std::path::{Path, PathBuf};

/// The CAs to trust: the system's when both are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsTrust {
    pub ca_file: Option<PathBuf>,
    pub ca_dir: Option<PathBuf>,
}

/// The connector that checks certificates against `trust`.
pub fn checking(trust: &TlsTrust) -> Result<native_tls::TlsConnector, String> {
    let mut b = native_tls::TlsConnector::builder();
    if let Some(file) = &trust.ca_file {
        let certs = load_pem_file(file)?;
        if certs.is_empty() {
            return Err(format!(
                "ca-cert-file {}: no PEM certificate in it",
                file.display()
            ));
        }
        b.disable_built_in_roots(true);
        for c in certs {
            b.add_root_certificate(c);
        }
    } else if let Some(dir) = &trust.ca_dir {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("ca-cert-dir {}: cannot read it: {e}", dir.display()))?;
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
            return Err(format!(
                "ca-cert-dir {}: no PEM certificate in it",
                dir.display()
            ));
        }
    }
    b.build().map_err(|e| format!("cannot set up TLS: {e}"))
}

/// The connector that checks certificates against the system's CAs: what a client uses
/// when the configured CAs cannot be read but its URL does not need them (http://, or
/// a server with `no-ssl-check`); any https:// host it reaches is still checked.
pub fn system() -> Result<native_tls::TlsConnector, String> {
    native_tls::TlsConnector::new().map_err(|e| format!("cannot set up TLS: {e}"))
}

/// The connector that accepts any certificate and name (`no-ssl-check`), for the
/// configured server's origin only.
pub fn unchecked() -> Result<native_tls::TlsConnector, String> {
    native_tls::TlsConnector::builder()
        .danger_accept_invalid_certs(true)
        .danger_accept_invalid_hostnames(true)
        .build()
        .map_err(|e| format!("cannot set up TLS: {e}"))
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

/// A self-signed certificate for `127.0.0.1` and its PKCS#8 key, made with the openssl CLI
/// in `dir`, for the unit tests' loopback TLS servers; `None` without the CLI.
#[cfg(test)]
pub(crate) fn test_certificate(
    dir: &std::path::Path,
) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
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
    ok.then_some((cert, key))
}
