//! NetDiscovery and the SNMP engine against real `snmpd` agents on 127.0.1.x (started
//! and stopped by the test), and the agent's `--netdiscovery` end to end.

mod support;

use std::time::{Duration, Instant};

use ocsinventory_agent::snmp::{self, oid::oid, Credential, Request};
use support::snmpd::{Agent, Snmpd};

fn req(addr: &str, cred: &Credential) -> Request {
    Request {
        addr: format!("{addr}:161").parse().unwrap(),
        credential: cred.clone(),
        context: None,
        gets: vec![oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.1.0")],
        walks: vec![oid("1.3.6.1.2.1.2.2.1.2")],
    }
}

#[test]
fn engine_reads_v1_v2c_v3_and_fails_cleanly() {
    let _a = Snmpd::start(&Agent {
        addr: "127.0.1.1",
        community: "ocsdisc",
        name: "disc-engine",
        v3user: Some(("ocsuser", "authpass123", "privpass123")),
    });
    let v2 = Credential::parse("version:2c,community:ocsdisc").unwrap();
    let v1 = Credential::parse("version:1,community:ocsdisc").unwrap();
    let v3 = Credential::parse(
        "version:3,username:ocsuser,authprotocol:sha,authpassword:authpass123,privprotocol:aes,privpassword:privpass123",
    )
    .unwrap();
    let bad3 = Credential::parse(
        "version:3,username:ocsuser,authprotocol:sha,authpassword:wrongpass1,privprotocol:aes,privpassword:privpass123",
    )
    .unwrap();
    let wrong = Credential::parse("version:2c,community:nope").unwrap();
    let reqs = vec![
        req("127.0.1.1", &v2),
        req("127.0.1.1", &v1),
        req("127.0.1.1", &v3),
        req("127.0.1.1", &bad3),
        req("127.0.1.1", &wrong),
        req("127.0.1.99", &v2),
    ];
    let opts = snmp::Options {
        timeout: Duration::from_millis(500),
        retries: 1,
        ..Default::default()
    };
    let mut results = vec![None; reqs.len()];
    let t = Instant::now();
    snmp::collect(reqs, &opts, |i, r| results[i] = Some(r));
    eprintln!("collect: {:?}", t.elapsed());
    for (i, r) in results.iter().enumerate() {
        eprintln!("{i}: {:?}", r.as_ref().map(|r| r.as_ref().map(|t| t.len())));
    }
    for (i, r) in results.iter().take(3).enumerate() {
        let t = r.clone().unwrap().unwrap();
        assert_eq!(
            t.get(&oid("1.3.6.1.2.1.1.5.0")).unwrap().to_string(),
            "disc-engine",
            "request {i}"
        );
        assert!(t.column(&oid("1.3.6.1.2.1.2.2.1.2")).count() >= 1, "{i}");
    }
    let e = results[3].clone().unwrap().unwrap_err();
    assert!(e.contains("authentication password"), "{e}");
    let e = results[4].clone().unwrap().unwrap_err();
    assert!(e.contains("no SNMP answer"), "{e}");
    let e = results[5].clone().unwrap().unwrap_err();
    assert!(e.contains("port unreachable"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(3));
}
