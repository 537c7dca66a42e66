//! seeds: fuzz/seeds/http_head
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::scratch_file;

fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::daemon::{request, routes};
    if let request::Parse::Done(head, used) = request::parse(data) {
        assert!(used <= data.len());
        let ctx = routes::Context {
            vardir: scratch_file("empty", b"").with_file_name("vardir"),
            deviceid: "fuzz-2026-01-01-00-00-00".into(),
            ..routes::Context::default()
        };
        let (response, _) = routes::route(&head, [127, 0, 0, 1].into(), &ctx);
        std::hint::black_box(response.status);
    }
});
