//! The claims set of an authentic payload: parsed strictly, then judged (exp, nbf, iss, aud,
//! sub, required claims) with each check recorded in the trail.

use std::sync::OnceLock;

use anyhow::Result;
use serde_json::{Map, Value};

use super::verdict::{Check, Trail};
use super::verify::Policy;
use crate::error;
use crate::io::json_writer;
use crate::jose::strict_json::{self, Members, Refusal};
use crate::time;

/// Whether a `typ` or `cty` value names a JWT (RFC 7519 §5.1, §5.2), media type or not.
pub(super) fn names_jwt(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("JWT") || v.eq_ignore_ascii_case("application/jwt"))
}

/// The registered claims the checks read, picked out while the claims set is checked.
const PICKED: [&str; 5] = ["exp", "nbf", "iss", "aud", "sub"];

/// An authentic claims set: its JSON text, checked strictly, with the members the checks
/// read picked out. The whole map is built only when something asks for it: building it
/// was a third of an HS256 token's `verify --batch` time, and a `--batch` verdict needs
/// only the text.
#[derive(Debug, Clone)]
pub struct ClaimsSet {
    text: Box<[u8]>,
    // Boxed: a claims set moves through a dozen returns on its way into a verdict, and at
    // 260 bytes inline those copies cost an HS256 token 6 % of its CPU time (40 bytes now).
    picked: Box<[Option<Value>; PICKED.len()]>,
    map: OnceLock<Box<Map<String, Value>>>,
}

impl ClaimsSet {
    /// Checks `text` as a strict JSON object, the refusal as `strict_json::object` gives it.
    pub fn parse(text: &[u8]) -> Result<ClaimsSet, Refusal> {
        match strict_json::pick(text, PICKED) {
            Ok(picked) => Ok(ClaimsSet {
                text: text.into(),
                picked: Box::new(picked),
                map: OnceLock::new(),
            }),
            Err(refusal) => Err(strict_json::object(text).err().unwrap_or(refusal)),
        }
    }

    /// The claims set as it was given.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// The member called `name`.
    pub fn member(&self, name: &str) -> Option<&Value> {
        match PICKED.iter().position(|picked| *picked == name) {
            Some(i) => self.picked[i].as_ref(),
            None => self.map().member(name),
        }
    }

    /// The whole claims set, parsed the first time it is asked for.
    pub fn map(&self) -> &Map<String, Value> {
        self.map
            .get_or_init(|| Box::new(Self::parse_map(&self.text)))
    }

    /// The whole claims set, owned.
    pub fn into_map(self) -> Map<String, Value> {
        match self.map.into_inner() {
            Some(map) => *map,
            None => Self::parse_map(&self.text),
        }
    }

    /// The map of a text `parse` accepted. `pick` and `object` apply the same rules (the
    /// same visitor checks every value; tests hold them to it), so this cannot fail; were
    /// it to, the set reads as empty, and a claim the checks require is missing.
    fn parse_map(text: &[u8]) -> Map<String, Value> {
        let parsed = strict_json::object(text);
        debug_assert!(parsed.is_ok(), "a claims set that passed parses again");
        parsed.unwrap_or_default()
    }

    /// Appends the claims set as compact JSON: copied from the text without its spaces
    /// when that is what writing the map would give (`json_writer::compact_copy`), which it
    /// nearly always is.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        if !json_writer::compact_copy(out, &self.text) {
            json_writer::object(out, self.map());
        }
    }
}

/// The claims set of a payload. A payload that starts with `{`, or whose header says
/// `typ`/`cty: JWT`, is a claims set and must parse strictly (else exit 3); any other payload
/// is not a JWT (`None`).
pub fn claims_of(payload: &[u8], header: &Map<String, Value>) -> Result<Option<ClaimsSet>> {
    let says_jwt = names_jwt(header.member("typ")) || names_jwt(header.member("cty"));
    if !says_jwt && !strict_json::looks_like_object(payload) {
        return Ok(None);
    }
    ClaimsSet::parse(payload)
        .map(Some)
        .map_err(|refusal| refusal.into_error("the claims set"))
}

/// [`claims_of`] for an authentic payload, as a step of the trail.
pub(super) fn claims_set(
    payload: &[u8],
    header: &Map<String, Value>,
    trail: &mut Trail,
) -> Result<Option<ClaimsSet>> {
    trail.step = "claims";
    claims_of(payload, header)
}

/// A NumericDate claim as seconds (fractions floored); `Err` names a malformed value.
fn numeric_date(claims: &ClaimsSet, name: &str) -> Result<Option<f64>> {
    match claims.member(name) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(error::rejected(format!("\"{name}\" is not a NumericDate"))),
    }
}

/// A number no calendar holds, written short (`1e300`, not 301 digits).
fn out_of_range(t: f64) -> String {
    format!("{t:e}")
}

/// `2023-11-14T23:13:20Z (in 1h)` after `prefix`: the detail of an exp or nbf check, built
/// in one string (it is built for every token of a `--batch`).
fn when(prefix: &str, t: f64, now: i64) -> String {
    if !(-1e15..=1e15).contains(&t) {
        return format!("{prefix}{}", out_of_range(t));
    }
    let t = t.floor() as i64;
    let mut out = String::with_capacity(prefix.len() + 40);
    out.push_str(prefix);
    out.push_str(&time::rfc3339(t));
    out.push_str(" (");
    time::write_relative(&mut out, t, now);
    out.push(')');
    out
}

/// An exact-match check of a string claim (`--iss`, `--sub`), recorded in `checks`. A
/// claim that is not asked for is not looked at; one that is must be a string.
fn exact_claim(
    claims: &ClaimsSet,
    name: &'static str,
    label: &str,
    want: Option<&str>,
    trail: &mut Trail,
) -> Result<()> {
    let Some(want) = want else {
        trail.checks.push(Check::new(name, "not checked", ""));
        return Ok(());
    };
    let got = match claims.member(name) {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(error::rejected(format!("\"{name}\" is not a string"))),
    };
    match got {
        Some(got) if got == want => trail.ok(name, got.to_string()),
        Some(got) => {
            return Err(error::rejected(format!(
                "{label} is \"{got}\", expected \"{want}\""
            )));
        }
        None => {
            return Err(error::rejected(format!(
                "token has no {name}, expected \"{want}\""
            )));
        }
    }
    Ok(())
}

/// [`check_claims`], keeping the (authentic) claims for the report of a refusal. They are
/// moved, never copied: a claims set may be as large as the token.
pub(super) fn judge_claims(
    claims: Option<ClaimsSet>,
    policy: &Policy,
    trail: &mut Trail,
) -> Result<Option<ClaimsSet>> {
    match check_claims(claims.as_ref(), policy, trail) {
        Ok(()) => Ok(claims),
        Err(e) => {
            trail.claims = claims;
            Err(e)
        }
    }
}

/// Checks exp, nbf and what the policy asks for, recording each in the trail.
fn check_claims(claims: Option<&ClaimsSet>, policy: &Policy, trail: &mut Trail) -> Result<()> {
    let Some(claims) = claims else {
        trail.step = "claims";
        let asked: Vec<&str> = [
            ("--iss", policy.iss.is_some()),
            ("--aud", policy.aud.is_some()),
            ("--sub", policy.sub.is_some()),
            ("--require", !policy.require.is_empty()),
        ]
        .into_iter()
        .filter_map(|(flag, asked)| asked.then_some(flag))
        .collect();
        if !asked.is_empty() {
            return Err(error::rejected(format!(
                "the payload is not a JWT claims set, so {} cannot be checked",
                asked.join(", ")
            )));
        }
        trail.checks.push(Check::new(
            "claims",
            "not checked",
            "not a JWT (raw payload)",
        ));
        return Ok(());
    };
    let now = policy.now;
    let leeway = policy.leeway as f64;
    trail.step = "exp";
    match numeric_date(claims, "exp")? {
        _ if policy.ignore_times => {}
        _ if policy.ignore_exp => trail
            .checks
            .push(Check::new("exp", "skipped", "--ignore-exp")),
        None => trail
            .checks
            .push(Check::new("exp", "absent", "the token never expires")),
        Some(exp) => {
            if now as f64 >= exp + leeway {
                let exp_i = exp.floor();
                let ago = if (-1e15..=1e15).contains(&exp_i) {
                    format!(
                        " ({} ago)",
                        time::human_span((now as f64 - exp_i).max(0.0) as u64)
                    )
                } else {
                    String::new()
                };
                let at = if (-1e15..=1e15).contains(&exp_i) {
                    time::rfc3339(exp_i as i64)
                } else {
                    out_of_range(exp)
                };
                return Err(error::rejected(format!("token expired at {at}{ago}")));
            }
            trail.ok("exp", when("expires ", exp, now));
        }
    }
    trail.step = "nbf";
    match numeric_date(claims, "nbf")? {
        _ if policy.ignore_times => {}
        None => trail.checks.push(Check::new("nbf", "absent", "")),
        Some(nbf) => {
            if (now as f64) + leeway < nbf {
                return Err(error::rejected(when(
                    "token is not valid before ",
                    nbf,
                    now,
                )));
            }
            trail.ok("nbf", when("valid since ", nbf, now));
        }
    }
    trail.step = "iss";
    exact_claim(claims, "iss", "issuer", policy.iss.as_deref(), trail)?;
    trail.step = "aud";
    match &policy.aud {
        None => trail.checks.push(Check::new(
            "aud",
            "not checked",
            if claims.member("aud").is_some() {
                "the token has an aud; give --aud to check it"
            } else {
                ""
            },
        )),
        Some(want) => {
            let auds: Vec<&str> = match claims.member("aud") {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                Some(_) => return Err(error::rejected("\"aud\" is neither a string nor an array")),
                None => {
                    return Err(error::rejected(format!(
                        "token has no aud, expected \"{want}\""
                    )));
                }
            };
            if !auds.contains(&want.as_str()) {
                return Err(error::rejected(format!(
                    "audience {} does not include \"{want}\"",
                    serde_json::to_string(&auds).unwrap_or_default()
                )));
            }
            trail.ok("aud", want.clone());
        }
    }
    trail.step = "sub";
    exact_claim(claims, "sub", "subject", policy.sub.as_deref(), trail)?;
    trail.step = "require";
    for name in &policy.require {
        if claims.member(name).is_none() {
            return Err(error::rejected(format!(
                "required claim \"{name}\" is missing"
            )));
        }
        trail.ok(format!("require {name}"), "present");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile claims sets, each refused or accepted by `strict_json::object`.
    const CORPUS: &[&str] = &[
        r#"{"exp":1700003600,"sub":"alice","aud":["a","b"],"iss":"x","nbf":1}"#,
        r#"{"exp":1,"exp":2}"#,
        r#"{"exp":1,"\u0065xp":2}"#,
        r#"{"sub":"a","x":{"y":1,"y":2}}"#,
        r#"{"x":[{"a":1},{"a":1,"a":1}]}"#,
        r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"a":18}"#,
        r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"r":18}"#,
        r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"\u0061":18}"#,
        r#"{"\u0061":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"a":18}"#,
        r#"{"exp":1,"\u0065xp":2,"sub":"\u0041"}"#,
        r#"{"sub":"\ud800"}"#,
        r#"{"exp":1e400}"#,
        r#"{"exp":-1e400}"#,
        r#"{"exp":1.5,"nbf":-0,"iss":"\u0041"}"#,
        r#"{"sub":"a"} x"#,
        r#"{"sub":"a"}{}"#,
        r#"["sub"]"#,
        r#""sub""#,
        "\u{feff}{}",
        "{\"sub\":\"a\u{1}\"}",
        r#"{"sub":"a",}"#,
        r#"{"exp":[1,2,],"sub":1}"#,
        " \t\r\n{ \"exp\" : 1 } \n",
        // Multi-byte characters: with a byte dropped, doubled or changed, not UTF-8 any
        // more, so read the other way (see `strict_json::pick`).
        r#"{"sub":"é✓😀","ñ":"x","exp":1}"#,
        r#"{"é":1,"é":2}"#,
        r#"{"sub":"\ud83d\ude00","iss":"\u00e9"}"#,
        "",
        "{",
    ];

    #[test]
    fn a_claims_set_accepts_refuses_and_reads_as_the_strict_parser_does() {
        let deep = format!(
            "{}{}",
            "{\"a\":".repeat(200),
            "1".to_string() + &"}".repeat(200)
        );
        let mut texts: Vec<Vec<u8>> = CORPUS.iter().map(|t| t.as_bytes().to_vec()).collect();
        texts.push(deep.into_bytes());
        texts.push(b"{\"sub\":\"\xff\"}".to_vec());
        // A duplicate before bytes that are not UTF-8: which one is reported is the
        // strict parser's choice.
        texts.push(b"{\"a\":1,\"a\":\"\xff\"}".to_vec());
        texts.push(b"{\"a\":\"\xff\",\"a\":1}".to_vec());
        // Every text of the corpus with each byte in turn dropped, doubled or changed: the
        // two parsers must agree on every one.
        let seeds = texts.clone();
        for seed in &seeds {
            for i in 0..seed.len() {
                let mut dropped = seed.clone();
                dropped.remove(i);
                let mut doubled = seed.clone();
                doubled.insert(i, seed[i]);
                let mut changed = seed.clone();
                changed[i] = b"\"\\{}[],:1e-0 x"[i % 14];
                texts.extend([dropped, doubled, changed]);
            }
        }
        for text in &texts {
            let strict = strict_json::object(text);
            match ClaimsSet::parse(text) {
                Ok(claims) => {
                    let map = strict.unwrap_or_else(|r| {
                        panic!("accepted what the strict parser refuses ({r:?}): {text:?}")
                    });
                    for name in PICKED.iter().chain(&["a", "x", "none"]) {
                        assert_eq!(claims.member(name), map.get(*name), "{name} of {text:?}");
                    }
                    assert_eq!(claims.map(), &map);
                    let mut written = Vec::new();
                    claims.write_json(&mut written);
                    assert_eq!(written, serde_json::to_vec(&map).unwrap(), "{text:?}");
                }
                Err(refusal) => assert_eq!(Err(refusal), strict, "{text:?}"),
            }
        }
    }
}
