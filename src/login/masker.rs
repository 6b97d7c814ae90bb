//! Hiding the password (and every token) in what a server says before it is shown.

use crate::jose::token;

/// Hides secrets in what a server says: every token-shaped string, and the password in
/// every form a server is known to echo it: as sent, JSON-escaped (also with `\uXXXX` for
/// non-ASCII and `\/`), percent-encoded (form and URL styles), HTML-escaped, base64 (both
/// alphabets, at any alignment inside a longer base64 text) and in another letter case.
pub struct Masker {
    /// ASCII-lowercased forms, longest first; matched without regard to ASCII case.
    secrets: Vec<String>,
}

/// Shorter base64 runs of a password are not masked: they would hide random text.
const MIN_BASE64_CHARS: usize = 4;

impl Masker {
    pub fn new(password: &str) -> Masker {
        let mut forms = Vec::new();
        for text in [
            password.to_string(),
            password.to_uppercase(),
            password.to_lowercase(),
        ] {
            let json = serde_json::to_string(&text).unwrap_or_default();
            let json = json[1..json.len().saturating_sub(1).max(1)].to_string();
            for json in [json, json_ascii(&text)] {
                forms.push(json.replace('/', "\\/"));
                forms.push(json);
            }
            forms.push(form_urlencoded::byte_serialize(text.as_bytes()).collect());
            forms.push(percent_encoded(&text));
            forms.push(html_escaped(&text, "&#39;"));
            forms.push(html_escaped(&text, "&#x27;"));
            forms.extend(base64_forms(text.as_bytes()));
            forms.push(text);
        }
        let mut secrets: Vec<String> = forms
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_ascii_lowercase())
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Masker { secrets }
    }

    pub fn mask(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, found) in token::find_all(text) {
            out.push_str(&text[last..start]);
            out.push_str(&format!("<token, {} bytes, masked>", found.len()));
            last = start + found.len();
        }
        out.push_str(&text[last..]);
        replace_ignoring_ascii_case(&out, &self.secrets, MASK)
    }
}

/// What stands for the password: unmistakable even when the password is a common word
/// inside a longer one (`wrong [password]name or password`, never `wrong ****name`).
pub const MASK: &str = "[password]";

/// `text` with every match of any of `lowers` (ASCII-lowercase) replaced, ASCII case
/// ignored. All matches are found in the original first and overlapping ones merged, so a
/// replacement is never matched again (the marker may contain a short password). ASCII
/// lowercasing keeps byte offsets, so matches found in the lowered copy are cut from the
/// original at the same places.
fn replace_ignoring_ascii_case(text: &str, lowers: &[String], with: &str) -> String {
    let folded = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = lowers
        .iter()
        .flat_map(|lower| {
            folded
                .match_indices(lower.as_str())
                .map(|(start, found)| (start, start + found.len()))
        })
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        if end <= last {
            continue;
        }
        if start >= last {
            out.push_str(&text[last..start]);
            out.push_str(with);
        }
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// JSON string content with every non-ASCII character as `\uXXXX` (Python's default).
fn json_ascii(text: &str) -> String {
    let escaped = serde_json::to_string(text).unwrap_or_default();
    let inner = &escaped[1..escaped.len().saturating_sub(1).max(1)];
    let mut out = String::new();
    for c in inner.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Every byte but the RFC 3986 unreserved ones as `%XX` (a space as `%20`).
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn html_escaped(text: &str, apostrophe: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', apostrophe)
}

/// The base64 text (standard and URL-safe) that only the password's bytes decide, at each
/// of the three alignments it can have inside a longer base64 text (`user:password`).
fn base64_forms(bytes: &[u8]) -> Vec<String> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let mut forms = Vec::new();
    for offset in 0..3 {
        let mut padded = vec![0u8; offset];
        padded.extend_from_slice(bytes);
        // Character i covers bits 6i..6i+6; keep those inside the password's bits.
        let first = (8 * offset).div_ceil(6);
        let end = 8 * (offset + bytes.len()) / 6;
        for engine in [&STANDARD, &URL_SAFE] {
            let encoded = engine.encode(&padded);
            if end > first && end - first >= MIN_BASE64_CHARS {
                forms.push(encoded[first..end].to_string());
            }
            if offset == 0 {
                forms.push(encoded);
            }
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_hides_every_echoed_form_of_the_password() {
        let password = "Pässw/ord&\"x y";
        let masker = Masker::new(password);
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        for echoed in [
            password.to_string(),
            password.to_uppercase(),
            "P\\u00e4ssw/ord&\\\"x y".to_string(),
            "P\\u00C4SSW\\/ORD&\\\"X Y".to_string(),
            "P%C3%A4ssw%2Ford%26%22x+y".to_string(),
            "P%C3%A4ssw%2Ford%26%22x%20y".to_string(),
            "Pässw/ord&amp;&quot;x y".to_string(),
            b64.encode(password),
            b64.encode(format!("alice:{password}")),
            b64.encode(format!("bob:{password}")),
            b64.encode(format!("carol:{password}")),
        ] {
            let masked = masker.mask(&format!("you sent [{echoed}]"));
            let left = masked.replace(MASK, "");
            assert!(
                !left.contains("ss") && !left.contains("SS"),
                "{echoed} → {masked}"
            );
            assert!(masked.contains(MASK), "{echoed} → {masked}");
        }
    }

    #[test]
    fn a_common_word_password_is_marked_unmistakably() {
        let masker = Masker::new("user");
        assert_eq!(
            masker.mask("wrong username or password"),
            "wrong [password]name or password"
        );
        // A password inside the marker's own text is not masked again.
        let masker = Masker::new("pass");
        assert_eq!(masker.mask("bad pass"), "bad [password]");
    }

    #[test]
    fn masking_hides_passwords_and_tokens() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        let masker = Masker::new("pa\"ss w0rd");
        let text = format!(
            "{{\"echo\":\"pa\\\"ss w0rd\", \"form\":\"pa%22ss+w0rd\", \"raw\":\"pa\"ss w0rd\", \"t\":\"{token}\"}}"
        );
        let masked = masker.mask(&text);
        assert!(!masked.contains("w0rd"), "{masked}");
        assert!(!masked.contains(token), "{masked}");
        assert!(
            masked.contains(&format!("<token, {} bytes, masked>", token.len())),
            "{masked}"
        );
    }
}
