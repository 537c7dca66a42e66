//! seeds: fuzz/seeds/deploy_info
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::text;

// A package's info file and the DOWNLOAD option of a PROLOG reply, as a server sends them.
fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::net::xmltree::Node;
    use ocsinventory_agent::task::deploy::{info, ocs_job};
    let t = text(data);
    std::hint::black_box(info::parse(&t, "1795588218", std::path::Path::new("/var/lib/x")).is_ok());
    if let Ok(node) = Node::parse(&t) {
        std::hint::black_box(ocs_job::parse(&node));
    }
});
