//! seeds: fuzz/seeds/dpkg
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let p =
        ocsinventory_agent::task::inventory::os::linux::softwares::dpkg::parse_status(&text(data));
    std::hint::black_box(p);
});
