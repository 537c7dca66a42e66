//! Linux inventory modules.
