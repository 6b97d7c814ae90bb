//! Security observations about a token, each with a stable code, a severity and a sentence.
//! The codes are documented in the inspect man page; scripts may rely on them.

use serde_json::{Map, Value, json};

use crate::jose::alg;
use crate::jose::token::{Compact, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

impl Finding {
    fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({ "code": self.code, "severity": self.severity.name(), "message": self.message })
    }
}

/// Every code with its severity and meaning; a test keeps `inspect --help` in step.
#[cfg(test)]
pub const CODES: &[(&str, &str, &str)] = &[
    (
        "alg:none",
        "critical",
        "unsigned token (alg none, any capitalisation)",
    ),
    (
        "secret:weak",
        "critical",
        "an HS* token signed with a well-known secret",
    ),
    (
        "header:jku",
        "high",
        "the token names a URL to fetch its own key set",
    ),
    (
        "header:x5u",
        "high",
        "the token names a URL to fetch its own certificate",
    ),
    (
        "header:jwk",
        "high",
        "the token embeds its own verification key",
    ),
    (
        "header:x5c",
        "high",
        "the token embeds its own certificate chain",
    ),
    (
        "kid:suspicious",
        "high",
        "kid holds path, quote, shell or SQL characters",
    ),
    (
        "pbes2:p2c-high",
        "high",
        "PBES2 p2c over 100000 (costly to process)",
    ),
    (
        "claims:secret",
        "high",
        "a readable JWS carries what looks like a password or secret",
    ),
    ("exp:missing", "medium", "no exp: the token never expires"),
    ("lifetime:long", "medium", "exp - iat is over 24 hours"),
    ("iat:future", "medium", "iat is in the future"),
    (
        "time:milliseconds",
        "medium",
        "a NumericDate looks like milliseconds",
    ),
    (
        "header:crit",
        "medium",
        "crit names extensions a verifier must understand",
    ),
    (
        "header:zip",
        "medium",
        "compressed JWE (zip): decompression cost, length leaks",
    ),
    (
        "claims:personal",
        "medium",
        "a readable JWS carries personal data",
    ),
    (
        "alg:deprecated",
        "medium",
        "RSA1_5 key management (RFC 8725 advises against it)",
    ),
    ("nbf:future", "low", "nbf is in the future: not valid yet"),
    ("exp:passed", "info", "the token has expired"),
    (
        "alg:symmetric",
        "info",
        "symmetric algorithm: anyone holding the key can mint tokens",
    ),
];

/// Values above this are NumericDates in milliseconds (year 5138 in seconds).
const MILLISECOND_THRESHOLD: f64 = 1e11;

/// Findings from the protected header.
pub fn header_findings(token: &Compact) -> Vec<Finding> {
    let header = &token.header;
    let mut found = Vec::new();
    let alg_name = token.alg().unwrap_or("");
    if alg::is_none(alg_name) {
        found.push(Finding::new(
            "alg:none",
            Severity::Critical,
            format!("alg \"{alg_name}\": the token is unsigned, anyone can forge it"),
        ));
    }
    if let Some(a) = alg::find(alg_name) {
        let symmetric = matches!(
            a.need,
            alg::KeyNeed::Hmac(_)
                | alg::KeyNeed::Aes(_)
                | alg::KeyNeed::Direct
                | alg::KeyNeed::Password
        );
        if symmetric {
            found.push(Finding::new(
                "alg:symmetric",
                Severity::Info,
                format!("{alg_name} is symmetric: anyone holding the key can mint tokens, not just verify them"),
            ));
        }
        if a.name == "RSA1_5" {
            found.push(Finding::new(
                "alg:deprecated",
                Severity::Medium,
                "RSA1_5 is open to padding-oracle attacks (RFC 8725 §3.2); prefer RSA-OAEP-256",
            ));
        }
    }
    for (name, code) in [
        ("jku", "header:jku"),
        ("x5u", "header:x5u"),
        ("jwk", "header:jwk"),
        ("x5c", "header:x5c"),
    ] {
        if header.contains_key(name) {
            found.push(Finding::new(
                code,
                Severity::High,
                format!(
                    "the token supplies its own key (\"{name}\"); a verifier must never use it"
                ),
            ));
        }
    }
    if let Some(kid) = header.get("kid") {
        let text = match kid {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if kid_is_suspicious(&text) {
            found.push(Finding::new(
                "kid:suspicious",
                Severity::High,
                format!(
                    "kid {} holds path, quote, shell or SQL characters (key-lookup injection)",
                    serde_json::to_string(&text).unwrap_or_default()
                ),
            ));
        }
    }
    if header.contains_key("crit") {
        found.push(Finding::new(
            "header:crit",
            Severity::Medium,
            "crit: a verifier must understand the listed parameters or reject the token",
        ));
    }
    if token.kind == Kind::Jwe && header.contains_key("zip") {
        found.push(Finding::new(
            "header:zip",
            Severity::Medium,
            "compressed before encryption: inflation cost for the receiver, and length can leak content",
        ));
    }
    if let Some(p2c) = header.get("p2c").and_then(Value::as_f64)
        && p2c > 100_000.0
    {
        found.push(Finding::new(
            "pbes2:p2c-high",
            Severity::High,
            format!("PBES2 p2c {p2c}: each attempt to decrypt costs that many hash rounds"),
        ));
    }
    found
}

fn kid_is_suspicious(kid: &str) -> bool {
    let lower = kid.to_ascii_lowercase();
    kid.contains("..")
        || kid.starts_with('/')
        || kid.contains('\\')
        || kid.contains('/') && (kid.contains("etc") || kid.contains("dev") || kid.contains(".."))
        || kid
            .chars()
            .any(|c| "'\"`;|&$<>(){}".contains(c) || c.is_control())
        || ["union ", "select ", " or ", "--", "/*", "drop "]
            .iter()
            .any(|word| lower.contains(word))
}

fn number(claims: &Map<String, Value>, name: &str) -> Option<f64> {
    claims.get(name).and_then(Value::as_f64)
}

/// Findings from the claims; `readable` is true for a JWS (anyone can read its claims).
pub fn claim_findings(claims: &Map<String, Value>, now: i64, readable: bool) -> Vec<Finding> {
    let mut found = Vec::new();
    let now_f = now as f64;
    let exp = number(claims, "exp");
    match exp {
        None => found.push(Finding::new(
            "exp:missing",
            Severity::Medium,
            "no exp: the token never expires, and a stateless server cannot revoke it",
        )),
        Some(exp) if now_f >= exp => found.push(Finding::new(
            "exp:passed",
            Severity::Info,
            "the token has expired",
        )),
        Some(_) => {}
    }
    let start = number(claims, "iat").or_else(|| number(claims, "nbf"));
    if let (Some(exp), Some(start)) = (exp, start)
        && exp - start > 86_400.0
        && exp < MILLISECOND_THRESHOLD
    {
        found.push(Finding::new(
            "lifetime:long",
            Severity::Medium,
            format!(
                "lifetime {} is over 24 hours: a leaked token stays useful that long",
                crate::time::human_span((exp - start).min(u64::MAX as f64) as u64)
            ),
        ));
    }
    if let Some(iat) = number(claims, "iat")
        && iat > now_f
        && iat < MILLISECOND_THRESHOLD
    {
        found.push(Finding::new(
            "iat:future",
            Severity::Medium,
            "iat is in the future: a clock is wrong or the token was made to outlive its exp check",
        ));
    }
    if let Some(nbf) = number(claims, "nbf")
        && nbf > now_f
        && nbf < MILLISECOND_THRESHOLD
    {
        found.push(Finding::new(
            "nbf:future",
            Severity::Low,
            "nbf is in the future: the token is not valid yet",
        ));
    }
    let millis: Vec<&str> = ["exp", "nbf", "iat", "auth_time"]
        .into_iter()
        .filter(|name| number(claims, name).is_some_and(|v| v.abs() >= MILLISECOND_THRESHOLD))
        .collect();
    if !millis.is_empty() {
        found.push(Finding::new(
            "time:milliseconds",
            Severity::Medium,
            format!(
                "{} look{} like milliseconds; NumericDate is seconds (RFC 7519 §2)",
                millis.join(", "),
                if millis.len() == 1 { "s" } else { "" }
            ),
        ));
    }
    if readable {
        sensitive_claims(claims, &mut found);
    }
    found
}

const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "private_key",
    "privatekey",
    "access_key",
    "secret_key",
    "credentials",
    "pin",
];
const PERSONAL_NAMES: &[&str] = &[
    "email",
    "phone",
    "phone_number",
    "mobile",
    "address",
    "birthdate",
    "dob",
    "date_of_birth",
    "ssn",
    "national_id",
    "passport",
    "credit_card",
    "card_number",
    "iban",
    "tax_id",
];

fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "_")
}

fn looks_like_secret_value(value: &str) -> bool {
    value.contains("-----BEGIN")
        || value.starts_with("AKIA") && value.len() == 20
        || [
            "sk_live_",
            "sk_test_",
            "ghp_",
            "github_pat_",
            "xoxb-",
            "xoxp-",
            "AIza",
        ]
        .iter()
        .any(|prefix| value.starts_with(prefix))
}

/// The most members of the claims tree looked at for secrets and personal data.
const MAX_CLAIM_NODES: usize = 10_000;
/// The most member paths quoted in one finding, and the longest path quoted.
const MAX_NAMED_PATHS: usize = 20;
const MAX_PATH_CHARS: usize = 120;

fn sensitive_claims(claims: &Map<String, Value>, found: &mut Vec<Finding>) {
    // Work and memory are bounded by the input, whatever its shape: members are recorded as
    // (parent, name) links, at most MAX_CLAIM_NODES of them, checked before each is added;
    // a dotted path is spelled out (and cut) only for the members a finding quotes. Building
    // "a.b.c" for every member would cost name length × member count (a claims bomb).
    let mut nodes: Vec<(Option<usize>, &str)> = Vec::new();
    let mut stack: Vec<(usize, &Value)> = Vec::new();
    fn add<'a>(
        parent: Option<usize>,
        members: &'a Map<String, Value>,
        nodes: &mut Vec<(Option<usize>, &'a str)>,
        stack: &mut Vec<(usize, &'a Value)>,
    ) {
        for (name, value) in members {
            if nodes.len() >= MAX_CLAIM_NODES {
                return;
            }
            nodes.push((parent, name.as_str()));
            stack.push((nodes.len() - 1, value));
        }
    }
    add(None, claims, &mut nodes, &mut stack);
    let mut secret = Vec::new();
    let mut personal = Vec::new();
    while let Some((index, value)) = stack.pop() {
        let name = nodes[index].1;
        let key = normalise(name.rsplit('.').next().unwrap_or(name));
        if SECRET_NAMES.contains(&key.as_str())
            || value.as_str().is_some_and(looks_like_secret_value)
        {
            secret.push(index);
        } else if PERSONAL_NAMES.contains(&key.as_str()) {
            personal.push(index);
        }
        if let Value::Object(inner) = value {
            add(Some(index), inner, &mut nodes, &mut stack);
        }
    }
    let mut secret: Vec<String> = secret.into_iter().map(|i| path(&nodes, i)).collect();
    let mut personal: Vec<String> = personal.into_iter().map(|i| path(&nodes, i)).collect();
    secret.sort();
    personal.sort();
    if !secret.is_empty() {
        found.push(Finding::new(
            "claims:secret",
            Severity::High,
            format!(
                "readable claims look like secrets ({}); a JWS is signed, not encrypted",
                quoted(&secret)
            ),
        ));
    }
    if !personal.is_empty() {
        found.push(Finding::new(
            "claims:personal",
            Severity::Medium,
            format!(
                "readable claims carry personal data ({}); anyone holding the token can read them",
                quoted(&personal)
            ),
        ));
    }
}

/// The dotted path of member `index`, cut after MAX_PATH_CHARS characters.
fn path(nodes: &[(Option<usize>, &str)], index: usize) -> String {
    let mut chain = vec![nodes[index].1];
    let mut at = nodes[index].0;
    while let Some(parent) = at {
        chain.push(nodes[parent].1);
        at = nodes[parent].0;
    }
    let mut out = String::new();
    for (n, name) in chain.iter().rev().enumerate() {
        if n > 0 {
            out.push('.');
        }
        out.push_str(name);
        if out.chars().count() > MAX_PATH_CHARS {
            let mut cut: String = out.chars().take(MAX_PATH_CHARS).collect();
            cut.push('…');
            return cut;
        }
    }
    out
}

/// The first MAX_NAMED_PATHS paths, and how many more there are.
fn quoted(paths: &[String]) -> String {
    let mut text = paths
        .iter()
        .take(MAX_NAMED_PATHS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > MAX_NAMED_PATHS {
        text.push_str(&format!(" and {} more", paths.len() - MAX_NAMED_PATHS));
    }
    text
}

/// Well-known HMAC secrets tried against every HS* token (documented in the man page).
pub const WEAK_SECRETS: &[&str] = &[
    "",
    "secret",
    "password",
    "changeme",
    "change-me",
    "change_me",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "a-string-secret-at-least-256-bits-long",
    "secretkey",
    "secret-key",
    "secret_key",
    "mysecret",
    "my-secret",
    "my_secret",
    "mysecretkey",
    "supersecret",
    "super-secret",
    "topsecret",
    "jwt",
    "jwtsecret",
    "jwt-secret",
    "jwt_secret",
    "jwt_secret_key",
    "your_jwt_secret",
    "key",
    "private",
    "test",
    "testing",
    "dev",
    "development",
    "default",
    "admin",
    "token",
    "auth",
    "pass",
    "123456",
    "12345678",
    "1234567890",
    "qwerty",
    "letmein",
    "hello",
    "abc123",
    "s3cr3t",
    "shhhhh",
    "keyboard cat",
    "notasecret",
    "insecure",
    "example",
    "secret123",
    "SECRET",
    "Secret",
];

/// The HMAC of `message` under `secret` with the hash of an HS* algorithm. RustCrypto's
/// HMAC accepts every key length, the empty secret included (OpenSSL's refuses it).
pub fn hmac(alg: &str, secret: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    use hmac::{Hmac, KeyInit, Mac};
    fn mac<M: Mac + KeyInit>(secret: &[u8], message: &[u8]) -> Option<Vec<u8>> {
        let mut mac = <M as KeyInit>::new_from_slice(secret).ok()?;
        mac.update(message);
        Some(mac.finalize().into_bytes().to_vec())
    }
    match alg {
        "HS256" => mac::<Hmac<sha2::Sha256>>(secret, message),
        "HS384" => mac::<Hmac<sha2::Sha384>>(secret, message),
        "HS512" => mac::<Hmac<sha2::Sha512>>(secret, message),
        _ => None,
    }
}

/// The well-known secret an HS* token was signed with, if any. A plain comparison: the
/// token and the candidates are public, so there is no timing to protect (and no reason to
/// load OpenSSL for `inspect`).
pub fn weak_secret(token: &Compact) -> Option<&'static str> {
    let alg = token.alg()?;
    let input = token.signing_input()?;
    let signature = token.decoded.get(1)?;
    WEAK_SECRETS.iter().copied().find(|secret| {
        hmac(alg, secret.as_bytes(), input.as_bytes()).is_some_and(|mac| mac == *signature)
    })
}

/// The finding for a token signed with a well-known secret.
pub fn weak_secret_finding(secret: &str) -> Finding {
    Finding::new(
        "secret:weak",
        Severity::Critical,
        format!(
            "signed with the well-known secret {}: anyone can forge tokens",
            serde_json::to_string(secret).unwrap_or_default()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table (held to `inspect --help` below) against what the checks really emit: each
    /// code once, each emitted by some input, each with the table's severity.
    #[test]
    fn the_table_lists_exactly_the_codes_the_checks_emit() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let header_of = |h: &str, parts: &str| {
            let token = crate::jose::token::parse(&format!("{}{parts}", b64(h)), 4096).unwrap();
            header_findings(&token)
        };
        let mut emitted = Vec::new();
        emitted.extend(header_of(r#"{"alg":"none"}"#, ".e30."));
        emitted.extend(header_of(
            r#"{"alg":"HS256","jku":"x","x5u":"x","jwk":{},"x5c":[],"kid":"../k","crit":["b64"]}"#,
            ".e30.",
        ));
        emitted.extend(header_of(
            r#"{"alg":"RSA1_5","enc":"A128GCM","zip":"DEF"}"#,
            ".YQ.Yg.Yw.ZA",
        ));
        emitted.extend(header_of(
            r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":200000}"#,
            ".YQ.Yg.Yw.ZA",
        ));
        let now = 1_700_000_000_i64;
        for (claims, readable) in [
            (json!({}), false),
            (json!({"exp": now - 1}), false),
            (
                json!({"iat": now + 10, "nbf": now + 10, "exp": now + 200_000}),
                false,
            ),
            (json!({"exp": now * 1000}), false),
            (
                json!({"exp": now + 60, "password": "x", "email": "a@example.com"}),
                true,
            ),
        ] {
            emitted.extend(claim_findings(claims.as_object().unwrap(), now, readable));
        }
        emitted.push(weak_secret_finding("secret"));
        let mut seen: Vec<(&str, &str)> = emitted
            .iter()
            .map(|f| (f.code, f.severity.name()))
            .collect();
        seen.sort();
        seen.dedup();
        let mut table: Vec<(&str, &str)> = CODES.iter().map(|(c, s, _)| (*c, *s)).collect();
        table.sort();
        assert_eq!(seen, table);
    }

    #[test]
    fn every_code_is_in_the_inspect_help() {
        for (code, severity, _) in CODES {
            assert!(
                crate::cli::INSPECT_ABOUT.contains(code),
                "{code} ({severity})"
            );
        }
    }

    #[test]
    fn suspicious_kids() {
        for kid in [
            "../../dev/null",
            "/etc/passwd",
            "x' OR '1'='1",
            "k; rm -rf /",
            "a`id`",
            "1 union select 1",
        ] {
            assert!(kid_is_suspicious(kid), "{kid}");
        }
        for kid in [
            "2024-05-key",
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
            "key.1",
            "https-key",
        ] {
            assert!(!kid_is_suspicious(kid), "{kid}");
        }
    }

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac("HS256", b"Jefe", b"what do ya want for nothing?").unwrap();
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(
            hmac("HS256", b"", b"x").is_some(),
            "the empty secret is tried too"
        );
    }
}
