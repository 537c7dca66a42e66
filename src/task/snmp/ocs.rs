//! OCS Inventory's `SNMP` option (server 2.x "SNMP types"): networks and devices to scan,
//! communities, and typed lists of OIDs. Every address that answers one of the
//! communities is classified by the types' conditions (`CONDITION_OID` equal to
//! `CONDITION_VALUE`, `*` a wildcard at either end), then each matching type's OIDs are
//! read (a column is walked, its values joined with ` - `), and all devices go to the
//! server in one `QUERY=SNMP` message, one element per device named after the type's
//! table, one child per label, as the OCS server stores them.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::net::xmltree::Node;
use crate::snmp::oid::Oid;
use crate::snmp::table::OidTable;
use crate::snmp::value::Value;
use crate::snmp::{canonical, collect, Credential, Options, Request};

use super::model::leaf;

/// Most addresses scanned for one NETWORK (a /22): a bigger one is refused, since
/// walking a /16 at every run is a mistake, not a job.
pub const MAX_HOSTS_PER_NETWORK: u32 = 1024;

/// One SNMP type: its condition and its labels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnmpType {
    pub name: String,
    pub condition_oid: Option<Oid>,
    pub condition_value: String,
    pub table: String,
    /// (label, OID), in the server's order.
    pub labels: Vec<(String, Oid)>,
}

#[derive(Clone, Debug, Default)]
pub struct Job {
    pub addresses: Vec<Ipv4Addr>,
    pub credentials: Vec<Credential>,
    pub types: Vec<SnmpType>,
    /// What was skipped and why.
    pub problems: Vec<String>,
}

/// The addresses of `a.b.c.d/n` (network and broadcast excluded below /31).
pub fn hosts(subnet: &str) -> Result<Vec<Ipv4Addr>, String> {
    let (ip, bits) = subnet.split_once('/').unwrap_or((subnet, "32"));
    let ip: Ipv4Addr = ip
        .trim()
        .parse()
        .map_err(|_| format!("bad network '{subnet}'"))?;
    let bits: u32 = bits
        .trim()
        .parse()
        .ok()
        .filter(|b| *b <= 32)
        .ok_or_else(|| format!("bad network '{subnet}'"))?;
    let size = 1u64 << (32 - bits);
    if size > u64::from(MAX_HOSTS_PER_NETWORK) + 2 {
        return Err(format!(
            "network {subnet} has {size} addresses, more than the {MAX_HOSTS_PER_NETWORK} scanned per network"
        ));
    }
    let base = u32::from(ip) & (u32::MAX.checked_shl(32 - bits).unwrap_or(0));
    let range: Vec<u32> = if bits >= 31 {
        (0..size as u32).map(|i| base + i).collect()
    } else {
        (1..size as u32 - 1).map(|i| base + i).collect()
    };
    Ok(range.into_iter().map(Ipv4Addr::from).collect())
}

/// The job of the `SNMP` OPTION block.
pub fn parse(option: &Node) -> Job {
    let mut job = Job::default();
    let mut types: BTreeMap<String, SnmpType> = BTreeMap::new();
    let attr = |p: &Node, k: &str| p.attr(k).map(str::trim).unwrap_or("").to_string();
    for p in option.children_named("PARAM") {
        match p.attr("TYPE").unwrap_or("") {
            "NETWORK" => {
                for net in attr(p, "SUBNET")
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                {
                    match hosts(net) {
                        Ok(h) => job.addresses.extend(h),
                        Err(e) => job.problems.push(e),
                    }
                }
            }
            "DEVICE" => match attr(p, "IPADDR").parse::<Ipv4Addr>() {
                Ok(ip) => job.addresses.push(ip),
                Err(_) => job
                    .problems
                    .push(format!("bad DEVICE address '{}'", attr(p, "IPADDR"))),
            },
            "COMMUNITY" => {
                let version = attr(p, "VERSION");
                if version == "3" {
                    job.problems.push(
                        "SNMPv3 communities are skipped: this server sends no privacy settings"
                            .into(),
                    );
                    continue;
                }
                let v = if version == "1" { "1" } else { "2c" };
                match Credential::parse(&format!("version:{v},community:{}", attr(p, "NAME"))) {
                    Ok(c) => job.credentials.push(c),
                    Err(e) => job.problems.push(e),
                }
            }
            "SNMP_TYPE" => {
                let name = attr(p, "TYPE_NAME");
                let t = types.entry(name.clone()).or_insert_with(|| SnmpType {
                    name,
                    condition_oid: attr(p, "CONDITION_OID").parse().ok(),
                    condition_value: attr(p, "CONDITION_VALUE"),
                    table: attr(p, "TABLE_TYPE_NAME"),
                    labels: Vec::new(),
                });
                if let Ok(o) = attr(p, "OID").parse::<Oid>() {
                    let label = attr(p, "LABEL_NAME");
                    if is_name(&label) {
                        t.labels.push((label, o));
                    } else {
                        job.problems
                            .push(format!("label '{label}' is not a column name"));
                    }
                }
            }
            _ => {}
        }
    }
    job.types = types.into_values().filter(|t| is_name(&t.table)).collect();
    job.addresses.sort();
    job.addresses.dedup();
    job
}

/// A table or column name the server can use as an element name.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `value` fits `pattern` (`*` a wildcard at its start or end).
pub fn matches(pattern: &str, value: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(p), _) if p.ends_with('*') => value.contains(&p[..p.len() - 1]),
        (Some(p), _) => value.ends_with(p),
        (None, Some(p)) => value.starts_with(p),
        (None, None) => value == pattern,
    }
}

/// A value as the OCS agent writes it: text, numbers, OIDs dotted, time ticks as text,
/// binary strings as upper-case hex.
pub fn text(v: &Value) -> String {
    match v {
        Value::TimeTicks(t) => canonical::uptime(u64::from(*t)),
        Value::OctetString(b) => match std::str::from_utf8(b) {
            Ok(s)
                if !s
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') =>
            {
                s.trim_end_matches('\0').to_string()
            }
            _ => b.iter().map(|x| format!("{x:02X}")).collect(),
        },
        other => other.as_text().unwrap_or_default(),
    }
}

/// The value of `o` in `table`: itself, or its column's values joined with ` - `.
fn read(table: &OidTable, o: &Oid) -> Option<String> {
    if let Some(v) = table.get(o) {
        return Some(text(v));
    }
    let values: Vec<String> = table.below(o).map(|(_, v)| text(v)).collect();
    (!values.is_empty()).then(|| values.join(" - "))
}

/// The element of one device for one type.
pub fn element(t: &SnmpType, table: &OidTable) -> Node {
    let mut n = Node::new(&t.table);
    for (label, o) in &t.labels {
        n.children
            .push(leaf(label, &read(table, o).unwrap_or_default()));
    }
    n
}

/// Whether a device whose values are in `table` is of type `t`.
pub fn is_of(t: &SnmpType, table: &OidTable) -> bool {
    let Some(o) = &t.condition_oid else {
        return false;
    };
    match read(table, o) {
        Some(v) => t.table == "snmp_default" || matches(&t.condition_value, &v),
        None => false,
    }
}

/// Runs the scan: the CONTENT children of the QUERY=SNMP message.
pub fn scan(job: &Job, opts: &Options) -> Vec<Node> {
    // Who answers, and with which community.
    let probes: Vec<(usize, usize)> = (0..job.addresses.len())
        .flat_map(|a| (0..job.credentials.len()).map(move |c| (a, c)))
        .collect();
    let addr = |a: usize| SocketAddr::new(IpAddr::V4(job.addresses[a]), 161);
    let reqs = probes.iter().map(|(a, c)| Request {
        addr: addr(*a),
        credential: job.credentials[*c].clone(),
        context: None,
        gets: vec![crate::snmp::oid::oid("1.3.6.1.2.1.1.2.0")],
        walks: Vec::new(),
    });
    let mut chosen: BTreeMap<usize, usize> = BTreeMap::new();
    collect(reqs, opts, |k, r| {
        let (a, c) = probes[k];
        if r.is_ok_and(|t| !t.is_empty()) {
            let best = chosen.entry(a).or_insert(c);
            *best = (*best).min(c);
        }
    });
    log::info!(
        "{} of {} addresses answer SNMP",
        chosen.len(),
        job.addresses.len()
    );
    // Everything the types need, in one round.
    let mut oids: Vec<Oid> = job
        .types
        .iter()
        .flat_map(|t| {
            t.condition_oid
                .iter()
                .chain(t.labels.iter().map(|(_, o)| o))
        })
        .cloned()
        .collect();
    oids.sort();
    oids.dedup();
    let devices: Vec<(usize, usize)> = chosen.into_iter().collect();
    let reqs = devices.iter().map(|(a, c)| Request {
        addr: addr(*a),
        credential: job.credentials[*c].clone(),
        context: None,
        gets: oids.clone(),
        walks: oids.clone(),
    });
    let mut out = Vec::new();
    collect(reqs, opts, |k, r| {
        let a = devices[k].0;
        match r {
            Ok(table) => {
                let mut any = false;
                for t in job.types.iter().filter(|t| is_of(t, &table)) {
                    any = true;
                    out.push(element(t, &table));
                }
                if !any {
                    log::debug!("{}: of no SNMP type of the server", job.addresses[a]);
                }
            }
            Err(e) => log::warn!("{}: {e}", job.addresses[a]),
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::walkfile;

    #[test]
    fn networks_and_wildcards() {
        assert_eq!(hosts("127.0.0.0/30").unwrap().len(), 2);
        assert_eq!(
            hosts("127.0.0.5").unwrap(),
            vec![Ipv4Addr::new(127, 0, 0, 5)]
        );
        assert!(hosts("10.0.0.0/8").is_err());
        assert!(hosts("x/24").is_err());
        assert!(matches("Linux*", "Linux vm 6.1"));
        assert!(matches("*vm*", "Linux vm 6.1"));
        assert!(matches("*6.1", "Linux vm 6.1"));
        assert!(!matches("Linux", "Linux vm"));
    }

    #[test]
    fn job_and_elements() {
        let n = Node::parse(
            r#"<OPTION><NAME>SNMP</NAME>
            <PARAM TYPE="NETWORK" SUBNET="127.0.0.0/30"/>
            <PARAM TYPE="DEVICE" IPADDR="127.99.0.2" MACADDR="8e:03:f6:db:0f:2a"/>
            <PARAM TYPE="SNMP_TYPE" TYPE_NAME="t" CONDITION_OID="1.3.6.1.2.1.1.1.0" CONDITION_VALUE="Linux*" TABLE_TYPE_NAME="snmp_t" LABEL_NAME="SYSNAME" OID="1.3.6.1.2.1.1.5.0"/>
            <PARAM TYPE="SNMP_TYPE" TYPE_NAME="t" CONDITION_OID="1.3.6.1.2.1.1.1.0" CONDITION_VALUE="Linux*" TABLE_TYPE_NAME="snmp_t" LABEL_NAME="IFDESCR" OID="1.3.6.1.2.1.2.2.1.2"/>
            <PARAM TYPE="SNMP_TYPE" TYPE_NAME="t" CONDITION_OID="1.3.6.1.2.1.1.1.0" CONDITION_VALUE="Linux*" TABLE_TYPE_NAME="snmp_t" LABEL_NAME="UP" OID="1.3.6.1.2.1.1.3.0"/>
            <PARAM TYPE="COMMUNITY" VERSION="2c" NAME="ocstest" USERNAME="" AUTHKEY="" AUTHPASSWD=""/>
            </OPTION>"#,
        )
        .unwrap();
        let job = parse(&n);
        assert_eq!(job.addresses.len(), 3);
        assert_eq!(job.credentials.len(), 1);
        assert_eq!(job.types.len(), 1);
        assert_eq!(job.types[0].labels.len(), 3);
        let w = walkfile::parse(concat!(
            ".1.3.6.1.2.1.1.1.0 = STRING: \"Linux vm\"\n",
            ".1.3.6.1.2.1.1.3.0 = Timeticks: (648) 0:00:06.48\n",
            ".1.3.6.1.2.1.1.5.0 = STRING: \"box\"\n",
            ".1.3.6.1.2.1.2.2.1.2.1 = STRING: \"lo\"\n",
            ".1.3.6.1.2.1.2.2.1.2.2 = STRING: \"eth0\"\n",
        ));
        assert!(is_of(&job.types[0], &w.table));
        let e = element(&job.types[0], &w.table);
        assert_eq!(e.name, "snmp_t");
        assert_eq!(e.child_text("SYSNAME"), Some("box"));
        assert_eq!(e.child_text("IFDESCR"), Some("lo - eth0"));
        assert_eq!(e.child_text("UP"), Some("6.48 seconds"));
    }
}
