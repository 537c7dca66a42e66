//! The task's work for a server: the stored `SNMPQUERY` job (FusionInventory/GLPI
//! NetInventory: AGENT START, one message per device, AGENT END) and the stored `SNMP`
//! option (OCS: one `QUERY=SNMP` message for all devices found). Both were stored by the
//! last PROLOG; this child only reads them.

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::server_state::ServerState;
use crate::net::client::Client;
use crate::net::ocs;
use crate::net::xmltree::Node;

use super::device::Params;
use super::model::leaf;
use super::{job, live, local, message};

/// The User-Agent of the messages: the reference agents' task name and ours.
const USER_AGENT: &str = crate::net::ocs::USER_AGENT;

/// Sends one message; the reply (often empty) is only logged.
fn send(client: &Client, xml: &str, plain: bool) -> Result<(), String> {
    let (body, ctype) = ocs::encode_body(xml, plain);
    let reply = client.post(&body, ctype).map_err(|e| e.to_string())?;
    if !reply.is_empty() {
        if let Ok(text) = ocs::decode_body(&reply) {
            log::debug!(
                "server reply: {}",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }
    Ok(())
}

pub fn run(url: &str, config: &Config) -> Result<Report, String> {
    let server = ServerState::open(config, url)?;
    let client = Client::new(url, config, USER_AGENT)?;
    let plain = config.flag("no-compression");
    let deviceid = local::deviceid(config);
    let mut report = Report::ok();
    report.set("server", url);
    let mut did = false;
    if let Some(option) = server.option("SNMPQUERY") {
        did = true;
        let (ok, failed) = netinventory(&option, &client, plain, &deviceid, config)?;
        report.set("devices", ok);
        report.set("failed", failed);
    }
    if let Some(option) = server.option("SNMP") {
        did = true;
        let n = ocs_snmp(&option, &client, plain, &deviceid, config)?;
        report.set("ocs_devices", n);
    }
    if !did {
        report.set("message", "no SNMP job from this server");
    }
    Ok(report)
}

/// The SNMPQUERY job: (devices inventoried, devices failed).
fn netinventory(
    option: &Node,
    client: &Client,
    plain: bool,
    deviceid: &str,
    config: &Config,
) -> Result<(usize, usize), String> {
    let job = job::parse(option);
    let pid = job.pid.clone();
    log::info!("SNMPQUERY job {pid}: {} devices", job.devices.len());
    send(client, &message::agent(deviceid, &pid, true), plain)?;
    let mut opts = local::options(config);
    if let Some(t) = job.timeout {
        opts.timeout = std::time::Duration::from_secs(t.min(60));
    }
    let mut failed = 0;
    let mut targets = Vec::new();
    let mut which = Vec::new();
    for (i, d) in job.devices.iter().enumerate() {
        match &d.target {
            Ok((addr, cred)) => {
                let peer = match addr.ip() {
                    std::net::IpAddr::V4(v4) => Some(v4),
                    std::net::IpAddr::V6(_) => None,
                };
                targets.push(live::Target {
                    addr: *addr,
                    credentials: vec![cred.clone()],
                    params: Params {
                        id: d.id.clone(),
                        forced_type: Some(d.kind.clone()).filter(|k| !k.is_empty()),
                        peer,
                        ..Params::default()
                    },
                });
                which.push(i);
            }
            Err(e) => {
                failed += 1;
                log::warn!("device {}: {e}", d.id);
                send(
                    client,
                    &message::error(deviceid, &pid, &d.id, &d.kind, e),
                    plain,
                )?;
            }
        }
    }
    let mut ok = 0;
    let mut send_error = None;
    live::inventory_all(&targets, &opts, None, |k, r| {
        let d = &job.devices[which[k]];
        let xml = match r {
            Ok(dev) => {
                ok += 1;
                message::device(deviceid, &pid, &dev)
            }
            Err(e) => {
                failed += 1;
                log::warn!("device {}: {e}", d.id);
                message::error(deviceid, &pid, &d.id, &d.kind, &e)
            }
        };
        if let Err(e) = send(client, &xml, plain) {
            send_error.get_or_insert(e);
        }
    });
    if let Some(e) = send_error {
        return Err(format!("cannot send the SNMPQUERY results: {e}"));
    }
    send(client, &message::agent(deviceid, &pid, false), plain)?;
    log::info!("SNMPQUERY job {pid}: {ok} devices inventoried, {failed} failed");
    Ok((ok, failed))
}

/// The OCS SNMP scan: how many device elements were sent.
fn ocs_snmp(
    option: &Node,
    client: &Client,
    plain: bool,
    deviceid: &str,
    config: &Config,
) -> Result<usize, String> {
    let job = super::ocs::parse(option);
    for p in &job.problems {
        log::warn!("OCS SNMP: {p}");
    }
    log::info!(
        "OCS SNMP: {} addresses, {} communities, {} types",
        job.addresses.len(),
        job.credentials.len(),
        job.types.len()
    );
    let elements = super::ocs::scan(&job, &local::options(config));
    let mut req = Node::new("REQUEST");
    let mut content = Node::new("CONTENT");
    let n = elements.len();
    content.children = elements;
    req.children.push(content);
    req.children.push(leaf("DEVICEID", deviceid));
    req.children.push(leaf("QUERY", "SNMP"));
    send(client, &req.to_xml(), plain)?;
    log::info!("OCS SNMP: {n} devices sent");
    Ok(n)
}

/// Whether that server's state holds a job of this task (for the parent: a file test).
pub fn has_job(server: &ServerState) -> bool {
    server.has_option("SNMPQUERY") || server.has_option("SNMP")
}
