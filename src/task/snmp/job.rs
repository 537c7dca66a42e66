//! The FusionInventory/GLPI `SNMPQUERY` job, from the stored OPTION block: PARAM (PID,
//! TIMEOUT, THREADS_QUERY), the DEVICEs to inventory (ID, IP, TYPE, AUTHSNMP_ID, PORT)
//! and the AUTHENTICATION entries they name. Pure: a tree in, a job out; a device with a
//! bad address or an unknown credential becomes an error to report, not a failed job.

use std::net::{IpAddr, SocketAddr};

use crate::net::xmltree::Node;
use crate::snmp::Credential;

/// One device of the job.
#[derive(Clone, Debug)]
pub struct JobDevice {
    pub id: String,
    pub kind: String,
    /// The address and credential, or why the device cannot be queried.
    pub target: Result<(SocketAddr, Credential), String>,
}

#[derive(Clone, Debug, Default)]
pub struct Job {
    pub pid: String,
    /// The SNMP timeout in seconds, when the server gives one.
    pub timeout: Option<u64>,
    pub devices: Vec<JobDevice>,
}

/// Attributes or child texts: servers write the job both ways.
fn field<'a>(n: &'a Node, name: &str) -> Option<&'a str> {
    n.attr(name)
        .or_else(|| n.child_text(name))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The job of an `OPTION` block (`NAME` = `SNMPQUERY`).
pub fn parse(option: &Node) -> Job {
    let param = option.child("PARAM");
    let pid = param
        .and_then(|p| field(p, "PID"))
        .unwrap_or("0")
        .to_string();
    let timeout = param
        .and_then(|p| field(p, "TIMEOUT"))
        .and_then(|t| t.parse().ok())
        .filter(|t: &u64| *t > 0);
    let creds: Vec<(String, Result<Credential, String>)> = option
        .children_named("AUTHENTICATION")
        .map(|a| {
            (
                field(a, "ID").unwrap_or("").to_string(),
                Credential::from_attributes(|k| field(a, k)),
            )
        })
        .collect();
    let devices = option
        .children_named("DEVICE")
        .map(|d| {
            let id = field(d, "ID").unwrap_or("0").to_string();
            let kind = field(d, "TYPE").unwrap_or("").to_string();
            let target = (|| {
                let ip: IpAddr = field(d, "IP")
                    .ok_or("no IP")?
                    .parse()
                    .map_err(|_| format!("bad IP '{}'", field(d, "IP").unwrap_or("")))?;
                let port = match field(d, "PORT") {
                    Some(p) => p.parse::<u16>().map_err(|_| format!("bad PORT '{p}'"))?,
                    None => 161,
                };
                let auth = field(d, "AUTHSNMP_ID").unwrap_or("");
                let cred = creds
                    .iter()
                    .find(|(cid, _)| cid == auth)
                    .ok_or_else(|| format!("no AUTHENTICATION with ID '{auth}'"))?
                    .1
                    .clone()
                    .map_err(|e| format!("AUTHENTICATION {auth}: {e}"))?;
                Ok((SocketAddr::new(ip, port), cred))
            })();
            JobDevice { id, kind, target }
        })
        .collect();
    Job {
        pid,
        timeout,
        devices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_job() {
        let n = Node::parse(
            r#"<OPTION><NAME>SNMPQUERY</NAME>
            <PARAM PID="42" TIMEOUT="5" THREADS_QUERY="4"/>
            <DEVICE ID="7" IP="127.0.2.1" TYPE="NETWORKING" AUTHSNMP_ID="1"/>
            <DEVICE ID="8" IP="127.0.2.2" PORT="1161" TYPE="PRINTER" AUTHSNMP_ID="2"/>
            <DEVICE ID="9" IP="nope" AUTHSNMP_ID="1"/>
            <DEVICE ID="10" IP="127.0.2.3" AUTHSNMP_ID="99"/>
            <AUTHENTICATION ID="1" VERSION="2c" COMMUNITY="public"/>
            <AUTHENTICATION ID="2" VERSION="3" USERNAME="u" AUTHPROTOCOL="SHA" AUTHPASSPHRASE="authpass1" PRIVPROTOCOL="AES" PRIVPASSPHRASE="privpass1"/>
            </OPTION>"#,
        )
        .unwrap();
        let j = parse(&n);
        assert_eq!(j.pid, "42");
        assert_eq!(j.timeout, Some(5));
        assert_eq!(j.devices.len(), 4);
        let (addr, cred) = j.devices[1].target.clone().unwrap();
        assert_eq!(addr, "127.0.2.2:1161".parse().unwrap());
        assert_eq!(cred.username, "u");
        assert_eq!(j.devices[1].kind, "PRINTER");
        assert!(j.devices[2].target.is_err());
        assert!(j.devices[3].target.as_ref().unwrap_err().contains("99"));
        let empty = parse(&Node::new("OPTION"));
        assert_eq!(empty.pid, "0");
        assert!(empty.devices.is_empty());
    }
}
