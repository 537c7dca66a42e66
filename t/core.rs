//! End-to-end tests of the agent core: command line and configuration errors, the log
//! format, the sandboxed runner (hung task, memory hog, crash), local inventory output,
//! and capture → replay giving the same inventory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocsa-core-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn agent(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("OCSINVENTORY_AGENT_TEST_TASKS", "1")
        .output()
        .expect("agent runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn usage_errors_exit_2() {
    let o = agent(&["--no-such-option"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("[core][ERROR]"), "{}", stderr(&o));
    let o = agent(&["--timeout", "soon", "--stdout"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value 'soon' for 'timeout'"),
        "{}",
        stderr(&o)
    );
    assert_eq!(agent(&["stray-argument"]).status.code(), Some(2));
}

#[test]
fn config_file_errors_name_file_and_line() {
    let d = tmp("cfg");
    let cfg = d.join("agent.cfg");
    std::fs::write(
        &cfg,
        "# comment\nfrobnicate = 1\ntag = \"a # b\" # comment\nhttpd-port = 99999\n",
    )
    .unwrap();
    let o = agent(&["--conf-file", cfg.to_str().unwrap(), "--stdout"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}:4: invalid value '99999' for 'httpd-port'",
            cfg.display()
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");

    std::fs::write(&cfg, "frobnicate = 1\nunterminated = \"x\n").unwrap();
    let o = agent(&["--conf-file", cfg.to_str().unwrap(), "--list-tasks"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(":2:"), "{}", stderr(&o));

    std::fs::write(&cfg, "frobnicate = 1\n").unwrap();
    let o = agent(&["--conf-file", cfg.to_str().unwrap(), "--list-tasks"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains(&format!(
        "[core][WARNING] {}:1: unknown configuration directive 'frobnicate'",
        cfg.display()
    )));

    let o = agent(&[
        "--conf-file",
        d.join("missing.cfg").to_str().unwrap(),
        "--list-tasks",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read configuration file"));
}

#[test]
fn includes_and_precedence() {
    let d = tmp("inc");
    std::fs::create_dir_all(d.join("conf.d")).unwrap();
    std::fs::write(d.join("agent.cfg"), "tag = file\ninclude conf.d\n").unwrap();
    std::fs::write(d.join("conf.d/10-tag.cfg"), "tag = included\n").unwrap();
    std::fs::write(d.join("conf.d/ignored.txt"), "tag = never\n").unwrap();
    let out = d.join("inv.xml");
    let o = agent(&[
        "--conf-file",
        d.join("agent.cfg").to_str().unwrap(),
        "--local",
        out.to_str().unwrap(),
        "--vardir",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<KEYVALUE>included</KEYVALUE>"), "{xml}");
    let o = agent(&[
        "--conf-file",
        d.join("agent.cfg").to_str().unwrap(),
        "--local",
        out.to_str().unwrap(),
        "--vardir",
        d.to_str().unwrap(),
        "-t",
        "cli",
    ]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("<KEYVALUE>cli</KEYVALUE>"));
}

#[test]
fn log_lines_carry_task_and_level() {
    let d = tmp("log");
    let log = d.join("agent.log");
    let o = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--debug",
        "--logfile",
        log.to_str().unwrap(),
        "--logger",
        "stderr,file",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("[core][DEBUG] starting task Inventory")),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("[Inventory][DEBUG] ")),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with('[')), "{err}");
    let file = std::fs::read_to_string(&log).unwrap();
    let first = file.lines().next().unwrap();
    // [2026-11-25 06:06:33][core][DEBUG] …
    assert_eq!(&first[0..1], "[");
    assert_eq!(&first[20..21], "]", "{first}");
    assert!(first[21..].starts_with("[core]["), "{first}");
    assert!(file.contains("][Inventory][INFO] "), "{file}");
}

#[test]
fn hung_task_is_killed_at_its_limit_and_parent_goes_on() {
    let d = tmp("hang");
    let t = Instant::now();
    let o = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--tasks",
        "TestSleep,Inventory",
        "--task-timeout",
        "2",
    ]);
    let took = t.elapsed();
    let err = stderr(&o);
    assert!(
        err.contains("[core][ERROR] task TestSleep for stdout killed after 2 s"),
        "{err}"
    );
    assert!(took < Duration::from_secs(12), "took {took:?}");
    // The next task still ran.
    assert!(String::from_utf8_lossy(&o.stdout).contains("<QUERY>INVENTORY</QUERY>"));
    assert_eq!(o.status.code(), Some(1));
    // The command the task had started (sleep 1000) was killed with it.
    let ps = Command::new("ps").args(["-eo", "args"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&ps.stdout)
        .lines()
        .any(|l| l.trim() == "sleep 1000"));
}

#[test]
fn memory_hog_hits_its_cap() {
    let d = tmp("mem");
    let o = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--tasks",
        "TestMemory",
        "--task-memory-limit",
        "128",
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("[core][ERROR] task TestMemory for stdout exceeded its memory cap of 128 MB"),
        "{err}"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn crashing_task_is_reported() {
    let d = tmp("crash");
    let o = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--tasks",
        "TestCrash",
    ]);
    assert!(
        stderr(&o).contains("task TestCrash for stdout killed by signal 11"),
        "{}",
        stderr(&o)
    );
}

fn count(xml: &str, tag: &str) -> usize {
    xml.matches(&format!("<{tag}>")).count()
}

fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well formed: {e}"),
        }
    }
    assert_eq!(depth, 0);
}

#[test]
fn local_inventory_is_well_formed_with_core_sections() {
    let d = tmp("local");
    let o = agent(&[
        "--local",
        d.to_str().unwrap(),
        "--vardir",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "ocs"))
        .expect("a <DEVICEID>.ocs file");
    let xml = std::fs::read_to_string(&file).unwrap();
    well_formed(&xml);
    for section in [
        "HARDWARE",
        "OPERATINGSYSTEM",
        "ACCESSLOG",
        "VERSIONCLIENT",
        "DEVICEID",
    ] {
        assert_eq!(count(&xml, section), 1, "{section}");
    }
    let name = file.file_stem().unwrap().to_string_lossy().into_owned();
    assert!(xml.contains(&format!("<DEVICEID>{name}</DEVICEID>")));
    // The DEVICEID is kept: a second run reuses it.
    let o = agent(&["--stdout", "--vardir", d.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("<DEVICEID>{name}</DEVICEID>")));
}

#[test]
fn capture_then_replay_gives_the_same_inventory() {
    let d = tmp("capture");
    let rec = d.join("rec");
    let a = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--capture",
        rec.to_str().unwrap(),
    ]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(rec.join("files/proc/meminfo").exists());
    assert!(rec.join("uname").exists());
    let b = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--replay",
        rec.to_str().unwrap(),
    ]);
    assert!(b.status.success(), "{}", stderr(&b));
    let strip = |o: &Output| -> String {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.contains("<ETIME>"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (x, y) = (strip(&a), strip(&b));
    assert!(x.len() > 500);
    assert_eq!(x, y);
}

#[test]
fn replay_of_a_missing_folder_is_a_clear_error() {
    let d = tmp("noreplay");
    let o = agent(&[
        "--stdout",
        "--vardir",
        d.to_str().unwrap(),
        "--replay",
        d.join("nope").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("replay folder"), "{}", stderr(&o));
}

#[test]
fn help_and_man_page_document_every_option() {
    let help = String::from_utf8_lossy(&agent(&["--help"]).stdout).into_owned();
    let man = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("man/ocsinventory-agent.1"),
    )
    .unwrap();
    let cfg = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("conf/agent.cfg"))
        .unwrap();
    let mut n = 0;
    for line in help.lines().filter(|l| l.trim_start().starts_with('-')) {
        let long = line
            .split("--")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        n += 1;
        assert!(
            man.contains(&format!("\\-\\-{}", long.replace('-', "\\-"))),
            "man page lacks --{long}"
        );
        let is_action = [
            "conf-file",
            "list-tasks",
            "list-categories",
            "version",
            "help",
        ]
        .contains(&long);
        if !is_action {
            assert!(
                cfg.contains(&format!("# {long} =")) || cfg.contains(&format!("\n{long} =")),
                "agent.cfg lacks {long}"
            );
        }
    }
    assert!(n > 40, "{n} options");
}

#[test]
fn no_target_is_an_error() {
    // An empty configuration: without --conf-file, a machine with the Perl agent's
    // ocsinventory-agent.cfg would give its target (agent::legacy).
    let o = agent(&["--conf-file", "/dev/null"]);
    assert_eq!(o.status.code(), Some(2), "a configuration error");
    assert!(stderr(&o).contains("no target defined"));
    // The daemon too, at once: its systemd unit does not restart it for status 2.
    let d = agent(&["--conf-file", "/dev/null", "--daemon", "--no-fork"]);
    assert_eq!(d.status.code(), Some(2), "{}", stderr(&d));
    assert!(stderr(&d).contains("no target defined"));
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("conf/systemd/ocsinventory-agent.service"),
    )
    .unwrap();
    assert!(unit.lines().any(|l| l == "RestartPreventExitStatus=2"));
}

#[test]
fn man_page_renders_without_warnings() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/ocsinventory-agent.1");
    let Ok(out) = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("MANWIDTH", "80")
        .output()
    else {
        eprintln!("skipped: man is not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "warnings");
    assert!(String::from_utf8_lossy(&out.stdout).contains("OPTIONS"));
}

#[test]
fn the_perl_agents_file_through_conf_file_keeps_its_state_and_deviceid() {
    // `ocsinventory-agent --conf-file /etc/ocsinventory/ocsinventory-agent.cfg`: the Perl
    // agent's names read as ours, its state directory and DEVICEID kept (no second
    // computer in OCS).
    let d = tmp("perl-conf");
    let var = d.join("perl-var");
    let server = "http://127.0.0.1:9/ocsinventory";
    let perl_state = var.join(server.replace('/', "_"));
    std::fs::create_dir_all(&perl_state).unwrap();
    let perl_id = "perlbox-2024-01-02-03-04-05";
    std::fs::write(
        perl_state.join("ocsinv.conf"),
        format!("<CONF>\n  <DEVICEID>{perl_id}</DEVICEID>\n</CONF>\n"),
    )
    .unwrap();
    let conf = d.join("ocsinventory-agent.cfg");
    std::fs::write(
        &conf,
        format!(
            "server={server}\nbasevardir={}\nssl=1\nnosoftware=1\nrealm=ocs\n\
             user=YWdlbnQ=\ntimeout=5\n",
            var.display()
        ),
    )
    .unwrap();
    let o = agent(&[
        "--conf-file",
        conf.to_str().unwrap(),
        "--tasks",
        "Inventory",
    ]);
    let err = stderr(&o);
    assert!(!err.contains("unknown configuration directive"), "{err}");
    // port 9 refuses: the inventory is kept in the Perl agent's state directory
    assert!(err.contains("connection refused"), "{err}");
    let state = std::fs::read_to_string(var.join("agent.state")).unwrap_or_default();
    assert!(
        state.contains(&format!("deviceid={perl_id}")),
        "{state}\n{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
