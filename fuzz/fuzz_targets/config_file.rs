//! seeds: conf/agent.cfg
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::{scratch_file, text};

fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::agent::config::Config;
    let path = scratch_file("agent.cfg", data);
    let mut config = Config::new();
    if config.load_file(&path).is_ok() {
        let _ = config.validate();
        // What the daemon hands its task children must read back the same.
        let again = Config::decode(&config.encode()).map(|c| c.encode());
        assert_eq!(again.ok(), Some(config.encode()));
    }
    let _ = Config::decode(&text(data));
});
