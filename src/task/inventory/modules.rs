//! The list of inventory modules, generic ones first, then each OS's. Adding a source of
//! facts is adding a file and one line here. A module's `applies` decides at run time
//! whether it fits the machine (OS modules look at the source's OS, not at `#[cfg]`), so
//! BSD modules run on Linux from a replayed BSD recording.

use super::generic::dmidecode::sections as dmi;
use super::generic::unix;
use super::module::Module;
use super::os::{bsd, linux, macos, solaris};

pub fn all() -> Vec<&'static Module> {
    vec![
        // Linux: batteries from sysfs first (they know the real capacity)
        &linux::batteries::MODULE,
        // DMI (dmidecode), any OS
        &dmi::BIOS,
        &dmi::MEMORIES,
        &dmi::PORTS,
        &dmi::SLOTS,
        &dmi::POWERSUPPLIES,
        &dmi::BATTERIES,
        // Linux
        &linux::os::MODULE,
        &linux::hardware::MODULE,
        &linux::vmsystem::MODULE,
        &linux::dmi_sysfs::MODULE,
        &linux::cpu::MODULE,
        &linux::networks::MODULE,
        &linux::storages::MODULE,
        &linux::drives::MODULE,
        &linux::pci::controllers::MODULE,
        &linux::pci::videos::MODULE,
        &linux::pci::sounds::MODULE,
        &linux::pci::modems::MODULE,
        &linux::usb::MODULE,
        &linux::inputs::MODULE,
        &linux::monitors::MODULE,
        &linux::accounts::USERS,
        &linux::accounts::GROUPS,
        &linux::users::MODULE,
        &linux::processes::MODULE,
        &linux::envs::MODULE,
        &linux::lvm::MODULE,
        &linux::firewall::MODULE,
        &linux::virtualmachines::MODULE,
        &linux::softwares::dpkg::MODULE,
        &linux::softwares::rpm::MODULE,
        &linux::softwares::snap::MODULE,
        &linux::softwares::flatpak::MODULE,
        &linux::softwares::pacman::MODULE,
        &linux::repositories::MODULE,
        // FreeBSD, OpenBSD, NetBSD
        &bsd::os::MODULE,
        &bsd::hardware::MODULE,
        &bsd::hardware::CPUS,
        &bsd::networks::MODULE,
        &bsd::drives::MODULE,
        &bsd::storages::MODULE,
        &bsd::megaraid::MODULE,
        &bsd::softwares::MODULE,
        &bsd::jails::MODULE,
        &bsd::batteries::MODULE,
        &bsd::pci::MODULE,
        &bsd::usb::MODULE,
        // Solaris, illumos
        &solaris::os::MODULE,
        &solaris::hardware::MODULE,
        &solaris::hardware::BIOS,
        &solaris::cpu::MODULE,
        &solaris::memories::MODULE,
        &solaris::slots::MODULE,
        &solaris::networks::MODULE,
        &solaris::storages::MODULE,
        &solaris::drives::MODULE,
        &solaris::softwares::MODULE,
        &solaris::zones::MODULE,
        // macOS
        &macos::os::MODULE,
        &macos::hardware::MODULE,
        &macos::hardware::CPUS,
        &macos::memories::MODULE,
        &macos::power::MODULE,
        &macos::videos::MODULE,
        &macos::usb::MODULE,
        &macos::networks::MODULE,
        &macos::storages::MODULE,
        &macos::drives::MODULE,
        &macos::softwares::MODULE,
        &macos::firewall::MODULE,
        // Any OS
        &unix::virtualbox::MODULE,
        &unix::parallels::MODULE,
    ]
}
