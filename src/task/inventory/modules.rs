//! The list of inventory modules, generic ones first, then each OS's. Adding a source of
//! facts is adding a file and one line here. A module's `applies` decides at run time
//! whether it fits the machine (OS modules look at the source's OS, not at `#[cfg]`), so
//! BSD modules run on Linux from a replayed BSD recording.

use super::module::Module;
use super::os;

pub fn all() -> Vec<&'static Module> {
    vec![
        &os::linux::os::MODULE,
        &os::linux::hardware::MODULE,
        &os::linux::pci::controllers::MODULE,
        &os::linux::pci::videos::MODULE,
        &os::linux::pci::sounds::MODULE,
        &os::linux::pci::modems::MODULE,
        &os::linux::usb::MODULE,
        &os::linux::inputs::MODULE,
        &os::linux::batteries::MODULE,
        &os::linux::storages::MODULE,
        &os::linux::vmsystem::MODULE,
    ]
}
