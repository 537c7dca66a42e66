//! VIRTUALMACHINES on Solaris/illumos: the zones of the global zone (`zoneadm list -p`),
//! with their memory cap from `/etc/zones/<zone>.xml`.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::hardware::zone;

pub const MODULE: Module = Module {
    name: "solaris/zones",
    category: "virtualmachine",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

/// One zone of `zoneadm list -p` (`id:name:status:path:uuid:brand:ip-type`), the
/// global zone left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub status: String,
    pub uuid: Option<String>,
}

pub fn parse_zoneadm(text: &str) -> Vec<Zone> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.trim().split(':').collect();
            if f.len() < 3 || f[1].is_empty() || f[1] == "global" {
                return None;
            }
            Some(Zone {
                name: f[1].to_string(),
                status: f[2].to_string(),
                uuid: f.get(4).filter(|u| !u.is_empty()).map(|u| u.to_string()),
            })
        })
        .collect()
}

/// `<mcap physcap="1073741824"/>` in a zone's XML → MB.
pub fn memory_cap_mb(xml: &str) -> Option<u64> {
    let line = xml.lines().find(|l| l.contains("mcap"))?;
    let rest = &line[line.find("physcap=\"")? + 9..];
    let bytes: u64 = rest.split('"').next()?.parse().ok()?;
    Some(bytes / 1024 / 1024)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    if zone(ctx) != "global" {
        return;
    }
    let Some(text) = ctx.command(&["/usr/sbin/zoneadm", "list", "-p"]) else {
        return;
    };
    let vcpu = ctx
        .command(&["/usr/sbin/psrinfo", "-p"])
        .map(|t| t.trim().to_string());
    for z in parse_zoneadm(&text) {
        // a zone name is `[A-Za-z0-9][A-Za-z0-9_.-]*`: nothing else goes into a path
        let safe = z
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            && !z.name.starts_with('.');
        let memory = if safe {
            ctx.src
                .read_text(&format!("/etc/zones/{}.xml", z.name))
                .and_then(|x| memory_cap_mb(&x))
        } else {
            None
        };
        let mut e = Entry::new();
        e.set("NAME", z.name.as_str())
            .set("STATUS", z.status.as_str())
            .set_opt("UUID", z.uuid.clone())
            .set("SUBSYSTEM", "Solaris Zones")
            .set("VMTYPE", "Solaris Zones")
            .set_opt("MEMORY", memory.map(|m| m.to_string()))
            .set_opt("VCPU", vcpu.clone());
        inv.add("VIRTUALMACHINES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_and_caps() {
        let z = parse_zoneadm("0:global:running:/::solaris:shared:-:none:\n3:web1:running:/zones/web1:5a1c4c3e-8f3a-4c6e-bd4a-0c1d2e3f4a5b:solaris:excl:-::\n-:db:installed:/zones/db::solaris:excl:-::\n");
        assert_eq!(z.len(), 2);
        assert_eq!(z[0].name, "web1");
        assert!(z[0].uuid.is_some());
        assert_eq!(z[1].status, "installed");
        assert_eq!(
            memory_cap_mb("<zone name=\"web1\">\n  <mcap physcap=\"1073741824\"/>\n</zone>\n"),
            Some(1024)
        );
    }
}
