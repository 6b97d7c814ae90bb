//! `jwtctl inspect`: reading tokens without a key, times, findings, and hostile input.

use crate::common;
use crate::forge::b64;

use common::*;
use predicates::prelude::*;
use serde_json::{Value, json};

/// RFC 7515 Appendix A.1.
const RFC7515_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const NOW: &str = "1700000000";

/// A JWS with this header and claims, signed with HMAC-SHA256 under `secret`.
fn hs256(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

fn strong() -> &'static [u8] {
    b"a strong secret of more than thirty-two bytes!"
}

fn inspect_json(token: &str) -> Value {
    json_of(jwtctl().args(["inspect", "--json", "--now", NOW, token]))
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn rfc7515_a1_inspects_to_its_header_and_claims() {
    let report = inspect_json(RFC7515_A1);
    assert_eq!(report["type"], "JWS");
    assert_eq!(report["header"], json!({"typ": "JWT", "alg": "HS256"}));
    assert_eq!(
        report["claims"],
        json!({"iss": "joe", "exp": 1300819380, "http://example.com/is_root": true})
    );
    assert_eq!(report["signature"], json!({"alg": "HS256", "bytes": 32}));
    assert_eq!(
        report["parts"],
        json!([{"name": "header", "bytes": 30}, {"name": "payload", "bytes": 70}, {"name": "signature", "bytes": 32}])
    );
    assert_eq!(report["times"]["exp"]["utc"], "2011-03-22T18:43:00Z");
    assert_eq!(report["times"]["exp"]["unix"], 1300819380);
    assert_eq!(report["times"]["exp"]["relative"], "expired 4620d 3h ago");
    assert_eq!(report["lifetime"], Value::Null);
    assert!(codes(&report).contains(&"exp:passed".to_string()));
}

#[test]
fn human_output_shows_times_lifetime_and_findings() {
    let token = hs256(
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "alice", "iat": 1_700_000_000, "exp": 1_700_000_843}),
        strong(),
    );
    let out = stdout_of(jwtctl().args(["inspect", "--now", NOW, &token]));
    assert!(out.starts_with("JWS HS256 (signed: anyone can read the claims)\nHeader\n  alg  HS256\n  typ  JWT\nClaims\n"), "{out}");
    assert!(
        out.contains("  exp  1700000843  2023-11-14T22:27:23Z  (expires in 14m 3s)\n"),
        "{out}"
    );
    assert!(
        out.contains("  iat  1700000000  2023-11-14T22:13:20Z  (issued now)\n"),
        "{out}"
    );
    assert!(out.contains("Lifetime 14m 3s (exp - iat)\n"), "{out}");
    assert!(out.contains("Signature HS256, 32 bytes\n"), "{out}");
    assert!(out.contains("  info     alg:symmetric "), "{out}");
    assert!(
        !out.contains("\x1b["),
        "no colour when stdout is not a terminal"
    );
    let coloured = stdout_of(jwtctl().args(["inspect", "--color", "always", "--now", NOW, &token]));
    assert!(coloured.contains("\x1b[1mJWS\x1b[0m"));
    let expired = stdout_of(jwtctl().args(["inspect", "--now", "1700008043", &token]));
    assert!(expired.contains("(expired 2h ago)"), "{expired}");
}

#[test]
fn the_token_is_found_in_surrounding_text_and_stdin() {
    for text in [
        format!("Bearer {RFC7515_A1}"),
        format!("Authorization: Bearer {RFC7515_A1}\n"),
        format!("'{RFC7515_A1}'"),
        format!("https://app.example/cb#access_token={RFC7515_A1}&x=1"),
        format!("Cookie: a=b; jwt={RFC7515_A1}"),
    ] {
        let from_arg = json_of(jwtctl().args(["inspect", "--json", &text]));
        assert_eq!(from_arg["header"]["alg"], "HS256", "{text}");
        let from_stdin = json_of(
            jwtctl()
                .args(["inspect", "--json"])
                .write_stdin(text.clone()),
        );
        assert_eq!(from_stdin["claims"]["iss"], "joe");
        let dash = json_of(jwtctl().args(["inspect", "--json", "-"]).write_stdin(text));
        assert_eq!(dash["claims"]["iss"], "joe");
    }
}

/// Each finding: a token that triggers it and one that does not.
#[test]
fn each_finding_triggers_only_when_it_should() {
    let now = 1_700_000_000i64;
    let hs = json!({"alg": "HS256"});
    let good_claims = json!({"sub": "a", "iat": now, "exp": now + 600});
    let cases: Vec<(&str, String, String)> = vec![
        (
            "alg:none",
            format!(
                "{}.{}.",
                b64(r#"{"alg":"nOnE"}"#),
                b64(good_claims.to_string())
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "secret:weak",
            hs256(&hs, &good_claims, b"your-256-bit-secret"),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "exp:missing",
            hs256(&hs, &json!({"sub": "a", "iat": now}), strong()),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "exp:passed",
            hs256(&hs, &json!({"iat": now - 600, "exp": now}), strong()),
            hs256(&hs, &json!({"iat": now - 600, "exp": now + 1}), strong()),
        ),
        (
            "lifetime:long",
            hs256(&hs, &json!({"iat": now, "exp": now + 86_401}), strong()),
            hs256(&hs, &json!({"iat": now, "exp": now + 86_400}), strong()),
        ),
        (
            "iat:future",
            hs256(&hs, &json!({"iat": now + 60, "exp": now + 600}), strong()),
            hs256(&hs, &json!({"iat": now, "exp": now + 600}), strong()),
        ),
        (
            "nbf:future",
            hs256(&hs, &json!({"nbf": now + 60, "exp": now + 600}), strong()),
            hs256(&hs, &json!({"nbf": now, "exp": now + 600}), strong()),
        ),
        (
            "time:milliseconds",
            hs256(
                &hs,
                &json!({"iat": now * 1000, "exp": (now + 600) * 1000}),
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "header:jku",
            hs256(
                &json!({"alg": "HS256", "jku": "https://evil.example/jwks"}),
                &good_claims,
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "header:x5u",
            hs256(
                &json!({"alg": "HS256", "x5u": "https://evil.example/cert"}),
                &good_claims,
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "header:jwk",
            hs256(
                &json!({"alg": "HS256", "jwk": {"kty": "oct", "k": "AA"}}),
                &good_claims,
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "header:x5c",
            hs256(
                &json!({"alg": "HS256", "x5c": ["MIIB"]}),
                &good_claims,
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "kid:suspicious",
            hs256(
                &json!({"alg": "HS256", "kid": "../../../../dev/null"}),
                &good_claims,
                strong(),
            ),
            hs256(
                &json!({"alg": "HS256", "kid": "2026-key-1"}),
                &good_claims,
                strong(),
            ),
        ),
        (
            "header:crit",
            hs256(
                &json!({"alg": "HS256", "crit": ["exp"], "exp": 1}),
                &good_claims,
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "header:zip",
            format!(
                "{}.YQ.YWFhYWFhYWFhYWFh.YQ.YQ",
                b64(r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#)
            ),
            format!(
                "{}.YQ.YWFhYWFhYWFhYWFh.YQ.YQ",
                b64(r#"{"alg":"dir","enc":"A256GCM"}"#)
            ),
        ),
        (
            "pbes2:p2c-high",
            format!(
                "{}.YQ.YQ.YQ.YQ",
                b64(
                    r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAAAAAAAAA","p2c":100001}"#
                )
            ),
            format!(
                "{}.YQ.YQ.YQ.YQ",
                b64(
                    r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAAAAAAAAA","p2c":100000}"#
                )
            ),
        ),
        (
            "claims:secret",
            hs256(
                &hs,
                &json!({"iat": now, "exp": now + 60, "db": {"password": "hunter2"}}),
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "claims:personal",
            hs256(
                &hs,
                &json!({"iat": now, "exp": now + 60, "email": "a@example.com"}),
                strong(),
            ),
            hs256(&hs, &good_claims, strong()),
        ),
        (
            "alg:symmetric",
            hs256(&hs, &good_claims, strong()),
            format!(
                "{}.{}.c2ln",
                b64(r#"{"alg":"ES256"}"#),
                b64(good_claims.to_string())
            ),
        ),
        (
            "alg:deprecated",
            format!("{}.YQ.YQ.YQ.YQ", b64(r#"{"alg":"RSA1_5","enc":"A128GCM"}"#)),
            format!(
                "{}.YQ.YQ.YQ.YQ",
                b64(r#"{"alg":"RSA-OAEP-256","enc":"A128GCM"}"#)
            ),
        ),
    ];
    for (code, triggers, clean) in &cases {
        let found = codes(&inspect_json(triggers));
        assert!(
            found.contains(&code.to_string()),
            "{code} not found in {found:?}"
        );
        let found = codes(&inspect_json(clean));
        assert!(
            !found.contains(&code.to_string()),
            "{code} found in a clean token: {found:?}"
        );
    }
    // Every documented code has a case above.
    let documented = stdout_of(jwtctl().args(["inspect", "--help"]));
    for (code, _, _) in &cases {
        assert!(documented.contains(code), "{code} is not in inspect --help");
    }
    let report = inspect_json(&cases[1].1);
    let weak = &report["findings"][0];
    assert_eq!(weak["code"], "secret:weak");
    assert_eq!(weak["severity"], "critical");
    assert_eq!(
        weak["message"],
        "signed with the well-known secret \"your-256-bit-secret\": anyone can forge tokens"
    );
}

#[test]
fn the_empty_secret_and_secret_are_found() {
    let claims = json!({"exp": 1_700_000_600});
    for secret in ["", "secret", "changeme", "password"] {
        let report = inspect_json(&hs256(&json!({"alg": "HS256"}), &claims, secret.as_bytes()));
        assert_eq!(report["findings"][0]["code"], "secret:weak", "{secret:?}");
    }
}

#[test]
fn a_key_checks_the_signature_and_decrypts() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "k", strong());
    let token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "a"}), strong());
    let report = json_of(jwtctl().args(["inspect", "--json", "--key", &key, &token]));
    assert_eq!(report["verification"]["valid"], true);
    let other = write(
        dir.path(),
        "other",
        "another secret that is long enough, 32+",
    );
    let report = json_of(jwtctl().args(["inspect", "--json", "--key", &other, &token]));
    assert_eq!(report["verification"]["valid"], false);
    assert_eq!(
        report["verification"]["error"],
        "signature does not verify (HS256)"
    );

    let jwe_key = keygen_file(dir.path(), "dir", "dir.json");
    let jwe_key = jwe_key.as_str();
    let jwe = stdout_of(jwtctl().args([
        "issue",
        "--key",
        jwe_key,
        "--sub",
        "bob",
        "--sign-key",
        &key,
        "--alg",
        "dir",
        "--sign-alg",
        "HS256",
    ]));
    let jwe = jwe.trim();
    let plain = inspect_json(jwe);
    assert_eq!(plain["type"], "JWE");
    assert_eq!(plain["header"]["cty"], "JWT");
    assert!(plain.get("claims").is_none(), "no claims without the key");
    let names: Vec<&str> = plain["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["header", "encrypted_key", "iv", "ciphertext", "tag"]
    );
    assert_eq!(plain["parts"][1]["bytes"], 0);
    assert_eq!(plain["parts"][2]["bytes"], 12);
    assert_eq!(plain["parts"][4]["bytes"], 16);
    let opened = json_of(jwtctl().args([
        "inspect",
        "--json",
        "--key",
        jwe_key,
        "--verify-key",
        &key,
        jwe,
    ]));
    assert_eq!(opened["verification"]["valid"], true);
    assert_eq!(opened["decrypted"]["claims"]["sub"], "bob");
    assert_eq!(opened["decrypted"]["inner_header"]["alg"], "HS256");
    let checks: Vec<&str> = opened["verification"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"inner signature"), "{checks:?}");
    // The claims of a decrypted token are not "readable": no claims:personal for a JWE.
    assert!(
        opened["times"]["iat"]["relative"]
            .as_str()
            .unwrap()
            .starts_with("issued")
    );
}

/// At least 30 kinds of malformed input: exit 3, one line on stderr, nothing on stdout.
#[test]
fn malformed_input_exits_3_without_panicking() {
    let h = b64(r#"{"alg":"HS256"}"#);
    let mut inputs: Vec<(String, &str)> = vec![
        (
            "not a token".into(),
            "expected 3 parts (JWS) or 5 parts (JWE), found 1",
        ),
        ("a.b".into(), "found 2"),
        ("a.b.c.d".into(), "found 4"),
        ("a.b.c.d.e.f".into(), "found 6"),
        (format!("{h}=.e30.c2ln"), "part 1 (header) is not base64url"),
        (
            format!("{h}.e30=.c2ln"),
            "part 2 (payload) is not base64url",
        ),
        (
            format!("{h}.e30.c2l+"),
            "part 3 (signature) is not base64url",
        ),
        (format!("{h}.e30.A"), "part 3 (signature) is not base64url"),
        (
            format!("{h}.e30.c2m"),
            "part 3 (signature) is not base64url",
        ),
        (".e30.c2ln".into(), "header is empty"),
        (format!("{}.e30.", b64("[]")), "header is not a JSON object"),
        (
            format!("{}.e30.", b64("\"x\"")),
            "header is not a JSON object",
        ),
        (format!("{}.e30.", b64("42")), "header is not a JSON object"),
        (format!("{}.e30.", b64("{")), "header is not valid JSON"),
        (
            format!("{}.e30.", b64(r#"{"alg":"HS256","alg":"none"}"#)),
            "header has a duplicate member \"alg\"",
        ),
        (
            format!("{}.e30.", b64([0x7b, 0xff, 0x7d])),
            "header is not UTF-8 JSON",
        ),
        (
            format!(
                "{}.e30.",
                b64(format!(
                    "{{\"a\":{}{}}}",
                    "[".repeat(100_000),
                    "]".repeat(100_000)
                ))
            ),
            "recursion limit exceeded",
        ),
        (
            format!("{}.e30.", b64(r#"{"alg":1e999}"#)),
            "number out of range",
        ),
        (
            format!("{}.e30.", b64(r#"{"typ":"JWT"}"#)),
            "header has no \"alg\"",
        ),
        (
            format!("{}.e30.", b64(r#"{"alg":["HS256"]}"#)),
            "header \"alg\" is not a string",
        ),
        (
            format!("{}.YQ.YQ.YQ.YQ", b64(r#"{"alg":"dir"}"#)),
            "JWE header has no \"enc\"",
        ),
        (
            format!("{}.YQ.YQ.YQ.YQ", b64(r#"{"alg":"dir","enc":null}"#)),
            "header \"enc\" is not a string",
        ),
        (
            "{\"protected\":\"x\"}".into(),
            "a JSON object is a token only with \"payload\" and \"signature\"/\"signatures\" (JWS) or \"ciphertext\" (JWE)",
        ),
        (
            format!("{}.e30.c2ln", b64(r#"{"alg":"HS256","x":1}  trailing"#)),
            "trailing characters",
        ),
        (format!("{h}.e3 0.c2ln"), "not base64url"),
        (format!("{h}..c2ln.."), "JWE header has no \"enc\""),
        (
            format!("{h}.e30.c2ln="),
            "part 3 (signature) is not base64url",
        ),
        ("eyJ".into(), "found 1"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0".into(), "found 2"),
        ("..".into(), "header is empty"),
        ("...".into(), "found 4"),
        ("....".into(), "header is empty"),
        (
            format!("{}.e30.", b64(r#"{"alg":"HS256"} {}"#)),
            "trailing characters",
        ),
    ];
    inputs.push((
        "x".repeat(1024 * 1024 + 1),
        "over the limit of 1048576 bytes",
    ));
    assert!(inputs.len() >= 30);
    for (input, message) in &inputs {
        jwtctl()
            .args(["inspect", "-"])
            .write_stdin(input.clone())
            .assert()
            .code(3)
            .stdout("")
            .stderr(
                predicate::str::starts_with("error: ")
                    .and(predicate::str::contains(*message))
                    .and(predicate::function(|s: &str| s.lines().count() == 1)),
            );
    }
}

#[test]
fn hostile_claims_give_findings_not_panics() {
    let hs = json!({"alg": "HS256"});
    for payload in [
        r#"{"exp":1e300,"iat":-1e300,"nbf":1.5}"#.to_string(),
        r#"{"exp":"tomorrow","iat":null}"#.to_string(),
        format!("{{\"a\":{}1{}}}", "[".repeat(120), "]".repeat(120)),
        "[1,2,3]".to_string(),
        "not json at all".to_string(),
        String::new(),
    ] {
        let input = format!("{}.{}", b64(hs.to_string()), b64(&payload));
        let token = format!("{input}.{}", b64([0u8; 32]));
        let report = json_of(jwtctl().args(["inspect", "--json", "--now", NOW, &token]));
        assert_eq!(report["type"], "JWS", "{payload:.40}");
    }
    let report = inspect_json(&format!("{}.{}.", b64(hs.to_string()), b64("[1,2,3]")));
    assert_eq!(report["payload"], "[1,2,3]");
    assert!(report.get("claims").is_none());
    let huge = inspect_json(&format!(
        "{}.{}.",
        b64(hs.to_string()),
        b64(r#"{"exp":1e300}"#)
    ));
    assert_eq!(huge["times"]["exp"]["relative"], "out of range");
    assert!(codes(&huge).contains(&"time:milliseconds".to_string()));
}

#[test]
fn no_token_on_a_terminal_is_a_usage_error_and_limits_are_adjustable() {
    let big = format!(
        "{}.{}.",
        b64(r#"{"alg":"HS256"}"#),
        b64(format!("{{\"x\":\"{}\"}}", "a".repeat(2000)))
    );
    jwtctl()
        .args(["inspect", "--max-token-size", "100", &big])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "over the limit of 100 bytes (raise it with --max-token-size)",
        ));
    jwtctl()
        .args(["inspect", "--max-token-size", "4000", &big])
        .assert()
        .success();
    jwtctl()
        .args(["inspect", "--now", "yesterday", RFC7515_A1])
        .assert()
        .code(2)
        .stderr(
            "error: invalid --now \"yesterday\": expected a duration (15m, -3h), an RFC 3339 date-time, a date (2027-01-01) or Unix seconds\n",
        );
}

#[test]
fn inspect_json_round_trips_through_issue_claims() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "k", strong());
    let token = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &key,
        "--alg",
        "HS256",
        "--sub",
        "alice",
        "--claim",
        "role=admin",
        "--now",
        NOW,
    ]));
    let report = stdout_of(jwtctl().args(["inspect", "--json", token.trim()]));
    let edited = report.replace("\"admin\"", "\"root\"");
    let reissued = stdout_of(
        jwtctl()
            .args([
                "issue", "--key", &key, "--alg", "HS256", "--claims", "-", "--now", NOW,
            ])
            .write_stdin(edited),
    );
    let claims = inspect_json(reissued.trim())["claims"].clone();
    assert_eq!(
        claims,
        json!({"sub": "alice", "role": "root", "iat": 1_700_000_000})
    );
}
