//! Making new keys: the one generator behind `jwtctl keygen` and `serve --ephemeral-key`,
//! so both make the same key for the same algorithm.

use anyhow::Result;
use josekit::jwk::Jwk;
use josekit::jwk::alg::{ec::EcCurve, ecx::EcxCurve, ed::EdCurve};

use crate::error;
use crate::jose::alg::{self, Alg, Curve, KeyNeed};
use crate::keys::Key;

/// What to generate: a key type with its size or curve.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    Secret { bytes: usize },
    Rsa { bits: u32 },
    Curve(Curve),
}

/// The key `alg` gets when no size or curve is named (`enc` sizes a `dir` key).
pub fn default_kind(alg: &Alg, enc: &str) -> Result<Kind> {
    Ok(match alg.need {
        KeyNeed::Hmac(bytes) | KeyNeed::Aes(bytes) => Kind::Secret { bytes },
        KeyNeed::Direct => Kind::Secret {
            bytes: alg::find_enc(enc)
                .ok_or_else(|| error::usage(format!("unknown enc {enc}")))?
                .key_bytes,
        },
        KeyNeed::Password => Kind::Secret { bytes: 32 },
        KeyNeed::Rsa => Kind::Rsa { bits: 2048 },
        KeyNeed::Ec(crv) => Kind::Curve(crv),
        KeyNeed::Ed => Kind::Curve(Curve::Ed25519),
        KeyNeed::Ecdh => Kind::Curve(Curve::P256),
    })
}

/// A fresh key of this kind, as a JWK with no `alg`, `use` or `kid` yet.
pub fn generate(kind: &Kind) -> Result<Jwk> {
    Ok(match kind {
        Kind::Secret { bytes } => {
            let mut secret = vec![0u8; *bytes];
            openssl::rand::rand_bytes(&mut secret)?;
            let mut jwk = Jwk::new("oct");
            jwk.set_key_value(&secret);
            jwk
        }
        Kind::Rsa { bits } => Jwk::generate_rsa_key(*bits)?,
        Kind::Curve(crv) => match crv {
            Curve::P256 => Jwk::generate_ec_key(EcCurve::P256)?,
            Curve::P384 => Jwk::generate_ec_key(EcCurve::P384)?,
            Curve::P521 => Jwk::generate_ec_key(EcCurve::P521)?,
            Curve::Secp256k1 => Jwk::generate_ec_key(EcCurve::Secp256k1)?,
            Curve::Ed25519 => Jwk::generate_ed_key(EdCurve::Ed25519)?,
            Curve::Ed448 => Jwk::generate_ed_key(EdCurve::Ed448)?,
            Curve::X25519 => Jwk::generate_ecx_key(EcxCurve::X25519)?,
            Curve::X448 => Jwk::generate_ecx_key(EcxCurve::X448)?,
        },
    })
}

/// A fresh key for `alg`, held only in memory: its default kind, `alg` set, the JWK
/// thumbprint as `kid`.
pub fn ephemeral(alg: &Alg, enc: &str) -> Result<Key> {
    let mut jwk = generate(&default_kind(alg, enc)?)?;
    jwk.set_algorithm(alg.name);
    jwk.set_key_id(crate::keys::convert::thumbprint(&jwk)?);
    Key::from_jwk(jwk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_gets_a_key_that_fits_it() {
        for name in [
            "HS256", "HS512", "RS256", "ES384", "ES256K", "EdDSA", "A128KW", "dir",
        ] {
            let alg = alg::find(name).unwrap();
            let key = ephemeral(alg, "A128CBC-HS256").unwrap();
            assert_eq!(key.alg(), Some(name));
            assert!(key.kid().is_some());
        }
        let dir = alg::find("dir").unwrap();
        assert_eq!(
            default_kind(dir, "A128CBC-HS256").unwrap(),
            Kind::Secret { bytes: 32 }
        );
        assert_eq!(
            default_kind(dir, "A999").unwrap_err().to_string(),
            "unknown enc A999"
        );
    }
}
