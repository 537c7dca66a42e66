//! Bad input never breaks the inventory: this machine is captured, every recorded file
//! and command output is replaced with garbage (random bytes, truncated text, multi-byte
//! characters, huge lines), and the replay must still end well with well-formed XML and no
//! module failing. A few seeds, deterministic.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ocsinventory-agent");

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn garbage(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    match rng.next() % 5 {
        0 => (0..rng.next() % 4096).map(|_| rng.next() as u8).collect(),
        1 => original[..original.len() / 2].to_vec(),
        2 => "é:ß\tключ=значение\n😀 (x) ((\n: :\n%%\n0x\n-1\n"
            .repeat(1 + (rng.next() % 50) as usize)
            .into_bytes(),
        3 => {
            let mut v = original.to_vec();
            for _ in 0..(v.len() / 16 + 1) {
                if !v.is_empty() {
                    let i = (rng.next() as usize) % v.len();
                    v[i] = rng.next() as u8;
                }
            }
            v
        }
        _ => vec![b'9'; 200_000],
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Replays `rec` once per seed with every recorded file and output scrambled.
fn scrambled_replays(rec: &Path, vardir: &Path, seeds: impl Iterator<Item = u64>) {
    let mut originals = Vec::new();
    files(&rec.join("files"), &mut originals);
    files(&rec.join("commands"), &mut originals);
    let saved: Vec<(PathBuf, Vec<u8>)> = originals
        .iter()
        .map(|p| (p.clone(), std::fs::read(p).unwrap_or_default()))
        .collect();
    for seed in seeds {
        let mut rng = Rng(seed);
        for (path, original) in &saved {
            if path
                .extension()
                .is_some_and(|x| x == "exit" || x == "missing")
            {
                continue;
            }
            std::fs::write(path, garbage(&mut rng, original)).unwrap();
        }
        let out = Command::new(BIN)
            .args([
                "--stdout",
                "--debug",
                "--vardir",
                vardir.to_str().unwrap(),
                "--replay",
                rec.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{} seed {seed}: {err}", rec.display());
        assert!(
            !err.contains("failed; its section may be incomplete"),
            "{} seed {seed}: a module panicked:\n{err}",
            rec.display()
        );
        let xml = String::from_utf8_lossy(&out.stdout);
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("seed {seed}: XML not well formed: {e}"),
            }
        }
    }
}

#[test]
fn garbage_everywhere_breaks_nothing() {
    let base = std::env::temp_dir().join(format!("ocsa-garbage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let rec = base.join("rec");
    let cap = Command::new(BIN)
        .args([
            "--stdout",
            "--vardir",
            base.to_str().unwrap(),
            "--capture",
            rec.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(cap.status.success());
    scrambled_replays(&rec, &base, (1u64..=10).map(|s| s * 7919));
    // The BSD modules, from scrambled copies of the BSD recordings.
    for name in ["freebsd-14-kvm", "openbsd-7-vmware"] {
        let copy = base.join(name);
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("t/snapshots")
                .join(name),
            &copy,
        );
        scrambled_replays(&copy, &base, (1u64..=10).map(|s| s * 104729));
    }
    let _ = std::fs::remove_dir_all(&base);
}
