//! Deciding whether a token is genuine: the algorithm allowlist, key selection, signature
//! or decryption, and the claim checks. Shared by `verify`, `decrypt`, `inspect --key`
//! and `serve`.

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::alg::{self, Alg, TokenKind};
use crate::error;
use crate::gate;
use crate::jose;
use crate::keys::{Key, KeySet, Op};
use crate::time;
use crate::token::{self, Compact, Kind};

/// What the caller asks to be checked besides the signature.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `--alg`: the only algorithms accepted; empty means "from the key".
    pub algs: Vec<String>,
    /// `--enc` (decrypt): the only content encryptions accepted; empty means any.
    pub encs: Vec<String>,
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
}

/// One line of "what was checked": `{"check":"exp","result":"ok","detail":"…"}`.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub result: &'static str,
    pub detail: String,
}

impl Check {
    fn new(name: &str, result: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name: name.to_string(),
            result,
            detail: detail.into(),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({ "check": self.name, "result": self.result, "detail": self.detail })
    }
}

/// A token that passed: its header, payload, parsed claims (if a JSON object) and the checks.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: Map<String, Value>,
    pub payload: Vec<u8>,
    pub claims: Option<Map<String, Value>>,
    pub checks: Vec<Check>,
    /// For a nested JWT: the inner JWS's header.
    pub inner_header: Option<Map<String, Value>>,
}

/// The algorithms accepted for `op` with these keys: `--alg`, else each key's `alg`, else
/// every algorithm of the key's type.
fn allowed_algs(policy: &Policy, keys: &KeySet, kind: TokenKind) -> Result<Vec<&'static Alg>> {
    if !policy.algs.is_empty() {
        return policy
            .algs
            .iter()
            .map(|name| {
                alg::find(name).filter(|a| a.kind == kind).ok_or_else(|| {
                    error::usage(format!(
                        "--alg {name} is not a {} algorithm",
                        if kind == TokenKind::Jws {
                            "signature"
                        } else {
                            "key-management"
                        }
                    ))
                })
            })
            .collect();
    }
    let op = if kind == TokenKind::Jws {
        Op::Verify
    } else {
        Op::Decrypt
    };
    let mut allowed: Vec<&'static Alg> = Vec::new();
    for key in &keys.keys {
        let algs = match key.alg().and_then(alg::find) {
            Some(own) if own.kind == kind => vec![own],
            Some(_) => vec![],
            None => key.usable_algs(op),
        };
        for a in algs {
            if !allowed.contains(&a) {
                allowed.push(a);
            }
        }
    }
    Ok(allowed)
}

fn names(algs: &[&Alg]) -> String {
    if algs.is_empty() {
        return "none".to_string();
    }
    algs.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
}

/// The token's algorithm, if it is on the allowlist.
fn allowed_token_alg(
    token: &Compact,
    policy: &Policy,
    keys: &KeySet,
    kind: TokenKind,
    enc: Option<&alg::Enc>,
    checks: &mut Vec<Check>,
) -> Result<&'static Alg> {
    let asked = token.alg().unwrap_or("");
    gate::check_not_none(asked)?;
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
            checks.push(Check::new(
                "alg",
                "ok",
                format!("{asked} is allowed ({})", names(&allowed)),
            ));
            Ok(alg)
        }
        None => Err(error::not_authentic(format!(
            "the token asks for {asked}, but only {} {} allowed",
            names(&allowed),
            if allowed.len() == 1 { "is" } else { "are" }
        ))),
    }
}

/// The keys to try for a token: by `kid` from a JWK Set, else each key that can do `alg`.
fn candidates<'k>(
    token: &Compact,
    keys: &'k KeySet,
    alg: &Alg,
    op: Op,
    enc: Option<&alg::Enc>,
) -> Result<Vec<&'k Key>> {
    let kid = token.kid();
    let pool: Vec<&Key> = match kid {
        Some(kid) if keys.is_set => {
            let found: Vec<&Key> = keys.keys.iter().filter(|k| k.kid() == Some(kid)).collect();
            if found.is_empty() {
                return Err(error::not_authentic(format!(
                    "the JWK Set has no key with kid \"{kid}\""
                )));
            }
            found
        }
        _ => keys.keys.iter().collect(),
    };
    let mut first_refusal = None;
    let usable: Vec<&Key> = pool
        .iter()
        .copied()
        .filter(|k| match k.check(alg, op, enc) {
            Ok(()) => true,
            Err(e) => {
                first_refusal.get_or_insert(e);
                false
            }
        })
        .collect();
    if usable.is_empty() {
        let refusal = first_refusal.unwrap_or_else(|| error::runtime("no usable key"));
        let reason = error::one_line(&refusal);
        let verb = if op == Op::Verify {
            "verify"
        } else {
            "decrypt"
        };
        // When the token chose the key (by kid) or the content encryption (a dir key
        // sized for another enc), the token does not fit the key: not authentic. Only a
        // mismatch between the key and the user's --alg is an unusable key (exit 1).
        if let Some(kid) = kid.filter(|_| keys.is_set) {
            return Err(error::not_authentic(format!(
                "the token's kid \"{kid}\" names a key that cannot {verb} {}: {reason}",
                alg.name
            )));
        }
        if let Some(enc) = enc
            && pool.iter().any(|k| {
                alg::ENCS
                    .iter()
                    .any(|other| k.check(alg, op, Some(other)).is_ok())
            })
        {
            return Err(error::not_authentic(format!(
                "the token's enc {} does not fit the key: {reason}",
                enc.name
            )));
        }
        return Err(refusal);
    }
    Ok(usable)
}

fn key_label(key: &Key) -> String {
    match key.kid() {
        Some(kid) => format!("key {kid}"),
        None => key.describe(),
    }
}

/// Verifies a compact JWS and checks its claims.
pub fn verify_jws(token: &Compact, keys: &KeySet, policy: &Policy) -> Result<Verified> {
    if token.kind != Kind::Jws {
        return Err(error::malformed(
            "this is a JWE (encrypted token); use jwtctl decrypt",
        ));
    }
    let mut checks = Vec::new();
    let alg = allowed_token_alg(token, policy, keys, TokenKind::Jws, None, &mut checks)?;
    gate::check_crit(&token.header)?;
    let signing_input = token.signing_input().unwrap_or_default();
    let signature = token.decoded.get(1).cloned().unwrap_or_default();
    let mut verified_by = None;
    for key in candidates(token, keys, alg, Op::Verify, None)? {
        let verifier = jose::verifier(alg, key)?;
        if verifier
            .verify(signing_input.as_bytes(), &signature)
            .is_ok()
        {
            verified_by = Some(key);
            break;
        }
    }
    let Some(key) = verified_by else {
        return Err(error::not_authentic(format!(
            "signature does not verify ({})",
            alg.name
        )));
    };
    checks.push(Check::new(
        "signature",
        "ok",
        format!("{} with {}", alg.name, key_label(key)),
    ));
    let payload = token.payload().unwrap_or_default().to_vec();
    let claims = token::parse_json_object(&payload, "payload").ok();
    check_claims(claims.as_ref(), policy, &mut checks)?;
    Ok(Verified {
        header: token.header.clone(),
        payload,
        claims,
        checks,
        inner_header: None,
    })
}

/// Decrypts a compact JWE. A nested JWT's inner JWS is verified with `inner_keys`; without
/// them it is refused unless `skip_inner` is set.
pub fn decrypt_jwe(
    token: &Compact,
    keys: &KeySet,
    policy: &Policy,
    inner_keys: Option<&KeySet>,
    skip_inner: bool,
) -> Result<Verified> {
    if token.kind != Kind::Jwe {
        return Err(error::malformed(
            "this is a JWS (signed token); use jwtctl verify",
        ));
    }
    let mut checks = Vec::new();
    let (_, enc) = gate::check_jwe(token, policy.max_p2c)?;
    let alg = allowed_token_alg(token, policy, keys, TokenKind::Jwe, Some(enc), &mut checks)?;
    if !policy.encs.is_empty() && !policy.encs.iter().any(|e| e == enc.name) {
        return Err(error::not_authentic(format!(
            "the token uses enc {}, but only {} {} allowed",
            enc.name,
            policy.encs.join(", "),
            if policy.encs.len() == 1 { "is" } else { "are" }
        )));
    }
    let mut context = josekit::jwe::JweContext::new();
    context.remove_compression("DEF");
    context.add_compression(Box::new(gate::CappedDeflate {
        max: policy.max_inflate,
    }));
    let mut plaintext = None;
    let mut inflate_refused = false;
    for key in candidates(token, keys, alg, Op::Decrypt, Some(enc))? {
        if alg.need == alg::KeyNeed::Rsa {
            let modulus = key.bits().div_ceil(8);
            if token.decoded.first().map_or(0, Vec::len) != modulus {
                continue;
            }
        }
        let decrypter = jose::decrypter(alg, Some(enc), key)?;
        match context.deserialize_compact(&token.text, decrypter.as_ref()) {
            Ok((bytes, _)) => {
                plaintext = Some((bytes, key));
                break;
            }
            Err(e) => {
                inflate_refused |= format!("{e:#}").contains("inflates to more than")
                    || std::error::Error::source(&e)
                        .is_some_and(|s| s.to_string().contains("inflates to more than"));
            }
        }
    }
    if inflate_refused && plaintext.is_none() {
        return Err(error::malformed(format!(
            "the zip: DEF payload inflates to more than {} bytes (raise it with --max-inflate)",
            policy.max_inflate
        )));
    }
    // Tag and padding failures give the same answer: no padding oracle.
    let Some((plaintext, key)) = plaintext else {
        return Err(error::not_authentic("decryption failed"));
    };
    checks.push(Check::new(
        "decryption",
        "ok",
        format!("{} + {} with {}", alg.name, enc.name, key_label(key)),
    ));
    let nested = token
        .header
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|cty| cty.eq_ignore_ascii_case("JWT"));
    if !nested {
        let claims = token::parse_json_object(&plaintext, "payload").ok();
        check_claims(claims.as_ref(), policy, &mut checks)?;
        return Ok(Verified {
            header: token.header.clone(),
            payload: plaintext,
            claims,
            checks,
            inner_header: None,
        });
    }
    let inner_text = String::from_utf8(plaintext)
        .map_err(|_| error::malformed("the nested token is not text"))?;
    // The plaintext is already bounded (by the token's size, or by --max-inflate with
    // zip), and a compressed nested JWT is longer than the JWE that carries it.
    let inner = token::parse(&inner_text, inner_text.len())
        .map_err(|e| error::malformed(format!("the nested token: {}", error::one_line(&e))))?;
    if inner.kind != Kind::Jws {
        return Err(error::malformed("the nested token is not a JWS"));
    }
    let Some(inner_keys) = inner_keys else {
        if !skip_inner {
            return Err(error::usage(
                "this is a nested JWT: give --verify-key KEY to verify the inner JWS, or --no-verify-inner",
            ));
        }
        checks.push(Check::new(
            "inner signature",
            "skipped",
            "--no-verify-inner",
        ));
        let payload = inner.payload().unwrap_or_default().to_vec();
        let claims = token::parse_json_object(&payload, "payload").ok();
        check_claims(claims.as_ref(), policy, &mut checks)?;
        return Ok(Verified {
            header: token.header.clone(),
            payload,
            claims,
            checks,
            inner_header: Some(inner.header),
        });
    };
    let inner_policy = Policy {
        algs: Vec::new(),
        ..policy.clone()
    };
    let mut verified = verify_jws(&inner, inner_keys, &inner_policy)?;
    for check in &mut verified.checks {
        if check.name == "signature" || check.name == "alg" {
            check.name = format!("inner {}", check.name);
        }
    }
    checks.append(&mut verified.checks);
    Ok(Verified {
        header: token.header.clone(),
        payload: verified.payload,
        claims: verified.claims,
        checks,
        inner_header: Some(verified.header),
    })
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

fn when(t: f64, now: i64) -> String {
    if !(-1e15..=1e15).contains(&t) {
        return out_of_range(t);
    }
    let t = t.floor() as i64;
    format!("{} ({})", time::rfc3339(t), time::relative(t, now))
}

/// An exact-match check of a string claim (`--iss`, `--sub`), recorded in `checks`. A
/// claim that is not asked for is not looked at; one that is must be a string.
fn exact_claim(
    claims: &Map<String, Value>,
    name: &str,
    label: &str,
    want: Option<&str>,
    checks: &mut Vec<Check>,
) -> Result<()> {
    let Some(want) = want else {
        checks.push(Check::new(name, "not checked", ""));
        return Ok(());
    };
    let got = match claims.get(name) {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(error::rejected(format!("\"{name}\" is not a string"))),
    };
    match got {
        Some(got) if got == want => checks.push(Check::new(name, "ok", got)),
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

/// Checks exp, nbf and what the policy asks for, recording each in `checks`.
pub fn check_claims(
    claims: Option<&Map<String, Value>>,
    policy: &Policy,
    checks: &mut Vec<Check>,
) -> Result<()> {
    let asks_claims = policy.iss.is_some()
        || policy.aud.is_some()
        || policy.sub.is_some()
        || !policy.require.is_empty();
    let Some(claims) = claims else {
        if asks_claims {
            return Err(error::rejected("the payload is not a JSON claims set"));
        }
        checks.push(Check::new(
            "claims",
            "not checked",
            "the payload is not a JSON object",
        ));
        return Ok(());
    };
    let now = policy.now;
    let leeway = policy.leeway as f64;
    match numeric_date(claims, "exp")? {
        _ if policy.ignore_times => {}
        _ if policy.ignore_exp => checks.push(Check::new("exp", "skipped", "--ignore-exp")),
        None => checks.push(Check::new("exp", "absent", "the token never expires")),
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
            checks.push(Check::new(
                "exp",
                "ok",
                format!("expires {}", when(exp, now)),
            ));
        }
    }
    match numeric_date(claims, "nbf")? {
        _ if policy.ignore_times => {}
        None => checks.push(Check::new("nbf", "absent", "")),
        Some(nbf) => {
            if (now as f64) + leeway < nbf {
                return Err(error::rejected(format!(
                    "token is not valid before {}",
                    when(nbf, now)
                )));
            }
            checks.push(Check::new(
                "nbf",
                "ok",
                format!("valid since {}", when(nbf, now)),
            ));
        }
    }
    exact_claim(claims, "iss", "issuer", policy.iss.as_deref(), checks)?;
    match &policy.aud {
        None => checks.push(Check::new(
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
            checks.push(Check::new("aud", "ok", want.as_str()));
        }
    }
    exact_claim(claims, "sub", "subject", policy.sub.as_deref(), checks)?;
    for name in &policy.require {
        if !claims.contains_key(name) {
            return Err(error::rejected(format!(
                "required claim \"{name}\" is missing"
            )));
        }
        checks.push(Check::new(&format!("require {name}"), "ok", "present"));
    }
    Ok(())
}
