//! seeds: fixtures/networks t/snapshots
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let t = text(data);
    std::hint::black_box(ocsinventory_agent::task::inventory::generic::ifconfig::parse(&t));
    std::hint::black_box(ocsinventory_agent::task::inventory::os::bsd::ifconfig::parse(&t));
});
