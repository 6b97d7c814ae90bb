//! What a scan says of one token: its listed claims (read member by member, without
//! building the token) and, with `--key` or `--password-file`, whether it checks, within
//! the scan's PBES2 budget.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de;
use serde_json::Value;

use super::{Located, Totals};
use crate::cli::InspectArgs;
use crate::error;
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

/// What the listing says of one token: its claims (None: encrypted or not a JSON object)
/// and, with `--key` or `--password-file`, whether it checked.
pub(super) fn examine(
    located: &Located<'_>,
    context: &Context,
    totals: &Totals,
    buf: &mut Vec<u8>,
) -> (Option<Claims>, Option<Verdict>) {
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
        return (claims, None);
    };
    let token = match token::parse(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e)))),
    };
    let policy = scan_policy(context);
    match token.kind {
        Kind::Jws => {
            let claims = payload_claims(payload_part(located.text), buf);
            let check = match verify::verify_jws(&token, keys, &policy) {
                Ok(verified) => verdict(&verified),
                Err(refused) => Verdict::Invalid(error::one_line(&refused.error)),
            };
            (claims, Some(check))
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

fn decrypt(
    token: &token::Compact,
    keys: &KeySet,
    context: &Context,
    policy: &Policy,
) -> (Option<Claims>, Option<Verdict>) {
    let inner = context
        .inner_keys
        .as_ref()
        .map_or(Inner::Skip, Inner::Verify);
    match verify::decrypt_jwe(token, keys, policy, inner) {
        Ok(verified) => (
            verified.claims.as_ref().map(claims_of),
            Some(verdict(&verified)),
        ),
        Err(refused) => (
            None,
            Some(Verdict::Invalid(error::one_line(&refused.error))),
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
fn examine_pbes2(
    located: &Located<'_>,
    context: &Context,
    totals: &Totals,
) -> (Option<Claims>, Option<Verdict>) {
    let skipped = |why| {
        totals.pbes2_skipped.fetch_add(1, Ordering::Relaxed);
        (None, Some(Verdict::Skipped(why)))
    };
    let Some(password) = &context.password else {
        return skipped(NO_PASSWORD);
    };
    let token = match token::parse(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e)))),
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
fn examine_json(
    located: &Located<'_>,
    context: &Context,
    totals: &Totals,
) -> (Option<Claims>, Option<Verdict>) {
    let token = match json::parse_any(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e)))),
    };
    let AnyToken::Json(parsed) = &token else {
        return (None, None);
    };
    let policy = scan_policy(context);
    if parsed.kind == Kind::Jws {
        let claims = token.first().payload().and_then(claims_in);
        let Some(keys) = &context.keys else {
            return (claims, None);
        };
        let check = match json::verify_jws(&token, keys, &policy, false) {
            Ok(verified) => verdict(&verified),
            Err(refused) => Verdict::Invalid(error::one_line(&refused.error)),
        };
        return (claims, Some(check));
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
            (None, Some(Verdict::Skipped(why)))
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
            None => return (None, None),
        }
    };
    let inner = context
        .inner_keys
        .as_ref()
        .map_or(Inner::Skip, Inner::Verify);
    match json::decrypt_jwe(&token, keys, &policy, inner) {
        Ok(verified) => (
            verified.claims.as_ref().map(claims_of),
            Some(verdict(&verified)),
        ),
        Err(refused) => (
            None,
            Some(Verdict::Invalid(error::one_line(&refused.error))),
        ),
    }
}
