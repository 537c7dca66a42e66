//! `showrev`: the host's `Key: value` identity lines (hardware provider, application
//! architecture), read for BIOS on SPARC machines and inside zones.

use std::collections::BTreeMap;

/// Each key (text before the first colon) with the first word of its value; keys with
/// an empty value are left out.
pub fn parse_showrev(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            if key.is_empty() || !value.starts_with(char::is_whitespace) {
                return None;
            }
            let word = value.split_whitespace().next()?;
            Some((key.to_string(), word.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_word_of_each_value() {
        let m = super::parse_showrev(
            "Hostname: mamachine\nRelease: 5.10\nHardware provider:\nKernel version: SunOS 5.10 Generic_144489-03\n",
        );
        assert_eq!(m["Hostname"], "mamachine");
        assert_eq!(m["Kernel version"], "SunOS");
        assert!(!m.contains_key("Hardware provider"));
    }
}
