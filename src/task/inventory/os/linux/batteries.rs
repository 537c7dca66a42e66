//! BATTERIES on Linux: `/sys/class/power_supply/*` of type `Battery` (the system's own
//! batteries; those of wireless mice and keyboards, scope `Device`, are left out).
//! Units: the kernel gives µWh, µAh and µV; the inventory wants mWh and mV, so a
//! capacity in charge (µAh) is turned into energy with the design minimum voltage.

use crate::source::Source;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/batteries",
    category: "battery",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists(CLASS),
    collect,
};

const CLASS: &str = "/sys/class/power_supply";

/// The attributes of one power supply that the inventory uses, as read.
#[derive(Clone, Debug, Default)]
pub struct Supply {
    pub kind: Option<String>,
    pub scope: Option<String>,
    pub present: Option<String>,
    pub model_name: Option<String>,
    pub manufacturer: Option<String>,
    pub serial_number: Option<String>,
    pub technology: Option<String>,
    pub voltage_min_design: Option<String>,
    pub energy_full_design: Option<String>,
    pub energy_full: Option<String>,
    pub charge_full_design: Option<String>,
    pub charge_full: Option<String>,
    pub manufacture_year: Option<String>,
    pub manufacture_month: Option<String>,
    pub manufacture_day: Option<String>,
}

fn number(v: &Option<String>) -> Option<u64> {
    v.as_deref()?.trim().parse::<u64>().ok().filter(|n| *n > 0)
}

/// A serial worth reporting: not empty, not only zeros.
fn serial(v: &Option<String>) -> Option<String> {
    let s = v.as_deref()?.trim();
    (!s.is_empty() && s.chars().any(|c| c != '0' && c != ' ')).then(|| s.to_string())
}

/// Full capacity in mWh from energy (µWh), else charge (µAh) × voltage (mV).
fn capacity_mwh(energy: &Option<String>, charge: &Option<String>, mv: Option<u64>) -> Option<u64> {
    number(energy)
        .map(|uwh| uwh / 1000)
        .or_else(|| Some(number(charge)? / 1000 * mv? / 1000))
        .filter(|c| *c > 0)
}

/// The BATTERIES entry of a power supply, `None` when it is not a present system battery.
pub fn entry(s: &Supply) -> Option<Entry> {
    if s.kind.as_deref() != Some("Battery") {
        return None;
    }
    if s.scope.as_deref() == Some("Device") || s.present.as_deref() == Some("0") {
        return None;
    }
    let mv = number(&s.voltage_min_design).map(|uv| uv / 1000);
    let date = match (
        number(&s.manufacture_year),
        number(&s.manufacture_month),
        number(&s.manufacture_day),
    ) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            Some(format!("{d:02}/{m:02}/{y}"))
        }
        _ => None,
    };
    let mut e = Entry::new();
    e.set_opt("NAME", s.model_name.clone())
        .set_opt("MANUFACTURER", s.manufacturer.clone())
        .set_opt("SERIAL", serial(&s.serial_number))
        .set_opt("CHEMISTRY", s.technology.clone())
        .set_opt("VOLTAGE", mv.map(|v| v.to_string()))
        .set_opt(
            "CAPACITY",
            capacity_mwh(&s.energy_full_design, &s.charge_full_design, mv).map(|c| c.to_string()),
        )
        .set_opt(
            "REAL_CAPACITY",
            capacity_mwh(&s.energy_full, &s.charge_full, mv).map(|c| c.to_string()),
        )
        .set_opt("DATE", date);
    (!e.is_empty()).then_some(e)
}

/// Reads the attributes of `/sys/class/power_supply/<name>`.
pub fn read_supply(src: &dyn Source, name: &str) -> Supply {
    let a = |attr: &str| src.read_line(&format!("{CLASS}/{name}/{attr}"));
    let kind = a("type");
    if kind.as_deref() != Some("Battery") {
        // Mains adapters and USB ports: nothing else to read.
        return Supply {
            kind,
            ..Supply::default()
        };
    }
    Supply {
        kind,
        scope: a("scope"),
        present: a("present"),
        model_name: a("model_name"),
        manufacturer: a("manufacturer"),
        serial_number: a("serial_number"),
        technology: a("technology"),
        voltage_min_design: a("voltage_min_design"),
        energy_full_design: a("energy_full_design"),
        energy_full: a("energy_full"),
        charge_full_design: a("charge_full_design"),
        charge_full: a("charge_full"),
        manufacture_year: a("manufacture_year"),
        manufacture_month: a("manufacture_month"),
        manufacture_day: a("manufacture_day"),
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for name in ctx.src.list_dir(CLASS).unwrap_or_default() {
        if let Some(e) = entry(&read_supply(ctx.src, &name)) {
            inv.add("BATTERIES", e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    fn supply(src: FakeSource, name: &str, attrs: &[(&str, &str)]) -> FakeSource {
        attrs.iter().fold(src, |s, (k, v)| {
            s.file(&format!("{CLASS}/{name}/{k}"), format!("{v}\n"))
        })
    }

    #[test]
    fn energy_battery() {
        let src = supply(
            FakeSource::new(),
            "BAT0",
            &[
                ("type", "Battery"),
                ("present", "1"),
                ("model_name", "5B10W13930"),
                ("manufacturer", "SMP"),
                ("serial_number", "  1234"),
                ("technology", "Li-poly"),
                ("voltage_min_design", "11520000"),
                ("energy_full_design", "57000000"),
                ("energy_full", "51230000"),
            ],
        );
        let src = supply(src, "AC", &[("type", "Mains"), ("online", "1")]);
        let src = supply(
            src,
            "hidpp_battery_0",
            &[
                ("type", "Battery"),
                ("scope", "Device"),
                ("model_name", "MX"),
            ],
        );
        let got: Vec<Entry> = src
            .list_dir(CLASS)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| entry(&read_supply(&src, n)))
            .collect();
        assert_eq!(got.len(), 1);
        let b = &got[0];
        assert_eq!(b.get("NAME"), Some("5B10W13930"));
        assert_eq!(b.get("MANUFACTURER"), Some("SMP"));
        assert_eq!(b.get("SERIAL"), Some("1234"));
        assert_eq!(b.get("CHEMISTRY"), Some("Li-poly"));
        assert_eq!(b.get("VOLTAGE"), Some("11520"));
        assert_eq!(b.get("CAPACITY"), Some("57000"));
        assert_eq!(b.get("REAL_CAPACITY"), Some("51230"));
    }

    #[test]
    fn charge_battery() {
        let s = Supply {
            kind: Some("Battery".into()),
            serial_number: Some("0000".into()),
            voltage_min_design: Some("7400000".into()),
            charge_full_design: Some("5200000".into()),
            charge_full: Some("4100000".into()),
            manufacture_year: Some("2021".into()),
            manufacture_month: Some("3".into()),
            manufacture_day: Some("9".into()),
            ..Supply::default()
        };
        let b = entry(&s).expect("battery");
        assert_eq!(b.get("CAPACITY"), Some("38480"));
        assert_eq!(b.get("REAL_CAPACITY"), Some("30340"));
        assert_eq!(b.get("DATE"), Some("09/03/2021"));
        assert!(!b.has("SERIAL"), "all-zero serial");
    }

    #[test]
    fn garbage_and_absent() {
        let s = Supply {
            kind: Some("Battery".into()),
            energy_full_design: Some("lots".into()),
            charge_full_design: Some("5200000".into()),
            voltage_min_design: Some("".into()),
            ..Supply::default()
        };
        assert!(entry(&s).is_none(), "nothing usable");
        let absent = Supply {
            kind: Some("Battery".into()),
            present: Some("0".into()),
            model_name: Some("x".into()),
            ..Supply::default()
        };
        assert!(entry(&absent).is_none());
        assert!(entry(&Supply::default()).is_none());
    }
}
