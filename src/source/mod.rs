//! Source layer (filled in by the core).
