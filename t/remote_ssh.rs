//! RemoteInventory over SSH against private OpenSSH servers on 127.0.0.1
//! (`t/support/sshd.rs`): this machine inventoried over SSH equals its local inventory
//! on the stable fields, over one connection; hosts that refuse the key, have an
//! unknown host key, hang on a command or drop the connection are one line each while
//! the others are inventoried; a capture of a remote host replays to the same inventory.
//!
//! Needs root and `openssh-server` (sshd is started by the tests, never the system's
//! service); without them each test says why and is skipped.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::sshd::{self, Lab, Options, Sshd};

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

fn skip() -> bool {
    match sshd::unavailable() {
        Some(why) => {
            eprintln!("skipped: {why}");
            true
        }
        None => false,
    }
}

fn agent(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

/// Sections of one XML document: name → sorted entries (sorted `KEY=value` lists).
fn sections(xml: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in xml.lines() {
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if depth == 4 && t.starts_with("</") {
            if let Some((name, mut fields)) = current.take() {
                fields.sort();
                out.entry(name).or_default().push(fields);
            }
        } else if depth == 4 && t.starts_with('<') && !t.ends_with("/>") && !t.contains("</") {
            current = Some((t.trim_matches(['<', '>']).to_string(), Vec::new()));
        } else if depth == 6 {
            if let (Some((_, fields)), Some(rest)) = (current.as_mut(), t.strip_prefix('<')) {
                if let Some((k, v)) = rest.split_once('>') {
                    let v = v.rsplit_once("</").map(|(v, _)| v).unwrap_or(v);
                    fields.push(format!("{k}={v}"));
                }
            }
        }
    }
    for entries in out.values_mut() {
        entries.sort();
    }
    out
}

/// What changes between two runs a few seconds apart, on any machine.
const MOVING_SECTIONS: &[&str] = &["ACCESSLOG", "ENVS", "PROCESSES"];
const MOVING_FIELDS: &[&str] = &["BOOT_TIME", "FREE", "ETIME", "LASTLOGGEDUSER_DATE"];

fn stable(xml: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut s = sections(xml);
    for m in MOVING_SECTIONS {
        s.remove(*m);
    }
    for entries in s.values_mut() {
        for e in entries.iter_mut() {
            e.retain(|f| {
                !MOVING_FIELDS
                    .iter()
                    .any(|m| f.starts_with(&format!("{m}=")))
            });
        }
        entries.sort();
    }
    s
}

fn differences(a: &str, b: &str) -> Vec<String> {
    let (a, b) = (stable(a), stable(b));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for n in names {
        if a.get(n) != b.get(n) {
            out.push(format!(
                "{n}: local {:?}\n  remote {:?}",
                a.get(n).map(|e| e.iter().take(3).collect::<Vec<_>>()),
                b.get(n).map(|e| e.iter().take(3).collect::<Vec<_>>())
            ));
        }
    }
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
#[cfg_attr(not_root, ignore = "needs root: starts private sshd servers")]
fn this_machine_over_ssh_equals_its_local_inventory() {
    if skip() {
        return;
    }
    let dir = support::tmpdir("ocsa-ssh", "equal");
    let lab = Lab::new(&dir);
    let server = Sshd::start(&lab, "a", &Options::default());
    let vardir = dir.join("var");
    let cfg = lab.ssh_config.to_str().unwrap();
    let remote = |extra: &[&str]| {
        let mut args = vec![
            "--remote",
            &server.url(),
            "--ssh-config",
            cfg,
            "--vardir",
            vardir.to_str().unwrap(),
            "--stdout",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
        args.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        agent(&a)
    };
    let t = Instant::now();
    let first = remote(&[]);
    let first_time = t.elapsed();
    assert!(first.status.success(), "{}", stderr(&first));
    let local = agent(&["--stdout", "--vardir", dir.join("local").to_str().unwrap()]);
    assert!(local.status.success(), "{}", stderr(&local));
    let (l, r) = (
        String::from_utf8_lossy(&local.stdout).into_owned(),
        String::from_utf8_lossy(&first.stdout).into_owned(),
    );
    let diff = differences(&l, &r);
    assert!(diff.is_empty(), "remote differs:\n{}", diff.join("\n"));
    let s = stable(&r);
    for section in [
        "HARDWARE",
        "OPERATINGSYSTEM",
        "CPUS",
        "NETWORKS",
        "SOFTWARES",
        "STORAGES",
    ] {
        assert!(s.contains_key(section), "no {section} over SSH");
    }
    assert!(
        s["SOFTWARES"].len() > 10,
        "{} softwares",
        s["SOFTWARES"].len()
    );
    assert_eq!(server.connections(), 1, "one SSH connection per host");

    // The second run reads ahead what the first one asked for: one round trip.
    let t = Instant::now();
    let second = remote(&[]);
    let second_time = t.elapsed();
    assert!(second.status.success(), "{}", stderr(&second));
    let trips = |o: &Output| {
        let e = stderr(o);
        e.split(" round trips")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no round trips in {e}"))
    };
    let (t1, t2) = (trips(&first), trips(&second));
    eprintln!(
        "first run {t1} round trips in {} ms, second {t2} in {} ms",
        first_time.as_millis(),
        second_time.as_millis()
    );
    assert!(t2 <= 3, "{t2} round trips at the second run");
    assert_eq!(server.connections(), 2);
    let diff = differences(&l, &String::from_utf8_lossy(&second.stdout));
    assert!(diff.is_empty(), "second run differs:\n{}", diff.join("\n"));
    // The same computer run after run.
    let id = |x: &str| {
        x.split("<DEVICEID>")
            .nth(1)
            .map(|s| s[..s.find('<').unwrap()].to_string())
    };
    assert_eq!(id(&r), id(&String::from_utf8_lossy(&second.stdout)));
}

#[test]
#[cfg_attr(not_root, ignore = "needs root: starts private sshd servers")]
fn bad_hosts_are_one_line_each_and_the_others_are_inventoried() {
    if skip() {
        return;
    }
    let dir = support::tmpdir("ocsa-ssh", "bad");
    let lab = Lab::new(&dir);
    let good = Sshd::start(&lab, "good", &Options::default());
    let refused = Sshd::start(
        &lab,
        "refused",
        &Options {
            refuse_key: true,
            ..Options::default()
        },
    );
    let unknown = Sshd::start(
        &lab,
        "unknown",
        &Options {
            unknown_host_key: true,
            ..Options::default()
        },
    );
    // `df` hangs (exec: the watchdog's kill reaches the sleeping process itself).
    let hang = [("df", "#!/bin/sh\nexec sleep 600\n".to_string())];
    let hung = Sshd::start(
        &lab,
        "hung",
        &Options {
            fake_commands: &hang,
            ..Options::default()
        },
    );
    // `ip` kills the session's sshd process (the child of the listener, whose PID the
    // test writes next to it): the connection drops mid-way.
    let pidfile = dir.join("drop-listener.pid");
    let drop_cmds = [(
        "ip",
        format!(
            "#!/bin/sh\nl=$(cat {})\np=$$\nwhile [ \"$p\" -gt 1 ]; do\n  \
             pp=$(awk '{{print $4}}' /proc/$p/stat)\n  \
             if [ \"$pp\" = \"$l\" ]; then kill -9 $p; exit 1; fi\n  p=$pp\ndone\n",
            pidfile.display()
        ),
    )];
    let dropper = Sshd::start(
        &lab,
        "drop",
        &Options {
            fake_commands: &drop_cmds,
            ..Options::default()
        },
    );
    std::fs::write(&pidfile, dropper.pid().to_string()).unwrap();

    let vardir = dir.join("var");
    let t = Instant::now();
    let o = agent(&[
        "--remote",
        &good.url(),
        "--remote",
        &refused.url(),
        "--remote",
        &unknown.url(),
        "--remote",
        &hung.url(),
        "--remote",
        &dropper.url(),
        "--remote-workers",
        "5",
        "--ssh-config",
        lab.ssh_config.to_str().unwrap(),
        "--vardir",
        vardir.to_str().unwrap(),
        "--backend-collect-timeout",
        "3",
        "--stdout",
    ]);
    let took = t.elapsed();
    let err = stderr(&o);
    eprintln!("{err}");
    assert!(o.status.success(), "some hosts were inventoried: {err}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    let line_of = |url: &str, what: &str| {
        let lines: Vec<&str> = err
            .lines()
            .filter(|l| l.contains(&format!("{url}:")) && l.contains(what))
            .collect();
        assert_eq!(lines.len(), 1, "one line for {url} saying {what}:\n{err}");
    };
    line_of(&refused.url(), "Permission denied");
    line_of(&unknown.url(), "Host key verification failed");
    line_of(&hung.url(), "command 'df -P -T -k' killed after 3 s");
    line_of(&dropper.url(), "connection lost");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        out.matches("<REQUEST>").count(),
        2,
        "the good and the hung host are inventoried"
    );
    assert!(
        err.contains("2 remote host(s) inventoried, 3 failed"),
        "{err}"
    );
}

#[test]
#[cfg_attr(not_root, ignore = "needs root: starts private sshd servers")]
fn a_remote_capture_replays_to_the_same_inventory() {
    if skip() {
        return;
    }
    let dir = support::tmpdir("ocsa-ssh", "capture");
    let lab = Lab::new(&dir);
    let server = Sshd::start(&lab, "a", &Options::default());
    let rec = dir.join("rec");
    let o = agent(&[
        "--remote",
        &server.url(),
        "--ssh-config",
        lab.ssh_config.to_str().unwrap(),
        "--vardir",
        dir.join("var").to_str().unwrap(),
        "--capture",
        rec.to_str().unwrap(),
        "--stdout",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(Path::new(&rec).join("uname").exists());
    let r = agent(&[
        "--replay",
        rec.to_str().unwrap(),
        "--vardir",
        dir.join("var2").to_str().unwrap(),
        "--stdout",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let (a, b) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&r.stdout).into_owned(),
    );
    let mut sa = sections(&a);
    let mut sb = sections(&b);
    for s in [&mut sa, &mut sb] {
        for e in s.values_mut().flatten() {
            e.retain(|f| !f.starts_with("ETIME="));
        }
    }
    assert_eq!(sa, sb, "replay differs from the remote inventory");
    assert!(
        a.contains("<DEVICEID>") && a.split("<DEVICEID>").nth(1) == b.split("<DEVICEID>").nth(1)
    );
}

#[test]
fn bad_remote_urls_are_one_line_each() {
    let dir = support::tmpdir("ocsa-ssh", "url");
    let o = agent(&[
        "--remote",
        "ssh://-oProxyCommand=evil",
        "--vardir",
        dir.to_str().unwrap(),
        "--stdout",
    ]);
    let err = stderr(&o);
    assert!(!o.status.success());
    assert_eq!(
        err.lines().filter(|l| l.contains("invalid remote")).count(),
        1,
        "{err}"
    );
}

#[test]
#[cfg_attr(not_root, ignore = "needs root: starts private sshd servers")]
fn with_a_server_each_remote_host_is_sent_as_its_own_computer() {
    use support::fake_server::{FakeServer, Reply};
    if skip() {
        return;
    }
    const SEND: &str = "<REPLY><PROLOG_FREQ>12</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>";
    const OK: &str = "<REPLY><RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE></REPLY>";
    let dir = support::tmpdir("ocsa-ssh", "server");
    let lab = Lab::new(&dir);
    let a = Sshd::start(&lab, "a", &Options::default());
    let b = Sshd::start(&lab, "b", &Options::default());
    let fake = FakeServer::start(vec![Reply::Xml(SEND), Reply::Xml(OK), Reply::Xml(OK)]);
    let vardir = dir.join("var");
    let o = agent(&[
        "-s",
        &fake.url(),
        "--tasks",
        "RemoteInventory",
        "--remote",
        &a.url(),
        "--remote",
        &b.url(),
        "--ssh-config",
        lab.ssh_config.to_str().unwrap(),
        "--vardir",
        vardir.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let seen = fake.finish();
    assert_eq!(
        seen.requests.len(),
        3,
        "PROLOG, then one INVENTORY a host: {seen:?}"
    );
    assert!(
        seen.requests[1..].iter().all(|(_, size)| *size > 1000),
        "{seen:?}"
    );
    assert_eq!(err.matches("sent to").count(), 2, "{err}");
    // Each host keeps its own DEVICEID beside its read-ahead list.
    for s in [&a, &b] {
        let state = vardir
            .join("remote")
            .join(format!("root@127.0.0.1_{}", s.port))
            .join("agent.state");
        assert!(
            std::fs::read_to_string(&state)
                .unwrap_or_default()
                .contains("deviceid="),
            "{}",
            state.display()
        );
    }
}
