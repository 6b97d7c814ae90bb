//! The JSON serializations (RFC 7515 §7.2, RFC 7516 §7.2): flattened and general JWS and
//! JWE, several signatures or recipients, and RFC 7797 unencoded payloads (`b64: false`).
//!
//! A JSON token is read strictly (the one strict parser, no duplicate members at any depth)
//! and turned into one compact-shaped view per signature or recipient, whose header is the
//! union of the protected, shared unprotected and per-entry headers. A name in more than one
//! of them is malformed, and so is `crit` or `b64` outside the protected header. Every view
//! then goes through the same pre-checks and checks as a compact token.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::error;
use crate::jose::strict_json::{self, Members};
use crate::jose::token::{self, Compact, Kind, Segments, b64url_decode};

/// At most this many signatures or recipients (each costs a signature check or a key
/// unwrap, and nobody needs more).
pub const MAX_ENTRIES: usize = 64;

/// A token in either serialization.
#[derive(Debug, Clone)]
pub enum AnyToken {
    Compact(Compact),
    Json(JsonToken),
}

impl AnyToken {
    /// The first (or only) signature's or recipient's view.
    pub fn first(&self) -> &Compact {
        match self {
            AnyToken::Compact(c) => c,
            AnyToken::Json(j) => &j.entries[0].view,
        }
    }
}

/// Which JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Flattened,
    General,
}

/// One signature or recipient.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The compact-shaped view: union header, signing input / flattened JWE text.
    pub view: Compact,
    /// The protected header (empty when there is none).
    pub protected: Map<String, Value>,
    /// The per-signature or per-recipient unprotected `header`.
    pub unprotected: Map<String, Value>,
}

/// A JSON-serialized JWS or JWE.
#[derive(Debug, Clone)]
pub struct JsonToken {
    pub kind: Kind,
    pub form: Form,
    pub entries: Vec<Entry>,
    /// JWE: the shared unprotected header.
    pub shared: Map<String, Value>,
    /// JWS: no `payload` member (RFC 7515 Appendix F); give it with `verify --payload`.
    pub detached: bool,
}

/// Parses a token in any serialization: a JSON object is a JSON serialization, anything else
/// a compact token. Every failure is `malformed` (exit 3).
pub fn parse_any(text: &str, max_bytes: usize) -> Result<AnyToken> {
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.starts_with('{') {
        if trimmed.len() > max_bytes {
            return Err(error::malformed(format!(
                "token is {} bytes, over the limit of {max_bytes} bytes (raise it with --max-token-size)",
                trimmed.len()
            )));
        }
        return parse_json(trimmed, max_bytes).map(AnyToken::Json);
    }
    token::parse(text, max_bytes).map(AnyToken::Compact)
}

fn b64_member(map: &Map<String, Value>, name: &str, what: &str) -> Result<Option<Vec<u8>>> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => b64url_decode(s)
            .map(Some)
            .ok_or_else(|| error::malformed(format!("{what}\"{name}\" is not base64url"))),
        Some(_) => Err(error::malformed(format!(
            "{what}\"{name}\" is not a string"
        ))),
    }
}

fn object_member(map: &Map<String, Value>, name: &str, what: &str) -> Result<Map<String, Value>> {
    match map.get(name) {
        None => Ok(Map::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(_) => Err(error::malformed(format!(
            "{what}\"{name}\" is not a JSON object"
        ))),
    }
}

/// The union of the headers, in order protected, shared, per-entry; a name in two of them is
/// malformed, and `crit`, `b64` and `zip` must be protected (RFC 7515 §4.1.11, RFC 7797 §3,
/// RFC 7516 §4.1.3: what changes how the rest is read may not be changed in transit).
fn union(
    protected: &Map<String, Value>,
    others: &[(&Map<String, Value>, &str)],
    entry: &str,
) -> Result<Map<String, Value>> {
    let mut merged = protected.clone();
    for (header, which) in others {
        for (name, value) in header.iter() {
            if matches!(name.as_str(), "crit" | "b64" | "zip") {
                return Err(error::malformed(format!(
                    "{entry}: \"{name}\" must be in the protected header, not the {which} one"
                )));
            }
            if merged.contains_key(name) {
                return Err(error::malformed(format!(
                    "{entry}: header member \"{name}\" appears in more than one header"
                )));
            }
            merged.insert(name.clone(), value.clone());
        }
    }
    Ok(merged)
}

/// The checks `token::parse` makes of a compact header, on a union header.
fn check_header(header: &Map<String, Value>, kind: Kind, entry: &str) -> Result<()> {
    match header.get("alg") {
        Some(Value::String(_)) => {}
        Some(_) => {
            return Err(error::malformed(format!(
                "{entry}: \"alg\" is not a string"
            )));
        }
        None => {
            return Err(error::malformed(format!(
                "{entry}: no \"alg\" in any header"
            )));
        }
    }
    if header.get("kid").is_some_and(|kid| !kid.is_string()) {
        return Err(error::malformed(format!(
            "{entry}: \"kid\" is not a string"
        )));
    }
    if kind == Kind::Jwe {
        match header.get("enc") {
            Some(Value::String(_)) => {}
            Some(_) => {
                return Err(error::malformed(format!(
                    "{entry}: \"enc\" is not a string"
                )));
            }
            None => {
                return Err(error::malformed(format!(
                    "{entry}: no \"enc\" in any header"
                )));
            }
        }
    }
    Ok(())
}

/// RFC 7797: whether the payload is base64url-encoded (`b64` absent or true). `b64: false`
/// must be listed in `crit`, so that a reader that does not know it refuses the token.
pub fn b64_encoded(protected: &Map<String, Value>) -> Result<bool> {
    match protected.member("b64") {
        None | Some(Value::Bool(true)) => Ok(true),
        Some(Value::Bool(false)) => {
            let listed = protected
                .member("crit")
                .and_then(Value::as_array)
                .is_some_and(|names| names.iter().any(|n| n == "b64"));
            if !listed {
                return Err(error::malformed(
                    "header \"b64\": false must be listed in \"crit\" (RFC 7797)",
                ));
            }
            Ok(false)
        }
        Some(_) => Err(error::malformed("header \"b64\" is not a boolean")),
    }
}

fn protected_of(entry: &Map<String, Value>, what: &str) -> Result<(String, Map<String, Value>)> {
    match entry.get("protected") {
        None => Ok((String::new(), Map::new())),
        Some(Value::String(s)) => {
            let bytes = b64url_decode(s)
                .filter(|b| !b.is_empty())
                .ok_or_else(|| error::malformed(format!("{what}\"protected\" is not base64url")))?;
            let map = strict_json::parse_object(&bytes, &format!("{what}protected header"))?;
            Ok((s.clone(), map))
        }
        Some(_) => Err(error::malformed(format!(
            "{what}\"protected\" is not a string"
        ))),
    }
}

/// Each signature or recipient is checked over the whole payload or ciphertext (and holds a
/// copy of it): their number times its size is bounded by this many times the token limit,
/// so work and memory stay proportional to the limit.
const WORK_FACTOR: usize = 4;

fn check_work(entries: usize, shared_bytes: usize, max_bytes: usize, what: &str) -> Result<()> {
    let limit = max_bytes.saturating_mul(WORK_FACTOR);
    if entries.saturating_mul(shared_bytes) > limit {
        return Err(error::malformed(format!(
            "{entries} {what} over {shared_bytes} bytes is over the limit of {limit} bytes checked in all \
             ({WORK_FACTOR} times --max-token-size)"
        )));
    }
    Ok(())
}

fn parse_json(text: &str, max_bytes: usize) -> Result<JsonToken> {
    let doc = strict_json::parse_object(text.as_bytes(), "JSON token")?;
    if doc.contains_key("ciphertext") {
        parse_jwe(&doc, max_bytes)
    } else if doc.contains_key("payload")
        || doc.contains_key("signature")
        || doc.contains_key("signatures")
    {
        parse_jws(&doc, max_bytes)
    } else {
        Err(error::malformed(
            "a JSON object is a token only with \"payload\" and \"signature\"/\"signatures\" (JWS) or \"ciphertext\" (JWE)",
        ))
    }
}

/// The entries of a general form (`list`), or the flattened form's top level.
fn entries<'a>(
    doc: &'a Map<String, Value>,
    list: &str,
    flat_members: &[&str],
) -> Result<(Form, Vec<&'a Map<String, Value>>)> {
    match doc.get(list) {
        None => Ok((Form::Flattened, vec![doc])),
        Some(Value::Array(items)) => {
            if let Some(member) = flat_members.iter().find(|m| doc.contains_key(**m)) {
                return Err(error::malformed(format!(
                    "\"{list}\" (general form) and a top-level \"{member}\" (flattened form) in one token"
                )));
            }
            if items.is_empty() {
                return Err(error::malformed(format!("\"{list}\" is empty")));
            }
            if items.len() > MAX_ENTRIES {
                return Err(error::malformed(format!(
                    "{} {list}, over the limit of {MAX_ENTRIES}",
                    items.len()
                )));
            }
            let objects = items
                .iter()
                .map(|item| {
                    item.as_object().ok_or_else(|| {
                        error::malformed(format!("\"{list}\" holds something not an object"))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((Form::General, objects))
        }
        Some(_) => Err(error::malformed(format!("\"{list}\" is not an array"))),
    }
}

fn parse_jws(doc: &Map<String, Value>, max_bytes: usize) -> Result<JsonToken> {
    let (form, raw) = entries(doc, "signatures", &["signature", "protected", "header"])?;
    let payload_text = match doc.get("payload") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(error::malformed("\"payload\" is not a string")),
    };
    let payload_len = payload_text.as_ref().map_or(0, String::len);
    check_work(raw.len(), payload_len, max_bytes, "signatures")?;
    let mut entries = Vec::with_capacity(raw.len());
    let mut encoded = None;
    for (i, entry) in raw.iter().enumerate() {
        let name = if form == Form::General {
            format!("signature {}", i + 1)
        } else {
            "signature".to_string()
        };
        let what = if form == Form::General {
            format!("{name}: ")
        } else {
            String::new()
        };
        let (protected_b64, protected) = protected_of(entry, &what)?;
        let unprotected = object_member(entry, "header", &what)?;
        let header = union(&protected, &[(&unprotected, "unprotected")], &name)?;
        check_header(&header, Kind::Jws, &name)?;
        let b64 = b64_encoded(&protected)?;
        // RFC 7797 §3: every signature reads the payload the same way.
        if *encoded.get_or_insert(b64) != b64 {
            return Err(error::malformed(
                "the signatures disagree on \"b64\" (RFC 7797 §3)",
            ));
        }
        let signature = b64_member(entry, "signature", &what)?
            .ok_or_else(|| error::malformed(format!("{what}no \"signature\"")))?;
        let payload_segment = payload_text.clone().unwrap_or_default();
        let payload = if b64 {
            b64url_decode(&payload_segment)
                .ok_or_else(|| error::malformed("\"payload\" is not base64url"))?
        } else {
            payload_segment.clone().into_bytes()
        };
        let signature_b64 = match entry.get("signature") {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        let header_bytes = b64url_decode(&protected_b64).unwrap_or_default().into();
        entries.push(Entry {
            view: Compact {
                kind: Kind::Jws,
                // Verification works from the segments; no third copy of the payload.
                text: String::new(),
                segments: Segments::Owned(vec![protected_b64, payload_segment, signature_b64]),
                header: header.into(),
                header_bytes,
                decoded: vec![payload, signature],
            },
            protected,
            unprotected,
        });
    }
    Ok(JsonToken {
        kind: Kind::Jws,
        form,
        entries,
        shared: Map::new(),
        detached: payload_text.is_none(),
    })
}

fn parse_jwe(doc: &Map<String, Value>, max_bytes: usize) -> Result<JsonToken> {
    let (form, raw) = entries(doc, "recipients", &["encrypted_key", "header"])?;
    let ciphertext_len = doc
        .get("ciphertext")
        .and_then(Value::as_str)
        .map_or(0, str::len);
    check_work(raw.len(), ciphertext_len, max_bytes, "recipients")?;
    let (protected_b64, protected) = protected_of(doc, "")?;
    let shared = object_member(doc, "unprotected", "")?;
    for name in ["iv", "ciphertext", "tag", "aad"] {
        b64_member(doc, name, "")?;
    }
    let part = |name: &str| b64_member(doc, name, "").map(Option::unwrap_or_default);
    let (iv, ciphertext, tag) = (part("iv")?, part("ciphertext")?, part("tag")?);
    let mut entries = Vec::with_capacity(raw.len());
    for (i, entry) in raw.iter().enumerate() {
        let name = if form == Form::General {
            format!("recipient {}", i + 1)
        } else {
            "recipient".to_string()
        };
        let what = if form == Form::General {
            format!("{name}: ")
        } else {
            String::new()
        };
        let unprotected = object_member(entry, "header", &what)?;
        let header = union(
            &protected,
            &[
                (&shared, "shared unprotected"),
                (&unprotected, "per-recipient"),
            ],
            &name,
        )?;
        check_header(&header, Kind::Jwe, &name)?;
        if header.contains_key("b64") {
            return Err(error::malformed("\"b64\" applies to JWS only"));
        }
        let encrypted_key = b64_member(entry, "encrypted_key", &what)?.unwrap_or_default();
        // josekit reads this one recipient, flattened: it decrypts exactly what was checked.
        let mut flat = Map::new();
        for member in ["protected", "unprotected", "iv", "ciphertext", "tag", "aad"] {
            if let Some(value) = doc.get(member) {
                flat.insert(member.to_string(), value.clone());
            }
        }
        for member in ["header", "encrypted_key"] {
            if let Some(value) = entry.get(member) {
                flat.insert(member.to_string(), value.clone());
            }
        }
        let segment = |name: &str, map: &Map<String, Value>| match map.get(name) {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        entries.push(Entry {
            view: Compact {
                kind: Kind::Jwe,
                text: Value::Object(flat).to_string(),
                segments: Segments::Owned(vec![
                    protected_b64.clone(),
                    segment("encrypted_key", entry),
                    segment("iv", doc),
                    segment("ciphertext", doc),
                    segment("tag", doc),
                ]),
                header: header.into(),
                header_bytes: b64url_decode(&protected_b64).unwrap_or_default().into(),
                decoded: vec![encrypted_key, iv.clone(), ciphertext.clone(), tag.clone()],
            },
            protected: protected.clone(),
            unprotected,
        });
    }
    Ok(JsonToken {
        kind: Kind::Jwe,
        form,
        entries,
        shared,
        detached: false,
    })
}

/// RFC 7515 Appendix F: the payload given apart (`verify --payload`), encoded as the
/// token's `b64` says. A token that carries its own payload is refused: two payloads, one
/// of them unsigned, is a question with no safe answer.
pub fn attach_payload(token: &mut AnyToken, payload: &[u8], max_bytes: usize) -> Result<()> {
    let views: Vec<&mut Compact> = match token {
        AnyToken::Compact(c) => {
            if !c.segment(1).is_empty() {
                return Err(error::usage(
                    "--payload is for a detached payload, but this token carries one",
                ));
            }
            vec![c]
        }
        AnyToken::Json(j) => {
            if !j.detached {
                return Err(error::usage(
                    "--payload is for a detached payload, but this token carries one",
                ));
            }
            j.detached = false;
            j.entries.iter_mut().map(|e| &mut e.view).collect()
        }
    };
    check_work(views.len(), payload.len(), max_bytes, "signatures")?;
    for view in views {
        if view.kind != Kind::Jws {
            return Err(error::usage("--payload is for a JWS, not a JWE"));
        }
        let protected = if view.header_bytes.is_empty() {
            Map::new()
        } else {
            strict_json::parse_object(&view.header_bytes, "header")?
        };
        let segment = if b64_encoded(&protected)? {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
        } else {
            String::from_utf8(payload.to_vec()).map_err(|_| {
                error::malformed("an unencoded (b64: false) payload must be UTF-8 text here")
            })?
        };
        view.set_segment(1, segment);
        view.decoded[0] = payload.to_vec();
    }
    Ok(())
}

pub use super::json_check::{decrypt_json_jwe, decrypt_jwe, verify_json_jws, verify_jws};
