//! `hdparm -I /dev/sdX`: what an ATA disk says of itself (model, serial, firmware, size,
//! transport, WWN), to complete STORAGES where the kernel does not tell.

use crate::task::inventory::model::Entry;

/// Parses `hdparm -I` output (read as bytes and decoded lossily by the caller: some
/// drives put raw bytes in their identity strings). When hdparm says the identify data's
/// integrity word is not set, nothing in it can be trusted: an empty entry.
pub fn parse_hdparm(text: &str) -> Entry {
    let mut e = Entry::new();
    if text.contains("Integrity word not set") {
        return e;
    }
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "Model Number" => {
                e.set("MODEL", value);
            }
            "Serial Number" => {
                e.set_opt("SERIALNUMBER", value.split_whitespace().next());
            }
            "Firmware Revision" => {
                e.set("FIRMWARE", value);
            }
            "Transport" => {
                let bus = ["SATA", "SAS", "SCSI", "USB"]
                    .into_iter()
                    .find(|b| value.split([' ', ',', ';']).any(|w| w == *b));
                if let Some(bus) = bus {
                    e.set("DESCRIPTION", bus).set("INTERFACE", bus);
                }
            }
            "device size with M = 1000*1000" => {
                e.set_opt("DISKSIZE", value.split_whitespace().next());
            }
            k if k.ends_with("WWN Device Identifier") => {
                e.set("WWN", value);
            }
            _ => {}
        }
    }
    e
}

#[cfg(test)]
mod tests {
    #[test]
    fn identify() {
        let e = super::parse_hdparm(
            "\tModel Number:       SAMSUNG SSD PM830 mSATA 256GB           \n\tSerial Number:      S0XPNYAD412339\n\tFirmware Revision:  CXM13D1Q\n\tTransport:          Serial, ATA8-AST, SATA 1.0a, SATA II Extensions\n\tdevice size with M = 1000*1000:      256060 MBytes (256 GB)\nLogical Unit WWN Device Identifier: 5002538043584d30\n",
        );
        assert_eq!(e.get("MODEL"), Some("SAMSUNG SSD PM830 mSATA 256GB"));
        assert_eq!(e.get("INTERFACE"), Some("SATA"));
        assert_eq!(e.get("DISKSIZE"), Some("256060"));
        assert_eq!(e.get("WWN"), Some("5002538043584d30"));
        assert!(
            super::parse_hdparm("Model Number: x\nIntegrity word not set (found 0x0054)\n")
                .is_empty()
        );
    }
}
