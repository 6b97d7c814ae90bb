//! Tokens built by hand, byte for byte, as an attacker (or another implementation) would.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(segment: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(segment).unwrap()
}

/// A base64url signature with its first character changed: its top bits, so the text stays
/// canonical base64url while the bytes differ.
pub fn flip_first(signature: &str) -> String {
    let first = if signature.starts_with('A') { 'B' } else { 'A' };
    format!("{first}{}", &signature[1..])
}

/// A JWS over exactly these header and payload bytes, HMAC-SHA256 under `secret`.
pub fn hs256_raw(header: &[u8], payload: &[u8], secret: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let input = format!("{}.{}", b64(header), b64(payload));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

/// A compact `dir` + AES-GCM JWE of exactly these header and plaintext bytes.
pub fn dir_gcm(key: &[u8], header: &Value, plaintext: &[u8], iv: &[u8]) -> String {
    use openssl::symm::Cipher;
    let cipher = match key.len() {
        16 => Cipher::aes_128_gcm(),
        24 => Cipher::aes_192_gcm(),
        _ => Cipher::aes_256_gcm(),
    };
    let protected = b64(header.to_string());
    let mut tag = [0u8; 16];
    let ciphertext = openssl::symm::encrypt_aead(
        cipher,
        key,
        Some(iv),
        protected.as_bytes(),
        plaintext,
        &mut tag,
    )
    .unwrap();
    format!("{protected}..{}.{}.{}", b64(iv), b64(ciphertext), b64(tag))
}
