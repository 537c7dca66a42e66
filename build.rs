//! Marks the tests that cannot run where they are built, so that they are listed as
//! ignored, never passed: without `/usr/sbin/snmpd` the crate is built with
//! `--cfg missing_snmpd` (`make test` installs it first when it can, `.ci/packages.sh`);
//! built by a user other than root, with `--cfg not_root` (the tests that start sshd or
//! plant links as another user). Those tests carry `#[cfg_attr(…, ignore = "…")]`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(missing_snmpd)");
    println!("cargo::rustc-check-cfg=cfg(not_root)");
    // The folder, not the file: a missing file would rerun this script on every build.
    println!("cargo::rerun-if-changed=/usr/sbin");
    println!("cargo::rerun-if-changed=build.rs");
    // OCSA_NO_SNMPD=1 builds as if it were missing (to check the mechanism).
    println!("cargo::rerun-if-env-changed=OCSA_NO_SNMPD");
    let pretend = std::env::var_os("OCSA_NO_SNMPD").is_some_and(|v| v == "1");
    if pretend || !std::path::Path::new("/usr/sbin/snmpd").exists() {
        println!("cargo::rustc-cfg=missing_snmpd");
    }
    // The user who builds is the one who runs the tests (`make test`).
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if uid != "0" {
        println!("cargo::rustc-cfg=not_root");
    }
}
