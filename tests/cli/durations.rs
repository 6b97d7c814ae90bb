//! Every duration flag has one documented maximum (100y) and answers a usage error beyond
//! it, never a panic from clock arithmetic.

use crate::common;

use common::*;

const TOO_LONG: &str = "9223372036854775807s";

fn too_long(text: &str) -> String {
    format!("duration \"{text}\" is longer than the maximum, 100y (3155760000s)")
}

#[test]
fn login_timeout_beyond_the_maximum_is_a_usage_error() {
    // This panicked with "overflow when adding duration to instant" (exit 101).
    refused_by(
        "login",
        &[
            "http://127.0.0.1:9/login",
            "--user",
            "u",
            "--password-env",
            "JWTCTL_TEST_UNSET",
            "--timeout",
            TOO_LONG,
        ],
        2,
        &too_long(TOO_LONG),
    );
    // The maximum itself is accepted: the request is made (and fails to connect, exit 1).
    jwtctl()
        .args(["login", "http://127.0.0.1:9/login", "--user", "u"])
        .args(["--password-env", "JWTCTL_TEST_PW", "--timeout", "100y"])
        .env("JWTCTL_TEST_PW", "pw")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1);
}

#[test]
fn ttl_leeway_and_claim_durations_beyond_the_maximum_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let users = write(dir.path(), "users", "");
    // A timeout: accepted, the server would start and run on.
    jwtctl()
        .args([
            "serve",
            "--users",
            &users,
            "--ephemeral-key",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--ttl", "101y"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: {}
",
            too_long("101y")
        ));
    let key = write(dir.path(), "secret", "0123456789abcdef0123456789abcdef");
    for flag in ["--exp", "--nbf", "--iat"] {
        refused_by(
            "issue",
            &["--key", &key, "--alg", "HS256", flag, TOO_LONG],
            2,
            &format!("--{}: {}", &flag[2..], too_long(TOO_LONG)),
        );
    }
    refused_by(
        "issue",
        &[
            "--key",
            &key,
            "--alg",
            "HS256",
            "--exp=-99999999999999999999999d",
        ],
        2,
        &format!("--exp: {}", too_long("-99999999999999999999999d")),
    );
    let token = stdout_of(jwtctl().args(["issue", "--key", &key, "--alg", "HS256"]));
    refused_by(
        "verify",
        &[
            "--key",
            &key,
            "--leeway",
            "18446744073709551615s",
            token.trim(),
        ],
        2,
        &too_long("18446744073709551615s"),
    );
}
