//! Where NETDISCOVERY messages go: one POST each to a server (its reply is ignored, as
//! the reference agents do), or a local target — stdout, a directory (one
//! `netdiscovery/<ip>.xml` per device, as the GLPI agent writes them), or one file
//! with every message in turn. Messages go out as devices are found.
//!
//! Local files are new, private files (`fsutil`): a link or another user's file
//! found at `--local FILE` is replaced, never written through.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::agent::state;
use crate::fsutil;
use crate::net::client::Client;
use crate::net::ocs;

pub enum Sink {
    /// `refused`: the server answered an HTTP error already (said once).
    Server {
        client: Client,
        plain: bool,
        refused: bool,
    },
    Stdout,
    Dir(PathBuf),
    File(File, PathBuf),
}

impl Sink {
    pub fn local(path: &str) -> Result<Sink, String> {
        if path == "-" {
            return Ok(Sink::Stdout);
        }
        let p = Path::new(path);
        if p.is_dir() {
            let d = p.join("netdiscovery");
            fsutil::create_dir_private(&d)
                .map_err(|e| format!("cannot create {}: {e}", d.display()))?;
            return Ok(Sink::Dir(d));
        }
        fsutil::replace_with_new(p)
            .map(|f| Sink::File(f, p.to_path_buf()))
            .map_err(|e| format!("cannot write {}: {e}", p.display()))
    }

    pub fn label(&self) -> String {
        match self {
            Sink::Server { client, .. } => client.url().to_string(),
            Sink::Stdout => "stdout".into(),
            Sink::Dir(d) => d.display().to_string(),
            Sink::File(_, p) => p.display().to_string(),
        }
    }

    /// Sends one message; `device_ip` names a device message's file in a directory
    /// (other messages are not written there). A server that cannot be reached is an
    /// error (the scan stops); one that answers an HTTP error is said once and the
    /// messages go on, since replies are not read (an OCS server does not know
    /// NETDISCOVERY; GLPI's plugin does).
    pub fn send(&mut self, xml: &str, device_ip: Option<&str>) -> Result<(), String> {
        match self {
            Sink::Server {
                client,
                plain,
                refused,
            } => {
                let (body, ctype) = ocs::encode_body(xml, *plain);
                match client.post(&body, ctype) {
                    Ok(_) => Ok(()),
                    Err(e) if e.status.is_some() => {
                        if !*refused {
                            log::warn!("{e} (NETDISCOVERY messages are still sent)");
                            *refused = true;
                        }
                        Ok(())
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(xml.as_bytes())
                    .and_then(|_| out.flush())
                    .map_err(|e| format!("cannot write to stdout: {e}"))
            }
            Sink::Dir(d) => match device_ip {
                Some(ip) => {
                    let f = d.join(format!("{ip}.xml"));
                    state::write_atomic(&f, xml.as_bytes())
                        .map_err(|e| format!("cannot write {}: {e}", f.display()))
                }
                None => Ok(()),
            },
            Sink::File(f, p) => f
                .write_all(xml.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", p.display())),
        }
    }
}
