//! What a scan says of one token: its listed claims (read member by member, without
//! building the token) and, with `--key` or `--password-file`, whether it checks, within
//! the scan's PBES2 budget.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de;
use serde_json::{Map, Value};

use super::{Located, Totals};
use crate::cli::InspectArgs;
use crate::error;
use crate::inspect::findings::{self, CodeSet};
use crate::jose::json::{self, AnyToken};
use crate::jose::token::{self, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::{self, KeySet};
use crate::time;

/// The claims a listing shows. Read member by member (other members are skipped unparsed),
/// so a listing costs little per token.
#[derive(Default)]
pub struct Claims {
    pub iss: Option<Value>,
    pub sub: Option<Value>,
    pub exp: Option<Value>,
}

enum ClaimName {
    Iss,
    Sub,
    Exp,
    Other,
}

impl<'de> de::Deserialize<'de> for ClaimName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl de::Visitor<'_> for NameVisitor {
            type Value = ClaimName;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ClaimName, E> {
                Ok(match name {
                    "iss" => ClaimName::Iss,
                    "sub" => ClaimName::Sub,
                    "exp" => ClaimName::Exp,
                    _ => ClaimName::Other,
                })
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

struct ClaimsVisitor;

impl<'de> de::Visitor<'de> for ClaimsVisitor {
    type Value = Claims;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<Claims, M::Error> {
        let mut claims = Claims::default();
        while let Some(name) = map.next_key::<ClaimName>()? {
            match name {
                ClaimName::Iss => claims.iss = Some(map.next_value()?),
                ClaimName::Sub => claims.sub = Some(map.next_value()?),
                ClaimName::Exp => claims.exp = Some(map.next_value()?),
                ClaimName::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(claims)
    }
}

/// The listed claims of a JWS payload; `None` when it is not a JSON object.
pub fn payload_claims(payload_b64: &[u8], buf: &mut Vec<u8>) -> Option<Claims> {
    buf.clear();
    URL_SAFE_NO_PAD.decode_vec(payload_b64, buf).ok()?;
    claims_in(buf)
}

/// The listed claims of a decoded payload; `None` when it is not a JSON object.
fn claims_in(payload: &[u8]) -> Option<Claims> {
    let mut de = serde_json::Deserializer::from_slice(payload);
    let claims = de::Deserializer::deserialize_any(&mut de, ClaimsVisitor).ok()?;
    de.end().ok()?;
    Some(claims)
}

/// The listed claims of a full claims object (a decrypted JWE).
fn claims_of(map: &serde_json::Map<String, Value>) -> Claims {
    Claims {
        iss: map.get("iss").cloned(),
        sub: map.get("sub").cloned(),
        exp: map.get("exp").cloned(),
    }
}

/// The keys of `--key` and `--verify-key`, the PBES2 password, and "now".
pub struct Context {
    pub now: i64,
    pub keys: Option<KeySet>,
    pub inner_keys: Option<KeySet>,
    /// `--password-file`'s password, the only key PBES2 tokens are tried with in a scan: a
    /// raw secret tried as a password would cost every planted PBES2 token its full p2c.
    pub password: Option<KeySet>,
    /// The PBES2 iterations the rest of the scan may spend (`--max-pbes2-work`).
    pub pbes2_left: AtomicU64,
    pub findings: FindingsCache,
}

pub fn load_context(args: &InspectArgs) -> Result<Context> {
    let now = match &args.now {
        Some(text) => time::parse_now(text)?,
        None => time::now_unix(),
    };
    let load = args.key_input.load_options();
    let keys = match &args.key {
        Some(reference) => Some(keys::load(reference, &load)?),
        None => None,
    };
    let inner_keys = match &args.verify_key {
        Some(reference) => Some(keys::load(reference, &load)?),
        None => None,
    };
    let password = match &args.key_input.password_file {
        Some(_) => Some(KeySet::new(
            vec![keys::Key::from_secret(&keys::read_password(&load, "")?)?],
            false,
        )),
        None => None,
    };
    Ok(Context {
        now,
        keys,
        inner_keys,
        password,
        pbes2_left: AtomicU64::new(args.max_pbes2_work),
        findings: FindingsCache::default(),
    })
}

/// What a check said of one token.
pub(super) enum Verdict {
    Valid,
    Invalid(String),
    /// Not tried (a PBES2 token without a password, or over the work cap).
    Skipped(&'static str),
}

const NO_PASSWORD: &str = "PBES2: tried only with --password-file";
const OVER_BUDGET: &str = "PBES2: over --max-pbes2-work";

/// Takes `p2c` iterations from the scan's PBES2 budget; false when too few are left.
fn spend_pbes2(context: &Context, p2c: u64) -> bool {
    context
        .pbes2_left
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(p2c)
        })
        .is_ok()
}

/// The payload part of a JWS's text.
pub(super) fn payload_part(text: &[u8]) -> &[u8] {
    let mut dots = memchr::memchr_iter(b'.', text);
    match (dots.next(), dots.next()) {
        (Some(a), Some(b)) => &text[a + 1..b],
        _ => &[],
    }
}

/// What a check learnt of one token: its listed claims (None: encrypted or not a JSON
/// object), with `--key` or `--password-file` whether it checked, and a JWE's claims once
/// decrypted (for its findings).
pub(super) type Examined = (Option<Claims>, Option<Verdict>, Option<Map<String, Value>>);

/// What the listing says of one token: see [`Examined`].
pub(super) fn examine(
    located: &Located<'_>,
    context: &Context,
    totals: &Totals,
    buf: &mut Vec<u8>,
) -> Examined {
    if located.found.form.is_some() {
        return examine_json(located, context, totals);
    }
    let pbes2 = located.found.kind == Kind::Jwe && located.found.alg.starts_with("PBES2-");
    if pbes2 && (context.keys.is_some() || context.password.is_some()) {
        return examine_pbes2(located, context, totals);
    }
    let Some(keys) = &context.keys else {
        let claims = match located.found.kind {
            Kind::Jws => payload_claims(payload_part(located.text), buf),
            Kind::Jwe => None,
        };
        return (claims, None, None);
    };
    let token = match token::parse(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e))), None),
    };
    let policy = scan_policy(context);
    match token.kind {
        Kind::Jws => {
            let claims = payload_claims(payload_part(located.text), buf);
            let check = match verify::verify_jws(&token, keys, &policy) {
                Ok(verified) => verdict(&verified),
                Err(refused) => Verdict::Invalid(error::one_line(&refused.error)),
            };
            (claims, Some(check), None)
        }
        Kind::Jwe => decrypt(&token, keys, context, &policy),
    }
}

/// As inspect --key: only authenticity (times are shown, not judged), and a JWE anyone could
/// make is decrypted but not valid.
fn scan_policy(context: &Context) -> Policy {
    Policy {
        ignore_times: true,
        allow_unauthenticated: true,
        ..Policy::new(context.now)
    }
}

fn decrypt(token: &token::Compact, keys: &KeySet, context: &Context, policy: &Policy) -> Examined {
    let inner = context
        .inner_keys
        .as_ref()
        .map_or(Inner::Skip, Inner::Verify);
    decrypted(verify::decrypt_jwe(token, keys, policy, inner))
}

/// What a decryption's outcome says: the claims (listed, and whole for the findings) and
/// the verdict.
fn decrypted(outcome: Result<verify::Verified, verify::Refused>) -> Examined {
    match outcome {
        Ok(mut verified) => (
            verified
                .claims
                .as_ref()
                .map(|claims| claims_of(claims.map())),
            Some(verdict(&verified)),
            verified.claims.take().map(verify::ClaimsSet::into_map),
        ),
        Err(refused) => (
            None,
            Some(Verdict::Invalid(error::one_line(&refused.error))),
            None,
        ),
    }
}

/// Valid, unless only `allow_unauthenticated` let the token through.
fn verdict(verified: &verify::Verified) -> Verdict {
    if verified.anyone_could_make() {
        Verdict::Invalid(verify::NOT_AUTHENTICATED.to_string())
    } else {
        Verdict::Valid
    }
}

/// A PBES2 token: decrypted only with `--password-file`'s password, and only while the
/// scan's PBES2 budget lasts; otherwise skipped and counted.
fn examine_pbes2(located: &Located<'_>, context: &Context, totals: &Totals) -> Examined {
    let skipped = |why| {
        totals.pbes2_skipped.fetch_add(1, Ordering::Relaxed);
        (None, Some(Verdict::Skipped(why)), None)
    };
    let Some(password) = &context.password else {
        return skipped(NO_PASSWORD);
    };
    let token = match token::parse(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e))), None),
    };
    let policy = scan_policy(context);
    // A p2c the gate refuses (absent, not an integer, over --max-p2c) costs nothing: only
    // the iterations that will run are charged.
    if let Some(p2c) = token.header.get("p2c").and_then(Value::as_u64)
        && (1..=policy.max_p2c).contains(&p2c)
        && !spend_pbes2(context, p2c)
    {
        return skipped(OVER_BUDGET);
    }
    decrypt(&token, password, context, &policy)
}

/// [`examine`] of a JSON-serialized token: built whole (it was parsed to be found), checked
/// as `verify`/`decrypt` check it (one valid signature is enough), PBES2 recipients under
/// the same password rule and budget as compact tokens.
fn examine_json(located: &Located<'_>, context: &Context, totals: &Totals) -> Examined {
    let token = match json::parse_any(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e))), None),
    };
    let AnyToken::Json(parsed) = &token else {
        return (None, None, None);
    };
    let policy = scan_policy(context);
    if parsed.kind == Kind::Jws {
        let claims = token.first().payload().and_then(claims_in);
        let Some(keys) = &context.keys else {
            return (claims, None, None);
        };
        let check = match json::verify_jws(&token, keys, &policy, false) {
            Ok(verified) => verdict(&verified),
            Err(refused) => Verdict::Invalid(error::one_line(&refused.error)),
        };
        return (claims, Some(check), None);
    }
    let pbes2: Vec<u64> = parsed
        .entries
        .iter()
        .filter(|e| e.view.alg().is_some_and(|alg| alg.starts_with("PBES2-")))
        .map(|e| {
            e.view
                .header
                .get("p2c")
                .and_then(Value::as_u64)
                .unwrap_or(0)
        })
        .collect();
    let keys = if !pbes2.is_empty() && (context.keys.is_some() || context.password.is_some()) {
        let skipped = |why| {
            totals.pbes2_skipped.fetch_add(1, Ordering::Relaxed);
            (None, Some(Verdict::Skipped(why)), None)
        };
        let Some(password) = &context.password else {
            return skipped(NO_PASSWORD);
        };
        // Charged for every PBES2 recipient whose p2c the gate would let run.
        let work: u64 = pbes2
            .iter()
            .filter(|p2c| (1..=policy.max_p2c).contains(*p2c))
            .sum();
        if work > 0 && !spend_pbes2(context, work) {
            return skipped(OVER_BUDGET);
        }
        password
    } else {
        match &context.keys {
            Some(keys) => keys,
            None => return (None, None, None),
        }
    };
    let inner = context
        .inner_keys
        .as_ref()
        .map_or(Inner::Skip, Inner::Verify);
    decrypted(json::decrypt_jwe(&token, keys, &policy, inner))
}

/// The findings cache's shards (one lock each, so workers seldom wait for each other), and
/// the tokens each remembers: 3584 fill hashbrown's 4096-slot table (its load is 7/8), so
/// the whole cache holds 57344 distinct tokens in about 1.4 MiB, whatever the input; a full
/// shard starts again.
const SHARDS: usize = 16;
const PER_SHARD: usize = 3584;

/// The finding codes of the distinct tokens seen so far, by the first 128 bits of each
/// token's SHA-256: shared by the workers, so each distinct token is worked out once
/// however many cores scan (and bounded, see [`SHARDS`]).
pub struct FindingsCache {
    shards: Vec<Mutex<HashMap<u128, CodeSet, BuildHasherDefault<Prehashed>>>>,
}

impl Default for FindingsCache {
    fn default() -> FindingsCache {
        FindingsCache {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

/// The key is a slice of a SHA-256 already: its bits are the hash.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// The finding codes of a token, as `inspect` reports them for it
/// (`findings::token_findings`; `decrypted`: a JWE's claims once `--key` decrypted it).
/// Worked out once per distinct token (by `sha256`, its text's hash) and remembered: logs
/// repeat their tokens, and the well-known-secret check of an HS* token costs some 53 HMACs.
pub(super) fn finding_codes(
    located: &Located<'_>,
    context: &Context,
    decrypted: Option<&Map<String, Value>>,
    sha256: &[u8; 32],
) -> CodeSet {
    let mut key = [0u8; 16];
    key.copy_from_slice(&sha256[..16]);
    // A JWE decrypted (its claims' findings) and the same JWE not decrypted (over the PBES2
    // budget) are two entries.
    let key = u128::from_le_bytes(key) ^ u128::from(decrypted.is_some());
    let shard = &context.findings.shards[(key >> 64) as usize % SHARDS];
    let lock = || shard.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(codes) = lock().get(&key).copied() {
        return codes;
    }
    // Worked out outside the lock; two workers meeting the same new token at once both
    // work it out, with the same result.
    let codes = work_out_codes(located, context.now, decrypted);
    let mut seen = lock();
    if seen.len() >= PER_SHARD {
        seen.clear();
    }
    seen.insert(key, codes);
    codes
}
/// [`finding_codes`] without the cache: the token built whole by the one parser, as
/// `inspect` builds it.
fn work_out_codes(
    located: &Located<'_>,
    now: i64,
    decrypted: Option<&Map<String, Value>>,
) -> CodeSet {
    let (text, max) = (located.text_str(), located.text.len());
    let any = if located.found.form.is_some() {
        json::parse_any(text, max)
    } else {
        token::parse(text, max).map(AnyToken::Compact)
    };
    let Ok(any) = any else {
        return CodeSet::default();
    };
    let token = any.first();
    let own = match token.kind {
        // A claims set that does not parse strictly (inspect: exit 3) has no claim findings.
        Kind::Jws => token
            .payload()
            .and_then(|payload| verify::claims_of(payload, &token.header).ok().flatten())
            .map(verify::ClaimsSet::into_map),
        Kind::Jwe => None,
    };
    let claims = own.as_ref().or(decrypted);
    CodeSet::of(&findings::token_findings(token, claims, now))
}
