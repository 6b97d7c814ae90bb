//! The claims set of an authentic payload: parsed strictly, then judged (exp, nbf, iss, aud,
//! sub, required claims) with each check recorded in the trail.

use anyhow::Result;
use serde_json::{Map, Value};

use super::verdict::{Check, Trail};
use super::verify::Policy;
use crate::error;
use crate::jose::strict_json;
use crate::time;

/// Whether a `typ` or `cty` value names a JWT (RFC 7519 §5.1, §5.2), media type or not.
pub(super) fn names_jwt(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("JWT") || v.eq_ignore_ascii_case("application/jwt"))
}

/// The claims set of a payload. A payload that starts with `{`, or whose header says
/// `typ`/`cty: JWT`, is a claims set and must parse strictly (else exit 3); any other payload
/// is not a JWT (`None`).
pub fn claims_of(
    payload: &[u8],
    header: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>> {
    let says_jwt = names_jwt(header.get("typ")) || names_jwt(header.get("cty"));
    if !says_jwt && !strict_json::looks_like_object(payload) {
        return Ok(None);
    }
    strict_json::parse_object(payload, "the claims set").map(Some)
}

/// [`claims_of`] for an authentic payload, as a step of the trail.
pub(super) fn claims_set(
    payload: &[u8],
    header: &Map<String, Value>,
    trail: &mut Trail,
) -> Result<Option<Map<String, Value>>> {
    trail.step = "claims";
    claims_of(payload, header)
}

/// A NumericDate claim as seconds (fractions floored); `Err` names a malformed value.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(error::rejected(format!("\"{name}\" is not a NumericDate"))),
    }
}

/// A number no calendar holds, written short (`1e300`, not 301 digits).
fn out_of_range(t: f64) -> String {
    format!("{t:e}")
}

/// `2023-11-14T23:13:20Z (in 1h)` after `prefix`: the detail of an exp or nbf check, built
/// in one string (it is built for every token of a `--batch`).
fn when(prefix: &str, t: f64, now: i64) -> String {
    if !(-1e15..=1e15).contains(&t) {
        return format!("{prefix}{}", out_of_range(t));
    }
    let t = t.floor() as i64;
    let mut out = String::with_capacity(prefix.len() + 40);
    out.push_str(prefix);
    out.push_str(&time::rfc3339(t));
    out.push_str(" (");
    time::write_relative(&mut out, t, now);
    out.push(')');
    out
}

/// An exact-match check of a string claim (`--iss`, `--sub`), recorded in `checks`. A
/// claim that is not asked for is not looked at; one that is must be a string.
fn exact_claim(
    claims: &Map<String, Value>,
    name: &'static str,
    label: &str,
    want: Option<&str>,
    trail: &mut Trail,
) -> Result<()> {
    let Some(want) = want else {
        trail.checks.push(Check::new(name, "not checked", ""));
        return Ok(());
    };
    let got = match claims.get(name) {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(error::rejected(format!("\"{name}\" is not a string"))),
    };
    match got {
        Some(got) if got == want => trail.ok(name, got.to_string()),
        Some(got) => {
            return Err(error::rejected(format!(
                "{label} is \"{got}\", expected \"{want}\""
            )));
        }
        None => {
            return Err(error::rejected(format!(
                "token has no {name}, expected \"{want}\""
            )));
        }
    }
    Ok(())
}

/// [`check_claims`], keeping the (authentic) claims for the report of a refusal. They are
/// moved, never copied: a claims set may be as large as the token.
pub(super) fn judge_claims(
    claims: Option<Map<String, Value>>,
    policy: &Policy,
    trail: &mut Trail,
) -> Result<Option<Map<String, Value>>> {
    match check_claims(claims.as_ref(), policy, trail) {
        Ok(()) => Ok(claims),
        Err(e) => {
            trail.claims = claims;
            Err(e)
        }
    }
}

/// Checks exp, nbf and what the policy asks for, recording each in the trail.
fn check_claims(
    claims: Option<&Map<String, Value>>,
    policy: &Policy,
    trail: &mut Trail,
) -> Result<()> {
    let asked: Vec<&str> = [
        ("--iss", policy.iss.is_some()),
        ("--aud", policy.aud.is_some()),
        ("--sub", policy.sub.is_some()),
        ("--require", !policy.require.is_empty()),
    ]
    .into_iter()
    .filter_map(|(flag, asked)| asked.then_some(flag))
    .collect();
    let Some(claims) = claims else {
        trail.step = "claims";
        if !asked.is_empty() {
            return Err(error::rejected(format!(
                "the payload is not a JWT claims set, so {} cannot be checked",
                asked.join(", ")
            )));
        }
        trail.checks.push(Check::new(
            "claims",
            "not checked",
            "not a JWT (raw payload)",
        ));
        return Ok(());
    };
    let now = policy.now;
    let leeway = policy.leeway as f64;
    trail.step = "exp";
    match numeric_date(claims, "exp")? {
        _ if policy.ignore_times => {}
        _ if policy.ignore_exp => trail
            .checks
            .push(Check::new("exp", "skipped", "--ignore-exp")),
        None => trail
            .checks
            .push(Check::new("exp", "absent", "the token never expires")),
        Some(exp) => {
            if now as f64 >= exp + leeway {
                let exp_i = exp.floor();
                let ago = if (-1e15..=1e15).contains(&exp_i) {
                    format!(
                        " ({} ago)",
                        time::human_span((now as f64 - exp_i).max(0.0) as u64)
                    )
                } else {
                    String::new()
                };
                let at = if (-1e15..=1e15).contains(&exp_i) {
                    time::rfc3339(exp_i as i64)
                } else {
                    out_of_range(exp)
                };
                return Err(error::rejected(format!("token expired at {at}{ago}")));
            }
            trail.ok("exp", when("expires ", exp, now));
        }
    }
    trail.step = "nbf";
    match numeric_date(claims, "nbf")? {
        _ if policy.ignore_times => {}
        None => trail.checks.push(Check::new("nbf", "absent", "")),
        Some(nbf) => {
            if (now as f64) + leeway < nbf {
                return Err(error::rejected(when(
                    "token is not valid before ",
                    nbf,
                    now,
                )));
            }
            trail.ok("nbf", when("valid since ", nbf, now));
        }
    }
    trail.step = "iss";
    exact_claim(claims, "iss", "issuer", policy.iss.as_deref(), trail)?;
    trail.step = "aud";
    match &policy.aud {
        None => trail.checks.push(Check::new(
            "aud",
            "not checked",
            if claims.contains_key("aud") {
                "the token has an aud; give --aud to check it"
            } else {
                ""
            },
        )),
        Some(want) => {
            let auds: Vec<&str> = match claims.get("aud") {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                Some(_) => return Err(error::rejected("\"aud\" is neither a string nor an array")),
                None => {
                    return Err(error::rejected(format!(
                        "token has no aud, expected \"{want}\""
                    )));
                }
            };
            if !auds.contains(&want.as_str()) {
                return Err(error::rejected(format!(
                    "audience {} does not include \"{want}\"",
                    serde_json::to_string(&auds).unwrap_or_default()
                )));
            }
            trail.ok("aud", want.clone());
        }
    }
    trail.step = "sub";
    exact_claim(claims, "sub", "subject", policy.sub.as_deref(), trail)?;
    trail.step = "require";
    for name in &policy.require {
        if !claims.contains_key(name) {
            return Err(error::rejected(format!(
                "required claim \"{name}\" is missing"
            )));
        }
        trail.ok(format!("require {name}"), "present");
    }
    Ok(())
}
