//! SOFTWARES on Linux: one module per package manager, each reading its database
//! directly (no command per package).

pub mod dpkg;
pub mod flatpak;
pub mod pacman;
pub mod rpm;
pub mod snap;

use crate::task::inventory::module::Context;

use super::osrelease;

/// The distribution's name as package publisher: `Debian`, `Ubuntu`, `Fedora`…
pub fn distributor(ctx: &Context) -> Option<String> {
    let text = ctx.file("/etc/os-release")?;
    let kv = osrelease::parse(&text);
    kv.get("NAME")
        .and_then(|n| n.split_whitespace().next())
        .map(str::to_string)
}

/// `YYYY-MM-DD HH:MM:SS` of an epoch time in the run's time zone (the OCS dialect's
/// INSTALLDATE, which keeps the time of day).
pub fn install_time(ctx: &Context, epoch: i64) -> String {
    ctx.clock.format_local(epoch, "%Y-%m-%d %H:%M:%S")
}

/// `DD/MM/YYYY` (the XML software date format) of an epoch time in the run's time zone.
pub fn install_date(ctx: &Context, epoch: i64) -> String {
    ctx.clock.format_local(epoch, "%d/%m/%Y")
}
