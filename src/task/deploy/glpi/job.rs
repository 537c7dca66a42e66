//! A Deploy job and its files as `getJobs` gives them, checked on the way in.
//!
//! A job's uuid must be a plain name (`names`: not `..`, no `/`, no control
//! characters), since it names the job's work folder. A file's key and each part are SHA-512s (128 hex digits: they become datastore
//! paths, so nothing else is accepted); its name must be one plain file name; mirrors
//! must be http(s) URLs. A job whose file is missing or malformed is refused whole.

use serde_json::Value;

use super::super::names::plain_name;
use super::super::unpack::safe_relative;

#[derive(Clone, Debug)]
pub struct Check {
    pub kind: String,
    pub path: String,
    pub value: String,
    /// What a failed check means: ko, error, abort, skip, startnow, warning, info.
    pub on_failure: String,
}

#[derive(Clone, Debug)]
pub struct DeployFile {
    pub sha512: String,
    pub name: String,
    pub uncompress: bool,
    pub p2p: bool,
    /// Minutes the parts stay shared (0: removed after the job).
    pub retention: u64,
    pub mirrors: Vec<String>,
    pub parts: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub uuid: String,
    pub checks: Vec<Check>,
    pub files: Vec<DeployFile>,
    /// Each action: its type (`cmd`, `move`…) and its parameters.
    pub actions: Vec<(String, Value)>,
}

pub fn is_sha512(s: &str) -> bool {
    s.len() == 128 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => (*b as u8).to_string(),
        _ => String::new(),
    }
}

fn flag(v: Option<&Value>) -> bool {
    matches!(v.map(text).as_deref(), Some("1") | Some("true"))
}

pub fn parse_checks(v: Option<&Value>) -> Vec<Check> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|c| Check {
                    kind: c.get("type").map(text).unwrap_or_default(),
                    path: c.get("path").map(text).unwrap_or_default(),
                    value: c.get("value").map(text).unwrap_or_default(),
                    on_failure: c
                        .get("return")
                        .map(text)
                        .filter(|r| !r.is_empty())
                        .unwrap_or_else(|| "ko".into()),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn parse_file(sha: &str, f: &Value) -> Result<DeployFile, String> {
    if !is_sha512(sha) {
        return Err(format!("file key '{sha}' is not a SHA-512"));
    }
    let name = f.get("name").map(text).unwrap_or_default();
    let rel = safe_relative(&name).map_err(|e| format!("file name: {e}"))?;
    if rel.components().count() != 1 || name.chars().any(char::is_control) {
        return Err(format!(
            "file name '{}' is not a plain name",
            name.escape_debug()
        ));
    }
    let list = |k: &str| -> Vec<String> {
        f.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default()
    };
    let mirrors = list("mirrors");
    if let Some(m) = mirrors
        .iter()
        .find(|m| !(m.starts_with("http://") || m.starts_with("https://")))
    {
        return Err(format!("mirror '{m}' is not an http(s) URL"));
    }
    let parts = list("multiparts");
    if parts.is_empty() || parts.iter().any(|p| !is_sha512(p)) {
        return Err(format!("file {name}: multiparts must be SHA-512s"));
    }
    let p2p = flag(f.get("p2p"));
    let retention = f
        .get("p2p-retention-duration")
        .map(text)
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(if p2p { 3 * 24 * 60 } else { 0 });
    Ok(DeployFile {
        sha512: sha.to_ascii_lowercase(),
        name,
        uncompress: flag(f.get("uncompress")),
        p2p,
        retention,
        mirrors,
        parts: parts.iter().map(|p| p.to_ascii_lowercase()).collect(),
    })
}

/// The jobs of a `getJobs` answer; a bad job is returned as `Err((uuid, why))`.
pub fn parse(answer: &Value) -> Vec<Result<Job, (String, String)>> {
    let files = answer.get("associatedFiles");
    let Some(jobs) = answer.get("jobs").and_then(Value::as_array) else {
        return Vec::new();
    };
    jobs.iter()
        .map(|j| {
            let uuid = j.get("uuid").map(text).unwrap_or_default();
            if let Err(why) = plain_name(&uuid) {
                return Err((uuid, format!("uuid {why}")));
            }
            let mut job_files = Vec::new();
            for sha in j
                .get("associatedFiles")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let sha = text(sha);
                let f = files
                    .and_then(|fs| fs.get(&sha))
                    .ok_or_else(|| (uuid.clone(), format!("file {sha} is not described")))?;
                job_files.push(parse_file(&sha, f).map_err(|e| (uuid.clone(), e))?);
            }
            let actions = j
                .get("actions")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_object())
                        .filter_map(|o| o.iter().next().map(|(k, v)| (k.clone(), v.clone())))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Job {
                uuid,
                checks: parse_checks(j.get("checks")),
                files: job_files,
                actions,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuids_and_file_names_must_be_plain_names() {
        let sha = "a".repeat(128);
        let answer = |uuid: &str, name: &str| {
            json!({
                "jobs": [{"uuid": uuid, "associatedFiles": [sha], "actions": []}],
                "associatedFiles": {sha.clone(): {"name": name, "multiparts": [sha]}}
            })
        };
        let first = |a: Value| parse(&a).into_iter().next().unwrap();
        assert_eq!(first(answer("job-1", "f.tar.gz")).unwrap().uuid, "job-1");
        for uuid in ["..", ".", "", "../x", "a/b", "a\u{7}"] {
            let (got, why) = first(answer(uuid, "f")).unwrap_err();
            assert_eq!(got, uuid);
            assert!(why.contains("uuid"), "{why}");
        }
        for name in ["..", "a/b", "/etc/passwd", "a\nb", ""] {
            assert!(first(answer("job-1", name)).is_err(), "{name:?}");
        }
    }
}
