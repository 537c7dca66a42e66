//! seeds: fuzz/seeds/rpm
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let p =
        ocsinventory_agent::task::inventory::os::linux::softwares::rpm::parse(&text(data), |t| {
            t.to_string()
        });
    std::hint::black_box(p);
});
