//! `inspect --scan` finds JSON-serialized tokens (RFC 7515/7516 §7.2): one per line of a
//! log, nested in a JSON log line, or escaped inside a HAR entry's string; rows say
//! `JWS(json)`/`JWE(json)` and JSON Lines carry `"serialization"`.

use std::process::Stdio;

use crate::common;

use common::*;
use serde_json::{Value, json};

const NOW: &str = "1700000000";

/// Tokens python-jwcrypto made (tests/fixtures/jwcrypto/make.py --json).
fn flat_hs256() -> String {
    fixture_text("jwcrypto/json-hs256.flat.json")
        .trim()
        .to_string()
}
fn general_jwe() -> String {
    fixture_text("jwcrypto/json-a256kw-rsa-oaep-256.general.json")
        .trim()
        .to_string()
}
fn general_jws() -> String {
    fixture_text("jwcrypto/json-es256-hs256.general.json")
        .trim()
        .to_string()
}
fn compact_hs256() -> String {
    fixture_text("jwcrypto/hs256.jwt").trim().to_string()
}

/// A log with a flattened JWS line, a general JWE line, a compact token, a general JWS in
/// a JSON log line and a flattened JWS escaped in a HAR entry's text.
fn log() -> String {
    format!(
        "INFO acme request {}\n\
         DEBUG body={} end\n\
         auth: Bearer {}\n\
         {{\"ts\":1,\"req\":{{\"body\":{}}}}}\n\
         \x20     \"text\": {},\n\
         {{\"payload\":\"eyJ9\",\"note\":\"no signature: not a token\"}}\n",
        flat_hs256(),
        general_jwe(),
        compact_hs256(),
        general_jws(),
        serde_json::to_string(&flat_hs256()).unwrap(),
    )
}

fn scan(args: &[&str], input: &str) -> String {
    stdout_of(
        jwtctl()
            .args(["inspect", "--now", NOW])
            .args(args)
            .args(["--scan", input]),
    )
}

#[test]
fn json_tokens_are_listed_with_their_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "app.log", log());
    let out = scan(&[], &path);
    let expires = "jwcrypto\talice\texpires in 27806d 1h";
    let (hs, es) = ("lifetime:long,alg:symmetric", "lifetime:long");
    let expected = [
        format!("{path}:1\tJWS(json)\tHS256\ths256\t{expires}\t{hs}"),
        format!(
            "{path}:2\tJWE(json)\tA256KW/A256GCM\ta256kw-a256cbc-hs512\t-\t-\tencrypted\theader:jku,alg:symmetric"
        ),
        format!("{path}:3\tJWS\tHS256\ths256\t{expires}\t{hs}"),
        format!("{path}:4\tJWS(json)\tES256\tes256\t{expires}\t{es}"),
        format!("{path}:5\tJWS(json)\tHS256\ths256\t{expires}\t{hs}"),
    ];
    assert_eq!(out, expected.join("\n") + "\n");
    // Every read size finds the same rows.
    for size in ["1", "7", "64", "1000"] {
        let again = stdout_of(
            jwtctl()
                .env("JWTCTL_SCAN_READ_SIZE", size)
                .args(["inspect", "--now", NOW, "--scan", &path]),
        );
        assert_eq!(again, out, "read size {size}");
    }
}

#[test]
fn json_lines_name_the_serialization() {
    let dir = tempfile::tempdir().unwrap();
    let text = log();
    let path = write(dir.path(), "app.log", &text);
    let out = stdout_of(jwtctl().args([
        "--json",
        "inspect",
        "--now",
        NOW,
        "--show-token",
        "--scan",
        &path,
    ]));
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!([
                r["line"],
                r["offset"],
                r["type"],
                r["serialization"],
                r["alg"],
                r["enc"],
                r["kid"],
                r["sub"]
            ])
        })
        .collect();
    let at = |needle: &str| text.find(needle).unwrap();
    let har = text.find("\"text\": \"").unwrap() + "\"text\": \"".len();
    assert_eq!(
        summary,
        [
            json!([
                1,
                at(&flat_hs256()),
                "JWS",
                "flattened",
                "HS256",
                null,
                "hs256",
                "alice"
            ]),
            json!([
                2,
                at(&general_jwe()),
                "JWE",
                "general",
                "A256KW",
                "A256GCM",
                "a256kw-a256cbc-hs512",
                null
            ]),
            json!([
                3,
                at(&compact_hs256()),
                "JWS",
                null,
                "HS256",
                null,
                "hs256",
                "alice"
            ]),
            json!([
                4,
                at(&general_jws()),
                "JWS",
                "general",
                "ES256",
                null,
                "es256",
                "alice"
            ]),
            json!([5, har, "JWS", "flattened", "HS256", null, "hs256", "alice"]),
        ]
    );
    // The token shown is the JSON text (decoded from the HAR string), its sha256 over it.
    assert_eq!(rows[0]["token"], flat_hs256());
    assert_eq!(rows[4]["token"], flat_hs256());
    use sha2::Digest;
    assert_eq!(
        rows[1]["sha256"],
        hex::encode(sha2::Sha256::digest(general_jwe().as_bytes()))
    );
    // --unique folds the flattened JWS seen raw and in the HAR string.
    let unique = stdout_of(jwtctl().args(["inspect", "--now", NOW, "--unique", "--scan", &path]));
    assert!(
        unique.starts_with(&format!("2\t{path}:1\tJWS(json)\tHS256")),
        "{unique}"
    );
}

#[test]
fn a_key_checks_json_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "app.log", log());
    let hs = private_fixture("jwcrypto/hs256.key.json");
    let out = scan(&["--key", &hs], &path);
    let verdicts: Vec<&str> = out.lines().map(|l| l.split('\t').nth(7).unwrap()).collect();
    // The general JWS's second signature is HS256 under this key: one valid is enough.
    assert_eq!(
        verdicts,
        ["valid", "invalid", "valid", "valid", "valid"],
        "{out}"
    );
    // A recipient of the general JWE decrypts with its key, and its claims are listed.
    let kw = private_fixture("jwcrypto/a256kw-a256cbc-hs512.key.json");
    let out = stdout_of(jwtctl().args([
        "--json", "inspect", "--now", NOW, "--key", &kw, "--scan", &path,
    ]));
    let jwe: Value = serde_json::from_str(out.lines().nth(1).unwrap()).unwrap();
    assert_eq!(
        (
            jwe["valid"].clone(),
            jwe["sub"].clone(),
            jwe["exp_status"].clone()
        ),
        (json!(true), json!("alice"), json!("expires in 27806d 1h"))
    );
    let first: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["valid"], false);
    assert!(first["error"].as_str().unwrap().contains("key"), "{first}");
}

/// A 160 MiB line of `{"payload":"eyJ…"` noise streamed through stdin, then a flattened JWS
/// on the next line: once the noise is written (all but a pipe's worth of it read), the
/// scanner's peak resident memory is far below the line's size, and the token is found.
#[test]
fn a_huge_line_of_json_noise_in_bounded_memory() {
    use std::io::Write;
    let bin = assert_cmd::cargo::cargo_bin("jwtctl");
    let mut child = std::process::Command::new(bin)
        .args(["inspect", "--now", NOW, "--scan"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let unit = "{\"payload\":\"eyJhbGciOiJIUzI1NiJ9\",\"protected\":\"eyJhbGc\", ";
    let chunk = unit.repeat(1024 * 1024 / unit.len());
    for _ in 0..160 {
        stdin.write_all(chunk.as_bytes()).unwrap();
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    stdin
        .write_all(format!("\n{}\n", flat_hs256()).as_bytes())
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(peak_kib < 64 * 1024, "peak {peak_kib} KiB");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "-:2\tJWS(json)\tHS256\ths256\tjwcrypto\talice\texpires in 27806d 1h\tlifetime:long,alg:symmetric\n"
    );
}
