//! HP-UX inventory modules.
