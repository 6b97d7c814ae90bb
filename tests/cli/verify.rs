//! `jwtctl verify`: tampering, key confusion, `none`, the allowlist, JWK Sets, claim checks,
//! output shapes and where the token comes from.

use crate::common;
use crate::forge::{b64, hs256_raw, unb64};
use crate::keycache;

use common::*;
use keycache::{for_alg, rsa, scratch};
use serde_json::{Value, json};

const NOW: &str = "1700000000";
const T0: i64 = 1_700_000_000;

fn hs256(header: &Value, claims: &Value, secret: &[u8]) -> String {
    hs256_raw(
        header.to_string().as_bytes(),
        claims.to_string().as_bytes(),
        secret,
    )
}

/// The HS256 key of this test binary, and its secret.
fn hs_key() -> (String, Vec<u8>) {
    let path = for_alg("HS256");
    let secret = keycache::secret(&path);
    (path, secret)
}

/// An HS256 token with these claims under the binary's HS256 key (no kid: the header is
/// just alg and typ).
fn token(claims: Value) -> String {
    hs256(&json!({"alg": "HS256", "typ": "JWT"}), &claims, &hs_key().1)
}

fn issue(args: &[&str]) -> String {
    stdout_of(jwtctl().arg("issue").args(args).args(["--now", NOW]))
        .trim_end()
        .to_string()
}

/// Re-encodes part `index` of a token after changing its decoded bytes.
fn mutate(token: &str, index: usize, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let mut bytes = unb64(&parts[index]);
    change(&mut bytes);
    parts[index] = b64(&bytes);
    parts.join(".")
}

/// Flips the lowest bit of the first occurrence of `needle` (its first byte).
fn flip_in(bytes: &mut [u8], needle: &[u8]) {
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{:?} not found", String::from_utf8_lossy(needle)));
    bytes[at] ^= 1;
}

fn verify(args: &[&str]) -> assert_cmd::assert::Assert {
    jwtctl().arg("verify").args(args).assert()
}

fn refused(args: &[&str], code: i32, message: &str) {
    refused_by("verify", args, code, message);
}

fn check_names(report: &Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn tampering_with_any_part_fails_with_exit_4() {
    let rsa = rsa();
    for (key, alg) in [
        (for_alg("HS256"), "HS256"),
        (rsa.clone(), "RS256"),
        (rsa.clone(), "PS256"),
        (for_alg("ES256"), "ES256"),
        (for_alg("EdDSA"), "EdDSA"),
    ] {
        let good = issue(&["--key", &key, "--alg", alg, "--sub", "alice"]);
        verify(&["--key", &key, "--now", NOW, &good]).success();
        let tampered = [
            // "JWT" → "KWT": the header still parses, with another typ.
            mutate(&good, 0, |h| flip_in(h, b"JWT")),
            // "alice" → "`lice": the claims still parse.
            mutate(&good, 1, |p| flip_in(p, b"alice")),
            mutate(&good, 2, |s| *s.last_mut().unwrap() ^= 1),
            mutate(&good, 2, |s| s[0] ^= 0x80),
        ];
        for bad in &tampered {
            assert_ne!(bad, &good);
            refused(
                &["--key", &key, "--now", NOW, bad],
                4,
                &format!("signature does not verify ({alg})"),
            );
        }
        // A truncated signature is not a signature either.
        let short = mutate(&good, 2, |s| s.truncate(s.len() - 1));
        refused(
            &["--key", &key, "--now", NOW, &short],
            4,
            &format!("signature does not verify ({alg})"),
        );
    }
}

#[test]
fn an_rsa_public_key_never_verifies_an_hs256_token_made_with_its_pem() {
    let rsa = rsa();
    let pem = stdout_of(jwtctl().args(["keygen", "--public", &rsa, "--format", "pem"]));
    let pem_path = scratch("verify-confusion.pem", &pem);
    let jwk = stdout_of(jwtctl().args(["keygen", "--public", &rsa]));
    let jwk_path = scratch("verify-confusion.jwk", &jwk);
    let claims = json!({"sub": "admin", "exp": T0 + 3600});
    // The attack: HMAC keyed with the public key's text, exactly as the file holds it
    // (and without the trailing newline, as a raw secret would be read).
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let forged = [
        hs256(&header, &claims, pem.as_bytes()),
        hs256(&header, &claims, pem.trim_end().as_bytes()),
        hs256(&header, &claims, jwk.as_bytes()),
    ];
    for key in [&pem_path, &jwk_path] {
        for token in &forged {
            refused(
                &["--key", key, "--now", NOW, token],
                4,
                "the token asks for HS256, but only RS256, RS384, RS512, PS256, PS384, PS512 are allowed",
            );
        }
    }
    // Naming HS256 does not turn the key into a secret.
    refused(
        &[
            "--key", &pem_path, "--alg", "HS256", "--now", NOW, &forged[0],
        ],
        1,
        "HS256 needs a secret, got an RSA public key (2048 bits)",
    );
    // A public JWK that carries its alg allows exactly that.
    let mut with_alg: Value = serde_json::from_str(&jwk).unwrap();
    with_alg["alg"] = json!("RS256");
    let with_alg = scratch("verify-confusion-alg.jwk", with_alg.to_string());
    refused(
        &["--key", &with_alg, "--now", NOW, &forged[2]],
        4,
        "the token asks for HS256, but only RS256 is allowed",
    );
    // And an EC key.
    let ec = scratch(
        "verify-confusion-ec.jwk",
        keycache::public_jwk(&for_alg("ES256")).to_string(),
    );
    let ec_text = std::fs::read(&ec).unwrap();
    refused(
        &[
            "--key",
            &ec,
            "--now",
            NOW,
            &hs256(&header, &claims, &ec_text),
        ],
        4,
        "the token asks for HS256, but only ES256 is allowed",
    );
    // The genuine RS256 token does verify with both forms.
    let genuine = issue(&["--key", &rsa, "--alg", "RS256", "--sub", "admin"]);
    for key in [&pem_path, &jwk_path] {
        verify(&["--key", key, "--now", NOW, &genuine]).success();
    }
}

#[test]
fn alg_none_is_never_accepted_in_any_capitalisation() {
    let (key, secret) = hs_key();
    let payload = b64(json!({"sub": "admin"}).to_string());
    for none in ["none", "NONE", "nOnE", "None"] {
        let header = b64(json!({"alg": none, "typ": "JWT"}).to_string());
        let message = format!("alg \"{none}\" means an unsigned token; it is never accepted");
        // Empty signature, as RFC 7519 §6 writes it.
        refused(
            &["--key", &key, "--now", NOW, &format!("{header}.{payload}.")],
            4,
            &message,
        );
        // With a valid-looking HMAC over it, and with --alg naming the key's own alg.
        let signed = hs256(&json!({"alg": none}), &json!({"sub": "admin"}), &secret);
        refused(
            &["--key", &key, "--alg", "HS256", "--now", NOW, &signed],
            4,
            &format!("alg \"{none}\" means an unsigned token; it is never accepted"),
        );
    }
    verify(&["--key", &key, "--alg", "none", "x.y.z"])
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "invalid value 'none' for '--alg <ALG>'",
        ));
}

#[test]
fn the_alg_allowlist_names_what_was_asked_and_what_is_allowed() {
    let (_, secret) = hs_key();
    // A bare secret (no alg): every HS* that its length allows.
    let long = scratch("verify-long-secret", [7u8; 64]);
    let hs256_token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "a"}), &[7u8; 64]);
    verify(&["--key", &long, "--now", NOW, &hs256_token]).success();
    refused(
        &["--key", &long, "--alg", "HS384", "--now", NOW, &hs256_token],
        4,
        "the token asks for HS256, but only HS384 is allowed",
    );
    refused(
        &[
            "--key",
            &long,
            "--alg",
            "HS384",
            "--alg",
            "HS512",
            "--now",
            NOW,
            &hs256_token,
        ],
        4,
        "the token asks for HS256, but only HS384, HS512 are allowed",
    );
    // A key's own alg is the allowlist.
    let hs384 = hs256(&json!({"alg": "HS384"}), &json!({"sub": "a"}), &secret);
    refused(
        &["--key", &for_alg("HS256"), "--now", NOW, &hs384],
        4,
        "the token asks for HS384, but only HS256 is allowed",
    );
    // A 32-byte secret without alg allows HS256 only (HS384 needs 48 bytes).
    let short = scratch("verify-32-secret", [9u8; 32]);
    refused(
        &["--key", &short, "--now", NOW, &hs384],
        4,
        "the token asks for HS384, but only HS256 is allowed",
    );
    // Unknown algorithm names in the token are just not allowed.
    let odd = hs256(&json!({"alg": "HS257"}), &json!({}), &secret);
    refused(
        &["--key", &for_alg("HS256"), "--now", NOW, &odd],
        4,
        "the token asks for HS257, but only HS256 is allowed",
    );
    // A key-management algorithm is not a signature algorithm.
    verify(&[
        "--key",
        &long,
        "--alg",
        "A128KW",
        "--now",
        NOW,
        &hs256_token,
    ])
    .code(2)
    .stdout("")
    .stderr("error: --alg A128KW is not a signature algorithm\n");
}

#[test]
fn a_jwk_set_picks_the_key_by_kid_and_tries_every_key_without_one() {
    let a = keycache::key(&["--alg", "ES256", "--kid", "a"]);
    let b = keycache::key(&["--alg", "ES256", "--kid", "b"]);
    let set = json!({"keys": [keycache::public_jwk(&a), keycache::public_jwk(&b)]});
    let set = scratch("verify-set.json", set.to_string());
    let by_b = issue(&["--key", &b, "--sub", "from-b"]);
    let report = json_of(jwtctl().args(["verify", "--key", &set, "--now", NOW, "--json", &by_b]));
    assert_eq!(report["claims"]["sub"], "from-b");
    let signature = &report["checks"][1];
    assert_eq!(signature["check"], "signature");
    assert_eq!(signature["detail"], "ES256 with key b");
    // A kid the set does not hold.
    let stranger = keycache::key(&["--alg", "ES256", "--kid", "zzz"]);
    let unknown = issue(&["--key", &stranger]);
    refused(
        &["--key", &set, "--now", NOW, &unknown],
        4,
        "the JWK Set has no key with kid \"zzz\" (it has \"a\", \"b\")",
    );
    // A token that lies about its kid (b's kid, a's signature) is refused.
    let by_a = issue(&["--key", &a, "--sub", "from-a"]);
    let lying = format!(
        "{}.{}",
        b64(json!({"alg": "ES256", "typ": "JWT", "kid": "b"}).to_string()),
        by_a.split_once('.').unwrap().1
    );
    refused(
        &["--key", &set, "--now", NOW, &lying],
        4,
        "signature does not verify (ES256)",
    );
    // No kid: each key is tried; the second one verifies.
    let mut kidless = keycache::jwk(&b);
    kidless.as_object_mut().unwrap().remove("kid");
    let kidless = scratch("verify-kidless.json", kidless.to_string());
    let token = issue(&["--key", &kidless, "--no-kid", "--sub", "no-kid"]);
    let header: Value = serde_json::from_slice(&unb64(token.split('.').next().unwrap())).unwrap();
    assert_eq!(header, json!({"alg": "ES256", "typ": "JWT"}));
    let report = json_of(jwtctl().args(["verify", "--key", &set, "--now", NOW, "--json", &token]));
    assert_eq!(report["claims"]["sub"], "no-kid");
    assert_eq!(report["checks"][1]["detail"], "ES256 with key b");
    // … and one that no key verifies.
    let other = issue(&["--key", &stranger]);
    let other = format!(
        "{}.{}",
        b64(json!({"alg": "ES256"}).to_string()),
        other.split_once('.').unwrap().1
    );
    refused(
        &["--key", &set, "--now", NOW, &other],
        4,
        "signature does not verify (ES256)",
    );
}

#[test]
fn expiry_is_checked_with_now_and_leeway() {
    let (key, _) = hs_key();
    let t = token(json!({"sub": "a", "exp": T0}));
    refused(
        &["--key", &key, "--now", "1700003600", &t],
        5,
        "token expired at 2023-11-14T22:13:20Z (1h ago)",
    );
    refused(
        &["--key", &key, "--now", "1700090061", &t],
        5,
        "token expired at 2023-11-14T22:13:20Z (1d 1h ago)",
    );
    // now == exp is expired (RFC 7519 §4.1.4: "on or after").
    refused(
        &["--key", &key, "--now", NOW, &t],
        5,
        "token expired at 2023-11-14T22:13:20Z (0s ago)",
    );
    verify(&["--key", &key, "--now", "1699999999", &t]).success();
    verify(&["--key", &key, "--now", "2023-11-14T22:13:19Z", &t]).success();
    // Leeway: 60s after exp passes with 2m of leeway, 120s does not.
    verify(&["--key", &key, "--now", "1700000060", "--leeway", "2m", &t]).success();
    refused(
        &["--key", &key, "--now", "1700000120", "--leeway", "2m", &t],
        5,
        "token expired at 2023-11-14T22:13:20Z (2m ago)",
    );
    // --ignore-exp skips it, and says so.
    let report = json_of(jwtctl().args([
        "verify",
        "--key",
        &key,
        "--now",
        "1800000000",
        "--ignore-exp",
        "--json",
        &t,
    ]));
    assert!(check_names(&report).contains(&("exp".into(), "skipped".into())));
    // A fractional exp is floored in the message, compared as is.
    let frac = token(json!({"exp": 1_700_000_000.5}));
    verify(&["--key", &key, "--now", NOW, &frac]).success();
    refused(
        &["--key", &key, "--now", "1700000001", &frac],
        5,
        "token expired at 2023-11-14T22:13:20Z (1s ago)",
    );
    // exp that is not a number.
    refused(
        &[
            "--key",
            &key,
            "--now",
            NOW,
            &token(json!({"exp": "tomorrow"})),
        ],
        5,
        "\"exp\" is not a NumericDate",
    );
    // A huge exp does not overflow anything.
    verify(&["--key", &key, "--now", NOW, &token(json!({"exp": 1e300}))]).success();
}

#[test]
fn not_before_is_checked_with_leeway() {
    let (key, _) = hs_key();
    let t = token(json!({"sub": "a", "nbf": T0 + 100}));
    refused(
        &["--key", &key, "--now", NOW, &t],
        5,
        "token is not valid before 2023-11-14T22:15:00Z (in 1m 40s)",
    );
    verify(&["--key", &key, "--now", "1700000100", &t]).success();
    verify(&["--key", &key, "--now", NOW, "--leeway", "100s", &t]).success();
    refused(
        &["--key", &key, "--now", NOW, "--leeway", "99s", &t],
        5,
        "token is not valid before 2023-11-14T22:15:00Z (in 1m 40s)",
    );
    // Both at once, both saved by leeway.
    let both = token(json!({"nbf": T0 + 30, "exp": T0 - 30}));
    verify(&["--key", &key, "--now", NOW, "--leeway", "31s", &both]).success();
    refused(
        &["--key", &key, "--now", NOW, "--leeway", "30s", &both],
        5,
        "token expired at 2023-11-14T22:12:50Z (30s ago)",
    );
    refused(
        &["--key", &key, "--now", NOW, "--leeway", "soon", &both],
        2,
        "invalid duration \"soon\": expected e.g. 90s, 15m, 1h30m, 2d",
    );
}

#[test]
fn issuer_audience_subject_and_required_claims() {
    let (key, _) = hs_key();
    let t =
        token(json!({"iss": "https://a.example", "sub": "alice", "aud": "api", "exp": T0 + 60}));
    let ok = |extra: &[&str]| {
        verify(&[&["--key", &key, "--now", NOW][..], extra, &[&t]].concat()).success();
    };
    let no = |extra: &[&str], message: &str| {
        refused(
            &[&["--key", &key, "--now", NOW][..], extra, &[&t]].concat(),
            5,
            message,
        );
    };
    ok(&[
        "--iss",
        "https://a.example",
        "--aud",
        "api",
        "--sub",
        "alice",
    ]);
    no(
        &["--iss", "https://b.example"],
        "issuer is \"https://a.example\", expected \"https://b.example\"",
    );
    no(
        &["--aud", "web"],
        "audience [\"api\"] does not include \"web\"",
    );
    no(&["--sub", "bob"], "subject is \"alice\", expected \"bob\"");
    no(
        &["--require", "email"],
        "required claim \"email\" is missing",
    );
    ok(&["--require", "sub", "--require", "exp"]);

    let bare = token(json!({"exp": T0 + 60}));
    for (flag, name) in [("--iss", "iss"), ("--aud", "aud"), ("--sub", "sub")] {
        refused(
            &["--key", &key, "--now", NOW, flag, "x", &bare],
            5,
            &format!("token has no {name}, expected \"x\""),
        );
    }
    // An audience array must contain the value.
    let many = token(json!({"aud": ["web", "api"]}));
    verify(&["--key", &key, "--now", NOW, "--aud", "api", &many]).success();
    refused(
        &["--key", &key, "--now", NOW, "--aud", "x", &many],
        5,
        "audience [\"web\",\"api\"] does not include \"x\"",
    );
    refused(
        &[
            "--key",
            &key,
            "--now",
            NOW,
            "--aud",
            "x",
            &token(json!({"aud": 5})),
        ],
        5,
        "\"aud\" is neither a string nor an array",
    );
    // Claim checks come after the signature: a forged token fails as forged.
    let forged = mutate(&t, 1, |p| flip_in(p, b"alice"));
    refused(
        &["--key", &key, "--now", NOW, "--sub", "bob", &forged],
        4,
        "signature does not verify (HS256)",
    );
}

#[test]
fn json_output_lists_every_check() {
    let (key, _) = hs_key();
    let t = token(json!({"sub": "alice", "aud": "api", "exp": T0 + 843, "nbf": T0 - 60}));
    let report = json_of(jwtctl().args(["verify", "--key", &key, "--now", NOW, "--json", &t]));
    let mut names: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["checks", "claims", "class", "error", "header", "valid"]
    );
    assert_eq!(report["valid"], true);
    assert_eq!(
        (&report["error"], &report["class"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(report["header"], json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(
        report["claims"],
        json!({"sub": "alice", "aud": "api", "exp": T0 + 843, "nbf": T0 - 60})
    );
    let kid = keycache::jwk(&key)["kid"].as_str().unwrap().to_string();
    assert_eq!(
        report["checks"],
        json!([
            {"check": "alg", "result": "ok", "detail": "HS256 is allowed (HS256)"},
            {"check": "signature", "result": "ok", "detail": format!("HS256 with key {kid}")},
            {"check": "exp", "result": "ok", "detail": "expires 2023-11-14T22:27:23Z (in 14m 3s)"},
            {"check": "nbf", "result": "ok", "detail": "valid since 2023-11-14T22:12:20Z (1m ago)"},
            {"check": "iss", "result": "not checked", "detail": ""},
            {"check": "aud", "result": "not checked", "detail": "the token has an aud; give --aud to check it"},
            {"check": "sub", "result": "not checked", "detail": ""},
        ])
    );
    // With the checks asked for.
    let report = json_of(jwtctl().args([
        "verify",
        "--key",
        &key,
        "--now",
        NOW,
        "--json",
        "--aud",
        "api",
        "--sub",
        "alice",
        "--require",
        "nbf",
        &t,
    ]));
    let checks = check_names(&report);
    assert!(checks.contains(&("aud".into(), "ok".into())), "{checks:?}");
    assert!(checks.contains(&("sub".into(), "ok".into())), "{checks:?}");
    assert!(
        checks.contains(&("require nbf".into(), "ok".into())),
        "{checks:?}"
    );
    // No aud at all: not checked, with nothing to add; no exp: absent.
    let report = json_of(jwtctl().args([
        "verify",
        "--key",
        &key,
        "--now",
        NOW,
        "--json",
        &token(json!({"sub": "a"})),
    ]));
    assert_eq!(
        report["checks"][2],
        json!({"check": "exp", "result": "absent", "detail": "the token never expires"})
    );
    assert_eq!(
        report["checks"][5],
        json!({"check": "aud", "result": "not checked", "detail": ""})
    );
}

#[test]
fn human_output_is_claims_on_stdout_and_checks_on_stderr() {
    let (key, _) = hs_key();
    let t = token(json!({"sub": "alice", "exp": T0 + 60}));
    let kid = keycache::jwk(&key)["kid"].as_str().unwrap().to_string();
    let out = jwtctl()
        .args(["verify", "--key", &key, "--now", NOW, &t])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\n  \"sub\": \"alice\",\n  \"exp\": 1700000060\n}\n"
    );
    // Trailing blanks of an empty detail column do not matter.
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().map(str::trim_end).collect();
    assert_eq!(
        lines,
        [
            "verified; checks:".to_string(),
            "  ok           alg             HS256 is allowed (HS256)".to_string(),
            format!("  ok           signature       HS256 with key {kid}"),
            "  ok           exp             expires 2023-11-14T22:14:20Z (in 1m)".to_string(),
            "  absent       nbf".to_string(),
            "  not checked  iss".to_string(),
            "  not checked  aud".to_string(),
            "  not checked  sub".to_string(),
        ]
    );
    assert!(stderr.ends_with('\n'));
}

#[test]
fn a_payload_that_is_not_json_verifies_and_is_printed_raw() {
    let (key, secret) = hs_key();
    let t = hs256_raw(br#"{"alg":"HS256"}"#, b"hello, world", &secret);
    verify(&["--key", &key, "--now", NOW, &t])
        .success()
        .stdout("hello, world");
    let report = json_of(jwtctl().args(["verify", "--key", &key, "--now", NOW, "--json", &t]));
    assert_eq!(report["payload"], "hello, world");
    assert!(report.get("claims").is_none());
    assert_eq!(
        check_names(&report).last().unwrap(),
        &("claims".to_string(), "not checked".to_string())
    );
    // Binary payloads come out byte for byte.
    let binary = hs256_raw(br#"{"alg":"HS256"}"#, &[0, 159, 255, 10], &secret);
    let out = jwtctl()
        .args(["verify", "--key", &key, "--now", NOW, &binary])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, [0, 159, 255, 10]);
    // A JSON array is not a claims set either; asking for claims then fails.
    let array = hs256_raw(br#"{"alg":"HS256"}"#, b"[1,2]", &secret);
    verify(&["--key", &key, "--now", NOW, &array])
        .success()
        .stdout("[1,2]");
    refused(
        &["--key", &key, "--now", NOW, "--sub", "a", &array],
        5,
        "the payload is not a JWT claims set, so --sub cannot be checked",
    );
    // Every claim flag fails on a raw payload, and the check list says why.
    for flag in [&["--iss", "x"][..], &["--aud", "x"], &["--require", "sub"]] {
        verify(
            &[
                &["--key", key.as_str(), "--now", NOW][..],
                flag,
                &[t.as_str()],
            ]
            .concat(),
        )
        .code(5);
    }
    assert_eq!(
        report["checks"].as_array().unwrap().last().unwrap(),
        &json!({"check": "claims", "result": "not checked", "detail": "not a JWT (raw payload)"})
    );
}

#[test]
fn a_jwe_is_sent_to_decrypt() {
    let key = for_alg("dir");
    let jwe = issue(&["--key", &key]);
    refused(
        &["--key", &key, &jwe],
        3,
        "this is a JWE (encrypted token); use jwtctl decrypt",
    );
}

#[test]
fn malformed_tokens_exit_3() {
    let (key, secret) = hs_key();
    let good = token(json!({"sub": "a"}));
    let (h, rest) = good.split_once('.').unwrap();
    let dup = hs256_raw(br#"{"alg":"HS256","alg":"none"}"#, b"{}", &secret);
    let array_header = hs256_raw(b"[1]", b"{}", &secret);
    let no_alg = hs256_raw(br#"{"typ":"JWT"}"#, b"{}", &secret);
    let numeric_alg = hs256_raw(br#"{"alg":256}"#, b"{}", &secret);
    let crit = hs256(
        &json!({"alg": "HS256", "crit": ["exp"], "exp": 5}),
        &json!({}),
        &secret,
    );
    let crit_empty = hs256(&json!({"alg": "HS256", "crit": []}), &json!({}), &secret);
    for (input, message) in [
        ("", "no token given"),
        ("   ", "no token given"),
        ("abc", "expected 3 parts (JWS) or 5 parts (JWE), found 1"),
        ("a.b", "expected 3 parts (JWS) or 5 parts (JWE), found 2"),
        (
            "a.b.c.d",
            "expected 3 parts (JWS) or 5 parts (JWE), found 4",
        ),
        (
            &format!("{good}.x.y.z"),
            "expected 3 parts (JWS) or 5 parts (JWE), found 6",
        ),
        (&format!("{h}=.{rest}"), "part 1 (header) is not base64url"),
        (&format!("{h}.e30+.x"), "part 2 (payload) is not base64url"),
        (&format!("{h}.e30.a"), "part 3 (signature) is not base64url"),
        (&format!(".{rest}"), "header is empty"),
        (
            &format!("{}.{rest}", b64("{")),
            "header is not valid JSON: EOF while parsing an object",
        ),
        (
            &format!("{}.{rest}", b64([0xff, 0xfe])),
            "header is not UTF-8 JSON",
        ),
        (&dup, "header has a duplicate member \"alg\""),
        (&array_header, "header is not a JSON object"),
        (&no_alg, "header has no \"alg\""),
        (&numeric_alg, "header \"alg\" is not a string"),
        (&crit, "unsupported critical header parameter \"exp\""),
        (&crit_empty, "header \"crit\" must be a non-empty array"),
        (
            "{\"payload\":\"e30\",\"signatures\":[]}",
            "\"signatures\" is empty",
        ),
    ] {
        refused(&["--key", &key, "--now", NOW, input], 3, message);
    }
    // The size limit.
    refused(
        &["--key", &key, "--max-token-size", "50", &good],
        3,
        &format!(
            "token is {} bytes, over the limit of 50 bytes (raise it with --max-token-size)",
            good.len()
        ),
    );
    // Deep nesting in the payload is not a crash: the token verifies, the payload is raw.
    let deep = "[".repeat(100_000);
    let t = hs256_raw(br#"{"alg":"HS256"}"#, deep.as_bytes(), &secret);
    jwtctl()
        .args(["verify", "--key", &key, "--now", NOW, "-"])
        .write_stdin(t)
        .assert()
        .success()
        .stdout(deep);
}

#[test]
fn the_token_comes_from_the_argument_dash_or_stdin() {
    let (key, _) = hs_key();
    let t = token(json!({"sub": "alice"}));
    let expected = "{\n  \"sub\": \"alice\"\n}\n";
    jwtctl()
        .args(["verify", "--key", &key, "-"])
        .write_stdin(format!("{t}\n"))
        .assert()
        .success()
        .stdout(expected);
    jwtctl()
        .args(["verify", "--key", &key])
        .write_stdin(format!("  {t}\r\n"))
        .assert()
        .success()
        .stdout(expected);
    // Nothing on stdin.
    jwtctl()
        .args(["verify", "--key", &key])
        .write_stdin("")
        .assert()
        .code(3)
        .stdout("")
        .stderr("error: no token given\n");
    // Only one input can come from stdin.
    jwtctl()
        .args(["verify", "--key", "-", "-"])
        .write_stdin(t.clone())
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: only one input can come from stdin, but TOKEN and --key both say -\n");
    // The key from an environment variable.
    jwtctl()
        .args(["verify", "--key", "env:JWTCTL_TEST_KEY", &t])
        .env("JWTCTL_TEST_KEY", std::fs::read_to_string(&key).unwrap())
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn no_token_and_stdin_a_terminal_is_a_usage_error() {
    // A pseudo-terminal for stdin: jwtctl refuses to wait for a token typed there.
    let (key, _) = hs_key();
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args(["verify", "--key", &key])
        .stdin(pty.slave)
        .output()
        .unwrap();
    drop(pty.master);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no token given: pass it as an argument, or - to read stdin\n"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_key_that_may_not_verify_says_why() {
    let (_, secret) = hs_key();
    let t = token(json!({"sub": "a"}));
    let mut jwk = json!({"kty": "oct", "k": b64(&secret), "use": "enc"});
    let enc_use = scratch("verify-use-enc.json", jwk.to_string());
    refused(
        &["--key", &enc_use, "--now", NOW, &t],
        1,
        "this key is marked \"use\": \"enc\" and may not verify signatures",
    );
    jwk = json!({"kty": "oct", "k": b64(&secret), "key_ops": ["sign"]});
    let sign_only = scratch("verify-sign-only.json", jwk.to_string());
    refused(
        &["--key", &sign_only, "--now", NOW, &t],
        1,
        "this key's \"key_ops\" (sign) do not allow it to verify signatures",
    );
    jwk = json!({"kty": "oct", "k": b64(&secret), "alg": "A256KW"});
    let kw = scratch("verify-kw.json", jwk.to_string());
    refused(
        &["--key", &kw, "--now", NOW, &t],
        1,
        "this key is for A256KW (its \"alg\"), not HS256",
    );
    let odd = hs256(&json!({"alg": "XY1"}), &json!({}), &secret);
    refused(
        &["--key", &kw, "--now", NOW, &odd],
        1,
        "this key is for A256KW (its \"alg\"), not XY1",
    );
    refused(
        &["--key", &enc_use, "--now", NOW, &odd],
        1,
        "the token asks for XY1, but the key can do no signature algorithm",
    );
}

#[test]
fn a_kid_naming_a_key_of_another_type_is_not_authentic() {
    // The set holds an HS256 secret and an EC public key; the token asks for HS256 and
    // names the EC key (keyed with its public JWK text: the confusion attack in a set).
    let hs = keycache::jwk(&for_alg("HS256"));
    let mut ec = keycache::public_jwk(&for_alg("ES256"));
    ec["kid"] = json!("ec");
    let set = scratch(
        "verify-mixed-set.json",
        json!({"keys": [hs, ec.clone()]}).to_string(),
    );
    let forged = hs256(
        &json!({"alg": "HS256", "kid": "ec"}),
        &json!({"sub": "admin"}),
        ec.to_string().as_bytes(),
    );
    refused(
        &["--key", &set, "--now", NOW, &forged],
        4,
        "the token's kid \"ec\" names a key that cannot verify HS256: HS256 needs a secret, got an EC public key (P-256)",
    );
    // The genuine HS256 token by the set's secret verifies.
    let genuine = issue(&["--key", &for_alg("HS256"), "--sub", "a"]);
    verify(&["--key", &set, "--now", NOW, &genuine]).success();
}

#[test]
fn keys_offered_by_the_token_are_never_used() {
    // The attacker signs with their own secret and offers it in every way a header can.
    let (key, _) = hs_key();
    let attacker = b"the attacker's own secret, 32+ bytes long";
    let offered = json!({"kty": "oct", "k": b64(attacker)});
    for header in [
        json!({"alg": "HS256", "jwk": offered}),
        json!({"alg": "HS256", "jku": "https://attacker.example/jwks.json"}),
        json!({"alg": "HS256", "x5u": "https://attacker.example/cert.pem"}),
        json!({"alg": "HS256", "kid": "../../../../dev/null"}),
    ] {
        let t = hs256(&header, &json!({"sub": "admin"}), attacker);
        // The refusal names a kid the token asks for that the key does not carry.
        let expected = match header["kid"].as_str() {
            Some(kid) => format!(
                "signature does not verify (HS256): the token's kid is \"{kid}\", the key's is \"{}\"",
                keycache::jwk(&key)["kid"].as_str().unwrap()
            ),
            None => "signature does not verify (HS256)".to_string(),
        };
        refused(&["--key", &key, "--now", NOW, &t], 4, &expected);
    }
    // ES256 with the attacker's public key embedded.
    let attacker_key = keycache::key(&["--alg", "ES256", "--kid", "attacker"]);
    let signed = issue(&[
        "--key",
        &attacker_key,
        "--header",
        &format!("jwk:={}", keycache::public_jwk(&attacker_key)),
    ]);
    refused(
        &["--key", &for_alg("ES256"), "--now", NOW, &signed],
        4,
        &format!(
            "signature does not verify (ES256): the token's kid is \"attacker\", the key's is \"{}\"",
            keycache::jwk(&for_alg("ES256"))["kid"].as_str().unwrap()
        ),
    );
}

#[test]
fn claims_of_the_wrong_type_or_size_are_named() {
    let (key, _) = hs_key();
    refused(
        &["--key", &key, "--now", NOW, &token(json!({"exp": -1e300}))],
        5,
        "token expired at -1e300",
    );
    refused(
        &["--key", &key, "--now", NOW, &token(json!({"nbf": 1e300}))],
        5,
        "token is not valid before 1e300",
    );
    refused(
        &[
            "--key",
            &key,
            "--now",
            NOW,
            "--iss",
            "x",
            &token(json!({"iss": 5})),
        ],
        5,
        "\"iss\" is not a string",
    );
    refused(
        &[
            "--key",
            &key,
            "--now",
            NOW,
            "--sub",
            "5",
            &token(json!({"sub": 5})),
        ],
        5,
        "\"sub\" is not a string",
    );
    // Not asked for: not looked at.
    verify(&[
        "--key",
        &key,
        "--now",
        NOW,
        &token(json!({"iss": 5, "sub": []})),
    ])
    .success();
}
