//! Finding JSON-serialized JWS/JWE tokens (RFC 7515/7516 §7.2) in one line of a scan.
//!
//! The scanner (`crate::bulk::finder`) hands over a line (at most `--max-token-size` bytes
//! either side of the trigger) when it sees a protected header or JSON payload, `eyJ…`,
//! as the string value of a `"protected"` or `"payload"` member. Here every `{` of the
//! line that opens a JSON object is tried: an object with `payload` and
//! `signature(s)`, or with `ciphertext`, is a token when the strict JSON-token parser accepts
//! it; any other object is searched inside (a token nested in a JSON log line). A `{` that
//! opens escaped JSON inside a JSON string (`"{\"payload\":…}"`, as HAR files hold request
//! and response bodies) is decoded and searched the same way, one level deep. The bytes
//! parsed per line are capped, so a hostile line costs time linear in its length.

use serde::de::IgnoredAny;
use serde_json::Value;

use crate::bulk::finder::Found;
use crate::jose::json::{self, AnyToken, Form};
use crate::jose::strict_json;
use crate::jose::token::Kind;

/// The bytes parsed per line, as a multiple of its length (plus a constant).
const WORK_FACTOR: usize = 8;
const WORK_BASE: usize = 64 * 1024;

/// A JSON token found in a line.
pub struct JsonFound<'a> {
    /// Where it starts in the line (for a token inside an escaped string: where the
    /// string's escaped JSON starts).
    pub at: usize,
    /// The token's JSON text (decoded when it was escaped).
    pub text: &'a [u8],
    pub found: Found,
}

/// Calls `emit` for every JSON token in `line`, in order; returns the number of
/// token-shaped objects (`payload` + `signature(s)`, or `ciphertext`) that did not parse.
pub fn tokens_in_line(line: &[u8], max_bytes: usize, mut emit: impl FnMut(JsonFound<'_>)) -> usize {
    let mut budget = line.len().saturating_mul(WORK_FACTOR) + WORK_BASE;
    let mut malformed = 0;
    search(
        line,
        max_bytes,
        0,
        None,
        &mut budget,
        &mut malformed,
        &mut emit,
    );
    malformed
}

/// Searches `text`; `fixed_at` is the position reported for everything found (inside a
/// decoded string), else each token's own position in `text`.
fn search(
    text: &[u8],
    max_bytes: usize,
    depth: usize,
    fixed_at: Option<usize>,
    budget: &mut usize,
    malformed: &mut usize,
    emit: &mut impl FnMut(JsonFound<'_>),
) {
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'{', &text[i..]) {
        let p = i + k;
        i = p + 1;
        if *budget == 0 {
            return;
        }
        let rest = &text[p + 1..];
        let skip = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        match rest.get(skip) {
            Some(b'"') => {
                // The extent of the JSON value that starts here, if it is one.
                let mut stream =
                    serde_json::Deserializer::from_slice(&text[p..]).into_iter::<IgnoredAny>();
                let parsed = stream.next();
                let extent = stream.byte_offset();
                // What the parser read: up to the value's end, or to where it failed.
                let read = match &parsed {
                    Some(Err(e)) if e.line() == 1 => e.column(),
                    Some(Err(_)) => text.len() - p,
                    _ => extent,
                };
                *budget = budget.saturating_sub(read.max(1));
                if !matches!(parsed, Some(Ok(_))) {
                    continue;
                }
                let object = &text[p..p + extent];
                match token_of(object, max_bytes) {
                    Some(Ok(found)) => {
                        emit(JsonFound {
                            at: fixed_at.unwrap_or(p),
                            text: object,
                            found,
                        });
                        i = p + extent;
                    }
                    Some(Err(())) => {
                        *malformed += 1;
                        i = p + extent;
                    }
                    // Not a token: one may be nested inside.
                    None => {}
                }
            }
            Some(b'\\') if depth == 0 && rest.get(skip + 1) == Some(&b'"') => {
                // Escaped JSON in a JSON string: decode the string from here to its end.
                let end = string_end(text, p);
                *budget = budget.saturating_sub(end - p);
                let mut quoted = Vec::with_capacity(end - p + 2);
                quoted.push(b'"');
                quoted.extend_from_slice(&text[p..end]);
                quoted.push(b'"');
                if let Ok(decoded) = serde_json::from_slice::<String>(&quoted) {
                    search(
                        decoded.as_bytes(),
                        max_bytes,
                        depth + 1,
                        Some(fixed_at.unwrap_or(p)),
                        budget,
                        malformed,
                        emit,
                    );
                }
                i = end.max(p + 1);
            }
            _ => {}
        }
    }
}

/// The end of the JSON string that holds `text[from]`: the first `"` after it not escaped by
/// a backslash (or the end of the text).
fn string_end(text: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(k) = memchr::memchr(b'"', &text[at..]) {
        let quote = at + k;
        let backslashes = text[..quote]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return quote;
        }
        at = quote + 1;
    }
    text.len()
}

/// `None` when `object` is not token-shaped; else whether the strict parser takes it, and
/// what a listing shows of it (from its first signature or recipient).
fn token_of(object: &[u8], max_bytes: usize) -> Option<Result<Found, ()>> {
    let [payload, signature, signatures, ciphertext] =
        strict_json::pick(object, ["payload", "signature", "signatures", "ciphertext"]).ok()?;
    let shaped = ciphertext.is_some()
        || (payload.is_some() && (signature.is_some() || signatures.is_some()));
    if !shaped {
        return None;
    }
    if object.len() > max_bytes {
        return Some(Err(()));
    }
    let text = std::str::from_utf8(object).ok()?;
    let Ok(AnyToken::Json(token)) = json::parse_any(text, max_bytes) else {
        return Some(Err(()));
    };
    let view = &token.entries[0].view;
    Some(Ok(Found {
        range: 0..object.len(),
        kind: token.kind,
        alg: view.alg().unwrap_or_default().to_string(),
        enc: match token.kind {
            Kind::Jwe => view.enc().map(str::to_string),
            Kind::Jws => None,
        },
        kid: view.kid().map(|kid| Value::String(kid.to_string())),
        form: Some(token.form),
    }))
}

/// The name of a JSON form in a listing.
pub fn form_name(form: Form) -> &'static str {
    match form {
        Form::Flattened => "flattened",
        Form::General => "general",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAT: &str =
        r#"{"payload":"eyJzdWIiOiJhIn0","protected":"eyJhbGciOiJIUzI1NiJ9","signature":"c2ln"}"#;

    fn found(line: &str) -> (Vec<(usize, String)>, usize) {
        let mut out = Vec::new();
        let bad = tokens_in_line(line.as_bytes(), 1 << 20, |f| {
            out.push((f.at, String::from_utf8(f.text.to_vec()).unwrap()))
        });
        (out, bad)
    }

    #[test]
    fn plain_nested_and_escaped_tokens() {
        assert_eq!(found(FLAT), (vec![(0, FLAT.to_string())], 0));
        let nested = format!(r#"{{"ts":1,"body":{FLAT}}}"#);
        assert_eq!(found(&nested), (vec![(15, FLAT.to_string())], 0));
        let escaped = format!(
            r#"  "text": {}, "size": 1"#,
            serde_json::to_string(FLAT).unwrap()
        );
        assert_eq!(found(&escaped), (vec![(11, FLAT.to_string())], 0));
        let two = format!("{FLAT} and {FLAT}");
        assert_eq!(found(&two).0.len(), 2);
        // Token-shaped but not a token (no alg anywhere): counted, not listed.
        assert_eq!(
            found(r#"{"payload":"e30","signature":"c2ln"}"#),
            (vec![], 1)
        );
        assert_eq!(found(r#"{"payload":"e30"} {"x":{"#), (vec![], 0));
    }

    #[test]
    fn hostile_lines_cost_linear_work() {
        let line = "{\"a\":[".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(found(&line), (vec![], 0));
        let nested = format!("{}{FLAT}", "{\"p\":\"\\\"{\\\"".repeat(50_000));
        let _ = found(&nested);
        assert!(started.elapsed().as_secs() < 10);
    }
}
