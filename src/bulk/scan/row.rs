//! One listing line of a scan: tab-separated columns or a JSON Line.

use std::io::Write;
use std::ops::Range;

use serde_json::Value;
use sha2::Digest;

use super::Located;
use super::Totals;
use super::check::{Context, Verdict, examine, finding_codes};
use crate::jose::token::Kind;
use crate::time;

/// `expires in 5m`, `expired 2h ago`, `no exp`, …
fn exp_status(exp: Option<&Value>, now: i64) -> String {
    let Some(exp) = exp else {
        return "no exp".to_string();
    };
    let Some(value) = exp.as_f64() else {
        return "exp not a number".to_string();
    };
    if !(-1e15..=1e15).contains(&value) {
        return "exp out of range".to_string();
    }
    let t = value.floor() as i64;
    if now >= t {
        format!("expired {}", time::relative(t, now))
    } else {
        format!("expires {}", time::relative(t, now))
    }
}

/// A value for a tab-separated column: `-` when absent, `""` when empty, terminal controls
/// (tabs and line breaks included, so no value forges a column or a row) escaped by the
/// one sanitiser, non-strings as JSON.
pub fn column(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "-".to_string(),
        Some(Value::String(s)) => escaped(s),
        Some(other) => escaped(&other.to_string()),
    }
}

fn escaped(text: &str) -> String {
    if text.is_empty() {
        "\"\"".to_string()
    } else {
        crate::io::sanitize::for_terminal(text).into_owned()
    }
}

/// How lines are laid out.
#[derive(Clone, Copy)]
pub(super) struct Layout {
    pub json: bool,
    pub show_token: bool,
    /// Every line has the check column (`--key` or `--password-file`): `-` where no check
    /// was made, so the columns after it stay in place.
    pub check: bool,
}

/// The header row a terminal gets (tab-separated column names, with its newline): the
/// columns of [`render`], and `COUNT` first with `--unique`.
pub(super) fn header(layout: Layout, unique: bool) -> String {
    let mut names = Vec::new();
    if unique {
        names.push("COUNT");
    }
    names.extend(["FILE:LINE", "TYPE", "ALG", "KID", "ISS", "SUB", "EXP"]);
    if layout.check {
        names.push("CHECK");
    }
    names.push("FINDINGS");
    if layout.show_token {
        names.push("TOKEN");
    }
    format!("{}\n", names.join("\t"))
}

/// Whether a listing starts with [`header`]: for people (stdout a terminal), never in
/// `--json` or when stdout is a pipe or a file, where scripts read the rows.
pub(super) fn wants_header(json: bool, stdout_is_terminal: bool) -> bool {
    stdout_is_terminal && !json
}

/// A worker's output for one batch: the lines, and each line's fingerprint and extent.
#[derive(Default)]
pub(super) struct Rendered {
    pub bytes: Vec<u8>,
    pub lines: Vec<([u8; 32], Range<usize>)>,
}

fn json_value(out: &mut Vec<u8>, value: Option<&Value>) {
    match value {
        Some(value) => serde_json::to_writer(&mut *out, value).unwrap_or_default(),
        None => out.extend_from_slice(b"null"),
    }
}

fn json_str(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(&mut *out, text).unwrap_or_default();
}

/// Appends one token's line (with its newline) to `out`.
pub(super) fn render(
    out: &mut Rendered,
    located: &Located<'_>,
    name: &str,
    context: &Context,
    layout: Layout,
    totals: &Totals,
    buf: &mut Vec<u8>,
) {
    let (claims, check, decrypted) = examine(located, context, totals, buf);
    // Also the key of the findings cache (and `--unique`'s and `--json`'s fingerprint).
    let sha256: [u8; 32] = sha2::Sha256::digest(located.text).into();
    let codes = finding_codes(located, context, decrypted.as_ref(), &sha256);
    drop(decrypted);
    let found = located.found;
    let kind = if found.kind == Kind::Jws {
        "JWS"
    } else {
        "JWE"
    };
    // A JSON-serialized token: `JWS(json)` in the listing, `"serialization"` in JSON Lines.
    let form = found.form.map(crate::bulk::json_finder::form_name);
    let status = match &claims {
        Some(claims) => exp_status(claims.exp.as_ref(), context.now),
        None if found.kind == Kind::Jwe && !matches!(check, Some(Verdict::Valid)) => {
            "encrypted".into()
        }
        None => "no claims".into(),
    };
    let claims = claims.unwrap_or_default();
    let start = out.bytes.len();
    let o = &mut out.bytes;
    if layout.json {
        o.extend_from_slice(b"{\"file\":");
        json_str(o, name);
        let _ = write!(
            o,
            ",\"line\":{},\"offset\":{},\"type\":\"{kind}\",\"alg\":",
            located.line, located.offset
        );
        json_str(o, &found.alg);
        if let Some(form) = form {
            let _ = write!(o, ",\"serialization\":\"{form}\"");
        }
        o.extend_from_slice(b",\"enc\":");
        match &found.enc {
            Some(enc) => json_str(o, enc),
            None => o.extend_from_slice(b"null"),
        }
        for (field, value) in [
            ("kid", &found.kid),
            ("iss", &claims.iss),
            ("sub", &claims.sub),
            ("exp", &claims.exp),
        ] {
            let _ = write!(o, ",\"{field}\":");
            json_value(o, value.as_ref());
        }
        o.extend_from_slice(b",\"exp_status\":");
        json_str(o, &status);
        let _ = write!(o, ",\"sha256\":\"{}\"", hex::encode(sha256));
        o.extend_from_slice(b",\"findings\":[");
        for (i, code) in codes.iter().enumerate() {
            if i > 0 {
                o.push(b',');
            }
            let _ = write!(o, "\"{}\"", code.code());
        }
        o.push(b']');
        match &check {
            Some(Verdict::Valid) => o.extend_from_slice(b",\"valid\":true,\"error\":null"),
            Some(Verdict::Invalid(e)) => {
                o.extend_from_slice(b",\"valid\":false,\"error\":");
                json_str(o, e);
            }
            Some(Verdict::Skipped(why)) => {
                o.extend_from_slice(b",\"valid\":null,\"error\":null,\"skipped\":");
                json_str(o, why);
            }
            None => {}
        }
        if layout.show_token && form.is_some() {
            // A JSON token's text has quotes: a JSON string, escaped.
            o.extend_from_slice(b",\"token\":");
            json_str(o, &String::from_utf8_lossy(located.text));
        } else if layout.show_token {
            o.extend_from_slice(b",\"token\":\"");
            o.extend_from_slice(located.text);
            o.push(b'"');
        }
        o.push(b'}');
    } else {
        let _ = write!(
            o,
            "{}:{}\t{kind}{}\t{}",
            crate::io::sanitize::for_terminal(name),
            located.line,
            if form.is_some() { "(json)" } else { "" },
            escaped(&found.alg)
        );
        if let (Kind::Jwe, Some(enc)) = (found.kind, &found.enc) {
            let _ = write!(o, "/{}", escaped(enc));
        }
        for value in [&found.kid, &claims.iss, &claims.sub] {
            o.push(b'\t');
            o.extend_from_slice(column(value.as_ref()).as_bytes());
        }
        o.push(b'\t');
        o.extend_from_slice(status.as_bytes());
        match &check {
            Some(Verdict::Valid) => o.extend_from_slice(b"\tvalid"),
            Some(Verdict::Invalid(_)) => o.extend_from_slice(b"\tinvalid"),
            Some(Verdict::Skipped(_)) => o.extend_from_slice(b"\tskipped"),
            None if layout.check => o.extend_from_slice(b"\t-"),
            None => {}
        }
        o.push(b'\t');
        if codes.is_empty() {
            o.push(b'-');
        }
        for (i, code) in codes.iter().enumerate() {
            if i > 0 {
                o.push(b',');
            }
            o.extend_from_slice(code.code().as_bytes());
        }
        if layout.show_token {
            o.push(b'\t');
            if form.is_some() {
                // JSON text may hold tabs and terminal controls.
                o.extend_from_slice(escaped(&String::from_utf8_lossy(located.text)).as_bytes());
            } else {
                o.extend_from_slice(located.text);
            }
        }
    }
    let end = out.bytes.len();
    out.bytes.push(b'\n');
    out.lines.push((sha256, start..end));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_row_is_for_a_terminal_and_never_for_json() {
        assert!(wants_header(false, true));
        assert!(!wants_header(false, false), "a pipe or a file: rows only");
        assert!(!wants_header(true, true), "JSON Lines: no header");
        assert!(!wants_header(true, false));
    }

    #[test]
    fn the_header_names_the_columns_each_row_has() {
        let layout = |check, show_token| Layout {
            json: false,
            show_token,
            check,
        };
        assert_eq!(
            header(layout(false, false), false),
            "FILE:LINE\tTYPE\tALG\tKID\tISS\tSUB\tEXP\tFINDINGS\n"
        );
        assert_eq!(
            header(layout(true, true), true),
            "COUNT\tFILE:LINE\tTYPE\tALG\tKID\tISS\tSUB\tEXP\tCHECK\tFINDINGS\tTOKEN\n"
        );
    }
}
