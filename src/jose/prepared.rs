//! Prepared keys for the signature and decryption steps of `verify.rs`.
//!
//! josekit builds a verifier or decrypter from the JWK for every token: the key is checked,
//! converted to an OpenSSL key, and each check fetches the algorithm from OpenSSL 3's
//! providers under a global lock. Here each (key, algorithm) pair is checked and converted
//! once per thread, through [`crypto`] so that a key josekit refuses is refused with the
//! same message, and kept in a per-thread cache (OpenSSL contexts and keyed hash states are
//! reused by one thread only). Tokens are then checked without any provider fetch:
//!
//! - HS256/384/512: the keyed HMAC state, compared in constant time;
//! - ES256/384/512, ES256K: `ECDSA_do_verify` on the EC key;
//! - RS* and PS*: one OpenSSL verification context (`EVP_PKEY_verify` on the digest, with
//!   the padding, digest, MGF1 digest and salt length set once): OpenSSL still does the
//!   whole PKCS #1 check, without fetching its algorithms again for every token;
//! - `dir` with A128GCM/A192GCM/A256GCM: the AES key schedule;
//! - anything else (EdDSA, other JWE key management): the josekit verifier or decrypter,
//!   built once.
//!
//! josekit stays the reference: the differential tests at the end of this file check that
//! the prepared path accepts exactly the tokens josekit accepts.

use std::cell::RefCell;
use std::rc::Rc;

use anyhow::Result;
use josekit::jwe::JweDecrypter;
use josekit::jws::JwsVerifier;
use openssl::bn::BigNum;
use openssl::ec::EcKey;
use openssl::ecdsa::EcdsaSig;
use openssl::md::Md;
use openssl::pkey::{PKey, Public};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::sign::RsaPssSaltlen;

use crate::jose::alg::{Alg, AlgId, Enc, EncId};
use crate::jose::crypto;
use crate::jose::strict_json::Members;
use crate::keys::Key;

/// A cache bigger than any key set a run uses: past it (a server whose JWKS keeps
/// changing), it starts again rather than grow.
const CACHE_ENTRIES: usize = 64;

#[derive(Clone, Copy, PartialEq)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

enum Prepared {
    Hs256(hmac::Hmac<sha2::Sha256>),
    Hs384(hmac::Hmac<sha2::Sha384>),
    Hs512(hmac::Hmac<sha2::Sha512>),
    Ecdsa {
        key: EcKey<Public>,
        hash: Hash,
        /// Bytes of the whole signature, r then s (RFC 7518 §3.4).
        len: usize,
    },
    Rsa {
        /// `EVP_PKEY_verify` needs the context mutably; one thread uses it.
        ctx: RefCell<PkeyCtx<Public>>,
        hash: Hash,
    },
    Verifier(Box<dyn JwsVerifier>),
    DirGcm(Box<Gcm>),
    Decrypter(Box<dyn JweDecrypter>),
}

enum Gcm {
    A128(aes_gcm::Aes128Gcm),
    A192(aes_gcm::AesGcm<aes_gcm::aes::Aes192, aes_gcm::aead::consts::U12>),
    A256(aes_gcm::Aes256Gcm),
}

struct Entry {
    alg: AlgId,
    enc: Option<EncId>,
    /// [`Key::id`]: a key is never changed once made, so an entry only ever serves the
    /// material it was made from (a key with the same material loaded again gets its own).
    key: u64,
    prepared: Rc<Prepared>,
}

thread_local! {
    static CACHE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// The prepared form of `key` for `alg` (and `enc` when decrypting), from this thread's
/// cache or built now. Errors are those of [`crypto::verifier`] / [`crypto::decrypter`].
fn prepared(alg: &Alg, enc: Option<&Enc>, key: &Key) -> Result<Rc<Prepared>> {
    let enc_id = enc.map(|e| e.id);
    let id = key.id();
    let found = CACHE.with(|cache| {
        cache
            .borrow()
            .iter()
            .find(|e| e.alg == alg.id && e.enc == enc_id && e.key == id)
            .map(|e| Rc::clone(&e.prepared))
    });
    if let Some(found) = found {
        return Ok(found);
    }
    let prepared = Rc::new(match alg.id {
        AlgId::Hs256
        | AlgId::Hs384
        | AlgId::Hs512
        | AlgId::Es256
        | AlgId::Es384
        | AlgId::Es512
        | AlgId::Es256k
        | AlgId::Rs256
        | AlgId::Rs384
        | AlgId::Rs512
        | AlgId::Ps256
        | AlgId::Ps384
        | AlgId::Ps512
        | AlgId::EdDsa => prepare_verifier(alg, key)?,
        _ => prepare_decrypter(alg, enc, key)?,
    });
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.push(Entry {
            alg: alg.id,
            enc: enc_id,
            key: id,
            prepared: Rc::clone(&prepared),
        });
    });
    Ok(prepared)
}

fn prepare_verifier(alg: &Alg, key: &Key) -> Result<Prepared> {
    if let Some(hmac) = prepare_hmac(alg, key)? {
        return Ok(hmac);
    }
    // josekit's verdict on the key first: the same checks, the same refusals.
    let verifier = crypto::verifier(alg, key)?;
    let public = || crate::keys::convert::jwk_to_public(key.jwk());
    let fast = match alg.id {
        AlgId::Es256 | AlgId::Es256k | AlgId::Es384 | AlgId::Es512 => {
            let (hash, len) = match alg.id {
                AlgId::Es384 => (Hash::Sha384, 96),
                AlgId::Es512 => (Hash::Sha512, 132),
                _ => (Hash::Sha256, 64),
            };
            public()
                .ok()
                .and_then(|pkey| pkey.ec_key().ok())
                .map(|key| Prepared::Ecdsa { key, hash, len })
        }
        AlgId::Rs256 | AlgId::Rs384 | AlgId::Rs512 | AlgId::Ps256 | AlgId::Ps384 | AlgId::Ps512 => {
            public()
                .ok()
                .and_then(|pkey| rsa_context(alg.id, &pkey).ok())
        }
        _ => None,
    };
    Ok(fast.unwrap_or(Prepared::Verifier(verifier)))
}

/// The keyed HMAC state for HS*, or None for another algorithm. Of the key, josekit's HMAC
/// verifier checks what [`Key::check`] checks (an oct key, a secret at least as long as the
/// hash; `use`, `key_ops` and `alg` are [`Key::check`]'s alone), as a test below shows. Not
/// asking josekit spares OpenSSL's start-up, which would double a one-token `verify`.
fn prepare_hmac(alg: &Alg, key: &Key) -> Result<Option<Prepared>> {
    if !matches!(alg.id, AlgId::Hs256 | AlgId::Hs384 | AlgId::Hs512) {
        return Ok(None);
    }
    key.check(alg, crate::keys::Op::Verify, None)?;
    // The check refused empty and short secrets.
    Ok(hmac_state(alg, &key.secret().unwrap_or_default()))
}

/// The keyed HMAC state of an HS* algorithm (RustCrypto's HMAC takes any key length).
fn hmac_state(alg: &Alg, secret: &[u8]) -> Option<Prepared> {
    use hmac::KeyInit;
    match alg.id {
        AlgId::Hs256 => hmac::Hmac::new_from_slice(secret).ok().map(Prepared::Hs256),
        AlgId::Hs384 => hmac::Hmac::new_from_slice(secret).ok().map(Prepared::Hs384),
        AlgId::Hs512 => hmac::Hmac::new_from_slice(secret).ok().map(Prepared::Hs512),
        _ => None,
    }
}

/// An RSA verification context for RS* (PKCS #1 v1.5) or PS* (PSS with MGF1 on the same
/// hash and a salt as long as the hash, RFC 7518 §3.5).
fn rsa_context(alg: AlgId, pkey: &PKey<Public>) -> Result<Prepared, openssl::error::ErrorStack> {
    let (md, hash, pss) = match alg {
        AlgId::Rs256 => (Md::sha256(), Hash::Sha256, false),
        AlgId::Rs384 => (Md::sha384(), Hash::Sha384, false),
        AlgId::Rs512 => (Md::sha512(), Hash::Sha512, false),
        AlgId::Ps256 => (Md::sha256(), Hash::Sha256, true),
        AlgId::Ps384 => (Md::sha384(), Hash::Sha384, true),
        _ => (Md::sha512(), Hash::Sha512, true),
    };
    let mut ctx = PkeyCtx::new(pkey)?;
    ctx.verify_init()?;
    if pss {
        ctx.set_rsa_padding(Padding::PKCS1_PSS)?;
        ctx.set_rsa_mgf1_md(md)?;
        ctx.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
    } else {
        ctx.set_rsa_padding(Padding::PKCS1)?;
    }
    ctx.set_signature_md(md)?;
    Ok(Prepared::Rsa {
        ctx: RefCell::new(ctx),
        hash,
    })
}

fn prepare_decrypter(alg: &Alg, enc: Option<&Enc>, key: &Key) -> Result<Prepared> {
    use aes_gcm::KeyInit;
    let decrypter = crypto::decrypter(alg, enc, key)?;
    let fast = match (alg.id, enc.map(|e| e.id)) {
        (AlgId::Dir, Some(EncId::A128Gcm | EncId::A192Gcm | EncId::A256Gcm)) => {
            let secret = key.secret().unwrap_or_default();
            match enc.map(|e| e.id) {
                Some(EncId::A128Gcm) => aes_gcm::Aes128Gcm::new_from_slice(&secret)
                    .ok()
                    .map(Gcm::A128),
                Some(EncId::A192Gcm) => {
                    aes_gcm::AesGcm::new_from_slice(&secret).ok().map(Gcm::A192)
                }
                _ => aes_gcm::Aes256Gcm::new_from_slice(&secret)
                    .ok()
                    .map(Gcm::A256),
            }
            .map(|gcm| Prepared::DirGcm(Box::new(gcm)))
        }
        _ => None,
    };
    Ok(fast.unwrap_or(Prepared::Decrypter(decrypter)))
}

/// Whether `signature` is `key`'s signature over `signing_input` with `alg`. The key has
/// passed [`Key::check`]; an error means the key cannot be used for `alg` at all.
pub fn verify_signature(
    alg: &Alg,
    key: &Key,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool> {
    let prepared = prepared(alg, None, key)?;
    Ok(verifies(&prepared, signing_input, signature))
}

/// Whether `signature` is the signature of `signing_input` under a prepared key.
fn verifies(prepared: &Prepared, signing_input: &[u8], signature: &[u8]) -> bool {
    match prepared {
        Prepared::Hs256(mac) => hmac_matches(mac.clone(), signing_input, signature),
        Prepared::Hs384(mac) => hmac_matches(mac.clone(), signing_input, signature),
        Prepared::Hs512(mac) => hmac_matches(mac.clone(), signing_input, signature),
        Prepared::Ecdsa { key, hash, len } => {
            // josekit refuses any other length before looking at the signature.
            signature.len() == *len && {
                let (r, s) = signature.split_at(len / 2);
                let digest = hash.digest(signing_input);
                BigNum::from_slice(r)
                    .and_then(|r| Ok((r, BigNum::from_slice(s)?)))
                    .and_then(|(r, s)| EcdsaSig::from_private_components(r, s))
                    .and_then(|sig| sig.verify(&digest, key))
                    .unwrap_or(false)
            }
        }
        Prepared::Rsa { ctx, hash } => {
            let digest = hash.digest(signing_input);
            // Any error (a signature of the wrong length, say) is a signature that does not
            // verify; `verify` takes OpenSSL's error queue with it.
            ctx.borrow_mut().verify(&digest, signature).unwrap_or(false)
        }
        Prepared::Verifier(verifier) => verifier.verify(signing_input, signature).is_ok(),
        Prepared::DirGcm(_) | Prepared::Decrypter(_) => false,
    }
}

/// [`verify_signature`] under a key below the strength floor, which neither josekit nor
/// [`Key::check`] would take (`--allow-weak-key`, see `weak.rs`): an HS* secret shorter than
/// its hash, or the RSA public key `rsa` under 2048 bits. Built for the one token, with the
/// same HMAC and the same OpenSSL context as a prepared key.
pub(super) fn verify_weak(
    alg: &Alg,
    secret: Option<&[u8]>,
    rsa: Option<&PKey<Public>>,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    let prepared = match (alg.id, secret, rsa) {
        (AlgId::Hs256 | AlgId::Hs384 | AlgId::Hs512, Some(secret), _) => hmac_state(alg, secret),
        (_, _, Some(rsa)) => Some(rsa_context(alg.id, rsa)?),
        _ => None,
    };
    Ok(prepared.is_some_and(|p| verifies(&p, signing_input, signature)))
}

fn hmac_matches<M: hmac::Mac>(mut mac: M, message: &[u8], tag: &[u8]) -> bool {
    mac.update(message);
    // Constant time, and any length but the full tag's is refused (as josekit does).
    mac.verify_slice(tag).is_ok()
}

/// What decrypting `token` with `key` gave: the plaintext, or `None` when it does not
/// decrypt (tag, padding or key unwrap failures alike). `josekit` is called for what the
/// prepared path does not cover, with the JWE context the caller built (zip included).
pub fn decrypt(
    token: &crate::jose::token::Compact,
    alg: &Alg,
    enc: &Enc,
    key: &Key,
    josekit: &mut dyn FnMut(&dyn JweDecrypter) -> Option<Vec<u8>>,
) -> Result<Option<Vec<u8>>> {
    let prepared = prepared(alg, Some(enc), key)?;
    match &*prepared {
        // zip and header members josekit would refuse go the josekit way. The IV and tag
        // lengths and the empty encrypted key were checked by precheck::check_jwe.
        // A JSON-serialized recipient's AAD is not the compact one: josekit reads it.
        Prepared::DirGcm(gcm)
            if !token.text.starts_with('{')
                && !token.header.has("zip")
                && josekit_reads(&token.header) =>
        {
            Ok(gcm_open(gcm, token))
        }
        Prepared::Decrypter(decrypter) => Ok(josekit(decrypter.as_ref())),
        _ => {
            // A dir key whose fast path does not apply: the josekit decrypter, as before.
            let decrypter = crypto::decrypter(alg, Some(enc), key)?;
            Ok(josekit(decrypter.as_ref()))
        }
    }
}

thread_local! {
    /// The last header [`josekit_reads`] judged, kept alive (so its address names it alone)
    /// with the answer: the tokens of a batch share their header (see `token::parse`).
    static LAST_HEADER: RefCell<Option<(crate::jose::token::Header, bool)>> =
        const { RefCell::new(None) };
}

/// Whether josekit takes this protected header as a JWE header (member types and values);
/// a header it would refuse goes the josekit way, to be refused there.
fn josekit_reads(header: &crate::jose::token::Header) -> bool {
    let known = LAST_HEADER.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(seen, _)| std::sync::Arc::ptr_eq(seen, header))
            .map(|(_, reads)| *reads)
    });
    known.unwrap_or_else(|| {
        let reads = josekit::jwe::JweHeader::from_map((**header).clone()).is_ok();
        LAST_HEADER.with(|last| *last.borrow_mut() = Some((header.clone(), reads)));
        reads
    })
}

fn gcm_open(gcm: &Gcm, token: &crate::jose::token::Compact) -> Option<Vec<u8>> {
    use aes_gcm::AeadInOut;
    let part = |i: usize| token.decoded.get(i).map(Vec::as_slice).unwrap_or_default();
    let (iv, ciphertext, tag) = (part(1), part(2), part(3));
    if iv.len() != 12 || tag.len() != 16 {
        return None;
    }
    // RFC 7516 §5.2 step 14: the AAD is the encoded protected header as written.
    let aad = token.segment(0).as_bytes();
    let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv).ok()?;
    let tag = aes_gcm::Tag::<aes_gcm::aead::consts::U16>::try_from(tag).ok()?;
    let mut buffer = ciphertext.to_vec();
    let opened = match gcm {
        Gcm::A128(c) => c.decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag),
        Gcm::A192(c) => c.decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag),
        Gcm::A256(c) => c.decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag),
    };
    opened.ok().map(|()| buffer)
}

#[cfg(test)]
mod tests {
    //! Differential tests: the prepared path against josekit, on thousands of random tokens
    //! per algorithm: valid, tampered anywhere, and under the wrong key.
    use super::*;
    use crate::jose::{alg, precheck, token};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use josekit::jwk::Jwk;
    use josekit::jwk::alg::ec::EcCurve;
    use josekit::jwk::alg::ed::EdCurve;

    use crate::testing::Rng;

    fn key(jwk: Jwk) -> Key {
        Key::from_jwk(jwk).unwrap()
    }

    fn josekit_verifies(alg: &Alg, key: &Key, message: &[u8], signature: &[u8]) -> bool {
        crypto::verifier(alg, key)
            .unwrap()
            .verify(message, signature)
            .is_ok()
    }

    /// A signature changed the ways an attacker might: a flipped bit, a byte too few or too
    /// many, random bytes, zeros, a half (r or s) zeroed or copied.
    fn tamper(rng: &mut Rng, signature: &[u8]) -> Vec<u8> {
        let mut out = signature.to_vec();
        let len = out.len();
        match rng.below(7) {
            0 => out[rng.below(len)] ^= 1 << rng.below(8),
            1 => {
                out.pop();
            }
            2 => out.push(rng.next() as u8),
            3 => out = rng.bytes(len),
            4 => out.fill(0),
            5 => out[..len / 2].fill(0),
            _ => {
                let (r, s) = out.split_at_mut(len / 2);
                s[..r.len().min(len - len / 2)].copy_from_slice(&r[..r.len().min(len - len / 2)]);
            }
        }
        out
    }

    fn differential_jws(name: &str, jwk: fn() -> Jwk, tokens: usize, fast: fn(&Prepared) -> bool) {
        let alg = alg::find(name).unwrap();
        let (right, wrong) = (key(jwk()), key(jwk()));
        assert!(
            fast(&prepared(alg, None, &right).unwrap()),
            "{name}: no fast path"
        );
        let signer = crypto::signer(alg, &right).unwrap();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
        let (mut accepted, mut refused) = (0, 0);
        for i in 0..tokens {
            let len = rng.below(300);
            let message = URL_SAFE_NO_PAD.encode(rng.bytes(len))
                + "."
                + &URL_SAFE_NO_PAD.encode(rng.bytes(len / 2));
            let signature = signer.sign(message.as_bytes()).unwrap();
            let mut cases = vec![
                (&right, message.clone().into_bytes(), signature.clone()),
                (&wrong, message.clone().into_bytes(), signature.clone()),
                (
                    &right,
                    message.clone().into_bytes(),
                    tamper(&mut rng, &signature),
                ),
            ];
            let mut changed = message.clone().into_bytes();
            changed[i % message.len()] ^= 0x20;
            cases.push((&right, changed, signature.clone()));
            for (key, message, signature) in cases {
                let expected = josekit_verifies(alg, key, &message, &signature);
                let got = verify_signature(alg, key, &message, &signature).unwrap();
                assert_eq!(
                    got, expected,
                    "{name} token {i}: prepared {got}, josekit {expected}"
                );
                if got {
                    accepted += 1;
                } else {
                    refused += 1;
                }
            }
        }
        // Every valid token was accepted; every other case (bar a tamper that changed
        // nothing) refused.
        assert!(
            accepted >= tokens && refused >= 2 * tokens,
            "{name}: {accepted} {refused}"
        );
    }

    fn oct(bytes: usize) -> Jwk {
        Jwk::generate_oct_key(bytes as u8).unwrap()
    }

    #[test]
    fn hmac_prepared_agrees_with_josekit() {
        let hmac = |p: &Prepared| {
            matches!(
                p,
                Prepared::Hs256(_) | Prepared::Hs384(_) | Prepared::Hs512(_)
            )
        };
        differential_jws("HS256", || oct(32), 3000, hmac);
        differential_jws("HS384", || oct(48), 3000, hmac);
        differential_jws("HS512", || oct(70), 3000, hmac);
    }

    /// HS* keys are prepared without josekit: each key josekit's verifier takes is taken,
    /// and each it refuses is refused (by length, `use`, `key_ops`, `alg`).
    #[test]
    fn hmac_keys_are_refused_exactly_where_josekit_refuses_them() {
        let mut rng = Rng(7);
        let (mut taken, mut refused) = (0, 0);
        for name in ["HS256", "HS384", "HS512"] {
            let alg = alg::find(name).unwrap();
            for len in 1..80 {
                let extras = [
                    serde_json::json!({}),
                    serde_json::json!({"use": "sig"}),
                    serde_json::json!({"use": "enc"}),
                    serde_json::json!({"key_ops": ["verify"]}),
                    serde_json::json!({"key_ops": ["sign"]}),
                    serde_json::json!({"alg": name}),
                    serde_json::json!({"alg": "HS256"}),
                    serde_json::json!({"alg": "RS256"}),
                ];
                for extra in extras {
                    let mut map = serde_json::Map::new();
                    map.insert("kty".into(), "oct".into());
                    map.insert("k".into(), URL_SAFE_NO_PAD.encode(rng.bytes(len)).into());
                    map.extend(extra.as_object().unwrap().clone());
                    let key = key(Jwk::from_map(map).unwrap());
                    let josekit = crypto::verifier(alg, &key).is_ok();
                    let ours = prepare_hmac(alg, &key).is_ok_and(|p| p.is_some());
                    assert_eq!(ours, josekit, "{name}, {len} bytes, {:?}", key.jwk());
                    if ours {
                        taken += 1;
                    } else {
                        refused += 1;
                    }
                }
            }
        }
        assert!(taken > 100 && refused > 100, "{taken} {refused}");
    }

    #[test]
    fn ecdsa_prepared_agrees_with_josekit() {
        let ecdsa = |p: &Prepared| matches!(p, Prepared::Ecdsa { .. });
        differential_jws(
            "ES256",
            || Jwk::generate_ec_key(EcCurve::P256).unwrap(),
            1000,
            ecdsa,
        );
        differential_jws(
            "ES384",
            || Jwk::generate_ec_key(EcCurve::P384).unwrap(),
            500,
            ecdsa,
        );
        differential_jws(
            "ES512",
            || Jwk::generate_ec_key(EcCurve::P521).unwrap(),
            300,
            ecdsa,
        );
        differential_jws(
            "ES256K",
            || Jwk::generate_ec_key(EcCurve::Secp256k1).unwrap(),
            500,
            ecdsa,
        );
    }

    #[test]
    fn rsa_prepared_agrees_with_josekit() {
        let rsa = |p: &Prepared| matches!(p, Prepared::Rsa { .. });
        let jwk = || Jwk::generate_rsa_key(2048).unwrap();
        differential_jws("RS256", jwk, 300, rsa);
        differential_jws("RS384", jwk, 100, rsa);
        differential_jws("RS512", jwk, 100, rsa);
        differential_jws("PS256", jwk, 300, rsa);
        differential_jws("PS384", jwk, 100, rsa);
        differential_jws("PS512", jwk, 100, rsa);
    }

    /// PSS signatures that are genuine but made with another salt length (or MGF1 hash) than
    /// RFC 7518 says: the prepared context answers as josekit's RSA-PSS key does.
    #[test]
    fn pss_salt_lengths_and_mgf1_hashes_are_judged_as_josekit_judges_them() {
        use openssl::hash::MessageDigest;
        use openssl::sign::Signer;
        let private = key(Jwk::generate_rsa_key(2048).unwrap());
        let public = private.public_half().unwrap();
        let pkey = crate::keys::convert::jwk_to_private(private.jwk()).unwrap();
        let message = b"eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9";
        let mut seen = (0, 0);
        for (name, md) in [
            ("PS256", MessageDigest::sha256()),
            ("PS384", MessageDigest::sha384()),
            ("PS512", MessageDigest::sha512()),
        ] {
            let alg = alg::find(name).unwrap();
            for mgf1 in [MessageDigest::sha1(), MessageDigest::sha256(), md] {
                for salt in [0, 20, 32, 48, 64, 100, -2] {
                    let mut signer = Signer::new(md, &pkey).unwrap();
                    signer.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
                    signer.set_rsa_mgf1_md(mgf1).unwrap();
                    signer
                        .set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))
                        .unwrap();
                    let signature = signer.sign_oneshot_to_vec(message).unwrap();
                    let expected = josekit_verifies(alg, &public, message, &signature);
                    let got = verify_signature(alg, &public, message, &signature).unwrap();
                    assert_eq!(got, expected, "{name}, salt {salt}: prepared {got}");
                    if got {
                        seen.0 += 1;
                    } else {
                        seen.1 += 1;
                    }
                }
            }
        }
        // Both answers occurred: the hash-length salt with MGF1 on the same hash passes.
        assert!(seen.0 >= 3 && seen.1 > 0, "{seen:?}");
    }

    #[test]
    fn eddsa_prepared_agrees_with_josekit() {
        let jwk = || Jwk::generate_ed_key(EdCurve::Ed25519).unwrap();
        differential_jws("EdDSA", jwk, 300, |p| matches!(p, Prepared::Verifier(_)));
    }

    /// `dir` + AES-GCM encrypted by hand, so that headers josekit would never write (and
    /// refuses to read) still carry a valid tag.
    fn dir_gcm(secret: &[u8], header: &str, iv: &[u8], plaintext: &[u8]) -> String {
        use aes_gcm::aead::{Aead, Payload};
        let header_b64 = URL_SAFE_NO_PAD.encode(header);
        let payload = Payload {
            msg: plaintext,
            aad: header_b64.as_bytes(),
        };
        let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv).unwrap();
        let sealed = match secret.len() {
            16 => aes_gcm::Aes128Gcm::new_from_slice(secret)
                .unwrap()
                .encrypt(&nonce, payload),
            24 => {
                aes_gcm::AesGcm::<aes_gcm::aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(
                    secret,
                )
                .unwrap()
                .encrypt(&nonce, payload)
            }
            _ => aes_gcm::Aes256Gcm::new_from_slice(secret)
                .unwrap()
                .encrypt(&nonce, payload),
        }
        .unwrap();
        let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
        [
            header_b64,
            String::new(),
            URL_SAFE_NO_PAD.encode(iv),
            URL_SAFE_NO_PAD.encode(ciphertext),
            URL_SAFE_NO_PAD.encode(tag),
        ]
        .join(".")
    }

    fn josekit_decrypts(token: &str, alg: &Alg, enc: &Enc, key: &Key) -> Option<Vec<u8>> {
        let decrypter = crypto::decrypter(alg, Some(enc), key).unwrap();
        josekit::jwe::JweContext::new()
            .deserialize_compact(token, decrypter.as_ref())
            .ok()
            .map(|(plaintext, _)| plaintext)
    }

    use aes_gcm::KeyInit;

    #[test]
    fn dir_gcm_prepared_agrees_with_josekit() {
        let dir = alg::find("dir").unwrap();
        let mut rng = Rng(0x5151_2323_abcd_0001);
        for enc_name in ["A128GCM", "A192GCM", "A256GCM"] {
            let enc = alg::find_enc(enc_name).unwrap();
            let secret = rng.bytes(enc.key_bytes);
            let right = key(Jwk::from_map(
                serde_json::json!({"kty": "oct", "k": URL_SAFE_NO_PAD.encode(&secret)})
                    .as_object()
                    .unwrap()
                    .clone(),
            )
            .unwrap());
            let wrong = key(oct(enc.key_bytes));
            assert!(matches!(
                *prepared(dir, Some(enc), &right).unwrap(),
                Prepared::DirGcm(_)
            ));
            let encrypter = crypto::encrypter(dir, enc, &right).unwrap();
            let mut header = josekit::jwe::JweHeader::new();
            header.set_content_encryption(enc_name);
            let (mut compared, mut accepted) = (0, 0);
            for i in 0..3000 {
                let len = rng.below(200);
                let plaintext = rng.bytes(len);
                let mut texts = Vec::new();
                let valid =
                    josekit::jwe::serialize_compact(&plaintext, &header, encrypter.as_ref())
                        .unwrap();
                texts.push(valid.clone());
                // A character changed anywhere (many no longer parse, as they should).
                let mut bytes = valid.clone().into_bytes();
                let at = rng.below(bytes.len());
                bytes[at] = b"AQgw_-.x"[rng.below(8)];
                texts.push(String::from_utf8(bytes).unwrap());
                // Valid tags over headers josekit reads differently: a kid that is not a
                // string, an unknown member, and a well-formed one.
                let odd = [
                    format!(r#"{{"alg":"dir","enc":"{enc_name}","kid":{i}}}"#),
                    format!(r#"{{"alg":"dir","enc":"{enc_name}","x5t":"not base64!"}}"#),
                    format!(r#"{{"enc":"{enc_name}","alg":"dir","extra":[{i}]}}"#),
                ];
                let iv = rng.bytes(12);
                texts.push(dir_gcm(&secret, &odd[i % 3], &iv, &plaintext));
                for text in texts {
                    let Ok(token) = token::parse(&text, 1 << 20) else {
                        continue;
                    };
                    if precheck::check_jwe(&token, precheck::DEFAULT_MAX_P2C).is_err() {
                        continue;
                    }
                    for key in [&right, &wrong] {
                        let expected = josekit_decrypts(&text, dir, enc, key);
                        // josekit is only asked about headers it reads differently.
                        let mut fallback = |d: &dyn JweDecrypter| -> Option<Vec<u8>> {
                            assert!(text.starts_with(&URL_SAFE_NO_PAD.encode(&odd[1])));
                            josekit::jwe::JweContext::new()
                                .deserialize_compact(&text, d)
                                .ok()
                                .map(|(p, _)| p)
                        };
                        let got = decrypt(&token, dir, enc, key, &mut fallback).unwrap();
                        assert_eq!(got, expected, "{enc_name} token {i}: {text}");
                        compared += 1;
                        accepted += usize::from(got.is_some());
                    }
                }
            }
            // The valid tokens and the well-formed odd headers decrypt; the rest do not.
            assert!(
                accepted >= 3000 + 1000 && compared >= 12000,
                "{enc_name}: {accepted}/{compared}"
            );
        }
    }

    #[test]
    fn other_key_management_goes_through_josekit_once_prepared() {
        let a128kw = alg::find("A128KW").unwrap();
        let enc = alg::find_enc("A128CBC-HS256").unwrap();
        let right = key(oct(16));
        let encrypter = crypto::encrypter(a128kw, enc, &right).unwrap();
        let mut header = josekit::jwe::JweHeader::new();
        header.set_content_encryption(enc.name);
        let text = josekit::jwe::serialize_compact(b"{}", &header, encrypter.as_ref()).unwrap();
        let token = token::parse(&text, 1 << 20).unwrap();
        let mut context = |d: &dyn JweDecrypter| {
            josekit::jwe::JweContext::new()
                .deserialize_compact(&text, d)
                .ok()
                .map(|(p, _)| p)
        };
        assert_eq!(
            decrypt(&token, a128kw, enc, &right, &mut context).unwrap(),
            Some(b"{}".to_vec())
        );
        assert!(matches!(
            *prepared(a128kw, Some(enc), &right).unwrap(),
            Prepared::Decrypter(_)
        ));
        assert_eq!(
            decrypt(&token, a128kw, enc, &key(oct(16)), &mut context).unwrap(),
            None
        );
    }

    #[test]
    fn the_cache_matches_keys_by_identity_and_stays_bounded() {
        let hs256 = alg::find("HS256").unwrap();
        let first = key(oct(32));
        let a = prepared(hs256, None, &first).unwrap();
        let b = prepared(hs256, None, &first.clone()).unwrap();
        assert!(
            Rc::ptr_eq(&a, &b),
            "the key (or a clone) reuses the prepared state"
        );
        // The same material loaded again is another key: prepared again, never confused.
        let again = key(first.jwk().clone());
        assert!(!Rc::ptr_eq(&a, &prepared(hs256, None, &again).unwrap()));
        for _ in 0..(2 * CACHE_ENTRIES) {
            let other = key(oct(32));
            assert!(!Rc::ptr_eq(&a, &prepared(hs256, None, &other).unwrap()));
        }
        assert!(CACHE.with(|c| c.borrow().len()) <= CACHE_ENTRIES);
    }
}
