//! The JSON serializations (issue 15): flattened and general JWS/JWE read by `verify`,
//! `decrypt` and `inspect` (also `--batch`), several signatures and recipients, RFC 7797
//! `b64: false` and detached payloads. The published examples are in tests/fixtures (see
//! tools/extract_json_serializations.py); every refusal is checked to the byte.

use crate::common;

use common::*;
use serde_json::{Value, json};

fn text(name: &str) -> String {
    let text = fixture_text(name);
    let doc = text.strip_suffix('\n').expect("one trailing newline");
    assert!(!doc.contains('\n'), "{name}");
    doc.to_string()
}

fn key(name: &str) -> String {
    private_fixture(name)
}

fn payload(name: &str) -> String {
    fixture_text(name)
}

/// Runs a command with the token on stdin and returns (exit code, stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = jwtctl().args(args).write_stdin(stdin).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn accepted(args: &[&str], stdin: &str, expected: &str) {
    let (code, stdout, stderr) = run(args, stdin);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    match serde_json::from_str::<Value>(expected) {
        Ok(json @ Value::Object(_)) => {
            assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), json)
        }
        _ => assert_eq!(stdout, expected, "{args:?}"),
    }
}

fn refused(args: &[&str], stdin: &str, code: i32, message: &str) {
    jwtctl()
        .args(args)
        .write_stdin(stdin)
        .assert()
        .code(code)
        .stdout("")
        .stderr(format!("error: {message}\n"));
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

const A1_CLAIMS: &str = r#"{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}"#;

#[test]
fn rfc7515_a6_general_and_a7_flattened_verify() {
    let general = text("rfc7515/rfc7515-a6.json");
    let now = ["--now", "1300819000"];
    for k in ["rfc7515/rfc7515-a2.key.json", "rfc7515/rfc7515-a3.key.json"] {
        let k = key(k);
        accepted(
            &[&["verify", "--key", &k][..], &now, &["-"]].concat(),
            &general,
            A1_CLAIMS,
        );
    }
    let flattened = text("rfc7515/rfc7515-a7.json");
    let k = key("rfc7515/rfc7515-a3.key.json");
    accepted(
        &["verify", "--key", &k, "--now", "1300819000", "-"],
        &flattened,
        A1_CLAIMS,
    );
    // The same JSON as an argument.
    jwtctl()
        .args(["verify", "--key", &k, "--now", "1300819000", &flattened])
        .assert()
        .success();
    // With one key, --all-signatures cannot be satisfied: the other signature is unchecked.
    refused(
        &[
            "verify",
            "--key",
            &k,
            "--now",
            "1300819000",
            "--all-signatures",
            "-",
        ],
        &general,
        4,
        "signature 1 cannot be checked with the keys given: the token asks for RS256, but only ES256 is allowed: \
         the token's kid is \"2010-12-29\", the key has none",
    );
}

#[test]
fn rfc7516_a4_general_and_a5_flattened_decrypt() {
    let general = text("rfc7516/rfc7516-a4.json");
    let expected = "Live long and prosper.";
    let a3 = key("rfc7516/rfc7516-a3.key.json");
    accepted(&["decrypt", "--key", &a3, "-"], &general, expected);
    let a2 = key("rfc7516/rfc7516-a2.key.json");
    accepted(
        &[
            "decrypt",
            "--key",
            &a2,
            "--alg",
            "RSA1_5",
            "--allow-unauthenticated",
            "-",
        ],
        &general,
        expected,
    );
    accepted(
        &["decrypt", "--key", &a3, "-"],
        &text("rfc7516/rfc7516-a5.json"),
        expected,
    );
    // The recipient used is named in the checks.
    let doc = json_of(
        jwtctl()
            .args(["--json", "decrypt", "--key", &a3, "-"])
            .write_stdin(general.clone()),
    );
    assert_eq!(
        doc["checks"][0],
        json!({"check": "recipient", "result": "ok", "detail": "recipient 2"})
    );
    assert_eq!(doc["header"]["kid"], "7");
    assert_eq!(doc["header"]["jku"], "https://server.example.com/keys.jwks");
}

#[test]
fn rfc7520_json_signatures_verify() {
    for sec in ["4.6", "4.7"] {
        let k = key(&format!("rfc7520/rfc7520-{sec}.key.json"));
        let expected = payload(&format!("rfc7520/rfc7520-{sec}.payload"));
        for form in ["json", "flat.json"] {
            let doc = text(&format!("rfc7520/rfc7520-{sec}.{form}"));
            accepted(&["verify", "--key", &k, "-"], &doc, &expected);
        }
    }
    // 4.8: three signatures (RS256, ES512, HS256); each key checks its own.
    let doc = text("rfc7520/rfc7520-4.8.json");
    let expected = payload("rfc7520/rfc7520-4.8.payload");
    for i in 1..=3 {
        let k = key(&format!("rfc7520/rfc7520-4.8-{i}.key.json"));
        accepted(&["verify", "--key", &k, "-"], &doc, &expected);
    }
    let jwks = key("rfc7520/rfc7520-4.8.jwks.json");
    accepted(
        &["verify", "--key", &jwks, "--all-signatures", "-"],
        &doc,
        &expected,
    );
    // The same keys as three --key.
    let k: Vec<String> = (1..=3)
        .map(|i| key(&format!("rfc7520/rfc7520-4.8-{i}.key.json")))
        .collect();
    let several = ["verify", "--key", &k[0], "--key", &k[1], "--key", &k[2]];
    accepted(
        &[&several[..], &["--all-signatures", "-"]].concat(),
        &doc,
        &expected,
    );
    refused(
        &[
            "verify",
            "--key",
            &k[0],
            "--key",
            &k[2],
            "--all-signatures",
            "-",
        ],
        &doc,
        4,
        "signature 2 cannot be checked with the keys given: the token asks for ES512, but only RS256, RS384, RS512, PS256, PS384, PS512, HS256 are allowed",
    );
    let out = json_of(
        jwtctl()
            .args(["--json", "verify", "--key", &jwks, "--all-signatures", "-"])
            .write_stdin(doc),
    );
    let names: Vec<(&str, &str)> = out["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["result"].as_str().unwrap()))
        .take(3)
        .collect();
    assert_eq!(
        names,
        [
            ("signature 1", "ok"),
            ("signature 2", "ok"),
            ("signature 3", "ok")
        ]
    );
}

#[test]
fn rfc7520_json_encryptions_decrypt() {
    for sec in ["5.10", "5.11", "5.12"] {
        let k = key(&format!("rfc7520/rfc7520-{sec}.key.json"));
        let expected = payload(&format!("rfc7520/rfc7520-{sec}.payload"));
        for form in ["json", "flat.json"] {
            let doc = text(&format!("rfc7520/rfc7520-{sec}.{form}"));
            accepted(&["decrypt", "--key", &k, "-"], &doc, &expected);
        }
    }
    // 5.13: three recipients (RSA1_5, ECDH-ES+A256KW, A256GCMKW): each key opens its own.
    let doc = text("rfc7520/rfc7520-5.13.json");
    let expected = payload("rfc7520/rfc7520-5.13.payload");
    let algs = [
        "--alg",
        "RSA1_5",
        "--alg",
        "ECDH-ES+A256KW",
        "--alg",
        "A256GCMKW",
    ];
    for (i, alg) in [(1, "RSA1_5"), (2, "ECDH-ES+A256KW"), (3, "A256GCMKW")] {
        let k = key(&format!("rfc7520/rfc7520-5.13-{i}.key.json"));
        let args = [
            &["--json", "decrypt", "--key", &k, "--allow-unauthenticated"][..],
            &algs,
            &["-"],
        ]
        .concat();
        let out = json_of(jwtctl().args(&args).write_stdin(doc.clone()));
        assert_eq!(out["payload"], expected.as_str(), "{i}");
        assert_eq!(out["header"]["alg"], alg);
        assert_eq!(out["checks"][0]["detail"], format!("recipient {i}"));
    }
    // A128KW of A256GCMKW's key is not enough for the RSA recipient: without
    // --allow-unauthenticated the only recipient this key opens is the A256GCMKW one.
    let k3 = key("rfc7520/rfc7520-5.13-3.key.json");
    accepted(&["decrypt", "--key", &k3, "-"], &doc, &expected);
}

#[test]
fn rfc7797_unencoded_payload_verifies_compact_detached_and_json() {
    let k = key("rfc7515/rfc7515-a1.key.json");
    let detached = text("rfc7797/rfc7797-4.2.jwt");
    let file = fixture("rfc7797/rfc7797-4.2.payload");
    let file = file.to_str().unwrap();
    accepted(
        &["verify", "--key", &k, "--payload", file, "-"],
        &detached,
        "$.02",
    );
    accepted(
        &["verify", "--key", &k, "-"],
        &text("rfc7797/rfc7797-4.2.json"),
        "$.02",
    );
    // The payload file is the signed one, byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let other = write(dir.path(), "other", "$.03");
    refused(
        &["verify", "--key", &k, "--payload", &other, "-"],
        &detached,
        4,
        "signature does not verify (HS256)",
    );
    // A token that carries its own payload does not take another.
    refused(
        &["verify", "--key", &k, "--payload", file, "-"],
        &text("rfc7797/rfc7797-4.2.json"),
        2,
        "--payload is for a detached payload, but this token carries one",
    );
    // A JSON JWS without "payload" needs --payload.
    let mut doc: Value = serde_json::from_str(&text("rfc7797/rfc7797-4.2.json")).unwrap();
    doc.as_object_mut().unwrap().remove("payload");
    refused(
        &["verify", "--key", &k, "-"],
        &doc.to_string(),
        2,
        "this JWS has a detached payload: give it with --payload FILE",
    );
    accepted(
        &["verify", "--key", &k, "--payload", file, "-"],
        &doc.to_string(),
        "$.02",
    );
    // b64: false outside crit is refused (a reader that ignores b64 would read another
    // payload).
    let header = b64(r#"{"alg":"HS256","b64":false}"#);
    refused(
        &["verify", "--key", &k, &format!("{header}.x.c2ln")],
        "",
        3,
        "header \"b64\": false must be listed in \"crit\" (RFC 7797)",
    );
}

#[test]
fn tampering_with_one_signature_fails_only_that_check() {
    let mut doc: Value = serde_json::from_str(&text("rfc7520/rfc7520-4.8.json")).unwrap();
    let sig = doc["signatures"][2]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let flipped = crate::forge::flip_first(&sig);
    doc["signatures"][2]["signature"] = Value::from(flipped);
    let doc = doc.to_string();
    let jwks = key("rfc7520/rfc7520-4.8.jwks.json");
    let expected = payload("rfc7520/rfc7520-4.8.payload");
    // One valid signature is enough by default; the list says which one failed.
    let out = json_of(
        jwtctl()
            .args(["--json", "verify", "--key", &jwks, "-"])
            .write_stdin(doc.clone()),
    );
    assert_eq!(out["valid"], true);
    assert_eq!(out["payload"], expected.as_str());
    let checks = out["checks"].as_array().unwrap();
    assert_eq!(checks[0]["result"], "ok");
    assert_eq!(checks[1]["result"], "ok");
    assert_eq!(
        checks[2],
        json!({"check": "signature 3", "result": "failed", "detail": "does not verify (HS256)"})
    );
    refused(
        &["verify", "--key", &jwks, "--all-signatures", "-"],
        &doc,
        4,
        "signature 3 does not verify (HS256)",
    );
    // The HMAC key alone checks only signature 3, which fails.
    let hs = key("rfc7520/rfc7520-4.8-3.key.json");
    refused(
        &["verify", "--key", &hs, "-"],
        &doc,
        4,
        "signature 3 does not verify (HS256)",
    );
    // The RSA key alone still finds its valid signature.
    let rs = key("rfc7520/rfc7520-4.8-1.key.json");
    accepted(&["verify", "--key", &rs, "-"], &doc, &expected);
}

#[test]
fn malformed_json_tokens_are_refused_with_their_reason() {
    let k = key("rfc7520/rfc7520-4.6.key.json");
    let p = b64(r#"{"alg":"HS256"}"#);
    let cases: Vec<(String, &str)> = vec![
        (
            format!(
                r#"{{"payload":"e30","protected":"{p}","header":{{"alg":"HS256"}},"signature":"c2ln"}}"#
            ),
            "signature: header member \"alg\" appears in more than one header",
        ),
        (
            format!(
                r#"{{"payload":"e30","protected":"{p}","header":{{"crit":["exp"]}},"signature":"c2ln"}}"#
            ),
            "signature: \"crit\" must be in the protected header, not the unprotected one",
        ),
        (
            format!(r#"{{"payload":"e30","protected":"{p}","payload":"e30","signature":"c2ln"}}"#),
            "JSON token has a duplicate member \"payload\"",
        ),
        (
            format!(
                r#"{{"payload":"e30","signatures":[{{"protected":"{p}","signature":"c2ln"}}],"signature":"c2ln"}}"#
            ),
            "\"signatures\" (general form) and a top-level \"signature\" (flattened form) in one token",
        ),
        (
            r#"{"payload":"e30","signatures":[]}"#.into(),
            "\"signatures\" is empty",
        ),
        (
            r#"{"payload":"e30","signatures":[1]}"#.into(),
            "\"signatures\" holds something not an object",
        ),
        (
            format!(r#"{{"payload":"e3=","protected":"{p}","signature":"c2ln"}}"#),
            "\"payload\" is not base64url",
        ),
        (
            r#"{"payload":"e30","header":{"kid":"x"},"signature":"c2ln"}"#.into(),
            "signature: no \"alg\" in any header",
        ),
        (
            format!(
                r#"{{"payload":"e30","protected":"{}","signature":"c2ln"}}"#,
                b64(r#"{"alg":"HS256","alg":"none"}"#)
            ),
            "protected header has a duplicate member \"alg\"",
        ),
        (
            r#"{"hello":"world"}"#.into(),
            "a JSON object is a token only with \"payload\" and \"signature\"/\"signatures\" (JWS) or \"ciphertext\" (JWE)",
        ),
        (
            r#"{"payload":"e30""#.into(),
            "JSON token is not valid JSON: EOF while parsing an object",
        ),
    ];
    for (doc, message) in cases {
        refused(&["verify", "--key", &k, "-"], &doc, 3, message);
    }
    // JWE: a name in the shared and the per-recipient header.
    let mut jwe: Value = serde_json::from_str(&text("rfc7516/rfc7516-a4.json")).unwrap();
    jwe["recipients"][1]["header"]["jku"] = Value::from("https://evil.example/");
    let a3 = key("rfc7516/rfc7516-a3.key.json");
    refused(
        &["decrypt", "--key", &a3, "-"],
        &jwe.to_string(),
        3,
        "recipient 2: header member \"jku\" appears in more than one header",
    );
    // zip changes how the plaintext is read: only a protected zip counts (RFC 7516 §4.1.3).
    let mut jwe: Value = serde_json::from_str(&text("rfc7516/rfc7516-a4.json")).unwrap();
    jwe["unprotected"]["zip"] = Value::from("DEF");
    refused(
        &["decrypt", "--key", &a3, "-"],
        &jwe.to_string(),
        3,
        "recipient 1: \"zip\" must be in the protected header, not the shared unprotected one",
    );
    // A JWS given to decrypt, and a JWE given to verify.
    refused(
        &["decrypt", "--key", &a3, "-"],
        &text("rfc7515/rfc7515-a7.json"),
        3,
        "this is a JWS (signed token); use jwtctl verify",
    );
    refused(
        &["verify", "--key", &a3, "-"],
        &text("rfc7516/rfc7516-a5.json"),
        3,
        "this is a JWE (encrypted token); use jwtctl decrypt",
    );
}

#[test]
fn every_recipient_passes_the_prechecks() {
    // Recipient 3's A256GCMKW header tag is cut short: refused even when the key used is
    // recipient 1's.
    let mut doc: Value = serde_json::from_str(&text("rfc7520/rfc7520-5.13.json")).unwrap();
    doc["recipients"][2]["header"]["tag"] = Value::from("59Nqh1LlYtVIhfD3");
    let k1 = key("rfc7520/rfc7520-5.13-1.key.json");
    refused(
        &[
            "decrypt",
            "--key",
            &k1,
            "--alg",
            "RSA1_5",
            "--allow-unauthenticated",
            "-",
        ],
        &doc.to_string(),
        4,
        "recipient 3: A256GCMKW needs a 16-byte header tag",
    );
}

#[test]
fn batch_reads_one_json_document_per_line() {
    let k = key("rfc7520/rfc7520-4.6.key.json");
    let input = format!(
        "{}\n{}\n{{\"payload\":1}}\n",
        text("rfc7520/rfc7520-4.6.json"),
        text("rfc7520/rfc7520-4.7.flat.json")
    );
    let out = jwtctl()
        .args(["verify", "--batch", "--key", &k])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["valid"], true);
    assert_eq!(lines[2]["error"], "\"payload\" is not a string");
    let k = key("rfc7520/rfc7520-5.10.key.json");
    let out = jwtctl()
        .args(["decrypt", "--batch", "--key", &k])
        .write_stdin(format!(
            "{}\n{}\n",
            text("rfc7520/rfc7520-5.10.json"),
            text("rfc7520/rfc7520-5.10.flat.json")
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let doc: Value = serde_json::from_str(line).unwrap();
        assert_eq!(doc["valid"], true, "{line}");
    }
}

#[test]
fn inspect_lists_signatures_and_recipients() {
    let doc = json_of(
        jwtctl()
            .args(["--json", "inspect", "-"])
            .write_stdin(text("rfc7520/rfc7520-4.8.json")),
    );
    assert_eq!(doc["serialization"], "general");
    let sigs = doc["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 3);
    // RFC 7520 4.8: signature 2 has no protected header at all.
    assert_eq!(sigs[0]["protected"], json!({"alg": "RS256"}));
    assert_eq!(sigs[1]["protected"], json!({}));
    assert_eq!(
        sigs[1]["unprotected"],
        json!({"alg": "ES512", "kid": "bilbo.baggins@hobbiton.example"})
    );
    assert_eq!(sigs[2]["header"]["alg"], "HS256");
    let doc = json_of(
        jwtctl()
            .args(["--json", "inspect", "-"])
            .write_stdin(text("rfc7516/rfc7516-a4.json")),
    );
    assert_eq!(doc["type"], "JWE");
    let recipients = doc["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 2);
    assert_eq!(recipients[0]["protected"], json!({"enc": "A128CBC-HS256"}));
    assert_eq!(recipients[1]["header"]["alg"], "A128KW");
    // With a key: decrypted through the recipient it opens.
    let a3 = key("rfc7516/rfc7516-a3.key.json");
    let doc = json_of(
        jwtctl()
            .args(["--json", "inspect", "--key", &a3, "-"])
            .write_stdin(text("rfc7516/rfc7516-a4.json")),
    );
    assert_eq!(doc["verification"]["valid"], true);
    assert_eq!(doc["decrypted"]["payload"], "Live long and prosper.");
    // For people: the form and each signature's header.
    let human = stdout_of(
        jwtctl()
            .args(["inspect", "-"])
            .write_stdin(text("rfc7520/rfc7520-4.8.json")),
    );
    assert!(
        human.contains("Serialization JSON, general, 3 signatures\n"),
        "{human}"
    );
    assert!(human.contains("Signature 2\n  alg  ES512\n"), "{human}");
    let flat = stdout_of(
        jwtctl()
            .args(["inspect", "-"])
            .write_stdin(text("rfc7515/rfc7515-a7.json")),
    );
    assert!(
        flat.contains("Serialization JSON, flattened, 1 signature\n"),
        "{flat}"
    );
}

/// A JWK Set of the given key files' public and private JWKs.
fn jwks(dir: &std::path::Path, files: &[&str]) -> String {
    let keys: Vec<Value> = files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    write(dir, "set.json", json!({ "keys": keys }).to_string())
}

#[test]
fn issue_writes_flattened_and_general_with_one_entry_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let es = keygen_file(dir.path(), "ES256", "es.jwk");
    let hs = keygen_file(dir.path(), "HS256", "hs.jwk");
    let issue = |args: &[&str]| {
        stdout_of(
            jwtctl()
                .args([
                    "issue",
                    "--sub",
                    "alice",
                    "--now",
                    "1700000000",
                    "--exp",
                    "1h",
                ])
                .args(args),
        )
        .trim_end()
        .to_string()
    };
    let now = "1700000001";
    // General JWS: two signatures, the unprotected member in each one's "header".
    let general = issue(&[
        "--key",
        &es,
        "--key",
        &hs,
        "--serialization",
        "general",
        "--unprotected-header",
        "note=hi",
    ]);
    let doc: Value = serde_json::from_str(&general).unwrap();
    assert_eq!(doc["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(doc["signatures"][1]["header"], json!({"note": "hi"}));
    let claims = r#"{"sub":"alice","iat":1700000000,"exp":1700003600}"#;
    for k in [&es, &hs] {
        accepted(&["verify", "--key", k, "--now", now, "-"], &general, claims);
    }
    let set = jwks(dir.path(), &[&es, &hs]);
    accepted(
        &[
            "verify",
            "--key",
            &set,
            "--all-signatures",
            "--now",
            now,
            "-",
        ],
        &general,
        claims,
    );
    // Flattened: the one signature's members at the top level.
    let flat = issue(&["--key", &hs, "--serialization", "flattened"]);
    let doc: Value = serde_json::from_str(&flat).unwrap();
    assert!(doc.get("signature").is_some() && doc.get("signatures").is_none());
    accepted(&["verify", "--key", &hs, "--now", now, "-"], &flat, claims);
    // General JWE: two recipients sharing one content key.
    let aw = keygen_file(dir.path(), "A128KW", "aw.jwk");
    let rsa = keygen_file(dir.path(), "RSA-OAEP-256", "rsa.jwk");
    let jwe = issue(&[
        "--key",
        &aw,
        "--key",
        &rsa,
        "--serialization",
        "general",
        "--unprotected-header",
        "jku=https://keys.example/",
    ]);
    let doc: Value = serde_json::from_str(&jwe).unwrap();
    assert_eq!(doc["recipients"].as_array().unwrap().len(), 2);
    assert_eq!(doc["unprotected"], json!({"jku": "https://keys.example/"}));
    accepted(&["decrypt", "--key", &aw, "--now", now, "-"], &jwe, claims);
    accepted(
        &[
            "decrypt",
            "--key",
            &rsa,
            "--allow-unauthenticated",
            "--now",
            now,
            "-",
        ],
        &jwe,
        claims,
    );
    // --batch: one JSON document per line.
    let out = stdout_of(
        jwtctl()
            .args([
                "issue",
                "--key",
                &hs,
                "--serialization",
                "general",
                "--batch",
                "--now",
                "1700000000",
            ])
            .write_stdin("{\"sub\":\"a\"}\n{\"sub\":\"b\"}\n"),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    accepted(
        &["verify", "--key", &hs, "--now", now, "-"],
        lines[1],
        r#"{"sub":"b","iat":1700000000}"#,
    );
    // What cannot be written is refused.
    for (args, message) in [
        (
            vec!["--key", &es, "--key", &hs],
            "several --key make one signature or recipient each: give --serialization general",
        ),
        (
            vec!["--key", &es, "--key", &hs, "--serialization", "flattened"],
            "--serialization flattened takes one --key; use general for several",
        ),
        (
            vec!["--key", &hs, "--unprotected-header", "x=1"],
            "--unprotected-header needs a JSON serialization (--serialization flattened or general)",
        ),
        (
            vec![
                "--key",
                &hs,
                "--serialization",
                "general",
                "--unprotected-header",
                "crit:=[\"b64\"]",
            ],
            "--unprotected-header crit: it must be protected",
        ),
        (
            vec![
                "--key",
                &hs,
                "--serialization",
                "general",
                "--unprotected-header",
                "typ=x",
            ],
            "header typ is given both protected and unprotected",
        ),
        (
            vec!["--key", &hs, "--key", &aw, "--serialization", "general"],
            "the keys make different kinds of token (signature and key-management algorithms mixed)",
        ),
    ] {
        refused_by("issue", &[&args[..], &["--sub", "x"]].concat(), 2, message);
    }
}

/// Tokens python-jwcrypto made in both JSON forms (tests/fixtures/jwcrypto/make.py --json):
/// each key of each token verifies or decrypts it to the same claims.
#[test]
fn jwcrypto_json_fixtures_verify_and_decrypt() {
    let manifest: Value =
        serde_json::from_str(&fixture_text("jwcrypto/json-manifest.json")).unwrap();
    let entries = manifest.as_array().unwrap();
    assert_eq!(entries.len(), 12);
    for m in entries {
        let doc = text(&format!("jwcrypto/{}", m["token"].as_str().unwrap()));
        let claims = m["claims"].to_string();
        let jws = m["kind"] == "jws";
        let keys: Vec<String> = m["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| key(&format!("jwcrypto/{}", k.as_str().unwrap())))
            .collect();
        for k in &keys {
            let args: Vec<&str> = if jws {
                vec!["verify", "--key", k, "--aud", "jwtctl-tests", "-"]
            } else {
                vec![
                    "decrypt",
                    "--key",
                    k,
                    "--aud",
                    "jwtctl-tests",
                    "--allow-unauthenticated",
                    "-",
                ]
            };
            accepted(&args, &doc, &claims);
        }
        let inspected = json_of(
            jwtctl()
                .args(["--json", "inspect", "-"])
                .write_stdin(doc.clone()),
        );
        assert_eq!(inspected["serialization"], m["form"], "{m}");
        let list = if jws { "signatures" } else { "recipients" };
        assert_eq!(inspected[list].as_array().unwrap().len(), keys.len(), "{m}");
    }
}

/// xorshift64, as in mutation.rs: reproducible positions and bytes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The mutation property of "Fail closed" on JSON forms: a flipped character in any member
/// (payload, protected header, signature, ciphertext, tag, encrypted key, iv, aad) never
/// leaves a token valid, through `--batch` in one process per token.
#[test]
fn mutated_json_tokens_are_never_valid() {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let dir = tempfile::tempdir().unwrap();
    let both = jwks(
        dir.path(),
        &[
            fixture("jwcrypto/es256.key.json").to_str().unwrap(),
            fixture("jwcrypto/hs256.key.json").to_str().unwrap(),
        ],
    );
    // (command, token, key, flags, members the key does not use: another recipient's
    // encrypted key is nobody's business when this key opens its own entry)
    let cases = [
        (
            "verify",
            "jwcrypto/json-es256.flat.json",
            key("jwcrypto/es256.key.json"),
            &[][..],
            None,
        ),
        (
            "verify",
            "jwcrypto/json-es256-hs256.general.json",
            both,
            &["--all-signatures"],
            None,
        ),
        (
            "verify",
            "rfc7520/rfc7520-4.8.json",
            key("rfc7520/rfc7520-4.8.jwks.json"),
            &["--all-signatures"],
            None,
        ),
        (
            "decrypt",
            "rfc7520/rfc7520-5.10.json",
            key("rfc7520/rfc7520-5.10.key.json"),
            &[],
            None,
        ),
        (
            "decrypt",
            "jwcrypto/json-a256kw-rsa-oaep-256.general.json",
            key("jwcrypto/a256kw-a256cbc-hs512.key.json"),
            &[],
            Some(["recipients", "1"]),
        ),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (command, token, key, extra, skip) in cases {
        let doc: Value = serde_json::from_str(&text(token)).unwrap();
        // Every base64url member, wherever it is: (path, value).
        let mut members: Vec<(Vec<String>, String)> = Vec::new();
        fn walk(v: &Value, path: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
            match v {
                Value::Object(map) => {
                    for (name, value) in map {
                        // Unprotected headers are not covered by the signature or tag.
                        if name == "header" || name == "unprotected" {
                            continue;
                        }
                        let mut p = path.clone();
                        p.push(name.clone());
                        walk(value, p, out);
                    }
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let mut p = path.clone();
                        p.push(i.to_string());
                        walk(item, p, out);
                    }
                }
                Value::String(s) => out.push((path, s.clone())),
                _ => {}
            }
        }
        walk(&doc, Vec::new(), &mut members);
        members.retain(|(path, _)| {
            skip.is_none_or(|prefix| !path.starts_with(&prefix.map(String::from)))
        });
        let mut lines = Vec::new();
        for _ in 0..60 {
            let (path, value) = &members[rng.below(members.len())];
            if value.is_empty() {
                continue;
            }
            let mut bytes = value.clone().into_bytes();
            let at = rng.below(bytes.len());
            let replacement = CHARS[rng.below(CHARS.len())];
            if bytes[at] == replacement {
                continue;
            }
            bytes[at] = replacement;
            let mut mutated = doc.clone();
            let mut target = &mut mutated;
            for step in path {
                target = match step.parse::<usize>() {
                    Ok(i) if target.is_array() => &mut target[i],
                    _ => &mut target[step.as_str()],
                };
            }
            *target = Value::from(String::from_utf8(bytes).unwrap());
            lines.push(mutated.to_string());
        }
        assert!(lines.len() > 40, "{token}");
        let out = jwtctl()
            .args([command, "--batch", "--key", &key])
            .args(extra)
            .write_stdin(format!("{}\n{}\n", text(token), lines.join("\n")))
            .output()
            .unwrap();
        let results: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(results.len(), lines.len() + 1, "{token}");
        assert_eq!(results[0]["valid"], true, "{token}: the untouched token");
        for (line, result) in lines.iter().zip(&results[1..]) {
            assert_eq!(result["valid"], false, "{token}: {line}");
        }
    }
}

#[test]
fn signature_and_recipient_counts_are_bounded() {
    let k = key("rfc7520/rfc7520-4.6.key.json");
    let p = b64(r#"{"alg":"HS256"}"#);
    let many = |n: usize| {
        let sigs: Vec<Value> = (0..n)
            .map(|_| json!({"protected": p, "signature": "c2ln"}))
            .collect();
        json!({"payload": "e30", "signatures": sigs}).to_string()
    };
    refused(
        &["verify", "--key", &k, "-"],
        &many(65),
        3,
        "65 signatures, over the limit of 64",
    );
    // 64 is fine structurally (each one then fails its own check).
    refused(
        &["verify", "--key", &k, "-"],
        &many(64),
        4,
        "signature 1 does not verify (HS256)",
    );
    // The work bound: signatures times payload size within 4 times --max-token-size.
    let payload = b64(vec![b'a'; 3000]);
    let sigs: Vec<Value> = (0..8)
        .map(|_| json!({"protected": p, "signature": "c2ln"}))
        .collect();
    let doc = json!({"payload": payload, "signatures": sigs}).to_string();
    refused(
        &["verify", "--key", &k, "--max-token-size", "5000", "-"],
        &doc,
        3,
        "8 signatures over 4000 bytes is over the limit of 20000 bytes checked in all (4 times --max-token-size)",
    );
}

/// RFC 7515 Appendix F: a compact JWS whose payload part was cut out verifies over the
/// payload given with --payload, and only over that one.
#[test]
fn detached_compact_payload_verifies_with_payload_file() {
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.jwk");
    let token = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &hs,
        "--sub",
        "alice",
        "--now",
        "1700000000",
    ]));
    let parts: Vec<&str> = token.trim().split('.').collect();
    use base64::Engine;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .unwrap();
    let file = write(dir.path(), "claims.json", &claims);
    let detached = format!("{}..{}", parts[0], parts[2]);
    accepted(
        &["verify", "--key", &hs, "--payload", &file, &detached],
        "",
        r#"{"sub":"alice","iat":1700000000}"#,
    );
    let other = write(
        dir.path(),
        "other.json",
        br#"{"sub":"mallory","iat":1700000000}"#,
    );
    refused(
        &["verify", "--key", &hs, "--payload", &other, &detached],
        "",
        4,
        "signature does not verify (HS256)",
    );
    // The checks of a general JWS name a signature the key cannot check.
    let es = keygen_file(dir.path(), "ES256", "es.jwk");
    let general = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &es,
        "--key",
        &hs,
        "--serialization",
        "general",
        "--sub",
        "alice",
    ]));
    let out = json_of(
        jwtctl()
            .args(["--json", "verify", "--key", &hs, "-"])
            .write_stdin(general),
    );
    assert_eq!(
        out["checks"][0],
        json!({"check": "signature 1", "result": "skipped",
        "detail": format!(
            "no key for it: the token asks for ES256, but only HS256 is allowed: the token's kid is \"{}\", the key's is \"{}\"",
            kid_of(&es),
            kid_of(&hs)
        )})
    );
    assert_eq!(out["checks"][1]["result"], "ok");
}

/// The kid of a key file written by keygen.
fn kid_of(path: &str) -> String {
    let jwk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jwk["kid"].as_str().unwrap().to_string()
}
