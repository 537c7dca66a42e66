//! What a client needs to know, as plain values: time limit, TLS trust, proxy, and the
//! configured servers with what belongs to each one's origin only — its credentials and
//! whether its certificate is checked. `net` never reads the agent's configuration:
//! the caller builds these (`agent::config`'s `From<&Config>`).

use std::fmt;

use super::tls::TlsTrust;
use super::url::Origin;

/// Seconds a client waits for a connection or an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: u64 = 180;

/// Credentials for a server. Only HTTP Basic today; bearer tokens and client
/// certificates (GLPI) are more variants, bound the same way to one origin.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Basic { user: String, password: String },
}

impl Credentials {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> String {
        match self {
            Credentials::Basic { user, password } => format!(
                "Basic {}",
                crate::encoding::base64(format!("{user}:{password}").as_bytes())
            ),
        }
    }
}

/// Never the secret, whatever prints it.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Credentials::Basic { user, .. } => write!(f, "Basic({user}:***)"),
        }
    }
}

/// A configured server: its origin, the credentials that belong to it, and whether
/// certificate checks are off for it (`no-ssl-check`). Nothing here reaches another
/// origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAccess {
    pub origin: Origin,
    pub credentials: Option<Credentials>,
    pub no_cert_check: bool,
}

/// The options of every client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetOptions {
    /// Seconds for the connection and for the answer (at least 1).
    pub timeout: u64,
    pub trust: TlsTrust,
    /// The `proxy` option; without it the `*_proxy` variables decide.
    pub proxy: Option<String>,
    pub servers: Vec<ServerAccess>,
}

impl Default for NetOptions {
    fn default() -> NetOptions {
        NetOptions {
            timeout: DEFAULT_TIMEOUT,
            trust: TlsTrust::default(),
            proxy: None,
            servers: Vec::new(),
        }
    }
}

impl NetOptions {
    /// What belongs to the origin of `url`, when it is a configured server's.
    pub fn access(&self, url: &str) -> Option<&ServerAccess> {
        let origin = Origin::of(url)?;
        self.servers.iter().find(|s| s.origin == origin)
    }
}

impl From<&NetOptions> for NetOptions {
    fn from(o: &NetOptions) -> NetOptions {
        o.clone()
    }
}
