//! Talking to servers.
//!
//! - [`client`]: the HTTP(S) client — TLS verification and trust anchors, HTTP Basic
//!   authentication, proxies (option and `*_proxy` variables), time limits, and one-line
//!   error messages that say which server and why;
//! - [`ocs`]: the OCS protocol on top of it — PROLOG and INVENTORY messages, zlib bodies,
//!   reply decoding (zlib, gzip or plain, whatever the server answered) and parsing;
//! - [`xmltree`]: the small XML tree server replies are read into (element order free,
//!   attributes and text both kept), also what the other tasks get their OPTION blocks as;
//! - [`interfaces`]: this machine's interfaces (addresses, masks, MACs) for the network
//!   tasks (IPDISCOVER's network, Wake-on-LAN's frames).
//!
//! Nothing here knows about schedules or state files: that is the caller's business
//! (`agent::schedule`, `task::inventory::server`).

pub mod client;
pub mod interfaces;
pub mod ocs;
pub mod xmltree;
