//! Private JWKs under a password: a compact PBES2 JWE wrapping the JWK, as
//! `keygen --protect` (and `step`) write it.

use anyhow::Result;
use serde_json::Value;

use super::recognise::from_json;
use super::{Key, KeySet, LoadOptions, read_password};
use crate::error;
use crate::jose::token;

/// The PBES2 iteration count `keygen --protect` writes (OWASP's PBKDF2-HMAC-SHA512 figure).
pub const PROTECT_P2C: usize = 210_000;
/// The highest PBES2 iteration count accepted when unlocking a protected key.
const MAX_PROTECT_P2C: u64 = 1_000_000;
/// The media type of a password-protected JWK (as `step` writes it).
pub const PROTECTED_CTY: &str = "jwk+json";

/// A compact PBES2 JWE wrapping a JWK, as `keygen --protect` (and `step`) writes it.
pub(super) fn protected_jwk(text: &str, opts: &LoadOptions) -> Result<Option<KeySet>> {
    if !text.starts_with("eyJ") || text.split('.').count() != 5 {
        return Ok(None);
    }
    let Ok(compact) = token::parse(text, token::DEFAULT_MAX_TOKEN_BYTES) else {
        return Ok(None);
    };
    let alg = compact.alg().unwrap_or("");
    if !alg.starts_with("PBES2-") {
        return Ok(None);
    }
    let p2c = compact
        .header
        .get("p2c")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if p2c > MAX_PROTECT_P2C {
        return Err(error::runtime(format!(
            "the protected key asks for {p2c} PBES2 iterations, over the limit of {MAX_PROTECT_P2C}"
        )));
    }
    let password = read_password(opts, "Password for the protected key: ")?;
    let decrypter = match alg {
        "PBES2-HS256+A128KW" => josekit::jwe::PBES2_HS256_A128KW.decrypter_from_bytes(&password),
        "PBES2-HS384+A192KW" => josekit::jwe::PBES2_HS384_A192KW.decrypter_from_bytes(&password),
        "PBES2-HS512+A256KW" => josekit::jwe::PBES2_HS512_A256KW.decrypter_from_bytes(&password),
        other => return Err(error::runtime(format!("unsupported protection {other}"))),
    }?;
    let (plain, _) = josekit::jwe::deserialize_compact(text, &decrypter).map_err(|_| {
        error::runtime("cannot unlock the protected key: wrong password or damaged file")
    })?;
    let plain = String::from_utf8(plain)
        .map_err(|_| error::runtime("the protected key does not hold a JWK"))?;
    from_json(plain.trim()).map(Some)
}

/// Wraps a private JWK under a password as a compact PBES2-HS512+A256KW / A256GCM JWE.
pub fn protect(key: &Key, password: &[u8]) -> Result<String> {
    let mut encrypter = josekit::jwe::PBES2_HS512_A256KW.encrypter_from_bytes(password)?;
    encrypter.set_iter_count(PROTECT_P2C);
    encrypter.set_salt_len(16);
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_content_type(PROTECTED_CTY);
    if let Some(kid) = key.kid() {
        header.set_key_id(kid);
    }
    let payload = serde_json::to_vec(key.jwk().as_ref())?;
    Ok(josekit::jwe::serialize_compact(
        &payload, &header, &encrypter,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretEncoding;
    use crate::keys::recognise::recognise;
    use josekit::jwk::Jwk;

    #[test]
    fn protected_keys_unlock_with_the_right_password_only() {
        let dir = tempfile::tempdir().unwrap();
        let key =
            Key::from_jwk(Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P256).unwrap())
                .unwrap();
        let locked = protect(&key, b"hunter22").unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "hunter22\n").unwrap();
        let opts = LoadOptions {
            secret_encoding: Some(SecretEncoding::Raw),
            password_file: Some(pw.clone()),
            ..LoadOptions::default()
        };
        let back = recognise(locked.as_bytes(), &opts).unwrap().keys.remove(0);
        assert_eq!(back.thumbprint().unwrap(), key.thumbprint().unwrap());
        std::fs::write(&pw, "wrong").unwrap();
        let err = recognise(locked.as_bytes(), &opts).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot unlock the protected key: wrong password or damaged file"
        );
    }
}
