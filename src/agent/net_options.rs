//! The configuration's network options as the plain [`NetOptions`] value `net` takes:
//! the one place that reads `timeout`, `proxy`, `ca-cert-file`/`ca-cert-dir`,
//! `no-ssl-check` and `user`/`password` for the HTTP client. Credentials and
//! `no-ssl-check` are bound to each configured server's origin.

use std::path::PathBuf;

use super::config::Config;
use super::target::{targets, Target};
use crate::net::options::{Credentials, NetOptions, ServerAccess, DEFAULT_TIMEOUT};
use crate::net::tls::TlsTrust;
use crate::net::url::{url_credentials, Origin};

impl From<&Config> for NetOptions {
    fn from(config: &Config) -> NetOptions {
        let option_user = config.text("user").map(|user| Credentials::Basic {
            user: user.to_string(),
            password: config.get("password").unwrap_or("").to_string(),
        });
        let no_cert_check = config.flag("no-ssl-check");
        let servers = targets(config)
            .into_iter()
            .filter_map(|t| match t {
                Target::Server(url) => Some(url),
                Target::Local(_) => None,
            })
            .filter_map(|url| {
                let origin = Origin::of(&url)?;
                // `user`/`password` win over the credentials written in the URL.
                let credentials = option_user.clone().or_else(|| {
                    url_credentials(&url)
                        .map(|(user, password)| Credentials::Basic { user, password })
                });
                Some(ServerAccess {
                    origin,
                    credentials,
                    no_cert_check,
                })
            })
            .collect();
        NetOptions {
            timeout: config.number("timeout", DEFAULT_TIMEOUT).max(1),
            trust: TlsTrust {
                ca_file: config.text("ca-cert-file").map(PathBuf::from),
                ca_dir: config.text("ca-cert-dir").map(PathBuf::from),
            },
            proxy: config.text("proxy").map(str::to_string),
            servers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::Origin as Given;

    #[test]
    fn credentials_and_relaxations_belong_to_the_configured_servers() {
        let mut c = Config::new();
        c.set(
            "server",
            "https://a.example/ocsinventory,http://u:p@b.example:8080/x",
            Given::CommandLine,
        )
        .unwrap();
        c.set("no-ssl-check", "1", Given::CommandLine).unwrap();
        let o = NetOptions::from(&c);
        assert_eq!(o.servers.len(), 2);
        assert!(o
            .access("https://a.example/other")
            .is_some_and(|s| s.no_cert_check));
        assert!(o.access("https://a.example:8443/x").is_none());
        assert!(o.access("http://a.example/ocsinventory").is_none());
        assert!(o.access("https://mirror.example/x").is_none());
        let b = o.access("http://b.example:8080/y").unwrap();
        assert_eq!(
            b.credentials,
            Some(Credentials::Basic {
                user: "u".into(),
                password: "p".into()
            })
        );
        c.set("user", "bob", Given::CommandLine).unwrap();
        c.set("password", "secret", Given::CommandLine).unwrap();
        let o = NetOptions::from(&c);
        assert!(o.servers.iter().all(|s| s.credentials
            == Some(Credentials::Basic {
                user: "bob".into(),
                password: "secret".into()
            })));
        assert!(!format!("{o:?}").contains("secret"));
    }
}
