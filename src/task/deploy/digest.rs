//! Package digests: the one authority on what a package is.
//!
//! An OCS info file names the algorithm (`DIGEST_ALGO`: MD5, SHA1, SHA256, SHA512) and
//! how the digest is written (`DIGEST_ENCODE`: `Hexa` or `Base64`, with or without `=`
//! padding as the Perl agent compares). The digest is computed over the fragments read
//! in order, 64 KiB at a time, so a package of any size costs a buffer, never its size
//! in memory. Nothing is unpacked or run before [`Expected::matches`] said yes.

use std::io::Read;
use std::path::Path;

use md5::Digest as _;

/// A digest algorithm a package may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Algo {
    /// From the info file's `DIGEST_ALGO` (case-insensitive, `SHA-256` or `SHA256`).
    pub fn parse(text: &str) -> Option<Algo> {
        match text.trim().to_ascii_uppercase().replace('-', "").as_str() {
            "MD5" => Some(Algo::Md5),
            "SHA1" => Some(Algo::Sha1),
            "SHA256" => Some(Algo::Sha256),
            "SHA512" => Some(Algo::Sha512),
            _ => None,
        }
    }

    /// Length of the raw digest in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algo::Md5 => 16,
            Algo::Sha1 => 20,
            Algo::Sha256 => 32,
            Algo::Sha512 => 64,
        }
    }
}

impl std::fmt::Display for Algo {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match self {
            Algo::Md5 => "MD5",
            Algo::Sha1 => "SHA1",
            Algo::Sha256 => "SHA256",
            Algo::Sha512 => "SHA512",
        })
    }
}

/// A running digest.
pub enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub fn new(algo: Algo) -> Hasher {
        match algo {
            Algo::Md5 => Hasher::Md5(md5::Md5::new()),
            Algo::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algo::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algo::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }

    /// Feeds everything `reader` gives.
    pub fn read_all(&mut self, reader: &mut dyn Read) -> std::io::Result<u64> {
        let mut buf = vec![0u8; 64 << 10];
        let mut total = 0u64;
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => {
                    self.update(&buf[..n]);
                    total += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// The digest a package must have, decoded from the info file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub algo: Algo,
    pub bytes: Vec<u8>,
}

impl Expected {
    /// Decodes `digest` written as `encode` (`Hexa`/`Hex` or `Base64`) for `algo`; the
    /// length must be the algorithm's.
    pub fn parse(algo: Algo, encode: &str, digest: &str) -> Result<Expected, String> {
        let digest = digest.trim();
        let bytes = match encode.trim().to_ascii_lowercase().as_str() {
            "hexa" | "hex" | "" => {
                hex_decode(digest).ok_or_else(|| format!("DIGEST '{digest}' is not hexadecimal"))?
            }
            "base64" => crate::encoding::base64_decode(digest)
                .ok_or_else(|| format!("DIGEST '{digest}' is not base64"))?,
            other => return Err(format!("unknown DIGEST_ENCODE '{other}'")),
        };
        if bytes.len() != algo.digest_len() {
            return Err(format!(
                "DIGEST '{digest}' has {} bytes, {} has {}",
                bytes.len(),
                algo,
                algo.digest_len()
            ));
        }
        Ok(Expected { algo, bytes })
    }

    /// Whether `computed` is this digest.
    pub fn matches(&self, computed: &[u8]) -> bool {
        self.bytes == computed
    }
}

/// The digest of the concatenation of `files`, read in order.
pub fn of_files(algo: Algo, files: &[impl AsRef<Path>]) -> Result<Vec<u8>, String> {
    let mut h = Hasher::new(algo);
    for f in files {
        let path = f.as_ref();
        let mut file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        h.read_all(&mut file)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    }
    Ok(h.finish())
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors_in_both_encodings() {
        let mut h = Hasher::new(Algo::Md5);
        h.update(b"abc");
        let md5 = h.finish();
        assert_eq!(hex(&md5), "900150983cd24fb0d6963f7d28e17f72");
        let e = Expected::parse(Algo::Md5, "Hexa", "900150983CD24FB0D6963F7D28E17F72").unwrap();
        assert!(e.matches(&md5));
        let b64 = crate::encoding::base64(&md5);
        let e = Expected::parse(Algo::Md5, "Base64", b64.trim_end_matches('=')).unwrap();
        assert!(e.matches(&md5));
        assert!(Expected::parse(Algo::Md5, "Base64", &b64)
            .unwrap()
            .matches(&md5));
        let mut h = Hasher::new(Algo::Sha1);
        h.update(b"abc");
        assert_eq!(hex(&h.finish()), "a9993e364706816aba3e25717850c26c9cd0d89d");
        let mut h = Hasher::new(Algo::Sha256);
        h.update(b"abc");
        assert!(hex(&h.finish()).starts_with("ba7816bf"));
    }

    #[test]
    fn absurd_digests_are_refused() {
        assert!(Expected::parse(Algo::Md5, "Hexa", "").is_err());
        assert!(Expected::parse(Algo::Md5, "Hexa", "xyz").is_err());
        assert!(Expected::parse(Algo::Md5, "Hexa", "00").is_err());
        assert!(Expected::parse(Algo::Sha1, "Hexa", "900150983cd24fb0d6963f7d28e17f72").is_err());
        assert!(Expected::parse(Algo::Md5, "Base64", "!!!!").is_err());
        assert!(Expected::parse(Algo::Md5, "rot13", "00").is_err());
        assert_eq!(Algo::parse("sha-256"), Some(Algo::Sha256));
        assert_eq!(Algo::parse("CRC32"), None);
    }
}
