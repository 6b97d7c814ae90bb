//! `issue --batch`, `verify --batch`, `decrypt --batch`: order, line numbers, bad lines.

use crate::common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn batch_minting_keeps_order_and_flags_apply_to_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.json");
    let input: String = (0..5000)
        .map(|i| format!("{{\"sub\":\"user{i}\",\"n\":{i}}}\r\n"))
        .collect();
    let out = stdout_of(
        jwtctl()
            .args([
                "issue",
                "--key",
                &hs,
                "--batch",
                "--threads",
                "2",
                "--iss",
                "ci",
                "--exp",
                "15m",
                "--now",
                "1700000000",
            ])
            .write_stdin(input),
    );
    let tokens = lines(&out);
    assert_eq!(tokens.len(), 5000);
    let checked = stdout_of(
        jwtctl()
            .args([
                "verify",
                "--key",
                &hs,
                "--batch",
                "--now",
                "1700000000",
                "--iss",
                "ci",
            ])
            .write_stdin(out.clone()),
    );
    // One result per token: the loop below checks each one it is given.
    assert_eq!(lines(&checked).len(), 5000);
    for (i, line) in lines(&checked).iter().enumerate() {
        let result: Value = serde_json::from_str(line).unwrap();
        assert_eq!(result["line"], i + 1);
        assert_eq!(result["valid"], true, "{line}");
        assert_eq!(result["claims"]["sub"], format!("user{i}"));
        assert_eq!(result["claims"]["n"], i);
        assert_eq!(result["claims"]["iss"], "ci");
        assert_eq!(result["claims"]["exp"], 1_700_000_900);
        assert_eq!(result["claims"]["iat"], 1_700_000_000);
    }
    // The same line minted alone gives the same HS256 token: batch and single agree.
    let single = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &hs,
        "--iss",
        "ci",
        "--exp",
        "15m",
        "--now",
        "1700000000",
        "--claim",
        "sub=user0",
        "--claim",
        "n:=0",
    ]));
    let single_claims = json_of(jwtctl().args([
        "verify",
        "--json",
        "--key",
        &hs,
        "--now",
        "1700000000",
        single.trim(),
    ]));
    assert_eq!(single_claims["claims"]["sub"], "user0");
}

#[test]
fn a_line_overrides_the_flags_and_bad_lines_are_reported_with_their_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.json");
    let input =
        "{\"sub\":\"a\",\"iss\":\"mine\"}\nnot json\n[1,2]\n\n{\"sub\":\"b\",\"sub\":\"c\"}\n{}\n";
    let assert = jwtctl()
        .args([
            "issue",
            "--key",
            &hs,
            "--batch",
            "--iss",
            "flag",
            "--now",
            "1700000000",
            "--no-iat",
        ])
        .write_stdin(input)
        .assert()
        .code(3);
    let output = assert.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: line 2: the line is not valid JSON: a bare word where a value belongs (strings need double quotes; the literals are true, false and null)\n\
         error: line 3: the line is not a JSON object\n\
         error: line 4: the line is blank: give a JSON object of claims, e.g. {\"sub\":\"alice\"} ({} for the flags' claims alone)\n\
         error: line 5: the line has a duplicate member \"sub\"\n\
         error: 4 of 6 lines failed; first: line 2\n"
    );
    // One output line per input line: the failed ones are empty.
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let tokens = lines(&stdout);
    assert_eq!(tokens.len(), 6);
    assert_eq!(tokens[1..5], ["", "", "", ""]);
    let first = json_of(jwtctl().args(["verify", "--json", "--key", &hs, tokens[0]]));
    assert_eq!(
        first["claims"],
        serde_json::json!({"iss": "mine", "sub": "a"})
    );
    let empty = json_of(jwtctl().args(["verify", "--json", "--key", &hs, tokens[5]]));
    assert_eq!(empty["claims"], serde_json::json!({"iss": "flag"}));
}

#[test]
fn batch_jwe_minting_decrypts_in_batch() {
    let dir = tempfile::tempdir().unwrap();
    let dir_key = keygen_file(dir.path(), "dir", "dir.json");
    let input: String = (0..300)
        .map(|i| format!("{{\"sub\":\"u{i}\"}}\n"))
        .collect();
    let out = stdout_of(
        jwtctl()
            .args(["issue", "--key", &dir_key, "--batch", "--exp", "1h"])
            .write_stdin(input),
    );
    assert_eq!(lines(&out).len(), 300);
    assert!(lines(&out).iter().all(|t| t.split('.').count() == 5));
    let results = stdout_of(
        jwtctl()
            .args(["decrypt", "--key", &dir_key, "--batch"])
            .write_stdin(out),
    );
    assert_eq!(lines(&results).len(), 300);
    for (i, line) in lines(&results).iter().enumerate() {
        let result: Value = serde_json::from_str(line).unwrap();
        assert_eq!(result["line"], i + 1);
        assert_eq!(result["valid"], true, "{line}");
        assert_eq!(result["claims"]["sub"], format!("u{i}"));
    }
}

#[test]
fn batch_verification_reports_each_failure_and_exits_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.json");
    let good = stdout_of(jwtctl().args(["issue", "--key", &hs, "--sub", "a", "--exp", "1h"]));
    let expired = stdout_of(jwtctl().args(["issue", "--key", &hs, "--sub", "b", "--exp", "-1h"]));
    let (signed, signature) = good.trim().rsplit_once('.').unwrap();
    let tampered = format!("{signed}.{}", crate::forge::flip_first(signature));
    let input = format!(
        "{}\n{}\ngarbage\n{}\n",
        good.trim(),
        expired.trim(),
        tampered
    );
    let assert = jwtctl()
        .args(["verify", "--key", &hs, "--batch"])
        .write_stdin(input)
        .assert()
        .code(5)
        .stderr("error: 3 of 4 lines failed; first: line 2\n");
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let results: Vec<Value> = lines(&stdout)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["valid"], true);
    assert_eq!(results[1]["valid"], false);
    assert!(
        results[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("token expired at ")
    );
    assert_eq!(
        results[2]["error"],
        "expected 3 parts (JWS) or 5 parts (JWE), found 1"
    );
    assert_eq!(results[3]["error"], "signature does not verify (HS256)");
    assert_eq!(results[3]["line"], 4);
    let classes: Vec<&Value> = results.iter().map(|r| &r["class"]).collect();
    assert_eq!(
        classes,
        [
            &Value::Null,
            &"claims_rejected".into(),
            &"malformed".into(),
            &"not_authentic".into()
        ]
    );
}

#[test]
fn every_batch_line_gets_exactly_one_result_in_order() {
    // An over-long line, a line holding the old internal sentinel, a blank line and a line
    // that is not UTF-8: each gets its own result, and the run fails with the first class.
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.json");
    let good = stdout_of(jwtctl().args(["issue", "--key", &hs, "--sub", "a", "--exp", "1h"]));
    let mut input = format!("{}\n", "A".repeat(1024 * 1024 + 5)).into_bytes();
    input.extend_from_slice(b"\x00too-long\n\n\xff\xfe\n");
    input.extend_from_slice(good.as_bytes());
    for (command, failed) in [("verify", 4), ("decrypt", 5)] {
        let assert = jwtctl()
            .args([command, "--key", &hs, "--batch"])
            .write_stdin(input.clone())
            .assert()
            .code(3)
            .stderr(format!(
                "error: {failed} of 5 lines failed; first: line 1\n"
            ));
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
        let results: Vec<Value> = lines(&stdout)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let summary: Vec<(u64, bool, &str)> = results
            .iter()
            .map(|r| {
                (
                    r["line"].as_u64().unwrap(),
                    r["valid"].as_bool().unwrap(),
                    r["error"].as_str().unwrap_or(""),
                )
            })
            .collect();
        let last = if command == "verify" {
            (5, true, "")
        } else {
            (5, false, "this is a JWS (signed token); use jwtctl verify")
        };
        assert_eq!(
            summary,
            [
                (1, false, "the line is longer than 1048576 bytes"),
                (2, false, "expected 3 parts (JWS) or 5 parts (JWE), found 1"),
                (3, false, "no token given"),
                (4, false, "the line is not UTF-8 text"),
                last,
            ],
            "{command}"
        );
    }
}

#[test]
fn issue_batch_json_answers_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.json");
    let assert = jwtctl()
        .args(["--json", "issue", "--key", &hs, "--batch", "--no-iat"])
        .write_stdin("{\"sub\":\"a\"}\n[1]\n")
        .assert()
        .code(3);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let results: Vec<Value> = lines(&stdout)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["line"], 1);
    assert!(results[0]["token"].as_str().unwrap().starts_with("eyJ"));
    assert_eq!(
        results[1],
        serde_json::json!({"line": 2, "error": "the line is not a JSON object"})
    );
}

#[test]
fn batch_needs_a_key_that_is_not_stdin() {
    jwtctl()
        .args(["issue", "--key", "-", "--alg", "HS256", "--batch"])
        .write_stdin("{}\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--batch reads claims from stdin; give the key another way",
        ));
}

#[test]
fn threads_means_the_same_everywhere_and_zero_is_refused() {
    // One --threads: 1 or more workers, default every core; 0 is a usage error for the
    // batch commands as for inspect --scan/--wordlist (it once meant "every core" here).
    let dir = tempfile::tempdir().unwrap();
    let hs = keygen_file(dir.path(), "HS256", "hs.json");
    for command in [
        vec!["issue", "--key", &hs, "--batch"],
        vec!["verify", "--key", &hs, "--batch"],
        vec!["decrypt", "--key", &hs, "--batch"],
        vec!["inspect", "--scan"],
        vec!["inspect", "--wordlist", &hs, "--scan"],
    ] {
        jwtctl()
            .args(&command)
            .args(["--threads", "0"])
            .write_stdin("{}\n")
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "invalid value '0' for '--threads <N>': 0 is not in 1..=4294967295",
            ));
    }
    let out = stdout_of(
        jwtctl()
            .args(["issue", "--key", &hs, "--batch", "--threads", "1"])
            .args(["--now", "1700000000"])
            .write_stdin("{\"sub\":\"a\"}\n{\"sub\":\"b\"}\n"),
    );
    assert_eq!(lines(&out).len(), 2);
}

/// A verdict's claims are the claims set as compact JSON, however it was spaced or escaped:
/// copied from the token where that gives the same text, written from the parsed set where
/// not (escapes, fractions, exponents, integers past 18 digits, `-0`). The same in one
/// token's `--json`, indented.
#[test]
fn verdicts_carry_the_claims_as_compact_json_however_they_were_written() {
    let key = crate::keycache::for_alg("HS256");
    let secret = crate::keycache::secret(&key);
    let payloads = [
        (r#"{"sub":"a","n":1}"#, r#"{"sub":"a","n":1}"#),
        (
            " {\"sub\" : \"a b\",\n\t\"n\": [1, 2] ,\"o\":{ }}\r\n",
            r#"{"sub":"a b","n":[1,2],"o":{}}"#,
        ),
        (
            r#"{"sub":"\u0041\/\"","e":"\u001b"}"#,
            r#"{"sub":"A/\"","e":"\u001b"}"#,
        ),
        (
            r#"{"f":1.50,"x":1E3,"z":-0}"#,
            r#"{"f":1.5,"x":1000.0,"z":-0.0}"#,
        ),
        (
            r#"{"big":1234567890123456789,"ok":123456789012345678}"#,
            r#"{"big":1234567890123456789,"ok":123456789012345678}"#,
        ),
    ];
    let tokens: Vec<String> = payloads
        .iter()
        .map(|(payload, _)| {
            crate::forge::hs256_raw(br#"{"alg":"HS256"}"#, payload.as_bytes(), &secret)
        })
        .collect();
    let out = jwtctl()
        .args(["verify", "--key", &key, "--batch"])
        .write_stdin(tokens.join("\n") + "\n")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for (line, (token, (_, compact))) in lines(&stdout).iter().zip(tokens.iter().zip(&payloads)) {
        assert!(
            line.contains(&format!(",\"claims\":{compact},\"checks\":[")),
            "{line}"
        );
        let single = jwtctl()
            .args(["--json", "verify", "--key", &key, token])
            .assert()
            .success();
        let pretty = String::from_utf8_lossy(&single.get_output().stdout).to_string();
        let document: Value = serde_json::from_str(line).unwrap();
        let mut expected = document.as_object().unwrap().clone();
        expected.shift_remove("line");
        assert_eq!(
            pretty,
            serde_json::to_string_pretty(&expected).unwrap() + "\n"
        );
    }
}
