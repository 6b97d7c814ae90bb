//! `verify --batch` / `decrypt --batch` on the prepared-key path: several keys in one set,
//! both worker threads, each token answered by the key that made it, tampered ones refused.

use crate::common;

use common::*;
use serde_json::Value;

/// A JWK Set of the keys in `files`.
fn key_set(dir: &std::path::Path, files: &[&str]) -> String {
    let keys: Vec<Value> = files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    write(
        dir,
        "set.json",
        serde_json::json!({ "keys": keys }).to_string(),
    )
}

fn tamper(token: &str) -> String {
    // The last character of the last part: its low bits change whatever it was.
    let mut token = token.to_string();
    let last = token.pop().unwrap();
    token.push(if last == 'A' { 'Q' } else { 'A' });
    token
}

fn issue_with(key: &str, sub: &str) -> String {
    stdout_of(jwtctl().args(["issue", "--key", key, "--sub", sub, "--exp", "1h"]))
        .trim()
        .to_string()
}

fn kid_of(file: &str) -> String {
    let jwk: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    jwk["kid"].as_str().unwrap().to_string()
}

/// 300 lines: tokens by key a, by key b, and tampered ones, through two threads.
fn check_batch(command: &str, alg: &str, detail: &str, refusal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let a = keygen_file(dir.path(), alg, "a.json");
    let b = keygen_file(dir.path(), alg, "b.json");
    let set = key_set(dir.path(), &[&a, &b]);
    let (by_a, by_b) = (issue_with(&a, "a"), issue_with(&b, "b"));
    let lines: Vec<String> = (0..300)
        .map(|i| match i % 3 {
            0 => by_a.clone(),
            1 => by_b.clone(),
            _ => tamper(&by_a),
        })
        .collect();
    let assert = jwtctl()
        .args([command, "--key", &set, "--batch", "--threads", "2"])
        .write_stdin(lines.join("\n") + "\n")
        .assert()
        .code(4)
        .stderr("error: 100 of 300 lines failed; first: line 3\n");
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let results: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 300);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["line"], i + 1);
        let checks = result["checks"].as_array().unwrap();
        let step = checks.iter().find(|c| c["check"] == detail);
        match i % 3 {
            2 => {
                assert_eq!(result["valid"], false, "line {}", i + 1);
                assert_eq!(result["error"], refusal);
                assert_eq!(result["class"], "not_authentic");
            }
            n => {
                let kid = kid_of(if n == 0 { &a } else { &b });
                assert_eq!(result["valid"], true, "line {}", i + 1);
                let shown = step.unwrap()["detail"].as_str().unwrap().to_string();
                assert!(shown.ends_with(&format!("with key {kid}")), "{shown}");
            }
        }
    }
}

#[test]
fn verify_batch_answers_with_the_key_that_signed_each_token() {
    check_batch(
        "verify",
        "HS256",
        "signature",
        "signature does not verify (HS256)",
    );
    check_batch(
        "verify",
        "ES256",
        "signature",
        "signature does not verify (ES256)",
    );
    check_batch(
        "verify",
        "RS256",
        "signature",
        "signature does not verify (RS256)",
    );
}

#[test]
fn decrypt_batch_answers_with_the_key_that_encrypted_each_token() {
    check_batch("decrypt", "dir", "decryption", "decryption failed");
}
