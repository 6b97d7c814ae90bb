//! Verifying and decrypting under keys below the strength floor, for `--allow-weak-key`
//! only: an HS* secret shorter than its hash (jwt.io's `your-256-bit-secret`) and RSA under
//! 2048 bits. josekit refuses both outright, so signatures are checked by the prepared
//! path's own HMAC (RustCrypto) and OpenSSL RSA context (`prepared::verify_weak`), built
//! for the one key without the floor, and an RSA-OAEP* content key is unwrapped by
//! OpenSSL's RSAES-OAEP — no cryptography of our own. For a JWE only the key unwrap is ours to hand over: josekit
//! still reads the token and decrypts the content with the key it gets back.

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use std::borrow::Cow;

use josekit::JoseError;
use josekit::jwe::alg::rsaes::RsaesJweAlgorithm;
use josekit::jwe::{JweAlgorithm, JweContentEncryption, JweDecrypter, JweHeader};
use openssl::encrypt::Decrypter;
use openssl::pkey::{PKey, Private};
use openssl::rsa::{Padding, Rsa};

use serde_json::Value;

use crate::error;
use crate::jose::alg::{Alg, AlgId};
use crate::jose::prepared;
use crate::keys::Key;

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
    let bytes = match key.jwk().parameter(name) {
        Some(Value::String(s)) => URL_SAFE_NO_PAD.decode(s).ok(),
        _ => None,
    }
    .ok_or_else(|| error::runtime(format!("the RSA key's \"{name}\" is not base64url")))?;
    BigNum::from_slice(&bytes).map_err(|_| error::runtime("the RSA key cannot be read"))
}

/// Whether `signature` is `alg`'s signature of `input` under a weak `key`: the prepared
/// path's own HMAC or OpenSSL RSA context, built for this key without the strength floor.
pub fn verify(alg: &Alg, key: &Key, input: &[u8], signature: &[u8]) -> Result<bool> {
    let fail = |e| crypto_error(alg, e);
    match alg.id {
        AlgId::Hs256 | AlgId::Hs384 | AlgId::Hs512 => {
            let secret = key
                .secret()
                .ok_or_else(|| error::runtime(format!("{} needs a secret", alg.name)))?;
            prepared::verify_weak(alg, Some(&secret), None, input, signature).map_err(fail)
        }
        AlgId::Rs256 | AlgId::Rs384 | AlgId::Rs512 | AlgId::Ps256 | AlgId::Ps384 | AlgId::Ps512 => {
            let rsa =
                Rsa::from_public_components(member(key, "n")?, member(key, "e")?).map_err(fail)?;
            let pkey = PKey::from_rsa(rsa).map_err(fail)?;
            prepared::verify_weak(alg, None, Some(&pkey), input, signature).map_err(fail)
        }
        _ => Err(error::runtime(format!(
            "--allow-weak-key covers HS* and RS*/PS* keys only, not {}",
            alg.name
        ))),
    }
}

/// An RSA-OAEP key unwrap under a private key josekit will not take (under 2048 bits).
#[derive(Clone)]
struct WeakRsaOaep {
    algorithm: RsaesJweAlgorithm,
    md: MessageDigest,
    key: PKey<Private>,
}

/// A josekit decrypter for `alg` (RSA-OAEP, -256, -384, -512) under a weak RSA `key`.
pub fn decrypter(alg: &Alg, key: &Key) -> Result<Box<dyn JweDecrypter>> {
    let (algorithm, md) = match alg.id {
        AlgId::RsaOaep => (josekit::jwe::RSA_OAEP, MessageDigest::sha1()),
        AlgId::RsaOaep256 => (josekit::jwe::RSA_OAEP_256, MessageDigest::sha256()),
        AlgId::RsaOaep384 => (josekit::jwe::RSA_OAEP_384, MessageDigest::sha384()),
        AlgId::RsaOaep512 => (josekit::jwe::RSA_OAEP_512, MessageDigest::sha512()),
        _ => {
            return Err(error::runtime(format!(
                "--allow-weak-key decrypts RSA-OAEP* with a weak key, not {}",
                alg.name
            )));
        }
    };
    let key = crate::keys::convert::jwk_to_private(key.jwk())?;
    Ok(Box::new(WeakRsaOaep { algorithm, md, key }))
}

// josekit's trait asks for Debug; the key is never shown.
impl std::fmt::Debug for WeakRsaOaep {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("WeakRsaOaep")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl JweDecrypter for WeakRsaOaep {
    fn algorithm(&self) -> &dyn JweAlgorithm {
        &self.algorithm
    }

    fn key_id(&self) -> Option<&str> {
        None
    }

    fn decrypt(
        &self,
        encrypted_key: Option<&[u8]>,
        _content: &dyn JweContentEncryption,
        _header: &JweHeader,
    ) -> Result<Cow<'_, [u8]>, JoseError> {
        let unwrap = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
            let input = encrypted_key.unwrap_or_default();
            // RFC 7518 §4.3: OAEP with MGF1, both on the algorithm's hash (SHA-1 for RSA-OAEP).
            let mut decrypter = Decrypter::new(&self.key)?;
            decrypter.set_rsa_padding(Padding::PKCS1_OAEP)?;
            decrypter.set_rsa_oaep_md(self.md)?;
            decrypter.set_rsa_mgf1_md(self.md)?;
            let mut output = vec![0; decrypter.decrypt_len(input)?];
            let len = decrypter.decrypt(input, &mut output)?;
            output.truncate(len);
            Ok(output)
        };
        unwrap()
            .map(Cow::Owned)
            .map_err(|e| JoseError::InvalidJweFormat(e.into()))
    }

    fn box_clone(&self) -> Box<dyn JweDecrypter> {
        Box::new(self.clone())
    }
}
