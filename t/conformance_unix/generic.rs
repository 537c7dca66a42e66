//! OS-independent UNIX parsers against the fixtures-unix corpus: one runner per parser
//! folder.

use std::fs;
use std::path::Path;

use ocsinventory_agent::task::inventory::generic::unix::{df, mount, netstat};
use serde_json::{json, Map, Value};

use crate::support::fixtures::{Known, Runner};

/// (parser folder, runner) for every OS-independent parser we have.
pub fn runners() -> Vec<(&'static str, Runner)> {
    vec![
        ("unix_df", unix_df),
        ("unix_mount", unix_mount),
        ("unix_netstat", unix_netstat),
    ]
}

/// Differences from the reference kept on purpose, each with its reason.
pub const KNOWN: &[Known] = &[];

/// A case's input file, lossily decoded (some captures are not UTF-8).
pub fn input(dir: &Path, kind: &str) -> String {
    let bytes = fs::read(dir.join(format!("input.{kind}"))).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn unix_df(dir: &Path) -> Value {
    df::parse_df(&input(dir, "df"))
        .iter()
        .map(|f| {
            json!({
                "VOLUMN": f.device,
                "FILESYSTEM": f.fstype,
                "TOTAL": f.total_mb().to_string(),
                "FREE": f.free_mb().to_string(),
                "TYPE": f.mountpoint,
            })
        })
        .collect()
}

fn unix_mount(dir: &Path) -> Value {
    mount::types(&mount::parse_mount(&input(dir, "mount")))
        .into_iter()
        .map(Value::String)
        .collect()
}

fn unix_netstat(dir: &Path) -> Value {
    let routes = netstat::parse_routes(&input(dir, "netstat"));
    Value::Object(
        routes
            .into_iter()
            .map(|(d, g)| (d, Value::String(g)))
            .collect::<Map<String, Value>>(),
    )
}
