//! Private OpenSSH servers for the tests: `sshd -D` as our child on 127.0.0.1 and a free
//! port, with its own host key, authorised client key, log and configuration in a
//! temporary folder; stopped by PID when dropped. Debian's packaged service is not
//! involved (install `openssh-server` with a deny-all policy-rc.d, as `.ci/run` does).
//!
//! [`Lab`] holds the client side: one key pair and an `ssh_config` whose known_hosts
//! lists the servers started as trusted.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";

/// Why these tests cannot run here, if they cannot.
pub fn unavailable() -> Option<String> {
    if !nix_is_root() {
        return Some("sshd needs root to run its privilege separation".into());
    }
    if !Path::new(SSHD).exists() {
        return Some(format!("{SSHD} is missing: apt-get install openssh-server"));
    }
    if Command::new("ssh").arg("-V").output().is_err() {
        return Some("the OpenSSH client (ssh) is missing".into());
    }
    None
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

fn keygen(path: &Path) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "ssh-keygen: {out:?}");
}

/// The client side: a key pair, a known_hosts file and an ssh_config.
pub struct Lab {
    pub dir: PathBuf,
    pub ssh_config: PathBuf,
    known_hosts: PathBuf,
}

impl Lab {
    pub fn new(dir: &Path) -> Lab {
        std::fs::create_dir_all(dir).unwrap();
        keygen(&dir.join("client_key"));
        let known_hosts = dir.join("known_hosts");
        std::fs::write(&known_hosts, "").unwrap();
        let ssh_config = dir.join("ssh_config");
        std::fs::write(
            &ssh_config,
            format!(
                "Host *\n  IdentityFile {d}/client_key\n  IdentitiesOnly yes\n  \
                 UserKnownHostsFile {d}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  \
                 StrictHostKeyChecking yes\n",
                d = dir.display()
            ),
        )
        .unwrap();
        Lab {
            dir: dir.to_path_buf(),
            ssh_config,
            known_hosts,
        }
    }
}

/// How one server behaves.
#[derive(Default)]
pub struct Options<'a> {
    /// Refuses the lab's key (an empty authorized_keys).
    pub refuse_key: bool,
    /// Its host key left out of the lab's known_hosts.
    pub unknown_host_key: bool,
    /// Programs put first in the sessions' PATH: (name, shell script).
    pub fake_commands: &'a [(&'a str, String)],
}

pub struct Sshd {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    pub log: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Sshd {
    pub fn start(lab: &Lab, name: &str, o: &Options) -> Sshd {
        let dir = lab.dir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        // sshd's privilege separation folder (compiled in).
        std::fs::create_dir_all("/run/sshd").unwrap();
        keygen(&dir.join("host_key"));
        let authorized = dir.join("authorized_keys");
        let key = if o.refuse_key {
            String::new()
        } else {
            std::fs::read_to_string(lab.dir.join("client_key.pub")).unwrap()
        };
        std::fs::write(&authorized, key).unwrap();
        let mut setenv = String::new();
        if !o.fake_commands.is_empty() {
            let bin = dir.join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            for (cmd, script) in o.fake_commands {
                let p = bin.join(cmd);
                std::fs::write(&p, script).unwrap();
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            setenv = format!(
                "SetEnv PATH={}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
                bin.display()
            );
        }
        let port = free_port();
        let log = dir.join("sshd.log");
        let conf = dir.join("sshd_config");
        std::fs::write(
            &conf,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
                 AuthorizedKeysFile {d}/authorized_keys\nPermitRootLogin prohibit-password\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
                 StrictModes no\nPidFile none\nLogLevel VERBOSE\n{setenv}",
                d = dir.display()
            ),
        )
        .unwrap();
        if !o.unknown_host_key {
            let pubkey = std::fs::read_to_string(dir.join("host_key.pub")).unwrap();
            let line = format!("[127.0.0.1]:{port} {pubkey}");
            let mut known = std::fs::read_to_string(&lab.known_hosts).unwrap();
            known.push_str(&line);
            std::fs::write(&lab.known_hosts, known).unwrap();
        }
        let child = Command::new(SSHD)
            .args(["-D", "-f"])
            .arg(&conf)
            .arg("-E")
            .arg(&log)
            .stdin(Stdio::null())
            .spawn()
            .expect("sshd");
        let s = Sshd {
            child,
            port,
            dir,
            log,
        };
        let until = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < until,
                "sshd did not start: {}",
                s.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    /// `ssh://root@127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ssh://root@127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Authenticated connections so far (sshd's "Accepted publickey" lines).
    pub fn connections(&self) -> usize {
        self.log_text().matches("Accepted publickey").count()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
