//! Compact JSON written straight into a buffer, for the document `verify --batch` and
//! `decrypt --batch` write per token. What already is JSON is copied: a claims set's own
//! text ([`compact_copy`]), a header's JSON (kept by the caller for the next token with the
//! same header). The rest is written here: a string is checked for characters to escape a
//! word at a time and, when it has none (nearly always), copied whole; one that has some is
//! written by serde_json itself, as is every number. The output is byte for byte
//! serde_json's compact form, and [`indent`] turns it into serde_json's pretty form.

use serde_json::{Map, Value};

/// Writes `text` as a JSON string.
pub fn string(out: &mut Vec<u8>, text: &str) {
    if needs_escape(text.as_bytes()) {
        serde_json_into(out, text);
    } else {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

/// Writes `name` as a member name, with its colon.
fn name(out: &mut Vec<u8>, name: &str) {
    string(out, name);
    out.push(b':');
}

/// Writes a JSON value. Recursion is bounded by the strict parser's depth limit (128), which
/// every header and claims set has passed.
fn value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => serde_json_into(out, number),
        Value::String(text) => string(out, text),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self::value(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => object(out, map),
    }
}

/// Writes a JSON object.
pub fn object(out: &mut Vec<u8>, map: &Map<String, Value>) {
    out.push(b'{');
    for (i, (key, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        name(out, key);
        value(out, item);
    }
    out.push(b'}');
}

/// Writes compact JSON (no space outside strings, as this module and serde_json write it)
/// indented as serde_json's pretty printer would: two spaces a level, `": "` after a name,
/// `[]` and `{}` left empty. Streamed: the indentation of a deep document can be many times
/// its size.
pub fn indent(compact: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    const SPACES: &[u8] = &[b' '; 64];
    fn newline(out: &mut impl std::io::Write, depth: usize) -> std::io::Result<()> {
        out.write_all(b"\n")?;
        let mut left = depth * 2;
        while left > 0 {
            let n = left.min(SPACES.len());
            out.write_all(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < compact.len() {
        let b = compact[i];
        i += 1;
        if in_string {
            in_string = escaped || b != b'"';
            escaped = !escaped && b == b'\\';
            out.write_all(&[b])?;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.write_all(b"\"")?;
            }
            b'{' | b'[' if matches!(compact.get(i), Some(b'}' | b']')) => {
                out.write_all(&[b, compact[i]])?;
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                out.write_all(&[b])?;
                newline(out, depth)?;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth)?;
                out.write_all(&[b])?;
            }
            b',' => {
                out.write_all(b",")?;
                newline(out, depth)?;
            }
            b':' => out.write_all(b": ")?,
            _ => out.write_all(&[b])?,
        }
    }
    Ok(())
}

/// Appends `text`, JSON that the strict parser accepted, as serde_json (and this module)
/// would write the value parsed from it, when that can be done by dropping the spaces
/// outside strings; says whether it could (if not, `out` is left as it was). It can when no
/// string holds an escape (an escape may be written back another way: `\u0041` as `A`)
/// and every number is an integer of at most 18 digits other than `-0` (other numbers may
/// come back in another form: `1.0e3` as `1000.0`). Then a claims set is copied into a
/// verdict instead of parsed into a map and written out again.
pub fn compact_copy(out: &mut Vec<u8>, text: &[u8]) -> bool {
    let start = out.len();
    let mut run = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        i += 1;
        if in_string {
            if b == b'\\' {
                out.truncate(start);
                return false;
            }
            in_string = b != b'"';
            continue;
        }
        match b {
            b'"' => in_string = true,
            b' ' | b'\t' | b'\n' | b'\r' => {
                out.extend_from_slice(&text[run..i - 1]);
                run = i;
            }
            b'-' | b'0'..=b'9' => {
                let first = i - 1;
                while text.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let number = &text[first..i];
                let digits = number.strip_prefix(b"-").unwrap_or(number);
                if digits.len() > 18
                    || number == b"-0"
                    || matches!(text.get(i), Some(b'.' | b'e' | b'E'))
                {
                    out.truncate(start);
                    return false;
                }
            }
            _ => {}
        }
    }
    out.extend_from_slice(&text[run..]);
    true
}

/// Whether serde_json would escape a byte of `bytes`: a control character, `"` or `\`.
/// Sixteen bytes at a time, or-ed together without an early exit, so it compiles to vector
/// compares; then eight at a time in a word; then the last few.
fn needs_escape(bytes: &[u8]) -> bool {
    fn escaped(b: u8) -> bool {
        b < 0x20 || b == b'"' || b == b'\\'
    }
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |hit, &b| hit | escaped(b)) {
            return true;
        }
    }
    let mut rest = chunks.remainder();
    if let Some((word, tail)) = rest.split_first_chunk::<8>() {
        if word_needs_escape(u64::from_le_bytes(*word)) {
            return true;
        }
        rest = tail;
    }
    rest.iter().any(|&b| escaped(b))
}

/// Whether any byte of `word` is below 0x20, `"` or `\`: the exact "has a byte less than
/// n" and "has a zero byte" word tests (Bit Twiddling Hacks), the latter on the word xor
/// each character.
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    below(word, 0x20) | below(quote, 1) | below(backslash, 1) != 0
}

/// serde_json's own writing of `value` (compact). Writing into a `Vec` cannot fail, and
/// neither can serialising a string or a number.
fn serde_json_into(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    let _ = serde_json::to_writer(&mut *out, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(v: &Value) -> String {
        let mut out = Vec::new();
        value(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_string_is_written_as_serde_json_writes_it() {
        // Every ASCII character, and some that are not, at every position of strings of
        // every length up to 40: through the 16-byte chunks, the 8-byte word and the tail.
        let mut texts = Vec::new();
        let others = [
            "é",
            "\u{7f}",
            "\u{85}",
            "\u{9b}",
            "\u{2028}",
            "\u{1F600}",
            "ÿ",
        ];
        for len in 1..=40 {
            for at in 0..len {
                let one = |c: &str| format!("{}{c}{}", "a".repeat(at), "é".repeat(len - at - 1));
                texts.extend((0u8..128).map(|b| one(&char::from(b).to_string())));
                texts.extend(others.map(one));
            }
        }
        texts.extend(["", "日本語\"\\\n"].map(String::from));
        for text in texts {
            let v = Value::String(text.clone());
            assert_eq!(written(&v), serde_json::to_string(&v).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn indented_is_serde_json_pretty() {
        for text in [
            r#"{"a":[1,{"b":[],"c":{}},"x,y:{[\"\\"],"d":{"e":[[]]},"f":"\\"}"#,
            "[]",
            "{}",
            r#"[[1,[2]],{"":""}]"#,
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            let mut compact = Vec::new();
            value(&mut compact, &v);
            let mut pretty = Vec::new();
            indent(&compact, &mut pretty).unwrap();
            assert_eq!(
                String::from_utf8(pretty).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
    }

    #[test]
    fn compact_copy_is_what_writing_the_parsed_map_gives() {
        let copied = [
            "{\"exp\":1700003600,\"sub\":\"user1\",\"name\":\"Ünïcödé \u{7f}\",\"a\":[true,false,null,-12,{}]}",
            r#"{"n":123456789012345678,"m":-123456789012345678,"z":0,"e":"1.5e3 ,:{ "}"#,
            r#"{}"#,
            r#"  {"exp": 1, "sub" :"a b" ,"x":[ 1 , { } ,[ ] ] }  "#,
            "{\"a\":\n\t[1,\r\n2]}\n",
        ];
        let declined = [
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\""}"#,
            r#"{"a": 1.0}"#,
            r#"{"a":1e3}"#,
            r#"{"a":1E3}"#,
            r#"{"a":-0}"#,
            r#"{"a":1234567890123456789}"#,
        ];
        for (text, expected) in copied
            .iter()
            .map(|t| (t, true))
            .chain(declined.iter().map(|t| (t, false)))
        {
            let map = crate::jose::strict_json::object(text.as_bytes()).unwrap();
            let mut written = b"before".to_vec();
            object(&mut written, &map);
            let mut copy = b"before".to_vec();
            assert_eq!(compact_copy(&mut copy, text.as_bytes()), expected, "{text}");
            if expected {
                assert_eq!(
                    String::from_utf8(copy).unwrap(),
                    String::from_utf8(written).unwrap()
                );
            } else {
                assert_eq!(copy, b"before", "declined: left as it was");
            }
        }
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        let v: Value = serde_json::from_str(
            r#"{"a":[1,-2,3.5,1e300,18446744073709551615,-9223372036854775808,0.1],
                "b":{"c":null,"d":true,"e":false,"f":[],"g":{}},"k\"ey\u0001":"v\u001b"}"#,
        )
        .unwrap();
        assert_eq!(written(&v), serde_json::to_string(&v).unwrap());
    }
}
