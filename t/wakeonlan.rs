//! Wake-on-LAN across a veth pair between two namespaces the test creates: a listener
//! on the far side receives the magic packet as an Ethernet frame (EtherType 0x0842)
//! when raw sockets are allowed, and as a UDP broadcast to port 9 when the agent runs
//! without CAP_NET_RAW. A malformed MAC is named and the valid one still sent.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use support::netns::Pair;

/// Receives one magic packet for MAC (hex, no separators) on IFACE, raw or UDP, and
/// prints whether it is right.
const LISTENER: &str = r#"
import socket, sys
mac = bytes.fromhex(sys.argv[1]); mode = sys.argv[2]; ifname = sys.argv[3]
if mode == "raw":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0842))
    s.bind((ifname, 0))
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(("0.0.0.0", 9))
print("ready", flush=True)
s.settimeout(20)
data = s.recv(4096)
payload = data[14:] if mode == "raw" else data
ok = len(payload) >= 102 and payload[:6] == b"\xff" * 6 and payload[6:102] == mac * 16
if mode == "raw":
    ok = ok and data[:6] == mac and data[12:14] == b"\x08\x42"
print("got %d bytes %s" % (len(data), "magic" if ok else "WRONG"), flush=True)
"#;

struct Listener(Child);

impl Listener {
    fn start(
        ns: &str,
        mac_hex: &str,
        mode: &str,
        ifname: &str,
    ) -> (Listener, BufReader<std::process::ChildStdout>) {
        let mut c = Command::new("ip")
            .args([
                "netns",
                "exec",
                ns,
                "/usr/bin/python3",
                "-c",
                LISTENER,
                mac_hex,
                mode,
                ifname,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 listener (apt-get install python3)");
        let mut out = BufReader::new(c.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "listener did not start");
        (Listener(c), out)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Our child, by PID.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent(
    ns: &str,
    vardir: &std::path::Path,
    macs: &str,
    without_raw: bool,
) -> std::process::Output {
    let mut c = Command::new("ip");
    c.args(["netns", "exec", ns]);
    if without_raw {
        c.args([
            "setpriv",
            "--bounding-set",
            "-net_raw",
            "--inh-caps",
            "-net_raw",
            "--",
        ]);
    }
    c.arg(env!("CARGO_BIN_EXE_ocsinventory-agent"))
        .arg("--vardir")
        .arg(vardir)
        .args(["--wakeonlan", macs, "--stdout", "--tasks", "WakeOnLan"])
        .output()
        .expect("run the agent")
}

fn check(mode: &str, tag: &str, subnet: u8) {
    let pair = Pair::new(tag, subnet);
    let target = Pair::mac(&pair.b, &pair.if_b);
    let hex: String = target.split(':').collect();
    let (_l, mut out) = Listener::start(&pair.b, &hex, mode, &pair.if_b);
    let vardir = std::env::temp_dir().join(format!("ocsdisc-wol-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&vardir).unwrap();
    let o = agent(
        &pair.a,
        &vardir,
        &format!("{target},12:34:zz:00:00:01"),
        mode == "udp",
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    eprintln!("{err}");
    assert!(
        err.contains("'12:34:zz:00:00:01' is not a MAC address"),
        "{err}"
    );
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(
        line.trim(),
        "got 116 bytes magic".replace("116", if mode == "raw" { "116" } else { "102" })
    );
    if mode == "raw" {
        assert!(err.contains("as Ethernet frames on"), "{err}");
    } else {
        assert!(err.contains("raw Ethernet socket refused"), "{err}");
        assert!(err.contains("sent by UDP"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&vardir);
}

#[test]
fn raw_frame_reaches_the_other_namespace() {
    check("raw", "w", 1);
}

#[test]
fn udp_broadcast_when_raw_sockets_are_refused() {
    check("udp", "u", 2);
}
