//! MONITORS on Linux: the EDID of each connected display (`/sys/class/drm`), decoded by
//! the generic EDID parser, vendors named from the system's `pnp.ids`, raw EDID in BASE64.

use crate::task::inventory::generic::edid;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::edid_files::edid_files;

pub const MODULE: Module = Module {
    name: "linux/monitors",
    category: "monitor",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists("/sys/class/drm"),
    collect,
};

/// Standard base64 (RFC 4648, with padding).
pub fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let blobs = edid_files(ctx.src);
    if blobs.is_empty() {
        return;
    }
    let pnp = edid::load_pnp_ids(ctx.src).unwrap_or_default();
    let vendor = |id: &str| pnp.name(id).map(str::to_string);
    for (connector, bytes) in blobs {
        let Some(mut e) = edid::parse(&bytes, &vendor) else {
            log::debug!("unreadable EDID on {connector}");
            continue;
        };
        e.set("BASE64", base64(&bytes))
            .set("PORT", connector.as_str());
        inv.add("MONITORS", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(super::base64(&[0, 255, 254]), "AP/+");
    }
}
