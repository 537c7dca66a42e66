//! The WakeOnLan task: magic packets for the server's `WAKEONLAN` jobs and `--wakeonlan`.
//!
//! - [`magic`]: MACs, the payload and the Ethernet frame (pure);
//! - [`send`]: raw frames on every eligible interface, else UDP broadcasts.
//!
//! A malformed MAC is named in the log and skipped; the others are still sent.

pub mod magic;
pub mod send;

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::server_state::ServerState;
use crate::agent::target::Target;
use crate::net::interfaces;
use crate::net::xmltree::Node;

/// The MACs of a WAKEONLAN option (`<PARAM MAC="…"/>` each).
pub fn macs_of_option(option: &Node) -> Vec<String> {
    option
        .children_named("PARAM")
        .filter_map(|p| p.attr("MAC"))
        .map(str::to_string)
        .collect()
}

pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    let given = match target {
        Target::Local(_) => config.list("wakeonlan"),
        Target::Server(url) => ServerState::open(config, url)?
            .option("WAKEONLAN")
            .map(|o| macs_of_option(&o))
            .unwrap_or_default(),
    };
    let mut macs = Vec::new();
    let mut bad = 0;
    for m in &given {
        match magic::parse_mac(m) {
            Ok(mac) => {
                if !macs.contains(&mac) {
                    macs.push(mac)
                }
            }
            Err(e) => {
                bad += 1;
                log::error!("{e}: no magic packet for it");
            }
        }
    }
    if macs.is_empty() {
        return Err(format!("no valid MAC address among {} given", given.len()));
    }
    let list = interfaces::list();
    let (method, line) = wake(&macs, &list)?;
    log::info!("{line}");
    let mut report = Report::ok();
    report
        .set("sent", macs.len())
        .set("invalid", bad)
        .set(
            "method",
            match method {
                send::Method::Ethernet => "ethernet",
                send::Method::Udp => "udp",
            },
        )
        .set("message", line);
    Ok(report)
}

/// Wakes every MAC: raw frames when allowed and some interface qualifies, else UDP.
fn wake(
    macs: &[[u8; 6]],
    list: &[interfaces::Interface],
) -> Result<(send::Method, String), String> {
    let names = |m: &[[u8; 6]]| {
        m.iter()
            .map(magic::format_mac)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let eligible = send::eligible(list);
    match send::raw_socket() {
        Ok(fd) if !eligible.is_empty() => {
            let mut on: Vec<String> = Vec::new();
            for m in macs {
                for name in send::ethernet(&fd, m, &eligible) {
                    if !on.contains(&name) {
                        on.push(name);
                    }
                }
            }
            if !on.is_empty() {
                return Ok((
                    send::Method::Ethernet,
                    format!(
                        "magic packets for {} sent as Ethernet frames on {}",
                        names(macs),
                        on.join(", ")
                    ),
                ));
            }
            log::warn!("no frame could be sent: trying UDP broadcasts");
        }
        Ok(_) => log::info!("no up, non-loopback interface with an address: trying UDP broadcasts"),
        Err(e) => log::info!(
            "raw Ethernet socket refused ({e}): sending UDP broadcasts to port 9 instead"
        ),
    }
    let dests = send::udp_destinations(list);
    let mut to = Vec::new();
    for m in macs {
        for d in send::udp(m, &dests)? {
            if !to.contains(&d) {
                to.push(d);
            }
        }
    }
    if to.is_empty() {
        return Err(format!(
            "magic packets for {} not sent: no broadcast destination reachable",
            names(macs)
        ));
    }
    Ok((
        send::Method::Udp,
        format!(
            "magic packets for {} sent by UDP to {} port {}",
            names(macs),
            to.iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            send::UDP_PORT
        ),
    ))
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply (a stored job file exists, a by-hand option is
/// set).
pub fn has_job(target: &Target, config: &Config) -> bool {
    match target {
        Target::Local(_) => !config.list("wakeonlan").is_empty(),
        Target::Server(url) => {
            ServerState::open(config, url).is_ok_and(|s| s.has_option("WAKEONLAN"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_macs() {
        let o = Node::parse(
            "<OPTION><NAME>WAKEONLAN</NAME><PARAM MAC=\"00:11:22:33:44:55\"/><PARAM MAC=\"bad\"/><PARAM/></OPTION>",
        )
        .unwrap();
        assert_eq!(macs_of_option(&o), vec!["00:11:22:33:44:55", "bad"]);
    }
}
