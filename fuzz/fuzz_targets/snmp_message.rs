//! seeds: fuzz/seeds/snmp_message
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz as _;

// Whatever a device (or anyone on the network) sends to the SNMP engine's sockets.
fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::snmp::{ber, message};
    std::hint::black_box(message::decode(data).is_ok());
    std::hint::black_box(message::decode_scoped(data).is_ok());
    if let Some((tag, rest)) = data.split_first() {
        std::hint::black_box(ber::decode_value(*tag, rest).is_ok());
        std::hint::black_box(ber::decode_oid(rest).is_ok());
    }
});
