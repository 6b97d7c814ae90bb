//! Minting tokens: a header template and a signer or encrypter, prepared once and used for
//! every token (`issue`, `issue --batch`, `serve`).

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::{JweEncrypter, JweHeader};
use josekit::jws::{JwsHeader, JwsSigner};
use serde_json::{Map, Value};

use crate::error;
use crate::jose::alg::{self, Alg, AlgId, TokenKind};
use crate::jose::crypto;
use crate::keys::Key;

/// Header parameters set by the user; `alg` and `enc` come from the algorithms.
#[derive(Debug, Clone, Default)]
pub struct HeaderParams {
    /// Extra members in order (`typ`, `kid`, `cty`, `--header` …), already validated.
    pub members: Map<String, Value>,
}

/// A prepared JWS signer with its header.
pub struct JwsMinter {
    header: JwsHeader,
    signer: Box<dyn JwsSigner>,
}

impl JwsMinter {
    pub fn new(alg: &Alg, key: &Key, params: &HeaderParams) -> Result<JwsMinter> {
        let signer = crypto::signer(alg, key)?;
        let mut map = Map::new();
        // alg first, as most tools write it; josekit overwrites the value in place.
        map.insert("alg".into(), Value::from(alg.name));
        map.extend(params.members.clone());
        let header = JwsHeader::from_map(map).map_err(header_error)?;
        Ok(JwsMinter { header, signer })
    }

    pub fn sign(&self, payload: &[u8]) -> Result<String> {
        Ok(josekit::jws::serialize_compact(
            payload,
            &self.header,
            self.signer.as_ref(),
        )?)
    }
}

/// A prepared JWE encrypter with its header, optionally signing the claims first.
pub struct JweMinter {
    header: JweHeader,
    encrypter: Box<dyn JweEncrypter>,
    inner: Option<JwsMinter>,
}

impl JweMinter {
    pub fn new(
        alg: &Alg,
        enc: &str,
        key: &Key,
        params: &HeaderParams,
        inner: Option<JwsMinter>,
    ) -> Result<JweMinter> {
        let enc_spec =
            alg::find_enc(enc).ok_or_else(|| error::usage(format!("unknown enc {enc}")))?;
        let encrypter = crypto::encrypter(alg, enc_spec, key)?;
        let mut map = Map::new();
        map.insert("alg".into(), Value::from(alg.name));
        map.insert("enc".into(), Value::from(enc));
        map.extend(params.members.clone());
        if inner.is_some() {
            // RFC 7519 §5.2: a nested JWT says so with cty "JWT".
            map.insert("cty".into(), Value::from("JWT"));
        }
        let header = JweHeader::from_map(map).map_err(header_error)?;
        Ok(JweMinter {
            header,
            encrypter,
            inner,
        })
    }

    pub fn encrypt(&self, payload: &[u8]) -> Result<String> {
        let signed;
        let plaintext = match &self.inner {
            Some(inner) => {
                signed = inner.sign(payload)?;
                signed.as_bytes()
            }
            None => payload,
        };
        Ok(josekit::jwe::serialize_compact(
            plaintext,
            &self.header,
            self.encrypter.as_ref(),
        )?)
    }
}

fn header_error(err: josekit::JoseError) -> anyhow::Error {
    error::usage(format!(
        "invalid header: {}",
        crate::keys::jose_reason(&err)
    ))
}

/// HS* with the keyed HMAC state computed once (josekit rebuilds an OpenSSL context per
/// token). The differential tests at the end of this file prove the output byte-identical.
pub struct HmacMinter {
    /// `base64url(header).`
    prefix: String,
    mac: KeyedHmac,
}

#[derive(Clone)]
enum KeyedHmac {
    Hs256(hmac::Hmac<sha2::Sha256>),
    Hs384(hmac::Hmac<sha2::Sha384>),
    Hs512(hmac::Hmac<sha2::Sha512>),
}

impl HmacMinter {
    fn new(alg: &Alg, key: &Key, params: &HeaderParams) -> Result<HmacMinter> {
        use hmac::KeyInit;
        let prefix = jws_prefix(alg, key, params)?;
        let secret = key.secret().unwrap_or_default();
        let bad = |_| error::runtime("the secret cannot key HMAC");
        let mac = match alg.id {
            AlgId::Hs256 => KeyedHmac::Hs256(hmac::Hmac::new_from_slice(&secret).map_err(bad)?),
            AlgId::Hs384 => KeyedHmac::Hs384(hmac::Hmac::new_from_slice(&secret).map_err(bad)?),
            _ => KeyedHmac::Hs512(hmac::Hmac::new_from_slice(&secret).map_err(bad)?),
        };
        Ok(HmacMinter { prefix, mac })
    }

    fn sign(&self, payload: &[u8]) -> String {
        use hmac::Mac;
        let mut out = String::with_capacity(self.prefix.len() + payload.len() * 4 / 3 + 90);
        out.push_str(&self.prefix);
        URL_SAFE_NO_PAD.encode_string(payload, &mut out);
        let tag = match self.mac.clone() {
            KeyedHmac::Hs256(mut m) => {
                m.update(out.as_bytes());
                m.finalize().into_bytes().to_vec()
            }
            KeyedHmac::Hs384(mut m) => {
                m.update(out.as_bytes());
                m.finalize().into_bytes().to_vec()
            }
            KeyedHmac::Hs512(mut m) => {
                m.update(out.as_bytes());
                m.finalize().into_bytes().to_vec()
            }
        };
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, &mut out);
        out
    }
}

/// ES256/384/512 and ES256K through OpenSSL's ECDSA_do_sign on a key parsed once: josekit
/// builds an EVP signing context per token, which costs a quarter of the signature.
/// Signatures are randomised; the tests below verify them with josekit.
pub struct EcdsaMinter {
    /// `base64url(header).`
    prefix: String,
    key: openssl::ec::EcKey<openssl::pkey::Private>,
    /// Bytes of r and of s (RFC 7518 §3.4).
    width: usize,
}

impl EcdsaMinter {
    fn new(alg: &Alg, key: &Key, params: &HeaderParams) -> Result<EcdsaMinter> {
        let prefix = jws_prefix(alg, key, params)?;
        let ec = crate::keys::convert::jwk_to_private(key.jwk())?.ec_key()?;
        let width = (ec.group().degree() as usize).div_ceil(8);
        Ok(EcdsaMinter {
            prefix,
            key: ec,
            width,
        })
    }

    fn sign(&self, payload: &[u8]) -> Result<String> {
        use sha2::Digest;
        let mut out = String::with_capacity(self.prefix.len() + payload.len() * 4 / 3 + 180);
        out.push_str(&self.prefix);
        URL_SAFE_NO_PAD.encode_string(payload, &mut out);
        let digest = match self.width {
            48 => sha2::Sha384::digest(out.as_bytes()).to_vec(),
            66 => sha2::Sha512::digest(out.as_bytes()).to_vec(),
            _ => sha2::Sha256::digest(out.as_bytes()).to_vec(),
        };
        let signature = openssl::ecdsa::EcdsaSig::sign(&digest, &self.key)?;
        let mut raw = signature.r().to_vec_padded(self.width as i32)?;
        raw.extend(signature.s().to_vec_padded(self.width as i32)?);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(raw, &mut out);
        Ok(out)
    }
}

/// `dir` with A128GCM/A256GCM and the AES key schedule computed once. Every token gets a
/// fresh random 96-bit IV from OpenSSL's CSPRNG.
pub struct DirGcmMinter {
    /// `base64url(header)`: also the AAD (RFC 7516 §5.1 step 14).
    header_b64: String,
    cipher: GcmCipher,
}

enum GcmCipher {
    A128(Box<aes_gcm::Aes128Gcm>),
    A256(Box<aes_gcm::Aes256Gcm>),
}

impl DirGcmMinter {
    fn new(alg: &Alg, enc: &str, key: &Key, params: &HeaderParams) -> Result<Option<DirGcmMinter>> {
        use aes_gcm::KeyInit;
        if alg.name != "dir"
            || !matches!(enc, "A128GCM" | "A256GCM")
            || params.members.contains_key("zip")
        {
            return Ok(None);
        }
        let josekit_path = JweMinter::new(alg, enc, key, params, None)?;
        let secret = key.secret().unwrap_or_default();
        let bad = |_| error::runtime("the key cannot key AES-GCM");
        let cipher = match enc {
            "A128GCM" => GcmCipher::A128(Box::new(
                aes_gcm::Aes128Gcm::new_from_slice(&secret).map_err(bad)?,
            )),
            _ => GcmCipher::A256(Box::new(
                aes_gcm::Aes256Gcm::new_from_slice(&secret).map_err(bad)?,
            )),
        };
        Ok(Some(DirGcmMinter {
            header_b64: b64(&header_json(josekit_path.header.claims_set())?),
            cipher,
        }))
    }

    fn encrypt(&self, payload: &[u8]) -> Result<String> {
        use aes_gcm::AeadInOut;
        let iv = random_iv()?;
        let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::from(iv);
        let mut buffer = payload.to_vec();
        let aad = self.header_b64.as_bytes();
        let failed = |_| error::runtime("AES-GCM encryption failed");
        let tag = match &self.cipher {
            GcmCipher::A128(c) => c
                .encrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into())
                .map_err(failed)?
                .to_vec(),
            GcmCipher::A256(c) => c
                .encrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into())
                .map_err(failed)?
                .to_vec(),
        };
        let mut out = String::with_capacity(self.header_b64.len() + buffer.len() * 4 / 3 + 48);
        out.push_str(&self.header_b64);
        out.push_str("..");
        URL_SAFE_NO_PAD.encode_string(iv, &mut out);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(&buffer, &mut out);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, &mut out);
        Ok(out)
    }
}

/// A fresh 96-bit IV from OpenSSL's CSPRNG, drawn 4 KiB at a time per thread: one RAND
/// call per token costs more than the encryption (fork and provider checks each call).
fn random_iv() -> Result<[u8; 12]> {
    use std::cell::RefCell;
    const POOL: usize = 12 * 341;
    thread_local! {
        static RANDOM: RefCell<(Vec<u8>, usize)> = const { RefCell::new((Vec::new(), POOL)) };
    }
    RANDOM.with(|cell| {
        let (pool, used) = &mut *cell.borrow_mut();
        if *used + 12 > pool.len() {
            pool.resize(POOL, 0);
            openssl::rand::rand_bytes(pool)?;
            *used = 0;
        }
        let mut iv = [0u8; 12];
        iv.copy_from_slice(&pool[*used..*used + 12]);
        // Never hand out the same bytes twice.
        pool[*used..*used + 12].fill(0);
        *used += 12;
        Ok(iv)
    })
}

/// The header bytes josekit writes: the map serialised by serde_json.
fn header_json(map: &Map<String, Value>) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(map)?)
}

/// `base64url(header).` for a JWS fast path: the same checks and header as the josekit path.
fn jws_prefix(alg: &Alg, key: &Key, params: &HeaderParams) -> Result<String> {
    let josekit_path = JwsMinter::new(alg, key, params)?;
    Ok(format!(
        "{}.",
        b64(&header_json(josekit_path.header.claims_set())?)
    ))
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Any kind of minter; shared across threads.
pub enum Minter {
    Hmac(HmacMinter),
    Ecdsa(EcdsaMinter),
    DirGcm(DirGcmMinter),
    Jws(JwsMinter),
    Jwe(JweMinter),
    /// `--serialization flattened|general` (see json_mint.rs).
    Json(crate::jose::json_mint::JsonMinter),
}

impl Minter {
    /// Prepares minting with `key` under `alg` (a signature algorithm makes a JWS, a
    /// key-management algorithm a JWE); `sign` adds an inner JWS (a nested JWT).
    pub fn new(
        alg: &Alg,
        enc: &str,
        key: &Key,
        params: &HeaderParams,
        sign: Option<(&Alg, &Key, &HeaderParams)>,
    ) -> Result<Minter> {
        match (alg.kind, sign) {
            (TokenKind::Jws, None) if matches!(alg.need, alg::KeyNeed::Hmac(_)) => {
                Ok(Minter::Hmac(HmacMinter::new(alg, key, params)?))
            }
            (TokenKind::Jws, None) if matches!(alg.need, alg::KeyNeed::Ec(_)) => {
                Ok(Minter::Ecdsa(EcdsaMinter::new(alg, key, params)?))
            }
            (TokenKind::Jws, None) => Ok(Minter::Jws(JwsMinter::new(alg, key, params)?)),
            (TokenKind::Jws, Some(_)) => Err(error::usage(format!(
                "a nested JWT is encrypted with --key: --alg must be a key-management algorithm, not {}",
                alg.name
            ))),
            (TokenKind::Jwe, inner) => {
                let inner = match inner {
                    Some((sign_alg, sign_key, sign_params)) => {
                        if sign_alg.kind != TokenKind::Jws {
                            return Err(error::usage(format!(
                                "--sign-alg must be a signature algorithm, not {}",
                                sign_alg.name
                            )));
                        }
                        Some(JwsMinter::new(sign_alg, sign_key, sign_params)?)
                    }
                    None => match DirGcmMinter::new(alg, enc, key, params)? {
                        Some(fast) => return Ok(Minter::DirGcm(fast)),
                        None => None,
                    },
                };
                Ok(Minter::Jwe(JweMinter::new(alg, enc, key, params, inner)?))
            }
        }
    }

    /// One compact token for these claims.
    pub fn mint(&self, claims: &Map<String, Value>) -> Result<String> {
        self.mint_payload(&serde_json::to_vec(claims)?)
    }

    /// One compact token for this payload.
    pub fn mint_payload(&self, payload: &[u8]) -> Result<String> {
        match self {
            Minter::Hmac(m) => Ok(m.sign(payload)),
            Minter::Ecdsa(m) => m.sign(payload),
            Minter::DirGcm(m) => m.encrypt(payload),
            Minter::Jws(m) => m.sign(payload),
            Minter::Jwe(m) => m.encrypt(payload),
            Minter::Json(m) => m.mint_payload(payload),
        }
    }

    /// The josekit path only, for the differential tests of the fast paths.
    #[cfg(test)]
    pub fn josekit(alg: &Alg, enc: &str, key: &Key, params: &HeaderParams) -> Result<Minter> {
        Ok(match alg.kind {
            TokenKind::Jws => Minter::Jws(JwsMinter::new(alg, key, params)?),
            TokenKind::Jwe => Minter::Jwe(JweMinter::new(alg, enc, key, params, None)?),
        })
    }
}

/// The algorithm to use: the one named, else the key's own `alg`; never a guess.
pub fn resolve_alg(named: Option<&'static Alg>, key: &Key, flag: &str) -> Result<&'static Alg> {
    let name = match (named, key.alg()) {
        (Some(named), _) => return Ok(named),
        (None, Some(own)) => own,
        (None, None) => {
            return Err(error::usage(format!(
                "cannot tell which algorithm to use: give {flag} (the key has no \"alg\")"
            )));
        }
    };
    if alg::is_none(name) {
        return Err(error::usage(
            "alg \"none\" makes unsigned tokens; jwtctl never writes them",
        ));
    }
    alg::find(name).ok_or_else(|| error::usage(format!("unknown algorithm {name}")))
}

/// A random `jti`: 128 bits, base64url.
pub fn random_jti() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 16];
    openssl::rand::rand_bytes(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    //! Differential tests: the fast paths against josekit on thousands of random claim sets.
    use super::*;
    use josekit::jwk::Jwk;

    use crate::testing::Rng;

    /// Random claims for the differential tests.
    impl Rng {
        fn text(&mut self) -> String {
            let len = (self.next() % 40) as usize;
            (0..len)
                .map(|_| {
                    let c = self.next() % 100;
                    match c {
                        0 => '"',
                        1 => '\\',
                        2 => '\n',
                        3 => 'é',
                        4 => '😀',
                        5 => '\u{1}',
                        _ => (b'a' + (c % 26) as u8) as char,
                    }
                })
                .collect()
        }
        fn claims(&mut self) -> Map<String, Value> {
            let mut claims = Map::new();
            for _ in 0..(self.next() % 8) {
                let name = self.text();
                let value = match self.next() % 6 {
                    0 => Value::from(self.text()),
                    1 => Value::from(self.next() as i64),
                    2 => Value::from((self.next() % 1000) as f64 / 7.0),
                    3 => Value::Bool(self.next().is_multiple_of(2)),
                    4 => serde_json::json!([self.text(), null, {"k": self.text()}]),
                    _ => Value::Null,
                };
                claims.insert(name, value);
            }
            claims.insert("sub".into(), Value::from(self.text()));
            claims.insert(
                "iat".into(),
                Value::from(1_700_000_000 + (self.next() % 1000) as i64),
            );
            claims
        }
    }

    fn params(kid: &str) -> HeaderParams {
        let mut members = Map::new();
        members.insert("typ".into(), Value::from("JWT"));
        members.insert("kid".into(), Value::from(kid));
        HeaderParams { members }
    }

    #[test]
    fn hmac_fast_path_is_byte_identical_to_josekit() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for (name, size) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
            let alg = alg::find(name).unwrap();
            let key = Key::from_jwk(Jwk::generate_oct_key(size + 7).unwrap()).unwrap();
            let fast = Minter::new(alg, "A256GCM", &key, &params("k\"1"), None).unwrap();
            assert!(matches!(fast, Minter::Hmac(_)));
            let slow = Minter::josekit(alg, "A256GCM", &key, &params("k\"1")).unwrap();
            for _ in 0..2000 {
                let claims = rng.claims();
                assert_eq!(fast.mint(&claims).unwrap(), slow.mint(&claims).unwrap());
            }
        }
    }

    #[test]
    fn ecdsa_fast_path_signatures_verify_with_josekit() {
        use josekit::jwk::alg::ec::EcCurve;
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for (name, curve) in [
            ("ES256", EcCurve::P256),
            ("ES384", EcCurve::P384),
            ("ES512", EcCurve::P521),
            ("ES256K", EcCurve::Secp256k1),
        ] {
            let alg = alg::find(name).unwrap();
            let key = Key::from_jwk(Jwk::generate_ec_key(curve).unwrap()).unwrap();
            let fast = Minter::new(alg, "A256GCM", &key, &params("e"), None).unwrap();
            assert!(matches!(fast, Minter::Ecdsa(_)));
            let slow = Minter::josekit(alg, "A256GCM", &key, &params("e")).unwrap();
            let verifier = crate::jose::crypto::verifier(alg, &key).unwrap();
            for _ in 0..300 {
                let claims = rng.claims();
                let token = fast.mint(&claims).unwrap();
                let reference = slow.mint(&claims).unwrap();
                // Same header and payload bytes; only the randomised signature differs.
                let signed = |t: &str| t.rsplit_once('.').unwrap().0.to_string();
                assert_eq!(signed(&token), signed(&reference));
                let (payload, _) =
                    josekit::jws::deserialize_compact(&token, verifier.as_ref()).unwrap();
                assert_eq!(payload, serde_json::to_vec(&claims).unwrap());
            }
        }
    }

    #[test]
    fn dir_gcm_fast_path_decrypts_with_josekit_to_the_same_claims() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for (enc, size) in [("A128GCM", 16), ("A256GCM", 32)] {
            let alg = alg::find("dir").unwrap();
            let key = Key::from_jwk(Jwk::generate_oct_key(size).unwrap()).unwrap();
            let fast = Minter::new(alg, enc, &key, &params("d"), None).unwrap();
            assert!(matches!(fast, Minter::DirGcm(_)));
            let slow = Minter::josekit(alg, enc, &key, &params("d")).unwrap();
            let decrypter = crate::jose::crypto::decrypter(alg, alg::find_enc(enc), &key).unwrap();
            let mut ivs = std::collections::HashSet::new();
            for _ in 0..2000 {
                let claims = rng.claims();
                let payload = serde_json::to_vec(&claims).unwrap();
                let token = fast.mint(&claims).unwrap();
                let reference = slow.mint(&claims).unwrap();
                // Same header bytes as josekit writes; same shape.
                assert_eq!(token.split('.').next(), reference.split('.').next());
                assert_eq!(token.split('.').nth(1), Some(""));
                assert!(
                    ivs.insert(token.split('.').nth(2).unwrap().to_string()),
                    "IV reused"
                );
                let (plain, header) =
                    josekit::jwe::deserialize_compact(&token, decrypter.as_ref()).unwrap();
                assert_eq!(plain, payload);
                assert_eq!(header.content_encryption(), Some(enc));
            }
        }
    }
}
