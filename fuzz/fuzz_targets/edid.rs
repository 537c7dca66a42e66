//! seeds: fixtures/edid
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz as _;

fuzz_target!(|data: &[u8]| {
    let e = ocsinventory_agent::task::inventory::generic::edid::parse(data, &|_| None);
    std::hint::black_box(e);
});
