//! seeds: fixtures/dmidecode_* t/snapshots
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let dmi = ocsinventory_agent::task::inventory::generic::dmidecode::parse(&text(data));
    std::hint::black_box(dmi);
});
