//! seeds: snmp-walks/cases
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

// An snmpwalk file (--netinventory-file), then the whole device inventory derived from
// what it says, as for a live device.
fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::snmp::identify::SysObjectDb;
    use ocsinventory_agent::snmp::walkfile;
    use ocsinventory_agent::task::snmp::device;
    let walk = walkfile::parse(&text(data));
    let params = device::Params::default();
    std::hint::black_box(device::inventory(&walk.table, &SysObjectDb::default(), &params));
});
