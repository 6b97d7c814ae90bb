//! Checking JSON-serialized tokens: each signature the keys can check (one valid is enough,
//! or all with `--all-signatures`), or the recipient the keys fit, through the same checks
//! as a compact token; the check list names each signature or recipient.

use super::json::{AnyToken, JsonToken};
use super::verdict::{Check, Refused, Verified};
use crate::error::{self, Class};
use crate::jose::token::{Compact, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::KeySet;

/// Whether a refusal says the signature was checked and did not verify (rather than that no
/// key could check it).
fn signature_failed(refused: &Refused) -> bool {
    refused.mismatch
}

fn signature_ok(checks: &[Check]) -> bool {
    checks
        .iter()
        .any(|c| c.name == "signature" && c.result == "ok")
}

/// Verifies a JWS in either serialization. With several signatures: each that the keys can
/// check is checked; one valid signature is enough, or every one with `all`. The checks
/// list each signature and its result.
pub fn verify_jws(
    token: &AnyToken,
    keys: &KeySet,
    policy: &Policy,
    all: bool,
) -> Result<Verified, Refused> {
    match token {
        AnyToken::Compact(c) => verify::verify_jws(c, keys, policy),
        AnyToken::Json(j) => verify_json_jws(j, keys, policy, all),
    }
}

/// [`verify_jws`] of a JSON-serialized JWS.
pub fn verify_json_jws(
    json: &JsonToken,
    keys: &KeySet,
    policy: &Policy,
    all: bool,
) -> Result<Verified, Refused> {
    if json.kind != Kind::Jws {
        return Err(with_header(
            error::malformed("this is a JWE (encrypted token); use jwtctl decrypt"),
            &json.entries[0].view,
        ));
    }
    if json.detached {
        return Err(with_header(
            error::usage("this JWS has a detached payload: give it with --payload FILE"),
            &json.entries[0].view,
        ));
    }
    if json.entries.len() == 1 {
        return verify::verify_jws(&json.entries[0].view, keys, policy);
    }
    let outcomes: Vec<Result<Verified, Refused>> = json
        .entries
        .iter()
        .map(|e| verify::verify_jws(&e.view, keys, policy))
        .collect();
    let mut checks = Vec::new();
    let mut chosen: Option<usize> = None;
    let mut failure: Option<anyhow::Error> = None;
    for (i, outcome) in outcomes.iter().enumerate() {
        let name = format!("signature {}", i + 1);
        let alg = json.entries[i].view.alg().unwrap_or("?").to_string();
        let (result, detail, valid) = match outcome {
            Ok(v) => (
                "ok",
                signature_detail(&v.checks).unwrap_or(alg.clone()),
                true,
            ),
            Err(r) if signature_ok(&r.checks) => (
                "ok",
                signature_detail(&r.checks).unwrap_or(alg.clone()),
                true,
            ),
            Err(r) if signature_failed(r) => {
                failure.get_or_insert_with(|| {
                    error::not_authentic(format!("{name} does not verify ({alg})"))
                });
                ("failed", format!("does not verify ({alg})"), false)
            }
            Err(r) if error::class_of(&r.error) == Class::Malformed => {
                return Err(with_checks(
                    error::malformed(format!("{name}: {}", error::one_line(&r.error))),
                    &json.entries[i].view,
                    checks,
                ));
            }
            Err(r) => {
                let reason = error::one_line(&r.error);
                if all {
                    failure.get_or_insert_with(|| {
                        error::not_authentic(format!(
                            "{name} cannot be checked with the keys given: {reason}"
                        ))
                    });
                }
                ("skipped", format!("no key for it: {reason}"), false)
            }
        };
        checks.push(Check::new(name, result, detail));
        if valid && chosen.is_none() {
            chosen = Some(i);
        }
    }
    if all && let Some(error) = failure {
        return Err(with_checks(error, &json.entries[0].view, checks));
    }
    let Some(index) = chosen else {
        let error = failure.unwrap_or_else(|| {
            error::not_authentic(format!(
                "none of the {} signatures can be checked with the keys given",
                json.entries.len()
            ))
        });
        return Err(with_checks(error, &json.entries[0].view, checks));
    };
    // The chosen signature's own checks after the list: its alg and the claims.
    let keep = |c: &Check| c.name != "signature";
    match outcomes.into_iter().nth(index) {
        Some(Ok(mut verified)) => {
            checks.extend(verified.checks.drain(..).filter(keep));
            verified.checks = checks;
            Ok(verified)
        }
        Some(Err(mut refused)) => {
            checks.extend(refused.checks.drain(..).filter(keep));
            refused.checks = checks;
            Err(refused)
        }
        None => Err(error::runtime("no signature").into()),
    }
}

fn signature_detail(checks: &[Check]) -> Option<String> {
    checks
        .iter()
        .find(|c| c.name == "signature" && c.result == "ok")
        .map(|c| c.detail.to_string())
}

fn with_header(error: anyhow::Error, view: &Compact) -> Refused {
    Refused {
        header: Some(view.header.clone()),
        ..Refused::from(error)
    }
}

fn with_checks(error: anyhow::Error, view: &Compact, mut checks: Vec<Check>) -> Refused {
    checks.push(Check::new("signatures", "failed", error::one_line(&error)));
    Refused {
        checks,
        ..with_header(error, view)
    }
}

/// Decrypts a JWE in either serialization. Every recipient passes the pre-checks first; then
/// the recipient whose `kid` names one of the keys is used, else each whose algorithm the
/// keys allow, in order.
pub fn decrypt_jwe(
    token: &AnyToken,
    keys: &KeySet,
    policy: &Policy,
    inner: Inner<'_>,
) -> Result<Verified, Refused> {
    match token {
        AnyToken::Compact(c) => verify::decrypt_jwe(c, keys, policy, inner),
        AnyToken::Json(j) => decrypt_json_jwe(j, keys, policy, inner),
    }
}

/// [`decrypt_jwe`] of a JSON-serialized JWE.
pub fn decrypt_json_jwe(
    json: &JsonToken,
    keys: &KeySet,
    policy: &Policy,
    inner: Inner<'_>,
) -> Result<Verified, Refused> {
    if json.kind != Kind::Jwe {
        return Err(with_header(
            error::malformed("this is a JWS (signed token); use jwtctl verify"),
            &json.entries[0].view,
        ));
    }
    if json.entries.len() == 1 {
        return verify::decrypt_jwe(&json.entries[0].view, keys, policy, inner);
    }
    for (i, entry) in json.entries.iter().enumerate() {
        crate::jose::precheck::check_jwe(&entry.view, policy.max_p2c).map_err(|e| {
            let class = error::class_of(&e);
            let message = format!("recipient {}: {}", i + 1, error::one_line(&e));
            with_header(
                match class {
                    Class::Malformed => error::malformed(message),
                    _ => error::not_authentic(message),
                },
                &entry.view,
            )
        })?;
    }
    let kids: Vec<&str> = keys.keys.iter().filter_map(|k| k.kid()).collect();
    let named: Vec<usize> = (0..json.entries.len())
        .filter(|&i| {
            json.entries[i]
                .view
                .kid()
                .is_some_and(|k| kids.contains(&k))
        })
        .collect();
    let order: Vec<usize> = if named.is_empty() {
        (0..json.entries.len()).collect()
    } else {
        named
    };
    let mut first_refusal: Option<Refused> = None;
    for i in order {
        match verify::decrypt_jwe(&json.entries[i].view, keys, policy, inner) {
            Ok(mut verified) => {
                verified.checks.insert(
                    0,
                    Check::new("recipient", "ok", format!("recipient {}", i + 1)),
                );
                return Ok(verified);
            }
            Err(refused) => {
                // Decrypted, but refused later (claims, inner token): that is the answer.
                if refused
                    .checks
                    .iter()
                    .any(|c| c.name == "decryption" && c.result == "ok")
                {
                    return Err(refused);
                }
                first_refusal.get_or_insert(refused);
            }
        }
    }
    Err(first_refusal.unwrap_or_else(|| error::not_authentic("decryption failed").into()))
}
