//! The inventory document: sections made of entries, entries made of named fields.
//!
//! Parsers produce [`Entry`] values (upper-case OCS field names, text values); the
//! collector gathers them into an [`Inventory`]; the writers (OCS XML, GLPI JSON) read it.
//! Values are always text, as on the wire: `2048`, not a number type.

use std::collections::BTreeMap;

/// A field value: text, a repeated text field (`LOCAL_GROUPS/MEMBER`), or a nested
/// group of fields (`OPERATINGSYSTEM/TIMEZONE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Map(Entry),
}

/// One item of a section: an ordered map from field name to value.
///
/// Empty text values are never stored, so "absent" and "empty" are the same thing
/// everywhere, as in the XML the servers read.
///
/// The writer rule: **nothing a module does not know erases what another module knew.**
/// `set("X", "")` and `set_opt("X", None)` leave an existing `X` alone, so a fallback
/// source running after a better one (sysfs after dmidecode, sysctl after dmidecode)
/// can add what is missing but never blank what was found. A module that really means
/// to drop a value says so with [`Entry::remove`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    fields: BTreeMap<&'static str, Value>,
}

impl Entry {
    pub fn new() -> Entry {
        Entry::default()
    }

    /// Sets a text field; an empty (after trimming) value changes nothing.
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) -> &mut Entry {
        let mut value: String = value.into();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return self;
        }
        if trimmed.len() != value.len() {
            value = trimmed.to_string();
        }
        self.fields.insert(name, Value::Text(value));
        self
    }

    /// Sets a text field when `value` is `Some`; `None` changes nothing.
    pub fn set_opt(&mut self, name: &'static str, value: Option<impl Into<String>>) -> &mut Entry {
        match value {
            Some(v) => self.set(name, v),
            None => self,
        }
    }

    /// Sets a field only if it has no value yet.
    pub fn set_default(&mut self, name: &'static str, value: impl Into<String>) -> &mut Entry {
        if !self.has(name) {
            self.set(name, value);
        }
        self
    }

    pub fn set_list(&mut self, name: &'static str, values: Vec<String>) -> &mut Entry {
        self.fields.insert(name, Value::List(values));
        self
    }

    pub fn set_map(&mut self, name: &'static str, value: Entry) -> &mut Entry {
        self.fields.insert(name, Value::Map(value));
        self
    }

    /// The text of a field, if it has one.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self.fields.get(name) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    pub fn get_value(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.fields.remove(name)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Fields in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.fields.iter().map(|(k, v)| (*k, v))
    }

    /// Keeps only the fields for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.fields.retain(|k, _| keep(k));
    }
}

/// Builds an entry from `(name, value)` pairs; handy in parsers and tests.
impl FromIterator<(&'static str, String)> for Entry {
    fn from_iter<I: IntoIterator<Item = (&'static str, String)>>(iter: I) -> Entry {
        let mut e = Entry::new();
        for (k, v) in iter {
            e.set(k, v);
        }
        e
    }
}

/// A whole inventory: named sections, each a list of entries.
///
/// Single-instance sections (`BIOS`, `HARDWARE`, `OPERATINGSYSTEM`, `ACCESSLOG`) hold one
/// entry that modules enrich with [`Inventory::single`].
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub deviceid: String,
    sections: BTreeMap<String, Vec<Entry>>,
}

impl Inventory {
    pub fn new(deviceid: &str) -> Inventory {
        Inventory {
            deviceid: deviceid.to_string(),
            sections: BTreeMap::new(),
        }
    }

    /// Appends an entry to a repeated section. Empty entries are dropped.
    pub fn add(&mut self, section: &str, entry: Entry) {
        if !entry.is_empty() {
            self.sections
                .entry(section.to_string())
                .or_default()
                .push(entry);
        }
    }

    /// The one entry of a single-instance section, created when missing.
    pub fn single(&mut self, section: &str) -> &mut Entry {
        let list = self.sections.entry(section.to_string()).or_default();
        if list.is_empty() {
            list.push(Entry::new());
        }
        &mut list[0]
    }

    pub fn section(&self, section: &str) -> &[Entry] {
        self.sections
            .get(section)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn section_mut(&mut self, section: &str) -> Option<&mut Vec<Entry>> {
        self.sections.get_mut(section)
    }

    /// The text of a field of a single-instance section.
    pub fn field(&self, section: &str, name: &str) -> Option<&str> {
        self.section(section).first().and_then(|e| e.get(name))
    }

    /// Sections in name order, empty ones left out.
    pub fn sections(&self) -> impl Iterator<Item = (&str, &[Entry])> {
        self.sections
            .iter()
            .filter(|(_, v)| !v.is_empty() && v.iter().any(|e| !e.is_empty()))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn remove_section(&mut self, section: &str) -> Vec<Entry> {
        self.sections.remove(section).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent() {
        let mut e = Entry::new();
        e.set("NAME", "  x ").set("EMPTY", "   ");
        assert_eq!(e.get("NAME"), Some("x"));
        assert!(!e.has("EMPTY"));
    }

    #[test]
    fn a_fallback_never_erases() {
        let mut e = Entry::new();
        e.set("UUID", "from-dmidecode");
        e.set_opt("UUID", None::<String>).set("UUID", " ");
        assert_eq!(e.get("UUID"), Some("from-dmidecode"));
        e.remove("UUID");
        assert!(e.is_empty());
    }

    #[test]
    fn single_sections_are_created_once() {
        let mut inv = Inventory::new("d");
        inv.single("BIOS").set("SSN", "1");
        inv.single("BIOS").set("SMODEL", "m");
        assert_eq!(inv.section("BIOS").len(), 1);
        assert_eq!(inv.field("BIOS", "SMODEL"), Some("m"));
        inv.add("CPUS", Entry::new());
        assert!(inv.section("CPUS").is_empty());
    }
}
