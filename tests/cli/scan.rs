//! `jwtctl inspect --scan`: every token in arbitrary text, with file:line, in order, in
//! bounded memory, whatever the read boundaries.

use crate::common;
use crate::forge::b64;

use common::*;
use serde_json::{Value, json};

const NOW: &str = "1700000000";

fn secret() -> &'static [u8] {
    b"a strong secret of more than thirty-two bytes!"
}

/// A JWS with this header and claims, signed with HMAC-SHA256 under `secret`.
fn hs256(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

/// A JWS for subject `sub`, expiring at NOW + `exp_in` (no exp when None).
fn token(sub: &str, exp_in: Option<i64>) -> String {
    let mut claims = json!({"iss": "https://issuer.example", "sub": sub});
    if let Some(delta) = exp_in {
        claims["exp"] = json!(1_700_000_000 + delta);
    }
    hs256(&json!({"alg": "HS256", "kid": "k1"}), &claims, secret())
}

/// A JWE-shaped token (not decryptable: made-up parts).
const JWE: &str =
    "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYxMjM0NTY3ODkw.Y3Q.dGFnMTIzNDU2Nzg5MDEyMw";

fn scan(args: &[&str], stdin: impl Into<Vec<u8>>) -> String {
    stdout_of(
        jwtctl()
            .args(["inspect", "--now", NOW, "--scan"])
            .args(args)
            .write_stdin(stdin),
    )
}

#[test]
fn lists_tokens_in_order_with_file_and_line() {
    let (a, b, c) = (
        token("alice", Some(7200)),
        token("bob", Some(-7200)),
        token("carol", None),
    );
    let log = format!(
        "start\nGET /x Authorization: Bearer {a}\nnothing here\n{{\"t\":\"{b}\"}} and again {a}\n\
         cookie: session={c}; theme=dark\n{JWE}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "app.log", &log);
    let out = scan(&[&path], "");
    let expected = format!(
        "{path}:2\tJWS\tHS256\tk1\thttps://issuer.example\talice\texpires in 2h\talg:symmetric\n\
         {path}:4\tJWS\tHS256\tk1\thttps://issuer.example\tbob\texpired 2h ago\texp:passed,alg:symmetric\n\
         {path}:4\tJWS\tHS256\tk1\thttps://issuer.example\talice\texpires in 2h\talg:symmetric\n\
         {path}:5\tJWS\tHS256\tk1\thttps://issuer.example\tcarol\tno exp\texp:missing,alg:symmetric\n\
         {path}:6\tJWE\tdir/A256GCM\t-\t-\t-\tencrypted\talg:symmetric\n"
    );
    assert_eq!(out, expected);
}

#[test]
fn read_boundaries_never_change_the_result() {
    let t = token("split", Some(60));
    let mut log = String::new();
    for i in 0..40 {
        log.push_str(&format!("line {i} {}{t}\r\n", "x ".repeat(i)));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "crlf.log", &log);
    let whole = scan(&["--json", &path], "");
    assert_eq!(whole.lines().count(), 40);
    for (i, line) in whole.lines().enumerate() {
        let doc: Value = serde_json::from_str(line).unwrap();
        assert_eq!(doc["line"], i + 1, "CRLF lines are counted once");
        assert_eq!(doc["sub"], "split");
    }
    for size in ["1", "2", "3", "7", "64", "100", "333"] {
        let out = stdout_of(
            jwtctl()
                .env("JWTCTL_SCAN_READ_SIZE", size)
                .args(["inspect", "--now", NOW, "--json", "--scan", &path]),
        );
        assert_eq!(out, whole, "read size {size}");
    }
}

#[test]
fn adjacent_joined_and_overlapping_candidates() {
    let (a, b) = (token("a", None), token("b", None));
    let bad_header = format!("eyJhbGciOi{}", &a[a.find('.').unwrap()..]);
    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("{a} {b}"), vec!["a", "b"]),
        (format!("{a},{b}"), vec!["a", "b"]),
        (format!("{a}.{b}"), vec!["a", "b"]),
        (format!("{a}.{JWE}"), vec!["a", "JWE"]),
        (format!("{a}.trailing.words"), vec!["a"]),
        (format!("the token was {a}."), vec!["a"]),
        (format!("x{a}"), vec![]),
        (bad_header.clone(), vec![]),
        (format!("{bad_header} {b}"), vec!["b"]),
        (format!("eyJ.eyJ.eyJ {a}"), vec!["a"]),
        (format!("'{a}'\"{b}\""), vec!["a", "b"]),
    ];
    for (text, expected) in cases {
        let out = scan(&["--json"], text.clone());
        let subs: Vec<String> = out
            .lines()
            .map(|l| {
                let doc: Value = serde_json::from_str(l).unwrap();
                doc["sub"]
                    .as_str()
                    .map_or("JWE".to_string(), str::to_string)
            })
            .collect();
        assert_eq!(subs, expected, "{text}");
    }
}

#[test]
fn a_long_line_without_newline_and_binary_junk() {
    let t = token("deep", None);
    let mut bytes: Vec<u8> = Vec::new();
    let mut offsets = Vec::new();
    let mut seed = 7u32;
    while bytes.len() < 5 * 1024 * 1024 {
        for _ in 0..100_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let b = (seed >> 16) as u8;
            bytes.push(if b == b'\n' { 0xff } else { b });
        }
        bytes.push(0);
        offsets.push(bytes.len());
        bytes.extend_from_slice(t.as_bytes());
        bytes.push(0xfe);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "blob.bin", &bytes);
    let out = scan(&["--json", &path], "");
    let found: Vec<(u64, u64)> = out
        .lines()
        .map(|l| {
            let doc: Value = serde_json::from_str(l).unwrap();
            (
                doc["line"].as_u64().unwrap(),
                doc["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(u64, u64)> = offsets.iter().map(|&o| (1, o as u64)).collect();
    assert_eq!(found, expected);
}

#[test]
fn unique_folds_repeats_and_counts_them() {
    let (a, b) = (token("a", None), token("b", None));
    let log = format!("{a}\n{b}\n{a}\n{a} {b}\n");
    let out = scan(&["--unique"], log.clone());
    assert_eq!(
        out,
        "3\t-:1\tJWS\tHS256\tk1\thttps://issuer.example\ta\tno exp\texp:missing,alg:symmetric\n\
         2\t-:2\tJWS\tHS256\tk1\thttps://issuer.example\tb\tno exp\texp:missing,alg:symmetric\n"
    );
    let out = scan(&["--unique", "--json"], log);
    let docs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(
        (docs[0]["count"].clone(), docs[0]["line"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(
        (docs[1]["count"].clone(), docs[1]["line"].clone()),
        (json!(2), json!(2))
    );
}

#[test]
fn json_lines_have_stable_fields_and_tokens_only_on_request() {
    let t = token("alice", Some(300));
    let line = format!("auth {t}\n");
    let out = scan(&["--json"], line.clone());
    let doc: Value = serde_json::from_str(out.trim()).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(t.as_bytes()))
    };
    assert_eq!(
        doc,
        json!({
            "file": "-", "line": 1, "offset": 5, "type": "JWS", "alg": "HS256", "enc": null,
            "kid": "k1", "iss": "https://issuer.example", "sub": "alice", "exp": 1700000300,
            "exp_status": "expires in 5m", "sha256": sha, "findings": ["alg:symmetric"]
        })
    );
    assert!(!out.contains(&t), "the token is not printed by default");
    let shown = scan(&["--json", "--show-token"], line.clone());
    let doc: Value = serde_json::from_str(shown.trim()).unwrap();
    assert_eq!(doc["token"], t.as_str());
    let human = scan(&["--show-token"], line);
    // The token stays the last column (after the findings), as it always was.
    assert!(human.ends_with(&format!("\texpires in 5m\talg:symmetric\t{t}\n")));

    let jwe = scan(&["--json"], JWE);
    let doc: Value = serde_json::from_str(jwe.trim()).unwrap();
    assert_eq!(
        (
            doc["type"].clone(),
            doc["alg"].clone(),
            doc["enc"].clone(),
            doc["exp_status"].clone(),
            doc["sub"].clone()
        ),
        (
            json!("JWE"),
            json!("dir"),
            json!("A256GCM"),
            json!("encrypted"),
            Value::Null
        )
    );
}

#[test]
fn a_key_adds_a_validity_column_and_decrypts() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "secret", secret());
    let good = token("good", None);
    let forged = hs256(
        &json!({"alg": "HS256"}),
        &json!({"sub": "forged"}),
        b"some other secret, long enough...",
    );
    let jwe_key = keygen_file(dir.path(), "dir", "dir.json");
    let jwe_key = jwe_key.as_str();
    let jwe = stdout_of(jwtctl().args([
        "issue", "--key", jwe_key, "--sub", "sealed", "--now", NOW, "--exp", "1h",
    ]));
    let open_ended =
        stdout_of(jwtctl().args(["issue", "--key", jwe_key, "--sub", "sealed", "--now", NOW]));
    let log = format!("{good}\n{forged}\n{}\n{}\n", jwe.trim(), open_ended.trim());

    let kid: Value = serde_json::from_str(&std::fs::read_to_string(jwe_key).unwrap()).unwrap();
    let kid = kid["kid"].as_str().unwrap();
    let out = scan(&["--key", &key], log.clone());
    assert_eq!(
        out,
        format!(
            "-:1\tJWS\tHS256\tk1\thttps://issuer.example\tgood\tno exp\tvalid\texp:missing,alg:symmetric\n\
             -:2\tJWS\tHS256\t-\t-\tforged\tno exp\tinvalid\texp:missing,alg:symmetric\n\
             -:3\tJWE\tdir/A256GCM\t{kid}\t-\t-\tencrypted\tinvalid\talg:symmetric\n\
             -:4\tJWE\tdir/A256GCM\t{kid}\t-\t-\tencrypted\tinvalid\talg:symmetric\n"
        )
    );
    let out = scan(&["--json", "--key", jwe_key], log);
    let docs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs[0]["valid"], false);
    assert!(
        docs[0]["error"].as_str().unwrap().contains("HS256"),
        "{}",
        docs[0]["error"]
    );
    assert_eq!(
        (
            docs[2]["valid"].clone(),
            docs[2]["error"].clone(),
            docs[2]["sub"].clone(),
            docs[2]["exp_status"].clone()
        ),
        (
            json!(true),
            Value::Null,
            json!("sealed"),
            json!("expires in 1h")
        )
    );
    // A JWE's claim findings come with its decryption, as with inspect --key.
    assert_eq!(docs[2]["findings"], json!(["alg:symmetric"]));
    assert_eq!(docs[3]["findings"], json!(["exp:missing", "alg:symmetric"]));
}

#[test]
fn several_files_stdin_and_unreadable_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(dir.path(), "one.log", format!("{}\n", token("one", None)));
    let two = write(
        dir.path(),
        "two.log",
        format!("\n\n{}\n", token("two", None)),
    );
    let missing = dir.path().join("missing.log");
    let missing = missing.to_str().unwrap();
    let out = jwtctl()
        .args(["inspect", "--now", NOW, "--scan", &one, missing, "-", &two])
        .write_stdin(format!("x {}\n", token("stdin", None)))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an unreadable input exits 1");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let places: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        places,
        [format!("{one}:1"), "-:1".to_string(), format!("{two}:3")]
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: cannot read {missing}: No such file or directory\nerror: 1 of 4 inputs could not be read\n"
        )
    );

    // A TOKEN argument is one more file.
    let out = scan(&[], "");
    assert_eq!(out, "");
    let out = stdout_of(jwtctl().args(["inspect", "--now", NOW, &one, "--scan"]));
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn no_tokens_is_success_with_empty_output() {
    jwtctl()
        .args(["inspect", "--scan"])
        .write_stdin("nothing here, not even eyJ.a or eyJhbGciOi.broken.x\n\u{1}\u{2}")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn usage_errors() {
    jwtctl().args(["inspect", "--unique", "x"]).assert().code(2);
    jwtctl()
        .args(["inspect", "--scan", "--threads", "0"])
        .write_stdin("")
        .assert()
        .code(2);
    jwtctl()
        .args(["inspect", "--scan", "-", "--key", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "only one input can come from stdin",
        ));
}

/// The codes of `inspect --json`'s findings for one token.
fn inspect_codes(token: &str) -> Vec<String> {
    let doc = json_of(jwtctl().args(["inspect", "--now", NOW, "--json", token]));
    let mut codes: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

#[test]
fn rows_carry_the_finding_codes_inspect_reports() {
    let weak = hs256(
        &json!({"alg": "HS256", "jku": "https://evil.example/jwks"}),
        &json!({"sub": "admin", "email": "a@example.com", "iat": 1_699_000_000, "exp": 1_799_000_000}),
        b"secret",
    );
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"alg": "none"}).to_string()),
        b64(json!({"sub": "x", "exp": 1_700_000_000_000_u64, "password": "hunter2"}).to_string())
    );
    let plain = token("alice", Some(300));
    let tokens = [weak.as_str(), unsigned.as_str(), plain.as_str(), JWE];
    // Each token twice: the second sighting comes from the findings cache.
    let log: String = tokens
        .iter()
        .chain(&tokens)
        .map(|t| format!("{t}\n"))
        .collect();
    let out = scan(&[], log.clone());
    let rows: Vec<&str> = out.lines().collect();
    let findings: Vec<&str> = rows
        .iter()
        .map(|r| r.rsplit('\t').next().unwrap())
        .collect();
    assert_eq!(
        findings,
        [
            "secret:weak,header:jku,lifetime:long,claims:personal,alg:symmetric",
            "alg:none,claims:secret,time:milliseconds",
            "alg:symmetric",
            "alg:symmetric",
        ]
        .repeat(2)
    );
    // The same codes as inspect, for each token; --json lists them as an array.
    let json = scan(&["--json"], log);
    for (line, token) in json.lines().zip(tokens.iter().chain(&tokens)) {
        let doc: Value = serde_json::from_str(line).unwrap();
        let mut codes: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        codes.sort();
        assert_eq!(codes, inspect_codes(token), "{token}");
    }
}

#[test]
fn a_token_without_findings_shows_a_dash() {
    let es = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &private_fixture("rfc7515/rfc7515-a3.key.json"),
        "--alg",
        "ES256",
        "--sub",
        "s",
        "--now",
        NOW,
        "--exp",
        "1h",
        "--no-kid",
    ]));
    let out = scan(&[], es);
    assert!(out.ends_with("\texpires in 1h\t-\n"), "{out}");
}

#[test]
fn no_header_row_when_stdout_is_not_a_terminal() {
    // A pipe (as here) or a file gets the rows only; --json never has a header.
    let t = token("alice", None);
    jwtctl()
        .args(["inspect", "--now", NOW, "--scan"])
        .write_stdin(format!("{t}\n"))
        .assert()
        .success()
        .stdout("-:1\tJWS\tHS256\tk1\thttps://issuer.example\talice\tno exp\texp:missing,alg:symmetric\n")
        .stderr("");
}

#[test]
fn a_terminal_gets_one_header_row_first() {
    // stdout a pseudo-terminal (which writes a line end as CR LF), stderr a pipe.
    let t = token("alice", None);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "app.log", format!("{t}\n{t}\n"));
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args(["inspect", "--now", NOW, "--unique", "--scan", &path])
        .stdout(pty.slave)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let mut shown = Vec::new();
    let mut master = std::fs::File::from(pty.master);
    // The pty's whole output is there once the process has ended; reading past it is EIO.
    let mut buf = [0u8; 4096];
    while let Ok(n) = std::io::Read::read(&mut master, &mut buf) {
        if n == 0 {
            break;
        }
        shown.extend_from_slice(&buf[..n]);
    }
    assert_eq!(
        String::from_utf8(shown).unwrap(),
        format!(
            "COUNT\tFILE:LINE\tTYPE\tALG\tKID\tISS\tSUB\tEXP\tFINDINGS\r\n\
             2\t{path}:1\tJWS\tHS256\tk1\thttps://issuer.example\talice\tno exp\texp:missing,alg:symmetric\r\n"
        )
    );
}
