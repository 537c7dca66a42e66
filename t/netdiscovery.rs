//! NetDiscovery and the SNMP engine against real `snmpd` agents on 127.0.1.x and fake
//! responders (all started and stopped by the tests), and the agent's `--netdiscovery`
//! and server jobs end to end. Scans stay in 127.0.1.0/24.

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ocsinventory_agent::net::xmltree::Node;
use ocsinventory_agent::snmp::message::{self, Incoming, Pdu};
use ocsinventory_agent::snmp::{self, oid::oid, Credential, Request, Value};
use support::snmpd::{Agent, Snmpd};

const V3: &str = "version:3,username:ocsuser,authprotocol:sha,authpassword:authpass123,privprotocol:aes,privpassword:privpass123";

fn req(addr: &str, cred: &Credential) -> Request {
    Request {
        addr: format!("{addr}:161").parse().unwrap(),
        credential: cred.clone(),
        context: None,
        gets: vec![oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.1.0")],
        walks: vec![oid("1.3.6.1.2.1.2.2.1.2")],
    }
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocsdisc-t-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn opts(ms: u64) -> snmp::Options {
    snmp::Options {
        timeout: Duration::from_millis(ms),
        retries: 1,
        ..Default::default()
    }
}

#[test]
#[cfg_attr(missing_snmpd, ignore = "needs snmpd: apt-get install snmpd snmp")]
fn engine_reads_v1_v2c_v3_and_fails_cleanly() {
    let _a = Snmpd::start(&Agent {
        addr: "127.0.1.50",
        community: "ocsdisc",
        name: "disc-engine",
        v3user: Some(("ocsuser", "authpass123", "privpass123")),
        descr: None,
        extra: "createUser md5des MD5 authpass123 DES privpass123\nrouser md5des authpriv\n\
                createUser sha256 SHA-256 authpass123 AES privpass123\nrouser sha256 authpriv\n\
                createUser authonly SHA authpass123\nrouser authonly auth\n",
    });
    let v2 = Credential::parse("version:2c,community:ocsdisc").unwrap();
    let v1 = Credential::parse("version:1,community:ocsdisc").unwrap();
    let v3 = Credential::parse(V3).unwrap();
    let bad3 = Credential::parse(&V3.replace("authpass123", "wrongpass1")).unwrap();
    let wrong = Credential::parse("version:2c,community:nope").unwrap();
    let other = |user: &str, auth: &str, privacy: &str| {
        Credential::parse(&format!(
            "version:3,username:{user},authprotocol:{auth},authpassword:authpass123{privacy}"
        ))
        .unwrap()
    };
    let reqs = vec![
        req("127.0.1.50", &v2),
        req("127.0.1.50", &v1),
        req("127.0.1.50", &v3),
        req(
            "127.0.1.50",
            &other(
                "md5des",
                "md5",
                ",privprotocol:des,privpassword:privpass123",
            ),
        ),
        req(
            "127.0.1.50",
            &other(
                "sha256",
                "sha256",
                ",privprotocol:aes,privpassword:privpass123",
            ),
        ),
        req("127.0.1.50", &other("authonly", "sha", "")),
        req("127.0.1.50", &bad3),
        req("127.0.1.50", &wrong),
        req("127.0.1.99", &v2),
    ];
    let mut results = vec![None; reqs.len()];
    let t = Instant::now();
    snmp::collect(reqs, &opts(500), |i, r| results[i] = Some(r));
    for (i, r) in results.iter().enumerate() {
        eprintln!("{i}: {:?}", r.as_ref().map(|r| r.as_ref().map(|t| t.len())));
    }
    for (i, r) in results.iter().take(6).enumerate() {
        let t = r.clone().unwrap().unwrap();
        assert_eq!(
            t.get(&oid("1.3.6.1.2.1.1.5.0")).unwrap().to_string(),
            "disc-engine",
            "request {i}"
        );
        assert!(t.column(&oid("1.3.6.1.2.1.2.2.1.2")).count() >= 1, "{i}");
    }
    let e = results[6].clone().unwrap().unwrap_err();
    assert!(e.contains("authentication password"), "{e}");
    let e = results[7].clone().unwrap().unwrap_err();
    assert!(e.contains("no SNMP answer"), "{e}");
    let e = results[8].clone().unwrap().unwrap_err();
    assert!(e.contains("port unreachable"), "{e}");
    // Everything in flight at once: about the two tries of the silent one.
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

/// How a fake agent misbehaves.
#[derive(Clone, Copy)]
enum Fake {
    /// Garbage, a truncated answer and an answer with another request id, never the
    /// right one.
    Garbage,
    /// Walks answer the same OID again and again.
    Loop,
    /// Walks never end (a new, greater OID each time).
    Endless,
}

/// A fake SNMP agent on `addr`:161, in a thread that ends with the test process.
fn fake_agent(addr: &str, kind: Fake) {
    let s = UdpSocket::bind((addr, 161)).expect("bind fake agent");
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        let mut n_row = 0u32;
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let Ok(Incoming::Community { pdu, .. }) = message::decode(&buf[..n]) else {
                continue;
            };
            let reply = |p: &Pdu| message::encode_community(1, b"x", p);
            match kind {
                Fake::Garbage => {
                    let mut wrong = pdu.clone();
                    wrong.kind = message::RESPONSE;
                    wrong.request_id = wrong.request_id.wrapping_add(1);
                    let good = reply(&wrong);
                    let _ = s.send_to(&good, from);
                    let _ = s.send_to(&good[..good.len() / 2], from);
                    let _ = s.send_to(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 1], from);
                    let _ = s.send_to(&[0xff; 300], from);
                }
                Fake::Loop | Fake::Endless => {
                    let mut r = pdu.clone();
                    r.kind = message::RESPONSE;
                    let base = pdu.varbinds[0].0.clone();
                    r.varbinds = vec![(
                        match kind {
                            Fake::Loop => oid("1.3.6.1.2.1.2.2.1.2.1"),
                            _ => {
                                n_row += 1;
                                oid("1.3.6.1.2.1.2.2.1.2").child(&[n_row])
                            }
                        },
                        Value::OctetString(b"eth".to_vec()),
                    )];
                    if pdu.kind == message::GET {
                        r.varbinds = vec![(base, Value::Integer(1))];
                    }
                    let _ = s.send_to(&reply(&r), from);
                }
            }
        }
    });
}

#[test]
fn engine_bounds_misbehaving_agents() {
    fake_agent("127.0.1.60", Fake::Garbage);
    fake_agent("127.0.1.61", Fake::Loop);
    fake_agent("127.0.1.62", Fake::Endless);
    let v2 = Credential::parse("version:2c,community:x").unwrap();
    let reqs = vec![
        req("127.0.1.60", &v2),
        req("127.0.1.61", &v2),
        req("127.0.1.62", &v2),
    ];
    let o = snmp::Options {
        max_rows_per_device: 500,
        ..opts(300)
    };
    let mut results = vec![None; 3];
    let t = Instant::now();
    snmp::collect(reqs, &o, |i, r| results[i] = Some(r));
    let e: Vec<String> = results
        .into_iter()
        .map(|r| r.unwrap().unwrap_err())
        .collect();
    eprintln!("{e:#?}");
    assert!(e[0].contains("no SNMP answer"), "{}", e[0]);
    assert!(e[1].contains("does not move forward"), "{}", e[1]);
    assert!(e[2].contains("more than 500 values"), "{}", e[2]);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

fn agent(vardir: &Path, args: &[&str]) -> std::process::Output {
    let o = support::agent::run(vardir, args);
    eprintln!("agent {args:?}:\n{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// The NETDISCOVERY messages of a local output, in order.
fn messages(text: &str) -> Vec<Node> {
    text.split("<?xml")
        .filter(|d| !d.trim().is_empty())
        .map(|d| Node::parse(&format!("<?xml{d}")).expect("an XML message"))
        .collect()
}

fn devices(msgs: &[Node]) -> Vec<&Node> {
    msgs.iter()
        .filter_map(|m| m.child("CONTENT")?.child("DEVICE"))
        .collect()
}

fn agent_field<'a>(msgs: &'a [Node], name: &str) -> Option<&'a str> {
    msgs.iter()
        .find_map(|m| m.child("CONTENT")?.child("AGENT")?.child_text(name))
}

#[test]
#[cfg_attr(missing_snmpd, ignore = "needs snmpd: apt-get install snmpd snmp")]
fn by_hand_scan_finds_the_five_agents_of_forty_addresses() {
    let addrs = [
        "127.0.1.2",
        "127.0.1.9",
        "127.0.1.17",
        "127.0.1.26",
        "127.0.1.40",
    ];
    let names = ["disc-a", "disc-b", "disc-c", "disc-d", "disc-e"];
    let _agents: Vec<Snmpd> = addrs
        .iter()
        .zip(names)
        .map(|(a, n)| {
            Snmpd::start(&Agent {
                addr: a,
                community: "ocsdisc",
                name: n,
                // The second one also has an SNMPv3 authPriv user.
                v3user: (*a == "127.0.1.9").then_some(("ocsuser", "authpass123", "privpass123")),
                descr: Some("Linux disc-test 6.1.0 x86_64"),
                extra: "",
            })
        })
        .collect();
    let vardir = tmpdir("hand");
    // v3 first (only .9 knows the user: the others refuse it at once), then v2c.
    let creds = format!(
        "{},version:2c,id:8,community:ocsdisc",
        V3.replace("version:3,", "version:3,id:7,")
    );
    let t = Instant::now();
    let o = agent(
        &vardir,
        &[
            "--netdiscovery",
            "127.0.1.1-127.0.1.40",
            "--credentials",
            &creds,
            "--snmp-timeout",
            "0.5",
            "--stdout",
            "--tasks",
            "NetDiscovery",
        ],
    );
    let wall = t.elapsed();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let msgs = messages(&out);
    assert_eq!(agent_field(&msgs, "START"), Some("1"));
    assert_eq!(agent_field(&msgs, "NBIP"), Some("40"));
    assert_eq!(agent_field(&msgs, "END"), Some("1"));
    let devs = devices(&msgs);
    // Every address of 127/8 answers ICMP: all forty are there, once each.
    let mut ips: Vec<&str> = devs.iter().filter_map(|d| d.child_text("IP")).collect();
    ips.sort();
    ips.dedup();
    assert_eq!(ips.len(), devs.len(), "a device reported twice");
    assert_eq!(devs.len(), 40, "{out}");
    let snmp: Vec<&&Node> = devs
        .iter()
        .filter(|d| d.child("SNMPHOSTNAME").is_some())
        .collect();
    assert_eq!(snmp.len(), 5, "{out}");
    for d in &snmp {
        let ip = d.child_text("IP").unwrap();
        let k = addrs
            .iter()
            .position(|a| *a == ip)
            .expect("an agent's address");
        assert_eq!(d.child_text("SNMPHOSTNAME"), Some(names[k]));
        assert_eq!(
            d.child_text("DESCRIPTION"),
            Some("Linux disc-test 6.1.0 x86_64")
        );
        assert_eq!(d.child_text("LOCATION"), Some("OCS test lab"));
        let want = if ip == "127.0.1.9" { "7" } else { "8" };
        assert_eq!(d.child_text("AUTHSNMP"), Some(want), "{ip}");
    }
    for d in &devs {
        let ip: std::net::Ipv4Addr = d.child_text("IP").unwrap().parse().unwrap();
        assert!((1..=40).contains(&ip.octets()[3]) && ip.octets()[..3] == [127, 0, 1]);
    }
    assert!(wall < Duration::from_secs(10), "{wall:?}");
}

#[test]
fn bad_input_is_one_clear_line() {
    let vardir = tmpdir("bad");
    let o = agent(
        &vardir,
        &[
            "--netdiscovery",
            "10.0.0.0/8",
            "--stdout",
            "--tasks",
            "NetDiscovery",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("16777214 addresses"), "{err}");
    assert!(o.stdout.is_empty());
    let o = agent(
        &vardir,
        &[
            "--netdiscovery",
            "127.0.1.200",
            "--credentials",
            "version:3,username:,authprotocol:sha",
            "--credentials",
            "version:2c,community:",
            "--stdout",
            "--tasks",
            "NetDiscovery",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("no username"), "{err}");
    assert!(err.contains("no community"), "{err}");
    assert!(o.status.success());
    assert!(!err.contains("panick"));
}

/// A loopback HTTP server that answers a PROLOG with `prolog_reply` (the job, as a
/// server hands it out), keeps every other request's (decompressed) body and answers it
/// with an empty reply, as GLPI's plugin would.
fn receiver(prolog_reply: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/glpi", l.local_addr().unwrap().port());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let b2 = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match s.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let h = String::from_utf8_lossy(&head).to_ascii_lowercase();
            let len: usize = h
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            let mut body = vec![0u8; len];
            let _ = s.read_exact(&mut body);
            let mut text = String::new();
            let _ = flate2::read::ZlibDecoder::new(&body[..]).read_to_string(&mut text);
            let reply: &[u8] = if text.contains("<QUERY>PROLOG</QUERY>") {
                prolog_reply.as_bytes()
            } else {
                b2.lock().unwrap().push(text);
                b"<?xml version=\"1.0\"?><REPLY></REPLY>"
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            let _ = s.write_all(reply);
        }
    });
    (url, bodies)
}

#[test]
#[cfg_attr(missing_snmpd, ignore = "needs snmpd: apt-get install snmpd snmp")]
fn server_job_messages_as_devices_are_found() {
    let _a = Snmpd::start(&Agent {
        addr: "127.0.1.70",
        community: "jobcomm",
        name: "disc-job",
        v3user: None,
        descr: None,
        extra: "",
    });
    // The job comes in the PROLOG reply, as a server hands it out.
    let (url, bodies) = receiver(
        r#"<?xml version="1.0"?><REPLY><RESPONSE>STOP</RESPONSE><OPTION><NAME>NETDISCOVERY</NAME>
  <PARAM PID="42" THREADS_DISCOVERY="5" TIMEOUT="1"/>
  <RANGEIP ID="1" IPSTART="127.0.1.65" IPEND="127.0.1.72" ENTITY="3"/>
  <RANGEIP ID="2" IPSTART="127.0.1.80"/>
  <AUTHENTICATION ID="11" VERSION="2c" COMMUNITY=""/>
  <AUTHENTICATION ID="12" VERSION="2c" COMMUNITY="jobcomm"/>
</OPTION></REPLY>"#
            .to_string(),
    );
    let vardir = tmpdir("job");
    let o = agent(&vardir, &["--server", &url, "--tasks", "NetDiscovery"]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("RANGEIP 2 without IPSTART/IPEND"), "{err}");
    assert!(err.contains("AUTHENTICATION 11: no community"), "{err}");
    let bodies = bodies.lock().unwrap().clone();
    let msgs: Vec<Node> = bodies.iter().map(|b| Node::parse(b).unwrap()).collect();
    assert!(msgs
        .iter()
        .all(|m| m.child("CONTENT").unwrap().child_text("PROCESSNUMBER") == Some("42")));
    assert_eq!(agent_field(&msgs[..1], "START"), Some("1"));
    assert_eq!(agent_field(&msgs, "NBIP"), Some("8"));
    assert_eq!(agent_field(&msgs[msgs.len() - 1..], "END"), Some("1"));
    let devs = devices(&msgs);
    assert_eq!(devs.len(), 8);
    let d = devs
        .iter()
        .find(|d| d.child_text("IP") == Some("127.0.1.70"))
        .unwrap();
    assert_eq!(d.child_text("SNMPHOSTNAME"), Some("disc-job"));
    assert_eq!(d.child_text("AUTHSNMP"), Some("12"));
    assert_eq!(d.child_text("ENTITY"), Some("3"));
}

/// A namespace of the test's own (loopback only), removed when dropped.
struct Netns(String);

impl Netns {
    fn new(tag: &str) -> Netns {
        let name = format!("ocsdisc-{tag}-{}", std::process::id());
        let _ = std::process::Command::new("ip")
            .args(["netns", "del", &name])
            .output();
        let ok = std::process::Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .unwrap()
            .success();
        assert!(ok, "ip netns add {name}");
        let ns = Netns(name);
        ns.run(&["ip", "link", "set", "lo", "up"]);
        ns
    }

    fn run(&self, cmd: &[&str]) -> std::process::Output {
        std::process::Command::new("ip")
            .args(["netns", "exec", &self.0])
            .args(cmd)
            .output()
            .unwrap()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["netns", "del", &self.0])
            .output();
    }
}

/// Without CAP_NET_RAW: Linux's ICMP datagram socket where ping_group_range allows it,
/// else one warning and no ICMP.
#[test]
fn icmp_without_raw_sockets() {
    let ns = Netns::new("icmp");
    let vardir = tmpdir("icmp");
    let scan = |range: &str| {
        let o = ns.run(&[
            "setpriv",
            "--bounding-set",
            "-net_raw",
            "--inh-caps",
            "-net_raw",
            "--",
            env!("CARGO_BIN_EXE_ocsinventory-agent"),
            "--vardir",
            vardir.to_str().unwrap(),
            "--netdiscovery",
            range,
            "--stdout",
            "--tasks",
            "NetDiscovery",
        ]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        eprintln!("{err}");
        (String::from_utf8_lossy(&o.stdout).into_owned(), err)
    };
    ns.run(&[
        "sysctl",
        "-q",
        "-w",
        "net.ipv4.ping_group_range=0 2147483647",
    ]);
    let (out, err) = scan("127.0.0.1-127.0.0.4");
    assert!(!err.contains("no ICMP echo"), "{err}");
    assert_eq!(devices(&messages(&out)).len(), 4, "{out}");
    ns.run(&["sysctl", "-q", "-w", "net.ipv4.ping_group_range=1 0"]);
    let (out, err) = scan("127.0.0.1-127.0.0.4");
    assert_eq!(err.matches("no ICMP echo").count(), 1, "{err}");
    assert_eq!(devices(&messages(&out)).len(), 0, "{out}");
}
