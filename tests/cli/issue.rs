//! `jwtctl issue`: every algorithm round-trips through verify/decrypt, claims and headers
//! are exactly what was asked for, JWS output is reproducible, and refusals are clear.

use crate::common;
use crate::keycache;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use keycache::{for_alg, key, rsa, scratch};
use serde_json::{Value, json};

const NOW: &str = "1700000000";

const ENCS: &[&str] = &[
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
];

/// The key and extra `issue` flags for a JWS algorithm: RSA algorithms share one key
/// without `alg`, the others get `keygen --alg ALG`.
fn jws_key(alg: &str) -> (String, Vec<String>) {
    if alg.starts_with("RS") || alg.starts_with("PS") {
        (rsa(), vec!["--alg".into(), alg.into()])
    } else {
        (for_alg(alg), vec![])
    }
}

/// The key and extra `issue` flags for a JWE algorithm and enc.
fn jwe_key(alg: &str, enc: &str) -> (String, Vec<String>) {
    if alg.starts_with("RSA") {
        (rsa(), vec!["--alg".into(), alg.into()])
    } else if alg == "dir" {
        (key(&["--alg", "dir", "--enc", enc]), vec![])
    } else {
        (for_alg(alg), vec![])
    }
}

fn b64_json(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

fn header_of(token: &str) -> Value {
    b64_json(token.split('.').next().unwrap())
}

fn claims_of(token: &str) -> Value {
    b64_json(token.split('.').nth(1).unwrap())
}

/// `issue ARGS --now NOW` → the token (stdout is exactly the token and one newline).
fn issue(args: &[&str]) -> String {
    let out = stdout_of(jwtctl().arg("issue").args(args).args(["--now", NOW]));
    assert_eq!(out.matches('\n').count(), 1, "{out:?}");
    let token = out.strip_suffix('\n').expect("one trailing newline");
    token.to_string()
}

fn strings(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn every_jws_algorithm_signs_and_verifies_back_to_the_same_claims() {
    let mut algs: Vec<(&str, String, Vec<String>)> = JWS_ALGS
        .iter()
        .map(|alg| {
            let (key, flags) = jws_key(alg);
            (*alg, key, flags)
        })
        .collect();
    algs.push(("EdDSA", key(&["--alg", "EdDSA", "--crv", "Ed448"]), vec![]));
    let expected = json!({
        "sub": "alice", "iss": "https://issuer.example", "aud": "api",
        "exp": 1_700_000_900, "iat": 1_700_000_000, "role": "admin", "n": 5,
    });
    for (alg, key, flags) in &algs {
        let token = issue(
            &[
                &["--key", key.as_str()][..],
                &strings(flags),
                &[
                    "--sub",
                    "alice",
                    "--iss",
                    "https://issuer.example",
                    "--aud",
                    "api",
                    "--exp",
                    "15m",
                    "--claim",
                    "role=admin",
                    "--claim",
                    "n:=5",
                ],
            ]
            .concat(),
        );
        assert_eq!(token.split('.').count(), 3, "{alg}");
        assert_eq!(header_of(&token)["alg"], *alg);
        assert_eq!(header_of(&token)["typ"], "JWT");
        let report = json_of(jwtctl().args([
            "verify", "--key", key, "--now", NOW, "--json", "--aud", "api", &token,
        ]));
        assert_eq!(report["valid"], true, "{alg}");
        assert_eq!(report["claims"], expected, "{alg}");
        assert_eq!(report["header"], header_of(&token), "{alg}");
    }
}

/// Each alg × every enc: issue, then decrypt back to exactly the claims.
fn jwe_round_trips(algs: &[&str]) {
    let expected = json!({"sub": "alice", "exp": 1_700_000_900, "iat": 1_700_000_000});
    for alg in algs {
        for enc in ENCS {
            let (key, flags) = jwe_key(alg, enc);
            let token = issue(
                &[
                    &["--key", key.as_str(), "--enc", enc][..],
                    &strings(&flags),
                    &["--sub", "alice", "--exp", "15m"],
                ]
                .concat(),
            );
            assert_eq!(token.split('.').count(), 5, "{alg} {enc}");
            let header = header_of(&token);
            assert_eq!(
                (header["alg"].as_str(), header["enc"].as_str()),
                (Some(*alg), Some(*enc))
            );
            // RSA1_5 is used for decryption only when named (the RSA key carries no alg).
            let named: &[&str] = if *alg == "RSA1_5" {
                &["--alg", "RSA1_5"]
            } else {
                &[]
            };
            // The round trip is the point here, not who could have made the token.
            let report = json_of(
                jwtctl()
                    .args(["decrypt", "--key", &key, "--now", NOW, "--json"])
                    .arg("--allow-unauthenticated")
                    .args(named)
                    .arg(&token),
            );
            assert_eq!(report["claims"], expected, "{alg} {enc}");
            assert_eq!(report["header"], header, "{alg} {enc}");
        }
    }
}

#[test]
fn jwe_symmetric_key_management_with_every_enc() {
    jwe_round_trips(&JWE_ALGS[..7]);
}

#[test]
fn jwe_ecdh_key_agreement_with_every_enc() {
    jwe_round_trips(&JWE_ALGS[7..11]);
}

#[test]
fn jwe_rsa_key_transport_with_every_enc() {
    jwe_round_trips(&JWE_ALGS[11..16]);
}

#[test]
fn jwe_pbes2_with_every_enc() {
    jwe_round_trips(&JWE_ALGS[16..]);
}

#[test]
fn the_jwe_matrix_covers_every_key_management_algorithm() {
    assert_eq!(JWE_ALGS.len(), 19);
    assert_eq!(
        [
            &JWE_ALGS[..7],
            &JWE_ALGS[7..11],
            &JWE_ALGS[11..16],
            &JWE_ALGS[16..]
        ]
        .concat(),
        JWE_ALGS
    );
    assert!(JWE_ALGS[7..11].iter().all(|a| a.starts_with("ECDH")));
    assert!(JWE_ALGS[11..16].iter().all(|a| a.starts_with("RSA")));
    assert!(JWE_ALGS[16..].iter().all(|a| a.starts_with("PBES2")));
}

#[test]
fn deterministic_algorithms_are_reproducible_byte_for_byte() {
    for (alg, key) in [
        ("HS256", for_alg("HS256")),
        ("RS256", rsa()),
        ("EdDSA", for_alg("EdDSA")),
    ] {
        let args = [
            "--key", &key, "--alg", alg, "--sub", "alice", "--exp", "1h", "--jti", "fixed",
        ];
        let first = issue(&args);
        assert_eq!(first, issue(&args), "{alg} with --now and --jti");
        assert_eq!(claims_of(&first)["jti"], "fixed");
        // Without --jti nothing random is added: iat is pinned by --now.
        let plain = ["--key", &key, "--alg", alg, "--sub", "alice"];
        let first = issue(&plain);
        assert_eq!(first, issue(&plain), "{alg} without a jti");
        assert!(claims_of(&first).get("jti").is_none());
        // A random jti makes each token different.
        let random = ["--key", &key, "--alg", alg, "--jti"];
        assert_ne!(issue(&random), issue(&random), "{alg} with a random jti");
    }
    // ES*, PS* and every JWE use fresh randomness.
    let es = ["--key", &for_alg("ES256"), "--sub", "alice"];
    assert_ne!(issue(&es), issue(&es));
    let rsa = rsa();
    let ps = ["--key", &rsa, "--alg", "PS256", "--sub", "alice"];
    assert_ne!(issue(&ps), issue(&ps));
    let jwe = ["--key", &for_alg("dir"), "--sub", "alice"];
    assert_ne!(issue(&jwe), issue(&jwe));
}

#[test]
fn claims_from_flags_files_and_stdin() {
    let key = for_alg("HS256");
    let token = issue(&[
        "--key",
        &key,
        "--claim",
        "a=b",
        "--claim",
        "n:=5",
        "--claim",
        "x:=[1,2]",
        "--claim",
        "quoted=\"x\"",
        "--claim",
        "obj:={\"k\":null}",
    ]);
    assert_eq!(
        claims_of(&token),
        json!({"a": "b", "n": 5, "x": [1, 2], "quoted": "\"x\"", "obj": {"k": null}, "iat": 1_700_000_000})
    );

    let file = scratch(
        "issue-claims.json",
        r#"{"sub": "from-file", "roles": ["r1"], "iat": 5}"#,
    );
    let token = issue(&["--key", &key, "--claims", &file, "--claim", "extra=1"]);
    assert_eq!(
        claims_of(&token),
        json!({"sub": "from-file", "roles": ["r1"], "iat": 5, "extra": "1"})
    );

    let out = stdout_of(
        jwtctl()
            .args([
                "issue", "--key", &key, "--now", NOW, "--claims", "-", "--sub", "flag",
            ])
            .write_stdin(r#"{"sub": "stdin", "scope": "read"}"#),
    );
    assert_eq!(
        claims_of(out.trim_end()),
        json!({"sub": "flag", "scope": "read", "iat": 1_700_000_000}),
        "flags override the claims object"
    );

    for (bad, message) in [
        (
            "--claim=novalue",
            "error: --claim \"novalue\": expected NAME=STRING or NAME:=JSON\n",
        ),
        (
            "--claim=n:=[1,",
            "error: --claim n:=…: the value is not valid JSON\n",
        ),
        ("--claim==x", "error: --claim \"=x\": the name is empty\n"),
    ] {
        jwtctl()
            .args(["issue", "--key", &key, bad])
            .assert()
            .code(2)
            .stdout("")
            .stderr(message);
    }
    let array = scratch("issue-array.json", "[1, 2]");
    jwtctl()
        .args(["issue", "--key", &key, "--claims", &array])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: --claims {array}: the claims is not a JSON object\n"
        ));
}

#[test]
fn from_token_round_trips_claims_and_headers() {
    let key = for_alg("HS256");
    let original = issue(&[
        "--key",
        &key,
        "--sub",
        "alice",
        "--aud",
        "api",
        "--typ",
        "at+jwt",
        "--header",
        "x-custom=1",
        "--claim",
        "n:=5",
    ]);
    // The same key, the token's claims and the headers named: the very same token.
    let keep = ["--from-header", "typ", "--from-header", "x-custom"];
    let mut args = vec!["--key", key.as_str(), "--from", original.as_str()];
    args.extend(keep);
    assert_eq!(issue(&args), original);
    // Re-signed with another key and algorithm: same claims, the new key's kid.
    let es = for_alg("ES256");
    let mut args = vec!["--key", es.as_str(), "--from", original.as_str()];
    args.extend(keep);
    args.extend(["--claim", "n:=6"]);
    let resigned = issue(&args);
    let mut expected = claims_of(&original);
    expected["n"] = json!(6);
    assert_eq!(claims_of(&resigned), expected);
    let header = header_of(&resigned);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["x-custom"], "1");
    assert_eq!(header["kid"], keycache::jwk(&es)["kid"]);
    // --from - reads the token on stdin.
    let out = stdout_of(
        jwtctl()
            .args(["issue", "--key", &key, "--now", NOW, "--from", "-"])
            .args(keep)
            .write_stdin(format!("{original}\n")),
    );
    assert_eq!(out, format!("{original}\n"));
    // A JWE's claims cannot be taken.
    let jwe = issue(&["--key", &for_alg("dir")]);
    jwtctl()
        .args(["issue", "--key", &key, "--from", &jwe])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: --from takes claims from a JWS; a JWE's claims are encrypted (decrypt it first)\n",
        );
}

#[test]
fn audience_is_a_string_once_and_an_array_when_repeated() {
    let key = for_alg("HS256");
    assert_eq!(
        claims_of(&issue(&["--key", &key, "--aud", "a"]))["aud"],
        json!("a")
    );
    assert_eq!(
        claims_of(&issue(&["--key", &key, "--aud", "a", "--aud", "b"]))["aud"],
        json!(["a", "b"])
    );
}

#[test]
fn times_are_integer_numeric_dates() {
    let key = for_alg("HS256");
    let claims = claims_of(&issue(&[
        "--key", &key, "--exp", "15m", "--nbf", "-1h", "--iat", "90s",
    ]));
    assert_eq!(
        claims,
        json!({"exp": 1_700_000_900, "nbf": 1_699_996_400, "iat": 1_700_000_090})
    );
    assert!(claims["exp"].is_i64(), "an integer, never a fraction");
    let claims = claims_of(&issue(&[
        "--key",
        &key,
        "--exp",
        "2026-11-28T10:00:00Z",
        "--nbf",
        "1800000000",
    ]));
    assert_eq!(claims["exp"], json!(1_795_860_000));
    assert_eq!(claims["nbf"], json!(1_800_000_000));
    // --now as RFC 3339.
    let out = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &key,
        "--exp",
        "1h30m",
        "--now",
        "2023-11-14T22:13:20Z",
    ]));
    assert_eq!(
        claims_of(out.trim_end()),
        json!({"exp": 1_700_005_400, "iat": 1_700_000_000})
    );
    // --no-iat: nothing but what was asked.
    assert_eq!(
        claims_of(&issue(&["--key", &key, "--no-iat", "--sub", "x"])),
        json!({"sub": "x"})
    );
    jwtctl()
        .args(["issue", "--key", &key, "--exp", "tomorrow"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: --exp: invalid time \"tomorrow\": expected a duration (15m, -3h), an RFC 3339 date-time, a date (2027-01-01) or Unix seconds\n");
}

#[test]
fn jti_without_a_value_is_random_base64url() {
    let key = for_alg("HS256");
    let jti = |token: &str| claims_of(token)["jti"].as_str().unwrap().to_string();
    let a = jti(&issue(&["--key", &key, "--jti"]));
    let b = jti(&issue(&["--key", &key, "--jti"]));
    for id in [&a, &b] {
        assert_eq!(id.len(), 22, "{id}");
        assert_eq!(URL_SAFE_NO_PAD.decode(id).unwrap().len(), 16, "{id}");
    }
    assert_ne!(a, b);
}

#[test]
fn headers_typ_cty_kid_and_custom_members() {
    let key = for_alg("HS256");
    let kid = keycache::jwk(&key)["kid"].clone();
    assert_eq!(
        header_of(&issue(&["--key", &key])),
        json!({"alg": "HS256", "typ": "JWT", "kid": kid})
    );
    let header = header_of(&issue(&[
        "--key", &key, "--typ", "at+jwt", "--cty", "json", "--kid", "k-1", "--header", "x5t=abc",
        "--header", "n:=5",
    ]));
    assert_eq!(
        header,
        json!({"alg": "HS256", "typ": "at+jwt", "kid": "k-1", "cty": "json", "x5t": "abc", "n": 5})
    );
    // An empty --typ leaves typ out.
    assert_eq!(
        header_of(&issue(&["--key", &key, "--typ", ""])),
        json!({"alg": "HS256", "kid": kid})
    );
    for name in ["alg", "enc"] {
        jwtctl()
            .args(["issue", "--key", &key, "--header", &format!("{name}=x")])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("error: set {name} with --{name}, not --header\n"));
    }
}

#[test]
fn json_output_is_token_header_and_claims() {
    let key = for_alg("HS256");
    let report = json_of(jwtctl().args([
        "issue", "--key", &key, "--now", NOW, "--sub", "alice", "--json",
    ]));
    let object = report.as_object().unwrap();
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["claims", "header", "token"]);
    let token = report["token"].as_str().unwrap();
    assert_eq!(report["header"], header_of(token));
    assert_eq!(
        report["claims"],
        json!({"sub": "alice", "iat": 1_700_000_000})
    );
    assert_eq!(claims_of(token), report["claims"]);
}

#[test]
fn nested_jwt_is_signed_then_encrypted_with_cty_jwt() {
    let enc_key = for_alg("ECDH-ES+A256KW");
    let sign_key = for_alg("ES256");
    let token = issue(&["--key", &enc_key, "--sign-key", &sign_key, "--sub", "alice"]);
    let header = header_of(&token);
    assert_eq!(header["alg"], "ECDH-ES+A256KW");
    assert_eq!(header["enc"], "A256GCM");
    assert_eq!(header["cty"], "JWT");
    let report = json_of(jwtctl().args([
        "decrypt",
        "--key",
        &enc_key,
        "--verify-key",
        &sign_key,
        "--json",
        "--now",
        NOW,
        &token,
    ]));
    assert_eq!(
        report["claims"],
        json!({"sub": "alice", "iat": 1_700_000_000})
    );
    assert_eq!(report["inner_header"]["alg"], "ES256");
    assert_eq!(
        report["inner_header"]["kid"],
        keycache::jwk(&sign_key)["kid"]
    );
    // --sign-alg for a key without alg.
    let rsa = rsa();
    let token = issue(&[
        "--key",
        &for_alg("dir"),
        "--sign-key",
        &rsa,
        "--sign-alg",
        "PS384",
    ]);
    let report = json_of(jwtctl().args([
        "decrypt",
        "--key",
        &for_alg("dir"),
        "--verify-key",
        &rsa,
        "--json",
        "--now",
        NOW,
        &token,
    ]));
    assert_eq!(report["inner_header"]["alg"], "PS384");
    // A nested JWT is encrypted: a signature algorithm for the outer token is a usage error.
    jwtctl()
        .args(["issue", "--key", &for_alg("HS256"), "--sign-key", &sign_key])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: a nested JWT is encrypted with --key: --alg must be a key-management algorithm, not HS256\n");
    jwtctl()
        .args([
            "issue",
            "--key",
            &enc_key,
            "--sign-key",
            &sign_key,
            "--cty",
            "x",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: a nested JWT's cty is JWT; drop --cty\n");
}

#[test]
fn the_original_designs_default_is_dir_a256gcm() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.json");
    let path = path.to_str().unwrap();
    jwtctl()
        .args(["keygen", "--alg", "dir", "-o", path])
        .assert()
        .success()
        .stdout("");
    let token = issue(&["--key", path, "--sub", "alice"]);
    let header = header_of(&token);
    assert_eq!(header["alg"], "dir");
    assert_eq!(header["enc"], "A256GCM");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 5);
    assert_eq!(parts[1], "", "dir carries no encrypted key");
    let out = stdout_of(jwtctl().args(["decrypt", "--key", path, "--now", NOW, &token]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"sub": "alice", "iat": 1_700_000_000})
    );
}

#[test]
fn keys_that_cannot_sign_are_refused() {
    // No alg anywhere: never a guess.
    jwtctl()
        .args(["issue", "--key", &rsa(), "--sub", "a"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: cannot tell which algorithm to use: give --alg (the key has no \"alg\")\n");
    let short = scratch("issue-short-secret", "secret\n");
    jwtctl()
        .args(["issue", "--key", &short, "--alg", "HS256"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: HS256 needs a secret of at least 32 bytes, got 6\n");
    // A public key cannot sign.
    let public = stdout_of(jwtctl().args(["keygen", "--public", &rsa(), "--format", "pem"]));
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let public = scratch("issue-rsa-public.pem", public);
    jwtctl()
        .args(["issue", "--key", &public, "--alg", "RS256"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: signing needs a private key, got an RSA public key (2048 bits)\n");
    // A PEM is never a secret, even when HS256 is asked for.
    jwtctl()
        .args(["issue", "--key", &public, "--alg", "HS256"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: HS256 needs a secret, got an RSA public key (2048 bits)\n");
    // A key's alg restricts it.
    jwtctl()
        .args(["issue", "--key", &for_alg("ES256"), "--alg", "ES384"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: ES384 needs an EC P-384 key, got an EC private key (P-256)\n");
    jwtctl()
        .args(["issue", "--key", &for_alg("HS256"), "--alg", "none"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "invalid value 'none' for '--alg <ALG>'",
        ));
}

#[test]
fn a_dir_key_without_enc_gets_the_enc_its_size_fits() {
    let dir = tempfile::tempdir().unwrap();
    for (enc, expected) in [
        ("A128GCM", "A128GCM"),
        ("A256CBC-HS512", "A256CBC-HS512"),
        ("A256GCM", "A256GCM"),
    ] {
        let key = dir.path().join(format!("{enc}.json"));
        jwtctl()
            .args(["keygen", "--alg", "dir", "--enc", enc, "-o"])
            .arg(&key)
            .assert()
            .success();
        let out = json_of(
            jwtctl()
                .arg("issue")
                .arg("--key")
                .arg(&key)
                .args(["--sub", "a", "--json"]),
        );
        assert_eq!(out["header"]["enc"], expected);
        assert_eq!(out["header"]["alg"], "dir");
    }
}

#[test]
fn a_kid_may_start_with_a_hyphen() {
    // RFC 7638 thumbprints are base64url and start with '-' one time in 64.
    let key = for_alg("HS256");
    let token = issue(&["--key", &key, "--kid", "-f00"]);
    assert_eq!(header_of(&token)["kid"], "-f00");
}

/// An unverified token with this header and these claims (`--from` does not check it).
fn forged(header: Value, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims),
        URL_SAFE_NO_PAD.encode([7u8; 32])
    )
}

#[test]
fn from_copies_claims_and_only_the_headers_named() {
    let key = for_alg("HS256");
    let kid = keycache::jwk(&key)["kid"].clone();
    let hostile = forged(
        json!({
            "alg": "HS256", "typ": "at+jwt", "kid": "theirs", "cty": "secret-stuff",
            "jku": "https://evil.example/jwks.json", "x5u": "https://evil.example/cert",
            "jwk": {"kty": "oct", "k": "AAAA"}, "x5c": ["MIIB"], "crit": ["exp"],
        }),
        r#"{"sub":"mallory"}"#,
    );
    let token = issue(&["--key", &key, "--from", &hostile]);
    assert_eq!(
        header_of(&token),
        json!({"alg": "HS256", "typ": "JWT", "kid": kid})
    );
    assert_eq!(
        claims_of(&token),
        json!({"sub": "mallory", "iat": 1_700_000_000})
    );
    let token = issue(&["--key", &key, "--from", &hostile, "--from-header", "cty"]);
    assert_eq!(header_of(&token)["cty"], "secret-stuff");
    let named = ["--from-header", "typ"];
    let token = issue(&[&["--key", &key, "--from", &hostile][..], &named].concat());
    assert_eq!(header_of(&token)["typ"], "at+jwt");
    // --typ still wins.
    let token = issue(
        &[
            &["--key", &key, "--from", &hostile, "--typ", "x"][..],
            &named,
        ]
        .concat(),
    );
    assert_eq!(header_of(&token)["typ"], "x");
    for (name, code, message) in [
        (
            "crit",
            2,
            "header \"crit\": unsupported critical header parameter \"exp\", so jwtctl \
             verify would refuse the token",
        ),
        (
            "kid",
            2,
            "--from-header kid: the algorithm and key set kid, it is not copied",
        ),
        (
            "alg",
            2,
            "--from-header alg: the algorithm and key set alg, it is not copied",
        ),
        (
            "nope",
            2,
            "--from-header nope: the --from token has no \"nope\" header",
        ),
    ] {
        refused_by(
            "issue",
            &["--key", &key, "--from", &hostile, "--from-header", name],
            code,
            message,
        );
    }
}

#[test]
fn headers_issue_cannot_honour_are_refused() {
    let key = for_alg("EdDSA");
    refused_by(
        "issue",
        &[
            "--key",
            &key,
            "--header",
            "crit:=[\"exp\"]",
            "--header",
            "exp:=1",
        ],
        2,
        "header \"crit\": unsupported critical header parameter \"exp\", so jwtctl verify \
         would refuse the token",
    );
    refused_by(
        "issue",
        &["--key", &key, "--header", "crit:=[]"],
        2,
        "header \"crit\": header \"crit\" must be a non-empty array, so jwtctl verify would \
         refuse the token",
    );
    for b64 in ["b64:=false", "b64:=true"] {
        refused_by(
            "issue",
            &[
                "--key",
                &key,
                "--header",
                b64,
                "--header",
                "crit:=[\"b64\"]",
            ],
            2,
            "header \"b64\": RFC 7797 unencoded payloads are not written; leave b64 out",
        );
    }
}

#[test]
fn numbers_are_kept_exactly_or_refused() {
    let key = for_alg("HS256");
    // The largest u64 and the smallest i64 are kept as written.
    let token = issue(&[
        "--key",
        &key,
        "--no-iat",
        "--claim",
        "big:=18446744073709551615",
        "--claim",
        "low:=-9223372036854775808",
        "--claim",
        "f:=0.1",
    ]);
    let payload = URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    assert_eq!(
        String::from_utf8(payload).unwrap(),
        r#"{"big":18446744073709551615,"low":-9223372036854775808,"f":0.1}"#
    );
    // 2^64 became 1.8446744073709552e19 before.
    refused_by(
        "issue",
        &["--key", &key, "--claim", "n:=18446744073709551616"],
        2,
        "--claim n:=…: the number 18446744073709551616 would not be written back exactly \
         (write it as a string)",
    );
    refused_by(
        "issue",
        &["--key", &key, "--header", "x:=[1.00000000000000000001]"],
        2,
        "--header x:=…: the number 1.00000000000000000001 would not be written back exactly \
         (write it as a string)",
    );
    let dir = tempfile::tempdir().unwrap();
    let claims = write(
        dir.path(),
        "claims.json",
        r#"{"note":"99999999999999999999 in a string is fine","n":{"deep":[123456789012345678901234567890123456789012345]}}"#,
    );
    refused_by(
        "issue",
        &["--key", &key, "--claims", &claims],
        2,
        &format!(
            "--claims {claims}: the number 1234567890123456789012345678901234567890… would not \
             be written back exactly (write it as a string)"
        ),
    );
    let from = forged(json!({"alg": "HS256"}), r#"{"n":-18446744073709551617}"#);
    refused_by(
        "issue",
        &["--key", &key, "--from", &from],
        3,
        "--from: the token's claims hold the number -18446744073709551617, which would not be \
         written back exactly",
    );
}
