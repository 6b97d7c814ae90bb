//! Security observations about a token, each with a stable code, a severity and a sentence.
//! The codes ([`FindingCode`]) are listed in `inspect --help` and the man page; scripts may
//! rely on them.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Map, Value};

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

/// One observation: its code (which fixes the severity) and a sentence about this token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: FindingCode,
    pub message: String,
}

impl Finding {
    pub(super) fn new(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding {
            code,
            message: message.into(),
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// `{code, severity, message}`, as `inspect --json` prints it.
impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Finding", 3)?;
        out.serialize_field("code", self.code.code())?;
        out.serialize_field("severity", self.severity().name())?;
        out.serialize_field("message", &self.message)?;
        out.end()
    }
}

/// Every finding `inspect` reports. The single source of the codes, their severities and
/// meanings, and of the list in `inspect --help` ([`findings_help`]). Scripts rely on the
/// codes: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingCode {
    AlgNone,
    SecretWeak,
    HeaderJku,
    HeaderX5u,
    HeaderJwk,
    HeaderX5c,
    KidSuspicious,
    Pbes2P2cHigh,
    ClaimsSecret,
    ExpMissing,
    LifetimeLong,
    IatFuture,
    TimeMilliseconds,
    HeaderCrit,
    HeaderZip,
    ClaimsPersonal,
    AlgDeprecated,
    NbfFuture,
    ExpPassed,
    AlgSymmetric,
}

/// A set of finding codes, kept as bits in the order of [`FindingCode::ALL`] (most severe
/// first): what `inspect --scan` lists, and caches per distinct token at no allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeSet(u32);

// Every code has a bit.
const _: () = assert!(FindingCode::ALL.len() <= 32);

impl CodeSet {
    pub fn of(findings: &[Finding]) -> CodeSet {
        CodeSet(findings.iter().fold(0, |bits, f| bits | f.code.bit()))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The codes, most severe first (the order of `inspect --help`'s list).
    pub fn iter(self) -> impl Iterator<Item = FindingCode> {
        FindingCode::ALL
            .into_iter()
            .enumerate()
            .filter(move |(at, _)| self.0 & (1 << at) != 0)
            .map(|(_, code)| code)
    }
}

/// What is said about a code: `group` is the note `--help` writes once after a run of codes
/// of one severity that share it, `note` a remark on this code alone.
struct Spec {
    code: &'static str,
    severity: Severity,
    #[allow(dead_code, reason = "read by tests only")]
    description: &'static str,
    group: Option<&'static str>,
    note: Option<&'static str>,
}

impl FindingCode {
    /// Every code, in the order `--help` lists them (by severity).
    pub const ALL: [FindingCode; 20] = [
        FindingCode::AlgNone,
        FindingCode::SecretWeak,
        FindingCode::HeaderJku,
        FindingCode::HeaderX5u,
        FindingCode::HeaderJwk,
        FindingCode::HeaderX5c,
        FindingCode::KidSuspicious,
        FindingCode::Pbes2P2cHigh,
        FindingCode::ClaimsSecret,
        FindingCode::ExpMissing,
        FindingCode::LifetimeLong,
        FindingCode::IatFuture,
        FindingCode::TimeMilliseconds,
        FindingCode::HeaderCrit,
        FindingCode::HeaderZip,
        FindingCode::ClaimsPersonal,
        FindingCode::AlgDeprecated,
        FindingCode::NbfFuture,
        FindingCode::ExpPassed,
        FindingCode::AlgSymmetric,
    ];

    fn spec(self) -> Spec {
        use FindingCode::*;
        use Severity::*;
        let spec = |code, severity, description, group, note| Spec {
            code,
            severity,
            description,
            group,
            note,
        };
        const OWN_KEY: Option<&str> = Some("the token offers its own key");
        match self {
            AlgNone => spec(
                "alg:none",
                Critical,
                "unsigned token (alg none, any capitalisation)",
                None,
                None,
            ),
            SecretWeak => spec(
                "secret:weak",
                Critical,
                "an HS* token signed with a well-known secret",
                Some(
                    "HS* signed with a well-known secret such as secret, password, changeme, \
                     your-256-bit-secret or the empty string",
                ),
                None,
            ),
            HeaderJku => spec(
                "header:jku",
                High,
                "the token names a URL to fetch its own key set",
                OWN_KEY,
                None,
            ),
            HeaderX5u => spec(
                "header:x5u",
                High,
                "the token names a URL to fetch its own certificate",
                OWN_KEY,
                None,
            ),
            HeaderJwk => spec(
                "header:jwk",
                High,
                "the token embeds its own verification key",
                OWN_KEY,
                None,
            ),
            HeaderX5c => spec(
                "header:x5c",
                High,
                "the token embeds its own certificate chain",
                OWN_KEY,
                None,
            ),
            KidSuspicious => spec(
                "kid:suspicious",
                High,
                "kid holds path, quote, shell or SQL characters",
                Some("path, quote, shell or SQL characters"),
                None,
            ),
            Pbes2P2cHigh => spec(
                "pbes2:p2c-high",
                High,
                "PBES2 p2c over 100000 (costly to process)",
                Some("p2c over 100000"),
                None,
            ),
            ClaimsSecret => spec(
                "claims:secret",
                High,
                "a readable JWS carries what looks like a password or secret",
                Some("password- or secret-like claims in a readable JWS"),
                None,
            ),
            ExpMissing => spec(
                "exp:missing",
                Medium,
                "no exp: the token never expires",
                None,
                None,
            ),
            LifetimeLong => spec(
                "lifetime:long",
                Medium,
                "exp - iat is over 24 hours",
                None,
                Some("over 24h"),
            ),
            IatFuture => spec("iat:future", Medium, "iat is in the future", None, None),
            TimeMilliseconds => spec(
                "time:milliseconds",
                Medium,
                "a NumericDate looks like milliseconds",
                None,
                None,
            ),
            HeaderCrit => spec(
                "header:crit",
                Medium,
                "crit names extensions a verifier must understand",
                None,
                None,
            ),
            HeaderZip => spec(
                "header:zip",
                Medium,
                "compressed JWE (zip): decompression cost, length leaks",
                None,
                None,
            ),
            ClaimsPersonal => spec(
                "claims:personal",
                Medium,
                "a readable JWS carries personal data",
                None,
                None,
            ),
            AlgDeprecated => spec(
                "alg:deprecated",
                Medium,
                "RSA1_5 key management (RFC 8725 advises against it)",
                None,
                Some("RSA1_5"),
            ),
            NbfFuture => spec(
                "nbf:future",
                Low,
                "nbf is in the future: not valid yet",
                None,
                None,
            ),
            ExpPassed => spec("exp:passed", Info, "the token has expired", None, None),
            AlgSymmetric => spec(
                "alg:symmetric",
                Info,
                "symmetric algorithm: anyone holding the key can mint tokens",
                None,
                None,
            ),
        }
    }

    fn bit(self) -> u32 {
        let at = FindingCode::ALL.iter().position(|c| *c == self);
        1 << at.unwrap_or_default()
    }

    /// The stable code, such as `alg:none`.
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    pub fn severity(self) -> Severity {
        self.spec().severity
    }

    /// What the code means, in a few words (the reference a reader or a test looks up; the
    /// help text has its own, grouped wording).
    #[allow(dead_code, reason = "read by tests only")]
    pub fn description(self) -> &'static str {
        self.spec().description
    }
}

/// The findings paragraph of `inspect --help`, generated from [`FindingCode::ALL`]: runs of
/// codes with one severity and one shared note are written `a, b (severity: note)`.
pub fn findings_help() -> String {
    let runs = FindingCode::ALL.chunk_by(|a, b| {
        let (a, b) = (a.spec(), b.spec());
        a.severity == b.severity && a.group == b.group
    });
    let runs: Vec<String> = runs
        .map(|run| {
            let codes: Vec<String> = run
                .iter()
                .map(|code| {
                    let spec = code.spec();
                    match spec.note {
                        Some(note) => format!("{} ({note})", spec.code),
                        None => spec.code.to_string(),
                    }
                })
                .collect();
            let first = run[0].spec();
            let group = first.group.map(|g| format!(": {g}")).unwrap_or_default();
            format!("{} ({}{group})", codes.join(", "), first.severity.name())
        })
        .collect();
    format!("Findings (code, severity): {}.", runs.join(", "))
}

// The weak-secret check lives in its own file (bulk's tests reuse its HMAC from here).
#[cfg(test)]
pub use super::weak_secret::hmac;
use super::weak_secret::{weak_secret_finding, weak_secret_of};

/// Every finding of a token, as `inspect` reports them and `inspect --scan` lists their
/// codes: the header's, the well-known secret of an HS* JWS, and the claims' (`claims`: a
/// JWS's own, or a JWE's once decrypted; none when there are none to read), most severe
/// first.
pub fn token_findings(
    token: &Compact,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Vec<Finding> {
    let mut found = header_findings(&token.header, token.kind);
    if let (Some(alg), Some(input), Some(signature)) =
        (token.alg(), token.signing_input(), token.decoded.get(1))
        && token.kind == Kind::Jws
        && let Some(secret) = weak_secret_of(alg, input.as_bytes(), signature)
    {
        found.insert(0, weak_secret_finding(secret));
    }
    if let Some(claims) = claims {
        found.extend(claim_findings(claims, now, token.kind == Kind::Jws));
    }
    found.sort_by_key(Finding::severity);
    found
}

/// Values above this are NumericDates in milliseconds (year 5138 in seconds).
const MILLISECOND_THRESHOLD: f64 = 1e11;

/// Findings from the protected header of a token of `kind`.
pub fn header_findings(header: &Map<String, Value>, kind: Kind) -> Vec<Finding> {
    let mut found = Vec::new();
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg::is_none(alg_name) {
        found.push(Finding::new(
            FindingCode::AlgNone,
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
            FindingCode::AlgSymmetric,
                format!("{alg_name} is symmetric: anyone holding the key can mint tokens, not just verify them"),
            ));
        }
        if a.id == alg::AlgId::Rsa1v15 {
            found.push(Finding::new(
                FindingCode::AlgDeprecated,
                "RSA1_5 is open to padding-oracle attacks (RFC 8725 §3.2); prefer RSA-OAEP-256",
            ));
        }
    }
    for (name, code) in [
        ("jku", FindingCode::HeaderJku),
        ("x5u", FindingCode::HeaderX5u),
        ("jwk", FindingCode::HeaderJwk),
        ("x5c", FindingCode::HeaderX5c),
    ] {
        if header.contains_key(name) {
            found.push(Finding::new(
                code,
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
                FindingCode::KidSuspicious,
                format!(
                    "kid {} holds path, quote, shell or SQL characters (key-lookup injection)",
                    serde_json::to_string(&text).unwrap_or_default()
                ),
            ));
        }
    }
    if header.contains_key("crit") {
        found.push(Finding::new(
            FindingCode::HeaderCrit,
            "crit: a verifier must understand the listed parameters or reject the token",
        ));
    }
    if kind == Kind::Jwe && header.contains_key("zip") {
        found.push(Finding::new(
            FindingCode::HeaderZip,
            "compressed before encryption: inflation cost for the receiver, and length can leak content",
        ));
    }
    if let Some(p2c) = header.get("p2c").and_then(Value::as_f64)
        && p2c > 100_000.0
    {
        found.push(Finding::new(
            FindingCode::Pbes2P2cHigh,
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
            FindingCode::ExpMissing,
            "no exp: the token never expires, and a stateless server cannot revoke it",
        )),
        Some(exp) if now_f >= exp => found.push(Finding::new(
            FindingCode::ExpPassed,
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
            FindingCode::LifetimeLong,
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
            FindingCode::IatFuture,
            "iat is in the future: a clock is wrong or the token was made to outlive its exp check",
        ));
    }
    if let Some(nbf) = number(claims, "nbf")
        && nbf > now_f
        && nbf < MILLISECOND_THRESHOLD
    {
        found.push(Finding::new(
            FindingCode::NbfFuture,
            "nbf is in the future: the token is not valid yet",
        ));
    }
    let millis: Vec<&str> = ["exp", "nbf", "iat", "auth_time"]
        .into_iter()
        .filter(|name| number(claims, name).is_some_and(|v| v.abs() >= MILLISECOND_THRESHOLD))
        .collect();
    if !millis.is_empty() {
        found.push(Finding::new(
            FindingCode::TimeMilliseconds,
            format!(
                "{} look{} like milliseconds; NumericDate is seconds (RFC 7519 §2)",
                millis.join(", "),
                if millis.len() == 1 { "s" } else { "" }
            ),
        ));
    }
    if readable {
        super::sensitive::sensitive_claims(claims, &mut found);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The table (held to `inspect --help` below) against what the checks really emit: each
    /// code once, each emitted by some input, each with the table's severity.
    #[test]
    fn the_table_lists_exactly_the_codes_the_checks_emit() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let header_of = |h: &str, parts: &str| {
            let token = crate::jose::token::parse(&format!("{}{parts}", b64(h)), 4096).unwrap();
            header_findings(&token.header, token.kind)
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
        let mut seen: Vec<FindingCode> = emitted.iter().map(|f| f.code).collect();
        seen.sort();
        seen.dedup();
        let mut all = FindingCode::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), FindingCode::ALL.len(), "a code listed twice");
        assert_eq!(seen, all);
        let mut codes: Vec<&str> = all.iter().map(|c| c.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "two variants share a code");
        assert!(all.iter().all(|c| !c.description().is_empty()));
    }

    /// The generated list keeps the wording `inspect --help` has always had.
    #[test]
    fn the_help_list_is_generated_from_the_codes() {
        assert_eq!(
            findings_help(),
            "Findings (code, severity): alg:none (critical), secret:weak (critical: HS* signed \
             with a well-known secret such as secret, password, changeme, your-256-bit-secret \
             or the empty string), header:jku, header:x5u, header:jwk, header:x5c (high: the \
             token offers its own key), kid:suspicious (high: path, quote, shell or SQL \
             characters), pbes2:p2c-high (high: p2c over 100000), claims:secret (high: \
             password- or secret-like claims in a readable JWS), exp:missing, lifetime:long \
             (over 24h), iat:future, time:milliseconds, header:crit, header:zip, \
             claims:personal, alg:deprecated (RSA1_5) (medium), nbf:future (low), exp:passed, \
             alg:symmetric (info)."
        );
    }

    #[test]
    fn every_code_is_in_the_inspect_help() {
        use clap::CommandFactory;
        let cli = crate::cli::Cli::command();
        let inspect = cli.find_subcommand("inspect").unwrap();
        let about = inspect.get_long_about().unwrap().to_string();
        assert!(about.contains(&findings_help()), "{about}");
        assert!(!about.contains("{findings}"), "{about}");
        for code in FindingCode::ALL {
            assert!(about.contains(code.code()), "{code:?}");
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
}
