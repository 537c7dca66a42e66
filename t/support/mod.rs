//! Helpers shared by the tests in `t/`.
#![allow(dead_code)]

pub mod agent;
pub mod fake_server;
pub mod glpi_deploy_server;
pub mod netns;
pub mod snmpd;
