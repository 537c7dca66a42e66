//! OCS `HARDWARE`: the `hardware` table's columns (the OCS server has no
//! OPERATINGSYSTEM section, the OS lives here).
//!
//! - OSNAME `NAME VERSION`, OSVERSION and OSCOMMENTS (the pretty name) as the Perl OCS
//!   agent writes them on Linux: the version is os-release's `VERSION_ID`, or Debian's
//!   point release when the kernel is Debian's (`uname -v` says so);
//! - DESCRIPTION `ARCH/YY-MM-DD hh:mm:ss`: the architecture and the uptime written as a
//!   date counted from 1970 (years, months from 0, days from 0), what the console shows;
//! - ARCH (the Perl agent leaves it empty), UUID;
//! - IPADDR: one address, that of the interface that reaches the default gateway, never
//!   a loopback one (the server keeps the address it was contacted from when an
//!   interface carries it, which made our `127.0.0.1` the machine's address);
//! - WORKGROUP: the DNS domain, else `WORKGROUP` as the Perl agent.

use std::net::Ipv4Addr;

use crate::task::inventory::model::{Entry, Inventory};

/// Columns copied as they are (the server pastes PROCESSORS, PROCESSORN, MEMORY, SWAP
/// and TYPE into its SQL unquoted: those are kept only when they are whole numbers).
const COPIED: &[&str] = &[
    "NAME",
    "USERDOMAIN",
    "USERID",
    "PROCESSORT",
    "DNS",
    "DEFAULTGATEWAY",
    "CHECKSUM",
    "UUID",
    "WINCOMPANY",
    "WINOWNER",
    "WINPRODID",
    "WINPRODKEY",
];
const NUMBERS: &[&str] = &["PROCESSORS", "PROCESSORN", "MEMORY", "SWAP", "TYPE"];

/// An uptime in seconds as the Perl agent writes it: `gmtime(uptime)` with 70 taken
/// from the year and 1 from the day (`00-00-02 03:04:05` is 2 days 3 hours…).
pub fn uptime_text(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // civil date of `days` after 1970-01-01 (proleptic Gregorian)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{:02}-{:02}-{:02} {:02}:{:02}:{:02}",
        year - 1970,
        month - 1,
        day - 1,
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `(OSNAME, OSVERSION)` of a Linux system as the Perl OCS agent gives them.
pub fn linux_os(os: &Entry, uname_version: Option<&str>) -> (Option<String>, Option<String>) {
    let debian_kernel = uname_version.is_some_and(|v| v.to_ascii_lowercase().contains("debian"));
    let version = if debian_kernel {
        os.get("VERSION").or(os.get("VERSION_ID"))
    } else {
        os.get("VERSION_ID").or(os.get("VERSION"))
    };
    let name = match (os.get("NAME"), version) {
        (Some(n), Some(v)) => Some(format!("{n} {v}")),
        (Some(n), None) => Some(n.to_string()),
        (None, _) => None,
    };
    (name, version.map(str::to_string))
}

fn in_subnet(ip: &str, subnet: &str, mask: &str, gateway: &str) -> bool {
    let parse = |s: &str| s.parse::<Ipv4Addr>().ok().map(u32::from);
    match (parse(ip), parse(subnet), parse(mask), parse(gateway)) {
        (Some(_), Some(net), Some(mask), Some(gw)) => gw & mask == net & mask,
        _ => false,
    }
}

/// The machine's address: the IPv4 of the interface whose gateway (or subnet) is the
/// default gateway, else the first IPv4. `networks` are already without loopback.
pub fn main_address(networks: &[Entry], gateway: Option<&str>) -> Option<String> {
    let v4: Vec<(&Entry, &str)> = networks
        .iter()
        .filter_map(|n| Some((n, n.get("IPADDRESS")?)))
        .filter(|(_, ip)| ip.parse::<Ipv4Addr>().is_ok())
        .collect();
    let by_gateway = gateway.and_then(|gw| {
        v4.iter()
            .find(|(n, _)| n.get("IPGATEWAY") == Some(gw))
            .or_else(|| {
                v4.iter().find(|(n, ip)| {
                    in_subnet(
                        ip,
                        n.get("IPSUBNET").unwrap_or(""),
                        n.get("IPMASK").unwrap_or(""),
                        gw,
                    )
                })
            })
    });
    by_gateway.or(v4.first()).map(|(_, ip)| ip.to_string())
}

/// The OCS HARDWARE entry. `networks` are the OCS NETWORKS entries.
pub fn hardware(inv: &Inventory, networks: &[Entry]) -> Entry {
    let empty = Entry::new();
    let hw = inv.section("HARDWARE").first().unwrap_or(&empty);
    let os = inv.section("OPERATINGSYSTEM").first().unwrap_or(&empty);
    let mut out = Entry::new();
    for f in COPIED {
        out.set_opt(f, hw.get(f));
    }
    for f in NUMBERS {
        out.set_opt(
            f,
            hw.get(f)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())),
        );
    }
    if os.get("KERNEL_NAME") == Some("linux") {
        let (name, version) = linux_os(os, hw.get("OSCOMMENTS"));
        out.set_opt("OSNAME", name.or(hw.get("OSNAME").map(str::to_string)))
            .set_opt("OSVERSION", version)
            .set_opt("OSCOMMENTS", os.get("FULL_NAME").or(hw.get("OSCOMMENTS")));
    } else {
        out.set_opt("OSNAME", hw.get("OSNAME").or(os.get("NAME")))
            .set_opt(
                "OSVERSION",
                hw.get("OSVERSION").or(os.get("KERNEL_VERSION")),
            )
            .set_opt("OSCOMMENTS", hw.get("OSCOMMENTS").or(os.get("FULL_NAME")));
    }
    let arch = os.get("ARCH");
    out.set_opt("ARCH", arch);
    let uptime = hw.get("UPTIME").and_then(|u| u.parse::<u64>().ok());
    out.set_opt(
        "DESCRIPTION",
        match (arch, uptime) {
            (Some(a), Some(u)) => Some(format!("{a}/{}", uptime_text(u))),
            (Some(a), None) => Some(a.to_string()),
            (None, _) => None,
        },
    );
    out.set_opt(
        "IPADDR",
        main_address(networks, hw.get("DEFAULTGATEWAY")).or_else(|| {
            hw.get("IPADDR")
                .and_then(|all| all.split('/').find(|ip| !ip.starts_with("127.")))
                .map(str::to_string)
        }),
    );
    out.set(
        "WORKGROUP",
        hw.get("WORKGROUP")
            .or(os.get("DNS_DOMAIN"))
            .unwrap_or("WORKGROUP"),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_like_gmtime() {
        assert_eq!(uptime_text(1009), "00-00-00 00:16:49");
        assert_eq!(
            uptime_text(2 * 86_400 + 3 * 3600 + 4 * 60 + 5),
            "00-00-02 03:04:05"
        );
        // 40 days: gmtime gives February 10th → month 1, day 9
        assert_eq!(uptime_text(40 * 86_400), "00-01-09 00:00:00");
        assert_eq!(uptime_text(366 * 86_400), "01-00-01 00:00:00");
    }

    #[test]
    fn os_names_as_the_perl_agent() {
        let mut os = Entry::new();
        os.set("NAME", "Debian GNU/Linux")
            .set("VERSION", "12.11")
            .set("VERSION_ID", "12");
        let (n, v) = linux_os(&os, Some("#1 SMP PREEMPT_DYNAMIC @0"));
        assert_eq!(n.as_deref(), Some("Debian GNU/Linux 12"));
        assert_eq!(v.as_deref(), Some("12"));
        let (n, _) = linux_os(&os, Some("#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1"));
        assert_eq!(n.as_deref(), Some("Debian GNU/Linux 12.11"));
    }

    #[test]
    fn address_of_the_default_route() {
        let net = |ip: &str, subnet: &str, gw: Option<&str>| {
            let mut e = Entry::new();
            e.set("IPADDRESS", ip)
                .set("IPSUBNET", subnet)
                .set("IPMASK", "255.255.255.0")
                .set_opt("IPGATEWAY", gw);
            e
        };
        let nets = vec![
            net("fe80::1", "fe80::", None),
            net("10.1.0.5", "10.1.0.0", None),
            net("192.0.2.2", "192.0.2.0", None),
        ];
        assert_eq!(
            main_address(&nets, Some("192.0.2.1")).as_deref(),
            Some("192.0.2.2")
        );
        assert_eq!(main_address(&nets, None).as_deref(), Some("10.1.0.5"));
        assert_eq!(main_address(&nets[..1], None), None);
    }

    #[test]
    fn hardware_columns() {
        let mut inv = Inventory::new("d");
        inv.single("HARDWARE")
            .set("NAME", "vm")
            .set("PROCESSORS", "2.5")
            .set("MEMORY", "2048")
            .set("UPTIME", "1009")
            .set("IPADDR", "127.0.0.1/10.0.0.2")
            .set("WORKGROUP", "example.org");
        inv.single("OPERATINGSYSTEM")
            .set("KERNEL_NAME", "linux")
            .set("ARCH", "x86_64")
            .set("NAME", "Debian GNU/Linux")
            .set("VERSION_ID", "12")
            .set("FULL_NAME", "Debian GNU/Linux 12 (bookworm)");
        let hw = hardware(&inv, &[]);
        assert_eq!(hw.get("PROCESSORS"), None);
        assert_eq!(hw.get("MEMORY"), Some("2048"));
        assert_eq!(hw.get("DESCRIPTION"), Some("x86_64/00-00-00 00:16:49"));
        assert_eq!(hw.get("ARCH"), Some("x86_64"));
        assert_eq!(hw.get("IPADDR"), Some("10.0.0.2"));
        assert_eq!(hw.get("WORKGROUP"), Some("example.org"));
        assert_eq!(hw.get("OSCOMMENTS"), Some("Debian GNU/Linux 12 (bookworm)"));
    }
}
