//! Deciding whether a token is genuine: the algorithm allowlist, key selection, signature
//! or decryption, and the claim checks. Shared by `verify`, `decrypt`, `inspect --key`,
//! `--scan --key`, `login --key` and `serve`.
//!
//! Fail closed: every step either records a check that passed or ends in a refusal with its
//! class. A step that cannot run (claims that do not parse strictly, a JWE that anyone
//! holding the public key could have made, a plaintext that is not the JWS `--verify-key`
//! asks for) is a refusal, never a "not checked" that reads as yes.
use std::borrow::Cow;

use anyhow::Result;

use super::claims::{claims_set, judge_claims, names_jwt};
use super::verdict::Trail;
use crate::error;
use crate::jose::alg::{self, Alg, TokenKind};
use crate::jose::kids;
use crate::jose::precheck;
use crate::jose::prepared;
use crate::jose::strict_json::Members;
use crate::jose::token::{self, Compact, Kind};
use crate::jose::weak;
use crate::keys::{Key, KeySet, Op, Passing};

pub use super::claims::{ClaimsSet, claims_of};
pub use super::verdict::{Check, NOT_AUTHENTICATED, Refused, Verified};

/// The result of the `key strength` check when `--allow-weak-key` let a weak key verify.
pub const WEAK: &str = "weak";

/// What the caller asks to be checked besides the signature. Built with [`Policy::new`],
/// which sets the safe limits; callers then widen or add checks field by field.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `--alg`: the only algorithms accepted; empty means "from the key".
    pub algs: Vec<&'static Alg>,
    /// `--enc` (decrypt): the only content encryptions accepted; empty means any.
    pub encs: Vec<&'static alg::Enc>,
    pub iss: Option<String>,
    pub aud: Option<String>,
    pub sub: Option<String>,
    pub require: Vec<String>,
    pub leeway: i64,
    pub ignore_exp: bool,
    /// Skip exp and nbf entirely (inspect shows times itself).
    pub ignore_times: bool,
    pub now: i64,
    pub max_p2c: u64,
    pub max_inflate: usize,
    /// Accept a JWE that anyone holding the recipient's public key could have made
    /// (RSA-OAEP*, RSA1_5, ECDH-ES*) without a signed inner token; the checks say so.
    pub allow_unauthenticated: bool,
    /// `--allow-weak-key`: verify under an HS* secret shorter than its hash or RSA under
    /// 2048 bits; the checks carry a `key strength: weak` line.
    pub allow_weak_key: bool,
}

impl Policy {
    /// exp and nbf checked at `now` without leeway, every algorithm the keys allow, the
    /// default PBES2 and inflate caps, and nothing else.
    pub fn new(now: i64) -> Policy {
        Policy {
            algs: Vec::new(),
            encs: Vec::new(),
            iss: None,
            aud: None,
            sub: None,
            require: Vec::new(),
            leeway: 0,
            ignore_exp: false,
            ignore_times: false,
            now,
            max_p2c: precheck::DEFAULT_MAX_P2C,
            max_inflate: precheck::DEFAULT_MAX_INFLATE,
            allow_unauthenticated: false,
            allow_weak_key: false,
        }
    }
}

/// What a JWE's plaintext must be, beyond what the outer token says.
#[derive(Debug, Clone, Copy)]
pub enum Inner<'k> {
    /// A compact JWS that verifies under these keys, whatever `cty` says (`--verify-key`).
    Verify(&'k KeySet),
    /// A nested JWT's inner JWS is read but not verified (`--no-verify-inner`, inspect).
    Skip,
    /// A nested JWT is refused: there is no key to verify it with.
    Refuse,
}

/// The algorithms accepted for `op` with these keys: `--alg`, else each key's `alg`, else
/// every algorithm of the key's type.
fn allowed_algs<'k>(
    policy: &Policy,
    keys: &'k KeySet,
    kind: TokenKind,
) -> Result<Cow<'k, [&'static Alg]>> {
    if !policy.algs.is_empty() {
        return policy
            .algs
            .iter()
            .map(|&named| {
                if named.kind == kind {
                    Ok(named)
                } else {
                    Err(error::usage(format!(
                        "--alg {} is not a {} algorithm",
                        named.name,
                        if kind == TokenKind::Jws {
                            "signature"
                        } else {
                            "key-management"
                        }
                    )))
                }
            })
            .collect::<Result<Vec<_>>>()
            .map(Cow::Owned);
    }
    let op = if kind == TokenKind::Jws {
        Op::Verify
    } else {
        Op::Decrypt
    };
    Ok(Cow::Borrowed(keys.usable_algs(op, policy.allow_weak_key)))
}

/// The allowlist as people read it: `HS256, HS384`, or `none`; written when displayed.
struct Names<'a>(&'a [&'a Alg]);

impl Names<'_> {
    /// Writes the list into `out`: a detail string for every token of a `--batch`, where
    /// going through a `Formatter` cost more than the list.
    fn write_to(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        if self.0.is_empty() {
            return out.write_str("none");
        }
        for (i, alg) in self.0.iter().enumerate() {
            if i > 0 {
                out.write_str(", ")?;
            }
            out.write_str(alg.name)?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.write_to(f)
    }
}

/// The token's algorithm, if it is on the allowlist.
fn allowed_token_alg(
    token: &Compact,
    policy: &Policy,
    keys: &KeySet,
    kind: TokenKind,
    enc: Option<&alg::Enc>,
    trail: &mut Trail,
) -> Result<&'static Alg> {
    trail.step = "alg";
    let asked = token.alg().unwrap_or("");
    precheck::check_not_none(asked)?;
    // A kid the JWK Set lacks is the answer, before the set's algorithms are held against
    // a token they were never meant for.
    if let Some(miss) = kids::miss(token, keys) {
        trail.step = "key";
        return Err(miss);
    }
    let allowed = allowed_algs(policy, keys, kind)?;
    if allowed.is_empty() {
        // The key can do nothing of this kind (its use, key_ops or alg forbid it): an
        // unusable key, explained by the key's own refusal when the token's alg is known.
        let op = if kind == TokenKind::Jws {
            Op::Verify
        } else {
            Op::Decrypt
        };
        let first = keys.keys.first();
        if let Some(own) = first.and_then(Key::alg)
            && alg::find(own).is_some_and(|a| a.kind != kind)
        {
            return Err(error::runtime(format!(
                "this key is for {own} (its \"alg\"), not {asked}"
            )));
        }
        if let Some(wanted) = alg::find(asked).filter(|a| a.kind == kind)
            && let Some(Err(refusal)) = first.map(|k| k.check(wanted, op, enc))
        {
            return Err(refusal);
        }
        return Err(error::runtime(format!(
            "the token asks for {asked}, but the key can do no {} algorithm",
            if kind == TokenKind::Jws {
                "signature"
            } else {
                "key-management"
            }
        )));
    }
    match allowed.iter().find(|a| a.name == asked) {
        Some(alg) => {
            let mut detail = String::with_capacity(32);
            detail.push_str(asked);
            detail.push_str(" is allowed (");
            let _ = Names(&allowed).write_to(&mut detail);
            detail.push(')');
            trail.ok("alg", detail);
            Ok(alg)
        }
        None => Err(error::not_authentic(format!(
            "the token asks for {asked}, but only {} {} allowed{}",
            Names(&allowed),
            if allowed.len() == 1 { "is" } else { "are" },
            kids::mismatch(token, keys)
        ))),
    }
}

/// The keys to try for a token: by `kid` from a JWK Set, else each key that can do `alg`.
/// Which keys can do it is worked out once per set ([`KeySet::passing`]); only a token no
/// key can take asks the keys again, for the refusal that explains it.
fn candidates<'k, 't>(
    token: &'t Compact,
    keys: &'k KeySet,
    alg: &Alg,
    op: Op,
    enc: Option<&alg::Enc>,
    allow_weak: bool,
) -> Result<impl Iterator<Item = &'k Key> + use<'k, 't>> {
    let chosen = keys.is_set.then(|| token.kid()).flatten();
    let passing = keys.passing(alg, op, enc);
    let usable = move |i: &usize| {
        let key = &keys.keys[*i];
        chosen.is_none_or(|kid| key.kid() == Some(kid))
            && matches!(&passing[*i], Passing::Usable { weakness } if weakness.is_none() || allow_weak)
    };
    // An iterator, not a list: no allocation per token.
    let mut all = (0..keys.keys.len()).filter(usable).peekable();
    if all.peek().is_none() {
        return Err(no_candidate(token, keys, alg, op, enc));
    }
    Ok(all.map(|i| &keys.keys[i]))
}

/// Why no key can take the token: the kid names none, or each key's own refusal.
fn no_candidate(
    token: &Compact,
    keys: &KeySet,
    alg: &Alg,
    op: Op,
    enc: Option<&alg::Enc>,
) -> anyhow::Error {
    let kid = token.kid();
    let pool: Vec<&Key> = match kid {
        Some(kid) if keys.is_set => {
            let found: Vec<&Key> = keys.keys.iter().filter(|k| k.kid() == Some(kid)).collect();
            if found.is_empty() {
                return kids::miss(token, keys)
                    .unwrap_or_else(|| error::not_authentic("no key with the token's kid"));
            }
            found
        }
        _ => keys.keys.iter().collect(),
    };
    // The first key's refusal; a weak key refused here had no --allow-weak-key.
    let refusal = pool
        .iter()
        .find_map(|k| match k.check_weak(alg, op, enc) {
            Ok(None) => None,
            Ok(Some(weakness)) => Some(error::runtime(weakness)),
            Err(e) => Some(e),
        })
        .unwrap_or_else(|| error::runtime("no usable key"));
    let reason = error::one_line(&refusal);
    let verb = if op == Op::Verify {
        "verify"
    } else {
        "decrypt"
    };
    // When the token chose the key (by kid) or the content encryption (a dir key sized for
    // another enc), the token does not fit the key: not authentic. Only a mismatch between
    // the key and the user's --alg is an unusable key (exit 1).
    if let Some(kid) = kid.filter(|_| keys.is_set) {
        return error::not_authentic(format!(
            "the token's kid \"{kid}\" names a key that cannot {verb} {}: {reason}",
            alg.name
        ));
    }
    if let Some(enc) = enc
        && pool.iter().any(|k| {
            alg::ENCS
                .iter()
                .any(|other| k.check(alg, op, Some(other)).is_ok())
        })
    {
        return error::not_authentic(format!(
            "the token's enc {} does not fit the key: {reason}",
            enc.name
        ));
    }
    refusal
}

/// `HS256 with key KID`, `RSA-OAEP + A256GCM with key KID`: the algorithms joined by ` + `,
/// sized once and written without a `Formatter`, as it is written for every token.
fn with_key(algs: &[&str], key: &Key) -> String {
    let mut detail = String::with_capacity(64);
    for (i, alg) in algs.iter().enumerate() {
        if i > 0 {
            detail.push_str(" + ");
        }
        detail.push_str(alg);
    }
    match key.kid() {
        Some(kid) => {
            detail.push_str(" with key ");
            detail.push_str(kid);
        }
        None => {
            detail.push_str(" with ");
            detail.push_str(&key.describe());
        }
    }
    detail
}

/// The check that says a key under the strength floor was used (`--allow-weak-key`).
fn weak_check(weakness: &str) -> Check {
    Check::new(
        "key strength",
        WEAK,
        format!("{weakness} (accepted with --allow-weak-key)"),
    )
}

/// Verifies a compact JWS and checks its claims.
pub fn verify_jws(token: &Compact, keys: &KeySet, policy: &Policy) -> Result<Verified, Refused> {
    let mut trail = Trail::new();
    match verify_jws_steps(token, keys, policy, &mut trail) {
        Ok(verified) => Ok(verified),
        Err(error) => Err(trail.refuse(token, error)),
    }
}

fn verify_jws_steps(
    token: &Compact,
    keys: &KeySet,
    policy: &Policy,
    trail: &mut Trail,
) -> Result<Verified> {
    trail.step = "structure";
    if token.kind != Kind::Jws {
        return Err(error::malformed(
            "this is a JWE (encrypted token); use jwtctl decrypt",
        ));
    }
    let alg = allowed_token_alg(token, policy, keys, TokenKind::Jws, None, trail)?;
    trail.step = "crit";
    precheck::check_crit(&token.header)?;
    trail.step = "signature";
    let signing_input = token.signing_input().unwrap_or_default();
    let signature = token.decoded.get(1).map(Vec::as_slice).unwrap_or_default();
    let mut verified_by = None;
    let allow_weak = policy.allow_weak_key;
    let mut weakness = None;
    for key in candidates(token, keys, alg, Op::Verify, None, allow_weak)? {
        if allow_weak && let Some(weak) = key.check_weak(alg, Op::Verify, None)? {
            if weak::verify(alg, key, signing_input.as_bytes(), signature)? {
                verified_by = Some(key);
                weakness = Some(weak);
                break;
            }
            continue;
        }
        // Each key is checked and converted once per thread (see prepared.rs).
        if prepared::verify_signature(alg, key, signing_input.as_bytes(), signature)? {
            verified_by = Some(key);
            break;
        }
    }
    let Some(key) = verified_by else {
        trail.mismatch = true;
        return Err(error::not_authentic(format!(
            "signature does not verify ({}){}",
            alg.name,
            kids::mismatch(token, keys)
        )));
    };
    trail.ok("signature", with_key(&[alg.name], key));
    if let Some(weak) = weakness {
        trail.checks.push(weak_check(&weak));
    }
    let payload = token.payload().unwrap_or_default();
    let claims = claims_set(payload, &token.header, trail)?;
    let raw_payload = raw_payload(payload, &claims);
    let claims = judge_claims(claims, policy, trail)?;
    Ok(Verified {
        header: token.header.clone(),
        raw_payload,
        claims,
        checks: std::mem::take(&mut trail.checks),
        inner_header: None,
    })
}

/// The payload a [`Verified`] keeps beside its claims: none when they hold it.
fn raw_payload(payload: &[u8], claims: &Option<ClaimsSet>) -> Vec<u8> {
    match claims {
        Some(_) => Vec::new(),
        None => payload.to_vec(),
    }
}

/// Decrypts a compact JWE. What the plaintext must be is said by `inner`; a JWE whose key
/// management needs no secret from the sender is refused unless a verified inner JWS
/// authenticates it, or `policy.allow_unauthenticated` lets it through (the checks say so).
pub fn decrypt_jwe(
    token: &Compact,
    keys: &KeySet,
    policy: &Policy,
    inner: Inner<'_>,
) -> Result<Verified, Refused> {
    let mut trail = Trail::new();
    match decrypt_jwe_steps(token, keys, policy, inner, &mut trail) {
        Ok(verified) => Ok(verified),
        Err(error) => Err(trail.refuse(token, error)),
    }
}

fn decrypt_jwe_steps(
    token: &Compact,
    keys: &KeySet,
    policy: &Policy,
    inner: Inner<'_>,
    trail: &mut Trail,
) -> Result<Verified> {
    trail.step = "structure";
    if token.kind != Kind::Jwe {
        return Err(error::malformed(
            "this is a JWS (signed token); use jwtctl verify",
        ));
    }
    let (_, enc) = precheck::check_jwe(token, policy.max_p2c)?;
    let alg = allowed_token_alg(token, policy, keys, TokenKind::Jwe, Some(enc), trail)?;
    trail.step = "enc";
    if !policy.encs.is_empty() && !policy.encs.iter().any(|e| e.id == enc.id) {
        let names: Vec<&str> = policy.encs.iter().map(|e| e.name).collect();
        return Err(error::not_authentic(format!(
            "the token uses enc {}, but only {} {} allowed",
            enc.name,
            names.join(", "),
            if policy.encs.len() == 1 { "is" } else { "are" }
        )));
    }
    // Refused before any decryption: the answer does not depend on the key.
    trail.step = "authenticity";
    let signed_inner = matches!(inner, Inner::Verify(_));
    if !alg.authenticates_sender() && !signed_inner && !policy.allow_unauthenticated {
        return Err(error::not_authentic(format!(
            "anyone holding the recipient's public key can make an {} token: give --verify-key \
             KEY to require a signed inner JWS (or --allow-unauthenticated to accept it anyway)",
            alg.name
        )));
    }
    trail.step = "decryption";
    let (plaintext, key, weakness) = decrypt(token, keys, policy, alg, enc)?;
    trail.ok("decryption", with_key(&[alg.name, enc.name], key));
    if let Some(weak) = weakness {
        trail.checks.push(weak_check(&weak));
    }
    let nested = names_jwt(token.header.member("cty"));
    let (raw_payload, claims, inner_header) = match inner {
        Inner::Verify(inner_keys) => {
            // The inner verification checked the claims too.
            let verified = verify_inner(&plaintext, inner_keys, policy, trail)?;
            return Ok(Verified {
                header: token.header.clone(),
                raw_payload: verified.raw_payload,
                claims: verified.claims,
                checks: std::mem::take(&mut trail.checks),
                inner_header: Some(verified.header),
            });
        }
        Inner::Refuse if nested => {
            return Err(error::usage(
                "this is a nested JWT: give --verify-key KEY to verify the inner JWS, or --no-verify-inner",
            ));
        }
        Inner::Skip if nested => {
            trail.step = "inner token";
            let inner = inner_token(&plaintext)
                .map_err(|reason| error::malformed(format!("the nested token: {reason}")))?;
            trail.checks.push(Check::new(
                "inner signature",
                "skipped",
                "not verified (no --verify-key)",
            ));
            let payload = inner.payload().unwrap_or_default();
            let claims = claims_set(payload, &inner.header, trail)?;
            (raw_payload(payload, &claims), claims, Some(inner.header))
        }
        Inner::Refuse | Inner::Skip => {
            let claims = claims_set(&plaintext, &token.header, trail)?;
            let raw = if claims.is_some() {
                Vec::new()
            } else {
                plaintext
            };
            (raw, claims, None)
        }
    };
    if !alg.authenticates_sender() && !signed_inner {
        trail.checks.push(Check::new(
            "authenticity",
            "not checked",
            "anyone with the public key can make this token",
        ));
    }
    let claims = judge_claims(claims, policy, trail)?;
    Ok(Verified {
        header: token.header.clone(),
        raw_payload,
        claims,
        checks: std::mem::take(&mut trail.checks),
        inner_header,
    })
}

/// The plaintext of a JWE, and the key that decrypted it.
fn decrypt<'k>(
    token: &Compact,
    keys: &'k KeySet,
    policy: &Policy,
    alg: &'static Alg,
    enc: &'static alg::Enc,
) -> Result<(Vec<u8>, &'k Key, Option<String>)> {
    // josekit's context is built only when a token needs it: the prepared dir+GCM path
    // does not, and building one registers every algorithm.
    let deflate = precheck::CappedDeflate::new(policy.max_inflate);
    let mut context = None;
    let mut josekit = |decrypter: &dyn josekit::jwe::JweDecrypter| {
        let context = context.get_or_insert_with(|| {
            let mut context = josekit::jwe::JweContext::new();
            context.remove_compression("DEF");
            context.add_compression(Box::new(deflate.clone()));
            context
        });
        // A recipient of a JSON-serialized JWE is read as one flattened JWE (see json.rs).
        let decrypted = if token.text.starts_with('{') {
            context.deserialize_json(&token.text, decrypter)
        } else {
            context.deserialize_compact(&token.text, decrypter)
        };
        decrypted.ok().map(|(bytes, _)| bytes)
    };
    let allow_weak = policy.allow_weak_key;
    for key in candidates(token, keys, alg, Op::Decrypt, Some(enc), allow_weak)? {
        if alg.need == alg::KeyNeed::Rsa {
            let modulus = key.bits().div_ceil(8);
            if token.decoded.first().map_or(0, Vec::len) != modulus {
                continue;
            }
        }
        if allow_weak && let Some(weak) = key.check_weak(alg, Op::Decrypt, Some(enc))? {
            if let Some(bytes) = josekit(weak::decrypter(alg, key)?.as_ref()) {
                return Ok((bytes, key, Some(weak)));
            }
            continue;
        }
        if let Some(bytes) = prepared::decrypt(token, alg, enc, key, &mut josekit)? {
            return Ok((bytes, key, None));
        }
    }
    if deflate.went_over() {
        return Err(error::malformed(format!(
            "the zip: DEF payload inflates to more than {} bytes (raise it with --max-inflate)",
            policy.max_inflate
        )));
    }
    // Tag and padding failures give the same answer: no padding oracle.
    Err(error::not_authentic(format!(
        "decryption failed{}",
        kids::mismatch(token, keys)
    )))
}

/// A nested token: compact JWS text. The plaintext is already bounded (by the token's size,
/// or by --max-inflate with zip), and a nested JWT is longer than the JWE that carries it.
fn inner_token(plaintext: &[u8]) -> Result<Compact, String> {
    let text = std::str::from_utf8(plaintext).map_err(|_| "it is not text".to_string())?;
    let inner = token::parse(text, text.len()).map_err(|e| error::one_line(&e))?;
    if inner.kind != Kind::Jws {
        return Err("it is a JWE, not a JWS".to_string());
    }
    Ok(inner)
}

/// `--verify-key`: the plaintext must be a compact JWS that verifies under `keys`, whatever
/// the outer `cty` says; its checks join the outer ones as `inner …`.
fn verify_inner(
    plaintext: &[u8],
    keys: &KeySet,
    policy: &Policy,
    trail: &mut Trail,
) -> Result<Verified> {
    trail.step = "inner signature";
    let inner = inner_token(plaintext).map_err(|reason| {
        error::not_authentic(format!(
            "--verify-key needs the plaintext to be a JWS signed by that key, but {}",
            if reason.starts_with("it ") {
                reason
            } else {
                format!("it is not one ({reason})")
            }
        ))
    })?;
    // The inner algorithm is the signer's: --alg names the outer one.
    let inner_policy = Policy {
        algs: Vec::new(),
        ..policy.clone()
    };
    match verify_jws(&inner, keys, &inner_policy) {
        Ok(mut verified) => {
            for check in &mut verified.checks {
                if check.name == "signature" || check.name == "alg" {
                    check.name = format!("inner {}", check.name).into();
                }
            }
            trail.checks.append(&mut verified.checks);
            Ok(verified)
        }
        Err(refused) => {
            for mut check in refused.checks {
                if !check.name.starts_with("inner") {
                    check.name = format!("inner {}", check.name).into();
                }
                trail.checks.push(check);
            }
            trail.claims = refused.claims.map(|claims| *claims);
            Err(refused.error)
        }
    }
}
