//! Verifying under keys below the strength floor, for `--allow-weak-key` only: an HS*
//! secret shorter than its hash (jwt.io's `your-256-bit-secret`) and RSA under 2048 bits.
//! josekit refuses both outright, so this goes to OpenSSL directly — its HMAC and its
//! RSASSA-PKCS1-v1_5 / RSASSA-PSS verifiers, no cryptography of our own.

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Signer, Verifier};
use serde_json::Value;

use crate::error;
use crate::jose::alg::{Alg, AlgId};
use crate::keys::Key;

fn digest(alg: &Alg) -> Option<MessageDigest> {
    Some(match alg.id {
        AlgId::Hs256 | AlgId::Rs256 | AlgId::Ps256 => MessageDigest::sha256(),
        AlgId::Hs384 | AlgId::Rs384 | AlgId::Ps384 => MessageDigest::sha384(),
        AlgId::Hs512 | AlgId::Rs512 | AlgId::Ps512 => MessageDigest::sha512(),
        _ => return None,
    })
}

fn crypto_error(alg: &Alg, err: openssl::error::ErrorStack) -> anyhow::Error {
    error::runtime(format!(
        "the weak key cannot be used for {}: {}",
        alg.name,
        err.errors()
            .first()
            .and_then(|e| e.reason())
            .unwrap_or("OpenSSL refused it")
    ))
}

fn member(key: &Key, name: &str) -> Result<BigNum> {
    let bytes = match key.jwk.parameter(name) {
        Some(Value::String(s)) => URL_SAFE_NO_PAD.decode(s).ok(),
        _ => None,
    }
    .ok_or_else(|| error::runtime(format!("the RSA key's \"{name}\" is not base64url")))?;
    BigNum::from_slice(&bytes).map_err(|_| error::runtime("the RSA key cannot be read"))
}

/// Whether `signature` is `alg`'s signature of `input` under a weak `key`.
pub fn verify(alg: &Alg, key: &Key, input: &[u8], signature: &[u8]) -> Result<bool> {
    let md = digest(alg).ok_or_else(|| {
        error::runtime(format!(
            "--allow-weak-key covers HS* and RS*/PS* keys only, not {}",
            alg.name
        ))
    })?;
    let fail = |e| crypto_error(alg, e);
    match alg.id {
        AlgId::Hs256 | AlgId::Hs384 | AlgId::Hs512 => {
            let secret = key
                .secret()
                .ok_or_else(|| error::runtime(format!("{} needs a secret", alg.name)))?;
            let pkey = PKey::hmac(&secret).map_err(fail)?;
            let mut signer = Signer::new(md, &pkey).map_err(fail)?;
            let mac = signer.sign_oneshot_to_vec(input).map_err(fail)?;
            Ok(mac.len() == signature.len() && openssl::memcmp::eq(&mac, signature))
        }
        _ => {
            let rsa =
                Rsa::from_public_components(member(key, "n")?, member(key, "e")?).map_err(fail)?;
            let pkey = PKey::from_rsa(rsa).map_err(fail)?;
            let mut verifier = Verifier::new(md, &pkey).map_err(fail)?;
            if matches!(alg.id, AlgId::Ps256 | AlgId::Ps384 | AlgId::Ps512) {
                // RFC 7518 §3.5: MGF1 with the same hash, a salt as long as the hash.
                verifier.set_rsa_padding(Padding::PKCS1_PSS).map_err(fail)?;
                verifier.set_rsa_mgf1_md(md).map_err(fail)?;
                verifier
                    .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                    .map_err(fail)?;
            } else {
                verifier.set_rsa_padding(Padding::PKCS1).map_err(fail)?;
            }
            // A malformed signature is a signature that does not verify, not an error.
            Ok(verifier.verify_oneshot(signature, input).unwrap_or(false))
        }
    }
}
