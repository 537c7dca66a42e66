//! Private Net-SNMP agents for the tests: one `snmpd` per loopback address, in the
//! foreground as our child, with its own configuration and state in a temporary
//! directory; stopped by PID when dropped. Debian's packaged service is not involved.
//!
//! Tests that need one call [`Snmpd::start`]; when snmpd is not installed it says why
//! and the test fails (CI installs it: `.ci/run`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const SNMPD: &str = "/usr/sbin/snmpd";

pub struct Snmpd {
    child: Child,
    pub addr: String,
    pub dir: PathBuf,
}

/// What one agent answers to.
pub struct Agent<'a> {
    pub addr: &'a str,
    pub community: &'a str,
    pub name: &'a str,
    /// (user, auth password, priv password) for a SHA + AES authPriv v3 user.
    pub v3user: Option<(&'a str, &'a str, &'a str)>,
    /// sysDescr instead of the kernel's `uname`.
    pub descr: Option<&'a str>,
    /// More snmpd.conf lines (other USM users…).
    pub extra: &'a str,
}

impl Snmpd {
    pub fn start(a: &Agent) -> Snmpd {
        assert!(
            std::path::Path::new(SNMPD).exists(),
            "{SNMPD} is missing: apt-get install snmpd snmp (the test starts its own agents)"
        );
        let dir =
            std::env::temp_dir().join(format!("ocsdisc-snmpd-{}-{}", a.addr, std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("persist")).expect("snmpd dir");
        let mut conf = format!(
            "agentAddress udp:{}:161\nrocommunity {} 127.0.0.0/8\nsysName {}\n\
             sysLocation OCS test lab\nsysContact ocs-test@example.invalid\nsysServices 72\n",
            a.addr, a.community, a.name
        );
        if let Some(descr) = a.descr {
            conf.push_str(&format!("sysDescr {descr}\n"));
        }
        conf.push_str(a.extra);
        if let Some((u, ap, pp)) = a.v3user {
            conf.push_str(&format!(
                "createUser {u} SHA {ap} AES {pp}\nrouser {u} authpriv\n"
            ));
        }
        let conf_path = dir.join("snmpd.conf");
        std::fs::write(&conf_path, conf).expect("snmpd.conf");
        let child = Command::new(SNMPD)
            .args(["-f", "-C", "-c"])
            .arg(&conf_path)
            .arg("-Lf")
            .arg(dir.join("snmpd.log"))
            .args(["-I", "-smux,mteTrigger,mteTriggerConf"])
            .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
            .env("MIBS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start snmpd");
        let s = Snmpd {
            child,
            addr: a.addr.to_string(),
            dir,
        };
        s.wait_ready(a.community);
        s
    }

    fn wait_ready(&self, community: &str) {
        for _ in 0..100 {
            let ok = Command::new("snmpget")
                .args(["-v2c", "-c", community, "-t", "0.2", "-r", "0", "-Ovq"])
                .arg(format!("udp:{}:161", self.addr))
                .arg("1.3.6.1.2.1.1.5.0")
                .env("MIBS", "")
                .stderr(Stdio::null())
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.dir.join("snmpd.log")).unwrap_or_default();
        panic!("snmpd on {} did not answer: {log}", self.addr);
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        // Our own child, by PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
