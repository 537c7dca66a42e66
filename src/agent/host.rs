//! This machine's name, and the DEVICEID that goes with it: the one way every task and
//! the daemon get them (the inventory, which may replay another machine, reads the name
//! from its source instead).

use std::path::Path;

/// The host name, `localhost` when the system cannot say.
pub fn name() -> String {
    nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// This agent's DEVICEID (the one the inventory sends), kept in `vardir`.
pub fn deviceid(vardir: &Path) -> Result<String, String> {
    super::state::deviceid(vardir, &name())
}
