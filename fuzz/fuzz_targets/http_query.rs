//! seeds: fuzz/seeds/http_head
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::daemon::request;
    let t = text(data);
    std::hint::black_box(request::split_target(&t));
    std::hint::black_box(request::percent_decode(&t, true));
});
