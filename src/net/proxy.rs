//! Proxy choice: the `proxy` option, else the `*_proxy` variables unless `no_proxy` names
//! the host. A proxy's own credentials (`http://user:pass@proxy:3128`) go to the proxy
//! only (`Proxy-Authorization`, or the CONNECT of an https:// request), never to a server.

use super::url::host_of;

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
}
