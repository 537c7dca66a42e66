//! seeds: fixtures/cpuinfo_raw fixtures/linux_cpu
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let blocks = ocsinventory_agent::task::inventory::os::linux::cpuinfo::parse(&text(data));
    std::hint::black_box(blocks);
});
