//! Published examples (RFC 7515 App. A, RFC 7516 App. A, RFC 7520) and tokens made by
//! another implementation (python-jwcrypto) verify and decrypt to their published payloads.
//! The fixtures and their provenance are described in tests/fixtures/README.md.

use crate::common;

use common::*;
use serde_json::Value;

/// A token fixture: the file holds one compact token and one newline.
fn token(name: &str) -> String {
    let text = fixture_text(name);
    let token = text.strip_suffix('\n').expect("one trailing newline");
    assert!(!token.contains(['\n', '\r', ' ']), "{name}");
    token.to_string()
}

fn path(name: &str) -> String {
    private_fixture(name)
}

fn payload(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs verify/decrypt and checks stdout against the published payload: byte for byte
/// when it is not a JSON object, as the same JSON value when it is (jwtctl pretty-prints
/// claims).
fn assert_payload(command: &str, key: &str, extra: &[&str], token: &str, expected: &[u8]) {
    let out = jwtctl()
        .args([command, "--key", key])
        .args(extra)
        .arg(token)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command} {key}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice::<Value>(expected) {
        Ok(json @ Value::Object(_)) => {
            let got: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
            assert_eq!(got, json, "{key}");
        }
        _ => assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(expected),
            "{key}"
        ),
    }
}

fn alg_of(token: &str) -> String {
    use base64::Engine;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    header["alg"].as_str().unwrap().to_string()
}

#[test]
fn rfc7515_appendix_a_examples_verify() {
    for (section, alg) in [
        ("a1", "HS256"),
        ("a2", "RS256"),
        ("a3", "ES256"),
        ("a4", "ES512"),
    ] {
        let base = format!("rfc7515/rfc7515-{section}");
        let t = token(&format!("{base}.jwt"));
        assert_eq!(alg_of(&t), alg);
        // exp 1300819380 is in March 2011: pin now before it.
        assert_payload(
            "verify",
            &path(&format!("{base}.key.json")),
            &["--now", "1300819000"],
            &t,
            &payload(&format!("{base}.payload")),
        );
    }
    // A.4's payload is the bare word "Payload", printed raw.
    jwtctl()
        .args([
            "verify",
            "--key",
            &path("rfc7515/rfc7515-a4.key.json"),
            &token("rfc7515/rfc7515-a4.jwt"),
        ])
        .assert()
        .success()
        .stdout("Payload");
    // A.1 today: expired, and said so.
    jwtctl()
        .args([
            "verify",
            "--key",
            &path("rfc7515/rfc7515-a1.key.json"),
            "--now",
            "1400000000",
            &token("rfc7515/rfc7515-a1.jwt"),
        ])
        .assert()
        .code(5)
        .stdout("")
        .stderr("error: token expired at 2011-03-22T18:43:00Z (1147d 22h ago)\n");
    // --ignore-exp instead of --now.
    assert_payload(
        "verify",
        &path("rfc7515/rfc7515-a1.key.json"),
        &["--ignore-exp"],
        &token("rfc7515/rfc7515-a1.jwt"),
        &payload("rfc7515/rfc7515-a1.payload"),
    );
}

#[test]
fn rfc7515_a5_unsecured_jws_is_refused() {
    let t = token("rfc7515/rfc7515-a5.jwt");
    assert!(t.ends_with('.'));
    for key in ["rfc7515/rfc7515-a1.key.json", "rfc7515/rfc7515-a2.key.json"] {
        jwtctl()
            .args(["verify", "--key", &path(key), "--now", "1300819000", &t])
            .assert()
            .code(4)
            .stdout("")
            .stderr("error: alg \"none\" means an unsigned token; it is never accepted\n");
    }
}

#[test]
fn rfc7516_appendix_a_examples_decrypt() {
    for (section, alg, extra) in [
        ("a1", "RSA-OAEP", &["--allow-unauthenticated"][..]),
        (
            "a2",
            "RSA1_5",
            &["--alg", "RSA1_5", "--allow-unauthenticated"][..],
        ),
        ("a3", "A128KW", &[][..]),
    ] {
        let base = format!("rfc7516/rfc7516-{section}");
        let t = token(&format!("{base}.jwe"));
        assert_eq!(alg_of(&t), alg);
        assert_payload(
            "decrypt",
            &path(&format!("{base}.key.json")),
            extra,
            &t,
            &payload(&format!("{base}.payload")),
        );
    }
    // A.1 is RSA-OAEP: anyone holding the public key could have made it, so it is refused
    // unless a signed inner token proves the sender, or the user accepts that.
    jwtctl()
        .args([
            "decrypt",
            "--key",
            &path("rfc7516/rfc7516-a1.key.json"),
            &token("rfc7516/rfc7516-a1.jwe"),
        ])
        .assert()
        .code(4)
        .stdout("")
        .stderr("error: anyone holding the recipient's public key can make an RSA-OAEP token: give --verify-key KEY to require a signed inner JWS (or --allow-unauthenticated to accept it anyway)\n");
    jwtctl()
        .args([
            "decrypt",
            "--allow-unauthenticated",
            "--key",
            &path("rfc7516/rfc7516-a1.key.json"),
            &token("rfc7516/rfc7516-a1.jwe"),
        ])
        .assert()
        .success()
        .stdout("The true sign of intelligence is not knowledge but imagination.");
    // A.2 is RSA1_5: not without naming it.
    jwtctl()
        .args([
            "decrypt",
            "--key",
            &path("rfc7516/rfc7516-a2.key.json"),
            &token("rfc7516/rfc7516-a2.jwe"),
        ])
        .assert()
        .code(4)
        .stdout("")
        .stderr("error: the token asks for RSA1_5, but only RSA-OAEP, RSA-OAEP-256, RSA-OAEP-384, RSA-OAEP-512 are allowed\n");
}

#[test]
fn rfc7520_cookbook_signatures_verify() {
    for (section, alg) in [
        ("4.1", "RS256"),
        ("4.2", "PS384"),
        ("4.3", "ES512"),
        ("4.4", "HS256"),
    ] {
        let base = format!("rfc7520/rfc7520-{section}");
        let t = token(&format!("{base}.jwt"));
        assert_eq!(alg_of(&t), alg, "{section}");
        assert_payload(
            "verify",
            &path(&format!("{base}.key.json")),
            &[],
            &t,
            &payload(&format!("{base}.payload")),
        );
    }
}

#[test]
fn rfc7520_cookbook_encryptions_decrypt() {
    for (section, alg, extra) in [
        (
            "5.1",
            "RSA1_5",
            &["--alg", "RSA1_5", "--allow-unauthenticated"][..],
        ),
        ("5.2", "RSA-OAEP", &["--allow-unauthenticated"][..]),
        ("5.4", "ECDH-ES+A128KW", &["--allow-unauthenticated"][..]),
        ("5.5", "ECDH-ES", &["--allow-unauthenticated"][..]),
        ("5.6", "dir", &[][..]),
        ("5.7", "A256GCMKW", &[][..]),
        ("5.8", "A128KW", &[][..]),
    ] {
        let base = format!("rfc7520/rfc7520-{section}");
        let t = token(&format!("{base}.jwe"));
        assert_eq!(alg_of(&t), alg, "{section}");
        assert_payload(
            "decrypt",
            &path(&format!("{base}.key.json")),
            extra,
            &t,
            &payload(&format!("{base}.payload")),
        );
    }
    // 5.3: PBES2 with the published password (UTF-8, no newline); the payload is a JWK Set.
    let t = token("rfc7520/rfc7520-5.3.jwe");
    assert_eq!(alg_of(&t), "PBES2-HS512+A256KW");
    assert_payload(
        "decrypt",
        &path("rfc7520/rfc7520-5.3.password"),
        &["--alg", "PBES2-HS512+A256KW"],
        &t,
        &payload("rfc7520/rfc7520-5.3.payload"),
    );
}

/// One entry of tests/fixtures/jwcrypto/manifest.json.
struct Made {
    name: String,
    kind: String,
    key: Option<String>,
    public: Option<String>,
    password: Option<String>,
    token: String,
    header: Value,
    claims: Value,
}

fn manifest() -> Vec<Made> {
    let manifest: Value = serde_json::from_str(&fixture_text("jwcrypto/manifest.json")).unwrap();
    let file = |v: &Value| v.as_str().map(|f| path(&format!("jwcrypto/{f}")));
    manifest
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Made {
            name: e["name"].as_str().unwrap().to_string(),
            kind: e["kind"].as_str().unwrap().to_string(),
            key: file(&e["key"]),
            public: file(&e["pub"]),
            password: file(&e["password"]),
            token: token(&format!("jwcrypto/{}", e["token"].as_str().unwrap())),
            header: e["header"].clone(),
            claims: e["claims"].clone(),
        })
        .collect()
}

#[test]
fn jwcrypto_tokens_verify_and_decrypt_to_their_manifest_claims() {
    let made = manifest();
    let kinds: Vec<&str> = made.iter().map(|m| m.kind.as_str()).collect();
    assert!(kinds.contains(&"jws") && kinds.contains(&"jwe") && kinds.contains(&"nested"));
    let jwks = path("jwcrypto/jwks.pub.json");
    for m in &made {
        let keys: Vec<&String> = [&m.key, &m.public, &m.password]
            .into_iter()
            .flatten()
            .collect();
        assert!(!keys.is_empty(), "{}", m.name);
        let mut tried = 0;
        for key in keys {
            let mut cmd = jwtctl();
            match m.kind.as_str() {
                "jws" => cmd.arg("verify"),
                _ => cmd.arg("decrypt"),
            };
            // exp is 2100-01-01; pin now anyway, and check aud and iss as a service would.
            cmd.args(["--key", key, "--json", "--now", "1700000001"])
                .args(["--aud", "jwtctl-tests", "--iss", "jwcrypto"]);
            if m.kind == "nested" {
                cmd.args([
                    "--verify-key",
                    &path(&format!("jwcrypto/{}.sig.key.json", m.name)),
                ]);
            } else if m.kind != "jws" {
                // jwcrypto's plain JWEs carry no signature: accepted for the round trip.
                cmd.arg("--allow-unauthenticated");
            }
            if m.kind != "jws" && m.public.as_ref() == Some(key) {
                continue; // a public key cannot decrypt
            }
            let report = json_of(cmd.arg(&m.token));
            assert_eq!(report["claims"], m.claims, "{} with {key}", m.name);
            for (name, value) in m.header.as_object().unwrap() {
                assert_eq!(&report["header"][name], value, "{} header {name}", m.name);
            }
            tried += 1;
        }
        assert!(tried > 0, "{}", m.name);
        if m.kind == "jws" && m.public.is_some() {
            // Picked from the JWK Set by kid.
            let report = json_of(jwtctl().args([
                "verify",
                "--key",
                &jwks,
                "--json",
                "--now",
                "1700000001",
                &m.token,
            ]));
            assert_eq!(report["claims"], m.claims, "{} from the JWK Set", m.name);
            assert_eq!(
                report["checks"][1]["detail"],
                format!("{} with key {}", m.header["alg"].as_str().unwrap(), m.name),
                "{}",
                m.name
            );
        }
    }
}

#[test]
fn jwcrypto_tokens_tampered_are_refused() {
    for m in manifest() {
        let key = m.password.as_ref().or(m.key.as_ref()).unwrap();
        let mut parts: Vec<String> = m.token.split('.').map(String::from).collect();
        let last = parts.last_mut().unwrap();
        // Change the first character of the signature/tag (its top bits: still canonical).
        let first = last.remove(0);
        last.insert(0, if first == 'A' { 'B' } else { 'A' });
        let tampered = parts.join(".");
        let mut cmd = jwtctl();
        cmd.arg(if m.kind == "jws" { "verify" } else { "decrypt" })
            .args(["--key", key, "--now", "1700000001"]);
        if m.kind == "nested" {
            cmd.arg("--no-verify-inner");
        }
        if m.kind != "jws" {
            cmd.arg("--allow-unauthenticated");
        }
        let message = if m.kind == "jws" {
            format!(
                "error: signature does not verify ({})\n",
                m.header["alg"].as_str().unwrap()
            )
        } else {
            // A kid the token names and the key lacks is named in the refusal.
            let key_kid = std::fs::read_to_string(key)
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .and_then(|jwk| jwk["kid"].as_str().map(String::from));
            match m.header["kid"].as_str() {
                Some(kid) if key_kid.as_deref() != Some(kid) => format!(
                    "error: decryption failed: the token's kid is \"{kid}\", {}\n",
                    match &key_kid {
                        Some(own) => format!("the key's is \"{own}\""),
                        None => "the key has none".to_string(),
                    }
                ),
                _ => "error: decryption failed\n".to_string(),
            }
        };
        cmd.arg(&tampered)
            .assert()
            .code(4)
            .stdout("")
            .stderr(message);
    }
}
