//! Everyday use (issue 14): the friction a new user hits in the first hour — pasted text
//! around tokens, file names given as tokens, kids in refusals, weak sample keys, time
//! flags in every form, quiet and claims-only output.

use crate::common;
use crate::keycache;

use common::*;
use keycache::{for_alg, key, scratch};
use serde_json::{Value, json};

const NOW: &str = "1700000000";

fn issue(args: &[&str]) -> String {
    stdout_of(jwtctl().arg("issue").args(args).args(["--now", NOW]))
        .trim_end()
        .to_string()
}

#[test]
fn verify_and_decrypt_take_the_text_inspect_takes() {
    let sig = for_alg("ES256");
    let jws = issue(&["--key", &sig, "--sub", "alice"]);
    let enc = for_alg("A256KW");
    let jwe = issue(&["--key", &enc, "--sub", "bob"]);
    let wrappings = |t: &str| {
        vec![
            format!("Bearer {t}"),
            format!("Authorization: Bearer {t}\r\n"),
            format!("  \"{t}\"  \n"),
            format!("'{t}'"),
            format!("https://app.example/cb?state=x&access_token={t}&y=1"),
            format!("https://app.example/cb#id_token={t}"),
            format!("Cookie: theme=dark; session={t}; lang=en"),
        ]
    };
    for text in wrappings(&jws) {
        // As an argument and on stdin.
        let out = stdout_of(jwtctl().args(["verify", "--key", &sig, "--now", NOW, &text]));
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap()["sub"],
            "alice",
            "{text}"
        );
        let out = stdout_of(
            jwtctl()
                .args(["verify", "--key", &sig, "--now", NOW])
                .write_stdin(text.clone()),
        );
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap()["sub"],
            "alice",
            "{text}"
        );
    }
    for text in wrappings(&jwe) {
        let out = stdout_of(jwtctl().args(["decrypt", "--key", &enc, "--now", NOW, &text]));
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap()["sub"],
            "bob",
            "{text}"
        );
    }
    // Text with no token in it is still refused as malformed.
    refused_by(
        "verify",
        &["--key", &sig, "Bearer nothing-here"],
        3,
        "expected 3 parts (JWS) or 5 parts (JWE), found 1",
    );
}

#[test]
fn a_file_name_given_as_the_token_is_read() {
    let sig = for_alg("HS256");
    let jws = issue(&["--key", &sig, "--sub", "from-file"]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "token.txt", format!("{jws}\n"));
    let headers = write(
        dir.path(),
        "req.txt",
        format!("GET / HTTP/1.1\r\nAuthorization: Bearer {jws}\r\n\r\n"),
    );
    for path in [&file, &headers] {
        let out = stdout_of(jwtctl().args(["verify", "--key", &sig, "--now", NOW, path]));
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap()["sub"],
            "from-file"
        );
        let doc = json_of(jwtctl().args(["inspect", "--json", "--now", NOW, path]));
        assert_eq!(doc["claims"]["sub"], "from-file");
    }
    // A file that holds no token says what it lacks; a missing file is not read.
    let empty = write(dir.path(), "notes.txt", "nothing to see\n");
    refused_by(
        "inspect",
        &[&empty],
        3,
        "expected 3 parts (JWS) or 5 parts (JWE), found 1",
    );
    refused_by(
        "inspect",
        &["missing.txt"],
        3,
        "expected 3 parts (JWS) or 5 parts (JWE), found 2",
    );
    // A file over the size limit is refused before it is read whole.
    let big = write(dir.path(), "big.log", "x".repeat(200_000));
    refused_by(
        "inspect",
        &["--max-token-size", "1000", &big],
        3,
        &format!(
            "token file {big} is over the limit of 1000 bytes (raise it with --max-token-size, \
             or use inspect --scan to find every token in a large file)"
        ),
    );
}

#[test]
fn wrong_key_refusals_name_the_kids() {
    let signer = key(&["--alg", "ES256", "--kid", "ohq9"]);
    let other = key(&["--alg", "ES256", "--kid", "Qp2w"]);
    let token = issue(&["--key", &signer]);
    refused_by(
        "verify",
        &["--key", &other, "--now", NOW, &token],
        4,
        "signature does not verify (ES256): the token's kid is \"ohq9\", the key's is \"Qp2w\"",
    );
    // A key without a kid (a PEM file) says so.
    let pem = stdout_of(jwtctl().args(["keygen", "--public", &other, "--format", "pem"]));
    let pem = scratch("everyday-qp2w.pem", pem);
    refused_by(
        "verify",
        &["--key", &pem, "--now", NOW, &token],
        4,
        "signature does not verify (ES256): the token's kid is \"ohq9\", the key has none",
    );
    // An algorithm mismatch names them too.
    let hs = key(&["--alg", "HS256", "--kid", "hs-1"]);
    refused_by(
        "verify",
        &["--key", &hs, "--now", NOW, &token],
        4,
        "the token asks for ES256, but only HS256 is allowed: the token's kid is \"ohq9\", the key's is \"hs-1\"",
    );
    // A JWK Set of another key type: the kid miss is the answer, not the algorithm.
    let rsa = key(&["--alg", "RS256", "--kid", "py-1"]);
    let set = scratch(
        "everyday-set.json",
        json!({"keys": [keycache::public_jwk(&rsa), keycache::public_jwk(&other)]}).to_string(),
    );
    refused_by(
        "verify",
        &["--key", &set, "--now", NOW, &token],
        4,
        "the JWK Set has no key with kid \"ohq9\" (it has \"py-1\", \"Qp2w\")",
    );
    let doc: Value = serde_json::from_slice(
        &jwtctl()
            .args(["verify", "--json", "--key", &set, "--now", NOW, &token])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(doc["checks"][0]["check"], "key");
    assert_eq!(doc["checks"][0]["result"], "failed");
    // Matching kids explain nothing, so a bad signature under the right kid says only that.
    let tampered = {
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let sig = parts[2].clone();
        parts[2] = crate::forge::flip_first(&sig);
        parts.join(".")
    };
    refused_by(
        "verify",
        &["--key", &signer, "--now", NOW, &tampered],
        4,
        "signature does not verify (ES256)",
    );
    // decrypt: the wrong key names both kids.
    let enc = key(&["--alg", "A256KW", "--kid", "enc-1"]);
    let wrong = key(&["--alg", "A256KW", "--kid", "enc-2"]);
    let jwe = issue(&["--key", &enc]);
    refused_by(
        "decrypt",
        &["--key", &wrong, "--now", NOW, &jwe],
        4,
        "decryption failed: the token's kid is \"enc-1\", the key's is \"enc-2\"",
    );
}

/// jwt.io's sample token, signed with its sample secret `your-256-bit-secret` (19 bytes).
const JWTIO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const HS_FLOOR: &str = "HS256 needs a secret of at least 32 bytes, got 19";

#[test]
fn allow_weak_key_verifies_the_jwt_io_example_with_a_warning() {
    let verify = |extra: &[&str]| {
        let mut cmd = jwtctl();
        cmd.args(["verify", JWTIO, "--key", "env:SECRET"])
            .args(extra)
            .env("SECRET", "your-256-bit-secret");
        cmd
    };
    // Refused by default, as before.
    verify(&[])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("error: {HS_FLOOR}\n"));
    // Accepted with the flag: a warning, and the checks say "weak".
    let out = verify(&["--allow-weak-key"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let claims: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(claims["name"], "John Doe");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with(&format!(
        "warning: weak key: {HS_FLOOR} (accepted with --allow-weak-key)\nverified; checks:\n"
    )));
    assert!(stderr.contains(&format!(
        "\n  weak         key strength    {HS_FLOOR} (accepted with --allow-weak-key)\n"
    )));
    let doc = json_of(&mut verify(&["--allow-weak-key", "--json"]));
    assert_eq!(doc["valid"], true);
    assert_eq!(
        doc["checks"][2],
        json!({"check": "key strength", "result": "weak",
               "detail": format!("{HS_FLOOR} (accepted with --allow-weak-key)")})
    );
    // The flag does not make a wrong secret right.
    verify(&["--allow-weak-key"])
        .env("SECRET", "not-the-secret")
        .assert()
        .code(4)
        .stdout("")
        .stderr("error: signature does not verify (HS256)\n");
    // An empty secret is no key, weak or not.
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty", "");
    jwtctl()
        .args(["verify", JWTIO, "--allow-weak-key", "--key", &empty])
        .assert()
        .code(1)
        .stdout("");
    // Never for issue, keygen or serve.
    for args in [
        vec!["issue", "--key", "env:SECRET", "--allow-weak-key"],
        vec!["keygen", "--alg", "HS256", "--allow-weak-key"],
        vec![
            "serve",
            "--ephemeral-key",
            "--users",
            "u",
            "--allow-weak-key",
        ],
    ] {
        let out = jwtctl()
            .args(&args)
            .env("SECRET", "your-256-bit-secret")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("unexpected argument '--allow-weak-key' found"),
            "{args:?}"
        );
    }
}

#[test]
fn inspect_says_key_refused_and_accepts_a_weak_key_when_allowed() {
    let out = jwtctl()
        .args(["inspect", JWTIO, "--key", "env:SECRET", "--color", "never"])
        .env("SECRET", "your-256-bit-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!("\nWith key key refused: {HS_FLOOR}\n")),
        "{stdout}"
    );
    let doc = json_of(
        jwtctl()
            .args(["inspect", "--json", JWTIO, "--key", "env:SECRET"])
            .env("SECRET", "your-256-bit-secret"),
    );
    assert_eq!(doc["verification"]["valid"], false);
    assert_eq!(doc["verification"]["key_refused"], true);
    let out = jwtctl()
        .args(["inspect", JWTIO, "--key", "env:SECRET", "--allow-weak-key"])
        .args(["--color", "never"])
        .env("SECRET", "your-256-bit-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!(
            "\nWith key signature ok (HS256 with a secret (19 bytes)); key strength weak \
             ({HS_FLOOR} (accepted with --allow-weak-key))\n"
        )),
        "{stdout}"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("warning: weak key: {HS_FLOOR} (accepted with --allow-weak-key)\n")
    );
    // A wrong signature still reads "not valid".
    let out = jwtctl()
        .args(["inspect", JWTIO, "--key", "env:SECRET", "--allow-weak-key"])
        .args(["--color", "never"])
        .env("SECRET", "another-short-one")
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("\nWith key not valid: signature does not verify (HS256)\n")
    );
}

/// An RS256 or PS256 token signed with OpenSSL under a fresh RSA-1024 key, and the PEM of
/// its public half.
fn rsa_1024_token(alg: &str) -> (String, String) {
    use base64::Engine;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::{Padding, Rsa};
    use openssl::sign::{RsaPssSaltlen, Signer};
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let rsa = Rsa::generate(1024).unwrap();
    let pkey = PKey::from_rsa(rsa).unwrap();
    let input = format!(
        "{}.{}",
        b64(json!({"alg": alg, "kid": "legacy"}).to_string().as_bytes()),
        b64(br#"{"sub":"legacy-user"}"#)
    );
    let mut signer = Signer::new(MessageDigest::sha256(), &pkey).unwrap();
    if alg == "PS256" {
        signer.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
        signer.set_rsa_mgf1_md(MessageDigest::sha256()).unwrap();
        signer
            .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
            .unwrap();
    }
    let signature = signer.sign_oneshot_to_vec(input.as_bytes()).unwrap();
    let public = String::from_utf8(pkey.public_key_to_pem().unwrap()).unwrap();
    (format!("{input}.{}", b64(&signature)), public)
}

#[test]
fn allow_weak_key_verifies_rsa_1024_through_openssl() {
    let dir = tempfile::tempdir().unwrap();
    for alg in ["RS256", "PS256"] {
        let (token, public) = rsa_1024_token(alg);
        let key = write(dir.path(), &format!("{alg}.pem"), public);
        let floor = format!("{alg} needs an RSA key of at least 2048 bits, got 1024");
        refused_by("verify", &["--key", &key, &token], 1, &floor);
        let doc = json_of(jwtctl().args([
            "verify",
            "--json",
            "--allow-weak-key",
            "--key",
            &key,
            &token,
        ]));
        assert_eq!(doc["claims"]["sub"], "legacy-user", "{alg}");
        assert_eq!(doc["checks"][2]["check"], "key strength");
        assert_eq!(doc["checks"][2]["result"], "weak");
        // Tampered: refused, flag or not.
        let forged = token.replace(".eyJ", ".eyK");
        let out = jwtctl()
            .args(["verify", "--allow-weak-key", "--key", &key, &forged])
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0), "{alg}");
        let mut parts: Vec<&str> = token.split('.').collect();
        let other = rsa_1024_token(alg).0;
        parts[2] = other.split('.').nth(2).unwrap();
        let forged = parts.join(".");
        jwtctl()
            .args(["verify", "--allow-weak-key", "--key", &key, &forged])
            .assert()
            .code(4)
            .stdout("")
            .stderr(format!(
                "error: signature does not verify ({alg}): the token's kid is \"legacy\", the key has none\n"
            ));
    }
}

#[test]
fn quiet_prints_nothing_on_success_and_only_the_error_on_failure() {
    let sig = for_alg("HS256");
    let token = issue(&["--key", &sig, "--sub", "q", "--exp", "1h"]);
    jwtctl()
        .args(["verify", "-q", "--key", &sig, "--now", NOW, &token])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    jwtctl()
        .args([
            "verify",
            "--quiet",
            "--key",
            &sig,
            "--now",
            "1800000000",
            &token,
        ])
        .assert()
        .code(5)
        .stdout("");
    let enc = for_alg("A256KW");
    let jwe = issue(&["--key", &enc]);
    jwtctl()
        .args(["decrypt", "--quiet", "--key", &enc, "--now", NOW, &jwe])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let out = jwtctl()
        .args(["verify", "--quiet", "--json", "--key", &sig, &token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn inspect_claims_prints_the_claims_alone_and_decode_encode_are_aliases() {
    let sig = for_alg("HS256");
    // encode is issue, decode is inspect.
    let token = stdout_of(jwtctl().args(["encode", "--key", &sig, "--sub", "al", "--now", NOW]));
    let out = stdout_of(jwtctl().args(["decode", "--claims", token.trim()]));
    assert_eq!(out, "{\n  \"sub\": \"al\",\n  \"iat\": 1700000000\n}\n");
    let out =
        stdout_of(jwtctl().args(["inspect", "--claims", &format!("Bearer {}", token.trim())]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"sub": "al", "iat": 1_700_000_000})
    );
    // A JWE: its claims need the key.
    let enc = for_alg("A256KW");
    let jwe = issue(&["--key", &enc, "--sub", "secret-sub"]);
    refused_by(
        "inspect",
        &["--claims", &jwe],
        2,
        "the claims of a JWE are encrypted: give --key KEY to decrypt them",
    );
    let out = stdout_of(jwtctl().args(["inspect", "--claims", "--key", &enc, &jwe]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["sub"],
        "secret-sub"
    );
    // --claims and --json exclude each other.
    jwtctl()
        .args(["inspect", "--claims", "--json", &jwe])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn every_time_flag_takes_the_same_forms() {
    let sig = for_alg("HS256");
    let now = jwtctl_now();
    // --now as a separate argument and with =, a signed duration from the clock.
    for args in [vec!["--now", "-3h"], vec!["--now=-3h"]] {
        let token = stdout_of(
            jwtctl()
                .args(["issue", "--key", &sig, "--no-iat", "--exp", "1h"])
                .args(&args),
        );
        let exp = serde_json::from_str::<Value>(&stdout_of(jwtctl().args([
            "inspect",
            "--claims",
            token.trim(),
        ])))
        .unwrap()["exp"]
            .as_i64()
            .unwrap();
        // exp = (now - 3h) + 1h = now - 2h.
        assert!(
            (now - 7_200 - 5..=now - 7_200 + 5).contains(&exp),
            "{exp} vs {now}"
        );
        // Expired by now, valid at the pinned now.
        let token = token.trim();
        jwtctl()
            .args(["verify", "-q", "--key", &sig, token])
            .assert()
            .code(5);
        jwtctl()
            .args(["verify", "-q", "--key", &sig, token])
            .args(&args)
            .assert()
            .success();
        jwtctl()
            .args(["decode", "--claims", token])
            .args(&args)
            .assert()
            .success();
    }
    // Bare dates are midnight UTC, for every instant flag.
    let token = issue(&[
        "--key",
        &sig,
        "--exp",
        "2027-01-01",
        "--nbf",
        "2026-12-31",
        "--iat",
        "2026-12-30",
    ]);
    let claims: Value =
        serde_json::from_str(&stdout_of(jwtctl().args(["inspect", "--claims", &token]))).unwrap();
    assert_eq!(
        claims,
        json!({"exp": 1_798_761_600, "nbf": 1_798_675_200, "iat": 1_798_588_800})
    );
    jwtctl()
        .args(["verify", "-q", "--key", &sig, "--now", "2026-12-31", &token])
        .assert()
        .success();
    refused_by(
        "verify",
        &["--key", &sig, "--now", "2027-01-01", &token],
        5,
        "token expired at 2027-01-01T00:00:00Z (0s ago)",
    );
    // --leeway: a sign is read, and a negative span is refused by name (not by clap).
    jwtctl()
        .args([
            "verify",
            "-q",
            "--key",
            &sig,
            "--now",
            "2027-01-01",
            "--leeway",
            "+5s",
            &token,
        ])
        .assert()
        .success();
    refused_by(
        "verify",
        &["--key", &sig, "--leeway", "-5s", &token],
        2,
        "duration \"-5s\" is negative: a span of time here has no direction",
    );
    refused_by(
        "verify",
        &["--key", &sig, "--now", "2027-02-30", &token],
        2,
        "invalid --now \"2027-02-30\": expected a duration (15m, -3h), an RFC 3339 date-time, a date \
         (2027-01-01) or Unix seconds",
    );
}

fn jwtctl_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn issue_batch_says_what_is_wrong_with_a_line_in_plain_words() {
    let sig = for_alg("HS256");
    let input =
        "{\"sub\":\"a\"}\n\n{sub:\"b\"}\n{\"sub\":\"c\",}\n{\"a\":tru}\n{\"sub\":\"x\"\n   \n";
    let out = jwtctl()
        .args(["issue", "--batch", "--key", &sig, "--now", NOW])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.split('\n').collect();
    assert_eq!(lines.len(), 8, "{stdout}");
    assert!(lines[0].starts_with("eyJ"));
    assert!(lines[1..].iter().all(|l| l.is_empty()));
    let blank = "the line is blank: give a JSON object of claims, e.g. {\"sub\":\"alice\"} ({} for the flags' claims alone)";
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: line 2: {blank}\n\
             error: line 3: the line is not valid JSON: a member name without double quotes (write {{\"sub\":\"alice\"}})\n\
             error: line 4: the line is not valid JSON: a comma after the last member\n\
             error: line 5: the line is not valid JSON: a bare word where a value belongs (strings need double quotes; the literals are true, false and null)\n\
             error: line 6: the line is not valid JSON: the line ends before the JSON object does\n\
             error: line 7: {blank}\n\
             error: 6 of 7 lines failed; first: line 2\n"
        )
    );
    // --json carries the same words.
    let out = jwtctl()
        .args(["issue", "--batch", "--json", "--key", &sig, "--now", NOW])
        .write_stdin("\n")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc, json!({"line": 1, "error": blank}));
}

#[test]
fn converted_and_extracted_keys_get_a_kid_and_pem_keys_mint_with_their_thumbprint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pem = d.join("es.pem");
    let public_pem = d.join("es.pub.pem");
    let info = json_of(
        jwtctl()
            .args([
                "keygen", "--alg", "ES256", "--format", "pem", "--json", "-o",
            ])
            .arg(&pem)
            .arg("--public-out")
            .arg(&public_pem),
    );
    let thumbprint = info["thumbprint"].as_str().unwrap().to_string();
    let pem = pem.to_str().unwrap();
    let public_pem = public_pem.to_str().unwrap();
    // --public and --convert: --kid names the key, else its thumbprint; --alg and --use apply.
    let jwk: Value = serde_json::from_str(&stdout_of(jwtctl().args([
        "keygen", "--public", public_pem, "--kid", "my-kid", "--alg", "ES256", "--use", "sig",
    ])))
    .unwrap();
    assert_eq!(jwk["kid"], "my-kid");
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["use"], "sig");
    let set: Value = serde_json::from_str(&stdout_of(jwtctl().args([
        "keygen",
        "--convert",
        public_pem,
        "--format",
        "jwks",
    ])))
    .unwrap();
    assert_eq!(set["keys"][0]["kid"], thumbprint.as_str());
    refused_by(
        "keygen",
        &["--public", public_pem, "--alg", "RS256"],
        2,
        "--alg RS256: RS256 needs an RSA key, got an EC public key (P-256)",
    );
    // A token minted with the PEM carries the thumbprint kid, which the set finds.
    let token = issue(&["--key", pem, "--alg", "ES256", "--sub", "pem"]);
    let header = json_of(jwtctl().args(["inspect", "--json", &token]))["header"].clone();
    assert_eq!(header["kid"], thumbprint.as_str());
    let set_file = scratch("everyday-es-set.json", set.to_string());
    jwtctl()
        .args(["verify", "-q", "--key", &set_file, "--now", NOW, &token])
        .assert()
        .success();
    // --no-kid leaves it out; a raw secret gets none (its thumbprint would hash the secret).
    let bare = issue(&["--key", pem, "--alg", "ES256", "--no-kid"]);
    let header = json_of(jwtctl().args(["inspect", "--json", &bare]))["header"].clone();
    assert_eq!(header, json!({"alg": "ES256", "typ": "JWT"}));
    let secret = write(d, "secret", "a raw secret of at least thirty-two bytes!");
    let hs = issue(&["--key", &secret, "--alg", "HS256"]);
    let header = json_of(jwtctl().args(["inspect", "--json", &hs]))["header"].clone();
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
}

#[test]
fn keygen_public_of_several_keys_makes_one_public_set() {
    let a = key(&["--alg", "ES256", "--kid", "a"]);
    let b = key(&["--alg", "RS256", "--kid", "b"]);
    let dir = tempfile::tempdir().unwrap();
    let pem = stdout_of(jwtctl().args(["keygen", "--public", &a, "--format", "pem"]));
    let pem = write(dir.path(), "c.pem", pem);
    let set: Value =
        serde_json::from_str(&stdout_of(jwtctl().args(["keygen", "--public", &a, &b]))).unwrap();
    let kids: Vec<&str> = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["a", "b"]);
    for k in set["keys"].as_array().unwrap() {
        assert!(
            k.get("d").is_none() && k.get("p").is_none(),
            "no private members: {k}"
        );
    }
    // The same key twice (by another route) has one kid twice: refused.
    let out = jwtctl()
        .args(["keygen", "--public", &a, &b, &pem])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a PEM gets its thumbprint, not a's kid"
    );
    refused_by(
        "keygen",
        &["--public", &a, &a],
        2,
        "two keys have kid \"a\"; a JWK Set needs distinct kids",
    );
    refused_by(
        "keygen",
        &["--public", &a, &b, "--kid", "x"],
        2,
        "--kid names one key; with several --public keys each keeps its own kid (or thumbprint)",
    );
    // -o and --public-out naming one file (spelt two ways) is refused before anything is written.
    let same = dir.path().join("same.jwk");
    let dotted = dir.path().join(".").join("same.jwk");
    jwtctl()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(&same)
        .arg("--public-out")
        .arg(&dotted)
        .assert()
        .code(2)
        .stderr("error: -o and --public-out name the same file\n");
    assert!(!same.exists());
}

#[test]
fn scan_walks_directories_reads_gzip_and_can_fail_when_nothing_is_found() {
    use std::io::Write;
    let sig = for_alg("HS256");
    let t1 = issue(&["--key", &sig, "--sub", "one", "--no-kid"]);
    let t2 = issue(&["--key", &sig, "--sub", "two", "--no-kid"]);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    std::fs::create_dir_all(root.join("b/deeper")).unwrap();
    std::fs::write(
        root.join("a.log"),
        format!("GET / Authorization: Bearer {t1}\n"),
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("noise\nBearer {t2}\n").as_bytes())
        .unwrap();
    // Named .txt: gzip is known by its magic bytes, not its name.
    std::fs::write(root.join("b/deeper/rotated.txt"), gz.finish().unwrap()).unwrap();
    // A symlink inside the tree is not followed (it would list a.log twice).
    std::os::unix::fs::symlink(root.join("a.log"), root.join("b/link.log")).unwrap();
    let root_s = root.to_str().unwrap();
    let out = stdout_of(jwtctl().args(["inspect", "--now", NOW, "--scan", root_s]));
    assert_eq!(
        out,
        format!(
            "{root_s}/a.log:1\tJWS\tHS256\t-\t-\tone\tno exp\texp:missing,alg:symmetric\n\
             {root_s}/b/deeper/rotated.txt:2\tJWS\tHS256\t-\t-\ttwo\tno exp\texp:missing,alg:symmetric\n"
        )
    );
    // gzip on stdin too.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("x {t1}\n").as_bytes()).unwrap();
    let out = stdout_of(
        jwtctl()
            .args(["inspect", "--now", NOW, "--scan"])
            .write_stdin(gz.finish().unwrap()),
    );
    assert_eq!(
        out,
        "-:1\tJWS\tHS256\t-\t-\tone\tno exp\texp:missing,alg:symmetric\n"
    );
    // --fail-if-none: exit 1 when nothing was found, 0 otherwise.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("plain.log"), "no tokens here\n").unwrap();
    jwtctl()
        .args([
            "inspect",
            "--fail-if-none",
            "--scan",
            empty.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: no token found in 1 input\n");
    jwtctl()
        .args(["inspect", "--fail-if-none", "--scan", root_s])
        .assert()
        .success();
    // An empty directory is no input at all, never a silent read of stdin.
    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    jwtctl()
        .args([
            "inspect",
            "--fail-if-none",
            "--scan",
            bare.to_str().unwrap(),
        ])
        .write_stdin(format!("{t1}\n"))
        .assert()
        .code(1)
        .stderr("error: no token found in 0 inputs\n");
}

/// A loopback server whose JWK Set can change between requests, with an OpenID Connect
/// discovery document at /.well-known/openid-configuration; counts the JWK Set requests.
fn rotating_server(
    body: std::sync::Arc<std::sync::Mutex<String>>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let jwks_uri = format!("{base}/jwks.json");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(40) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let answer = if request.contains("/.well-known/openid-configuration") {
                format!("{{\"issuer\":\"x\",\"jwks_uri\":\"{jwks_uri}\"}}")
            } else {
                counter.fetch_add(1, Ordering::SeqCst);
                body.lock().unwrap().clone()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (base, hits)
}

#[test]
fn a_jwks_url_is_fetched_again_on_a_kid_miss_and_discovery_finds_the_set() {
    use std::sync::atomic::Ordering;
    let k1 = key(&["--alg", "ES256", "--kid", "rot-1"]);
    let k2 = key(&["--alg", "ES256", "--kid", "rot-2"]);
    let set = |keys: &[&str]| {
        json!({"keys": keys.iter().map(|k| keycache::public_jwk(k)).collect::<Vec<_>>()})
            .to_string()
    };
    let body = std::sync::Arc::new(std::sync::Mutex::new(set(&[&k1])));
    let (base, hits) = rotating_server(body.clone());
    let url = format!("{base}/jwks.json");
    let cache = tempfile::tempdir().unwrap();
    let verify = |token: &str, extra: &[&str]| {
        let mut cmd = jwtctl();
        cmd.args(["verify", "-q", "--now", NOW, "--key", &url, token])
            .args(extra)
            .env("XDG_CACHE_HOME", cache.path());
        cmd
    };
    let t1 = issue(&["--key", &k1]);
    let t2 = issue(&["--key", &k2]);
    verify(&t1, &[]).assert().success();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // The set rotates in a new key. Within a minute of the fetch the cache stands.
    *body.lock().unwrap() = set(&[&k1, &k2]);
    verify(&t2, &[]).assert().code(4).stderr(
        "the JWK Set cached 0s ago has no key with the token's kid; it is fetched again once it \
             is 60s old (--no-cache fetches it now)\n\
             error: the JWK Set has no key with kid \"rot-2\" (it has \"rot-1\")\n",
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // A minute later the miss fetches the set once more, and the new key is found.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(90);
    for entry in std::fs::read_dir(cache.path().join("jwtctl/jwks")).unwrap() {
        let file = std::fs::File::options()
            .write(true)
            .open(entry.unwrap().path())
            .unwrap();
        file.set_modified(old).unwrap();
    }
    verify(&t2, &[]).assert().success();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    verify(&t2, &[]).assert().success();
    assert_eq!(hits.load(Ordering::SeqCst), 2, "cached again");
    // --no-cache always fetches.
    verify(&t2, &["--no-cache"]).assert().success();
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    // OpenID Connect discovery: the document's jwks_uri is followed.
    let discovery = format!("{base}/.well-known/openid-configuration");
    let out = stdout_of(
        jwtctl()
            .args([
                "verify",
                "--now",
                NOW,
                "--no-cache",
                "--key",
                &discovery,
                &t2,
            ])
            .env("XDG_CACHE_HOME", cache.path()),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["iat"],
        1_700_000_000
    );
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    // --issuer URL: the keys by discovery, and iss must be the issuer.
    let by_issuer = issue(&["--key", &k2, "--iss", &base]);
    let out = stdout_of(
        jwtctl()
            .args(["verify", "--now", NOW, "--issuer", &base, &by_issuer])
            .env("XDG_CACHE_HOME", cache.path()),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["iss"],
        base.as_str()
    );
    jwtctl()
        .args(["verify", "--now", NOW, "--issuer", &base, &t2])
        .env("XDG_CACHE_HOME", cache.path())
        .assert()
        .code(5)
        .stdout("");
}

#[test]
fn man_takes_dash_o_for_its_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man");
    std::fs::create_dir(&out).unwrap();
    jwtctl().args(["man", "-o"]).arg(&out).assert().success();
    assert!(out.join("jwtctl.1").is_file());
    assert!(out.join("jwtctl-verify.1").is_file());
}

#[test]
fn first_run_misses_say_what_to_do() {
    jwtctl()
        .args(["verify", "--key", "prompt", JWTIO])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "error: cannot ask for the secret: no terminal (give the key as a file, env:NAME, or - for stdin)\n",
        );
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    let users = users.to_str().unwrap();
    jwtctl()
        .args(["serve", "--ephemeral-key", "--listen", "127.0.0.1:0", "--users", users])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: users file {users} does not exist; create it with: jwtctl serve add-user --users {users} NAME\n"
        ));
}

#[test]
fn man_pages_have_exit_status_environment_files_and_examples() {
    let top = stdout_of(jwtctl().arg("man"));
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH \"ENVIRONMENT\"",
        ".SH \"FILES\"",
        ".SH \"EXAMPLES\"",
    ] {
        assert!(top.contains(section), "{section}");
    }
    assert!(top.contains("XDG_CACHE_HOME"));
    let dir = tempfile::tempdir().unwrap();
    jwtctl()
        .args(["man", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let verify = std::fs::read_to_string(dir.path().join("jwtctl-verify.1")).unwrap();
    let exit = verify.find(".SH \"EXIT STATUS\"").unwrap();
    let examples = verify.find(".SH \"EXAMPLES\"").unwrap();
    let version = verify.find(".SH VERSION").unwrap();
    assert!(exit < examples && examples < version);
    assert!(verify.contains("\\fBjwtctl verify \\-q"), "{verify}");
    // SYNOPSIS shows what each flag takes.
    let synopsis = verify.lines().nth(6).unwrap();
    for shown in [
        "[\\fB\\-\\-key\\fR \\fIKEY\\fR]",
        "[\\fB\\-\\-leeway\\fR \\fIDURATION\\fR]",
        "[\\fB\\-\\-ignore\\-exp\\fR]",
    ] {
        assert!(synopsis.contains(shown), "{shown} in {synopsis}");
    }
    // Every page says what its exit codes mean.
    let keygen = std::fs::read_to_string(dir.path().join("jwtctl-keygen.1")).unwrap();
    assert!(keygen.contains(".SH \"EXIT STATUS\"\n.TP\n0\nsuccess\n"));
}

#[test]
fn inspect_draws_the_validity_window_and_a_status_headline() {
    let sig = for_alg("HS256");
    let live = issue(&[
        "--key", &sig, "--exp", "14m", "--nbf", "-1h", "--iat", "-2h",
    ]);
    let out = stdout_of(jwtctl().args(["inspect", "--color", "never", "--now", NOW, &live]));
    assert!(
        out.contains(
            "\nWindow iat 2h ago ── nbf 1h ago ── now ── exp in 14m\nStatus valid for 14m\n"
        ),
        "{out}"
    );
    let doc = json_of(jwtctl().args(["inspect", "--json", "--now", NOW, &live]));
    assert_eq!(doc["times"]["exp"]["expired"], false);
    assert_eq!(doc["times"]["exp"]["expires_in"], 840);
    assert_eq!(doc["times"]["exp"]["seconds_from_now"], 840);
    assert_eq!(doc["times"]["nbf"]["not_yet_valid"], false);
    assert_eq!(doc["times"]["iat"]["seconds_from_now"], -7200);
    // Expired: the headline says so, and exp == now is expired (now >= exp).
    let out =
        stdout_of(jwtctl().args(["inspect", "--color", "never", "--now", "1700007200", &live]));
    assert!(out.contains("\nStatus EXPIRED 1h 46m ago\n"), "{out}");
    let at_exp =
        stdout_of(jwtctl().args(["inspect", "--color", "never", "--now", "1700000840", &live]));
    assert!(
        at_exp.contains("── exp just now ── now\nStatus EXPIRED 0s ago\n"),
        "{at_exp}"
    );
    let doc = json_of(jwtctl().args(["inspect", "--json", "--now", "1700000840", &live]));
    assert_eq!(doc["times"]["exp"]["expired"], true);
    assert_eq!(doc["times"]["exp"]["expires_in"], 0);
    // Not yet valid, and no exp at all.
    let early = issue(&["--key", &sig, "--nbf", "5m", "--no-iat"]);
    let out = stdout_of(jwtctl().args(["inspect", "--color", "never", "--now", NOW, &early]));
    assert!(
        out.contains("\nWindow now ── nbf in 5m\nStatus NOT YET VALID (valid in 5m)\n"),
        "{out}"
    );
    let forever = issue(&["--key", &sig]);
    let out = stdout_of(jwtctl().args(["inspect", "--color", "never", "--now", NOW, &forever]));
    assert!(
        out.contains("\nStatus valid with no expiry (no exp)\n"),
        "{out}"
    );
}

#[test]
fn issue_dash_o_writes_the_token_to_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let sig = for_alg("HS256");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.jwt");
    let p = path.to_str().unwrap();
    jwtctl()
        .args(["issue", "--key", &sig, "--sub", "ci", "--now", NOW, "-o", p])
        .assert()
        .success()
        .stdout("")
        .stderr(format!("wrote the token to {p}\n"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("eyJ") && text.ends_with('\n'));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The file works as the token (a file name given as TOKEN is read).
    let out = stdout_of(jwtctl().args(["verify", "--key", &sig, "--now", NOW, p]));
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["sub"], "ci");
    // Never over an existing file without --force.
    jwtctl()
        .args(["issue", "--key", &sig, "--sub", "again", "-o", p])
        .assert()
        .code(1)
        .stdout("");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    jwtctl()
        .args(["issue", "--key", &sig, "--sub", "again", "-o", p, "--force"])
        .assert()
        .success();
    assert_ne!(std::fs::read_to_string(&path).unwrap(), text);
}

/// A JWE for an RSA-1024 key made with OpenSSL directly (jwtctl refuses to make one):
/// `alg` RSA-OAEP or RSA-OAEP-256, `enc` A256GCM. Returns the token and the private key PEM.
fn rsa_1024_jwe(alg: &str, plaintext: &[u8]) -> (String, String) {
    use base64::Engine;
    use openssl::encrypt::Encrypter;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::{Padding, Rsa};
    use openssl::symm::{Cipher, encrypt_aead};
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let pkey = PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap();
    let (cek, iv) = ([7u8; 32], [9u8; 12]);
    let md = if alg == "RSA-OAEP" {
        MessageDigest::sha1()
    } else {
        MessageDigest::sha256()
    };
    let mut encrypter = Encrypter::new(&pkey).unwrap();
    encrypter.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    encrypter.set_rsa_oaep_md(md).unwrap();
    encrypter.set_rsa_mgf1_md(md).unwrap();
    let mut wrapped = vec![0; encrypter.encrypt_len(&cek).unwrap()];
    let len = encrypter.encrypt(&cek, &mut wrapped).unwrap();
    wrapped.truncate(len);
    let header = b64(json!({"alg": alg, "enc": "A256GCM", "kid": "legacy"})
        .to_string()
        .as_bytes());
    let mut tag = [0u8; 16];
    let ciphertext = encrypt_aead(
        Cipher::aes_256_gcm(),
        &cek,
        Some(&iv),
        header.as_bytes(),
        plaintext,
        &mut tag,
    )
    .unwrap();
    let token = format!(
        "{header}.{}.{}.{}.{}",
        b64(&wrapped),
        b64(&iv),
        b64(&ciphertext),
        b64(&tag)
    );
    let pem = String::from_utf8(pkey.private_key_to_pem_pkcs8().unwrap()).unwrap();
    (token, pem)
}

#[test]
fn allow_weak_key_decrypts_rsa_1024_through_openssl() {
    let dir = tempfile::tempdir().unwrap();
    for alg in ["RSA-OAEP", "RSA-OAEP-256"] {
        let (token, pem) = rsa_1024_jwe(alg, br#"{"sub":"legacy-user"}"#);
        let key = write(dir.path(), &format!("{alg}.pem"), pem);
        let floor = format!("{alg} needs an RSA key of at least 2048 bits, got 1024");
        refused_by(
            "decrypt",
            &["--allow-unauthenticated", "--key", &key, &token],
            1,
            &floor,
        );
        let out = jwtctl()
            .args([
                "decrypt",
                "--allow-unauthenticated",
                "--allow-weak-key",
                "--key",
                &key,
                &token,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{alg}: {out:?}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "{\n  \"sub\": \"legacy-user\"\n}\n"
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with(&format!(
                "warning: weak key: {floor} (accepted with --allow-weak-key)\ndecrypted; checks:\n"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "\n  weak         key strength    {floor} (accepted with --allow-weak-key)\n"
            )),
            "{stderr}"
        );
        // A changed tag, or a token for another key: not authentic, flag or not.
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        let mut tag = parts[4].clone().into_bytes();
        tag[0] = if tag[0] == b'A' { b'B' } else { b'A' };
        parts[4] = String::from_utf8(tag).unwrap();
        let forged = parts.join(".");
        jwtctl()
            .args([
                "decrypt",
                "--allow-unauthenticated",
                "--allow-weak-key",
                "--key",
                &key,
                &forged,
            ])
            .assert()
            .code(4)
            .stdout("");
        let (other, _) = rsa_1024_jwe(alg, b"{}");
        jwtctl()
            .args([
                "decrypt",
                "--allow-unauthenticated",
                "--allow-weak-key",
                "--key",
                &key,
                &other,
            ])
            .assert()
            .code(4)
            .stdout("")
            .stderr("error: decryption failed: the token's kid is \"legacy\", the key has none\n");
    }
}

#[test]
fn long_bulk_work_prints_no_progress_when_stderr_is_not_a_terminal() {
    // Each run lasts well past the half second after which a terminal would get a progress
    // line (and its inputs are files, whose size gives an ETA there); stderr is a pipe
    // here, so it holds exactly what it holds without progress.
    let dir = tempfile::tempdir().unwrap();
    let key = keygen_file(dir.path(), "HS256", "hs.jwk");
    // Sized for a debug build: each run takes about a second or more.
    let claims: String = (0..100_000)
        .map(|i| format!("{{\"sub\":\"u{i}\"}}\n"))
        .collect();
    let claims = write(dir.path(), "claims.jsonl", claims);
    let minted = jwtctl()
        .args([
            "issue", "--batch", "--key", &key, "--now", NOW, "--exp", "1h",
        ])
        .pipe_stdin(&claims)
        .unwrap()
        .assert()
        .success()
        .stderr("");
    let minted = String::from_utf8_lossy(&minted.get_output().stdout).into_owned();
    let head = |n: usize| -> String { minted.lines().take(n).map(|t| format!("{t}\n")).collect() };
    let tokens = write(dir.path(), "tokens.txt", head(10_000));
    let few = write(dir.path(), "few.txt", head(2_000));
    jwtctl()
        .args(["verify", "--batch", "--key", &key, "--now", NOW])
        .pipe_stdin(&tokens)
        .unwrap()
        .assert()
        .success()
        .stderr("");
    let listed = jwtctl()
        .args(["inspect", "--now", NOW, "--scan", &few])
        .assert()
        .success()
        .stderr("");
    assert_eq!(
        String::from_utf8_lossy(&listed.get_output().stdout)
            .lines()
            .count(),
        2_000
    );
    let words: String = (0..150_000).map(|i| format!("word-{i}\n")).collect();
    let words = write(dir.path(), "words.txt", words);
    let token = issue(&["--key", &key, "--sub", "s"]);
    jwtctl()
        .args(["inspect", "--wordlist", &words, &token])
        .assert()
        .success()
        .stdout("")
        .stderr(format!("no secret in {words} matched (150000 tried)\n"));
}

#[test]
fn a_terminal_gets_a_progress_line_that_is_cleared_at_the_end() {
    // stderr a pseudo-terminal, stdout a pipe: the progress line is drawn on stderr (after
    // half a second: 20 000 tokens take ~3 s in a debug build here, a margin for a faster
    // machine) and erased before the summary; stdout holds the rows alone.
    let dir = tempfile::tempdir().unwrap();
    let key = keygen_file(dir.path(), "HS256", "hs.jwk");
    let claims: String = (0..20_000)
        .map(|i| format!("{{\"sub\":\"u{i}\"}}\n"))
        .collect();
    let minted = jwtctl()
        .args(["issue", "--batch", "--key", &key, "--now", NOW])
        .write_stdin(claims)
        .assert()
        .success();
    let log = write(dir.path(), "app.log", &minted.get_output().stdout);
    // Wide enough for the whole line (the line is cut to the terminal's width).
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 250,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = nix::pty::openpty(Some(&size), None).expect("a pseudo-terminal");
    let mut master = std::fs::File::from(pty.master);
    // Drained while the scan runs, so the terminal's buffer never fills.
    let reader = std::thread::spawn(move || {
        let mut shown = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut master, &mut buf) {
            if n == 0 {
                break;
            }
            shown.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&shown).into_owned()
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args(["inspect", "--now", NOW, "--threads", "1", "--scan", &log])
        .stderr(pty.slave)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 20_000);
    let shown = reader.join().unwrap();
    let (progress, last) = shown.rsplit_once("\r\x1b[2K").expect("a cleared line");
    assert!(progress.contains(&format!("{log}: ")), "{shown:?}");
    assert!(progress.contains(" tokens ("), "{shown:?}");
    assert!(progress.contains(", ETA "), "{shown:?}");
    let size = std::fs::metadata(&log).unwrap().len();
    assert_eq!(
        last,
        format!("scanned 1 input, {size} bytes: 20000 tokens\r\n")
    );
}
