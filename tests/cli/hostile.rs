//! Hostile input: nothing a token says can drive the terminal it is shown on, work and
//! memory stay bounded by the input's size, a closed pipe ends quietly, generated files
//! are written like every other file, and key URLs cannot smuggle a host or a password.

use crate::common;
use crate::forge::b64;

use common::*;
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::{Duration, Instant};

const NOW: &str = "1700000000";
const SECRET: &[u8] = b"a strong secret of more than thirty-two bytes!";

/// A JWS of these exact header and payload bytes, signed with HMAC-SHA256 under SECRET.
fn hs256_raw(header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

fn hs256(header: &Value, claims: &Value) -> String {
    hs256_raw(header.to_string().as_bytes(), claims.to_string().as_bytes())
}

/// A token whose alg, header member name and value, claim names and values, and
/// finding messages carry ESC, BEL, CSI (U+009B) and a bidi override (U+202E).
fn evil_token() -> String {
    hs256(
        &json!({"alg": "HS256\u{1b}[2J\u{7}", "typ": "JWT", "k\u{9b}1m\u{202e}": "v\u{202e}v"}),
        &json!({
            "sub": "s\u{1b}]0;title\u{7}",
            "ev\u{1b}[31mil\u{202e}": {"password": "x", "email": "a@b.example"},
        }),
    )
}

/// What the text of any command shows of `evil_token`.
const EVIL_LINES: &[&str] = &[
    "JWS HS256\\u{1b}[2J\\u{7} (signed: anyone can read the claims)",
    "  alg                HS256\\u{1b}[2J\\u{7}",
    "  k\\u{9b}1m\\u{202e}  v\\u{202e}v",
    "  ev\\u{1b}[31mil\\u{202e}  {\"password\":\"x\",\"email\":\"a@b.example\"}",
    "  sub                     s\\u{1b}]0;title\\u{7}",
    "Signature HS256\\u{1b}[2J\\u{7}, 32 bytes",
    "  high     claims:secret      readable claims look like secrets (ev\\u{1b}[31mil\\u{202e}.password); a JWS is signed, not encrypted",
    "  medium   claims:personal    readable claims carry personal data (ev\\u{1b}[31mil\\u{202e}.email); anyone holding the token can read them",
];

fn assert_no_controls(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "raw controls {bad:?} in:\n{text}");
}

#[test]
fn inspect_shows_terminal_controls_escaped() {
    let out = stdout_of(jwtctl().args(["inspect", "--now", NOW, &evil_token()]));
    assert_no_controls(&out);
    let lines: Vec<&str> = out.lines().collect();
    for line in EVIL_LINES {
        assert!(lines.contains(line), "missing {line:?} in:\n{out}");
    }
    // --json is exempt: JSON escapes controls, and a consumer wants the exact text.
    let doc = json_of(jwtctl().args(["inspect", "--json", &evil_token()]));
    assert_eq!(doc["header"]["alg"], "HS256\u{1b}[2J\u{7}");
}

#[test]
fn scan_rows_show_terminal_controls_escaped() {
    let token = hs256(
        &json!({"alg": "HS256\u{202e}", "kid": "k\u{1b}[2J"}),
        &json!({"iss": "i\u{9b}31m", "sub": "s\u{7}\tx"}),
    );
    let out = stdout_of(
        jwtctl()
            .args(["inspect", "--now", NOW, "--scan"])
            .write_stdin(format!("Authorization: Bearer {token}\n")),
    );
    assert_eq!(
        out,
        "-:1\tJWS\tHS256\\u{202e}\tk\\u{1b}[2J\ti\\u{9b}31m\ts\\u{7}\\u{9}x\tno exp\tkid:suspicious,exp:missing\n"
    );
}

#[test]
fn verify_check_lines_on_stderr_are_sanitised() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "secret", SECRET);
    let token = hs256(
        &json!({"alg": "HS256"}),
        &json!({"sub": "x", "aud": "a\u{1b}[2Jb\u{202e}"}),
    );
    // The aud check line quotes the audience.
    let out = jwtctl()
        .args([
            "verify",
            "--key",
            &key,
            &token,
            "--aud",
            "a\u{1b}[2Jb\u{202e}",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_no_controls(&stderr);
    assert!(
        stderr.contains("\n  ok           aud             a\\u{1b}[2Jb\\u{202e}\n"),
        "{stderr}"
    );
    // stdout is data (the claims as JSON) and is left as is.
    let claims: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(claims["aud"], "a\u{1b}[2Jb\u{202e}");
}

/// Runs `jwtctl ARGS` under an address-space limit (generous: the binary and its libraries
/// take part of it) and a time limit; returns the exit code and stdout.
fn bounded(args: &[&str], stdin: &str) -> (i32, Vec<u8>) {
    let bin = assert_cmd::cargo::cargo_bin("jwtctl");
    let started = Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 393216 && exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(stdin.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(20),
        "{args:?} took {took:?} (the bound is 1 s in a release build: benches/)"
    );
    assert!(
        out.stderr.is_empty() || out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// The claims of a token just under 1 MiB (--max-token-size): one claim with a long name
/// holding thousands of members, and one deep array nest holding many values.
fn claims_bomb() -> String {
    let long_name = "n".repeat(200_000);
    let members: Vec<String> = (0..20_000).map(|i| format!("\"p{i:05}\":{{}}")).collect();
    let values = vec!["0"; 125_000].join(",");
    let payload = format!(
        "{{\"{long_name}\":{{{}}},\"deep\":{}{values}{},\"password\":{{\"x\":1}}}}",
        members.join(","),
        "[".repeat(100),
        "]".repeat(100),
    );
    let token = hs256_raw(br#"{"alg":"HS256"}"#, payload.as_bytes());
    assert!(
        token.len() > 900_000 && token.len() <= 1024 * 1024,
        "{}",
        token.len()
    );
    token
}

#[test]
fn a_claims_bomb_is_inspected_in_bounded_memory_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "secret", SECRET);
    let token = claims_bomb();
    let (code, out) = bounded(&["inspect", "--now", NOW, "-"], &token);
    assert_eq!(code, 0);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("claims:secret      readable claims look like secrets (password)"),
        "{}",
        &text[text.len().saturating_sub(600)..]
    );
    let (code, out) = bounded(&["inspect", "--json", "--now", NOW, "-"], &token);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["claims"]["deep"].as_array().map(Vec::len), Some(1));
    let (code, out) = bounded(&["inspect", "--key", &key, "--now", NOW, "-"], &token);
    assert_eq!(code, 0);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("With key signature ok")
    );
}

#[test]
fn quoted_claim_paths_are_capped() {
    // 30 secret-looking members under a very long name: the finding names 20 paths, each
    // cut, and counts the rest.
    let long = "x".repeat(500);
    let inner: serde_json::Map<String, Value> = (0..30)
        .map(|i| (format!("m{i:02}"), json!({"secret": 1})))
        .collect();
    let token = hs256(&json!({"alg": "HS256"}), &json!({ long.clone(): inner }));
    let doc = json_of(jwtctl().args(["inspect", "--json", &token]));
    let message = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "claims:secret")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    let cut = format!("{}…", &"x".repeat(120));
    assert_eq!(message.matches(&cut).count(), 20, "{message}");
    assert!(message.contains(" and 10 more)"), "{message}");
}

#[test]
fn scan_checks_duplicate_header_members_in_linear_time() {
    // 80,000 distinct three-letter names: a token of 0.85 MB.
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    let name = |i: usize| -> String {
        // Upper case first: never "alg".
        [26 + i / 4096, i / 64 % 64, i % 64]
            .iter()
            .map(|&d| LETTERS[d] as char)
            .collect()
    };
    let mut header = String::from("{\"alg\":\"HS256\"");
    for i in 0..80_000 {
        header.push_str(&format!(",\"{}\":0", name(i)));
    }
    header.push('}');
    let token = hs256_raw(header.as_bytes(), b"{\"sub\":\"bob\"}");
    assert!(token.len() > 800_000, "{}", token.len());
    let started = Instant::now();
    let out = stdout_of(
        jwtctl()
            .args(["inspect", "--now", NOW, "--scan"])
            .write_stdin(format!("{token}\n")),
    );
    let took = started.elapsed();
    assert_eq!(
        out,
        "-:1\tJWS\tHS256\t-\t-\tbob\tno exp\texp:missing,alg:symmetric\n"
    );
    // Quadratic, this took 8-13 s in a release build; linear, well under 0.2 s.
    assert!(took < Duration::from_secs(5), "{took:?}");
    // A duplicate among them is still refused (the token is not listed).
    let dup = hs256_raw(
        format!("{},\"{}\":1}}", &header[..header.len() - 1], name(79_999)).as_bytes(),
        b"{}",
    );
    let out = stdout_of(
        jwtctl()
            .args(["inspect", "--scan"])
            .write_stdin(format!("{dup}\n")),
    );
    assert_eq!(out, "");
}

/// Five PBES2 tokens (p2c 100000) under the password in `dir/pw`, as a log.
fn pbes2_log(dir: &std::path::Path) -> (String, String) {
    let pw = write(dir, "pw", "correct horse\n");
    let token = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &pw,
        "--alg",
        "PBES2-HS256+A128KW",
        "--sub",
        "a",
        "--no-iat",
    ]));
    let log = write(dir, "log", token.repeat(5));
    (pw, log)
}

#[test]
fn scan_tries_pbes2_only_with_a_password_and_within_a_budget() {
    let dir = tempfile::tempdir().unwrap();
    let (pw, log) = pbes2_log(dir.path());
    let row =
        |n: u32, tail: &str| format!("{log}:{n}\tJWE\tPBES2-HS256+A128KW/A256GCM\t-\t-\t{tail}\n");

    // A raw secret is not a password: no PBES2 work at all, every token skipped and counted.
    let out = jwtctl()
        .args(["inspect", "--now", NOW, "--scan", &log, "--key", &pw])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let expected: String = (1..=5)
        .map(|n| row(n, "-\tencrypted\tskipped\talg:symmetric"))
        .collect();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "5 PBES2 tokens not decrypted: they are tried only with the password of --password-file\n"
    );

    // The password: decrypted while the budget lasts (two tokens of 100000), then skipped.
    let out = jwtctl()
        .args(["inspect", "--now", NOW, "--scan", &log, "--threads", "1"])
        .args(["--password-file", &pw, "--max-pbes2-work", "250000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let expected: String = (1..=5)
        .map(|n| {
            if n <= 2 {
                row(n, "a\tno exp\tvalid\texp:missing,alg:symmetric")
            } else {
                row(n, "-\tencrypted\tskipped\talg:symmetric")
            }
        })
        .collect();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "3 PBES2 tokens not decrypted: the scan's PBES2 work reached --max-pbes2-work\n"
    );

    // --json marks each skipped token.
    let out = stdout_of(jwtctl().args(["inspect", "--json", "--scan", &log, "--key", &pw]));
    for line in out.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["valid"], Value::Null);
        assert_eq!(row["skipped"], "PBES2: tried only with --password-file");
    }
}

/// A pipe whose reading end is already closed: writing to it fails with EPIPE.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "bob"}));
    for args in [
        vec!["inspect", "--json", token.as_str()],
        vec!["inspect", token.as_str()],
        vec!["keygen", "--alg", "ES256"],
        vec!["man"],
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("jwtctl"))
            .args(&args)
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn a_closed_stderr_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "secret", SECRET);
    let token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "bob"}));
    // verify writes its checks on stderr, an error writes its line there.
    for (args, code) in [
        (vec!["verify", "--key", key.as_str(), token.as_str()], 0),
        (vec!["verify", "--key", key.as_str(), "not-a-token"], 3),
        (vec!["inspect", "--bogus-flag"], 2),
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("jwtctl"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn man_out_dir_never_overwrites_without_force_nor_writes_through_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man");
    jwtctl()
        .args(["man", "--out-dir"])
        .arg(&out)
        .assert()
        .success();
    let page = out.join("jwtctl-inspect.1");
    std::fs::write(&page, "mine").unwrap();
    jwtctl()
        .args(["man", "--out-dir"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: {} already exists; use --force to overwrite it\n",
            out.join("jwtctl.1").display()
        ));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "mine");

    // A symlink planted where a page goes: refused, and with --force replaced by a page;
    // its target never changes.
    let target = dir.path().join("victim");
    std::fs::write(&target, "precious").unwrap();
    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    std::os::unix::fs::symlink(&target, fresh.join("jwtctl-verify.1")).unwrap();
    jwtctl()
        .args(["man", "--out-dir"])
        .arg(&fresh)
        .assert()
        .code(1)
        .stderr(format!(
            "error: {} already exists; use --force to overwrite it\n",
            fresh.join("jwtctl-verify.1").display()
        ));
    // Nothing was written: every page is checked first.
    assert_eq!(std::fs::read_dir(&fresh).unwrap().count(), 1);
    jwtctl()
        .args(["man", "--force", "--out-dir"])
        .arg(&fresh)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    let replaced = fresh.join("jwtctl-verify.1");
    assert!(!replaced.symlink_metadata().unwrap().is_symlink());
    assert!(
        std::fs::read_to_string(&replaced)
            .unwrap()
            .contains("jwtctl-verify")
    );
    assert!(std::fs::read_to_string(&page).is_ok());
}

#[test]
fn key_urls_cannot_smuggle_a_host_or_a_password() {
    let token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "bob"}));
    for (url, message) in [
        (
            "http://[::1]@192.0.2.2/jwks",
            "http://192.0.2.2/jwks: a JWK Set URL must not carry a user name or password",
        ),
        (
            "http://127.0.0.1:80@evil.example/jwks",
            "http://evil.example/jwks: a JWK Set URL must not carry a user name or password",
        ),
        (
            "https://user:hunter2@keys.example/jwks",
            "https://keys.example/jwks: a JWK Set URL must not carry a user name or password",
        ),
        (
            "http://keys.example/jwks",
            "http://keys.example/jwks: a JWK Set URL must be https:// (plain http only on loopback)",
        ),
    ] {
        refused_by("verify", &["--key", url, &token], 2, message);
        refused_by("inspect", &["--key", url, &token], 2, message);
    }
}

#[test]
fn usage_errors_quote_arguments_escaped() {
    refused_by(
        "inspect",
        &["--\u{202e}x"],
        2,
        "unexpected argument '--\\u{202e}x' found (to pass '--\\u{202e}x' as a value, use '-- --\\u{202e}x')",
    );
}
