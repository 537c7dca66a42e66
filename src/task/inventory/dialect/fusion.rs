//! The FusionInventory XML dialect: the collected inventory as it is, minus the facts
//! gathered only for the OCS dialect (`fields::OCS_EXTRAS`).

use crate::task::inventory::fields;

/// True for a field of the FusionInventory table.
pub fn keep(section: &str, field: &str) -> bool {
    fields::allowed(section).is_some_and(|f| f.contains(&field))
}

#[cfg(test)]
mod tests {
    #[test]
    fn extras_are_left_out() {
        assert!(super::keep("CPUS", "NAME"));
        assert!(!super::keep("CPUS", "L2CACHE"));
        assert!(!super::keep("REPOSITORY", "NAME"));
    }
}
