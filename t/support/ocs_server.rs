//! The real OCS Inventory server instances the integration tests talk to, started by
//! `t/ocs-server/start.sh` (as root; `make integration` starts the shared ones, some
//! tests start and stop their own). One [`Instance`] per test file or block, each with
//! its own directory and ports, so that they can run side by side; the scripts of
//! `t/ocs-server/` get the instance's environment through [`Instance::command`].

use std::path::Path;
use std::process::{Command, Output};

use super::text;

/// One server instance: its state directory and the ports start.sh gives it.
#[derive(Clone, Copy, Debug)]
pub struct Instance {
    pub dir: &'static str,
    pub http: u16,
    pub https: u16,
    /// HTTPS with a certificate for another name.
    pub badname: u16,
    /// More environment for the scripts.
    pub env: &'static [(&'static str, &'static str)],
}

/// `t/integration_ocs.rs`, first server (`make integration-servers`).
pub const A: Instance = Instance::new("/var/lib/ocsinv-agent-testsrv", 18080, 18443, 18444);
/// `t/integration_ocs.rs`, second server (`make integration-servers`).
pub const B: Instance = Instance::new("/var/lib/ocsinv-agent-testsrv-b", 18090, 18453, 18454);
/// `t/ocs_dialect.rs` (started and stopped by the test).
pub const DIALECT: Instance =
    Instance::new("/var/lib/ocsinv-agent-testsrv-dialect", 18480, 18843, 18844);
/// `t/snmp_ocs.rs` (`make integration-snmp`).
pub const SNMP: Instance = Instance::new("/var/lib/ocsinv-agent-testsrv-snmp", 18280, 18643, 18644);
/// `t/deploy_ocs.rs` (`make integration-deploy`).
pub const DEPLOY: Instance =
    Instance::new("/var/lib/ocsinv-agent-testsrv-deploy", 18380, 18743, 18744);
/// `t/ipdiscover_ocs.rs` (started by the test); `ipdiscover-netns.sh` names its
/// namespaces with the prefix.
pub const DISC: Instance = Instance {
    env: &[("OCS_IPD_PREFIX", "ocsdisc")],
    ..Instance::new("/var/lib/ocsinv-agent-testsrv-disc", 18180, 18543, 18544)
};
/// `t/killnine.rs` (`make integration-killnine`).
pub const HARD: Instance = Instance::new("/var/lib/ocsinv-agent-testsrv-hard", 18580, 18943, 18944);
/// `t/dropin.rs` and `t/package.rs` (`make integration-packages`).
pub const PKG: Instance = Instance::new("/var/lib/ocsinv-agent-testsrv-pkg", 18680, 19043, 19044);

/// Whether the tests against a real server run: `OCS_INTEGRATION=1`. Otherwise says
/// so in one line, and the test passes.
pub fn enabled() -> bool {
    enabled_by("OCS_INTEGRATION")
}

/// [`enabled`] for a test switched on by another variable.
pub fn enabled_by(var: &str) -> bool {
    let on = std::env::var(var).is_ok_and(|v| v == "1");
    if !on {
        println!(
            "skipped: needs the real OCS server: set {var}=1, as root (`make integration` does)"
        );
    }
    on
}

impl Instance {
    const fn new(dir: &'static str, http: u16, https: u16, badname: u16) -> Instance {
        Instance {
            dir,
            http,
            https,
            badname,
            env: &[],
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/ocsinventory", self.http)
    }

    pub fn https_url(&self) -> String {
        format!("https://127.0.0.1:{}/ocsinventory", self.https)
    }

    pub fn badname_url(&self) -> String {
        format!("https://127.0.0.1:{}/ocsinventory", self.badname)
    }

    /// The CA that signed the instance's certificates.
    pub fn ca(&self) -> String {
        format!("{}/ssl/ca.crt", self.dir)
    }

    /// `bash t/ocs-server/<script>` for this instance.
    pub fn command(&self, script: &str) -> Command {
        let mut c = Command::new("bash");
        c.arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("t/ocs-server")
                .join(script),
        )
        .env("OCS_TESTSRV_DIR", self.dir)
        .env("OCS_HTTP_PORT", self.http.to_string())
        .env("OCS_HTTPS_PORT", self.https.to_string())
        .env("OCS_BADNAME_PORT", self.badname.to_string())
        .envs(self.env.iter().copied());
        c
    }

    /// Runs a script, which must succeed; its output goes to the test's output (shown
    /// when the test fails, or with `--nocapture`).
    pub fn script(&self, name: &str, args: &[&str]) -> Output {
        let out = self.run(name, args);
        eprintln!("{name} {args:?}: {}", text(&out));
        out
    }

    /// What `sql` prints, without column names (tab-separated rows), trimmed.
    pub fn db(&self, sql: &str) -> String {
        let out = self.run("db.sh", &["-N", "-B", "-e", sql]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// start.sh (idempotent: reuses what runs); returns what it printed (`READY` last).
    pub fn start(&self) -> String {
        let out = self.script("start.sh", &[]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// stop.sh; what goes wrong is ignored (it runs from drop guards).
    pub fn stop(&self) {
        let _ = self.command("stop.sh").output();
    }

    /// Stops the instance when the guard is dropped, failed test or not.
    pub fn stop_on_drop(&self) -> StopOnDrop {
        StopOnDrop(*self)
    }

    /// How many lines of the server's activity log are about `deviceid` and end with
    /// `;<what>` (`prolog;accepted`, `inventory;transmitted`…).
    pub fn activity(&self, deviceid: &str, what: &str) -> usize {
        let (id, end) = (format!(";{deviceid};"), format!(";{what}"));
        std::fs::read_to_string(format!("{}/log/ocs/activity.log", self.dir))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(&id) && l.ends_with(&end))
            .count()
    }

    fn run(&self, name: &str, args: &[&str]) -> Output {
        let out = self
            .command(name)
            .args(args)
            .output()
            .expect("run a t/ocs-server script");
        assert!(out.status.success(), "{name} {args:?}: {}", text(&out));
        out
    }
}

/// See [`Instance::stop_on_drop`].
pub struct StopOnDrop(Instance);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}
