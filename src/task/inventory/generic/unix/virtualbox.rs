//! VIRTUALMACHINES of VirtualBox, on any OS where `VBoxManage` is installed: one
//! `VBoxManage -nologo list --long vms` run.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

/// Where `VBoxManage` lives (Linux and BSD packages, macOS, Solaris): looked for before it is
/// run, so a machine without VirtualBox pays no program start.
const PATHS: &[&str] = &[
    "/usr/bin/VBoxManage",
    "/usr/local/bin/VBoxManage",
    "/opt/VirtualBox/VBoxManage",
];

pub const MODULE: Module = Module {
    name: "generic/virtualbox",
    category: "virtualmachine",
    applies: |ctx| PATHS.iter().any(|p| ctx.src.exists(p)),
    collect,
};

/// One entry per VM of `VBoxManage list --long vms`: NAME, UUID, MEMORY (as written,
/// `512MB`), VCPU, STATUS. The `Name:` of a USB device or filter block (which starts with
/// `Index:`) and the indented names of the snapshot tree are not machines.
pub fn parse_vboxmanage(text: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    // A USB device or filter block (`Index:` … up to a blank line) has its own `Name:`.
    let mut in_usb = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            in_usb = false;
            continue;
        }
        // Indented lines (snapshot trees) name snapshots, not machines.
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "Index" => in_usb = true,
            _ if in_usb => {}
            "Name" => {
                let mut e = Entry::new();
                e.set("NAME", value)
                    .set("VCPU", "1")
                    .set("SUBSYSTEM", "Oracle VM VirtualBox")
                    .set("VMTYPE", "VirtualBox");
                out.push(e);
            }
            "UUID" => set_last(&mut out, "UUID", value),
            "Memory size" => set_last(&mut out, "MEMORY", value),
            "Number of CPUs" => set_last(&mut out, "VCPU", value),
            "State" => {
                let state = value.split(" (").next().unwrap_or(value);
                if let Some(status) = status(state) {
                    set_last(&mut out, "STATUS", status);
                }
            }
            _ => {}
        }
    }
    out
}

fn set_last(out: &mut [Entry], key: &'static str, value: &str) {
    if let Some(e) = out.last_mut() {
        if !e.has(key) || key == "VCPU" {
            e.set(key, value);
        }
    }
}

/// VirtualBox machine states → the inventory's VM status words.
fn status(state: &str) -> Option<&'static str> {
    Some(match state.trim() {
        "powered off" | "saved" | "teleported" | "aborted-saved" => "off",
        "running" | "starting" | "restoring" | "live snapshotting" => "running",
        "paused" | "teleporting" => "paused",
        "aborted" => "crashed",
        "stuck" => "blocked",
        "stopping" | "saving" => "dying",
        _ => return None,
    })
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(exe) = PATHS.iter().find(|p| ctx.src.exists(p)) else {
        return;
    };
    let text = ctx.command(&[exe, "-nologo", "list", "--long", "vms"]);
    for e in parse_vboxmanage(&text.unwrap_or_default()) {
        inv.add("VIRTUALMACHINES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vms() {
        let v = super::parse_vboxmanage(
            "Name:            FreeBSD8 i386\nUUID:            d1857d13-a67f-4ba9-a3e6-101e42f59268\nMemory size:     512MB\nNumber of CPUs:  2\nState:           running (since 2011-01-01)\nIndex:           0\nActive:          yes\nName:            Logitech USB filter\n\nSnapshots:\n   Name: Clean (UUID: 1)\n\nName:            Centos\nUUID:            f8d4\nState:           powered off (since x)\n",
        );
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].get("VCPU"), Some("2"));
        assert_eq!(v[0].get("STATUS"), Some("running"));
        assert_eq!(v[0].get("MEMORY"), Some("512MB"));
        assert_eq!(v[1].get("STATUS"), Some("off"));
        assert_eq!(v[1].get("VCPU"), Some("1"));
    }
}
