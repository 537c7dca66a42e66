//! `lsusb -v`: the USB devices where the kernel offers no sysfs (the BSDs with usbutils).

use crate::task::inventory::model::Entry;

/// One entry per device block: VENDORID and PRODUCTID (the hex ids without `0x`), SERIAL
/// (when `iSerial` has a string), CLASS and SUBCLASS (decimal, from the interface
/// descriptors: the last interface of the device wins).
pub fn parse_lsusb(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut cur = Entry::new();
    for line in text.lines() {
        if line.starts_with("Bus ") {
            if !cur.is_empty() {
                out.push(std::mem::replace(&mut cur, Entry::new()));
            }
            continue;
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["idVendor", id, ..] => {
                cur.set_opt("VENDORID", id.strip_prefix("0x"));
            }
            ["idProduct", id, ..] => {
                cur.set_opt("PRODUCTID", id.strip_prefix("0x"));
            }
            ["iSerial", _index, serial, ..] => {
                let word: String = serial
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                cur.set("SERIAL", word);
            }
            ["bInterfaceClass", class, ..] => {
                cur.set("CLASS", *class);
            }
            ["bInterfaceSubClass", class, ..] => {
                cur.set("SUBCLASS", *class);
            }
            _ => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn devices() {
        let d = super::parse_lsusb(
            "\nBus 001 Device 001: ID 1d6b:0001 Linux Foundation 1.1 root hub\n  idVendor           0x1d6b Linux Foundation\n  idProduct          0x0001 1.1 root hub\n  iSerial                 1 0000:00:1a.0\n      bInterfaceClass         9 Hub\n      bInterfaceSubClass      0 Unused\n\nBus 001 Device 003: ID 413c:8161 Dell\n  idVendor           0x413c Dell Computer Corp.\n  idProduct          0x8161 Integrated Keyboard\n  iSerial                 0 \n      bInterfaceClass         3 Human Interface Device\n      bInterfaceSubClass      1 Boot Interface Subclass\nBus 002 Device 001: ID nothing\n",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].get("VENDORID"), Some("1d6b"));
        assert_eq!(d[0].get("SERIAL"), Some("0000"));
        assert_eq!(d[1].get("SERIAL"), None);
        assert_eq!(d[1].get("CLASS"), Some("3"));
    }
}
