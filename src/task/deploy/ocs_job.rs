//! The OCS `DOWNLOAD` option of the PROLOG reply: one `CONF` parameter (latencies,
//! timeout, the switch) and one `PACK` parameter per package to deploy.
//!
//! Package IDs become folder and file names, so only plain digits are accepted (the
//! console makes them from the Unix time); the locations must be `host[:port]/path`
//! without a scheme, user info, query or blank.

use crate::net::xmltree::Node;

/// The `CONF` parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conf {
    pub on: bool,
    pub frag_latency: u64,
    pub cycle_latency: u64,
    pub period_latency: u64,
    pub period_length: u64,
    /// Days after which a package not done yet is given up (`ERR_TIMEOUT`).
    pub timeout_days: u64,
}

impl Default for Conf {
    /// The server's defaults (its `config` table).
    fn default() -> Conf {
        Conf {
            on: true,
            frag_latency: 10,
            cycle_latency: 60,
            period_latency: 1,
            period_length: 10,
            timeout_days: 30,
        }
    }
}

/// One `PACK` parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pack {
    pub id: String,
    pub info_loc: String,
    pub pack_loc: String,
    /// Deploy again even when the history has it.
    pub force: bool,
}

/// A package ID as the agent accepts it: 1 to 10 digits.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 10 && id.bytes().all(|b| b.is_ascii_digit())
}

/// A location as the console writes it: `host[:port]/path`, no scheme.
pub fn valid_location(loc: &str) -> bool {
    !loc.is_empty()
        && loc.len() <= 1024
        && !loc.contains("://")
        && !loc.starts_with('/')
        && loc
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '?' | '#' | '@' | '\\' | '"' | '<' | '>'))
}

/// Reads the option; PACKs with a bad ID or location are left out with a warning.
pub fn parse(option: &Node) -> (Conf, Vec<Pack>) {
    let mut conf = Conf::default();
    let mut packs = Vec::new();
    for p in option.children_named("PARAM") {
        let num = |k: &str, d: u64| {
            p.attr(k)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(d)
        };
        match p.attr("TYPE") {
            Some("CONF") => {
                conf = Conf {
                    on: p.attr("ON").map(str::trim) != Some("0"),
                    frag_latency: num("FRAG_LATENCY", conf.frag_latency),
                    cycle_latency: num("CYCLE_LATENCY", conf.cycle_latency),
                    period_latency: num("PERIOD_LATENCY", conf.period_latency),
                    period_length: num("PERIOD_LENGTH", conf.period_length).clamp(1, 1000),
                    timeout_days: num("TIMEOUT", conf.timeout_days),
                }
            }
            Some("PACK") => {
                let id = p.attr("ID").unwrap_or("").trim().to_string();
                let info_loc = p.attr("INFO_LOC").unwrap_or("").trim().to_string();
                let pack_loc = p.attr("PACK_LOC").unwrap_or("").trim().to_string();
                if !valid_id(&id) {
                    log::warn!("package ID '{}' refused: digits only", id.escape_debug());
                    continue;
                }
                if !valid_location(&info_loc) || !valid_location(&pack_loc) {
                    log::warn!("package {id}: INFO_LOC '{info_loc}' or PACK_LOC '{pack_loc}' refused (host[:port]/path expected)");
                    continue;
                }
                if packs.iter().any(|x: &Pack| x.id == id) {
                    continue;
                }
                packs.push(Pack {
                    id,
                    info_loc: info_loc.trim_end_matches('/').to_string(),
                    pack_loc: pack_loc.trim_end_matches('/').to_string(),
                    force: p.attr("FORCE").map(str::trim) == Some("1"),
                });
            }
            _ => {}
        }
    }
    (conf, packs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conf_and_packs() {
        let n = Node::parse(
            r#"<OPTION><NAME>DOWNLOAD</NAME>
            <PARAM TYPE="PACK" ID="17" INFO_LOC="127.0.0.1:8443/download" PACK_LOC="h/download/" FORCE="1"/>
            <PARAM ON="1" PERIOD_LENGTH="10" TYPE="CONF" FRAG_LATENCY="1" TIMEOUT="30" CYCLE_LATENCY="2"/>
            <PARAM TYPE="PACK" ID="../../etc" INFO_LOC="h/d" PACK_LOC="h/d"/>
            <PARAM TYPE="PACK" ID="18" INFO_LOC="http://h/d" PACK_LOC="h/d"/>
            <PARAM TYPE="PACK" ID="19" INFO_LOC="u@h/d" PACK_LOC="h/d"/>
            <PARAM TYPE="PACK" ID="12345678901" INFO_LOC="h/d" PACK_LOC="h/d"/>
            </OPTION>"#,
        )
        .unwrap();
        let (conf, packs) = parse(&n);
        assert!(conf.on);
        assert_eq!(
            (conf.frag_latency, conf.cycle_latency, conf.period_latency),
            (1, 2, 1)
        );
        assert_eq!(packs.len(), 1);
        assert_eq!(packs[0].pack_loc, "h/download");
        assert!(packs[0].force);
        let off = Node::parse(r#"<OPTION><PARAM TYPE="CONF" ON="0"/></OPTION>"#).unwrap();
        assert!(!parse(&off).0.on);
    }
}
