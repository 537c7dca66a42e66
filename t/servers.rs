//! The suites against real servers and peers (the OCS Inventory server, Debian's Perl
//! agents, snmpd and snmpsim, a throwaway Debian root), started on loopback by
//! `make integration`, one suite at a time with one test thread
//! (`cargo test --test servers <suite>:: -- --test-threads=1`). Without their variable
//! (`OCS_INTEGRATION=1`, `SNMP_LIVE=1`, `SNMP_OCS=1`) each says so and does nothing.

mod support;

mod deploy_ocs;
mod dropin;
mod integration_ocs;
mod ipdiscover_ocs;
mod killnine;
mod ocs_dialect;
mod package;
mod snmp_live;
mod snmp_ocs;
