//! Finding compact JWS/JWE tokens in arbitrary bytes (logs, HAR files, headers, binary
//! junk) as a stream: memory stays bounded whatever the input size or line length.
//!
//! A *run* is a maximal stretch of base64url characters and dots. A *candidate* starts at
//! `eyJ` (the base64url of `{"`) where a run starts or right after a dot, and ends where
//! the run ends. memchr's `memmem` finds `eyJ`, so the bytes between candidates pass at
//! memory speed; newlines are counted (vectorised) only for line numbers. A candidate whose
//! run continues past the end of the read buffer is carried over to the next read, so a
//! token split across reads is found whole. [`tokens_in`] then cuts a candidate into the
//! tokens that parse strictly (see `token::parse`).
//!
//! JSON-serialized tokens: a run `eyJ…` without dots that is the string value of a
//! `"protected"` or `"payload"` member (escaped or not) triggers a *line candidate*: the
//! line around it, at most `max_run` bytes either side, which `crate::bulk::json_finder`
//! searches. That costs nothing on the compact path (such runs are found anyway); to have
//! the line's start at hand, a read keeps the unfinished last line from its first `{` (at
//! most `max_run` bytes) in the buffer, so memory stays below `read_size + 2 × max_run`.

use std::io::{self, Read};
use std::ops::Range;

use anyhow::{Context, Result};
use memchr::memmem;

use crate::jose::strict_json;
use serde_json::Value;

use crate::jose::token::Kind;

/// The default read size.
pub const DEFAULT_BUFFER: usize = 1024 * 1024;

/// base64url characters (the alphabet of one part of a token).
const fn b64_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        i += 1;
    }
    table
}
static B64: [bool; 256] = b64_table();

/// base64url characters and the dot.
const fn run_table() -> [bool; 256] {
    let mut table = b64_table();
    table[b'.' as usize] = true;
    table
}
static RUN: [bool; 256] = run_table();

/// The length of the run (base64url characters and dots) at the start of `bytes`.
fn run_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !RUN[b as usize])
        .unwrap_or(bytes.len())
}

/// Whether a run holds at least two dots (three parts), the least a token has.
fn has_three_parts(run: &[u8]) -> bool {
    let mut dots = memchr::memchr_iter(b'.', run);
    dots.next().is_some() && dots.next().is_some()
}

/// A candidate: a run that starts with `eyJ` and has at least three parts, where it was found.
#[derive(Debug)]
pub struct Candidate<'a> {
    /// The 1-based line of its first byte.
    pub line: u64,
    /// The byte offset of its first byte in the input.
    pub offset: u64,
    pub text: &'a [u8],
    /// A line that holds a JSON-serialized token (see the module comment), not a run.
    pub json: bool,
}

/// What a scan saw besides its candidates.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub bytes: u64,
    /// Candidates longer than the limit, skipped.
    pub oversized: u64,
}

/// A streaming scanner with a reusable buffer.
pub struct Scanner {
    read_size: usize,
    max_run: usize,
    buf: Vec<u8>,
    finder: memmem::Finder<'static>,
}

impl Scanner {
    /// Reads `read_size` bytes at a time; candidates longer than `max_run` bytes are skipped
    /// (counted in [`Stats::oversized`]). Memory: at most `read_size + max_run` bytes.
    pub fn new(read_size: usize, max_run: usize) -> Scanner {
        Scanner {
            read_size: read_size.max(1),
            max_run,
            buf: Vec::new(),
            finder: memmem::Finder::new(b"eyJ"),
        }
    }

    /// Scans `reader` to its end, handing every candidate to `emit` in input order.
    pub fn scan(
        &mut self,
        mut reader: impl Read,
        mut emit: impl FnMut(Candidate<'_>) -> Result<()>,
    ) -> Result<Stats> {
        let mut stats = Stats::default();
        let buf = &mut self.buf;
        buf.clear();
        let mut len = 0usize; // bytes held in buf
        let mut base = 0u64; // input offset of buf[0]
        let mut line = 1u64; // the line at buf[counted]
        let mut counted = 0usize;
        let mut prev = b'\n'; // the byte before buf[0]
        let mut search = 0usize; // where the next search starts
        let mut skipping = false; // inside an over-long run: drop it until it ends
        let mut json_until = 0usize; // the end of the last line candidate
        loop {
            if buf.len() < len + self.read_size {
                buf.resize(len + self.read_size, 0);
            }
            let n = read_some(&mut reader, &mut buf[len..len + self.read_size])?;
            let eof = n == 0;
            len += n;
            stats.bytes += n as u64;
            if skipping {
                let end = search + run_len(&buf[search..len]);
                skipping = end == len && !eof;
                search = end;
            }
            let mut pending = None;
            while !skipping && let Some(at) = self.finder.find(&buf[search..len]) {
                let start = search + at;
                let before = if start == 0 { prev } else { buf[start - 1] };
                if B64[before as usize] {
                    // `eyJ` in the middle of a part: not the start of a token.
                    search = start + 1;
                    continue;
                }
                let end = start + 3 + run_len(&buf[start + 3..len]);
                let long = end - start > self.max_run;
                if end == len && !eof {
                    // The run may go on in the next read.
                    if long {
                        stats.oversized += 1;
                        skipping = true;
                        search = len;
                    } else {
                        pending = Some(start);
                    }
                    break;
                }
                if long {
                    stats.oversized += 1;
                } else if has_three_parts(&buf[start..end]) {
                    line += count_newlines(&buf[counted..start]);
                    counted = start;
                    emit(Candidate {
                        line,
                        offset: base + start as u64,
                        text: &buf[start..end],
                        json: false,
                    })?;
                } else if start >= json_until && json_member_before(&buf[..start]) {
                    let lo = start.saturating_sub(self.max_run);
                    let seg_start =
                        memchr::memrchr(b'\n', &buf[lo..start]).map_or(lo, |i| lo + i + 1);
                    let hi = len.min(start + self.max_run);
                    let seg_end = match memchr::memchr(b'\n', &buf[start..hi]) {
                        Some(i) => start + i,
                        None if hi == start + self.max_run || eof => hi,
                        None => {
                            // The line goes on in the next read: keep it from its start.
                            pending = Some(seg_start);
                            search = start;
                            break;
                        }
                    };
                    // No line break between seg_start and a candidate after it.
                    if counted < seg_start {
                        line += count_newlines(&buf[counted..seg_start]);
                        counted = seg_start;
                    }
                    emit(Candidate {
                        line,
                        offset: base + seg_start as u64,
                        text: &buf[seg_start..seg_end],
                        json: true,
                    })?;
                    json_until = seg_end;
                }
                search = end;
            }
            if eof {
                return Ok(stats);
            }
            // Keep a pending candidate, or the last two bytes (an `eyJ` cut after `ey`), and
            // the unfinished last line (up to `max_run` bytes) for a line candidate.
            let keep = match pending {
                Some(start) => start,
                None if skipping => len,
                None => search.max(len.saturating_sub(2)),
            };
            // Only from its first `{`: a JSON token starts there or later, and input without
            // braces costs no copy.
            let lo = len.saturating_sub(self.max_run);
            let tail = memchr::memrchr(b'\n', &buf[lo..len]).map_or(lo, |i| lo + i + 1);
            let keep = match memchr::memchr(b'{', &buf[tail.min(keep)..keep]) {
                Some(i) => tail + i,
                None => keep,
            };
            if keep > 0 {
                // A candidate emitted after `keep` has no line break before it.
                if counted < keep {
                    line += count_newlines(&buf[counted..keep]);
                }
                prev = buf[keep - 1];
                buf.copy_within(keep..len, 0);
                len -= keep;
                base += keep as u64;
                counted = 0;
                search = search.saturating_sub(keep);
                json_until = json_until.saturating_sub(keep);
            }
        }
    }
}

/// Whether `before` ends with `"protected":"` or `"payload":"` (quotes possibly escaped by
/// a backslash, whitespace around the colon): what precedes a JSON token's `eyJ…` member.
fn json_member_before(before: &[u8]) -> bool {
    fn strip(b: &mut &[u8], byte: u8) -> bool {
        match b.split_last() {
            Some((&last, rest)) if last == byte => {
                *b = rest;
                true
            }
            _ => false,
        }
    }
    let mut b = before;
    if !strip(&mut b, b'"') {
        return false;
    }
    strip(&mut b, b'\\');
    b = b.trim_ascii_end();
    if !strip(&mut b, b':') {
        return false;
    }
    b = b.trim_ascii_end();
    if !strip(&mut b, b'"') {
        return false;
    }
    strip(&mut b, b'\\');
    let name_ok = |name: &[u8]| {
        b.strip_suffix(name)
            .is_some_and(|rest| rest.ends_with(b"\""))
    };
    name_ok(b"protected") || name_ok(b"payload")
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// `read` that retries on EINTR.
fn read_some(reader: &mut impl Read, into: &mut [u8]) -> Result<usize> {
    loop {
        match reader.read(into) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("read failed"),
        }
    }
}

/// A token found in a candidate: its place in the candidate's text, its kind and the
/// header members a listing shows.
#[derive(Debug)]
pub struct Found {
    pub range: Range<usize>,
    pub kind: Kind,
    pub alg: String,
    pub enc: Option<String>,
    pub kid: Option<Value>,
    /// The JSON serialization's form; `None` for a compact token.
    pub form: Option<crate::jose::json::Form>,
}

/// Reusable buffers for [`tokens_in`].
#[derive(Default)]
pub struct Scratch {
    starts: Vec<usize>,
    header: Vec<u8>,
}

/// The tokens in a candidate: from each part that starts with `eyJ`, the next 5 parts if
/// they are a JWE, else the next 3 if they are a JWS; the search resumes after a token. So
/// tokens joined by dots, and a token followed by more dotted text, are found. A window is
/// a token exactly when `token::parse` accepts it (a test holds the two together), but it
/// is checked here without building the token or an error: this runs for every candidate
/// of a scan. Calls `found` for each token; returns the number of token-shaped windows (3
/// parts or more from an `eyJ`) that were not tokens.
pub fn tokens_in(
    candidate: &[u8],
    max_bytes: usize,
    scratch: &mut Scratch,
    mut found: impl FnMut(Found),
) -> usize {
    let mut malformed = 0;
    // Part i spans starts[i]..starts[i + 1] - 1.
    let starts = &mut scratch.starts;
    starts.clear();
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'.', candidate).map(|dot| dot + 1));
    let parts = starts.len();
    let mut i = 0;
    while i < parts {
        if !candidate[starts[i]..].starts_with(b"eyJ") {
            i += 1;
            continue;
        }
        let mut taken = 0;
        for window in [5, 3] {
            if i + window > parts {
                continue;
            }
            let end = starts
                .get(i + window)
                .map_or(candidate.len(), |next| next - 1);
            let range = starts[i]..end;
            if range.len() > max_bytes {
                continue;
            }
            let kind = if window == 5 { Kind::Jwe } else { Kind::Jws };
            if let Some(header) = check(
                candidate,
                &starts[i..i + window],
                end,
                kind,
                &mut scratch.header,
            ) {
                found(Found {
                    range,
                    kind,
                    alg: header.alg,
                    enc: header.enc,
                    kid: header.kid,
                    form: None,
                });
                taken = window;
                break;
            }
        }
        if taken == 0 {
            if i + 3 <= parts {
                malformed += 1;
            }
            i += 1;
        } else {
            i += taken;
        }
    }
    malformed
}

/// The value of a base64url character.
fn sextet(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'-' => 62,
        _ => 63,
    }
}

/// Whether a base64url part (alphabet already checked) has a length and final bits the
/// strict decoder accepts.
fn canonical(part: &[u8]) -> bool {
    match (part.len() % 4, part.last()) {
        (1, _) => false,
        (2, Some(&last)) => sextet(last) & 0x0f == 0,
        (3, Some(&last)) => sextet(last) & 0x03 == 0,
        _ => true,
    }
}

/// The header members a listing shows.
struct Header {
    alg: String,
    enc: Option<String>,
    kid: Option<Value>,
}

/// What `token::parse` checks, on the window of `kind` whose parts start at `starts` and
/// which ends at `end`: every part canonical base64url, a header that is a JSON object with
/// unique member names and a string `alg` (and `enc` for a JWE). Members are read as
/// `Value`s, as the strict parser does, so the same numbers and nesting fail.
fn check(
    bytes: &[u8],
    starts: &[usize],
    end: usize,
    kind: Kind,
    buf: &mut Vec<u8>,
) -> Option<Header> {
    use base64::Engine;
    for (n, &start) in starts.iter().enumerate() {
        let stop = starts.get(n + 1).map_or(end, |next| next - 1);
        if !canonical(&bytes[start..stop]) {
            return None;
        }
    }
    buf.clear();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode_vec(&bytes[starts[0]..starts[1] - 1], buf)
        .ok()?;
    let [alg, enc, kid] = strict_json::pick(buf, ["alg", "enc", "kid"]).ok()?;
    let alg = match alg {
        Some(Value::String(alg)) => alg,
        _ => return None,
    };
    // As token::parse: a kid that is not a string makes the header malformed.
    if kid.as_ref().is_some_and(|kid| !kid.is_string()) {
        return None;
    }
    let enc = match (kind, enc) {
        (Kind::Jwe, Some(Value::String(enc))) => Some(enc),
        (Kind::Jwe, _) => return None,
        (Kind::Jws, Some(Value::String(enc))) => Some(enc),
        (Kind::Jws, _) => None,
    };
    Some(Header { alg, enc, kid })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWS: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const JWE: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn";

    /// Every candidate as (line, offset, text), scanning with `read_size`.
    fn scan(input: &[u8], read_size: usize) -> Vec<(u64, u64, String)> {
        let mut out = Vec::new();
        Scanner::new(read_size, 4096)
            .scan(input, |c| {
                out.push((
                    c.line,
                    c.offset,
                    String::from_utf8(c.text.to_vec()).unwrap(),
                ));
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn finds_candidates_with_lines_and_offsets_at_every_read_size() {
        let pieces: [(&str, Option<u64>); 11] = [
            ("a ", None),
            (JWS, Some(1)),
            (" b\r\nno token\n\"", None),
            (JWE, Some(3)),
            ("\" x=", None),
            (JWS, Some(3)),
            ("\nlast eyJ.x xeyJhbGc.a.b ", None),
            ("eyJ.x.y", Some(4)),
            ("\n\x7f\x00binary\n", None),
            (JWS, Some(6)),
            ("", None),
        ];
        let mut input = String::new();
        let mut expected = Vec::new();
        for (text, line) in pieces {
            if let Some(line) = line {
                expected.push((line, input.len() as u64, text.to_string()));
            }
            input.push_str(text);
        }
        for size in [1, 2, 3, 5, 7, 64, 1000, 1 << 20] {
            assert_eq!(scan(input.as_bytes(), size), expected, "read size {size}");
        }
    }

    #[test]
    fn over_long_runs_are_skipped_and_counted() {
        let long = format!("eyJ{} {JWS}\n", "A".repeat(10_000));
        for size in [3, 100, 1 << 20] {
            let mut seen = Vec::new();
            let stats = Scanner::new(size, 4096)
                .scan(long.as_bytes(), |c| {
                    seen.push(c.text.len());
                    Ok(())
                })
                .unwrap();
            assert_eq!(seen, [JWS.len()], "read size {size}");
            assert_eq!(stats.oversized, 1);
            assert_eq!(stats.bytes, long.len() as u64);
        }
    }

    #[test]
    fn candidates_are_cut_into_tokens() {
        let texts = |c: &str| -> (Vec<String>, usize) {
            let mut found = Vec::new();
            let bad = tokens_in(c.as_bytes(), 1 << 20, &mut Scratch::default(), |f| {
                found.push(c[f.range].to_string())
            });
            (found, bad)
        };
        assert_eq!(texts(JWS), (vec![JWS.to_string()], 0));
        assert_eq!(texts(JWE), (vec![JWE.to_string()], 0));
        assert_eq!(
            texts(&format!("{JWS}.{JWE}")),
            (vec![JWS.to_string(), JWE.to_string()], 0)
        );
        assert_eq!(
            texts(&format!("{JWS}.more.text")),
            (vec![JWS.to_string()], 0)
        );
        assert_eq!(texts(&format!("{JWS}.")), (vec![JWS.to_string()], 0));
        assert_eq!(texts("eyJhbGc.eyJ.x"), (vec![], 1));
        assert_eq!(texts("eyJhbGc.x"), (vec![], 0));
        // A broken header: the payload's `eyJ` starts no token either.
        let broken = format!("eyJxx{}", &JWS[3..]);
        assert_eq!(texts(&broken), (vec![], 1));
    }

    /// `tokens_in` accepts a window exactly when the strict parser does, on valid tokens
    /// and on many mutations of them.
    #[test]
    fn agrees_with_the_strict_parser() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let headers = [
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"dir","enc":"A256GCM","kid":"k"}"#,
            r#"{"alg":"HS256","alg":"none"}"#,
            r#"{"alg":1}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"RSA-OAEP","enc":7}"#,
            r#"{"alg":"HS256","x":1e400}"#,
            r#"{"alg":"HS256"} x"#,
            r#"["alg"]"#,
            r#"{"alg":"HS256","enc":"A128GCM"}"#,
            "{\"alg\":\"HS256\",\"n\":[[[[[[[[[[1]]]]]]]]]]}",
        ];
        let mut rng = crate::testing::Rng(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.next();
        let alphabet = b"eyJAQgw-_.0Z";
        let mut checked = 0;
        for header in headers {
            for tail in [
                "e30.c2ln",
                "e30.",
                "YQ.Yg.Yw.ZA",
                ".aXY.Y3Q.dGFn",
                "e30.c2m",
                "e30.A",
                "e3.x.y",
            ] {
                let base = format!("{}.{tail}", b64(header));
                for round in 0..60 {
                    let mut text = base.clone().into_bytes();
                    if round > 0 {
                        let at = (next() as usize) % text.len();
                        text[at] = alphabet[(next() as usize) % alphabet.len()];
                    }
                    let text = String::from_utf8(text).unwrap();
                    let parts = text.split('.').count();
                    if !text.starts_with("eyJ") || (parts != 3 && parts != 5) {
                        continue;
                    }
                    let strict = crate::jose::token::parse(&text, 1 << 20).is_ok();
                    let mut whole = false;
                    tokens_in(text.as_bytes(), 1 << 20, &mut Scratch::default(), |f| {
                        whole |= f.range == (0..text.len())
                    });
                    assert_eq!(whole, strict, "{text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }
}
