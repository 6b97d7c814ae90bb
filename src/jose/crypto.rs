//! The bridge to josekit: a checked key and an algorithm name in, a signer, verifier,
//! encrypter or decrypter out. Every command that does cryptography goes through here.

use anyhow::Result;
use josekit::jwe::{self, JweDecrypter, JweEncrypter};
use josekit::jwk::Jwk;
use josekit::jws::{self, JwsSigner, JwsVerifier};

use crate::error;
use crate::jose::alg::{Alg, AlgId, Enc};
use crate::keys::{Key, Op};

/// The PBES2 iteration count `issue` writes (RFC 7518 §4.8.1.2 asks for at least 1000).
pub const ISSUE_P2C: usize = 100_000;

/// The JWK josekit gets: the key material only. `use`, `key_ops` and `alg` were already
/// enforced by [`Key::check`] (with messages of our own); asymmetric keys are reduced to the
/// half the operation needs.
fn material(key: &Key, op: Op) -> Result<Jwk> {
    let key = match op {
        Op::Verify | Op::Encrypt if !key.is_symmetric() => key.public_half()?,
        _ => key.clone(),
    };
    let mut map = key.jwk().as_ref().clone();
    for name in ["use", "key_ops", "alg", "kid"] {
        map.remove(name);
    }
    Ok(Jwk::from_map(map)?)
}

fn unusable(alg: &Alg, err: josekit::JoseError) -> anyhow::Error {
    error::runtime(format!(
        "the key cannot be used for {}: {}",
        alg.name,
        crate::keys::jose_reason(&err)
    ))
}

pub fn signer(alg: &Alg, key: &Key) -> Result<Box<dyn JwsSigner>> {
    key.check(alg, Op::Sign, None)?;
    let jwk = material(key, Op::Sign)?;
    let signer: Result<Box<dyn JwsSigner>, _> = match alg.id {
        AlgId::Hs256 => jws::HS256.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Hs384 => jws::HS384.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Hs512 => jws::HS512.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Rs256 => jws::RS256.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Rs384 => jws::RS384.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Rs512 => jws::RS512.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Ps256 => jws::PS256.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Ps384 => jws::PS384.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Ps512 => jws::PS512.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es256 => jws::ES256.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es384 => jws::ES384.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es512 => jws::ES512.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es256k => jws::ES256K.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::EdDsa => jws::EdDSA.signer_from_jwk(&jwk).map(|s| Box::new(s) as _),
        _ => {
            return Err(error::usage(format!(
                "{} is not a signature algorithm",
                alg.name
            )));
        }
    };
    signer.map_err(|e| unusable(alg, e))
}

pub fn verifier(alg: &Alg, key: &Key) -> Result<Box<dyn JwsVerifier>> {
    key.check(alg, Op::Verify, None)?;
    let jwk = material(key, Op::Verify)?;
    let verifier: Result<Box<dyn JwsVerifier>, _> = match alg.id {
        AlgId::Hs256 => jws::HS256.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Hs384 => jws::HS384.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Hs512 => jws::HS512.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Rs256 => jws::RS256.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Rs384 => jws::RS384.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Rs512 => jws::RS512.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Ps256 => jws::PS256.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Ps384 => jws::PS384.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Ps512 => jws::PS512.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es256 => jws::ES256.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es384 => jws::ES384.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es512 => jws::ES512.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        AlgId::Es256k => jws::ES256K
            .verifier_from_jwk(&jwk)
            .map(|s| Box::new(s) as _),
        AlgId::EdDsa => jws::EdDSA.verifier_from_jwk(&jwk).map(|s| Box::new(s) as _),
        _ => {
            return Err(error::usage(format!(
                "{} is not a signature algorithm",
                alg.name
            )));
        }
    };
    verifier.map_err(|e| unusable(alg, e))
}

// RSA1_5 is deprecated; callers allow it only where the contract says.
#[allow(deprecated)]
pub fn encrypter(alg: &Alg, enc: &Enc, key: &Key) -> Result<Box<dyn JweEncrypter>> {
    key.check(alg, Op::Encrypt, Some(enc))?;
    let jwk = material(key, Op::Encrypt)?;
    let encrypter: Result<Box<dyn JweEncrypter>, _> = match alg.id {
        AlgId::Dir => jwe::Dir.encrypter_from_jwk(&jwk).map(|e| Box::new(e) as _),
        AlgId::A128Kw => jwe::A128KW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::A192Kw => jwe::A192KW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::A256Kw => jwe::A256KW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::A128GcmKw => jwe::A128GCMKW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::A192GcmKw => jwe::A192GCMKW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::A256GcmKw => jwe::A256GCMKW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::EcdhEs => jwe::ECDH_ES
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::EcdhEsA128Kw => jwe::ECDH_ES_A128KW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::EcdhEsA192Kw => jwe::ECDH_ES_A192KW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::EcdhEsA256Kw => jwe::ECDH_ES_A256KW
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::RsaOaep => jwe::RSA_OAEP
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::RsaOaep256 => jwe::RSA_OAEP_256
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::RsaOaep384 => jwe::RSA_OAEP_384
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::RsaOaep512 => jwe::RSA_OAEP_512
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::Rsa1v15 => jwe::RSA1_5
            .encrypter_from_jwk(&jwk)
            .map(|e| Box::new(e) as _),
        AlgId::Pbes2Hs256A128Kw | AlgId::Pbes2Hs384A192Kw | AlgId::Pbes2Hs512A256Kw => {
            let pbes2 = match alg.id {
                AlgId::Pbes2Hs256A128Kw => jwe::PBES2_HS256_A128KW,
                AlgId::Pbes2Hs384A192Kw => jwe::PBES2_HS384_A192KW,
                _ => jwe::PBES2_HS512_A256KW,
            };
            pbes2.encrypter_from_jwk(&jwk).map(|mut e| {
                e.set_iter_count(ISSUE_P2C);
                e.set_salt_len(16);
                Box::new(e) as _
            })
        }
        _ => {
            return Err(error::usage(format!(
                "{} is not a key-management algorithm",
                alg.name
            )));
        }
    };
    encrypter.map_err(|e| unusable(alg, e))
}

#[allow(deprecated)]
pub fn decrypter(alg: &Alg, enc: Option<&Enc>, key: &Key) -> Result<Box<dyn JweDecrypter>> {
    key.check(alg, Op::Decrypt, enc)?;
    let jwk = material(key, Op::Decrypt)?;
    let decrypter: Result<Box<dyn JweDecrypter>, _> = match alg.id {
        AlgId::Dir => jwe::Dir.decrypter_from_jwk(&jwk).map(|d| Box::new(d) as _),
        AlgId::A128Kw => jwe::A128KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::A192Kw => jwe::A192KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::A256Kw => jwe::A256KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::A128GcmKw => jwe::A128GCMKW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::A192GcmKw => jwe::A192GCMKW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::A256GcmKw => jwe::A256GCMKW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::EcdhEs => jwe::ECDH_ES
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::EcdhEsA128Kw => jwe::ECDH_ES_A128KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::EcdhEsA192Kw => jwe::ECDH_ES_A192KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::EcdhEsA256Kw => jwe::ECDH_ES_A256KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::RsaOaep => jwe::RSA_OAEP
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::RsaOaep256 => jwe::RSA_OAEP_256
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::RsaOaep384 => jwe::RSA_OAEP_384
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::RsaOaep512 => jwe::RSA_OAEP_512
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::Rsa1v15 => jwe::RSA1_5
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::Pbes2Hs256A128Kw => jwe::PBES2_HS256_A128KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::Pbes2Hs384A192Kw => jwe::PBES2_HS384_A192KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        AlgId::Pbes2Hs512A256Kw => jwe::PBES2_HS512_A256KW
            .decrypter_from_jwk(&jwk)
            .map(|d| Box::new(d) as _),
        _ => {
            return Err(error::usage(format!(
                "{} is not a key-management algorithm",
                alg.name
            )));
        }
    };
    decrypter.map_err(|e| unusable(alg, e))
}

#[cfg(test)]
mod tests {
    //! josekit validates base64 members and PEM armour with `regex`: these pin the answers
    //! jwtctl relies on, so that a josekit or regex upgrade that changes them fails here.

    use josekit::jwk::Jwk;

    fn jwk_accepted(json: &str) -> bool {
        Jwk::from_bytes(json.as_bytes()).is_ok()
    }

    #[test]
    fn base64url_members_must_be_canonical() {
        assert!(jwk_accepted(r#"{"kty":"oct","k":"AAAA"}"#));
        assert!(jwk_accepted(r#"{"kty":"oct","k":"AAA"}"#));
        assert!(jwk_accepted(r#"{"kty":"oct","k":"AQ"}"#));
        assert!(jwk_accepted(r#"{"kty":"oct","k":"_-8"}"#));
        // Padding, the standard alphabet, a lone character and non-zero trailing bits.
        assert!(!jwk_accepted(r#"{"kty":"oct","k":"AA=="}"#));
        assert!(!jwk_accepted(r#"{"kty":"oct","k":"AA+A"}"#));
        assert!(!jwk_accepted(r#"{"kty":"oct","k":"AAAAA"}"#));
        assert!(!jwk_accepted(r#"{"kty":"oct","k":"AAB"}"#));
        assert!(!jwk_accepted(r#"{"kty":"oct","k":"AB"}"#));
        assert!(!jwk_accepted(r#"{"kty":"oct","k":"AAAA\n"}"#));
    }

    #[test]
    fn x5c_entries_must_be_standard_base64() {
        let with = |cert: &str| format!(r#"{{"kty":"oct","k":"AAAA","x5c":["{cert}"]}}"#);
        assert!(jwk_accepted(&with("MII+/w==")));
        assert!(jwk_accepted(&with("MIIB")));
        assert!(!jwk_accepted(&with("MII-_w==")));
        assert!(!jwk_accepted(&with("MII+/x==")));
        assert!(!jwk_accepted(&with("MII")));
    }

    #[test]
    fn pem_armour_is_checked() {
        let key = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap();
        let pem = String::from_utf8(
            openssl::pkey::PKey::from_ec_key(key)
                .unwrap()
                .private_key_to_pem_pkcs8()
                .unwrap(),
        )
        .unwrap();
        let accepted = |pem: &[u8]| josekit::jws::ES256.signer_from_pem(pem).is_ok();
        assert!(accepted(pem.as_bytes()));
        assert!(accepted(pem.replace('\n', "\r\n").as_bytes()));
        assert!(accepted(pem.trim_end().as_bytes()));
        let mismatched = pem.replace("END PRIVATE KEY", "END PUBLIC KEY");
        assert!(!accepted(mismatched.as_bytes()));
        assert!(!accepted(format!("junk\n{pem}").as_bytes()));
        assert!(!accepted(format!("{pem}junk").as_bytes()));
        let mut not_utf8 = pem.clone().into_bytes();
        not_utf8.push(0xff);
        assert!(!accepted(&not_utf8));
    }
}
