//! Two network namespaces joined by a veth pair, made by a test and removed when
//! dropped: a private link where frames and broadcasts reach nothing but the other
//! side. Names start with `ocsdisc` and carry the test's PID, so parallel runs and the
//! other engineers' namespaces are never touched.

use std::process::{Command, Output};

pub struct Pair {
    pub a: String,
    pub b: String,
    pub if_a: String,
    pub if_b: String,
    pub addr_a: String,
    pub addr_b: String,
}

fn ip(args: &[&str]) -> Output {
    Command::new("ip").args(args).output().expect("run ip")
}

fn must(args: &[&str]) {
    let o = ip(args);
    assert!(
        o.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
}

impl Pair {
    /// `tag` tells tests apart (a letter or two); `subnet` is the third octet of the
    /// 127.<96>.<subnet>.0/24 link.
    pub fn new(tag: &str, subnet: u8) -> Pair {
        let id = std::process::id() % 100_000;
        let p = Pair {
            a: format!("ocsdisc-{tag}a-{id}"),
            b: format!("ocsdisc-{tag}b-{id}"),
            if_a: format!("od{tag}a{id}"),
            if_b: format!("od{tag}b{id}"),
            addr_a: format!("127.96.{subnet}.1"),
            addr_b: format!("127.96.{subnet}.2"),
        };
        p.delete();
        must(&["netns", "add", &p.a]);
        must(&["netns", "add", &p.b]);
        must(&[
            "link", "add", &p.if_a, "netns", &p.a, "type", "veth", "peer", "name", &p.if_b,
            "netns", &p.b,
        ]);
        for (ns, ifname, addr) in [(&p.a, &p.if_a, &p.addr_a), (&p.b, &p.if_b, &p.addr_b)] {
            // 127/8 on a real link needs route_localnet.
            for key in ["all", "default"] {
                let _ = Command::new("ip")
                    .args(["netns", "exec", ns, "sysctl", "-q", "-w"])
                    .arg(format!("net.ipv4.conf.{key}.route_localnet=1"))
                    .output();
            }
            must(&["-n", ns, "link", "set", "lo", "up"]);
            must(&[
                "-n",
                ns,
                "addr",
                "add",
                &format!("{addr}/24"),
                "brd",
                "+",
                "dev",
                ifname,
            ]);
            must(&["-n", ns, "link", "set", ifname, "up"]);
            let _ = Command::new("ip")
                .args(["netns", "exec", ns, "sysctl", "-q", "-w"])
                .arg(format!("net.ipv4.conf.{ifname}.route_localnet=1"))
                .output();
        }
        p
    }

    /// The MAC of `ifname` in namespace `ns`.
    pub fn mac(ns: &str, ifname: &str) -> String {
        let o = ip(&["-n", ns, "-o", "link", "show", ifname]);
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        text.split("link/ether ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .expect("a MAC")
            .to_string()
    }

    fn delete(&self) {
        let _ = ip(&["netns", "del", &self.a]);
        let _ = ip(&["netns", "del", &self.b]);
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        self.delete();
    }
}
