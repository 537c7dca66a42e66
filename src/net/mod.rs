//! Talking to servers.
//!
//! - [`client`]: the HTTP(S) client: requests, redirects, what each hop may receive;
//! - [`options`]: what a client is told, as plain values (timeout, TLS trust, proxy, and
//!   each configured server's credentials and `no-ssl-check`, bound to its origin);
//! - [`url`]: origins, URLs without credentials, references made absolute;
//! - [`proxy`]: the proxy for a URL (option, `*_proxy` and `no_proxy` variables);
//! - [`tls`]: the CAs trusted, and the unchecked connector for the servers that ask;
//! - [`error`]: one-line error messages that say which server and why;
//! - [`ocs`]: the OCS protocol on top of it — PROLOG and INVENTORY messages, zlib bodies,
//!   reply decoding (zlib, gzip or plain, whatever the server answered) and parsing;
//! - [`xmltree`]: the small XML tree server replies are read into (element order free,
//!   attributes and text both kept), also what the other tasks get their OPTION blocks as;
//! - [`interfaces`]: this machine's interfaces (addresses, masks, MACs) for the network
//!   tasks (IPDISCOVER's network, Wake-on-LAN's frames).
//!
//! Nothing here reads the agent's configuration or knows about schedules or state
//! files: that is the caller's business (`agent::net_options`, `agent::schedule`).

pub mod client;
pub mod error;
pub mod interfaces;
pub mod ocs;
pub mod options;
pub mod proxy;
pub mod tls;
pub mod url;
pub mod xmltree;
