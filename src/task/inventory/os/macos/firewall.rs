//! FIREWALL on macOS: the application firewall (`com.apple.alf`) is on when its service
//! is loaded (`launchctl list`), running (`launchctl procinfo <pid>`) and enabled
//! (`defaults read /Library/Preferences/com.apple.alf globalstate` ≥ 1).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "macos/firewall",
    category: "firewall",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// The PID of `com.apple.alf` in `launchctl list` (`PID  status  label`).
pub fn alf_pid(launchctl: &str) -> Option<u32> {
    launchctl.lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        (w.len() == 3 && w[2] == "com.apple.alf")
            .then(|| w[0].parse().ok())
            .flatten()
    })
}

/// True when `launchctl procinfo` says `state = running`.
pub fn running(procinfo: &str) -> bool {
    procinfo.lines().any(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        w == ["state", "=", "running"]
    })
}

/// `on` when loaded, running and enabled, else `off`.
pub fn status(pid: Option<u32>, running: bool, globalstate: &str) -> &'static str {
    let enabled = globalstate.trim().parse::<u32>().is_ok_and(|s| s >= 1);
    if pid.is_some() && running && enabled {
        "on"
    } else {
        "off"
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(list) = ctx.command(&["launchctl", "list"]) else {
        return;
    };
    let pid = alf_pid(&list);
    let is_running = pid.is_some_and(|p| {
        ctx.command(&["launchctl", "procinfo", &p.to_string()])
            .is_some_and(|t| running(&t))
    });
    let state = ctx
        .command(&[
            "defaults",
            "read",
            "/Library/Preferences/com.apple.alf",
            "globalstate",
        ])
        .unwrap_or_default();
    let mut e = Entry::new();
    e.set("STATUS", status(pid, is_running, &state));
    inv.add("FIREWALL", e);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loaded_running_enabled() {
        let pid =
            alf_pid("PID\tStatus\tLabel\n8116\t0\tcom.apple.alf\n-\t0\tcom.apple.alf.useragent\n");
        assert_eq!(pid, Some(8116));
        assert!(running("\tstate = running\n\t\tstate = 1\n"));
        assert_eq!(status(pid, true, "1"), "on");
        assert_eq!(status(None, true, "1"), "off");
        assert_eq!(status(pid, true, "0"), "off");
    }
}
