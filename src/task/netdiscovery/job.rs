//! What to scan: a server's NETDISCOVERY job (PARAM, RANGEIP, AUTHENTICATION), or the
//! command line's `--netdiscovery`, `--credentials`, `--snmp-timeout`.
//!
//! PARAM THREADS_DISCOVERY (and the legacy CORE_DISCOVERY) are not used: the scan has
//! no threads, every address of the window is in flight at once (see `scan`). RANGEIP
//! PORT and PROTOCOL are not used either: SNMP goes to UDP/IPv4 port 161.

use std::time::Duration;

use crate::net::xmltree::Node;
use crate::snmp::Credential;

use super::range::{Range, MAX_ADDRESSES};

/// The per-try SNMP timeout by hand.
pub const DEFAULT_SNMP_TIMEOUT: Duration = Duration::from_secs(1);
/// A server job's TIMEOUT (FusionInventory's default is 60 s) is per request; a scan
/// keeps hundreds of addresses in flight and a silent address is a dead one, so waiting
/// longer than this for one answer only makes the scan slower, never more complete.
pub const MAX_SNMP_TIMEOUT: Duration = Duration::from_secs(5);

/// One range and what the server attached to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRange {
    pub range: Range,
    pub entity: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Job {
    /// PROCESSNUMBER of the messages (the server's PID), empty by hand.
    pub pid: String,
    pub ranges: Vec<JobRange>,
    pub credentials: Vec<Credential>,
    pub snmp_timeout: Duration,
}

impl Job {
    pub fn addresses(&self) -> u64 {
        self.ranges.iter().map(|r| r.range.len()).sum()
    }
}

/// The job of a NETDISCOVERY option, and a line for each thing in it that was left out.
pub fn from_option(option: &Node) -> (Option<Job>, Vec<String>) {
    let mut problems = Vec::new();
    let param = option.child("PARAM");
    let Some(pid) = param
        .and_then(|p| p.attr("PID"))
        .filter(|p| !p.trim().is_empty())
    else {
        return (
            None,
            vec!["NETDISCOVERY job without PARAM PID: ignored".into()],
        );
    };
    let timeout = param
        .and_then(|p| p.attr("TIMEOUT"))
        .and_then(|t| t.trim().parse::<u64>().ok())
        .filter(|t| *t > 0)
        .map_or(MAX_SNMP_TIMEOUT, |t| {
            Duration::from_secs(t).min(MAX_SNMP_TIMEOUT)
        });
    let mut ranges = Vec::new();
    for r in option.children_named("RANGEIP") {
        let (Some(a), Some(b)) = (r.attr("IPSTART"), r.attr("IPEND")) else {
            problems.push(format!(
                "RANGEIP {} without IPSTART/IPEND: skipped",
                r.attr("ID").unwrap_or("?")
            ));
            continue;
        };
        match Range::from_bounds(a, b) {
            Ok(range) => ranges.push(JobRange {
                range,
                entity: r.attr("ENTITY").map(str::to_string),
            }),
            Err(e) => problems.push(e),
        }
    }
    let mut credentials = Vec::new();
    for a in option.children_named("AUTHENTICATION") {
        match Credential::from_attributes(|k| a.attr(k)) {
            Ok(c) => credentials.push(c),
            Err(e) => problems.push(format!(
                "AUTHENTICATION {}: {e}: skipped",
                a.attr("ID").unwrap_or("?")
            )),
        }
    }
    if ranges.is_empty() {
        problems.push(format!(
            "NETDISCOVERY job {pid} has no usable range: nothing to scan"
        ));
        return (None, problems);
    }
    let job = Job {
        pid: pid.trim().to_string(),
        ranges,
        credentials,
        snmp_timeout: timeout,
    };
    (cap(job, &mut problems), problems)
}

/// Drops ranges beyond [`MAX_ADDRESSES`] in all.
fn cap(mut job: Job, problems: &mut Vec<String>) -> Option<Job> {
    let mut total = 0;
    job.ranges.retain(|r| {
        total += r.range.len();
        let keep = total <= MAX_ADDRESSES;
        if !keep {
            problems.push(format!(
                "range {} skipped: the job would exceed {MAX_ADDRESSES} addresses",
                r.range
            ));
        }
        keep
    });
    (!job.ranges.is_empty()).then_some(job)
}

/// The job of the command line.
pub fn by_hand(
    ranges: &[String],
    credentials: &[String],
    timeout: Option<&str>,
) -> (Option<Job>, Vec<String>) {
    let mut problems = Vec::new();
    let mut rs = Vec::new();
    for r in ranges {
        match Range::parse(r) {
            Ok(range) => rs.push(JobRange {
                range,
                entity: None,
            }),
            Err(e) => problems.push(e),
        }
    }
    let mut creds = Vec::new();
    for c in Credential::parse_list(credentials) {
        match c {
            Ok(c) => creds.push(c),
            Err(e) => problems.push(format!("{e}: skipped")),
        }
    }
    let snmp_timeout = match timeout.map(|t| t.trim().parse::<f64>()) {
        None => DEFAULT_SNMP_TIMEOUT,
        Some(Ok(t)) if t > 0.0 && t <= 60.0 => Duration::from_secs_f64(t),
        Some(_) => {
            problems.push(format!(
                "snmp-timeout '{}' is not a number of seconds (0-60]: using 1",
                timeout.unwrap_or_default()
            ));
            DEFAULT_SNMP_TIMEOUT
        }
    };
    if rs.is_empty() {
        problems.push("no usable range to scan".into());
        return (None, problems);
    }
    let job = Job {
        // What FusionInventory's fusioninventory-netdiscovery sends by hand.
        pid: "1".into(),
        ranges: rs,
        credentials: creds,
        snmp_timeout,
    };
    (cap(job, &mut problems), problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_job() {
        let x = r#"<OPTION><NAME>NETDISCOVERY</NAME>
          <PARAM PID="12" THREADS_DISCOVERY="10" TIMEOUT="60"/>
          <RANGEIP ID="1" IPSTART="127.0.1.1" IPEND="127.0.1.40" ENTITY="0"/>
          <RANGEIP ID="2" IPSTART="127.0.1.1"/>
          <RANGEIP ID="3" IPSTART="10.0.0.0" IPEND="10.255.255.255"/>
          <AUTHENTICATION ID="4" VERSION="2c" COMMUNITY="public"/>
          <AUTHENTICATION ID="5" VERSION="2c" COMMUNITY=""/>
          <AUTHENTICATION ID="6" VERSION="3" USERNAME="u" AUTHPROTOCOL="SHA" AUTHPASSPHRASE="12345678"/>
        </OPTION>"#;
        let (job, problems) = from_option(&Node::parse(x).unwrap());
        let job = job.unwrap();
        assert_eq!(job.pid, "12");
        assert_eq!(job.ranges.len(), 1);
        assert_eq!(job.ranges[0].entity.as_deref(), Some("0"));
        assert_eq!(job.credentials.len(), 2);
        assert_eq!(job.credentials[0].id, "4");
        assert_eq!(job.snmp_timeout, MAX_SNMP_TIMEOUT);
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn jobs_without_range_or_pid() {
        let (j, p) = from_option(
            &Node::parse("<OPTION><NAME>NETDISCOVERY</NAME><PARAM PID=\"1\"/></OPTION>").unwrap(),
        );
        assert!(j.is_none());
        assert!(p[0].contains("no usable range"), "{p:?}");
        let (j, p) =
            from_option(&Node::parse("<OPTION><NAME>NETDISCOVERY</NAME></OPTION>").unwrap());
        assert!(j.is_none());
        assert!(p[0].contains("PID"));
    }

    #[test]
    fn command_line() {
        let items: Vec<String> =
            "version:2c,community:a,version:3,username:u,authprotocol:md5,authpassword:12345678"
                .split(',')
                .map(String::from)
                .collect();
        let (j, p) = by_hand(
            &["127.0.1.0/24".into(), "10.0.0.0/8".into()],
            &items,
            Some("0.5"),
        );
        let j = j.unwrap();
        assert_eq!(j.credentials.len(), 2);
        assert_eq!(j.snmp_timeout, Duration::from_millis(500));
        assert_eq!(p.len(), 1);
    }
}
