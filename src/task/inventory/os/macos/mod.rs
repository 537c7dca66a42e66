//! macOS inventory modules: one file per source of facts (`system_profiler` text and
//! XML, `ioreg`, `sysctl`, `ifconfig`/`networksetup`, `launchctl`/`defaults` for the
//! firewall, `sw_vers`). Picked at run time by the source's OS (`Darwin`), so they run
//! live, from a recording and remotely.

pub mod drives;
pub mod firewall;
pub mod hardware;
pub mod ioreg;
pub mod memories;
pub mod networks;
pub mod os;
pub mod plist;
pub mod power;
pub mod softwares;
pub mod storages;
pub mod system_profiler;
pub mod usb;
pub mod videos;

#[cfg(test)]
mod tests {
    /// Hostile or truncated outputs: every parser returns (something or nothing), none
    /// panics.
    #[test]
    fn garbage_never_panics() {
        let junk = [
            "",
            ":\n::\n  :\n",
            "Applications:\n    é€:\n      Location: /\n      Last Modified: 1/2/\n",
            "Memory:\n  DIMM:\n    Size: x GB\n    Part Number: 0xZZ1\n",
            "Graphics/Displays:\n  x:\n    Displays:\n      y:\n        Resolution: x x\n",
            "<class IOUSBDevice,\n  \"a\" = <\n  \"idVendor\" = 99999999999\n",
            "<plist><array><dict><key>_items</key><array><dict><key>_name</key></dict>",
            "<plist><array><dict><key>_items</key><array><dict><key>_name</key><string>x</string><key>size</key><string>1,5 QB</string></dict></array></dict></array></plist>",
            "en0: flags=<> mtu\n\tmedia: (\n\tinet6 %\n\tnetmask 0x\n",
        ];
        for j in junk {
            let t = super::system_profiler::parse(j);
            let _ = super::softwares::softwares(&t);
            let _ = super::memories::memories(&t);
            let _ = super::memories::total_mb(&t);
            let _ = super::videos::videos(&t);
            let _ = super::power::battery(&t);
            let _ = super::power::charger(&t);
            let _ = super::hardware::cpus(&t, &super::hardware::parse_sysctl(j));
            let _ = super::storages::from_text(&t);
            for kind in super::storages::Kind::ALL {
                let _ = super::storages::from_xml(j, kind);
            }
            let _ = super::usb::devices(&super::ioreg::parse(j, "IOUSBDevice"));
            let _ = super::networks::parse_ifconfig(j, &super::networks::parse_networksetup(j));
            let _ = super::firewall::alf_pid(j);
            let _ = super::os::boottime(j);
            let _ = super::drives::drives(j, j);
        }
    }
}
