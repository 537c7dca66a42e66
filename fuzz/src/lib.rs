//! What every fuzz target shares: an allocator that refuses any single allocation past
//! [`ALLOC_CAP`] (libFuzzer's own `-malloc_limit_mb` needs a sanitizer, which stable
//! Rust has not), and a scratch file for parsers that read a path.
//!
//! An allocation past the cap aborts: libFuzzer reports the abort as a crash and keeps
//! the input, so "this input makes a parser ask for 1 GiB" is a finding like any other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;

/// Largest single allocation a parser may make on any input. The biggest honest input
/// (an OCS reply, a package database) is a few MB; 64 MiB leaves room for copies.
pub const ALLOC_CAP: usize = 64 << 20;

struct Capped;

// SAFETY: forwards to the system allocator; only refuses sizes past the cap.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > ALLOC_CAP {
            too_big(layout.size());
        }
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > ALLOC_CAP {
            too_big(new_size);
        }
        System.realloc(ptr, layout, new_size)
    }
}

fn too_big(size: usize) -> ! {
    let msg = format!("allocation of {size} bytes is past the fuzzing cap of {ALLOC_CAP}\n");
    // SAFETY: a plain write(2) to stderr.
    unsafe {
        libc_write(2, msg.as_ptr(), msg.len());
    }
    std::process::abort()
}

extern "C" {
    #[link_name = "write"]
    fn libc_write(fd: i32, buf: *const u8, len: usize) -> isize;
}

#[global_allocator]
static GLOBAL: Capped = Capped;

/// A scratch file of this fuzzing process holding `data`, for parsers that read a path.
pub fn scratch_file(name: &str, data: &[u8]) -> PathBuf {
    let base = std::env::var_os("FUZZ_SCRATCH")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("ocsa-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(name);
    let _ = std::fs::write(&path, data);
    path
}

/// The input as text, the way the agent reads command output (lossy UTF-8).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
