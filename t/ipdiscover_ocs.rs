//! OCS IPDISCOVER end to end against the real OCS server (Debian's packages): this
//! test's own server instance (`t/ocs-server/start.sh` under
//! /var/lib/ocsinv-agent-testsrv-disc, ports 18180/18543/18544), the two namespaces of
//! `t/ocs-server/ipdiscover-netns.sh` (prefix `ocsdisc`: agent 127.99.0.1, peers
//! 127.99.0.2 and .3 behind a veth), `enable-ipdiscover.sh` to make the agent the
//! network's IPDISCOVER agent. The agent registers, gets the IPDISCOVER option in its
//! PROLOG reply, and in that same run scans 127.99.0.0/24 (NetDiscovery) before the
//! Inventory task sends the hosts with the inventory: they must be in `netmap`.
//! Runs with `OCS_INTEGRATION=1` (`make integration`); otherwise it says "skipped".

use crate::support;

use std::path::Path;
use std::process::{Command, Output};

use support::agent::deviceid;
use support::ocs_server::{enabled, DISC};

const NS_AGENT: &str = "ocsdisc-agent";
const NS_PEER: &str = "ocsdisc-peer";

/// The agent inside the agent namespace.
fn agent(vardir: &Path, args: &[&str]) -> Output {
    let o = Command::new("ip")
        .args(["netns", "exec", NS_AGENT])
        .arg(env!("CARGO_BIN_EXE_ocsinventory-agent"))
        .arg("--vardir")
        .arg(vardir)
        .args(args)
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .output()
        .expect("run the agent");
    eprintln!("agent {args:?}:\n{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// MAC of the peer interface holding `addr`.
fn peer_mac(addr: &str) -> String {
    let o = Command::new("ip")
        .args(["-n", NS_PEER, "-o", "addr", "show", "to", addr])
        .output()
        .unwrap();
    let ifname = String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let o = Command::new("ip")
        .args(["-n", NS_PEER, "-o", "link", "show", &ifname])
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&o.stdout).into_owned();
    t.split("link/ether ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

struct Namespaces;

impl Drop for Namespaces {
    fn drop(&mut self) {
        let _ = DISC.command("ipdiscover-netns.sh").arg("down").output();
    }
}

#[test]
fn ipdiscover_hosts_land_in_netmap() {
    if !enabled() {
        return;
    }
    DISC.start();
    DISC.script("ipdiscover-netns.sh", &["up"]);
    let _ns = Namespaces;
    let url = DISC.url();
    let vardir = support::tmpdir("ocsdisc", "ipd");

    // 1. Register (first inventory), then be forced as the network's IPDISCOVER agent.
    let o = agent(&vardir, &["--server", &url, "--tasks", "Inventory"]);
    assert!(o.status.success());
    let id = deviceid(&vardir);
    DISC.script(
        "enable-ipdiscover.sh",
        &["--latency", "1", &id, "127.99.0.0"],
    );

    // 2. One run: the PROLOG reply carries the option, NetDiscovery scans the network
    //    it names, the Inventory task of the same run carries the hosts.
    let o = agent(&vardir, &["--server", &url]);
    assert!(o.status.success());
    let server_dir = vardir.join(url.replace('/', "_"));
    let option = std::fs::read_to_string(server_dir.join("options/IPDISCOVER.xml"))
        .expect("the server sent the IPDISCOVER option");
    assert!(option.contains("127.99.0.0"), "{option}");
    let fragment = std::fs::read_to_string(server_dir.join("inventory.d/IPDISCOVER.xml"))
        .expect("NetDiscovery left the hosts for the inventory");
    eprintln!("{fragment}");
    let (mac2, mac3) = (peer_mac("127.99.0.2"), peer_mac("127.99.0.3"));
    assert!(
        fragment.contains(&format!("<H>\n    <I>127.99.0.2</I>\n    <M>{mac2}</M>")),
        "{fragment}"
    );
    assert!(
        fragment.contains(&format!("<I>127.99.0.3</I>\n    <M>{mac3}</M>")),
        "{fragment}"
    );
    assert!(
        !fragment.contains("127.99.0.1<"),
        "the agent's own address: {fragment}"
    );

    let rows = DISC.db("SELECT IP, MAC, NAME FROM netmap WHERE NETID='127.99.0.0' ORDER BY IP");
    // .2 is named in the agent namespace's /etc/hosts, .3 is not.
    assert!(
        rows.contains(&format!("127.99.0.2\t{mac2}\tocs-ipd-peer")),
        "{rows}"
    );
    assert!(rows.contains(&format!("127.99.0.3\t{mac3}")), "{rows}");
    let _ = std::fs::remove_dir_all(&vardir);
}
