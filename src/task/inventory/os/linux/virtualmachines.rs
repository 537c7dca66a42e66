//! VIRTUALMACHINES hosted here: libvirt domains (their XML definitions in
//! `/etc/libvirt/qemu`, running when a pid file exists), LXC containers
//! (`/var/lib/lxc/<name>/config`), and Docker / Podman containers (one `ps -a` each).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/virtualmachines",
    category: "virtualmachine",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// The text of the first `<tag …>text</tag>` in a small XML document.
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{tag}"))?;
    let open_end = start + xml[start..].find('>')? + 1;
    let close = open_end + xml[open_end..].find(&format!("</{tag}>"))?;
    Some(xml[open_end..close].trim())
}

/// A libvirt domain definition → NAME, UUID, MEMORY (MB), VCPU, SUBSYSTEM.
pub fn libvirt_domain(xml: &str) -> Option<Entry> {
    let name = xml_text(xml, "name")?;
    let mut e = Entry::new();
    e.set("NAME", name)
        .set("VMTYPE", "libvirt")
        .set("SUBSYSTEM", "kvm");
    e.set_opt("UUID", xml_text(xml, "uuid"));
    e.set_opt("VCPU", xml_text(xml, "vcpu"));
    if let Some(mem) = xml_text(xml, "memory").and_then(|m| m.parse::<u64>().ok()) {
        let tag = &xml[xml.find("<memory")?..];
        let unit = tag.split('>').next().unwrap_or("");
        let mb = if unit.contains("unit='MiB'") || unit.contains("unit=\"MiB\"") {
            mem
        } else {
            mem / 1024
        };
        e.set("MEMORY", mb.to_string());
    }
    if let Some(mac) = xml
        .find("<mac address=")
        .and_then(|i| xml[i + 14..].split(['\'', '"']).next())
    {
        e.set("MAC", mac);
    }
    Some(e)
}

/// `docker|podman ps -a --format` lines (`id\tname\timage\tstatus`) → entries.
pub fn containers(text: &str, runtime: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 4 || f[1].is_empty() {
                return None;
            }
            let status = if f[3].starts_with("Up") {
                if f[3].contains("Paused") {
                    "paused"
                } else {
                    "running"
                }
            } else {
                "off"
            };
            let mut e = Entry::new();
            e.set("NAME", f[1])
                .set("UUID", f[0])
                .set("IMAGE", f[2])
                .set("STATUS", status)
                .set("VMTYPE", runtime)
                .set("SUBSYSTEM", runtime);
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let src = ctx.src;
    for file in src.list_dir("/etc/libvirt/qemu").unwrap_or_default() {
        let Some(name) = file.strip_suffix(".xml") else {
            continue;
        };
        let Some(mut e) = src
            .read_text(&format!("/etc/libvirt/qemu/{file}"))
            .and_then(|x| libvirt_domain(&x))
        else {
            continue;
        };
        let running = src.exists(&format!("/run/libvirt/qemu/{name}.pid"));
        e.set("STATUS", if running { "running" } else { "off" });
        inv.add("VIRTUALMACHINES", e);
    }
    for name in src.list_dir("/var/lib/lxc").unwrap_or_default() {
        let Some(config) = src.read_text(&format!("/var/lib/lxc/{name}/config")) else {
            continue;
        };
        let mut e = Entry::new();
        e.set("NAME", name.as_str())
            .set("VMTYPE", "lxc")
            .set("SUBSYSTEM", "lxc");
        for line in config.lines() {
            if let Some((k, v)) = line.split_once('=') {
                match k.trim() {
                    "lxc.net.0.hwaddr" | "lxc.network.hwaddr" => e.set("MAC", v.trim()),
                    "lxc.uts.name" | "lxc.utsname" => e.set("COMMENT", v.trim()),
                    _ => &mut e,
                };
            }
        }
        inv.add("VIRTUALMACHINES", e);
    }
    let format = "{{.ID}}\t{{.Names}}\t{{.Image}}\t{{.Status}}";
    let runtimes = [
        (
            "docker",
            src.exists("/var/run/docker.sock") || src.exists("/run/docker.sock"),
        ),
        (
            "podman",
            src.exists("/usr/bin/podman") && src.exists("/var/lib/containers/storage"),
        ),
    ];
    for (runtime, present) in runtimes {
        if !present {
            continue;
        }
        if let Some(text) = ctx.command(&[runtime, "ps", "-a", "--no-trunc", "--format", format]) {
            for e in containers(&text, runtime) {
                inv.add("VIRTUALMACHINES", e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain() {
        let x = "<domain type='kvm'>\n  <name>web1</name>\n  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>\n  <memory unit='KiB'>2097152</memory>\n  <vcpu placement='static'>2</vcpu>\n <interface><mac address='52:54:00:aa:bb:cc'/></interface></domain>";
        let e = libvirt_domain(x).unwrap();
        assert_eq!(e.get("NAME"), Some("web1"));
        assert_eq!(e.get("MEMORY"), Some("2048"));
        assert_eq!(e.get("VCPU"), Some("2"));
        assert_eq!(e.get("MAC"), Some("52:54:00:aa:bb:cc"));
        assert!(libvirt_domain("<garbage").is_none());
    }

    #[test]
    fn docker_lines() {
        let e = containers(
            "abc\tweb\tnginx:1\tUp 2 hours\ndef\tdb\tpostgres\tExited (0) 3 days ago\nshort\n",
            "podman",
        );
        assert_eq!(e[0].get("VMTYPE"), Some("podman"));
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].get("STATUS"), Some("running"));
        assert_eq!(e[1].get("STATUS"), Some("off"));
    }
}
