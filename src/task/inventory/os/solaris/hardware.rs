//! HARDWARE and BIOS on Solaris/illumos: memory from `prtconf`, swap from `swap -l`,
//! the zone we run in (`zonename`), the UUID and firmware from `smbios` on x86 or the
//! OpenBoot tree (`prtconf -vp`) and `sneep` on SPARC, and `showrev`'s provider.

use crate::agent::state::short_hostname;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};
use crate::task::inventory::os::linux::hardware::resolv;

use super::{prtconf, showrev, smbios};

pub const MODULE: Module = Module {
    name: "solaris/hardware",
    category: "hardware",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

pub const BIOS: Module = Module {
    name: "solaris/bios",
    category: "bios",
    applies: |ctx| ctx.os == Os::Solaris,
    collect: collect_bios,
};

/// The zone we run in: `global` outside any zone (or when `zonename` is missing).
pub fn zone(ctx: &Context) -> String {
    ctx.command(&["zonename"])
        .and_then(|t| t.lines().next().map(|l| l.trim().to_string()))
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| "global".to_string())
}

/// True on x86 machines (`i86pc`), false on SPARC (`sun4u`, `sun4v`).
pub fn is_x86(ctx: &Context) -> bool {
    ctx.uname.machine.starts_with("i86") || ctx.uname.machine.contains("86")
}

/// `prtconf`'s `Memory size: 16384 Megabytes` → MB.
pub fn memory_mb(prtconf: &str) -> Option<u64> {
    prtconf.lines().find_map(|l| {
        let rest = l.strip_prefix("Memory size:")?;
        let mut w = rest.split_whitespace();
        let n: u64 = w.next()?.parse().ok()?;
        match w.next().map(|u| u.to_ascii_lowercase()) {
            Some(u) if u.starts_with("giga") => Some(n * 1024),
            _ => Some(n),
        }
    })
}

/// `swap -l` → total MB (the `blocks` column counts 512-byte blocks).
pub fn swap_mb(text: &str) -> Option<u64> {
    let blocks: Vec<u64> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(3)?.parse().ok())
        .collect();
    (!blocks.is_empty()).then(|| blocks.iter().sum::<u64>() * 512 / 1024 / 1024)
}

/// `zoneadm -z global list -p` (`0:global:running:/::solaris:shared`): the UUID field.
pub fn zoneadm_uuid(text: &str) -> Option<String> {
    let uuid = text.lines().next()?.split(':').nth(4)?.trim();
    (!uuid.is_empty()).then(|| uuid.to_string())
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let memory = ctx
        .command(&["/usr/sbin/prtconf"])
        .and_then(|t| memory_mb(&t));
    let swap = ctx
        .command(&["/usr/sbin/swap", "-l"])
        .and_then(|t| swap_mb(&t));
    let (dns, domain) = resolv(&ctx.file("/etc/resolv.conf").unwrap_or_default());
    let zone = zone(ctx);
    let uuid = if zone == "global" && is_x86(ctx) {
        ctx.command(&["/usr/sbin/smbios"]).and_then(|t| {
            smbios::parse_smbios(&t)
                .get("SMB_TYPE_SYSTEM")?
                .get("UUID")
                .cloned()
        })
    } else {
        let argv: &[&str] = if zone == "global" {
            &["/usr/sbin/zoneadm", "-z", "global", "list", "-p"]
        } else {
            &["/usr/sbin/zoneadm", "list", "-p"]
        };
        ctx.command(argv).and_then(|t| zoneadm_uuid(&t))
    };
    let hw = inv.single("HARDWARE");
    hw.set("NAME", short_hostname(&ctx.uname.nodename))
        .set_opt("MEMORY", memory.map(|m| m.to_string()))
        .set_opt("SWAP", swap.map(|m| m.to_string()))
        .set_opt("UUID", uuid)
        .set_opt("WORKGROUP", domain);
    if !dns.is_empty() {
        hw.set("DNS", dns.join("/"));
    }
    if zone != "global" {
        hw.set("VMSYSTEM", "Solaris Zone");
    }
    let hostid = ctx
        .command(&["hostid"])
        .and_then(|t| t.lines().next().map(|l| l.trim().to_string()));
    let platform = ctx
        .command(&["uname", "-i"])
        .map(|t| t.trim().to_string())
        .unwrap_or_else(|| ctx.uname.machine.clone());
    if let Some(hostid) = hostid {
        hw.set(
            "DESCRIPTION",
            format!("{platform}({})/HostID={hostid}", ctx.uname.machine),
        );
    }
}

fn collect_bios(ctx: &Context, inv: &mut Inventory) {
    let rev = ctx
        .command(&["showrev"])
        .map(|t| showrev::parse_showrev(&t))
        .unwrap_or_default();
    let bios = inv.single("BIOS");
    bios.set_opt("SMANUFACTURER", rev.get("Hardware provider").cloned());
    if zone(ctx) != "global" {
        bios.set("SMODEL", "Solaris Containers");
        return;
    }
    bios.set_opt("SMODEL", rev.get("Application architecture").cloned());
    if is_x86(ctx) {
        let Some(s) = ctx
            .command(&["/usr/sbin/smbios"])
            .map(|t| smbios::parse_smbios(&t))
        else {
            return;
        };
        let get = |kind: &str, key: &str| -> Option<String> { s.get(kind)?.get(key).cloned() };
        bios.set_opt("BMANUFACTURER", get("SMB_TYPE_BIOS", "Vendor"))
            .set_opt("BVERSION", get("SMB_TYPE_BIOS", "Version String"))
            .set_opt("BDATE", get("SMB_TYPE_BIOS", "Release Date"))
            .set_opt("SMANUFACTURER", get("SMB_TYPE_SYSTEM", "Manufacturer"))
            .set_opt("SMODEL", get("SMB_TYPE_SYSTEM", "Product"))
            .set_opt("SSN", get("SMB_TYPE_SYSTEM", "Serial Number"))
            .set_opt("SKUNUMBER", get("SMB_TYPE_SYSTEM", "SKU Number"))
            .set_opt("MMODEL", get("SMB_TYPE_BASEBOARD", "Product"))
            .set_opt("MSN", get("SMB_TYPE_BASEBOARD", "Serial Number"))
            .set_opt("MMANUFACTURER", get("SMB_TYPE_BASEBOARD", "Manufacturer"));
        return;
    }
    if let Some(tree) = ctx
        .command(&["/usr/sbin/prtconf", "-vp"])
        .map(|t| prtconf::parse_prtconf(&t))
    {
        if let Some(root) = prtconf::root(&tree) {
            bios.set_opt("SMODEL", prtconf::text(root, "banner-name"));
            if let Some(prtconf::Prop::Node(prom)) = root.get("openprom") {
                if let Some((v, d)) = prtconf::text(prom, "version").and_then(prtconf::obp_version)
                {
                    bios.set("BVERSION", v).set("BDATE", d);
                }
            }
        }
    }
    let sneep = ctx
        .command(&["/opt/SUNWsneep/bin/sneep"])
        .or_else(|| ctx.command(&["sneep"]));
    bios.set_opt(
        "SSN",
        sneep.and_then(|t| t.lines().next().map(|l| l.trim().to_string())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_uuid() {
        assert_eq!(
            memory_mb(
                "System Configuration:  Sun Microsystems  sun4u\nMemory size: 16384 Megabytes\n"
            ),
            Some(16384)
        );
        assert_eq!(
            swap_mb("swapfile             dev    swaplo   blocks     free\n/dev/zvol/dsk/rpool/swap 256,1      16 4194288 4194288\n"),
            Some(2047)
        );
        assert_eq!(
            zoneadm_uuid("0:global:running:/::solaris:shared:-:none:\n"),
            None
        );
        assert_eq!(
            zoneadm_uuid("0:global:running:/:be1630df-d130-41a4-be32-fd28bb4bd1ac:native:shared\n"),
            Some("be1630df-d130-41a4-be32-fd28bb4bd1ac".into())
        );
    }
}
