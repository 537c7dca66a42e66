//! seeds: fuzz/seeds/deploy_archive
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocsinventory_agent_fuzz::scratch_file;

// A package's archive (tar.gz, tar or zip) unpacked into a fresh folder: nothing may be
// written outside it, whatever the entries say.
fuzz_target!(|data: &[u8]| {
    use ocsinventory_agent::task::deploy::unpack;
    let archive = scratch_file("archive", data);
    let Some(base) = archive.parent() else {
        return;
    };
    let root = base.join("root");
    for way in 0..3 {
        let _ = std::fs::remove_dir_all(&root);
        if std::fs::create_dir_all(&root).is_err() {
            return;
        }
        let _ = match way {
            0 => unpack::tar_gz(data, &root, 8 << 20),
            1 => unpack::tar_stream(data, &root, 8 << 20),
            _ => unpack::zip(&archive, &root, 8 << 20),
        };
        // Everything written is below root: the parent holds only the archive and root.
        if let Ok(entries) = std::fs::read_dir(base) {
            for e in entries.flatten() {
                let name = e.file_name();
                assert!(name == "archive" || name == "root", "written outside: {name:?}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
});
