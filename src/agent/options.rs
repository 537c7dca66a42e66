//! The one table of the agent's options.
//!
//! Every option exists once here: the command line (getopts) is built from it, the
//! configuration file accepts exactly its `config` keys, the man page test checks it
//! documents each of them. So a long option and its `agent.cfg` key cannot drift apart.

/// How an option takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A switch: `--force`, `force = 1`.
    Flag,
    /// A switch that may be repeated to raise a level: `--debug --debug`, `debug = 2`.
    Count,
    /// One value: `--tag X`, `tag = X`.
    Value,
    /// A comma separated list; on the command line the option may also be repeated.
    List,
}

/// One option of the agent.
#[derive(Debug)]
pub struct Opt {
    pub name: &'static str,
    pub short: &'static str,
    pub kind: Kind,
    /// Placeholder shown in `--help` for options that take a value.
    pub hint: &'static str,
    pub help: &'static str,
    /// Accepted as a key in `agent.cfg` (false for one-shot actions such as `--help`).
    pub config: bool,
}

const fn opt(
    name: &'static str,
    short: &'static str,
    kind: Kind,
    hint: &'static str,
    help: &'static str,
) -> Opt {
    Opt {
        name,
        short,
        kind,
        hint,
        help,
        config: true,
    }
}

const fn action(
    name: &'static str,
    short: &'static str,
    kind: Kind,
    hint: &'static str,
    help: &'static str,
) -> Opt {
    Opt {
        config: false,
        ..opt(name, short, kind, hint, help)
    }
}

use Kind::*;

/// All options, in the order `--help` shows them.
pub const OPTIONS: &[Opt] = &[
    // Targets
    opt(
        "server",
        "s",
        List,
        "URL",
        "send the inventory to this OCS/GLPI server (repeatable, or a comma list)",
    ),
    opt(
        "local",
        "l",
        List,
        "PATH",
        "write the inventory to DIR/<deviceid>.ocs, to FILE, or to stdout with '-'",
    ),
    opt(
        "stdout",
        "",
        Flag,
        "",
        "write the inventory to standard output (same as --local -)",
    ),
    opt(
        "json",
        "",
        Flag,
        "",
        "write local inventories in GLPI native JSON instead of XML",
    ),
    opt(
        "dialect",
        "",
        Value,
        "DIALECT",
        "XML dialect of local inventories: fusion (FusionInventory/GLPI, default) or ocs",
    ),
    opt(
        "server-dialect",
        "",
        List,
        "[URL=]DIALECT",
        "XML dialect sent to servers: auto (default: ocs for .../ocsinventory), ocs, fusion",
    ),
    // What to run
    opt(
        "tasks",
        "",
        List,
        "TASK",
        "tasks to run, in order ('...' at the end adds the remaining ones)",
    ),
    opt("no-task", "", List, "TASK", "tasks never to run"),
    opt(
        "no-category",
        "",
        List,
        "CAT",
        "inventory categories to leave out",
    ),
    opt(
        "tag",
        "t",
        Value,
        "TAG",
        "administrative tag sent in ACCOUNTINFO",
    ),
    opt(
        "force",
        "f",
        Flag,
        "",
        "send an inventory even if the server did not ask for one",
    ),
    opt(
        "lazy",
        "",
        Flag,
        "",
        "do not contact a server before its next scheduled time",
    ),
    opt(
        "wait",
        "w",
        Value,
        "SECONDS",
        "wait a random delay up to SECONDS before starting",
    ),
    opt(
        "delaytime",
        "",
        Value,
        "SECONDS",
        "longest random delay before the first contact (default 3600)",
    ),
    opt(
        "additional-content",
        "",
        Value,
        "FILE",
        "XML file whose sections are added to the inventory",
    ),
    opt(
        "scan-homedirs",
        "",
        Flag,
        "",
        "also look into users' home directories (VirtualBox machines)",
    ),
    // ---- discovery: network discovery and Wake-on-LAN by hand ----
    opt(
        "netdiscovery",
        "",
        List,
        "RANGE",
        "scan this IPv4 range: CIDR, A-B or one address (repeatable); SNMP with --credentials",
    ),
    opt(
        "credentials",
        "",
        List,
        "CRED",
        "SNMP credential for --netdiscovery/--netinventory: version:2c,community:C or version:3,username:U,… (repeatable)",
    ),
    opt(
        "snmp-timeout",
        "",
        Value,
        "SECONDS",
        "wait for one SNMP answer (default 1 in discovery, 15 in the SNMP inventory)",
    ),
    opt(
        "wakeonlan",
        "",
        List,
        "MAC",
        "send Wake-on-LAN magic packets to these MAC addresses (repeatable)",
    ),
    // ---- end discovery ----
    // Limits
    opt(
        "backend-collect-timeout",
        "",
        Value,
        "SECONDS",
        "time limit of each external command run by the inventory (default 180)",
    ),
    opt(
        "task-timeout",
        "",
        Value,
        "SECONDS",
        "time limit of each task child process (default 600)",
    ),
    opt(
        "task-memory-limit",
        "",
        Value,
        "MB",
        "address space cap of each task child process (default 1024, 0 = none)",
    ),
    // Server connection
    opt(
        "user",
        "u",
        Value,
        "USER",
        "user name for HTTP Basic authentication (sent to the configured servers only)",
    ),
    opt(
        "password",
        "p",
        Value,
        "PASSWORD",
        "password for HTTP Basic authentication (sent to the configured servers only)",
    ),
    opt(
        "proxy",
        "P",
        Value,
        "URL",
        "HTTP(S) proxy (default: the http_proxy/https_proxy variables)",
    ),
    opt(
        "ca-cert-file",
        "",
        Value,
        "FILE",
        "CA certificates (PEM) that server certificates must chain to",
    ),
    opt(
        "ca-cert-dir",
        "",
        Value,
        "DIR",
        "directory of CA certificates (PEM files)",
    ),
    opt(
        "no-ssl-check",
        "",
        Flag,
        "",
        "do not verify the configured servers' certificates (insecure; every other host, Deploy package hosts and mirrors included, is still checked)",
    ),
    opt(
        "timeout",
        "",
        Value,
        "SECONDS",
        "network timeout (default 180)",
    ),
    opt("no-compression", "C", Flag, "", "send uncompressed XML"),
    // Deploy
    opt(
        "no-p2p",
        "",
        Flag,
        "",
        "Deploy: never fetch package fragments from peers, nor share them",
    ),
    opt(
        "deploy-p2p-port",
        "",
        Value,
        "PORT",
        "Deploy: port of the peers' HTTP interface (default 62354)",
    ),
    opt(
        "deploy-p2p-subnet",
        "",
        List,
        "RANGE",
        "Deploy: addresses scanned for peers, CIDR or a-b (default: this machine's networks)",
    ),
    opt(
        "deploy-p2p-retention",
        "",
        Value,
        "MINUTES",
        "Deploy: how long fragments stay shared with peers (default 4320)",
    ),
    opt(
        "deploy-frag-latency",
        "",
        Value,
        "SECONDS",
        "Deploy: pause after each fragment (default: the server's FRAG_LATENCY)",
    ),
    opt(
        "deploy-cycle-latency",
        "",
        Value,
        "SECONDS",
        "Deploy: pause after each cycle (default: the server's CYCLE_LATENCY)",
    ),
    opt(
        "deploy-period-latency",
        "",
        Value,
        "SECONDS",
        "Deploy: pause after each period (default: the server's PERIOD_LATENCY)",
    ),
    opt(
        "deploy-max-size",
        "",
        Value,
        "MB",
        "Deploy: largest package, downloaded or unpacked (default 4096)",
    ),
    opt(
        "deploy-command-timeout",
        "",
        Value,
        "SECONDS",
        "Deploy: time limit of a package's command (default 300)",
    ),
    opt(
        "glpi-deploy",
        "",
        Flag,
        "",
        "Deploy: also ask server targets for GLPI/FusionInventory Deploy jobs (JSON)",
    ),
    // Daemon and HTTP interface
    opt("daemon", "d", Flag, "", "run as a daemon"),
    opt(
        "no-fork",
        "",
        Flag,
        "",
        "with --daemon: stay in the foreground",
    ),
    opt(
        "pidfile",
        "",
        Value,
        "FILE",
        "daemon PID file (default <vardir>/ocsinventory-agent.pid)",
    ),
    opt("no-httpd", "", Flag, "", "do not start the HTTP interface"),
    opt(
        "httpd-ip",
        "",
        Value,
        "IP",
        "address the HTTP interface listens on (default all)",
    ),
    opt(
        "httpd-port",
        "",
        Value,
        "PORT",
        "port of the HTTP interface (default 62354)",
    ),
    opt(
        "httpd-trust",
        "",
        List,
        "ADDR",
        "IPs, CIDRs or ranges (a - b) allowed to trigger a run",
    ),
    opt(
        "ssl-cert-file",
        "",
        Value,
        "FILE",
        "certificate (PEM) of the HTTPS interface",
    ),
    opt(
        "ssl-key-file",
        "",
        Value,
        "FILE",
        "private key (PEM) of the HTTPS interface",
    ),
    // Logging
    opt(
        "logger",
        "",
        List,
        "BACKEND",
        "log backends: stderr, file, syslog (default stderr)",
    ),
    opt(
        "logfile",
        "",
        Value,
        "FILE",
        "log file (implies the file backend)",
    ),
    opt(
        "logfile-maxsize",
        "",
        Value,
        "MB",
        "log file size cap; the file is rotated to FILE.1 (default 0 = none)",
    ),
    opt(
        "logfacility",
        "",
        Value,
        "FACILITY",
        "syslog facility (default LOG_USER)",
    ),
    opt("debug", "", Count, "", "more log output (repeat for more)"),
    // Files
    opt(
        "vardir",
        "",
        Value,
        "DIR",
        "state directory (default /var/lib/ocsinventory-agent)",
    ),
    opt(
        "capture",
        "",
        Value,
        "DIR",
        "record every file and command the inventory reads into DIR",
    ),
    opt(
        "replay",
        "",
        Value,
        "DIR",
        "run the inventory from a recording made with --capture",
    ),
    // Remote inventory (SSH)
    opt(
        "remote",
        "",
        List,
        "URL",
        "inventory a machine that runs no agent, over SSH: ssh://[user@]host[:port] (repeatable)",
    ),
    opt(
        "ssh-config",
        "",
        Value,
        "FILE",
        "OpenSSH client configuration for --remote (ssh -F FILE: keys, known hosts, jump hosts)",
    ),
    opt(
        "remote-workers",
        "",
        Value,
        "N",
        "remote hosts inventoried at once (default 4)",
    ),
    // SNMP
    opt(
        "netinventory",
        "",
        List,
        "HOST",
        "SNMP inventory of these devices (HOST or HOST:PORT, repeatable)",
    ),
    opt(
        "netinventory-file",
        "",
        List,
        "FILE",
        "SNMP inventory of a device from an snmpwalk output instead of the device",
    ),
    // One-shot actions
    action(
        "conf-file",
        "",
        Value,
        "FILE",
        "configuration file (default /etc/ocsinventory-agent/agent.cfg)",
    ),
    action("list-tasks", "", Flag, "", "list the tasks and exit"),
    action(
        "list-categories",
        "",
        Flag,
        "",
        "list the inventory categories and exit",
    ),
    action("version", "", Flag, "", "print the version and exit"),
    action("help", "h", Flag, "", "print this help and exit"),
];

/// The option named `name`, if the agent has one.
pub fn find(name: &str) -> Option<&'static Opt> {
    OPTIONS.iter().find(|o| o.name == name)
}
