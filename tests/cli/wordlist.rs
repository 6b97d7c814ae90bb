//! `jwtctl inspect --wordlist`: finding the HMAC secret of HS* tokens among a wordlist's
//! lines, for one token or every token of a scanned log.

use crate::common;
use crate::forge::b64;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use serde_json::{Value, json};

/// A JWS signed with HS256/384/512 under `secret`.
fn hs(alg: &str, sub: &str, secret: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let input = format!(
        "{}.{}",
        b64(json!({"alg": alg, "typ": "JWT"}).to_string()),
        b64(json!({"sub": sub, "iss": "app"}).to_string())
    );
    let mac = match alg {
        "HS256" => {
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        "HS384" => {
            let mut m = hmac::Hmac::<sha2::Sha384>::new_from_slice(secret).unwrap();
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut m = hmac::Hmac::<sha2::Sha512>::new_from_slice(secret).unwrap();
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
    };
    format!("{input}.{}", b64(mac))
}

/// A wordlist of `n` filler words with `extra` lines inserted at the given positions.
fn wordlist(n: usize, extra: &[(usize, &str)], line_end: &str) -> String {
    let mut out = String::new();
    for i in 0..n {
        for (at, word) in extra {
            if *at == i {
                out.push_str(word);
                out.push_str(line_end);
            }
        }
        out.push_str(&format!("filler-{i}{line_end}"));
    }
    out
}

#[test]
fn finds_the_secret_of_each_hs_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    let words = write(
        dir.path(),
        "words.txt",
        wordlist(5000, &[(4321, "tr0ub4dor&3")], "\n"),
    );
    for alg in ["HS256", "HS384", "HS512"] {
        let token = hs(alg, "alice", b"tr0ub4dor&3");
        for threads in ["1", "3"] {
            jwtctl()
                .args([
                    "inspect",
                    "--wordlist",
                    &words,
                    "--threads",
                    threads,
                    &token,
                ])
                .assert()
                .success()
                .stdout("tr0ub4dor&3\n")
                .stderr("");
        }
    }
}

#[test]
fn crlf_lines_the_last_line_and_the_empty_secret() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = write(
        dir.path(),
        "crlf.txt",
        wordlist(300, &[(299, "windows")], "\r\n"),
    );
    let token = hs("HS256", "a", b"windows");
    jwtctl()
        .args(["inspect", "--wordlist", &crlf, &token])
        .assert()
        .success()
        .stdout("windows\n");
    let last = write(dir.path(), "last.txt", "one\ntwo\nlast-without-newline");
    let token = hs("HS256", "a", b"last-without-newline");
    jwtctl()
        .args(["inspect", "--wordlist", &last, &token])
        .assert()
        .success()
        .stdout("last-without-newline\n");
    let empty = write(dir.path(), "empty-line.txt", "one\n\ntwo\n");
    let token = hs("HS256", "a", b"");
    jwtctl()
        .args(["inspect", "--wordlist", &empty, &token])
        .assert()
        .success()
        .stdout("\n");
}

#[test]
fn no_match_exits_0_with_empty_stdout_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let words = write(dir.path(), "words.txt", wordlist(1000, &[], "\n"));
    let token = hs("HS256", "a", b"not in the list at all");
    jwtctl()
        .args(["inspect", "--wordlist", &words, &token])
        .assert()
        .success()
        .stdout("")
        .stderr(format!("no secret in {words} matched (1000 tried)\n"));
    let doc = json_of(jwtctl().args(["inspect", "--json", "--wordlist", &words, &token]));
    assert_eq!(
        doc,
        json!({"found": false, "alg": "HS256", "secret": null, "secret_b64": null,
               "tried": 1000, "skipped": 0})
    );
    let good = hs("HS512", "a", b"filler-999");
    let doc = json_of(jwtctl().args(["inspect", "--json", "--wordlist", &words, &good]));
    assert_eq!(
        (doc["found"].clone(), doc["secret"].clone()),
        (json!(true), json!("filler-999"))
    );
}

#[test]
fn token_from_stdin_or_text_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let words = write(dir.path(), "w.txt", "a\nb\nsecret-b\n");
    let token = hs("HS256", "a", b"secret-b");
    jwtctl()
        .args(["inspect", "--wordlist", &words])
        .write_stdin(format!("Authorization: Bearer {token}\n"))
        .assert()
        .success()
        .stdout("secret-b\n");
    jwtctl()
        .args(["inspect", "--wordlist", "-", "-"])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn non_hs_tokens_and_missing_wordlists_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let words = write(dir.path(), "w.txt", "a\n");
    let rs = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256"}"#),
        b64(r#"{"sub":"x"}"#),
        b64([7u8; 256])
    );
    jwtctl()
        .args(["inspect", "--wordlist", &words, &rs])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: --wordlist needs an HS256, HS384 or HS512 token; this one is signed with RS256 (no wordlist can find its key)\n");
    let jwe =
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYxMjM0NTY3ODkw.Y3Q.dGFnMTIzNDU2Nzg5MDEyMw";
    jwtctl()
        .args(["inspect", "--wordlist", &words, jwe])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("this one is a JWE (dir/A256GCM)"));
    let short = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS256"}"#),
        b64("{}"),
        b64([1u8; 16])
    );
    jwtctl()
        .args(["inspect", "--wordlist", &words, &short])
        .assert()
        .code(3)
        .stderr("error: the HS256 signature is 16 bytes, not 32: no secret can produce it\n");
    let missing = dir.path().join("none.txt");
    jwtctl()
        .args([
            "inspect",
            "--wordlist",
            missing.to_str().unwrap(),
            &hs("HS256", "a", b"x"),
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicates::str::starts_with("error: cannot read wordlist"));
    jwtctl()
        .args(["inspect", "--wordlist", &words, "--key", &words, "x"])
        .assert()
        .code(2);
}

#[test]
fn a_whole_log_is_checked_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let words = write(
        dir.path(),
        "w.txt",
        wordlist(2000, &[(10, "letmein"), (1500, "hunter2")], "\n"),
    );
    let a = hs("HS256", "alice", b"letmein");
    let b = hs("HS512", "bob", b"hunter2");
    let c = hs("HS384", "carol", b"a secret nobody will guess, ever");
    let rs = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256"}"#),
        b64("{}"),
        b64([7u8; 256])
    );
    let log = write(
        dir.path(),
        "app.log",
        format!("GET {a}\nx {c}\n{rs}\ny {a}\nz {b}\n"),
    );
    let out = jwtctl()
        .args(["inspect", "--wordlist", &words, "--scan", &log])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{log}:1\tHS256\t-\tapp\talice\tletmein\n{log}:5\tHS512\t-\tapp\tbob\thunter2\n")
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("2 of 3 distinct HS* tokens matched a secret in {words} (2002 tried)\n")
    );
    let json =
        stdout_of(jwtctl().args(["inspect", "--json", "--wordlist", &words, "--scan", &log]));
    let docs: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(Value, Value, Value, Value)> = docs
        .iter()
        .map(|d| {
            (
                d["line"].clone(),
                d["count"].clone(),
                d["alg"].clone(),
                d["secret"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!(1), json!(2), json!("HS256"), json!("letmein")),
            (json!(2), json!(1), json!("HS384"), Value::Null),
            (json!(5), json!(1), json!("HS512"), json!("hunter2")),
        ]
    );
    // A file of tokens (here: --scan --show-token output) works as input too.
    let listing = stdout_of(jwtctl().args(["inspect", "--scan", &log, "--show-token"]));
    let listing = write(dir.path(), "listing.tsv", listing);
    let out = stdout_of(jwtctl().args(["inspect", "--wordlist", &words, "--scan", &listing]));
    assert_eq!(out.lines().count(), 2);
}

#[test]
fn lines_over_64_kib_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = vec![b'x'; 1 << 20];
    content.extend_from_slice(b"\nright-secret\n");
    let words = write(dir.path(), "long.txt", content);
    let token = hs("HS256", "a", b"right-secret");
    jwtctl()
        .args(["inspect", "--wordlist", &words, &token])
        .assert()
        .success()
        .stdout("right-secret\n")
        .stderr(format!(
            "skipped 1 line of {words} longer than 65536 bytes\n"
        ));
    let doc = json_of(jwtctl().args(["inspect", "--json", "--wordlist", &words, &token]));
    assert_eq!(
        (
            doc["secret"].clone(),
            doc["tried"].clone(),
            doc["skipped"].clone()
        ),
        (json!("right-secret"), json!(1), json!(1))
    );
    // A line of exactly 64 KiB is still a candidate.
    let longest = "k".repeat(65536);
    let words = write(dir.path(), "edge.txt", format!("{longest}\r\n"));
    let token = hs("HS256", "a", longest.as_bytes());
    jwtctl()
        .args(["inspect", "--wordlist", &words, &token])
        .assert()
        .success()
        .stdout(format!("{longest}\n"))
        .stderr("");
}

/// The peak resident memory (VmHWM) of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/PID/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn memory_stays_bounded_on_input_without_newlines() {
    let token = hs("HS256", "a", b"not-there");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args([
            "inspect",
            "--wordlist",
            "/dev/zero",
            "--threads",
            "2",
            &token,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Before the cap, this grew by hundreds of MiB a second.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let still_running = child.try_wait().unwrap().is_none();
    let peak = peak_rss_kib(child.id());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(still_running, "reading /dev/zero never ends");
    assert!(peak < 64 * 1024, "peak RSS {peak} KiB");
}

#[test]
fn found_secrets_are_escaped_for_people_and_exact_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let hostile: &[u8] = b"\x1b]0;pwned\x07\xff";
    let mut content = b"one\n".to_vec();
    content.extend_from_slice(hostile);
    content.extend_from_slice(b"\ntab\tbed\n");
    let words = write(dir.path(), "w.txt", &content);
    let note = "a secret holds control characters or bytes that are not UTF-8, shown escaped \
                (\\u{…}, \\x{…}); --json gives the exact bytes as secret_b64\n";
    let token = hs("HS256", "a", hostile);
    jwtctl()
        .args(["inspect", "--wordlist", &words, &token])
        .assert()
        .success()
        .stdout("\\u{1b}]0;pwned\\u{7}\\x{ff}\n")
        .stderr(note);
    let doc = json_of(jwtctl().args(["inspect", "--json", "--wordlist", &words, &token]));
    assert_eq!(doc["secret"], Value::Null, "not UTF-8: no lossy text");
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(doc["secret_b64"].as_str().unwrap())
            .unwrap(),
        hostile
    );
    // A tab in the secret does not add a column to the --scan listing.
    let tabbed = hs("HS256", "bob", b"tab\tbed");
    let log = write(dir.path(), "app.log", format!("{token}\n{tabbed}\n"));
    let out = jwtctl()
        .args(["inspect", "--wordlist", &words, "--scan", &log])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{log}:1\tHS256\t-\tapp\ta\t\\u{{1b}}]0;pwned\\u{{7}}\\x{{ff}}\n\
             {log}:2\tHS256\t-\tapp\tbob\ttab\\u{{9}}bed\n"
        )
    );
    assert!(String::from_utf8(out.stderr).unwrap().starts_with(note));
    let json =
        stdout_of(jwtctl().args(["inspect", "--json", "--wordlist", &words, "--scan", &log]));
    let docs: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs[1]["secret"], "tab\tbed");
    assert_eq!(docs[1]["secret_b64"], b64("tab\tbed"));
    assert_eq!(docs[0]["secret"], Value::Null);
    assert_eq!(docs[0]["secret_b64"], b64(hostile));
}
