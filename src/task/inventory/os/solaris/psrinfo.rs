//! `psrinfo -v` (virtual processors: instruction set and clock) and `psrinfo -vp`
//! (physical processors: model, clock, how many virtual ones each carries).

/// One `The <type> processor operates at <N> MHz` block of `psrinfo -v`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Virtual {
    pub kind: String,
    pub speed: u32,
}

/// One physical processor of `psrinfo -vp`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Physical {
    pub kind: Option<String>,
    pub speed: Option<u32>,
    /// Virtual processors it carries.
    pub count: u32,
}

pub fn parse_virtual(text: &str) -> Vec<Virtual> {
    text.lines()
        .filter_map(|line| {
            let rest = &line[line.find("The ")? + 4..];
            let (kind, rest) = rest.split_once(' ')?;
            let speed = rest.strip_prefix("processor operates at ")?;
            let (mhz, unit) = speed.split_once(' ')?;
            if !unit.starts_with("MHz") || kind.is_empty() {
                return None;
            }
            Some(Virtual {
                kind: kind.to_string(),
                speed: mhz.parse().ok()?,
            })
        })
        .collect()
}

/// `N virtual processor(s)` at the start of `rest`.
fn leading_count(rest: &str) -> Option<u32> {
    let (n, after) = rest.split_once(' ')?;
    after.starts_with("virtual").then(|| n.parse().ok())?
}

pub fn parse_physical(text: &str) -> Vec<Physical> {
    let mut out: Vec<Physical> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("The physical processor has ") {
            // `has N virtual processors` or `has C cores and N virtual processors`
            let count = leading_count(rest).or_else(|| {
                let (_, after) = rest.split_once(" cores and ")?;
                leading_count(after)
            });
            if let Some(count) = count {
                out.push(Physical {
                    count,
                    ..Physical::default()
                });
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("The ") {
            if let Some((kind, after)) = rest.split_once(" physical processor has ") {
                if let (false, Some(count)) = (kind.contains(' '), leading_count(after)) {
                    out.push(Physical {
                        kind: Some(kind.to_string()),
                        count,
                        ..Physical::default()
                    });
                }
                continue;
            }
        }
        let Some(cpu) = out.last_mut() else { continue };
        // `UltraSPARC-IV (portid 0 impl 0x18 ver 0x31 clock 1350 MHz)`
        if let (Some(open), Some(at)) = (line.find(" ("), line.rfind(" clock ")) {
            let kind = line[..open].split_whitespace().last();
            let mhz = line[at + 7..].strip_suffix(" MHz)");
            if let (Some(kind), Some(Ok(mhz))) = (kind, mhz.map(str::parse::<u32>)) {
                cpu.kind = Some(kind.to_string());
                cpu.speed = Some(mhz);
                continue;
            }
        }
        if let Some(at) = line.find("Intel(r) Xeon(r) CPU ") {
            if let Some(model) = line[at + 21..].split_whitespace().next() {
                cpu.kind = Some(format!("Xeon {model}"));
            }
        } else if let Some(at) = line.find(" Processor") {
            if at > 0 {
                cpu.kind = Some(line[..at].to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_blocks() {
        let v = parse_virtual("Status of virtual processor 0 as of: 08/20/2012 22:55:53\r\n  on-line since 09/25/2011 16:13:56.\r\n  The sparcv9 processor operates at 1350 MHz,\r\n\tand has a sparcv9 floating point processor.\r\n");
        assert_eq!(
            v,
            vec![Virtual {
                kind: "sparcv9".into(),
                speed: 1350
            }]
        );
    }

    #[test]
    fn physical_processors() {
        let p = parse_physical("The physical processor has 1 virtual processor (0)\n  x86 (GenuineIntel family 6 model 23 step 6 clock 2333 MHz)\n\tIntel(r) Xeon(r) CPU           E5410  @ 2.33GHz\nThe UltraSPARC-IIIi physical processor has 1 virtual processor (1)\r\nThe physical processor has 8 cores and 64 virtual processors (0-63)\n  SPARC-T4 (chipid 0, clock 2848 MHz)\n");
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].kind.as_deref(), Some("Xeon E5410"));
        assert_eq!(p[0].speed, Some(2333));
        assert_eq!(p[1].kind.as_deref(), Some("UltraSPARC-IIIi"));
        assert_eq!(p[1].speed, None);
        assert_eq!(p[2].count, 64);
        assert_eq!(p[2].kind.as_deref(), Some("SPARC-T4"));
    }
}
