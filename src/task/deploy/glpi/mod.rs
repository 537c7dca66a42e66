//! FusionInventory/GLPI Deploy: `getConfig` on the server URL says where the Deploy
//! service is (`remote`), `getJobs` there gives the jobs and their files, and each job
//! goes checks → download → prepare → actions, every step reported with `setStatus`.
//! The server closes a job on `status=ko` or on the message `job successfully
//! completed` / `job skipped`.
//!
//! Work folder: `<server dir>/deploy/workdir/<job uuid>/`, removed after the job
//! whatever happened; parts stay in the datastore only when shared with peers.
//!
//! What a server may not do: name an `http://` Deploy service under an `https://`
//! server (refused: the jobs would travel in clear), or hand out a job uuid that is not
//! a plain name (`..`, `/`, control characters: refused before it becomes a path, so a
//! job's cleanup never reaches outside its own folder).

pub mod actions;
pub mod checks;
pub mod files;
pub mod job;
pub mod protocol;

use std::net::SocketAddrV4;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::settings::Settings;
use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::server_state::ServerState;
use protocol::Status;

/// The Deploy task version announced to the server.
const TASK_VERSION: &str = "2.6";

/// The Deploy service of a `getConfig` answer.
pub fn remote_of(answer: &Value) -> Option<String> {
    answer
        .get("schedule")?
        .as_array()?
        .iter()
        .find(|s| s.get("task").and_then(Value::as_str) == Some("Deploy"))?
        .get("remote")?
        .as_str()
        .filter(|r| r.starts_with("http://") || r.starts_with("https://"))
        .map(str::to_string)
}

/// Refuses a Deploy service in clear under an `https://` server: its jobs run commands
/// as root, and the server's certificate is what vouches for them.
pub fn no_downgrade(server: &str, remote: &str) -> Result<(), String> {
    let https = |u: &str| {
        u.get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    };
    if https(server) && !https(remote) {
        return Err(format!(
            "the server {server} names an http:// Deploy service ({remote}): refused (jobs would travel in clear)"
        ));
    }
    Ok(())
}

/// The job's own work folder, `<store>/workdir/<uuid>`: the only folder its cleanup
/// removes. The uuid was checked when the job was read; checked again here, where it
/// becomes a path.
pub fn job_folder(store: &Path, uuid: &str) -> Result<PathBuf, String> {
    let name = super::names::plain_name(uuid).map_err(|e| format!("job uuid {e}"))?;
    let base = store.join("workdir");
    let dir = base.join(name);
    if dir.parent() != Some(base.as_path()) {
        return Err(format!(
            "job uuid '{}' is not a plain name",
            uuid.escape_debug()
        ));
    }
    Ok(dir)
}

pub fn run(url: &str, config: &Config) -> Result<Report, String> {
    let settings = Settings::from_config(config)?;
    let server = ServerState::open(config, url)?;
    let server_dir = server.dir();
    let store = server_dir.join("deploy");
    files::maintain(&store);
    let machineid = super::deviceid(&settings.vardir)?;
    let mut report = Report::ok();
    let answer = protocol::get_json(
        &protocol::url(
            url,
            "getConfig",
            &[("machineid", &machineid), ("task[Deploy]", TASK_VERSION)],
        ),
        config,
    )?;
    let Some(remote) = remote_of(&answer) else {
        report.set("message", "no Deploy job (getConfig schedules none)");
        return Ok(report);
    };
    no_downgrade(url, &remote)?;
    let jobs = protocol::get_json(
        &protocol::url(
            &remote,
            "getJobs",
            &[("machineid", &machineid), ("version", TASK_VERSION)],
        ),
        config,
    )?;
    let status = Status {
        remote: &remote,
        machineid: &machineid,
        config,
    };
    let mut peers: Option<Vec<SocketAddrV4>> = None;
    let mut outcomes = Vec::new();
    for j in job::parse(&jobs) {
        match j {
            Ok(job) => {
                let (ok, msg) = process(&job, &store, &settings, config, &status, &mut peers);
                if ok {
                    log::info!("job {}: {msg}", job.uuid);
                } else {
                    log::error!("job {}: {msg}", job.uuid);
                }
                outcomes.push(format!("{} {}", job.uuid, if ok { "ok" } else { "ko" }));
            }
            Err((uuid, why)) => {
                log::error!("job {}: refused: {why}", uuid.escape_debug());
                if !uuid.is_empty() {
                    status.send(&uuid, "checking", Some("ko"), &why, &[]);
                }
                outcomes.push(format!("{} ko", uuid.escape_debug()));
            }
        }
    }
    report.set("jobs", outcomes.len()).set(
        "message",
        if outcomes.is_empty() {
            "no Deploy job".to_string()
        } else {
            format!("Deploy jobs: {}", outcomes.join(", "))
        },
    );
    Ok(report)
}

/// One job, start to end; (success, message).
fn process(
    job: &job::Job,
    store: &Path,
    settings: &Settings,
    config: &Config,
    st: &Status,
    peers: &mut Option<Vec<SocketAddrV4>>,
) -> (bool, String) {
    let uuid = job.uuid.as_str();
    st.send(uuid, "checking", None, "starting", &[]);
    match checks::run(&job.checks, "job") {
        checks::Verdict::Skip(why) => {
            log::info!("job {uuid}: {why}");
            st.send(uuid, "checking", Some("ok"), "job skipped", &[]);
            return (true, "job skipped".into());
        }
        checks::Verdict::Fail(why) => {
            st.send(uuid, "checking", Some("ko"), &why, &[]);
            return (false, why);
        }
        _ => st.send(uuid, "checking", Some("ok"), "all checks are ok", &[]),
    }
    let workdir = match job_folder(store, uuid) {
        Ok(w) => w,
        Err(why) => {
            st.send(uuid, "prepare", Some("ko"), &why, &[]);
            return (false, why);
        }
    };
    let _ = std::fs::remove_dir_all(&workdir);
    if let Err(e) = crate::fsutil::create_dir_private(&workdir) {
        let why = format!("cannot create {}: {e}", workdir.display());
        st.send(uuid, "prepare", Some("ko"), &why, &[]);
        return (false, why);
    }
    let result = steps(job, store, &workdir, settings, config, st, peers);
    let _ = std::fs::remove_dir_all(&workdir);
    let kept = |f: &&job::DeployFile| f.p2p && settings.p2p && f.retention > 0;
    for f in job.files.iter().filter(|f| !kept(f)) {
        for sha in &f.parts {
            for side in ["private", "shared"] {
                if let Ok(entries) = std::fs::read_dir(store.join("fileparts").join(side)) {
                    for e in entries.flatten() {
                        let _ = std::fs::remove_file(e.path().join(files::part_rel(sha)));
                    }
                }
            }
        }
    }
    match result {
        Ok(()) => {
            st.send(uuid, "", Some("ok"), "job successfully completed", &[]);
            (true, "job successfully completed".into())
        }
        Err(why) => (false, why),
    }
}

fn steps(
    job: &job::Job,
    store: &Path,
    workdir: &Path,
    settings: &Settings,
    config: &Config,
    st: &Status,
    peers: &mut Option<Vec<SocketAddrV4>>,
) -> Result<(), String> {
    let uuid = job.uuid.as_str();
    for f in &job.files {
        let file_part = [("part", "file"), ("sha512", f.sha512.as_str())];
        st.send(
            uuid,
            "downloading",
            None,
            &format!("downloading {}", f.name),
            &file_part,
        );
        let parts = match files::download(f, store, settings, config, peers) {
            Ok(p) => p,
            Err(e) => {
                st.send(uuid, "downloading", Some("ko"), &e, &file_part);
                return Err(e);
            }
        };
        st.send(
            uuid,
            "downloading",
            Some("ok"),
            &format!("{} downloaded", f.name),
            &file_part,
        );
        if let Err(e) = files::prepare(f, &parts, workdir, settings.max_size) {
            st.send(uuid, "prepare", Some("ko"), &e, &file_part);
            return Err(e);
        }
    }
    st.send(uuid, "prepare", Some("ok"), "all files are ready", &[]);
    for (i, (kind, params)) in job.actions.iter().enumerate() {
        let num = i.to_string();
        match actions::run(kind, params, workdir, settings) {
            Ok(msg) => st.send(
                uuid,
                "processing",
                Some("ok"),
                &format!("{kind}: {msg}"),
                &[("actionnum", &num)],
            ),
            Err(e) => {
                let why = format!("action #{} {kind} failed: {e}", i + 1);
                st.send(uuid, "processing", Some("ko"), &why, &[("actionnum", &num)]);
                return Err(why);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_server_may_not_send_jobs_over_http() {
        let e =
            no_downgrade("https://glpi.example/front", "http://glpi.example/deploy/").unwrap_err();
        assert!(e.contains("refused"), "{e}");
        assert!(no_downgrade("HTTPS://glpi.example/", "Http://x/").is_err());
        assert!(no_downgrade("https://glpi.example/", "https://other.example/").is_ok());
        assert!(no_downgrade("http://glpi.example/", "http://glpi.example/deploy/").is_ok());
        assert!(no_downgrade("http://glpi.example/", "https://glpi.example/").is_ok());
    }

    #[test]
    fn a_job_folder_stays_under_workdir() {
        let store = Path::new("/var/lib/x/deploy");
        assert_eq!(
            job_folder(store, "0a1b-2c").unwrap(),
            store.join("workdir/0a1b-2c")
        );
        for bad in ["..", ".", "", "../shared", "a/b", "/etc", "a\nb"] {
            assert!(job_folder(store, bad).is_err(), "{bad:?}");
        }
    }
}
