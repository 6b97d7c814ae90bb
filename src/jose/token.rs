//! Strict parsing of untrusted compact JWS/JWE tokens, and finding tokens in text.
//!
//! Exactly 3 or 5 parts, strict base64url (no padding, no stray bits), a protected header
//! that is a JSON object without duplicate members, and a size limit. Nothing here panics
//! on any input; serde_json bounds nesting depth (128).

use std::sync::Arc;

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::error;
use crate::jose::strict_json::{self, Members};

/// The default limit on a token's size.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jws,
    Jwe,
}

/// A decoded protected header, shared: a header travels from the token into its verdict, and
/// in a batch the same header opens thousands of tokens (see [`parse`]).
pub type Header = Arc<Map<String, Value>>;

/// A structurally valid compact token.
#[derive(Debug, Clone)]
pub struct Compact {
    pub kind: Kind,
    /// The token as given, without surrounding whitespace.
    pub text: String,
    /// The base64url segments (3 or 5): see [`Compact::segment`].
    pub segments: Segments,
    /// The decoded protected header.
    pub header: Header,
    /// The decoded header bytes.
    pub header_bytes: Arc<[u8]>,
    /// Every segment after the header, decoded: JWS payload and signature; JWE encrypted
    /// key, IV, ciphertext and tag.
    pub decoded: Vec<Vec<u8>>,
}

/// Where a token's base64url segments are: in its text (`a.b.c`) for a compact token, which
/// then costs no copy of each; owned for a view of a JSON serialization.
#[derive(Debug, Clone)]
pub enum Segments {
    /// Each segment's start and end in `text`.
    InText {
        bounds: [(usize, usize); 5],
        count: usize,
    },
    Owned(Vec<String>),
}

impl Compact {
    /// Segment `i` (0: the header), empty past the last.
    pub fn segment(&self, i: usize) -> &str {
        match &self.segments {
            Segments::InText { bounds, count } if i < *count => {
                let (start, end) = bounds[i];
                self.text.get(start..end).unwrap_or_default()
            }
            Segments::InText { .. } => "",
            Segments::Owned(owned) => owned.get(i).map(String::as_str).unwrap_or_default(),
        }
    }

    /// Replaces segment `i` (a detached payload attached).
    pub fn set_segment(&mut self, i: usize, segment: String) {
        if let Segments::InText { count, .. } = self.segments {
            self.segments =
                Segments::Owned((0..count).map(|i| self.segment(i).to_string()).collect());
        }
        if let Segments::Owned(owned) = &mut self.segments
            && let Some(slot) = owned.get_mut(i)
        {
            *slot = segment;
        }
    }

    pub fn alg(&self) -> Option<&str> {
        self.header.member("alg").and_then(Value::as_str)
    }

    pub fn enc(&self) -> Option<&str> {
        self.header.member("enc").and_then(Value::as_str)
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.member("kid").and_then(Value::as_str)
    }

    /// The JWS payload bytes (None for a JWE).
    pub fn payload(&self) -> Option<&[u8]> {
        match self.kind {
            Kind::Jws => self.decoded.first().map(Vec::as_slice),
            Kind::Jwe => None,
        }
    }

    /// The JWS signing input, `header.payload`: borrowed from the compact text when it holds
    /// exactly those segments (a JSON serialization, or a payload attached later, does not).
    pub fn signing_input(&self) -> Option<std::borrow::Cow<'_, str>> {
        if self.kind != Kind::Jws {
            return None;
        }
        let (header, payload) = (self.segment(0), self.segment(1));
        let end = header.len() + 1 + payload.len();
        let prefix = self.text.get(..end).filter(|prefix| {
            prefix.starts_with(header)
                && prefix[header.len()..].starts_with('.')
                && prefix.ends_with(payload)
                && self.text[end..].starts_with('.')
        });
        Some(match prefix {
            Some(prefix) => std::borrow::Cow::Borrowed(prefix),
            None => std::borrow::Cow::Owned(format!("{header}.{payload}")),
        })
    }
}

const JWS_PARTS: [&str; 3] = ["header", "payload", "signature"];
const JWE_PARTS: [&str; 5] = ["header", "encrypted key", "iv", "ciphertext", "tag"];

/// Strict base64url without padding; `None` for anything else. The engine refuses every
/// byte outside the base64url alphabet (`+`, `/`, `=`, whitespace, non-ASCII), non-canonical
/// trailing bits and a length of 4n+1 (see the test below).
pub fn b64url_decode(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).ok()
}

/// Parses a compact token. Every failure is a one-line `malformed` error (exit 3).
pub fn parse(token: &str, max_bytes: usize) -> Result<Compact> {
    let text = token.trim_matches(|c: char| c.is_ascii_whitespace());
    if text.is_empty() {
        return Err(error::malformed("no token given"));
    }
    if text.len() > max_bytes {
        return Err(error::malformed(format!(
            "token is {} bytes, over the limit of {max_bytes} bytes (raise it with --max-token-size)",
            text.len()
        )));
    }
    if text.starts_with('{') {
        return Err(error::malformed(
            "a JSON-serialised token is not accepted here; give the compact form",
        ));
    }
    // At most five parts are kept; past that only counted (no list per token).
    let mut bounds = [(0, 0); 5];
    let mut count = 0;
    let mut start = 0;
    let ends = memchr::memchr_iter(b'.', text.as_bytes()).chain([text.len()]);
    for end in ends {
        if let Some(at) = bounds.get_mut(count) {
            *at = (start, end);
        }
        count += 1;
        start = end + 1;
    }
    let parts = bounds.map(|(start, end)| &text[start..end]);
    let (kind, names): (Kind, &[&str]) = match count {
        3 => (Kind::Jws, &JWS_PARTS),
        5 => (Kind::Jwe, &JWE_PARTS),
        n => {
            return Err(error::malformed(format!(
                "expected 3 parts (JWS) or 5 parts (JWE), found {n}"
            )));
        }
    };
    let segments = &parts[..count];
    // Parsed now, reported after the other parts' base64url: RFC 7797's `b64: false` says
    // how to read the payload.
    let (header_bytes, header) = header_of(segments[0])?;
    let unencoded = kind == Kind::Jws
        && header
            .as_ref()
            .is_ok_and(|header| header.member("b64") == Some(&Value::Bool(false)));
    let mut decoded = Vec::with_capacity(segments.len() - 1);
    for (i, (segment, name)) in segments.iter().zip(names).enumerate().skip(1) {
        if unencoded && i == 1 {
            decoded.push(Vec::new());
            continue;
        }
        let bytes = b64url_decode(segment)
            .ok_or_else(|| error::malformed(format!("part {} ({name}) is not base64url", i + 1)))?;
        decoded.push(bytes);
    }
    if header_bytes.is_empty() {
        return Err(error::malformed("header is empty"));
    }
    let header = header?;
    if kind == Kind::Jws && !crate::jose::json::b64_encoded(&header)? {
        decoded[0] = segments[1].as_bytes().to_vec();
    }
    match header.member("alg") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(error::malformed("header \"alg\" is not a string")),
        None => return Err(error::malformed("header has no \"alg\"")),
    }
    // RFC 7515 §4.1.4: a kid is a string; any other kind of value must not widen the search
    // through a JWK Set to every key.
    if header.member("kid").is_some_and(|kid| !kid.is_string()) {
        return Err(error::malformed("header \"kid\" is not a string"));
    }
    if kind == Kind::Jwe {
        match header.member("enc") {
            Some(Value::String(_)) => {}
            Some(_) => return Err(error::malformed("header \"enc\" is not a string")),
            None => return Err(error::malformed("JWE header has no \"enc\"")),
        }
    }
    Ok(Compact {
        kind,
        text: text.to_string(),
        segments: Segments::InText { bounds, count },
        header,
        header_bytes,
        decoded,
    })
}

/// Headers this thread parsed lately, by their encoded segment.
struct SeenHeader {
    segment: String,
    bytes: Arc<[u8]>,
    header: Header,
}

/// How many headers a thread keeps, and the longest it keeps: a batch or a log mostly
/// repeats a few short headers.
const SEEN_HEADERS: usize = 16;
const SEEN_HEADER_BYTES: usize = 1024;

thread_local! {
    static SEEN: std::cell::RefCell<Vec<SeenHeader>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A header segment decoded (an error when it is not base64url) and parsed (the second
/// result, reported by the caller in its turn). A header this thread parsed before is not
/// parsed again: the answer is a function of the segment alone, and only headers that
/// parsed are kept.
fn header_of(segment: &str) -> Result<(Arc<[u8]>, Result<Header>)> {
    let seen = SEEN.with(|seen| {
        seen.borrow()
            .iter()
            .find(|s| s.segment == segment)
            .map(|s| (Arc::clone(&s.bytes), Arc::clone(&s.header)))
    });
    if let Some((bytes, header)) = seen {
        return Ok((bytes, Ok(header)));
    }
    let bytes: Arc<[u8]> = b64url_decode(segment)
        .ok_or_else(|| error::malformed("part 1 (header) is not base64url"))?
        .into();
    let header = strict_json::parse_object(&bytes, "header").map(Arc::new);
    if let Ok(header) = &header
        && segment.len() <= SEEN_HEADER_BYTES
    {
        SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            if seen.len() >= SEEN_HEADERS {
                seen.remove(0);
            }
            seen.push(SeenHeader {
                segment: segment.to_string(),
                bytes: Arc::clone(&bytes),
                header: Arc::clone(header),
            });
        });
    }
    Ok((bytes, header))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// Whether a run of base64url characters and dots has the shape of a compact token:
/// 3 or 5 parts, the first a base64url JSON object (`eyJ`).
fn is_token_shaped(run: &str) -> bool {
    let parts = run.split('.').count();
    (parts == 3 || parts == 5)
        && run.starts_with("eyJ")
        && run.split('.').next().is_some_and(|h| h.len() > 3)
}

/// Every token-shaped run in `text`, with its byte offset, in order.
pub fn find_all(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token_byte(bytes[i]) {
            i += 1;
        }
        // Trailing dots end a sentence, not a token.
        let run = text[start..i].trim_end_matches('.');
        let run_start = start + run.len() - run.trim_start_matches('.').len();
        let run = run.trim_start_matches('.');
        if is_token_shaped(run) {
            found.push((run_start, run));
        }
    }
    found
}

/// The first token in text a person pasted: `Bearer …`, `Authorization: Bearer …`, a
/// quoted token, a URL (`?access_token=…`, `#id_token=…`) or a cookie header.
pub fn extract(text: &str) -> Option<&str> {
    find_all(text).first().map(|(_, token)| *token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Class, class_of};

    /// RFC 7515 Appendix A.1.
    const RFC7515_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn message(token: &str) -> String {
        let err = parse(token, DEFAULT_MAX_TOKEN_BYTES).unwrap_err();
        assert_eq!(class_of(&err), Class::Malformed, "{token}");
        err.to_string()
    }

    #[test]
    fn base64url_is_strict() {
        assert_eq!(b64url_decode("AQID").unwrap(), [1, 2, 3]);
        assert_eq!(b64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(b64url_decode("").unwrap(), b"");
        for bad in [
            "AQID=", "AQ==", "+/8", "AQ ID", " AQID", "AQID\n", "AQ\tID", "AQIDé", "A", "AQIDB",
            "AR", "AQJ", "AQ.D", "AQ\0D",
        ] {
            assert_eq!(b64url_decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_header_seen_before_is_judged_as_the_first_time() {
        let payload = b64(r#"{"sub":"a"}"#);
        let headers = [
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"HS256","kid":7}"#,
            r#"{"alg":"HS256","alg":"none"}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#,
            r#"{"alg":"HS256","b64":false}"#,
            "not json",
        ];
        let answer = |token: &str| match parse(token, DEFAULT_MAX_TOKEN_BYTES) {
            Ok(t) => Ok((
                serde_json::to_string(&*t.header).unwrap(),
                t.decoded.clone(),
            )),
            Err(e) => Err(crate::error::one_line(&e)),
        };
        // More distinct headers than the cache holds, three rounds: hits, misses and
        // evictions all give the first answer.
        let mut tokens: Vec<String> = headers
            .iter()
            .map(|h| format!("{}.{payload}.c2ln", b64(h)))
            .collect();
        tokens.extend((0..20).map(|i| {
            format!(
                "{}.{payload}.c2ln",
                b64(&format!(r#"{{"alg":"HS256","n":{i}}}"#))
            )
        }));
        tokens.push(format!("{}.{payload}.c2ln!", b64(headers[0])));
        let first: Vec<_> = tokens.iter().map(|t| answer(t)).collect();
        for _ in 0..2 {
            let again: Vec<_> = tokens.iter().map(|t| answer(t)).collect();
            assert_eq!(again, first);
        }
        assert_eq!(first[1], Err("header \"kid\" is not a string".to_string()));
        assert!(
            first[2]
                .as_ref()
                .unwrap_err()
                .contains("duplicate member \"alg\"")
        );
        assert_eq!(
            first.last().unwrap(),
            &Err("part 3 (signature) is not base64url".to_string())
        );
    }

    #[test]
    fn parses_the_rfc7515_example() {
        let t = parse(&format!("  {RFC7515_A1}\n"), DEFAULT_MAX_TOKEN_BYTES).unwrap();
        assert_eq!(t.kind, Kind::Jws);
        assert_eq!(t.alg(), Some("HS256"));
        assert_eq!(t.header["typ"], "JWT");
        assert_eq!(t.decoded[1].len(), 32);
        assert!(t.payload().unwrap().starts_with(b"{\"iss\":\"joe\""));
        assert_eq!(t.text, RFC7515_A1);
    }

    #[test]
    fn malformed_tokens_each_get_their_reason() {
        let h = b64(r#"{"alg":"HS256"}"#);
        let long = "a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1);
        let deep = b64(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
        let deep_obj = b64(&format!(
            "{{\"alg\":{}1{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ));
        let cases: Vec<(String, &str)> = vec![
            ("".into(), "no token given"),
            ("   \n".into(), "no token given"),
            (
                long,
                "token is 1048577 bytes, over the limit of 1048576 bytes (raise it with --max-token-size)",
            ),
            (
                "{\"payload\":\"x\"}".into(),
                "a JSON-serialised token is not accepted here; give the compact form",
            ),
            (
                "abc".into(),
                "expected 3 parts (JWS) or 5 parts (JWE), found 1",
            ),
            (
                "a.b".into(),
                "expected 3 parts (JWS) or 5 parts (JWE), found 2",
            ),
            (
                "a.b.c.d".into(),
                "expected 3 parts (JWS) or 5 parts (JWE), found 4",
            ),
            (
                "a.b.c.d.e.f".into(),
                "expected 3 parts (JWS) or 5 parts (JWE), found 6",
            ),
            (format!("{h}=.e30.c2ln"), "part 1 (header) is not base64url"),
            (
                format!("{h}.e30=.c2ln"),
                "part 2 (payload) is not base64url",
            ),
            (
                format!("{h}.e30.c2l+"),
                "part 3 (signature) is not base64url",
            ),
            (
                format!("{h}.e3 0.c2ln"),
                "part 2 (payload) is not base64url",
            ),
            (
                format!("{h}.e30.c2lu/"),
                "part 3 (signature) is not base64url",
            ),
            (format!("{h}.e30.A"), "part 3 (signature) is not base64url"),
            (
                format!("{h}.e30.c2m"),
                "part 3 (signature) is not base64url",
            ),
            (
                format!("{h}.e30.c2ln\u{e9}"),
                "part 3 (signature) is not base64url",
            ),
            (
                format!("{h}.YQ.Yg.Yw.ZA=="),
                "part 5 (tag) is not base64url",
            ),
            (
                format!("{h}.YQ!.Yg.Yw.ZA"),
                "part 2 (encrypted key) is not base64url",
            ),
            (".e30.c2ln".into(), "header is empty"),
            (format!("{}.e30.", b64("[]")), "header is not a JSON object"),
            (
                format!("{}.e30.", b64("\"x\"")),
                "header is not a JSON object",
            ),
            (format!("{}.e30.", b64("1")), "header is not a JSON object"),
            (
                format!("{}.e30.", b64("null")),
                "header is not a JSON object",
            ),
            (
                format!("{}.e30.", b64("{")),
                "header is not valid JSON: EOF while parsing an object",
            ),
            (
                format!("{}.e30.", b64("{\"alg\":\"HS256\"} x")),
                "header is not valid JSON: trailing characters",
            ),
            (
                format!("{}.e30.", b64(r#"{"alg":"HS256","alg":"none"}"#)),
                "header has a duplicate member \"alg\"",
            ),
            (
                format!("{}.e30.", URL_SAFE_NO_PAD.encode([0x7b, 0xff, 0xfe, 0x7d])),
                "header is not UTF-8 JSON",
            ),
            (format!("{deep}.e30."), "header is not a JSON object"),
            (
                format!("{deep_obj}.e30."),
                "header is not valid JSON: recursion limit exceeded",
            ),
            (
                format!("{}.e30.", b64(r#"{"alg":1e400}"#)),
                "header is not valid JSON: number out of range",
            ),
            (
                format!("{}.e30.", b64(r#"{"typ":"JWT"}"#)),
                "header has no \"alg\"",
            ),
            (
                format!("{}.e30.", b64(r#"{"alg":"HS256","kid":1}"#)),
                "header \"kid\" is not a string",
            ),
            (
                format!("{}.e30.", b64(r#"{"alg":"HS256","kid":["hs"]}"#)),
                "header \"kid\" is not a string",
            ),
            (
                format!("{}.e30.", b64(r#"{"alg":"HS256","x":{"a":1,"a":2}}"#)),
                "header has a duplicate member \"a\"",
            ),
            (
                format!("{}.e30.", b64(r#"{"alg":null}"#)),
                "header \"alg\" is not a string",
            ),
            (
                format!("{}.YQ.Yg.Yw.ZA", b64(r#"{"alg":"dir"}"#)),
                "JWE header has no \"enc\"",
            ),
            (
                format!("{}.YQ.Yg.Yw.ZA", b64(r#"{"alg":"dir","enc":7}"#)),
                "header \"enc\" is not a string",
            ),
        ];
        for (token, expected) in cases {
            assert_eq!(message(&token), expected, "{token:.80}");
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = crate::testing::Rng(0x2545_f491_4f6c_dd1d);
        let alphabet = b"eyJ.-_AZaz09{}\"=. \n\xff";
        for _ in 0..2000 {
            let len = rng.below(200);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse(&text, DEFAULT_MAX_TOKEN_BYTES);
            let _ = find_all(&text);
        }
    }

    #[test]
    fn numbers_are_refused_only_beyond_a_double() {
        // The largest double parses (a finding reports it later); one digit more is malformed.
        let header =
            |exp: &str| format!("{}.e30.", b64(&format!(r#"{{"alg":"HS256","exp":{exp}}}"#)));
        assert!(parse(&header("1.7976931348623157e308"), 4096).is_ok());
        assert_eq!(
            message(&header("1.8e308")),
            "header is not valid JSON: number out of range"
        );
    }

    #[test]
    fn unencoded_payloads_are_taken_as_they_are() {
        // RFC 7797: with b64 false (listed in crit) the payload part is the payload itself.
        let h = b64(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
        let t = parse(&format!("{h}.$ 02 is not base64.c2ln"), 4096).unwrap();
        assert_eq!(t.payload(), Some(&b"$ 02 is not base64"[..]));
        assert_eq!(
            t.signing_input().unwrap(),
            format!("{h}.$ 02 is not base64")
        );
        // Encoded (b64 absent or true): the same part is malformed.
        let h = b64(r#"{"alg":"HS256","b64":true}"#);
        assert_eq!(
            message(&format!("{h}.$.c2ln")),
            "part 2 (payload) is not base64url"
        );
        let h = b64(r#"{"alg":"HS256","b64":false}"#);
        assert_eq!(
            message(&format!("{h}.e30.c2ln")),
            "header \"b64\": false must be listed in \"crit\" (RFC 7797)"
        );
        let h = b64(r#"{"alg":"HS256","b64":"no"}"#);
        assert_eq!(
            message(&format!("{h}.e30.c2ln")),
            "header \"b64\" is not a boolean"
        );
    }

    #[test]
    fn huge_numbers_parse_as_floats() {
        let t = parse(
            &format!("{}.e30.", b64(r#"{"alg":"HS256","exp":1e300}"#)),
            4096,
        )
        .unwrap();
        assert_eq!(t.header["exp"].as_f64(), Some(1e300));
    }

    #[test]
    fn tokens_are_dug_out_of_surrounding_text() {
        let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn";
        for text in [
            format!("Bearer {RFC7515_A1}"),
            format!("Authorization: Bearer {RFC7515_A1}\r\n"),
            format!("\"{RFC7515_A1}\""),
            format!("https://app.example/cb?access_token={RFC7515_A1}&state=x"),
            format!("https://app.example/cb#id_token={RFC7515_A1}"),
            format!("Cookie: theme=dark; session={RFC7515_A1}; other=1"),
            format!("the token was {RFC7515_A1}."),
        ] {
            assert_eq!(extract(&text), Some(RFC7515_A1), "{text}");
        }
        assert_eq!(extract(&format!("x={jwe}")), Some(jwe));
        assert_eq!(extract("no token here, just words.and.dots"), None);
        let two = format!("{RFC7515_A1} and {jwe}");
        let all: Vec<&str> = find_all(&two).into_iter().map(|(_, t)| t).collect();
        assert_eq!(all, [RFC7515_A1, jwe]);
    }
}
