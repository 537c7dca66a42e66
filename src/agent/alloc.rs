//! The global allocator: the system one, plus a note to the parent when a task child
//! hits its memory cap (so the parent can say "exceeded its memory cap" instead of
//! "killed by signal 6").

use std::alloc::{GlobalAlloc, Layout};

// The standard allocator; on macOS it counts the heap against the memory cap.
use crate::platform::memory::System;

pub struct Allocator;

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if p.is_null() {
            super::runner::note_memory_exhausted();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if p.is_null() {
            super::runner::note_memory_exhausted();
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if p.is_null() {
            super::runner::note_memory_exhausted();
        }
        p
    }
}
