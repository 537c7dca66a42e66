//! The management processor (iLO / MP) of an HP-UX server as a NETWORKS entry: its
//! address from the System Management Homepage's `getMPInfo.cgi` (`RIBLink =
//! "https://10.0.14.60"`) or, without it, from `CIMUtil -e root/cimv2
//! HP_ManagementProcessor` (`IPAddress : 10.0.14.60`).

use std::net::Ipv4Addr;

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "hpux/mp",
    category: "network",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

const GET_MP_INFO: &str = "/opt/hpsmh/data/htdocs/comppage/getMPInfo.cgi";
const CIMUTIL: &str = "/opt/sfm/bin/CIMUtil";

/// The leading IPv4 address of `text`, if it starts with one.
fn leading_ip(text: &str) -> Option<String> {
    let candidate: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    candidate.parse::<Ipv4Addr>().ok().map(|a| a.to_string())
}

/// `getMPInfo.cgi` → the address of the first `RIBLink = "http(s)://A.B.C.D"`.
pub fn parse_get_mp_info(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = &l[l.find("RIBLink")? + "RIBLink".len()..];
        let rest = rest
            .trim_start()
            .strip_prefix('=')?
            .trim_start()
            .strip_prefix('"')?;
        let rest = rest
            .strip_prefix("https://")
            .or(rest.strip_prefix("http://"))?;
        leading_ip(rest)
    })
}

/// `CIMUtil -e root/cimv2 HP_ManagementProcessor` → the first `IPAddress : A.B.C.D`.
pub fn parse_cimutil(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("IPAddress")?;
        let rest = rest.trim_start().strip_prefix(':')?;
        leading_ip(rest.trim_start())
    })
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let address = ctx
        .command(&[GET_MP_INFO])
        .and_then(|t| parse_get_mp_info(&t))
        .or_else(|| {
            ctx.command(&[CIMUTIL, "-e", "root/cimv2", "HP_ManagementProcessor"])
                .and_then(|t| parse_cimutil(&t))
        });
    if let Some(address) = address {
        let mut e = Entry::new();
        e.set("DESCRIPTION", "Management Interface - HP MP")
            .set("TYPE", "ethernet")
            .set("MANAGEMENT", "MP")
            .set("IPADDRESS", address);
        inv.add("NETWORKS", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_sources() {
        assert_eq!(
            super::parse_get_mp_info(
                "x\nparent.frames.chpMiscData.RIBLink = \"https://10.0.14.60\";\n"
            )
            .as_deref(),
            Some("10.0.14.60")
        );
        assert_eq!(
            super::parse_cimutil("Name : x\nIPAddress :  10.0.14.60\n").as_deref(),
            Some("10.0.14.60")
        );
        assert_eq!(super::parse_cimutil("IPAddress : none\n"), None);
    }
}
