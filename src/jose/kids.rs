//! Naming kids in refusals: when a token does not verify, the first question is "was it
//! even the right key?", so refusals say which kid the token names and which the key (or
//! the JWK Set) holds.

use crate::error;
use crate::jose::token::Compact;
use crate::keys::KeySet;

/// Longest kid shown; a hostile token may carry a kid of any length.
const MAX_KID_CHARS: usize = 48;
/// Most kids of a JWK Set listed in one message.
const MAX_LISTED: usize = 5;

fn quoted(kid: &str) -> String {
    if kid.chars().count() > MAX_KID_CHARS {
        let cut: String = kid.chars().take(MAX_KID_CHARS).collect();
        format!("\"{cut}…\"")
    } else {
        format!("\"{kid}\"")
    }
}

/// The kids of a set's keys, quoted, for "it has …".
fn listed(keys: &KeySet) -> String {
    let kids: Vec<String> = keys
        .keys
        .iter()
        .filter_map(|k| k.kid())
        .map(quoted)
        .collect();
    if kids.is_empty() {
        return "no kids".to_string();
    }
    let more = kids.len().saturating_sub(MAX_LISTED);
    let shown = kids[..kids.len().min(MAX_LISTED)].join(", ");
    if more > 0 {
        format!("{shown} and {more} more")
    } else {
        shown
    }
}

/// A JWK Set that has no key with the token's kid: refused before anything else about the
/// token is judged (its alg against keys it was never meant for says nothing useful).
pub fn miss(token: &Compact, keys: &KeySet) -> Option<anyhow::Error> {
    if !keys.is_set {
        return None;
    }
    let kid = token.kid()?;
    if keys.keys.iter().any(|k| k.kid() == Some(kid)) {
        return None;
    }
    Some(error::not_authentic(format!(
        "the JWK Set has no key with kid {} (it has {})",
        quoted(kid),
        listed(keys)
    )))
}

/// `: the token's kid is "a", the key's is "b"` when the token names a kid the key (or
/// set) does not carry. Empty when a key carries it, or the token names none: the kid
/// then explains nothing.
pub fn mismatch(token: &Compact, keys: &KeySet) -> String {
    let Some(token_kid) = token.kid() else {
        return String::new();
    };
    if keys.keys.iter().any(|k| k.kid() == Some(token_kid)) {
        return String::new();
    }
    let key_side = match keys.keys.as_slice() {
        [key] => match key.kid() {
            Some(kid) => format!("the key's is {}", quoted(kid)),
            None => "the key has none".to_string(),
        },
        _ => format!("the key set has {}", listed(keys)),
    };
    format!(": the token's kid is {}, {key_side}", quoted(token_kid))
}
