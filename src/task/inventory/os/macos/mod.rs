//! macOS inventory modules.
