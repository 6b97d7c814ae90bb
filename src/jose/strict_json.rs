//! The one strict parser for JSON objects that decide something: token headers, claims sets,
//! claims given to `issue`.
//!
//! Strict means: UTF-8, exactly one JSON object, member names unique at every depth (a
//! duplicate is read differently by different parsers, so it is refused rather than guessed),
//! no lone surrogate in a string, no number out of range, nesting at most 128 deep. Work is
//! linear in the input: an object's member names are compared in order only while there are
//! few (`Seen`), then checked against a hash set.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error;

/// Why bytes are not a strict JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotUtf8,
    /// Valid JSON, but not an object.
    NotObject,
    /// The member name, as JSON.
    Duplicate(String),
    /// serde_json's reason (lone surrogate, number out of range, recursion limit, syntax).
    Invalid(String),
}

impl Refusal {
    /// The refusal as a malformed-input error about `what` (exit 3).
    pub fn into_error(self, what: &str) -> anyhow::Error {
        error::malformed(match self {
            Refusal::NotUtf8 => format!("{what} is not UTF-8 JSON"),
            Refusal::NotObject => format!("{what} is not a JSON object"),
            Refusal::Duplicate(name) => format!("{what} has a duplicate member {name}"),
            Refusal::Invalid(reason) => format!("{what} is not valid JSON: {reason}"),
        })
    }
}

/// Parses `bytes` as a strict JSON object; `what` names it in errors (exit 3).
pub fn parse_object(bytes: &[u8], what: &str) -> anyhow::Result<Map<String, Value>> {
    object(bytes).map_err(|r| r.into_error(what))
}

/// Parses `bytes` as a strict JSON object.
pub fn object(bytes: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let first = bytes.iter().find(|b| !b" \t\r\n".contains(b)).copied();
    if first != Some(b'{') {
        return Err(match serde_json::from_slice::<de::IgnoredAny>(bytes) {
            Ok(_) => Refusal::NotObject,
            Err(_) if std::str::from_utf8(bytes).is_err() => Refusal::NotUtf8,
            Err(e) => Refusal::Invalid(short_reason(&e)),
        });
    }
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Strict::<true>::new(&duplicate)
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    match parsed {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Refusal::NotObject),
        Err(e) => Err(classify(&e, bytes, duplicate.into_inner())),
    }
}

/// The top-level member names of a strict JSON object, in order, without building its values
/// (the cheap check `issue --batch` makes per line).
pub fn member_names(bytes: &[u8]) -> Result<Vec<String>, Refusal> {
    if !looks_like_object(bytes) {
        return object(bytes).map(|map| map.keys().cloned().collect());
    }
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = de::Deserializer::deserialize_map(&mut de, Names(&duplicate))
        .and_then(|names| de.end().map(|()| names));
    parsed.map_err(|e| classify(&e, bytes, duplicate.into_inner()))
}

/// The values of the `wanted` top-level members of a strict JSON object (`None` where
/// absent), without building the others: the cheap check `--scan` makes per candidate.
pub fn pick<const N: usize>(
    bytes: &[u8],
    wanted: [&str; N],
) -> Result<[Option<Value>; N], Refusal> {
    if !looks_like_object(bytes) {
        return Err(object(bytes).err().unwrap_or(Refusal::NotObject));
    }
    let duplicate = RefCell::new(None);
    let picked = Picked {
        wanted,
        duplicate: &duplicate,
    };
    // Bytes that are UTF-8 throughout are read as a str, whose strings serde_json then
    // takes without checking each one again (those checks were a fifth of a claims set's
    // time); other bytes are read as bytes, so they are refused as they always were.
    // [`object`] reads bytes: the tests hold the two to the same answers.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => whole_map(serde_json::Deserializer::from_str(text), picked),
        Err(_) => whole_map(serde_json::Deserializer::from_slice(bytes), picked),
    };
    parsed.map_err(|e| classify(&e, bytes, duplicate.into_inner()))
}

/// `visitor`'s reading of the one object `de` holds, with nothing after it.
fn whole_map<'de, R, V>(
    mut de: serde_json::Deserializer<R>,
    visitor: V,
) -> serde_json::Result<V::Value>
where
    R: serde_json::de::Read<'de>,
    V: Visitor<'de>,
{
    let value = de::Deserializer::deserialize_map(&mut de, visitor)?;
    de.end()?;
    Ok(value)
}

/// Whether `bytes` start (after whitespace) like a JSON object.
pub fn looks_like_object(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b" \t\r\n".contains(b)) == Some(&b'{')
}

/// The refusal for a parse error; `duplicate` is the member name the visitor found twice
/// (serde's custom errors carry only text, so the name travels beside the error).
fn classify(err: &serde_json::Error, bytes: &[u8], duplicate: Option<String>) -> Refusal {
    if let Some(name) = duplicate {
        return Refusal::Duplicate(serde_json::to_string(&name).unwrap_or_default());
    }
    if std::str::from_utf8(bytes).is_err() {
        return Refusal::NotUtf8;
    }
    Refusal::Invalid(short_reason(err))
}

/// serde_json's reason without the position, which means little to a person.
fn short_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// A `Value` deserialised with unique member names at every depth; with `KEEP` false the
/// input is only checked, and `Null` stands for every value. A repeated name is recorded in
/// `duplicate`.
struct Strict<'a, const KEEP: bool> {
    duplicate: &'a RefCell<Option<String>>,
}

impl<'a, const KEEP: bool> Strict<'a, KEEP> {
    fn new(duplicate: &'a RefCell<Option<String>>) -> Self {
        Strict { duplicate }
    }

    fn repeated<E: de::Error>(&self, name: String) -> E {
        *self.duplicate.borrow_mut() = Some(name);
        E::custom("duplicate member")
    }
}

impl<'de, const KEEP: bool> DeserializeSeed<'de> for Strict<'_, KEEP> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const KEEP: bool> Visitor<'de> for Strict<'_, KEEP> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(if KEEP { Value::Bool(v) } else { Value::Null })
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(if KEEP { v.into() } else { Value::Null })
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(if KEEP { v.into() } else { Value::Null })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        let number = Number::from_f64(v).ok_or_else(|| E::custom("number out of range"))?;
        Ok(if KEEP {
            Value::Number(number)
        } else {
            Value::Null
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if KEEP {
            Value::String(v.to_string())
        } else {
            Value::Null
        })
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(if KEEP { Value::String(v) } else { Value::Null })
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict::<KEEP>::new(self.duplicate))? {
            if KEEP {
                items.push(item);
            }
        }
        Ok(if KEEP {
            Value::Array(items)
        } else {
            Value::Null
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        if !KEEP {
            let mut seen = Seen::default();
            while let Some(name) = access.next_key_seed(Name)? {
                access.next_value_seed(Strict::<false>::new(self.duplicate))?;
                seen.insert(name)
                    .map_err(|name| self.repeated(name.into_owned()))?;
            }
            return Ok(Value::Null);
        }
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            let value = access.next_value_seed(Strict::<KEEP>::new(self.duplicate))?;
            // One lookup a member: this runs for every header and claims set.
            match map.entry(name) {
                serde_json::map::Entry::Occupied(entry) => {
                    return Err(self.repeated(entry.key().clone()));
                }
                serde_json::map::Entry::Vacant(entry) => {
                    entry.insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The member names of one object seen so far. The few of a header or claims set are
/// compared in order, kept in place (no hashing, no allocation, no copies); past
/// [`SCANNED_MEMBERS`] they go into a hash set, so work stays linear in the input.
struct Seen<'de> {
    first: [Cow<'de, str>; SCANNED_MEMBERS],
    count: usize,
    hashed: HashSet<Cow<'de, str>>,
}

impl Default for Seen<'_> {
    fn default() -> Self {
        Seen {
            first: [const { Cow::Borrowed("") }; SCANNED_MEMBERS],
            count: 0,
            hashed: HashSet::new(),
        }
    }
}

impl<'de> Seen<'de> {
    /// Records `name`; gives it back if it was seen before.
    fn insert(&mut self, name: Cow<'de, str>) -> Result<(), Cow<'de, str>> {
        if self.count < SCANNED_MEMBERS {
            if self.first[..self.count].contains(&name) {
                return Err(name);
            }
            self.first[self.count] = name;
            self.count += 1;
            return Ok(());
        }
        if self.hashed.is_empty() {
            self.hashed.extend(self.first.iter().cloned());
        }
        if self.hashed.contains(&name) {
            return Err(name);
        }
        self.hashed.insert(name);
        Ok(())
    }
}

/// The wanted top-level members of an object whose other values are checked, not kept.
struct Picked<'a, 'w, const N: usize> {
    wanted: [&'w str; N],
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de, const N: usize> Visitor<'de> for Picked<'_, '_, N> {
    type Value = [Option<Value>; N];

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut picked: [Option<Value>; N] = std::array::from_fn(|_| None);
        let mut seen = Seen::default();
        while let Some(name) = access.next_key_seed(Name)? {
            match self.wanted.iter().position(|w| *w == name) {
                Some(i) => {
                    picked[i] = Some(access.next_value_seed(Strict::<true>::new(self.duplicate))?)
                }
                None => {
                    access.next_value_seed(Strict::<false>::new(self.duplicate))?;
                }
            }
            seen.insert(name)
                .map_err(|name| Strict::<false>::new(self.duplicate).repeated(name.into_owned()))?;
        }
        Ok(picked)
    }
}

/// The top-level member names of an object whose values are checked, not kept.
struct Names<'a>(&'a RefCell<Option<String>>);

impl<'de> Visitor<'de> for Names<'_> {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Vec<String>, A::Error> {
        let mut names = Vec::new();
        let mut seen = Seen::default();
        while let Some(name) = access.next_key_seed(Name)? {
            access.next_value_seed(Strict::<false>::new(self.0))?;
            names.push(name.to_string());
            seen.insert(name)
                .map_err(|name| Strict::<false>::new(self.0).repeated(name.into_owned()))?;
        }
        Ok(names)
    }
}

/// The longest number text quoted in an error.
const MAX_NUMBER_SHOWN: usize = 40;

/// The first number in JSON `text` that serde_json would write back with another value
/// (an integer beyond 64 bits becomes a double; a double keeps about 17 digits), shortened
/// for a message. Numbers are kept exactly or refused, never silently changed.
pub fn check_exact_numbers(text: &[u8]) -> std::result::Result<(), String> {
    let mut i = 0;
    let mut in_string = false;
    while i < text.len() {
        let b = text[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < text.len()
                && matches!(text[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            {
                i += 1;
            }
            let number = std::str::from_utf8(&text[start..i]).unwrap_or_default();
            if !written_back_exactly(number) {
                return Err(match number.char_indices().nth(MAX_NUMBER_SHOWN) {
                    Some((at, _)) => format!("{}…", &number[..at]),
                    None => number.to_string(),
                });
            }
            continue;
        }
        i += 1;
    }
    Ok(())
}

/// Whether serde_json writes `number` back as the same decimal value.
fn written_back_exactly(number: &str) -> bool {
    let Ok(value) = serde_json::from_str::<Value>(number) else {
        return true; // not a number serde_json reads: the parse reports it
    };
    decimal(number).is_some() && decimal(number) == decimal(&value.to_string())
}

/// A decimal number as (negative, significant digits, power of ten): `-1.50e3` is
/// (true, "15", 2). Zero is (false, "", 0) whatever its sign.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let mut power = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    power = power.checked_add(i64::try_from(digits.len() - significant.len()).ok()?)?;
    Some((negative, significant.to_string(), power))
}

/// Looking up a member by name. serde_json's map hashes the name with SipHash, which for
/// the few members of a header or claims set costs more than comparing them all: a token's
/// checks make some twenty lookups. Large objects are still looked up by hash.
pub trait Members {
    /// The member called `name`.
    fn member(&self, name: &str) -> Option<&Value>;
    /// Whether there is a member called `name`.
    fn has(&self, name: &str) -> bool {
        self.member(name).is_some()
    }
}

/// Objects with at most this many members are searched in order.
const SCANNED_MEMBERS: usize = 16;

impl Members for Map<String, Value> {
    fn member(&self, name: &str) -> Option<&Value> {
        if self.len() <= SCANNED_MEMBERS {
            self.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value)
        } else {
            self.get(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_found_as_the_map_finds_it_whatever_its_size() {
        for size in 0..40 {
            let map: Map<String, Value> = (0..size).map(|i| (format!("m{i}"), i.into())).collect();
            for name in (0..42)
                .map(|i| format!("m{i}"))
                .chain(["".into(), "m".into()])
            {
                assert_eq!(map.member(&name), map.get(&name), "{name} of {size}");
                assert_eq!(map.has(&name), map.contains_key(&name));
            }
        }
    }

    fn refusal(text: &str) -> Refusal {
        object(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn strict_objects_parse_as_serde_json_would() {
        let text = r#" {"sub":"alice","exp":1300819380,"n":-1.5,"a":[1,{"x":null}],"ok":true} "#;
        let strict = object(text.as_bytes()).unwrap();
        let loose: Map<String, Value> = serde_json::from_str(text).unwrap();
        assert_eq!(strict, loose);
    }

    #[test]
    fn every_strictness_rule_has_its_reason() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        let cases = [
            (
                r#"{"sub":"alice","exp":1,"exp":1}"#,
                Refusal::Duplicate("\"exp\"".into()),
            ),
            (r#"{"a":{"b":1,"b":2}}"#, Refusal::Duplicate("\"b\"".into())),
            (
                r#"{"a":[{"c":1,"c":1}]}"#,
                Refusal::Duplicate("\"c\"".into()),
            ),
            (
                r#"{"name":"\ud800"}"#,
                Refusal::Invalid("unexpected end of hex escape".into()),
            ),
            (
                r#"{"name":"\udc00x"}"#,
                Refusal::Invalid("lone leading surrogate in hex escape".into()),
            ),
            (
                r#"{"n":1e999}"#,
                Refusal::Invalid("number out of range".into()),
            ),
            (&deep, Refusal::Invalid("recursion limit exceeded".into())),
            ("[1]", Refusal::NotObject),
            ("\"x\"", Refusal::NotObject),
            (
                "{\"a\":1} x",
                Refusal::Invalid("trailing characters".into()),
            ),
            ("{", Refusal::Invalid("EOF while parsing an object".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(refusal(text), expected, "{text}");
        }
        assert_eq!(object(&[b'{', 0xff, b'}']).unwrap_err(), Refusal::NotUtf8);
    }

    #[test]
    fn many_members_are_checked_in_linear_time() {
        // 200,000 members: a quadratic check would take minutes.
        let mut text = String::from("{");
        for i in 0..200_000 {
            text.push_str(&format!("\"m{i}\":{i},"));
        }
        text.push_str("\"m0\":0}");
        let started = std::time::Instant::now();
        assert_eq!(refusal(&text), Refusal::Duplicate("\"m0\"".into()));
        assert_eq!(
            member_names(text.as_bytes()).unwrap_err(),
            Refusal::Duplicate("\"m0\"".into())
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn member_names_check_what_object_checks() {
        let names = member_names(br#"{"b":1,"a":{"x":[1e5,"s"]}}"#).unwrap();
        assert_eq!(names, ["b", "a"]);
        for text in [
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"name":"\ud800"}"#,
            r#"{"n":1e999}"#,
            "[1]",
            "{",
        ] {
            assert_eq!(
                member_names(text.as_bytes()).unwrap_err(),
                refusal(text),
                "{text}"
            );
        }
    }

    #[test]
    fn pick_keeps_the_wanted_members_and_checks_the_rest() {
        let [alg, kid, enc] = pick(
            br#"{"alg":"HS256","x":{"y":[1]},"kid":"k"}"#,
            ["alg", "kid", "enc"],
        )
        .unwrap();
        assert_eq!(
            (alg, kid, enc),
            (Some("HS256".into()), Some("k".into()), None)
        );
        for text in [
            r#"{"alg":"a","alg":"b"}"#,
            r#"{"x":{"b":1,"b":2}}"#,
            r#"{"n":1e999}"#,
            "[1]",
            "{",
        ] {
            assert_eq!(
                pick(text.as_bytes(), ["alg"]).unwrap_err(),
                refusal(text),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_are_malformed_and_name_the_part() {
        let err = parse_object(br#"{"a":1,"a":2}"#, "payload").unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 3);
        assert_eq!(err.to_string(), "payload has a duplicate member \"a\"");
    }

    #[test]
    fn decimals_compare_by_value() {
        assert_eq!(decimal("-1.50e3"), Some((true, "15".into(), 2)));
        assert_eq!(decimal("1500"), decimal("1.5E+3"));
        assert_eq!(decimal("-0.0"), decimal("0"));
        assert_eq!(decimal("0.001"), Some((false, "1".into(), -3)));
        for exact in [
            "0",
            "-0",
            "1e3",
            "0.1",
            "1.5e-7",
            "18446744073709551615",
            "1e300",
        ] {
            assert!(written_back_exactly(exact), "{exact}");
        }
        for changed in [
            "18446744073709551616",
            "0.10000000000000000001",
            "123456789.123456789",
        ] {
            assert!(!written_back_exactly(changed), "{changed}");
        }
        assert_eq!(
            check_exact_numbers(br#"{"a":"9999999999999999999999","b":[1,2.5,{"c":-3}]}"#),
            Ok(())
        );
        assert_eq!(
            check_exact_numbers(br#"{"a\"":1,"b":99999999999999999999}"#),
            Err("99999999999999999999".into())
        );
    }
}
