//! Checks a parsed token must pass before josekit sees it.
//!
//! josekit 0.10.3 accepts or panics on several hostile inputs: 1-byte GCM tags, IVs of the
//! wrong length, wrapped keys shorter than 8 bytes, unlimited `zip` inflation, PBES2 `p2c`
//! up to a million, and it ignores `crit` for JWE. Each is refused here, with exit 3 when
//! the token is malformed and exit 4 when it cannot be authentic.

use std::io::Read;

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::error;
use crate::jose::alg::{self, AlgId, Enc, KeyNeed};
use crate::jose::strict_json::Members;
use crate::jose::token::Compact;

/// PBES2 iteration cap (OWASP's PBKDF2-HMAC-SHA256 figure); `--max-p2c` raises it.
pub const DEFAULT_MAX_P2C: u64 = 310_000;
/// Cap on the inflated size of a `zip: DEF` payload; `--max-inflate` raises it.
pub const DEFAULT_MAX_INFLATE: usize = 256 * 1024;

/// Header parameters jwtctl understands for `crit` (RFC 7515 §4.1.11): RFC 7797's `b64`.
const UNDERSTOOD_CRITICAL: &[&str] = &["b64"];

/// Refuses a `crit` header that names anything jwtctl does not understand.
pub fn check_crit(header: &Map<String, Value>) -> Result<()> {
    let Some(crit) = header.member("crit") else {
        return Ok(());
    };
    let names = match crit {
        Value::Array(items) if !items.is_empty() => items,
        _ => {
            return Err(error::malformed(
                "header \"crit\" must be a non-empty array",
            ));
        }
    };
    for name in names {
        let Some(name) = name.as_str() else {
            return Err(error::malformed("header \"crit\" must list names"));
        };
        if !UNDERSTOOD_CRITICAL.contains(&name) {
            return Err(error::malformed(format!(
                "unsupported critical header parameter \"{name}\""
            )));
        }
    }
    Ok(())
}

/// Refuses `alg: none` in any capitalisation.
pub fn check_not_none(alg: &str) -> Result<()> {
    if alg::is_none(alg) {
        return Err(error::not_authentic(format!(
            "alg \"{alg}\" means an unsigned token; it is never accepted"
        )));
    }
    Ok(())
}

fn header_bytes(header: &Map<String, Value>, name: &str) -> Result<Vec<u8>> {
    header
        .get(name)
        .and_then(Value::as_str)
        .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
        .ok_or_else(|| error::malformed(format!("header \"{name}\" is missing or not base64url")))
}

/// Structure checks of a compact JWE (parts 1–4 are encrypted key, IV, ciphertext, tag).
pub fn check_jwe(token: &Compact, max_p2c: u64) -> Result<(&'static alg::Alg, &'static Enc)> {
    let header = &token.header;
    let alg_name = token.alg().unwrap_or("");
    check_not_none(alg_name)?;
    let alg = alg::find(alg_name)
        .filter(|a| a.kind == alg::TokenKind::Jwe)
        .ok_or_else(|| error::malformed(format!("unsupported JWE alg \"{alg_name}\"")))?;
    let enc_name = header.member("enc").and_then(Value::as_str).unwrap_or("");
    let enc = alg::find_enc(enc_name)
        .ok_or_else(|| error::malformed(format!("unsupported enc \"{enc_name}\"")))?;
    check_crit(header)?;
    if header.has("b64") {
        return Err(error::malformed("\"b64\" applies to JWS only"));
    }
    match header.member("zip") {
        None => {}
        Some(Value::String(zip)) if zip == "DEF" => {}
        Some(other) => {
            return Err(error::malformed(format!("unsupported zip {other}")));
        }
    }
    let empty = Vec::new();
    let part = |i: usize| token.decoded.get(i).unwrap_or(&empty);
    let (encrypted_key, iv, ciphertext, tag) = (part(0), part(1), part(2), part(3));
    let (iv_len, tag_len) = (enc.iv_bytes, enc.tag_bytes);
    if iv.len() != iv_len {
        return Err(error::malformed(format!(
            "{} needs a {iv_len}-byte IV, got {}",
            enc.name,
            iv.len()
        )));
    }
    if tag.len() != tag_len {
        return Err(error::not_authentic(format!(
            "{} needs a {tag_len}-byte authentication tag, got {}",
            enc.name,
            tag.len()
        )));
    }
    if enc.is_cbc() {
        // CBC: whole blocks only (checked after the tag, so padding is never examined).
        if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
            return Err(error::not_authentic("decryption failed"));
        }
    }
    match alg.need {
        KeyNeed::Direct | KeyNeed::Ecdh if matches!(alg.id, AlgId::Dir | AlgId::EcdhEs) => {
            if !encrypted_key.is_empty() {
                return Err(error::malformed(format!(
                    "{} uses no encrypted key, but the token carries {} bytes",
                    alg.name,
                    encrypted_key.len()
                )));
            }
        }
        KeyNeed::Aes(_)
            if matches!(
                alg.id,
                AlgId::A128GcmKw | AlgId::A192GcmKw | AlgId::A256GcmKw
            ) =>
        {
            if encrypted_key.len() != enc.key_bytes {
                return Err(error::not_authentic(format!(
                    "{} with {} needs a {}-byte encrypted key, got {}",
                    alg.name,
                    enc.name,
                    enc.key_bytes,
                    encrypted_key.len()
                )));
            }
            if header_bytes(header, "iv")?.len() != 12 {
                return Err(error::malformed(format!(
                    "{} needs a 12-byte header iv",
                    alg.name
                )));
            }
            if header_bytes(header, "tag")?.len() != 16 {
                return Err(error::not_authentic(format!(
                    "{} needs a 16-byte header tag",
                    alg.name
                )));
            }
        }
        KeyNeed::Aes(_) | KeyNeed::Ecdh | KeyNeed::Password => {
            // AES key wrap (RFC 3394): the CEK plus an 8-byte integrity block.
            let wrapped = enc.key_bytes + 8;
            if encrypted_key.len() != wrapped {
                return Err(error::not_authentic(format!(
                    "{} with {} needs a {wrapped}-byte wrapped key, got {}",
                    alg.name,
                    enc.name,
                    encrypted_key.len()
                )));
            }
        }
        _ => {
            if encrypted_key.is_empty() {
                return Err(error::not_authentic(format!(
                    "{} needs an encrypted key, the token has none",
                    alg.name
                )));
            }
        }
    }
    if alg.need == KeyNeed::Ecdh {
        match header.member("epk") {
            Some(Value::Object(epk))
                if epk.member("kty").and_then(Value::as_str).is_some()
                    && epk.member("crv").and_then(Value::as_str).is_some() => {}
            _ => {
                return Err(error::malformed(format!(
                    "{} needs an \"epk\" header holding a public JWK",
                    alg.name
                )));
            }
        }
    }
    if alg.need == KeyNeed::Password {
        let p2c = header.member("p2c").and_then(Value::as_u64).unwrap_or(0);
        if p2c == 0 {
            return Err(error::malformed("PBES2 needs a positive integer \"p2c\""));
        }
        if p2c > max_p2c {
            return Err(error::not_authentic(format!(
                "PBES2 p2c {p2c} is over the limit of {max_p2c} (raise it with --max-p2c)"
            )));
        }
        if header_bytes(header, "p2s")?.len() < 8 {
            return Err(error::malformed("PBES2 \"p2s\" must hold at least 8 bytes"));
        }
    }
    Ok((alg, enc))
}

/// DEF (raw DEFLATE, RFC 1951) with a cap on the inflated size, replacing josekit's
/// unbounded one. A payload over the cap sets `over` (josekit turns the error into text, so
/// the caller learns why from the flag, not from a message).
#[derive(Debug, Clone)]
pub struct CappedDeflate {
    pub max: usize,
    pub over: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl CappedDeflate {
    pub fn new(max: usize) -> CappedDeflate {
        CappedDeflate {
            max,
            over: Default::default(),
        }
    }

    /// Whether a payload went over the cap since this was made.
    pub fn went_over(&self) -> bool {
        self.over.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl josekit::jwe::JweCompression for CappedDeflate {
    fn name(&self) -> &str {
        "DEF"
    }

    fn compress(&self, message: &[u8]) -> std::io::Result<Vec<u8>> {
        use std::io::Write;
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(message)?;
        encoder.finish()
    }

    fn decompress(&self, message: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(message)
            .take(self.max as u64 + 1)
            .read_to_end(&mut out)?;
        if out.len() > self.max {
            self.over.store(true, std::sync::atomic::Ordering::Relaxed);
            return Err(std::io::Error::other(format!(
                "inflates to more than {} bytes",
                self.max
            )));
        }
        Ok(out)
    }

    fn box_clone(&self) -> Box<dyn josekit::jwe::JweCompression> {
        Box::new(self.clone())
    }
}
