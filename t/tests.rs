//! The test suite `make test` runs: the agent binary end to end, its parsers against the
//! reference's fixtures, replayed recordings of other systems, hostile peers and servers
//! on loopback. One module per concern, one `support` for all (as ripgrep's tests/tests.rs).
//! The daemon's timing tests (`t/daemon.rs`) and the suites against real servers
//! (`t/servers.rs`) are binaries of their own.

mod support;

#[path = "core.rs"]
mod agent_core;
mod bsd;
mod conformance;
mod conformance_unix;
mod credentials;
mod deploy_glpi;
mod garbage;
mod hardening;
mod hostile_http;
mod json_schema;
mod netdiscovery;
mod ocs_dialect_replay;
mod peers;
mod remote_ssh;
mod server_errors;
mod snmp_jobs;
mod snmp_walks;
mod unix_replay;
mod wakeonlan;
