//! Flatpak applications and runtimes, system-wide, from the installation folder
//! (`/var/lib/flatpak/{app,runtime}/<id>/<arch>/<branch>/active/metadata`).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

const ROOT: &str = "/var/lib/flatpak";

pub const MODULE: Module = Module {
    name: "linux/softwares/flatpak",
    category: "software",
    applies: |ctx| ctx.src.exists(ROOT),
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    for kind in ["app", "runtime"] {
        let base = format!("{ROOT}/{kind}");
        for id in ctx.src.list_dir(&base).unwrap_or_default() {
            for arch in ctx
                .src
                .list_dir(&format!("{base}/{id}"))
                .unwrap_or_default()
            {
                for branch in ctx
                    .src
                    .list_dir(&format!("{base}/{id}/{arch}"))
                    .unwrap_or_default()
                {
                    let dir = format!("{base}/{id}/{arch}/{branch}");
                    if !ctx.src.exists(&format!("{dir}/active")) {
                        continue;
                    }
                    let mut e = Entry::new();
                    e.set("NAME", id.as_str())
                        .set("VERSION", branch.as_str())
                        .set("ARCH", arch.as_str())
                        .set("FROM", "flatpak")
                        .set("FOLDER", dir.as_str());
                    inv.add("SOFTWARES", e);
                }
            }
        }
    }
}
