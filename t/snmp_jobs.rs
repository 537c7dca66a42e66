//! The SNMPQUERY job of a server, end to end, with bad devices beside a good one.
//!
//! A job (as a FusionInventory/GLPI server sends it) names five devices: Debian's `snmpd`
//! on 127.0.2.4, and on 127.0.2.5 UDP responders started by the test that answer
//! garbage, truncated BER, a wrong request id, or once and then never again, plus a
//! device with an unknown credential. A small HTTP server on loopback records what the
//! agent sends: AGENT START, one DEVICE per device (the inventory, or an ERROR with one
//! clear message), AGENT END. The whole job must end in bounded time, the good device be
//! inventoried, and the agent not panic.
//!
//! A second job puts a hostile device (it answers every walk forever, 200 rows per
//! answer) beside three good snmpd agents: the task must end within two minutes under a
//! 256 MiB cap, with the good devices' inventories sent (one budget per device, across
//! every round of its inventory).
//!
//! Also the by-hand side of bad input: a walk file of garbage lines.

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ocsinventory_agent::net::ocs::decode_body;
use ocsinventory_agent::net::xmltree::Node;
use ocsinventory_agent::snmp::message::{self, Incoming};
use ocsinventory_agent::snmp::{Oid, Value};
use support::snmpd::{Agent, Snmpd};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("snmp-jobs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An HTTP server that records every body (decoded) and answers `<REPLY/>`.
struct Recorder {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Recorder {
    /// Answers a PROLOG with `prolog_reply` (the job, as a server hands it out) and
    /// records every other message.
    fn start(prolog_reply: String) -> Recorder {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let port = l.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (bodies.clone(), stop.clone());
        std::thread::spawn(move || {
            let prolog_reply = prolog_reply;
            while !s.load(Ordering::Relaxed) {
                let Ok((mut c, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                let _ = c.set_nonblocking(false);
                let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 65536];
                let (head_end, len) = loop {
                    let Ok(n) = c.read(&mut chunk) else {
                        break (0, 0);
                    };
                    if n == 0 {
                        break (0, 0);
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (p + 4, len);
                    }
                };
                while buf.len() < head_end + len {
                    match c.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let mut is_prolog = false;
                if head_end > 0 {
                    let body = &buf[head_end..buf.len().min(head_end + len)];
                    if let Ok(text) = decode_body(body) {
                        is_prolog = text.contains("<QUERY>PROLOG</QUERY>");
                        if !is_prolog {
                            b.lock().unwrap().push(text);
                        }
                    }
                }
                let reply = if is_prolog {
                    prolog_reply.as_bytes()
                } else {
                    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY/>\n"
                };
                let _ = write!(
                    c,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.len()
                );
                let _ = c.write_all(reply);
            }
        });
        Recorder { port, bodies, stop }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/ocsinventory", self.port)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// How a bad device answers.
#[derive(Clone, Copy)]
enum Bad {
    /// Random-looking bytes.
    Garbage,
    /// The start of a valid message, cut.
    Truncated,
    /// A response whose request id is not the one asked.
    WrongId,
    /// Its first request echoed back as a response, then silence.
    OnceThenSilent,
}

/// A UDP "device" on `addr` behaving as `how`, until the process ends.
fn bad_device(addr: &str, how: Bad) {
    let s = UdpSocket::bind(addr).unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        let mut answered = false;
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let req = &buf[..n];
            let reply: Vec<u8> = match how {
                Bad::Garbage => (0..200u32).map(|i| (i * 37 % 251) as u8).collect(),
                Bad::Truncated => {
                    let mut r = req.to_vec();
                    r.truncate(n / 2);
                    // An absurd length in the outer SEQUENCE.
                    if r.len() > 2 {
                        r[1] = 0x84;
                    }
                    r
                }
                Bad::WrongId => {
                    let mut r = req.to_vec();
                    // Turn the PDU into a response and spoil its request id.
                    if let Some(p) = r.iter().position(|b| (0xa0..=0xa5).contains(b)) {
                        r[p] = 0xa2;
                        if let Some(q) = r[p..].iter().position(|b| *b == 0x02) {
                            if p + q + 2 < r.len() {
                                r[p + q + 2] ^= 0x5a;
                            }
                        }
                    }
                    r
                }
                Bad::OnceThenSilent => {
                    if answered {
                        continue;
                    }
                    answered = true;
                    let mut r = req.to_vec();
                    if let Some(p) = r.iter().position(|b| (0xa0..=0xa5).contains(b)) {
                        r[p] = 0xa2;
                    }
                    r
                }
            };
            let _ = s.send_to(&reply, from);
        }
    });
}

#[test]
#[cfg_attr(missing_snmpd, ignore = "needs snmpd: apt-get install snmpd snmp")]
fn snmpquery_job_with_bad_devices() {
    let _good = Snmpd::start(&Agent {
        addr: "127.0.2.4",
        community: "jobtest",
        name: "snmp-job-test",
        v3user: None,
        descr: None,
        extra: "",
    });
    let ports = [
        (16101, Bad::Garbage),
        (16102, Bad::Truncated),
        (16103, Bad::WrongId),
        (16104, Bad::OnceThenSilent),
    ];
    for (p, how) in ports {
        bad_device(&format!("127.0.2.5:{p}"), how);
    }
    let var = tmpdir("job");
    let mut job = String::from(
        "<OPTION><NAME>SNMPQUERY</NAME><PARAM PID=\"77\" TIMEOUT=\"1\" THREADS_QUERY=\"1\"/>\
         <DEVICE ID=\"1\" IP=\"127.0.2.4\" TYPE=\"NETWORKING\" AUTHSNMP_ID=\"1\"/>",
    );
    for (i, (p, _)) in ports.iter().enumerate() {
        job.push_str(&format!(
            "<DEVICE ID=\"{}\" IP=\"127.0.2.5\" PORT=\"{p}\" TYPE=\"NETWORKING\" AUTHSNMP_ID=\"1\"/>",
            10 + i
        ));
    }
    job.push_str("<DEVICE ID=\"20\" IP=\"127.0.2.4\" AUTHSNMP_ID=\"9\"/>");
    job.push_str("<AUTHENTICATION ID=\"1\" VERSION=\"2c\" COMMUNITY=\"jobtest\"/></OPTION>");
    // The job comes in the PROLOG reply, as a server hands it out.
    let rec = Recorder::start(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><RESPONSE>STOP</RESPONSE>{job}</REPLY>\n"
    ));

    let t0 = Instant::now();
    let out = support::agent::run(
        &var,
        &[
            "--server",
            &rec.url(),
            "--tasks",
            "SNMP",
            "--force",
            "--debug",
        ],
    );
    let took = t0.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    assert!(!stderr.contains("panicked"), "the agent panicked");
    assert!(took < Duration::from_secs(60), "the job took {took:?}");
    let bodies = rec.bodies.lock().unwrap().clone();
    let msgs: Vec<Node> = bodies.iter().filter_map(|b| Node::parse(b).ok()).collect();
    assert!(
        msgs.iter()
            .all(|m| m.child_text("QUERY") == Some("SNMPQUERY")),
        "{bodies:?}"
    );
    let content = |m: &Node| m.child("CONTENT").cloned().unwrap_or_default();
    assert!(content(&msgs[0])
        .child("AGENT")
        .and_then(|a| a.child("START"))
        .is_some());
    assert!(content(msgs.last().unwrap())
        .child("AGENT")
        .and_then(|a| a.child("END"))
        .is_some());
    assert!(msgs
        .iter()
        .all(|m| content(m).child_text("PROCESSNUMBER") == Some("77")));
    let devices: Vec<Node> = msgs
        .iter()
        .filter_map(|m| content(m).child("DEVICE").cloned())
        .collect();
    assert_eq!(devices.len(), 6, "one message per device: {bodies:#?}");
    let good: Vec<&Node> = devices
        .iter()
        .filter(|d| d.child("INFO").is_some())
        .collect();
    assert_eq!(good.len(), 1, "{bodies:#?}");
    let info = good[0].child("INFO").unwrap();
    assert_eq!(info.child_text("NAME"), Some("snmp-job-test"));
    assert_eq!(info.child_text("ID"), Some("1"));
    assert_eq!(info.child_text("TYPE"), Some("NETWORKING"));
    assert!(good[0].child("PORTS").is_some());
    let errors: Vec<&Node> = devices.iter().filter_map(|d| d.child("ERROR")).collect();
    assert_eq!(errors.len(), 5);
    for e in &errors {
        let m = e.child_text("MESSAGE").unwrap_or("");
        println!("device {}: {m}", e.child_text("ID").unwrap_or("?"));
        assert!(!m.is_empty() && !m.contains('\n'), "one clear line: {m:?}");
    }
    let _ = std::fs::remove_dir_all(&var);
}

/// A hostile device on `addr`: GETs are answered, and every GETNEXT or GETBULK gets
/// 200 new rows below the OID asked, so that no walk ever ends. Counts the requests.
fn endless_device(addr: &str) -> Arc<std::sync::atomic::AtomicUsize> {
    let s = UdpSocket::bind(addr).unwrap();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        let mut row = 0u32;
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let Ok(Incoming::Community { community, pdu, .. }) = message::decode(&buf[..n]) else {
                continue;
            };
            c.fetch_add(1, Ordering::Relaxed);
            let mut r = pdu.clone();
            r.kind = message::RESPONSE;
            r.error_status = 0;
            r.error_index = 0;
            if pdu.kind == message::GET {
                r.varbinds = pdu
                    .varbinds
                    .iter()
                    .map(|(o, _)| (o.clone(), Value::OctetString(b"hostile".to_vec())))
                    .collect();
            } else if let Some((asked, _)) = pdu.varbinds.first() {
                // Below the OID asked, ever greater, and never longer than 14 arcs: a
                // table without end (not OIDs that grow until no decoder takes them).
                let base = Oid(asked.arcs()[..asked.arcs().len().min(13)].to_vec());
                r.varbinds = (0..200)
                    .map(|_| {
                        row += 1;
                        (base.child(&[row]), Value::Integer(i64::from(row)))
                    })
                    .collect();
            }
            let _ = s.send_to(&message::encode_community(1, community, &r), from);
        }
    });
    count
}

#[test]
fn hostile_device_does_not_sink_the_job() {
    let communities = ["hostile-job-a", "hostile-job-b", "hostile-job-c"];
    let good: Vec<Snmpd> = ["127.0.2.6", "127.0.2.7", "127.0.2.8"]
        .iter()
        .zip(communities)
        .map(|(addr, community)| {
            Snmpd::start(&Agent {
                addr,
                community,
                name: community,
                v3user: None,
                descr: None,
                extra: "",
            })
        })
        .collect();
    let requests = endless_device("127.0.2.9:16105");
    let var = tmpdir("hostile");
    let mut job = String::from(
        "<OPTION><NAME>SNMPQUERY</NAME><PARAM PID=\"78\" TIMEOUT=\"2\" THREADS_QUERY=\"4\"/>\
         <DEVICE ID=\"40\" IP=\"127.0.2.9\" PORT=\"16105\" TYPE=\"NETWORKING\" AUTHSNMP_ID=\"1\"/>",
    );
    for (i, g) in good.iter().enumerate() {
        job.push_str(&format!(
            "<DEVICE ID=\"{}\" IP=\"{}\" TYPE=\"NETWORKING\" AUTHSNMP_ID=\"{}\"/>\
             <AUTHENTICATION ID=\"{}\" VERSION=\"2c\" COMMUNITY=\"{}\"/>",
            41 + i,
            g.addr,
            2 + i,
            2 + i,
            communities[i]
        ));
    }
    job.push_str("<AUTHENTICATION ID=\"1\" VERSION=\"2c\" COMMUNITY=\"any\"/></OPTION>");
    let rec = Recorder::start(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><RESPONSE>STOP</RESPONSE>{job}</REPLY>\n"
    ));
    let t0 = Instant::now();
    let out = support::agent::run(
        &var,
        &[
            "--server",
            &rec.url(),
            "--tasks",
            "SNMP",
            "--force",
            "--task-timeout",
            "120",
            "--task-memory-limit",
            "256",
        ],
    );
    let took = t0.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    println!(
        "hostile job: {took:?}, {} requests to the hostile device",
        requests.load(Ordering::Relaxed)
    );
    assert!(!stderr.contains("panicked"), "the agent panicked");
    assert!(
        !stderr.contains("memory cap") && !stderr.contains("killed after"),
        "the task was stopped by its limits: {stderr}"
    );
    assert!(took < Duration::from_secs(120), "the job took {took:?}");
    let bodies = rec.bodies.lock().unwrap().clone();
    let devices: Vec<Node> = bodies
        .iter()
        .filter_map(|b| Node::parse(b).ok())
        .filter_map(|m| m.child("CONTENT")?.child("DEVICE").cloned())
        .collect();
    assert_eq!(devices.len(), 4, "one message per device: {stderr}");
    let names: Vec<&str> = devices
        .iter()
        .filter_map(|d| d.child("INFO")?.child_text("NAME"))
        .collect();
    for c in communities {
        assert!(names.contains(&c), "{c} missing from {names:?}");
    }
    let hostile = devices
        .iter()
        .find(|d| {
            d.child("INFO").and_then(|i| i.child_text("ID")) == Some("40")
                || d.child("ERROR").and_then(|e| e.child_text("ID")) == Some("40")
        })
        .expect("a message for the hostile device");
    if let Some(e) = hostile.child("ERROR") {
        let m = e.child_text("MESSAGE").unwrap_or("");
        assert!(!m.is_empty() && !m.contains('\n'), "one clear line: {m:?}");
    }
    assert!(
        stderr.contains("cut off"),
        "the hostile device's cut is said: {stderr}"
    );
    drop(good);
    let _ = std::fs::remove_dir_all(&var);
}

#[test]
fn garbage_walk_file() {
    let var = tmpdir("walk");
    let walk = var.join("bad.walk");
    let mut text = String::from(".1.3.6.1.2.1.1.5.0 = STRING: \"survivor\"\n");
    text.push_str("\u{0}\u{1}\u{2} binary junk\n= = =\n.1.3 = Hex-STRING: zz zz\n");
    text.push_str(".1.3.6.1.2.1.1.1.0 = STRING: \"never closed\n");
    for i in 0..3000 {
        text.push_str(&format!("junk line {i}\n"));
    }
    text.push_str(".1.3.6.1.2.1.2.2.1.2.1 = STRING: \"eth0\"\n");
    std::fs::write(&walk, text).unwrap();
    let empty = var.join("empty.walk");
    std::fs::write(&empty, "nothing here\n").unwrap();
    let out = support::agent::run(
        &var,
        &[
            "--netinventory-file",
            walk.to_str().unwrap(),
            "--netinventory-file",
            empty.to_str().unwrap(),
            "--netinventory-file",
            "/nonexistent/x.walk",
            "--stdout",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("<NAME>survivor</NAME>"),
        "{stdout}\n{stderr}"
    );
    assert!(stderr.contains("no SNMP value in this file"), "{stderr}");
    assert!(stderr.contains("/nonexistent/x.walk"), "{stderr}");
    assert!(
        stderr.contains("line 2: not an snmpwalk record"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&var);
}
