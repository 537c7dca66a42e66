//! seeds: fixtures/smartctl
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let e = ocsinventory_agent::task::inventory::generic::smartctl::parse(&text(data));
    std::hint::black_box(e);
});
