//! "Fail closed": no expired, forged or unauthenticated token ever gets exit 0. One test per
//! way the trust path once said yes (or "not checked") when a check could not run.

use crate::common;
use crate::forge;
use crate::keycache;

use common::*;
use forge::{b64, dir_gcm, hs256_raw};
use keycache::{for_alg, key, public_jwk, rsa, scratch};
use serde_json::{Value, json};

const NOW: &str = "1700000000";

fn hs_key() -> (String, Vec<u8>) {
    let path = for_alg("HS256");
    let secret = keycache::secret(&path);
    (path, secret)
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = jwtctl().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// 1. A claims set that does not parse strictly never has its exp switched off.
#[test]
fn claims_that_do_not_parse_strictly_are_refused_with_exit_3() {
    let (key, secret) = hs_key();
    let deep = format!(
        "{{\"sub\":\"a\",\"x\":{}1{}}}",
        "[".repeat(300),
        "]".repeat(300)
    );
    let cases = [
        (
            r#"{"sub":"alice","exp":1,"exp":1}"#.to_string(),
            "the claims set has a duplicate member \"exp\"",
        ),
        (
            r#"{"sub":"alice","exp":1,"name":"\ud800"}"#.to_string(),
            "the claims set is not valid JSON: unexpected end of hex escape",
        ),
        (
            deep,
            "the claims set is not valid JSON: recursion limit exceeded",
        ),
        (
            r#"{"sub":"alice","exp":1,"n":1e999}"#.to_string(),
            "the claims set is not valid JSON: number out of range",
        ),
        (
            r#" {"exp":1,"a":{"b":1,"b":2}}"#.to_string(),
            "the claims set has a duplicate member \"b\"",
        ),
    ];
    let dir = for_alg("dir");
    for (payload, message) in &cases {
        let token = hs256_raw(br#"{"alg":"HS256"}"#, payload.as_bytes(), &secret);
        let expected = (Some(3), String::new(), format!("error: {message}\n"));
        assert_eq!(
            run(&["verify", "--key", &key, &token]),
            expected,
            "{payload}"
        );
        assert_eq!(
            run(&["inspect", "--key", &key, &token]),
            expected,
            "{payload}"
        );
        assert_eq!(run(&["inspect", &token]), expected, "{payload}");
        // --batch: the line's result says malformed, and so does the exit code.
        let out = jwtctl()
            .args(["verify", "--batch", "--key", &key])
            .write_stdin(format!("{token}\n"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{payload}");
        let line: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (&line["valid"], &line["class"], &line["error"]),
            (&json!(false), &json!("malformed"), &json!(message)),
            "{payload}"
        );
        // The same claims in a genuine dir JWE.
        let jwe = dir_gcm(
            &keycache::secret(&dir),
            &json!({"alg": "dir", "enc": "A256GCM"}),
            payload.as_bytes(),
            &[9; 12],
        );
        assert_eq!(
            run(&["decrypt", "--key", &dir, &jwe]),
            expected,
            "{payload}"
        );
        // And as the inner JWS of a nested JWT verified with --verify-key.
        let nested = dir_gcm(
            &keycache::secret(&dir),
            &json!({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}),
            token.as_bytes(),
            &[8; 12],
        );
        assert_eq!(
            run(&["decrypt", "--key", &dir, "--verify-key", &key, &nested]),
            expected,
            "{payload}"
        );
    }
    // typ JWT makes any payload a claims set.
    let token = hs256_raw(br#"{"alg":"HS256","typ":"JWT"}"#, b"[1]", &secret);
    assert_eq!(
        run(&["verify", "--key", &key, &token]),
        (
            Some(3),
            String::new(),
            "error: the claims set is not a JSON object\n".to_string()
        )
    );
}

/// An RSA key pair for RSA-OAEP-256, as a private JWK file and its public half.
fn oaep_pair() -> (String, String) {
    let private = key(&["--alg", "RSA-OAEP-256"]);
    let public = scratch(
        "fail-closed-oaep.pub.json",
        public_jwk(&private).to_string(),
    );
    (private, public)
}

/// 2. A JWE that anyone holding the public key can make is not authentic by itself.
#[test]
fn public_key_jwe_needs_a_signed_inner_token() {
    let (private, public) = oaep_pair();
    // The attacker holds only the public key.
    let forged = stdout_of(jwtctl().args(["issue", "--key", &public, "--sub", "admin"]));
    let forged = forged.trim();
    assert_eq!(
        run(&["decrypt", "--key", &private, forged]),
        (
            Some(4),
            String::new(),
            "error: anyone holding the recipient's public key can make an RSA-OAEP-256 token: \
             give --verify-key KEY to require a signed inner JWS (or --allow-unauthenticated to \
             accept it anyway)\n"
                .to_string()
        )
    );
    // --allow-unauthenticated accepts it, and the checks say what was not checked.
    let report = json_of(jwtctl().args([
        "decrypt",
        "--json",
        "--allow-unauthenticated",
        "--key",
        &private,
        forged,
    ]));
    assert_eq!(report["claims"]["sub"], "admin");
    assert!(
        report["checks"].as_array().unwrap().contains(&json!({
            "check": "authenticity",
            "result": "not checked",
            "detail": "anyone with the public key can make this token"
        })),
        "{report}"
    );
    // --verify-key: a plain (non-nested) JWE has no signature, so it is refused.
    let signer = for_alg("ES256");
    assert_eq!(
        run(&[
            "decrypt",
            "--key",
            &private,
            "--verify-key",
            &signer,
            forged
        ]),
        (
            Some(4),
            String::new(),
            "error: --verify-key needs the plaintext to be a JWS signed by that key, but it is \
             not one (a JSON-serialised token is not accepted here; give the compact form)\n"
                .to_string()
        )
    );
    // A nested token without cty: JWT, signed by somebody else, is refused; signed by the
    // signer, it passes, whatever cty says.
    let mallory = key(&["--alg", "ES256", "--kid", "mallory"]);
    let recipient = public_jwk(&private);
    for (inner_key, expected) in [(&mallory, Some(4)), (&signer, Some(0))] {
        let inner = stdout_of(jwtctl().args(["issue", "--key", inner_key, "--sub", "admin"]));
        let jwe = encrypt_without_cty(&recipient, inner.trim());
        let (code, _, stderr) = run(&["decrypt", "--key", &private, "--verify-key", &signer, &jwe]);
        assert_eq!(code, expected, "{stderr}");
        if expected == Some(4) {
            assert_eq!(
                stderr,
                format!(
                    "error: signature does not verify (ES256): the token's kid is \"mallory\", \
                     the key's is \"{}\"\n",
                    keycache::jwk(&signer)["kid"].as_str().unwrap()
                )
            );
        }
    }
    // dir, AES key wrap and PBES2 are authenticated by their shared secret.
    let dir = for_alg("dir");
    let token = stdout_of(jwtctl().args(["issue", "--key", &dir, "--sub", "a"]));
    assert_eq!(run(&["decrypt", "--key", &dir, token.trim()]).0, Some(0));
}

/// A compact RSA-OAEP-256 JWE of `plaintext` with no `cty`, made with josekit.
fn encrypt_without_cty(recipient: &Value, plaintext: &str) -> String {
    let map = recipient.as_object().unwrap().clone();
    let mut map = map;
    for name in ["alg", "use", "kid", "key_ops"] {
        map.remove(name);
    }
    let jwk = josekit::jwk::Jwk::from_map(map).unwrap();
    let encrypter = josekit::jwe::RSA_OAEP_256.encrypter_from_jwk(&jwk).unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    josekit::jwe::serialize_compact(plaintext.as_bytes(), &header, &encrypter).unwrap()
}

/// 2 (inspect): a reading tool shows the content, with a verdict that says what it is.
#[test]
fn inspect_never_calls_a_public_key_jwe_valid() {
    let (private, public) = oaep_pair();
    let forged = stdout_of(jwtctl().args(["issue", "--key", &public, "--sub", "admin"]));
    let report = json_of(jwtctl().args(["inspect", "--json", "--key", &private, forged.trim()]));
    assert_eq!(report["decrypted"]["claims"]["sub"], "admin");
    assert_eq!(report["verification"]["valid"], false);
    assert_eq!(
        report["verification"]["error"],
        "not authenticated: anyone with the public key can make this token"
    );
    let (code, stdout, _) = run(&[
        "inspect",
        "--color",
        "never",
        "--key",
        &private,
        forged.trim(),
    ]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(
            "With key not valid: not authenticated: anyone with the public key can make this token"
        ),
        "{stdout}"
    );
}

/// The RSA public key of a fresh pair, in every form a verifier may be handed.
struct PublicForms {
    pem: String,
    pkcs1_der: Vec<u8>,
    spki_der: Vec<u8>,
    jwk: String,
}

fn public_forms() -> PublicForms {
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    let rsa = Rsa::generate(2048).unwrap();
    let pkey = PKey::from_rsa(rsa.clone()).unwrap();
    let jwk = json!({"kty": "RSA", "n": b64(rsa.n().to_vec()), "e": b64(rsa.e().to_vec())});
    PublicForms {
        pem: String::from_utf8(pkey.public_key_to_pem().unwrap()).unwrap(),
        pkcs1_der: rsa.public_key_to_der_pkcs1().unwrap(),
        spki_der: pkey.public_key_to_der().unwrap(),
        jwk: jwk.to_string(),
    }
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut bytes = if bom { vec![0xff, 0xfe] } else { vec![] };
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Point 3: an HS256 token whose HMAC key is the exact bytes of the verifier's public key,
/// in forms the key recogniser once missed, never verifies.
#[test]
fn key_shaped_bytes_are_never_an_hmac_secret() {
    use base64::Engine;
    let forms = public_forms();
    let spki_b64 = base64::engine::general_purpose::STANDARD.encode(&forms.spki_der);
    let mut bom_jwk = b"\xef\xbb\xbf".to_vec();
    bom_jwk.extend_from_slice(forms.jwk.as_bytes());
    // Read as the RSA key they are, they allow RSA algorithms only.
    let refusal = "error: the token asks for HS256, but only RS256, RS384, RS512, PS256, PS384, \
                   PS512 are allowed\n";
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("PKCS#1 DER", forms.pkcs1_der.clone()),
        ("SPKI DER", forms.spki_der.clone()),
        ("JWK with a UTF-8 BOM", bom_jwk),
        ("PEM as UTF-16 with a BOM", utf16le(&forms.pem, true)),
        ("PEM as UTF-16 without a BOM", utf16le(&forms.pem, false)),
        ("bare base64 SPKI", spki_b64.clone().into_bytes()),
    ];
    for (what, bytes) in &files {
        let token = hs256_raw(br#"{"alg":"HS256"}"#, br#"{"sub":"admin"}"#, bytes);
        let path = scratch("fail-closed-confused-key", bytes);
        assert_eq!(
            run(&["verify", "--key", &path, &token]),
            (Some(4), String::new(), refusal.to_string()),
            "{what}"
        );
    }
    // The common JWT_PUBLIC_KEY=MIIBIj… variable.
    let token = hs256_raw(
        br#"{"alg":"HS256"}"#,
        br#"{"sub":"admin"}"#,
        spki_b64.as_bytes(),
    );
    let out = jwtctl()
        .args(["verify", "--key", "env:JWT_PUBLIC_KEY", &token])
        .env("JWT_PUBLIC_KEY", &spki_b64)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(String::from_utf8_lossy(&out.stderr), refusal);
    // An ASN.1 SEQUENCE that is no key is refused, unless --secret-encoding says it is a
    // secret.
    let not_a_key = [0x30, 0x03, 0x02, 0x01, 0x05];
    let path = scratch("fail-closed-sequence", not_a_key);
    let token = hs256_raw(br#"{"alg":"HS256"}"#, br#"{"sub":"a"}"#, &not_a_key);
    let (code, _, stderr) = run(&["verify", "--key", &path, &token]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!(
            "error: key {path}: the key is DER (an ASN.1 SEQUENCE) but not a supported key \
             (SPKI, PKCS#1, PKCS#8, SEC1 or an X.509 certificate); give --secret-encoding if \
             these bytes really are a secret\n"
        )
    );
    // Explicitly a secret: then it is one (and too short for HS256).
    let (code, _, stderr) = run(&["verify", "--secret-encoding", "raw", "--key", &path, &token]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            Some(1),
            "error: HS256 needs a secret of at least 32 bytes, got 5\n"
        )
    );
}

/// 5. RSA keys with an even public exponent or one below 3 are refused at load.
#[test]
fn rsa_public_exponents_below_3_or_even_are_refused() {
    use openssl::bn::BigNum;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    let real = Rsa::generate(2048).unwrap();
    // With e = 1, "signing" is the identity: the payload's own encoding verifies.
    let token = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256"}"#),
        b64(r#"{"sub":"admin"}"#),
        b64([1u8; 256])
    );
    for (e, label) in [(1u32, "1"), (2, "2"), (65536, "65536")] {
        let jwk = json!({"kty": "RSA", "n": b64(real.n().to_vec()), "e": b64(BigNum::from_u32(e).unwrap().to_vec())});
        let path = scratch("fail-closed-e.json", jwk.to_string());
        let (code, _, stderr) = run(&["verify", "--key", &path, &token]);
        assert_eq!(code, Some(1), "e = {e}");
        assert_eq!(
            stderr,
            format!(
                "error: key {path}: invalid JWK: the RSA public exponent {label} is refused: it must be odd and at least 3\n"
            ),
            "e = {e}"
        );
    }
    // The same key as PEM.
    let weak =
        Rsa::from_public_components(real.n().to_owned().unwrap(), BigNum::from_u32(1).unwrap())
            .unwrap();
    let pem = PKey::from_rsa(weak).unwrap().public_key_to_pem().unwrap();
    let path = scratch("fail-closed-e1.pem", pem);
    let (code, _, stderr) = run(&["verify", "--key", &path, &token]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("the RSA public exponent 1 is refused: it must be odd and at least 3"),
        "{stderr}"
    );
}

/// An RSA private key whose members disagree is refused at load, for every command, and at
/// its cost: no primality proof per load (that made a 16384-bit key take 20 s to read).
#[test]
fn rsa_private_keys_whose_members_disagree_are_refused() {
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    let private = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let pem = String::from_utf8(private.private_key_to_pem_pkcs8().unwrap()).unwrap();
    let good = scratch("fail-closed-rsa.pem", &pem);
    let jwk: Value = serde_json::from_str(&stdout_of(jwtctl().args([
        "keygen",
        "--convert",
        &good,
        "--format",
        "jwk",
    ])))
    .unwrap();
    let token = stdout_of(jwtctl().args(["issue", "--key", &good, "--alg", "RS256", "--sub", "a"]));
    jwtctl()
        .args(["verify", "--key", &good, token.trim()])
        .assert()
        .success();
    // The same holds for PEM, which OpenSSL reads without looking at the numbers.
    let rsa = private.rsa().unwrap();
    let mut dq = rsa.dmq1().unwrap().to_owned().unwrap();
    dq.add_word(2).unwrap();
    let broken = Rsa::from_private_components(
        rsa.n().to_owned().unwrap(),
        rsa.e().to_owned().unwrap(),
        rsa.d().to_owned().unwrap(),
        rsa.p().unwrap().to_owned().unwrap(),
        rsa.q().unwrap().to_owned().unwrap(),
        rsa.dmp1().unwrap().to_owned().unwrap(),
        dq,
        rsa.iqmp().unwrap().to_owned().unwrap(),
    )
    .unwrap();
    let pem = PKey::from_rsa(broken)
        .unwrap()
        .private_key_to_pem_pkcs8()
        .unwrap();
    let path = scratch("fail-closed-rsa-bad.pem", pem);
    let (code, stdout, stderr) = run(&["verify", "--key", &path, token.trim()]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            Some(1),
            "",
            format!("error: key {path}: the RSA private key is inconsistent\n").as_str()
        )
    );
    for member in ["n", "d", "p", "dq", "qi"] {
        let mut bad = jwk.clone();
        let text = bad[member].as_str().unwrap().to_string();
        // A different last character: a different number, still base64url.
        let last = if text.ends_with('A') { "Q" } else { "A" };
        bad[member] = json!(format!("{}{last}", &text[..text.len() - 1]));
        let path = scratch("fail-closed-rsa-bad.json", bad.to_string());
        for args in [
            vec!["verify", "--key", &path, token.trim()],
            vec!["issue", "--key", &path, "--alg", "RS256", "--sub", "a"],
        ] {
            let (code, stdout, stderr) = run(&args);
            assert_eq!(
                (code, stdout.as_str(), stderr.as_str()),
                (
                    Some(1),
                    "",
                    format!(
                        "error: key {path}: invalid JWK: the RSA private key is inconsistent\n"
                    )
                    .as_str()
                ),
                "{member} changed: {args:?}"
            );
        }
    }
}

/// 7. --json prints one document whatever the outcome, with the failure's class.
#[test]
fn json_reports_every_outcome() {
    let (key, secret) = hs_key();
    let expired = hs256_raw(
        br#"{"alg":"HS256"}"#,
        br#"{"sub":"a","exp":1600000000}"#,
        &secret,
    );
    let forged = hs256_raw(
        br#"{"alg":"HS256"}"#,
        br#"{"sub":"a"}"#,
        b"not the key, but long enough!!!!",
    );
    let cases = [
        (expired.as_str(), 5, "claims_rejected", "exp"),
        (forged.as_str(), 4, "not_authentic", "signature"),
        ("not-a-token", 3, "malformed", ""),
    ];
    for (token, code, class, failed_check) in cases {
        let out = jwtctl()
            .args(["verify", "--json", "--now", NOW, "--key", &key, token])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{class}");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["valid"], false);
        assert_eq!(doc["class"], class);
        assert_eq!(
            format!("error: {}\n", doc["error"].as_str().unwrap()),
            String::from_utf8_lossy(&out.stderr)
        );
        match class {
            "malformed" => {
                assert_eq!(doc["header"], Value::Null);
                assert_eq!(doc["checks"], json!([]));
            }
            _ => {
                assert_eq!(doc["header"], json!({"alg": "HS256"}));
                let last = doc["checks"].as_array().unwrap().last().unwrap().clone();
                assert_eq!(
                    (last["check"].as_str(), last["result"].as_str()),
                    (Some(failed_check), Some("failed"))
                );
            }
        }
        // Claims are shown only when they were authentic.
        let claims_shown = doc["claims"] != Value::Null;
        assert_eq!(claims_shown, class == "claims_rejected", "{class}");
    }
    // decrypt too.
    let dir = for_alg("dir");
    let out = jwtctl()
        .args(["decrypt", "--json", "--key", &dir, &expired])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&doc["valid"], &doc["class"]),
        (&json!(false), &json!("malformed"))
    );
}

/// 8. A kid that is not a string never widens the search through a JWK Set.
#[test]
fn a_kid_that_is_not_a_string_is_malformed() {
    let (key, secret) = hs_key();
    let mut jwk = keycache::jwk(&key);
    jwk["kid"] = json!("1");
    let set = scratch("fail-closed-set.json", json!({"keys": [jwk]}).to_string());
    for kid in ["1", "[\"1\"]", "{}", "null"] {
        let header = format!(r#"{{"alg":"HS256","kid":{kid}}}"#);
        let token = hs256_raw(header.as_bytes(), br#"{"sub":"a"}"#, &secret);
        assert_eq!(
            run(&["verify", "--key", &set, &token]),
            (
                Some(3),
                String::new(),
                "error: header \"kid\" is not a string\n".to_string()
            ),
            "{kid}"
        );
    }
}

/// 9. A KEY that is neither a file nor a recognised form may be a secret: never echoed.
#[test]
fn a_key_argument_that_is_no_file_is_not_echoed() {
    let (_, secret) = hs_key();
    let token = hs256_raw(br#"{"alg":"HS256"}"#, br#"{"sub":"a"}"#, &secret);
    let typed = "correct-horse-battery-staple-0123456789";
    for command in ["verify", "inspect"] {
        let (code, stdout, stderr) = run(&[command, "--key", typed, &token]);
        assert_eq!(code, Some(1), "{command}");
        assert!(stdout.is_empty());
        assert_eq!(
            stderr,
            "error: the KEY given is not an existing file, nor env:NAME, -, prompt or a key URL (its value is not shown: it may be a secret)\n"
        );
    }
}

/// 10. A dir key made for one enc records it and is used with it only.
#[test]
fn dir_keys_keep_their_enc() {
    let key = key(&["--alg", "dir", "--enc", "A128CBC-HS256"]);
    let jwk = keycache::jwk(&key);
    assert_eq!(
        (&jwk["alg"], &jwk["enc"]),
        (&json!("dir"), &json!("A128CBC-HS256"))
    );
    let token = stdout_of(jwtctl().args(["issue", "--key", &key, "--sub", "a"]));
    let header: Value =
        serde_json::from_slice(&forge::unb64(token.split('.').next().unwrap())).unwrap();
    assert_eq!(header["enc"], "A128CBC-HS256");
    assert_eq!(run(&["decrypt", "--key", &key, token.trim()]).0, Some(0));
    // The same 32 bytes used as an A256GCM key: refused, on both sides.
    let secret = keycache::secret(&key);
    let gcm = dir_gcm(
        &secret,
        &json!({"alg": "dir", "enc": "A256GCM"}),
        br#"{"sub":"admin"}"#,
        &[3; 12],
    );
    assert_eq!(
        run(&["decrypt", "--key", &key, &gcm]),
        (
            Some(4),
            String::new(),
            "error: the token's enc A256GCM does not fit the key: this key is for dir with A128CBC-HS256 (its \"enc\"), not A256GCM\n".to_string()
        )
    );
    let (code, _, stderr) = run(&["issue", "--key", &key, "--enc", "A256GCM"]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            Some(1),
            "error: this key is for dir with A128CBC-HS256 (its \"enc\"), not A256GCM\n"
        )
    );
}

/// The RSA key of this binary must stay usable: the e check refuses weak keys only.
#[test]
fn ordinary_rsa_keys_still_load() {
    let rsa = rsa();
    let token = stdout_of(jwtctl().args(["issue", "--key", &rsa, "--alg", "RS256", "--sub", "a"]));
    assert_eq!(run(&["verify", "--key", &rsa, token.trim()]).0, Some(0));
}
