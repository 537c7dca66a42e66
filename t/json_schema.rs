//! `--json` output validates against GLPI's inventory schema: this machine's inventory,
//! and every replayed snapshot under `t/snapshots/`. Skips when `../shared/schema` is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

fn schema_path() -> Option<PathBuf> {
    let p = std::env::var_os("OCS_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schema/inventory.schema.json")
        });
    p.exists().then_some(p)
}

fn validate(name: &str, extra: &[&str]) {
    let Some(schema) = schema_path() else {
        eprintln!("skipped: GLPI schema not found (../shared/schema/inventory.schema.json)");
        return;
    };
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let vardir = std::env::temp_dir().join(format!("ocsa-json-{name}-{}", std::process::id()));
    let mut args = vec!["--stdout", "--json", "--vardir", vardir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = Command::new(BIN).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: {} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    let content = doc["content"].as_object().unwrap();
    assert!(content.contains_key("hardware") && content.contains_key("versionclient"));
    eprintln!("{name}: valid, {} sections", content.len());
}

#[test]
fn this_machine_validates() {
    validate("live", &[]);
}

#[test]
fn every_snapshot_validates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("t/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            validate(
                &p.file_name().unwrap().to_string_lossy(),
                &["--replay", p.to_str().unwrap()],
            );
        }
    }
}
