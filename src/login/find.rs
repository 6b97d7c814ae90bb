//! Finding the token in a login answer: where `--token-from` says, else the usual places.

use anyhow::Result;
use serde_json::Value;

use super::Answer;
use crate::error;
use crate::jose::token::{self, Compact};

/// The JSON fields searched for a token, in order.
const TOKEN_FIELDS: &[&str] = &["access_token", "token", "id_token", "jwt"];

/// Where the token is in the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFrom {
    Json(String),
    Header(String),
    Cookie(String),
    Body,
}

impl TokenFrom {
    pub fn parse(text: &str) -> Result<TokenFrom> {
        let bad = || {
            error::usage(format!(
                "--token-from {text:?}: expected json:/POINTER, header:NAME, cookie:NAME or body"
            ))
        };
        if text == "body" {
            return Ok(TokenFrom::Body);
        }
        let (kind, rest) = text.split_once(':').ok_or_else(bad)?;
        match kind {
            "json" if rest.is_empty() || rest.starts_with('/') => {
                Ok(TokenFrom::Json(rest.to_string()))
            }
            "header" if !rest.is_empty() => Ok(TokenFrom::Header(rest.to_string())),
            "cookie" if !rest.is_empty() => Ok(TokenFrom::Cookie(rest.to_string())),
            _ => Err(bad()),
        }
    }
}

/// The token in an answer: where `--token-from` says, else the default search.
pub fn find_token(answer: &Answer, from: Option<&TokenFrom>) -> Result<Compact> {
    let parse = |text: &str| token::parse(text, token::DEFAULT_MAX_TOKEN_BYTES);
    let Some(from) = from else {
        let mut candidates: Vec<String> = Vec::new();
        if let Some(Value::Object(object)) = answer.json() {
            for field in TOKEN_FIELDS {
                if let Some(Value::String(text)) = object.get(*field) {
                    candidates.push(text.clone());
                }
            }
        }
        if let Some(value) = answer.header("Authorization") {
            candidates.push(strip_bearer(value).to_string());
        }
        candidates.push(body_text(answer));
        return candidates
            .iter()
            .find_map(|c| parse(c).ok())
            .ok_or_else(|| {
                error::runtime(
                    "no token in the answer (looked at the JSON fields access_token, token, id_token and jwt, the Authorization header and the body); say where it is with --token-from",
                )
            });
    };
    let (text, place) = match from {
        TokenFrom::Json(pointer) => {
            let doc = answer.json().ok_or_else(|| {
                error::runtime(format!(
                    "--token-from json:{pointer}: the answer is not JSON"
                ))
            })?;
            match doc.pointer(pointer) {
                Some(Value::String(text)) => (text.clone(), format!("json:{pointer}")),
                Some(_) => {
                    return Err(error::runtime(format!(
                        "--token-from json:{pointer}: the value there is not a string"
                    )));
                }
                None => {
                    return Err(error::runtime(format!(
                        "--token-from json:{pointer}: the answer has nothing there"
                    )));
                }
            }
        }
        TokenFrom::Header(name) => {
            let value = answer.header(name).ok_or_else(|| {
                error::runtime(format!(
                    "--token-from header:{name}: the answer has no such header"
                ))
            })?;
            (strip_bearer(value).to_string(), format!("header:{name}"))
        }
        TokenFrom::Cookie(name) => {
            let value = answer
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
                .find_map(|(_, v)| {
                    let pair = v.split(';').next()?;
                    let (n, v) = pair.split_once('=')?;
                    (n.trim() == name).then(|| v.trim().trim_matches('"').to_string())
                })
                .ok_or_else(|| {
                    error::runtime(format!(
                        "--token-from cookie:{name}: the answer sets no such cookie"
                    ))
                })?;
            (value, format!("cookie:{name}"))
        }
        TokenFrom::Body => (body_text(answer), "body".to_string()),
    };
    parse(&text).map_err(|e| {
        let class = error::class_of(&e);
        let message = format!(
            "--token-from {place}: not a JWS or JWE ({})",
            error::one_line(&e)
        );
        if class == error::Class::Malformed {
            error::malformed(message)
        } else {
            error::runtime(message)
        }
    })
}

fn strip_bearer(value: &str) -> &str {
    let value = value.trim();
    match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    }
}

/// The body as text, a JSON string unquoted.
fn body_text(answer: &Answer) -> String {
    match answer.json() {
        Some(Value::String(text)) => text,
        _ => String::from_utf8_lossy(&answer.body).trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_from_forms() {
        assert_eq!(
            TokenFrom::parse("json:/data/token").unwrap(),
            TokenFrom::Json("/data/token".into())
        );
        assert_eq!(
            TokenFrom::parse("json:").unwrap(),
            TokenFrom::Json("".into())
        );
        assert_eq!(
            TokenFrom::parse("header:X-Token").unwrap(),
            TokenFrom::Header("X-Token".into())
        );
        assert_eq!(
            TokenFrom::parse("cookie:session").unwrap(),
            TokenFrom::Cookie("session".into())
        );
        assert_eq!(TokenFrom::parse("body").unwrap(), TokenFrom::Body);
        for bad in ["json:data", "header:", "cookie:", "xml:/a", "bodyy", ""] {
            let err = TokenFrom::parse(bad).unwrap_err();
            assert_eq!(error::exit_code(&err), 2, "{bad}");
        }
    }

    #[test]
    fn bearer_prefixes_are_dropped() {
        assert_eq!(strip_bearer("Bearer abc"), "abc");
        assert_eq!(strip_bearer("bearer  abc "), "abc");
        assert_eq!(strip_bearer("abc"), "abc");
    }
}
