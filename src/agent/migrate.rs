//! Taking over the old agents' identity, so the server sees the same computer: the
//! DEVICEID (and the ACCOUNTINFO) the Perl OCS agent stored for each server, or the
//! device id FusionInventory kept, become ours on the first run.
//!
//! Where they are:
//! - Perl OCS agent: `<basevardir>/<server URL, '/' → '_'>/ocsinv.conf` (XML `CONF`,
//!   `DEVICEID`) and `ocsinv.adm` (XML `ADM`, `ACCOUNTINFO` `KEYNAME`/`KEYVALUE`), and
//!   `<basevardir>/__LOCAL__/` for local runs. Its `basevardir` is our `vardir` (see
//!   `legacy`), and its per-server folder names are ours, so these files sit in our own
//!   state directory.
//! - FusionInventory: `/var/lib/fusioninventory-agent/FusionInventory-Agent.dump`, a
//!   Perl Storable dump whose `deviceid` is the one string in it with a DEVICEID's shape.
//!   Read only when FusionInventory's configuration was adopted (`legacy::adopt`).
//!
//! - The Perl agent's CA certificates: without `ca-cert-file`/`ca-cert-dir`, it trusted
//!   `<basevardir>/<server>/cacert.pem`, else `ocsinventory-agent-cacert.pem` in its
//!   configuration folder; so does this agent (the first configured server's file).
//!
//! A take-over happens only while our own state has no DEVICEID (or no ACCOUNTINFO for
//! that server); the old files are read, never changed, so going back to the old agent
//! still works.

use std::path::{Path, PathBuf};

use super::config::{Config, Origin};
use super::legacy::{OldAgent, FUSION_VARDIR};
use super::state;
use super::target;

const PERL_CONF: &str = "ocsinv.conf";
const PERL_ADM: &str = "ocsinv.adm";
const PERL_CA: &str = "cacert.pem";
/// The Perl agent's configuration folders, where it also looked for a CA bundle.
const PERL_ETC: &[&str] = &[
    "/etc/ocsinventory",
    "/usr/local/etc/ocsinventory",
    "/etc/ocsinventory-agent",
];
const PERL_ETC_CA: &str = "ocsinventory-agent-cacert.pem";
const FUSION_DUMP: &str = "FusionInventory-Agent.dump";
/// The file `task::inventory::server` keeps a server's ACCOUNTINFO in (`KEY=value` lines).
use super::contact::ACCOUNTINFO_FILE as ACCOUNTINFO;

/// The text of the first `<name>…</name>` element, entities decoded.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let len = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + len])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The DEVICEID of a Perl agent's `ocsinv.conf`, when it has a valid one.
pub fn perl_deviceid(conf: &Path) -> Option<String> {
    let text = std::fs::read_to_string(conf).ok()?;
    let id = unescape(element(&text, "DEVICEID")?.trim());
    state::is_valid_deviceid(&id).then_some(id)
}

/// The ACCOUNTINFO pairs of a Perl agent's `ocsinv.adm`, in file order.
pub fn perl_accountinfo(adm: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(adm).unwrap_or_default();
    text.split("<ACCOUNTINFO>")
        .skip(1)
        .filter_map(|block| {
            let block = block.split("</ACCOUNTINFO>").next()?;
            let key = unescape(element(block, "KEYNAME")?.trim());
            let value = element(block, "KEYVALUE").map(unescape).unwrap_or_default();
            (!key.is_empty()).then_some((key, value))
        })
        .collect()
}

/// The device id in a FusionInventory Storable dump: a short scalar (one length byte,
/// then the bytes) with the shape of a DEVICEID.
pub fn fusion_deviceid(dump: &Path) -> Option<String> {
    let bytes = std::fs::read(dump).ok()?;
    (0..bytes.len()).find_map(|p| {
        let len = usize::from(bytes[p]);
        let s = bytes.get(p + 1..p + 1 + len)?;
        if len < 21 || !s.iter().all(u8::is_ascii_graphic) {
            return None;
        }
        let s = std::str::from_utf8(s).ok()?;
        state::is_valid_deviceid(s).then(|| s.to_string())
    })
}

/// The Perl agent's folders in our state directory, the configured servers' first
/// (named from the raw value, as the Perl agent did, and from the normalised URL).
fn perl_dirs(vardir: &Path, config: &Config) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for raw in config.list("server") {
        dirs.push(vardir.join(raw.replace('/', "_")));
        if let Ok(url) = target::server_url(&raw) {
            dirs.push(target::server_dir(vardir, &url));
        }
    }
    let mut others: Vec<PathBuf> = std::fs::read_dir(vardir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    others.sort();
    for d in others {
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    dirs
}

/// Takes over what the old agents stored (see the module doc). Messages go to
/// `config.warnings`, logged once the logger is up. Never fails: without a take-over
/// the agent simply makes up its own DEVICEID.
pub fn take_over(config: &mut Config) {
    let Ok(vardir) = state::vardir(config) else {
        return;
    };
    let mut messages = take_over_in(&vardir, config, Path::new(FUSION_VARDIR));
    let etc: Vec<PathBuf> = PERL_ETC.iter().map(PathBuf::from).collect();
    if let Some(ca) = perl_ca(&vardir, config, &etc) {
        messages.push(format!(
            "using the Perl OCS agent's CA certificates {} (set ca-cert-file to choose)",
            ca.display()
        ));
        let origin = Origin::File {
            path: ca.clone(),
            line: 0,
        };
        // A key of the option table: `set` cannot refuse it.
        let _ = config.set("ca-cert-file", &ca.to_string_lossy(), origin);
    }
    config.warnings.extend(messages);
}

/// The CA bundle the Perl agent would have trusted here, when none is configured.
fn perl_ca(vardir: &Path, config: &Config, etc: &[PathBuf]) -> Option<PathBuf> {
    if config.text("ca-cert-file").is_some() || config.text("ca-cert-dir").is_some() {
        return None;
    }
    let servers = config.list("server");
    let first = servers.first()?;
    let mut candidates = vec![vardir.join(first.replace('/', "_")).join(PERL_CA)];
    if let Ok(url) = target::server_url(first) {
        candidates.push(target::server_dir(vardir, &url).join(PERL_CA));
    }
    if config.migrated.iter().any(|(a, _)| *a == OldAgent::PerlOcs) {
        candidates.extend(etc.iter().map(|d| d.join(PERL_ETC_CA)));
    }
    candidates.into_iter().find(|f| f.is_file())
}

fn take_over_in(vardir: &Path, config: &Config, fusion_vardir: &Path) -> Vec<String> {
    let mut messages = Vec::new();
    let state_file = vardir.join("agent.state");
    let mut agent_state = state::read_kv(&state_file);
    if !agent_state.contains_key("deviceid") {
        let perl = perl_dirs(vardir, config)
            .into_iter()
            .map(|d| d.join(PERL_CONF))
            .find_map(|f| perl_deviceid(&f).map(|id| (id, f, OldAgent::PerlOcs)));
        let fusion = || {
            let adopted = config.migrated.iter().any(|(a, _)| *a == OldAgent::Fusion);
            let dump = fusion_vardir.join(FUSION_DUMP);
            adopted
                .then(|| fusion_deviceid(&dump))
                .flatten()
                .map(|id| (id, dump, OldAgent::Fusion))
        };
        if let Some((id, from, agent)) = perl.or_else(fusion) {
            agent_state.insert("deviceid".into(), id.clone());
            match state::write_kv(&state_file, &agent_state) {
                Ok(()) => messages.push(format!(
                    "took over the DEVICEID {id} of {} from {}",
                    agent.label(),
                    from.display()
                )),
                Err(e) => messages.push(format!(
                    "cannot take over the DEVICEID of {} ({}): cannot write {}: {e}",
                    agent.label(),
                    from.display(),
                    state_file.display()
                )),
            }
        }
    }
    for raw in config.list("server") {
        let Ok(url) = target::server_url(&raw) else {
            continue;
        };
        let ours = target::server_dir(vardir, &url).join(ACCOUNTINFO);
        if ours.exists() {
            continue;
        }
        let candidates = [
            vardir.join(raw.replace('/', "_")).join(PERL_ADM),
            target::server_dir(vardir, &url).join(PERL_ADM),
        ];
        let Some((adm, pairs)) = candidates
            .iter()
            .map(|f| (f, perl_accountinfo(f)))
            .find(|(_, p)| !p.is_empty())
        else {
            continue;
        };
        match super::server_state::ServerState::at(target::server_dir(vardir, &url))
            .save_accountinfo(&pairs)
        {
            Ok(()) => messages.push(format!(
                "took over the ACCOUNTINFO of the Perl OCS agent for {} from {}",
                crate::net::client::public_url(&url),
                adm.display()
            )),
            Err(e) => messages.push(e),
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::Origin;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ocsa-migrate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn perl_state_is_taken_over_once_and_left_intact() {
        let v = tmpdir("perl");
        let dir = v.join("http:__srv_ocsinventory");
        std::fs::create_dir_all(&dir).unwrap();
        let conf = "<CONF>\n  <DEVICEID>box-2024-01-02-03-04-05</DEVICEID>\n  <PROLOG_FREQ>24</PROLOG_FREQ>\n</CONF>\n";
        let adm = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ADM>\n  <ACCOUNTINFO>\n    <KEYNAME>TAG</KEYNAME>\n    <KEYVALUE>Site &amp; A</KEYVALUE>\n  </ACCOUNTINFO>\n</ADM>\n";
        std::fs::write(dir.join(PERL_CONF), conf).unwrap();
        std::fs::write(dir.join(PERL_ADM), adm).unwrap();
        let mut c = Config::new();
        c.set("server", "srv", Origin::CommandLine).unwrap();
        let m = take_over_in(&v, &c, &v.join("no-fusion"));
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(
            state::read_kv(&v.join("agent.state"))
                .get("deviceid")
                .map(String::as_str),
            Some("box-2024-01-02-03-04-05")
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(ACCOUNTINFO)).unwrap(),
            "TAG=Site & A\n"
        );
        assert!(take_over_in(&v, &c, &v.join("no-fusion")).is_empty());
        assert_eq!(std::fs::read_to_string(dir.join(PERL_CONF)).unwrap(), conf);
        assert_eq!(std::fs::read_to_string(dir.join(PERL_ADM)).unwrap(), adm);
        std::fs::remove_dir_all(&v).unwrap();
    }

    #[test]
    fn fusion_dump_is_read_only_when_its_configuration_was_adopted() {
        let v = tmpdir("fi");
        let fi = v.join("fusion");
        std::fs::create_dir_all(&fi).unwrap();
        // The layout FusionInventory 2.6 writes: Storable header, a hash of one
        // scalar (0x0a, length, bytes) under the key `deviceid`.
        let mut bytes =
            b"pst0\x04\x0b\x0812345678\x04\x08\x08\x08\x03\x01\x00\x00\x00\x0a\x18".to_vec();
        bytes.extend_from_slice(b"pc12-2023-05-06-07-08-09\x08\x00\x00\x00deviceid");
        std::fs::write(fi.join(FUSION_DUMP), bytes).unwrap();
        assert_eq!(
            fusion_deviceid(&fi.join(FUSION_DUMP)).as_deref(),
            Some("pc12-2023-05-06-07-08-09")
        );
        let ours = v.join("var");
        std::fs::create_dir_all(&ours).unwrap();
        let mut c = Config::new();
        assert!(take_over_in(&ours, &c, &fi).is_empty());
        c.migrated.push((
            OldAgent::Fusion,
            PathBuf::from("/etc/fusioninventory/agent.cfg"),
        ));
        let m = take_over_in(&ours, &c, &fi);
        assert!(m[0].contains("FusionInventory"), "{m:?}");
        assert_eq!(
            state::read_kv(&ours.join("agent.state"))
                .get("deviceid")
                .map(String::as_str),
            Some("pc12-2023-05-06-07-08-09")
        );
        std::fs::remove_dir_all(&v).unwrap();
    }

    #[test]
    fn perl_ca_only_without_ours() {
        let v = tmpdir("ca");
        let etc = v.join("etc");
        std::fs::create_dir_all(&etc).unwrap();
        std::fs::write(etc.join(PERL_ETC_CA), "pem").unwrap();
        let mut c = Config::new();
        c.set("server", "https://srv/ocsinventory", Origin::CommandLine)
            .unwrap();
        let etcs = [etc.clone()];
        assert_eq!(
            perl_ca(&v, &c, &etcs),
            None,
            "the bundle needs the Perl file"
        );
        c.migrated
            .push((OldAgent::PerlOcs, PathBuf::from("/x.cfg")));
        assert_eq!(perl_ca(&v, &c, &etcs), Some(etc.join(PERL_ETC_CA)));
        let dir = v.join("https:__srv_ocsinventory");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(PERL_CA), "pem").unwrap();
        assert_eq!(perl_ca(&v, &c, &etcs), Some(dir.join(PERL_CA)));
        c.set("ca-cert-dir", "/etc/ssl/certs", Origin::CommandLine)
            .unwrap();
        assert_eq!(perl_ca(&v, &c, &etcs), None, "ours wins");
        std::fs::remove_dir_all(&v).unwrap();
    }
}
