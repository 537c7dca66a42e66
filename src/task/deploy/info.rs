//! The OCS package info file (`https://INFO_LOC/ID/info`): one `DOWNLOAD` element whose
//! attributes say what to fetch, how to check it and what to do with it.
//!
//! Every field is checked before the package goes on; a missing or absurd one fails it
//! with `ERR_DOWNLOAD_INFO` (`ERR_BAD_ID` when the ID is not the package's):
//! PRI 0..10, FRAGS 0..[`MAX_FRAGS`] (0 only for a command with no archive), a digest
//! whose algorithm is known and whose length is that algorithm's, PROTO HTTP or HTTPS,
//! and exactly the one field the action needs (a STORE PATH that is absolute once
//! `INSTALL_PATH` is replaced, a LAUNCH NAME inside the package, a non-empty COMMAND).

use std::path::{Path, PathBuf};

use super::digest::{Algo, Expected};
use super::outcome::{Code, Failure};
use super::unpack::safe_relative;
use crate::net::xmltree::Node;

/// Most fragments a package may have.
pub const MAX_FRAGS: u64 = 100_000;

/// What to do once the package is unpacked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Copy the package's files to this folder.
    Store(PathBuf),
    /// Run this shell command in the unpacked folder.
    Execute(String),
    /// Run this file of the package.
    Launch(PathBuf),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub id: String,
    pub pri: u64,
    pub action: Action,
    /// None only with no fragment.
    pub digest: Option<Expected>,
    /// `http` or `https`: the scheme of the fragment URLs.
    pub scheme: &'static str,
    pub frags: u64,
}

fn bad(why: String) -> Failure {
    Failure::new(Code::ErrDownloadInfo, why)
}

/// Parses and checks an info file for package `id`; `vardir` replaces `INSTALL_PATH`.
pub fn parse(text: &str, id: &str, vardir: &Path) -> Result<Info, Failure> {
    let root = Node::parse(text).map_err(|e| bad(format!("info file is not XML: {e}")))?;
    if root.name != "DOWNLOAD" {
        return Err(bad(format!(
            "info file root is <{}>, not <DOWNLOAD>",
            root.name
        )));
    }
    let attr = |k: &str| root.attr(k).map(str::trim).unwrap_or("");
    if attr("ID") != id {
        return Err(Failure::new(
            Code::ErrBadId,
            format!("info file is for package '{}', not {id}", attr("ID")),
        ));
    }
    let number = |k: &str, max: u64| -> Result<u64, Failure> {
        let v = attr(k);
        v.parse::<u64>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| bad(format!("{k}=\"{v}\" is not a number in 0..{max}")))
    };
    let pri = number("PRI", 10)?;
    let frags = number("FRAGS", MAX_FRAGS)?;
    let scheme = match attr("PROTO").to_ascii_uppercase().as_str() {
        "HTTP" => "http",
        "HTTPS" => "https",
        other => return Err(bad(format!("PROTO=\"{other}\" is neither HTTP nor HTTPS"))),
    };
    let action = match attr("ACT").to_ascii_uppercase().as_str() {
        "STORE" => {
            let raw = attr("PATH");
            let path = raw.replace("INSTALL_PATH", &vardir.display().to_string());
            let p = PathBuf::from(&path);
            if raw.is_empty() || !p.is_absolute() || path.contains('\0') || p == Path::new("/") {
                return Err(bad(format!(
                    "STORE PATH=\"{raw}\" is not an absolute folder"
                )));
            }
            if p.components().any(|c| c == std::path::Component::ParentDir) {
                return Err(bad(format!("STORE PATH=\"{raw}\" has '..'")));
            }
            Action::Store(p)
        }
        "EXECUTE" => {
            let c = attr("COMMAND");
            if c.is_empty() || c.contains('\0') {
                return Err(bad("EXECUTE without a COMMAND".into()));
            }
            Action::Execute(c.to_string())
        }
        "LAUNCH" => {
            let n = attr("NAME");
            let rel = safe_relative(n).map_err(|e| bad(format!("LAUNCH NAME: {e}")))?;
            Action::Launch(rel)
        }
        other => {
            return Err(bad(format!(
                "ACT=\"{other}\" is none of STORE, EXECUTE, LAUNCH"
            )))
        }
    };
    let digest = if frags == 0 {
        if !matches!(action, Action::Execute(_)) {
            return Err(bad("FRAGS=\"0\" is only for EXECUTE".into()));
        }
        None
    } else {
        let algo_text = if attr("DIGEST_ALGO").is_empty() {
            "MD5"
        } else {
            attr("DIGEST_ALGO")
        };
        let algo = Algo::parse(algo_text)
            .ok_or_else(|| bad(format!("unknown DIGEST_ALGO \"{algo_text}\"")))?;
        Some(Expected::parse(algo, attr("DIGEST_ENCODE"), attr("DIGEST")).map_err(bad)?)
    };
    Ok(Info {
        id: id.to_string(),
        pri,
        action,
        digest,
        scheme,
        frags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DOWNLOAD ID="1795588218" PRI="5" ACT="EXECUTE" DIGEST="f617f85e691e94e97b4ba53b904f7162" PROTO="HTTP" FRAGS="1" DIGEST_ALGO="MD5" DIGEST_ENCODE="Hexa" COMMAND="echo ok &gt; /tmp/ocs-pkg-test" NOTIFY_USER="0" NOTIFY_TEXT="" NOTIFY_COUNTDOWN="" NOTIFY_CAN_ABORT="0" NOTIFY_CAN_DELAY="0" NEED_DONE_ACTION="0" NEED_DONE_ACTION_TEXT="" GARDEFOU="rien" />
"#;

    #[test]
    fn the_console_s_info_file() {
        let i = parse(GOOD, "1795588218", Path::new("/var/lib/x")).unwrap();
        assert_eq!(
            i.action,
            Action::Execute("echo ok > /tmp/ocs-pkg-test".into())
        );
        assert_eq!((i.pri, i.frags, i.scheme), (5, 1, "http"));
        let store = GOOD
            .replace(
                "ACT=\"EXECUTE\"",
                "ACT=\"STORE\" PATH=\"INSTALL_PATH/pkgs\"",
            )
            .replace("COMMAND=", "X=");
        let i = parse(&store, "1795588218", Path::new("/var/lib/x")).unwrap();
        assert_eq!(i.action, Action::Store(PathBuf::from("/var/lib/x/pkgs")));
    }

    #[test]
    fn missing_or_absurd_fields_fail() {
        let id = "1795588218";
        let v = Path::new("/v");
        let code = |text: String| parse(&text, id, v).unwrap_err().code;
        assert_eq!(code(GOOD.replace("1795588218", "42")), Code::ErrBadId);
        for (from, to) in [
            ("PRI=\"5\"", "PRI=\"11\""),
            ("PRI=\"5\"", "PRI=\"-1\""),
            ("FRAGS=\"1\"", "FRAGS=\"1e9\""),
            ("FRAGS=\"1\"", "FRAGS=\"999999999\""),
            ("FRAGS=\"1\"", ""),
            ("PROTO=\"HTTP\"", "PROTO=\"FTP\""),
            ("ACT=\"EXECUTE\"", "ACT=\"RM\""),
            ("DIGEST=\"f617f85e691e94e97b4ba53b904f7162\"", "DIGEST=\"\""),
            (
                "DIGEST=\"f617f85e691e94e97b4ba53b904f7162\"",
                "DIGEST=\"zz\"",
            ),
            ("DIGEST_ALGO=\"MD5\"", "DIGEST_ALGO=\"CRC\""),
            ("DIGEST_ALGO=\"MD5\"", "DIGEST_ALGO=\"SHA1\""),
            ("COMMAND=\"echo ok &gt; /tmp/ocs-pkg-test\"", "COMMAND=\"\""),
            ("ACT=\"EXECUTE\"", "ACT=\"STORE\" PATH=\"relative/dir\""),
            ("ACT=\"EXECUTE\"", "ACT=\"STORE\" PATH=\"/\""),
            ("ACT=\"EXECUTE\"", "ACT=\"STORE\" PATH=\"/opt/../etc\""),
            ("ACT=\"EXECUTE\"", "ACT=\"LAUNCH\" NAME=\"../../bin/sh\""),
            ("ACT=\"EXECUTE\"", "ACT=\"LAUNCH\" NAME=\"/bin/sh\""),
        ] {
            let text = GOOD.replace(from, to);
            assert_ne!(text, GOOD, "{from}");
            assert_eq!(code(text), Code::ErrDownloadInfo, "{from} -> {to}");
        }
        assert_eq!(code("garbage".into()), Code::ErrDownloadInfo);
        assert_eq!(code("<REPLY/>".into()), Code::ErrDownloadInfo);
        // FRAGS 0: a command with no archive, and only that
        let none = GOOD
            .replace("FRAGS=\"1\"", "FRAGS=\"0\"")
            .replace("DIGEST=\"f617f85e691e94e97b4ba53b904f7162\"", "DIGEST=\"\"");
        assert!(parse(&none, id, v).unwrap().digest.is_none());
    }
}
