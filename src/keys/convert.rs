//! Conversions between JWKs and OpenSSL keys (PEM/DER), and the RFC 7638 thumbprint.
//!
//! JWK is jwtctl's one in-memory key form: a PEM or DER key is turned into a JWK on load,
//! and a JWK into an OpenSSL key only to write standard PEM (PKCS#8 / SPKI) — josekit's
//! own PEM writers emit SEC1 for EC and a non-standard label for Ed25519.

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use openssl::bn::{BigNum, BigNumContext, BigNumRef};
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::nid::Nid;
use openssl::pkey::{HasPublic, Id, PKey, Private, Public};
use openssl::rsa::{Rsa, RsaPrivateKeyBuilder};
use serde_json::{Map, Value};

use crate::jose::alg::Curve;

fn b64(bytes: &[u8]) -> Value {
    Value::String(URL_SAFE_NO_PAD.encode(bytes))
}

/// A JWK member decoded from base64url.
fn member(jwk: &Jwk, name: &str) -> Result<Vec<u8>> {
    match jwk.parameter(name) {
        Some(Value::String(s)) => URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| anyhow!("JWK member \"{name}\" is not base64url")),
        Some(_) => bail!("JWK member \"{name}\" is not a string"),
        None => bail!("JWK has no \"{name}\""),
    }
}

fn bn(jwk: &Jwk, name: &str) -> Result<BigNum> {
    Ok(BigNum::from_slice(&member(jwk, name)?)?)
}

/// OpenSSL's name for a Weierstrass curve, and back.
const EC_NIDS: [(Curve, Nid); 4] = [
    (Curve::P256, Nid::X9_62_PRIME256V1),
    (Curve::P384, Nid::SECP384R1),
    (Curve::P521, Nid::SECP521R1),
    (Curve::Secp256k1, Nid::SECP256K1),
];

/// OpenSSL's key id for an RFC 8037 curve, and back.
const OKP_IDS: [(Curve, Id); 4] = [
    (Curve::Ed25519, Id::ED25519),
    (Curve::Ed448, Id::ED448),
    (Curve::X25519, Id::X25519),
    (Curve::X448, Id::X448),
];

fn curve_nid(crv: &str) -> Option<Nid> {
    let crv = Curve::find(crv)?;
    EC_NIDS.iter().find(|(c, _)| *c == crv).map(|(_, nid)| *nid)
}

fn curve_name(nid: Nid) -> Option<&'static str> {
    EC_NIDS
        .iter()
        .find(|(_, n)| *n == nid)
        .map(|(c, _)| c.name())
}

fn okp_id(crv: &str) -> Option<Id> {
    let crv = Curve::find(crv)?;
    OKP_IDS.iter().find(|(c, _)| *c == crv).map(|(_, id)| *id)
}

fn okp_curve(id: Id) -> Option<&'static str> {
    OKP_IDS
        .iter()
        .find(|(_, i)| *i == id)
        .map(|(c, _)| c.name())
}

/// Refuses an RSA public exponent that is even or below 3: no such key is valid, and with
/// e = 1 every "signature" verifies (Wycheproof's rejectsPublicExponent1).
fn check_rsa_exponent(e: &BigNumRef) -> Result<()> {
    let three = BigNum::from_u32(3)?;
    if e.ucmp(&three) == std::cmp::Ordering::Less || !e.is_bit_set(0) {
        bail!(
            "the RSA public exponent {} is refused: it must be odd and at least 3",
            e.to_dec_str().map_or_else(
                |_| "?".to_string(),
                |d| {
                    let d = d.to_string();
                    if d.len() > 20 {
                        format!("{}…", &d[..20])
                    } else {
                        d
                    }
                }
            )
        );
    }
    Ok(())
}

/// OpenSSL refuses any RSA operation on a larger modulus (`OPENSSL_RSA_MAX_MODULUS_BITS`):
/// such a key is refused on load, before any arithmetic on it.
const MAX_RSA_MODULUS_BITS: i32 = 16384;

fn check_rsa_modulus(n: &BigNumRef) -> Result<()> {
    if n.num_bits() > MAX_RSA_MODULUS_BITS {
        bail!(
            "the RSA modulus has {} bits: keys over {MAX_RSA_MODULUS_BITS} bits are refused",
            n.num_bits()
        );
    }
    Ok(())
}

/// Refuses an RSA private key whose members disagree, or whose private operation its public
/// key does not undo. Cheap where OpenSSL's `RSA_check_key` is not: that one also proves p
/// and q prime, 30 ms for a 2048-bit key and 20 s for a 16384-bit one, paid by every command
/// that loads the key. Without the primality test, the arithmetic below pins every CRT
/// member to n, e and d, and one private operation undone by the public one (a pairwise
/// test, as OpenSSL's FIPS provider makes) refuses a key whose factors are not prime: with
/// them the private operation gives a wrong answer.
fn check_rsa_private(rsa: &Rsa<Private>) -> Result<()> {
    let consistent = (|| -> Result<bool, openssl::error::ErrorStack> {
        let mut ctx = BigNumContext::new()?;
        let one = BigNum::from_u32(1)?;
        // A private exponent is below n; a longer one would only make the private
        // operation below as slow as its length (a 1 MB d: minutes).
        if rsa.d().ucmp(rsa.n()) != std::cmp::Ordering::Less {
            return Ok(false);
        }
        if let (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) =
            (rsa.p(), rsa.q(), rsa.dmp1(), rsa.dmq1(), rsa.iqmp())
        {
            if p.ucmp(&one) != std::cmp::Ordering::Greater
                || q.ucmp(&one) != std::cmp::Ordering::Greater
            {
                return Ok(false);
            }
            let mut product = BigNum::new()?;
            product.checked_mul(p, q, &mut ctx)?;
            if product != *rsa.n() {
                return Ok(false);
            }
            // For each factor f: d_f = d mod (f - 1) and e * d_f = 1 mod (f - 1).
            for (f, d_f) in [(p, dp), (q, dq)] {
                let mut f1 = f.to_owned()?;
                f1.sub_word(1)?;
                let (mut reduced, mut ed) = (BigNum::new()?, BigNum::new()?);
                reduced.nnmod(rsa.d(), &f1, &mut ctx)?;
                ed.mod_mul(rsa.e(), d_f, &f1, &mut ctx)?;
                if reduced != *d_f || ed != one {
                    return Ok(false);
                }
            }
            // qi = q^-1 mod p.
            let mut check = BigNum::new()?;
            check.mod_mul(q, qi, p, &mut ctx)?;
            if check != one || qi.ucmp(p) != std::cmp::Ordering::Less {
                return Ok(false);
            }
        }
        // x^d^e = x for one x below n (a leading zero byte keeps it below n): the raw
        // private and public operations, so no padding sets a floor on the key size.
        let size = rsa.size() as usize;
        let x: Vec<u8> = (0..size)
            .map(|i| if i == 0 { 0 } else { i as u8 | 1 })
            .collect();
        let (mut signed, mut back) = (vec![0; size], vec![0; size]);
        rsa.private_encrypt(&x, &mut signed, openssl::rsa::Padding::NONE)?;
        let public = Rsa::from_public_components(rsa.n().to_owned()?, rsa.e().to_owned()?)?;
        public.public_decrypt(&signed, &mut back, openssl::rsa::Padding::NONE)?;
        Ok(back == x)
    })();
    if !consistent.unwrap_or(false) {
        bail!("the RSA private key is inconsistent");
    }
    Ok(())
}

/// The public members of an OpenSSL key as JWK members.
fn public_members<T: HasPublic>(pkey: &PKey<T>) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    match pkey.id() {
        Id::RSA => {
            let rsa = pkey.rsa()?;
            check_rsa_exponent(rsa.e())?;
            check_rsa_modulus(rsa.n())?;
            map.insert("kty".into(), "RSA".into());
            map.insert("n".into(), b64(&rsa.n().to_vec()));
            map.insert("e".into(), b64(&rsa.e().to_vec()));
        }
        Id::EC => {
            let ec = pkey.ec_key()?;
            let group = ec.group();
            let nid = group.curve_name().unwrap_or(Nid::UNDEF);
            let crv = curve_name(nid).ok_or_else(|| anyhow!("unsupported EC curve"))?;
            let width = (group.degree() as usize).div_ceil(8);
            let (mut x, mut y) = (BigNum::new()?, BigNum::new()?);
            let mut ctx = BigNumContext::new()?;
            ec.public_key()
                .affine_coordinates(group, &mut x, &mut y, &mut ctx)?;
            map.insert("kty".into(), "EC".into());
            map.insert("crv".into(), crv.into());
            map.insert("x".into(), b64(&x.to_vec_padded(width as i32)?));
            map.insert("y".into(), b64(&y.to_vec_padded(width as i32)?));
        }
        id => {
            let crv = okp_curve(id).ok_or_else(|| anyhow!("unsupported key type"))?;
            map.insert("kty".into(), "OKP".into());
            map.insert("crv".into(), crv.into());
            map.insert("x".into(), b64(&pkey.raw_public_key()?));
        }
    }
    Ok(map)
}

fn opt_b64(value: Option<&BigNumRef>) -> Option<Value> {
    value.map(|v| b64(&v.to_vec()))
}

/// An OpenSSL private key as a private JWK.
pub fn private_to_jwk(pkey: &PKey<Private>) -> Result<Jwk> {
    let mut map = public_members(pkey)?;
    match pkey.id() {
        Id::RSA => {
            let rsa = pkey.rsa()?;
            map.insert("d".into(), b64(&rsa.d().to_vec()));
            let crt = [
                ("p", rsa.p()),
                ("q", rsa.q()),
                ("dp", rsa.dmp1()),
                ("dq", rsa.dmq1()),
                ("qi", rsa.iqmp()),
            ];
            for (name, value) in crt {
                if let Some(v) = opt_b64(value) {
                    map.insert(name.into(), v);
                }
            }
        }
        Id::EC => {
            let ec = pkey.ec_key()?;
            let width = (ec.group().order_bits() as usize).div_ceil(8);
            map.insert(
                "d".into(),
                b64(&ec.private_key().to_vec_padded(width as i32)?),
            );
        }
        _ => {
            map.insert("d".into(), b64(&pkey.raw_private_key()?));
        }
    }
    Ok(Jwk::from_map(map)?)
}

/// An OpenSSL public key as a public JWK.
pub fn public_to_jwk<T: HasPublic>(pkey: &PKey<T>) -> Result<Jwk> {
    Ok(Jwk::from_map(public_members(pkey)?)?)
}

fn crv_of(jwk: &Jwk) -> Result<&str> {
    jwk.curve().ok_or_else(|| anyhow!("JWK has no \"crv\""))
}

/// The public key of an asymmetric JWK as an OpenSSL key; this also checks the key material.
pub fn jwk_to_public(jwk: &Jwk) -> Result<PKey<Public>> {
    match jwk.key_type() {
        "RSA" => {
            let (n, e) = (bn(jwk, "n")?, bn(jwk, "e")?);
            check_rsa_exponent(&e)?;
            check_rsa_modulus(&n)?;
            Ok(PKey::from_rsa(Rsa::from_public_components(n, e)?)?)
        }
        "EC" => {
            let crv = crv_of(jwk)?;
            let nid = curve_nid(crv).ok_or_else(|| anyhow!("unsupported EC curve {crv}"))?;
            let group = EcGroup::from_curve_name(nid)?;
            let (x, y) = (bn(jwk, "x")?, bn(jwk, "y")?);
            let ec = EcKey::from_public_key_affine_coordinates(&group, &x, &y)
                .context("the EC point is not on the curve")?;
            ec.check_key().context("the EC point is not on the curve")?;
            Ok(PKey::from_ec_key(ec)?)
        }
        "OKP" => {
            let crv = crv_of(jwk)?;
            let id = okp_id(crv).ok_or_else(|| anyhow!("unsupported OKP curve {crv}"))?;
            Ok(PKey::public_key_from_raw_bytes(&member(jwk, "x")?, id)?)
        }
        other => bail!("a \"{other}\" key has no public key"),
    }
}

/// The private key of an asymmetric JWK as an OpenSSL key; this also checks the key material.
pub fn jwk_to_private(jwk: &Jwk) -> Result<PKey<Private>> {
    match jwk.key_type() {
        "RSA" => {
            let (n, e, d) = (bn(jwk, "n")?, bn(jwk, "e")?, bn(jwk, "d")?);
            check_rsa_exponent(&e)?;
            check_rsa_modulus(&n)?;
            let rsa = if jwk.parameter("p").is_some() {
                Rsa::from_private_components(
                    n,
                    e,
                    d,
                    bn(jwk, "p")?,
                    bn(jwk, "q")?,
                    bn(jwk, "dp")?,
                    bn(jwk, "dq")?,
                    bn(jwk, "qi")?,
                )?
            } else {
                RsaPrivateKeyBuilder::new(n, e, d)?.build()
            };
            check_rsa_private(&rsa)?;
            Ok(PKey::from_rsa(rsa)?)
        }
        "EC" => {
            let crv = crv_of(jwk)?;
            let nid = curve_nid(crv).ok_or_else(|| anyhow!("unsupported EC curve {crv}"))?;
            let group = EcGroup::from_curve_name(nid)?;
            let public = jwk_to_public(jwk)?.ec_key()?;
            let point: EcPoint = public.public_key().to_owned(&group)?;
            let d = bn(jwk, "d")?;
            let ec = EcKey::from_private_components(&group, &d, &point)?;
            ec.check_key()
                .context("the EC private key does not match its public point")?;
            Ok(PKey::from_ec_key(ec)?)
        }
        "OKP" => {
            let crv = crv_of(jwk)?;
            let id = okp_id(crv).ok_or_else(|| anyhow!("unsupported OKP curve {crv}"))?;
            let pkey = PKey::private_key_from_raw_bytes(&member(jwk, "d")?, id)?;
            if pkey.raw_public_key()? != member(jwk, "x")? {
                bail!("the OKP private key does not match its public key \"x\"");
            }
            Ok(pkey)
        }
        other => bail!("a \"{other}\" key cannot be written as PEM"),
    }
}

/// The members RFC 7638 §3.2 hashes for each key type, in lexicographic order.
fn thumbprint_members(kty: &str) -> Option<&'static [&'static str]> {
    Some(match kty {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "oct" => &["k", "kty"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    })
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url).
pub fn thumbprint(jwk: &Jwk) -> Result<String> {
    let names = thumbprint_members(jwk.key_type())
        .ok_or_else(|| anyhow!("no thumbprint for key type {}", jwk.key_type()))?;
    let mut json = String::from("{");
    for (i, name) in names.iter().enumerate() {
        let value = match jwk.parameter(name) {
            Some(Value::String(s)) => s,
            _ => bail!("JWK has no \"{name}\""),
        };
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(name)?);
        json.push(':');
        json.push_str(&serde_json::to_string(value)?);
    }
    json.push('}');
    Ok(URL_SAFE_NO_PAD.encode(openssl::sha::sha256(json.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7638 §3.1's example key and its published thumbprint.
    #[test]
    fn rfc7638_example_thumbprint() {
        let jwk = Jwk::from_bytes(
            br#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
        )
        .unwrap();
        assert_eq!(
            thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn ec_and_okp_keys_round_trip_through_openssl() {
        for jwk in [
            Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P521).unwrap(),
            Jwk::generate_ed_key(josekit::jwk::alg::ed::EdCurve::Ed25519).unwrap(),
            Jwk::generate_ecx_key(josekit::jwk::alg::ecx::EcxCurve::X448).unwrap(),
        ] {
            let pkey = jwk_to_private(&jwk).unwrap();
            let back = private_to_jwk(&pkey).unwrap();
            for name in ["x", "y", "d", "crv"] {
                assert_eq!(jwk.parameter(name), back.parameter(name), "{name}");
            }
            assert_eq!(thumbprint(&jwk).unwrap(), thumbprint(&back).unwrap());
        }
    }

    fn rsa_jwk(rsa: &Rsa<Private>) -> Jwk {
        private_to_jwk(&PKey::from_rsa(rsa.clone()).unwrap()).unwrap()
    }

    fn refusal(jwk: &Jwk) -> String {
        jwk_to_private(jwk).map(|_| ()).unwrap_err().to_string()
    }

    #[test]
    fn an_rsa_key_whose_members_disagree_is_refused() {
        // Too small to use, but consistent: refused where it is used, for its size.
        jwk_to_private(&rsa_jwk(&Rsa::generate(512).unwrap())).unwrap();
        let jwk = rsa_jwk(&Rsa::generate(2048).unwrap());
        jwk_to_private(&jwk).unwrap();
        for name in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
            let mut bad = jwk.clone();
            let mut bytes = member(&jwk, name).unwrap();
            *bytes.last_mut().unwrap() ^= 2;
            bad.set_parameter(name, Some(b64(&bytes))).unwrap();
            assert_eq!(
                refusal(&bad),
                "the RSA private key is inconsistent",
                "{name} changed"
            );
        }
        // Without the CRT members, d is held to n and e by the signature alone.
        let mut bare = jwk.clone();
        for name in ["p", "q", "dp", "dq", "qi"] {
            bare.set_parameter(name, None).unwrap();
        }
        jwk_to_private(&bare).unwrap();
        // A d longer than n is refused (before any private operation: a long d makes one slow).
        let mut long = bare.clone();
        long.set_parameter("d", Some(b64(&vec![0xff; 1 << 16])))
            .unwrap();
        assert_eq!(refusal(&long), "the RSA private key is inconsistent");
        let mut d = member(&bare, "d").unwrap();
        d[0] ^= 1;
        bare.set_parameter("d", Some(b64(&d))).unwrap();
        assert_eq!(refusal(&bare), "the RSA private key is inconsistent");
    }

    /// Members that agree with each other, but p is no prime: every CRT equation holds
    /// (d_f and qi are computed from p as given), and only the signature test can tell.
    #[test]
    fn an_rsa_key_with_a_composite_factor_is_refused() {
        let mut ctx = BigNumContext::new().unwrap();
        let prime = |bits| {
            let mut p = BigNum::new().unwrap();
            p.generate_prime(bits, false, None, None).unwrap();
            p
        };
        let (p1, p2, q) = (prime(512), prime(512), prime(1024));
        let mut p = BigNum::new().unwrap();
        p.checked_mul(&p1, &p2, &mut ctx).unwrap();
        let mut n = BigNum::new().unwrap();
        n.checked_mul(&p, &q, &mut ctx).unwrap();
        let e = BigNum::from_u32(65537).unwrap();
        let minus_one = |f: &BigNum| {
            let mut f = BigNumRef::to_owned(f).unwrap();
            f.sub_word(1).unwrap();
            f
        };
        let (p1m, q1m) = (minus_one(&p), minus_one(&q));
        // d = e^-1 mod (p-1)(q-1), as if p were prime.
        let mut phi = BigNum::new().unwrap();
        phi.checked_mul(&p1m, &q1m, &mut ctx).unwrap();
        let mut d = BigNum::new().unwrap();
        if d.mod_inverse(&e, &phi, &mut ctx).is_err() {
            return; // e shares a factor with this (p-1)(q-1): vanishingly rare
        }
        let (mut dp, mut dq, mut qi) = (
            BigNum::new().unwrap(),
            BigNum::new().unwrap(),
            BigNum::new().unwrap(),
        );
        dp.nnmod(&d, &p1m, &mut ctx).unwrap();
        dq.nnmod(&d, &q1m, &mut ctx).unwrap();
        qi.mod_inverse(&q, &p, &mut ctx).unwrap();
        let rsa = Rsa::from_private_components(n, e, d, p, q, dp, dq, qi).unwrap();
        assert_eq!(
            refusal(&rsa_jwk(&rsa)),
            "the RSA private key is inconsistent"
        );
    }

    #[test]
    fn an_rsa_modulus_openssl_would_refuse_is_refused_on_load() {
        let mut n = BigNum::new().unwrap();
        n.rand(16385, openssl::bn::MsbOption::ONE, true).unwrap();
        let mut jwk = Jwk::new("RSA");
        jwk.set_parameter("n", Some(b64(&n.to_vec()))).unwrap();
        jwk.set_parameter("e", Some(b64(&[1, 0, 1]))).unwrap();
        assert_eq!(
            jwk_to_public(&jwk).map(|_| ()).unwrap_err().to_string(),
            "the RSA modulus has 16385 bits: keys over 16384 bits are refused"
        );
        jwk.set_parameter("d", Some(b64(&n.to_vec()))).unwrap();
        assert_eq!(
            refusal(&jwk),
            "the RSA modulus has 16385 bits: keys over 16384 bits are refused"
        );
    }

    #[test]
    fn a_point_off_the_curve_is_refused() {
        let mut jwk = Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P256)
            .unwrap()
            .to_public_key()
            .unwrap();
        jwk.set_parameter("y", Some(Value::String(URL_SAFE_NO_PAD.encode([1u8; 32]))))
            .unwrap();
        assert!(jwk_to_public(&jwk).is_err());
    }
}
