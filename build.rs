//! Marks the tests that need a program this machine lacks: without `/usr/sbin/snmpd`
//! the crate is built with `--cfg missing_snmpd`, and those tests carry
//! `#[cfg_attr(missing_snmpd, ignore = "…")]`: listed as ignored, never passed.
//! `make test` installs it first when it can (`.ci/packages.sh`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(missing_snmpd)");
    // The folder, not the file: a missing file would rerun this script on every build.
    println!("cargo::rerun-if-changed=/usr/sbin");
    println!("cargo::rerun-if-changed=build.rs");
    // OCSA_NO_SNMPD=1 builds as if it were missing (to check the mechanism).
    println!("cargo::rerun-if-env-changed=OCSA_NO_SNMPD");
    let pretend = std::env::var_os("OCSA_NO_SNMPD").is_some_and(|v| v == "1");
    if pretend || !std::path::Path::new("/usr/sbin/snmpd").exists() {
        println!("cargo::rustc-cfg=missing_snmpd");
    }
}
