//! seeds: fixtures/networks
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let e = ocsinventory_agent::task::inventory::os::linux::ip::parse(&text(data));
    std::hint::black_box(e);
});
