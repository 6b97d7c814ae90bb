//! `jwtctl inspect`: everything a token says, without a key; with one, whether it checks.
//! `--scan` (every token in logs) and `--wordlist` (weak-secret search) live in submodules.

mod wordlist;

use crate::bulk::scan;

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::cli::{GlobalArgs, InspectArgs};
use crate::error;
use crate::inspect::findings::{self, Finding};
use crate::io::input;
use crate::io::output::{self, Style};
use crate::jose::token::{self, Compact, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::{self, KeySet};
use crate::time;

/// The NumericDate claims shown as times.
const TIME_CLAIMS: &[&str] = &["iat", "nbf", "exp", "auth_time"];

pub fn run(args: &InspectArgs, global: &GlobalArgs) -> Result<()> {
    if let Some(wordlist) = &args.wordlist {
        return wordlist::run(args, global, wordlist);
    }
    if args.scan.is_some() {
        return scan::run(args, global);
    }
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--key", args.key.as_deref()),
        ("--verify-key", args.verify_key.as_deref()),
    ])?;
    let now = time::now_or(args.now.as_deref())?;
    let max = args.token_input.max_token_size;
    let text = input::token_arg(args.token.as_deref(), max, true)?;
    let parsed = token::parse(&text, max)?;
    let load = keys::LoadOptions {
        allow_url: true,
        ..args.key_input.load_options()
    };
    let keys = keys::load_optional(args.key.as_deref(), &load)?;
    let inner_keys = keys::load_optional(args.verify_key.as_deref(), &load)?;
    let report = report(&parsed, now, keys.as_ref(), inner_keys.as_ref())?;
    if global.json {
        return output::print_json(&report);
    }
    let style = Style::for_stdout(global.color);
    crate::io::files::write_stdout(render(&report, &style).as_bytes())
}

/// The whole inspection as one JSON document (the `--json` output; `render` draws it).
/// A JWS whose payload is a claims set that does not parse strictly is malformed (exit 3).
pub fn report(
    token: &Compact,
    now: i64,
    keys: Option<&KeySet>,
    inner_keys: Option<&KeySet>,
) -> Result<Value> {
    let mut doc = Map::new();
    doc.insert(
        "type".into(),
        json!(if token.kind == Kind::Jws {
            "JWS"
        } else {
            "JWE"
        }),
    );
    doc.insert("header".into(), Value::Object(token.header.clone()));
    let names: &[&str] = match token.kind {
        Kind::Jws => &["header", "payload", "signature"],
        Kind::Jwe => &["header", "encrypted_key", "iv", "ciphertext", "tag"],
    };
    let sizes = std::iter::once(token.header_bytes.len()).chain(token.decoded.iter().map(Vec::len));
    let parts: Vec<Value> = names
        .iter()
        .zip(sizes)
        .map(|(name, bytes)| json!({ "name": name, "bytes": bytes }))
        .collect();
    doc.insert("parts".into(), Value::Array(parts));
    let mut found = findings::header_findings(token);
    let mut claims = None;
    if token.kind == Kind::Jws {
        doc.insert(
            "signature".into(),
            json!({ "alg": token.alg(), "bytes": token.decoded.get(1).map_or(0, Vec::len) }),
        );
        // A placeholder keeps the document's member order: the claims are parsed after the
        // key check, which parses a copy of its own (two copies of a 1 MiB claims bomb at
        // once would double the peak memory).
        doc.insert("claims".into(), Value::Null);
        if let Some(secret) = findings::weak_secret(token) {
            found.insert(0, findings::weak_secret_finding(secret));
        }
    }
    if let Some(keys) = keys {
        check_with_key(&mut doc, token, now, keys, inner_keys, &mut claims);
    }
    if token.kind == Kind::Jws {
        claims = put_payload(&mut doc, token.payload().unwrap_or_default(), &token.header)?;
        if claims.is_none() {
            doc.shift_remove("claims");
        }
    }
    if let Some(claims) = &claims {
        let readable = token.kind == Kind::Jws;
        found.extend(findings::claim_findings(claims, now, readable));
        let (times, lifetime) = times(claims, now);
        doc.insert("times".into(), times);
        doc.insert("lifetime".into(), lifetime);
    } else {
        doc.insert("times".into(), json!({}));
        doc.insert("lifetime".into(), Value::Null);
    }
    found.sort_by_key(|f| f.severity);
    doc.insert(
        "findings".into(),
        Value::Array(found.iter().map(Finding::to_json).collect()),
    );
    // The claims move into their placeholder (never copied: they may be a bomb).
    if let Some(claims) = claims {
        let place = match doc.get_mut("decrypted") {
            Some(Value::Object(decrypted)) => decrypted.get_mut("claims"),
            _ => doc.get_mut("claims"),
        };
        if let Some(place) = place {
            *place = Value::Object(claims);
        }
    }
    Ok(Value::Object(doc))
}

/// Puts `payload` (text) into `doc`, or, for a claims set, a `claims` placeholder that
/// `report` fills at the end; returns the claims. A claims set that does not parse strictly
/// is malformed (exit 3).
fn put_payload(
    doc: &mut Map<String, Value>,
    payload: &[u8],
    header: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>> {
    match verify::claims_of(payload, header)? {
        Some(claims) => {
            doc.insert("claims".into(), Value::Null);
            Ok(Some(claims))
        }
        None => {
            output::put_payload(doc, payload);
            Ok(None)
        }
    }
}

/// With `--key`: the signature check, or the decryption and the inner token.
fn check_with_key(
    doc: &mut Map<String, Value>,
    token: &Compact,
    now: i64,
    keys: &KeySet,
    inner_keys: Option<&KeySet>,
    claims: &mut Option<Map<String, Value>>,
) {
    // Only authenticity here: times are shown, not judged. A JWE anyone could make is
    // decrypted and shown, with a verdict that says so.
    let policy = Policy {
        ignore_times: true,
        allow_unauthenticated: true,
        ..Policy::new(now)
    };
    let result = match token.kind {
        Kind::Jws => verify::verify_jws(token, keys, &policy),
        Kind::Jwe => {
            let inner = inner_keys.map_or(Inner::Skip, Inner::Verify);
            verify::decrypt_jwe(token, keys, &policy, inner)
        }
    };
    match result {
        Ok(mut verified) => {
            let checks: Vec<Value> = verified.checks.iter().map(|c| c.to_json()).collect();
            let verdict = if verified.anyone_could_make() {
                json!({ "valid": false, "error": verify::NOT_AUTHENTICATED, "checks": checks })
            } else {
                json!({ "valid": true, "error": null, "checks": checks })
            };
            doc.insert("verification".into(), verdict);
            if token.kind == Kind::Jwe {
                let mut decrypted = Map::new();
                if let Some(inner) = &verified.inner_header {
                    decrypted.insert("inner_header".into(), Value::Object(inner.clone()));
                }
                // The check parsed the claims already: take them rather than parse a
                // second copy (memory stays bounded by one copy of the plaintext).
                *claims = match verified.claims.take() {
                    Some(parsed) => {
                        decrypted.insert("claims".into(), Value::Null);
                        Some(parsed)
                    }
                    None => {
                        output::put_payload(&mut decrypted, &verified.payload);
                        None
                    }
                };
                doc.insert("decrypted".into(), Value::Object(decrypted));
            }
        }
        Err(refused) => {
            doc.insert(
                "verification".into(),
                json!({
                    "valid": false,
                    "error": error::one_line(&refused.error),
                    "checks": refused.checks.iter().map(|c| c.to_json()).collect::<Vec<_>>(),
                }),
            );
        }
    }
}

/// The times block: each NumericDate as Unix, RFC 3339 and relative, and the lifetime.
fn times(claims: &Map<String, Value>, now: i64) -> (Value, Value) {
    let mut times = Map::new();
    for name in TIME_CLAIMS {
        let Some(value) = claims.get(*name).and_then(Value::as_f64) else {
            continue;
        };
        if !(-1e15..=1e15).contains(&value) {
            times.insert(
                name.to_string(),
                json!({ "unix": claims[*name], "utc": null, "relative": "out of range" }),
            );
            continue;
        }
        let t = value.floor() as i64;
        let relative = time::relative(t, now);
        let said = match (*name, t > now) {
            ("exp", true) => format!("expires {relative}"),
            ("exp", false) => format!("expired {relative}"),
            ("nbf", true) => format!("valid {relative}"),
            ("nbf", false) => format!("valid since {relative}"),
            ("iat", _) => format!("issued {relative}"),
            _ => relative,
        };
        times.insert(
            name.to_string(),
            json!({ "unix": claims[*name], "utc": time::rfc3339(t), "relative": said }),
        );
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
            json!({ "seconds": seconds, "human": human })
        }
        _ => Value::Null,
    };
    (Value::Object(times), lifetime)
}

/// The human layout of a report.
pub fn render(report: &Value, style: &Style) -> String {
    let mut out = String::new();
    let kind = report["type"].as_str().unwrap_or("");
    let alg = shown(report["header"]["alg"].as_str().unwrap_or("?"));
    let what = if kind == "JWS" {
        "signed: anyone can read the claims"
    } else {
        "encrypted"
    };
    out.push_str(&format!("{} {alg} ({what})\n", style.bold(kind)));
    section(&mut out, style, "Header", &report["header"], &Value::Null);
    let claims = report
        .get("decrypted")
        .and_then(|d| d.get("claims"))
        .or_else(|| report.get("claims"));
    if let Some(inner) = report.get("decrypted").and_then(|d| d.get("inner_header")) {
        section(&mut out, style, "Inner header", inner, &Value::Null);
    }
    match claims {
        Some(claims) => section(&mut out, style, "Claims", claims, &report["times"]),
        None => {
            let payload = report
                .get("decrypted")
                .and_then(|d| d.get("payload"))
                .or_else(|| report.get("payload"));
            if let Some(Value::String(payload)) = payload {
                out.push_str(&format!(
                    "{}\n  {}\n",
                    style.bold("Payload"),
                    shown(payload)
                ));
            }
        }
    }
    if let Some(human) = report["lifetime"]["human"].as_str() {
        let human = shown(human);
        out.push_str(&format!("{} {human} (exp - iat)\n", style.bold("Lifetime")));
    }
    if let Some(signature) = report.get("signature") {
        out.push_str(&format!(
            "{} {}, {} bytes\n",
            style.bold("Signature"),
            shown(signature["alg"].as_str().unwrap_or("?")),
            signature["bytes"]
        ));
    }
    let sizes: Vec<String> = report["parts"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .map(|p| format!("{} {}", p["name"].as_str().unwrap_or(""), p["bytes"]))
                .collect()
        })
        .unwrap_or_default();
    out.push_str(&format!(
        "{} {} bytes\n",
        style.bold("Parts"),
        sizes.join(", ")
    ));
    if let Some(v) = report.get("verification") {
        let verdict = if v["valid"] == true {
            let checks: Vec<String> = v["checks"]
                .as_array()
                .map(|checks| {
                    checks
                        .iter()
                        .filter(|c| {
                            matches!(
                                c["check"].as_str(),
                                Some("signature" | "decryption" | "inner signature")
                            )
                        })
                        .map(|c| {
                            format!(
                                "{} {} ({})",
                                shown(c["check"].as_str().unwrap_or("")),
                                shown(c["result"].as_str().unwrap_or("")),
                                shown(c["detail"].as_str().unwrap_or(""))
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            style.good(&checks.join("; "))
        } else {
            style.bad(&format!(
                "not valid: {}",
                shown(v["error"].as_str().unwrap_or(""))
            ))
        };
        out.push_str(&format!("{} {verdict}\n", style.bold("With key")));
    }
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    if findings.is_empty() {
        out.push_str(&format!("{} none\n", style.bold("Findings")));
    } else {
        out.push_str(&format!("{}\n", style.bold("Findings")));
        for f in findings {
            let severity = f["severity"].as_str().unwrap_or("");
            out.push_str(&format!(
                "  {} {:<18} {}\n",
                style.severity(&shown(severity)),
                shown(f["code"].as_str().unwrap_or("")),
                shown(f["message"].as_str().unwrap_or(""))
            ));
        }
    }
    out
}

/// Text from a token (or a server) as it may be shown on a terminal.
fn shown(text: &str) -> String {
    crate::io::sanitize::for_terminal(text).into_owned()
}

fn section(out: &mut String, style: &Style, title: &str, members: &Value, times: &Value) {
    out.push_str(&format!("{}\n", style.bold(title)));
    let Some(members) = members.as_object() else {
        return;
    };
    // Names and values come from the token: both go through the one sanitiser.
    let width = members
        .keys()
        .map(|k| shown(k).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    for (name, value) in members {
        let text = match value {
            Value::String(s) => shown(s),
            other => shown(&other.to_string()),
        };
        let label = shown(name);
        let mut line = format!("  {}  {text}", style.dim(&format!("{label:<width$}")));
        if let Some(t) = times.get(name) {
            if let Some(utc) = t["utc"].as_str() {
                line.push_str(&format!("  {}", shown(utc)));
            }
            line.push_str(&format!(
                "  ({})",
                shown(t["relative"].as_str().unwrap_or(""))
            ));
        }
        out.push_str(&line);
        out.push('\n');
    }
}
