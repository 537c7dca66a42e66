//! Error wording: every failed exchange becomes one line a sysadmin can act on — which
//! server, and why (unknown CA, expired certificate, name mismatch, connection refused,
//! timeout, HTTP status…), naming the server by its URL without credentials.

use std::fmt;

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

/// Error texts joined with `: `, each said once: a text another one already contains is
/// dropped, one that contains an earlier one replaces it.
pub fn join_causes(parts: Vec<String>) -> String {
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

/// The one-line reason for a transport failure.
pub fn classify(
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

#[cfg(test)]
mod tests {
    use super::*;

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
