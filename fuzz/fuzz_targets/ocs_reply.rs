//! seeds: fuzz/seeds/ocs_reply
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz as _;

fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::net::ocs;
    let Ok(text) = ocs::decode_body(data) else {
        return;
    };
    let Ok(reply) = ocs::parse_reply(&text) else {
        return;
    };
    let prolog = ocs::Prolog::from_reply(&reply);
    for o in &prolog.options {
        std::hint::black_box(ocs::option_name(o));
    }
    std::hint::black_box(ocs::InventoryReply::from_reply(&reply));
});
