//! Drop-in test placeholder (filled in by the next commit).
