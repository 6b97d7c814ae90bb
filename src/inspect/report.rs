//! The inspection report: everything a token says, its times and findings, and with a key
//! whether it checks. One typed value: `--json` serialises it, [`super::render`] draws it.

use anyhow::Result;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde_json::{Map, Value};

use super::findings::{self, Finding};
use crate::error;
use crate::io::output::Payload;
use crate::jose::json::{self, AnyToken, Form, JsonToken};
use crate::jose::token::{Compact, Kind};
use crate::jose::verify::{self, Check, Inner, Policy};
use crate::keys::KeySet;
use crate::time;

/// The NumericDate claims shown as times.
const TIME_CLAIMS: &[&str] = &["iat", "nbf", "exp", "auth_time"];

/// The members serialise in this order (the `--json` document scripts rely on). A JWS has
/// `signature` and `claims` or `payload`; a JWE decrypted with `--key` has `decrypted`.
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(rename = "type", serialize_with = "kind_name")]
    pub kind: Kind,
    /// `flattened` or `general` for a JSON-serialized token (absent for compact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serialization: Option<&'static str>,
    pub header: Map<String, Value>,
    /// A JSON-serialized JWS: each signature's headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatures: Option<Vec<EntryHeaders>>,
    /// A JSON-serialized JWE: each recipient's headers (the shared ones included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<EntryHeaders>>,
    pub parts: Vec<Part>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted: Option<Decrypted>,
    /// A JWS payload that is not a claims set.
    #[serde(flatten)]
    pub payload: Option<Payload>,
    pub times: Times,
    pub lifetime: Option<Lifetime>,
    pub findings: Vec<Finding>,
}

/// One signature's or recipient's headers: what is protected, what is not, and the union.
#[derive(Debug, Serialize)]
pub struct EntryHeaders {
    pub protected: Map<String, Value>,
    pub unprotected: Map<String, Value>,
    pub header: Map<String, Value>,
}

#[derive(Debug, Serialize)]
pub struct Part {
    pub name: &'static str,
    pub bytes: usize,
}

#[derive(Debug, Serialize)]
pub struct Signature {
    pub alg: Option<String>,
    pub bytes: usize,
}

/// With `--key`: whether the token checked (`error` says why not) and what was checked.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub valid: bool,
    pub error: Option<String>,
    /// The key could not be used on this token (too weak, wrong type, wrong use): the
    /// token was never judged, which "not valid" would misstate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub key_refused: bool,
    #[serde(serialize_with = "checks_json")]
    pub checks: Vec<Check>,
}

/// A JWE's content, once decrypted with `--key`.
#[derive(Debug, Serialize)]
pub struct Decrypted {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_header: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub payload: Option<Payload>,
}

/// The time claims present, in [`TIME_CLAIMS`] order, as a JSON object by claim name.
#[derive(Debug, Default)]
pub struct Times(pub Vec<Time>);

#[derive(Debug)]
pub struct Time {
    pub claim: &'static str,
    /// The claim as the token gives it.
    pub unix: Value,
    /// RFC 3339 UTC, or none when out of range.
    pub utc: Option<String>,
    pub relative: String,
    /// The claim's time minus now, in seconds (none when out of range).
    pub from_now: Option<i64>,
}

/// The one-line verdict on the token's times: `EXPIRED 2h ago`, `valid for 14m`, …
pub fn headline(times: &Times) -> Option<(String, bool)> {
    let at = |claim: &str| times.get(claim).and_then(|t| t.from_now);
    let exp = at("exp");
    if let Some(nbf) = at("nbf").filter(|&d| d > 0) {
        return Some((
            format!("NOT YET VALID (valid in {})", time::human_span(nbf as u64)),
            false,
        ));
    }
    match exp {
        Some(d) if d <= 0 => Some((
            format!("EXPIRED {} ago", time::human_span(d.unsigned_abs())),
            false,
        )),
        Some(d) => Some((format!("valid for {}", time::human_span(d as u64)), true)),
        None if times.get("exp").is_some() => Some(("exp out of range".to_string(), false)),
        None => Some(("valid with no expiry (no exp)".to_string(), true)),
    }
}

/// The validity window on one line, in time order: `iat 2h ago ── nbf 2h ago ── now ──
/// exp in 14m`.
pub fn window(times: &Times) -> Option<String> {
    let mut points: Vec<(i64, String)> = ["iat", "nbf", "exp"]
        .iter()
        .filter_map(|&claim| {
            let d = times.get(claim)?.from_now?;
            let when = match d {
                0 => "just now".to_string(),
                d if d > 0 => format!("in {}", time::human_span(d as u64)),
                d => format!("{} ago", time::human_span(d.unsigned_abs())),
            };
            Some((d, format!("{claim} {when}")))
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    // now sits after the points at or before it (a token is expired when now >= exp).
    let now_at = points.iter().filter(|(d, _)| *d <= 0).count();
    points.sort_by_key(|(d, _)| *d);
    let mut names: Vec<String> = points.into_iter().map(|(_, s)| s).collect();
    names.insert(now_at, "now".to_string());
    Some(names.join(" ── "))
}

#[derive(Debug, Serialize)]
pub struct Lifetime {
    pub seconds: i64,
    pub human: String,
}

impl Report {
    /// The claims, wherever they are (a JWS's, or a decrypted JWE's).
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        match &self.decrypted {
            Some(decrypted) => decrypted.claims.as_ref(),
            None => self.claims.as_ref(),
        }
    }

    /// The payload that is not a claims set, wherever it is.
    pub fn payload(&self) -> Option<&Payload> {
        match &self.decrypted {
            Some(decrypted) => decrypted.payload.as_ref(),
            None => self.payload.as_ref(),
        }
    }
}

impl Times {
    pub fn get(&self, claim: &str) -> Option<&Time> {
        self.0.iter().find(|t| t.claim == claim)
    }
}

impl Serialize for Times {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for time in &self.0 {
            map.serialize_entry(time.claim, time)?;
        }
        map.end()
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Time", 6)?;
        out.serialize_field("unix", &self.unix)?;
        out.serialize_field("utc", &self.utc)?;
        out.serialize_field("relative", &self.relative)?;
        // Machine fields beside the words: seconds from now, and the verdict for exp/nbf.
        out.serialize_field("seconds_from_now", &self.from_now)?;
        match (self.claim, self.from_now) {
            ("exp", Some(d)) => {
                out.serialize_field("expired", &(d <= 0))?;
                out.serialize_field("expires_in", &d.max(0))?;
            }
            ("nbf", Some(d)) => out.serialize_field("not_yet_valid", &(d > 0))?,
            _ => {}
        }
        out.end()
    }
}

fn kind_name<S: Serializer>(kind: &Kind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(match kind {
        Kind::Jws => "JWS",
        Kind::Jwe => "JWE",
    })
}

/// Checks as `{check, result, detail}`.
fn checks_json<S: Serializer>(checks: &[Check], serializer: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a> {
        check: &'a str,
        result: &'a str,
        detail: &'a str,
    }
    serializer.collect_seq(checks.iter().map(|c| Shown {
        check: &c.name,
        result: c.result,
        detail: &c.detail,
    }))
}

/// Inspects `token` (with `keys`, checks it too). A JWS whose payload is a claims set that
/// does not parse strictly is malformed (exit 3).
pub fn report(
    token: &Compact,
    now: i64,
    keys: Option<&KeySet>,
    inner_keys: Option<&KeySet>,
) -> Result<Report> {
    build(token, None, now, keys, inner_keys, false)
}

/// Inspects a token in either serialization: a JSON one is shown through its first
/// signature or recipient, with every entry's headers listed, and checked as a whole.
/// `allow_weak_key` is `--allow-weak-key` for the key check.
pub fn report_any_with(
    token: &AnyToken,
    now: i64,
    keys: Option<&KeySet>,
    inner_keys: Option<&KeySet>,
    allow_weak_key: bool,
) -> Result<Report> {
    let AnyToken::Json(json) = token else {
        return build(token.first(), None, now, keys, inner_keys, allow_weak_key);
    };
    let mut report = build(
        token.first(),
        Some(json),
        now,
        keys,
        inner_keys,
        allow_weak_key,
    )?;
    report.serialization = Some(match json.form {
        Form::Flattened => "flattened",
        Form::General => "general",
    });
    let entries = json
        .entries
        .iter()
        .map(|e| {
            let mut unprotected = json.shared.clone();
            unprotected.extend(e.unprotected.clone());
            EntryHeaders {
                protected: e.protected.clone(),
                unprotected,
                header: (*e.view.header).clone(),
            }
        })
        .collect();
    match json.kind {
        Kind::Jws => report.signatures = Some(entries),
        Kind::Jwe => report.recipients = Some(entries),
    }
    Ok(report)
}

fn build(
    token: &Compact,
    json: Option<&JsonToken>,
    now: i64,
    keys: Option<&KeySet>,
    inner_keys: Option<&KeySet>,
    allow_weak_key: bool,
) -> Result<Report> {
    let jws = token.kind == Kind::Jws;
    let names: &[&'static str] = match token.kind {
        Kind::Jws => &["header", "payload", "signature"],
        Kind::Jwe => &["header", "encrypted_key", "iv", "ciphertext", "tag"],
    };
    let sizes = std::iter::once(token.header_bytes.len()).chain(token.decoded.iter().map(Vec::len));
    let parts = names
        .iter()
        .zip(sizes)
        .map(|(&name, bytes)| Part { name, bytes })
        .collect();
    let mut signature = None;
    if jws {
        signature = Some(Signature {
            alg: token.alg().map(str::to_string),
            bytes: token.decoded.get(1).map_or(0, Vec::len),
        });
    }
    // The key check comes first: for a JWS it parses a copy of the claims of its own, dropped
    // before the claims below are parsed (two copies of a 1 MiB claims bomb at once would
    // double the peak memory).
    let (verification, decrypted) = match keys {
        Some(keys) => {
            let (verification, decrypted) =
                check_with_key(token, json, now, keys, inner_keys, allow_weak_key);
            (Some(verification), decrypted)
        }
        None => (None, None),
    };
    let (mut claims, mut payload) = (None, None);
    if jws {
        let bytes = token.payload().unwrap_or_default();
        match verify::claims_of(bytes, &token.header)? {
            Some(parsed) => claims = Some(parsed.into_map()),
            None => payload = Some(Payload::of(bytes)),
        }
    }
    // The claims stay where they were put (moved, never copied: they may be a bomb).
    let (times, lifetime, found) = {
        let claims = match &decrypted {
            Some(decrypted) => decrypted.claims.as_ref(),
            None => claims.as_ref(),
        };
        let found = findings::token_findings(token, claims, now);
        let (times, lifetime) = match claims {
            Some(claims) => times(claims, now),
            None => (Times::default(), None),
        };
        (times, lifetime, found)
    };
    Ok(Report {
        kind: token.kind,
        serialization: None,
        header: (*token.header).clone(),
        signatures: None,
        recipients: None,
        parts,
        signature,
        claims,
        verification,
        decrypted,
        payload,
        times,
        lifetime,
        findings: found,
    })
}

/// With `--key`: the signature check, or the decryption and the inner token.
fn check_with_key(
    token: &Compact,
    json: Option<&JsonToken>,
    now: i64,
    keys: &KeySet,
    inner_keys: Option<&KeySet>,
    allow_weak_key: bool,
) -> (Verification, Option<Decrypted>) {
    // Only authenticity here: times are shown, not judged. A JWE anyone could make is
    // decrypted and shown, with a verdict that says so.
    let policy = Policy {
        ignore_times: true,
        allow_unauthenticated: true,
        allow_weak_key,
        ..Policy::new(now)
    };
    let inner = inner_keys.map_or(Inner::Skip, Inner::Verify);
    let result = match (token.kind, json) {
        (Kind::Jws, Some(json)) => json::verify_json_jws(json, keys, &policy, false),
        (Kind::Jwe, Some(json)) => json::decrypt_json_jwe(json, keys, &policy, inner),
        (Kind::Jws, None) => verify::verify_jws(token, keys, &policy),
        (Kind::Jwe, None) => verify::decrypt_jwe(token, keys, &policy, inner),
    };
    match result {
        Ok(mut verified) => {
            let anyone = verified.anyone_could_make();
            let verification = Verification {
                valid: !anyone,
                error: anyone.then(|| verify::NOT_AUTHENTICATED.to_string()),
                key_refused: false,
                checks: std::mem::take(&mut verified.checks),
            };
            let decrypted = (token.kind == Kind::Jwe).then(|| {
                // The check parsed the claims already: take them rather than parse a
                // second copy (memory stays bounded by one copy of the plaintext).
                let claims = verified.claims.take().map(verify::ClaimsSet::into_map);
                let payload = claims.is_none().then(|| Payload::of(verified.payload()));
                Decrypted {
                    inner_header: verified
                        .inner_header
                        .take()
                        .map(std::sync::Arc::unwrap_or_clone),
                    claims,
                    payload,
                }
            });
            (verification, decrypted)
        }
        Err(refused) => (
            Verification {
                valid: false,
                // A runtime refusal is about the key (it cannot serve this token), not
                // about the token.
                key_refused: error::class_of(&refused.error) == error::Class::Runtime,
                error: Some(error::one_line(&refused.error)),
                checks: refused.checks,
            },
            None,
        ),
    }
}

/// The times block: each NumericDate as Unix, RFC 3339 and relative, and the lifetime.
fn times(claims: &Map<String, Value>, now: i64) -> (Times, Option<Lifetime>) {
    let mut times = Vec::new();
    for &claim in TIME_CLAIMS {
        let Some(value) = claims.get(claim).and_then(Value::as_f64) else {
            continue;
        };
        let unix = claims[claim].clone();
        if !(-1e15..=1e15).contains(&value) {
            times.push(Time {
                claim,
                unix,
                utc: None,
                relative: "out of range".into(),
                from_now: None,
            });
            continue;
        }
        let t = value.floor() as i64;
        let relative = time::relative(t, now);
        let said = match (claim, t > now) {
            ("exp", true) => format!("expires {relative}"),
            ("exp", false) => format!("expired {relative}"),
            ("nbf", true) => format!("valid {relative}"),
            ("nbf", false) => format!("valid since {relative}"),
            ("iat", _) => format!("issued {relative}"),
            _ => relative,
        };
        times.push(Time {
            claim,
            unix,
            utc: Some(time::rfc3339(t)),
            relative: said,
            from_now: t.checked_sub(now),
        });
    }
    let exp = claims.get("exp").and_then(Value::as_f64);
    let start = claims
        .get("iat")
        .or_else(|| claims.get("nbf"))
        .and_then(Value::as_f64);
    let lifetime = match (exp, start) {
        (Some(exp), Some(start)) if (-1e15..=1e15).contains(&(exp - start)) => {
            let seconds = (exp - start).floor() as i64;
            let human = if seconds < 0 {
                format!("-{}", time::human_span(seconds.unsigned_abs()))
            } else {
                time::human_span(seconds as u64)
            };
            Some(Lifetime { seconds, human })
        }
        _ => None,
    };
    (Times(times), lifetime)
}
