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

fn kid_of(path: &str) -> String {
    keycache::jwk(path)["kid"].as_str().unwrap().to_string()
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
        parts[2] = format!(
            "{}{}",
            if sig.starts_with('A') { "B" } else { "A" },
            &sig[1..]
        );
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
