//! seeds: t/snapshots
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::{scratch_file, text};

fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::agent::{schedule, state};
    let path = scratch_file(schedule::FILE, data);
    std::hint::black_box(state::read_kv(&path));
    if let Some(dir) = path.parent() {
        std::hint::black_box(schedule::load(dir));
    }
    std::hint::black_box(state::is_valid_deviceid(&text(data)));
});
