//! USM cryptography (RFC 3414, 3826, 7860): password to key, key localisation, the
//! message MAC, and the privacy ciphers CBC-DES and CFB128-AES-128.
//!
//! Turning a password into a key hashes one megabyte, so [`KeyCache`] does it once per
//! (protocol, password) for a whole run; localisation to an engine is one more hash.

use std::collections::HashMap;

use aes::Aes128;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{AsyncStreamCipher, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::credential::{AuthProtocol, PrivProtocol};

/// RFC 3414 A.2.1: the password is repeated over this many bytes before hashing.
const PASSWORD_EXPANSION: usize = 1_048_576;

macro_rules! per_hash {
    ($proto:expr, $h:ident => $body:expr) => {
        match $proto {
            AuthProtocol::Md5 => {
                type $h = Md5;
                $body
            }
            AuthProtocol::Sha1 => {
                type $h = Sha1;
                $body
            }
            AuthProtocol::Sha224 => {
                type $h = Sha224;
                $body
            }
            AuthProtocol::Sha256 => {
                type $h = Sha256;
                $body
            }
            AuthProtocol::Sha384 => {
                type $h = Sha384;
                $body
            }
            AuthProtocol::Sha512 => {
                type $h = Sha512;
                $body
            }
        }
    };
}

/// The MAC length on the wire (HMAC-MD5-96, HMAC-SHA-96, RFC 7860's truncations).
pub fn mac_len(p: AuthProtocol) -> usize {
    match p {
        AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
        AuthProtocol::Sha224 => 16,
        AuthProtocol::Sha256 => 24,
        AuthProtocol::Sha384 => 32,
        AuthProtocol::Sha512 => 48,
    }
}

/// Ku: the hash of the password repeated over a megabyte (RFC 3414 A.2).
pub fn password_to_key(p: AuthProtocol, password: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    per_hash!(p, H => {
        let mut h = H::new();
        let mut chunk = [0u8; 64];
        let mut i = 0usize;
        let mut done = 0;
        while done < PASSWORD_EXPANSION {
            for b in chunk.iter_mut() {
                *b = password[i % password.len()];
                i += 1;
            }
            h.update(chunk);
            done += chunk.len();
        }
        h.finalize().to_vec()
    })
}

/// Kul: Ku localised to an engine, H(Ku ‖ engineID ‖ Ku).
pub fn localize(p: AuthProtocol, ku: &[u8], engine_id: &[u8]) -> Vec<u8> {
    per_hash!(p, H => {
        let mut h = H::new();
        h.update(ku);
        h.update(engine_id);
        h.update(ku);
        h.finalize().to_vec()
    })
}

/// The truncated HMAC of a whole message (its MAC field zeroed).
pub fn mac(p: AuthProtocol, key: &[u8], msg: &[u8]) -> Vec<u8> {
    let full = per_hash!(p, H => {
        match <Hmac<H> as Mac>::new_from_slice(key) {
            Ok(mut m) => {
                m.update(msg);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    });
    full.into_iter().take(mac_len(p)).collect()
}

/// Signs `msg` in place: computes the MAC over it and writes it at `offset`.
pub fn sign(p: AuthProtocol, key: &[u8], msg: &mut [u8], offset: usize) {
    let m = mac(p, key, msg);
    if let Some(slot) = msg.get_mut(offset..offset + m.len()) {
        slot.copy_from_slice(&m);
    }
}

/// Checks a received message's MAC (`auth` found at `offset`).
pub fn verify(p: AuthProtocol, key: &[u8], msg: &[u8], offset: usize, auth: &[u8]) -> bool {
    if auth.len() != mac_len(p) || offset + auth.len() > msg.len() {
        return false;
    }
    let mut copy = msg.to_vec();
    copy[offset..offset + auth.len()].fill(0);
    let m = mac(p, key, &copy);
    // Constant-time comparison.
    m.iter().zip(auth).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Encrypts a scoped PDU; returns the ciphertext and msgPrivacyParameters (the salt).
/// `salt` must differ for every message sent with this key.
pub fn encrypt(
    p: PrivProtocol,
    key: &[u8],
    boots: i64,
    time: i64,
    salt: u64,
    plain: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), String> {
    match p {
        PrivProtocol::Des => {
            let (k, pre_iv) = des_keys(key)?;
            let salt = [(boots as u32).to_be_bytes(), (salt as u32).to_be_bytes()].concat();
            let iv: Vec<u8> = pre_iv.iter().zip(&salt).map(|(a, b)| a ^ b).collect();
            let mut buf = plain.to_vec();
            buf.resize(plain.len().div_ceil(8) * 8, 0);
            let len = buf.len();
            let enc = cbc::Encryptor::<des::Des>::new_from_slices(k, &iv)
                .map_err(|e| format!("DES key: {e}"))?;
            enc.encrypt_padded_mut::<NoPadding>(&mut buf, len)
                .map_err(|e| format!("DES: {e}"))?;
            Ok((buf, salt))
        }
        PrivProtocol::Aes128 => {
            let k = key.get(..16).ok_or("AES key too short")?;
            let salt = salt.to_be_bytes().to_vec();
            let iv = aes_iv(boots, time, &salt);
            let mut buf = plain.to_vec();
            cfb_mode::Encryptor::<Aes128>::new_from_slices(k, &iv)
                .map_err(|e| format!("AES key: {e}"))?
                .encrypt(&mut buf);
            Ok((buf, salt))
        }
    }
}

/// Decrypts a received encrypted PDU with the sender's boots/time and salt.
pub fn decrypt(
    p: PrivProtocol,
    key: &[u8],
    boots: i64,
    time: i64,
    salt: &[u8],
    cipher: &[u8],
) -> Result<Vec<u8>, String> {
    if salt.len() != 8 {
        return Err(format!("privacy parameters of {} bytes, not 8", salt.len()));
    }
    let mut buf = cipher.to_vec();
    match p {
        PrivProtocol::Des => {
            if !buf.len().is_multiple_of(8) {
                return Err("DES ciphertext not a multiple of 8 bytes".into());
            }
            let (k, pre_iv) = des_keys(key)?;
            let iv: Vec<u8> = pre_iv.iter().zip(salt).map(|(a, b)| a ^ b).collect();
            let len = cbc::Decryptor::<des::Des>::new_from_slices(k, &iv)
                .map_err(|e| format!("DES key: {e}"))?
                .decrypt_padded_mut::<NoPadding>(&mut buf)
                .map_err(|e| format!("DES: {e}"))?
                .len();
            buf.truncate(len);
        }
        PrivProtocol::Aes128 => {
            let k = key.get(..16).ok_or("AES key too short")?;
            let iv = aes_iv(boots, time, salt);
            cfb_mode::Decryptor::<Aes128>::new_from_slices(k, &iv)
                .map_err(|e| format!("AES key: {e}"))?
                .decrypt(&mut buf);
        }
    }
    Ok(buf)
}

fn des_keys(key: &[u8]) -> Result<(&[u8], &[u8]), String> {
    if key.len() < 16 {
        return Err("DES key too short".into());
    }
    Ok((&key[..8], &key[8..16]))
}

/// RFC 3826 §3.1.2.1: boots ‖ time ‖ salt.
fn aes_iv(boots: i64, time: i64, salt: &[u8]) -> Vec<u8> {
    let mut iv = Vec::with_capacity(16);
    iv.extend_from_slice(&(boots as u32).to_be_bytes());
    iv.extend_from_slice(&(time as u32).to_be_bytes());
    iv.extend_from_slice(salt);
    iv
}

/// Ku for every (protocol, password) met during a run, computed once each.
#[derive(Default)]
pub struct KeyCache {
    keys: HashMap<(AuthProtocol, String), Vec<u8>>,
}

impl KeyCache {
    /// The key localised to `engine_id`.
    pub fn localized(&mut self, p: AuthProtocol, password: &str, engine_id: &[u8]) -> Vec<u8> {
        let ku = self
            .keys
            .entry((p, password.to_string()))
            .or_insert_with(|| password_to_key(p, password.as_bytes()));
        localize(p, ku, engine_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// RFC 3414 A.3.1 and A.3.2: "maplesyrup", engine 000000000000000000000002.
    #[test]
    fn rfc3414_key_localisation() {
        let engine = [0u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        let ku = password_to_key(AuthProtocol::Md5, b"maplesyrup");
        assert_eq!(hex(&ku), "9faf3283884e92834ebc9847d8edd963");
        assert_eq!(
            hex(&localize(AuthProtocol::Md5, &ku, &engine)),
            "526f5eed9fcce26f8964c2930787d82b"
        );
        let ku = password_to_key(AuthProtocol::Sha1, b"maplesyrup");
        assert_eq!(hex(&ku), "9fb5cc0381497b3793528939ff788d5d79145211");
        assert_eq!(
            hex(&localize(AuthProtocol::Sha1, &ku, &engine)),
            "6695febc9288e36282235fc7151f128497b38f3f"
        );
    }

    #[test]
    fn ciphers_round_trip() {
        let key = [7u8; 20];
        let plain = b"a scoped PDU of some length, not a multiple of 8".to_vec();
        for p in [PrivProtocol::Des, PrivProtocol::Aes128] {
            let (c, salt) = encrypt(p, &key, 3, 1234, 99, &plain).unwrap();
            assert_ne!(c[..8], plain[..8]);
            let back = decrypt(p, &key, 3, 1234, &salt, &c).unwrap();
            assert_eq!(&back[..plain.len()], &plain[..]);
        }
        assert!(decrypt(PrivProtocol::Des, &key, 0, 0, &[0; 8], &[1, 2, 3]).is_err());
        assert!(decrypt(PrivProtocol::Aes128, &key, 0, 0, &[0; 3], &[1, 2, 3]).is_err());
    }

    #[test]
    fn mac_sign_and_verify() {
        let mut msg = vec![1u8; 40];
        msg[10..22].fill(0);
        sign(AuthProtocol::Sha1, b"key", &mut msg, 10);
        let auth = msg[10..22].to_vec();
        assert!(verify(AuthProtocol::Sha1, b"key", &msg, 10, &auth));
        assert!(!verify(AuthProtocol::Sha1, b"kez", &msg, 10, &auth));
    }
}
