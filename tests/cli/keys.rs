//! Key files made by other tools (openssl, ssh-keygen; tests/fixtures/pem): every PEM form
//! loads to the right key, certificates verify, encrypted PKCS#8 unlocks, and the keys
//! jwtctl cannot use are refused in one line.

use crate::common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

const NOW: &str = "1700000000";

fn pem(name: &str) -> String {
    private_fixture(&format!("pem/{name}"))
}

/// The published public JWK of a fixture key, without its kid.
fn public_jwk(base: &str) -> (Value, String) {
    let mut jwk: Value =
        serde_json::from_str(&fixture_text(&format!("pem/{base}.pub.jwk.json"))).unwrap();
    let kid = jwk
        .as_object_mut()
        .unwrap()
        .remove("kid")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    (jwk, kid)
}

fn issue(args: &[&str]) -> String {
    stdout_of(jwtctl().arg("issue").args(args).args(["--now", NOW]))
        .trim_end()
        .to_string()
}

#[test]
fn every_pem_encoding_loads_to_the_published_public_key() {
    for (file, base, kty, crv) in [
        ("rsa2048.pkcs8.pem", "rsa2048", "RSA", None),
        ("rsa2048.pkcs1.pem", "rsa2048", "RSA", None),
        ("rsa2048.spki.pem", "rsa2048", "RSA", None),
        ("rsa2048.pkcs1.pub.pem", "rsa2048", "RSA", None),
        ("rsa2048.cert.pem", "rsa2048", "RSA", None),
        ("rsa1024.pkcs8.pem", "rsa1024", "RSA", None),
        ("ec-p256.sec1.pem", "ec-p256", "EC", Some("P-256")),
        ("ec-p256.pkcs8.pem", "ec-p256", "EC", Some("P-256")),
        ("ec-p256.spki.pem", "ec-p256", "EC", Some("P-256")),
        ("ec-p256.cert.pem", "ec-p256", "EC", Some("P-256")),
        ("ec-p384.pkcs8.pem", "ec-p384", "EC", Some("P-384")),
        ("ec-p384.spki.pem", "ec-p384", "EC", Some("P-384")),
        ("ec-p521.pkcs8.pem", "ec-p521", "EC", Some("P-521")),
        ("ec-p521.spki.pem", "ec-p521", "EC", Some("P-521")),
        (
            "ec-secp256k1.pkcs8.pem",
            "ec-secp256k1",
            "EC",
            Some("secp256k1"),
        ),
        (
            "ec-secp256k1.spki.pem",
            "ec-secp256k1",
            "EC",
            Some("secp256k1"),
        ),
        ("ed25519.pkcs8.pem", "ed25519", "OKP", Some("Ed25519")),
        ("ed25519.spki.pem", "ed25519", "OKP", Some("Ed25519")),
        ("ed448.pkcs8.pem", "ed448", "OKP", Some("Ed448")),
        ("ed448.spki.pem", "ed448", "OKP", Some("Ed448")),
        ("x25519.pkcs8.pem", "x25519", "OKP", Some("X25519")),
        ("x25519.spki.pem", "x25519", "OKP", Some("X25519")),
    ] {
        // What the key is.
        let info = json_of(jwtctl().args(["keygen", "--public", &pem(file), "--json"]));
        assert_eq!(info["kty"], kty, "{file}");
        assert_eq!(info["crv"].as_str(), crv, "{file}");
        let (mut expected, kid) = public_jwk(base);
        // A key without a kid gets its thumbprint, as keygen gives its own keys.
        expected["kid"] = Value::from(kid.as_str());
        assert_eq!(info["key"], expected, "{file}");
        assert_eq!(info["thumbprint"], kid.as_str(), "{file}");
        // The plain form prints the public JWK and nothing private.
        let jwk: Value = serde_json::from_str(&stdout_of(jwtctl().args([
            "keygen",
            "--public",
            &pem(file),
        ])))
        .unwrap();
        assert_eq!(jwk, expected, "{file}");
    }
}

#[test]
fn private_pems_sign_and_public_pems_and_certificates_verify() {
    for (private, publics, alg) in [
        (
            "rsa2048.pkcs8.pem",
            &[
                "rsa2048.spki.pem",
                "rsa2048.pkcs1.pub.pem",
                "rsa2048.cert.pem",
            ][..],
            "RS256",
        ),
        (
            "rsa2048.pkcs1.pem",
            &["rsa2048.cert.pem", "rsa2048.pub.jwk.json"][..],
            "PS512",
        ),
        (
            "ec-p256.sec1.pem",
            &["ec-p256.spki.pem", "ec-p256.cert.pem"][..],
            "ES256",
        ),
        ("ec-p384.pkcs8.pem", &["ec-p384.spki.pem"][..], "ES384"),
        ("ec-p521.pkcs8.pem", &["ec-p521.spki.pem"][..], "ES512"),
        (
            "ec-secp256k1.pkcs8.pem",
            &["ec-secp256k1.spki.pem"][..],
            "ES256K",
        ),
        ("ed25519.pkcs8.pem", &["ed25519.spki.pem"][..], "EdDSA"),
        ("ed448.pkcs8.pem", &["ed448.spki.pem"][..], "EdDSA"),
    ] {
        let token = issue(&["--key", &pem(private), "--alg", alg, "--sub", "pem"]);
        for public in publics {
            let out =
                stdout_of(jwtctl().args(["verify", "--key", &pem(public), "--now", NOW, &token]));
            let claims: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(claims["sub"], "pem", "{private} → {public}");
        }
    }
    // A certificate verifies only its own key's tokens.
    let other = issue(&["--key", &pem("ec-p256.pkcs8.pem"), "--alg", "ES256"]);
    jwtctl()
        .args(["verify", "--key", &pem("rsa2048.cert.pem"), "--now", NOW, &other])
        .assert()
        .code(4)
        .stdout("")
        .stderr(format!(
            "error: the token asks for ES256, but only RS256, RS384, RS512, PS256, PS384, PS512 are allowed: \
             the token's kid is \"{}\", the key has none\n",
            public_jwk("ec-p256").1
        ));
    // An X25519 PEM pair encrypts and decrypts (ECDH-ES).
    let token = issue(&[
        "--key",
        &pem("x25519.spki.pem"),
        "--alg",
        "ECDH-ES",
        "--sub",
        "x",
    ]);
    let out = stdout_of(jwtctl().args([
        "decrypt",
        "--allow-unauthenticated",
        "--key",
        &pem("x25519.pkcs8.pem"),
        &token,
    ]));
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["sub"], "x");
}

#[test]
fn rsa_1024_is_refused_for_signing_and_verifying() {
    jwtctl()
        .args([
            "issue",
            "--key",
            &pem("rsa1024.pkcs8.pem"),
            "--alg",
            "RS256",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: RS256 needs an RSA key of at least 2048 bits, got 1024\n");
    // A token made elsewhere with it (here: by openssl) does not verify with it either.
    let header = r#"{"alg":"RS256"}"#;
    let payload = r#"{"sub":"small"}"#;
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let key = openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(pem("rsa1024.pkcs8.pem")).unwrap(),
    )
    .unwrap();
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
    signer.update(input.as_bytes()).unwrap();
    let token = format!("{input}.{}", b64(&signer.sign_to_vec().unwrap()));
    jwtctl()
        .args([
            "verify",
            "--key",
            &pem("rsa1024.pub.jwk.json"),
            "--alg",
            "RS256",
            &token,
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: RS256 needs an RSA key of at least 2048 bits, got 1024\n");
}

#[test]
fn openssh_keys_are_refused_in_one_line() {
    for (file, message) in [
        (
            "rsa2048.openssh",
            "OpenSSH private keys are not supported; convert it with: ssh-keygen -p -m PKCS8 -f FILE",
        ),
        (
            "ed25519.openssh",
            "OpenSSH private keys are not supported; convert it with: ssh-keygen -p -m PKCS8 -f FILE",
        ),
        (
            "rsa2048.openssh.pub",
            "OpenSSH public keys are not supported; convert it with: ssh-keygen -e -m PKCS8 -f FILE",
        ),
        (
            "ed25519.openssh.pub",
            "OpenSSH public keys are not supported; convert it with: ssh-keygen -e -m PKCS8 -f FILE",
        ),
    ] {
        let path = pem(file);
        for args in [
            vec!["keygen", "--public", &path],
            vec!["issue", "--key", &path, "--alg", "RS256"],
            // Never a raw HMAC secret, even when the token asks for HS256.
            vec![
                "verify",
                "--key",
                &path,
                "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
            ],
        ] {
            jwtctl()
                .args(&args)
                .assert()
                .code(1)
                .stdout("")
                .stderr(format!("error: key {path}: {message}\n"));
        }
    }
}

#[test]
fn an_encrypted_pkcs8_key_unlocks_with_a_password_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "pw", "pw\n");
    let bad = write(dir.path(), "bad", "not-pw\n");
    let key = pem("rsa2048.pkcs8.encrypted.pem");
    let token = issue(&[
        "--key",
        &key,
        "--password-file",
        &good,
        "--alg",
        "RS256",
        "--sub",
        "locked",
    ]);
    let out = stdout_of(jwtctl().args([
        "verify",
        "--key",
        &pem("rsa2048.spki.pem"),
        "--now",
        NOW,
        &token,
    ]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["sub"],
        "locked"
    );
    // The same public key as the unencrypted forms.
    let info = json_of(jwtctl().args([
        "keygen",
        "--public",
        &key,
        "--password-file",
        &good,
        "--json",
    ]));
    assert_eq!(info["thumbprint"], public_jwk("rsa2048").1.as_str());
    jwtctl()
        .args([
            "issue",
            "--key",
            &key,
            "--password-file",
            &bad,
            "--alg",
            "RS256",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: key {key}: cannot unlock the PEM key: wrong password or damaged file\n"
        ));
    // No password file and no terminal to ask on.
    jwtctl()
        .args(["issue", "--key", &key, "--alg", "RS256"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: key {key}: cannot ask for the password: no terminal (use --password-file)\n"
        ));
}

#[test]
fn a_private_key_file_others_may_read_or_write_draws_one_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let secret = write(dir.path(), "secret", "0123456789abcdef0123456789abcdef");
    let chmod = |path: &str, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let issue = |extra: &[&str]| {
        let out = jwtctl()
            .args(["issue", "--key", &secret])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stderr).unwrap()
    };
    assert_eq!(issue(&["--alg", "HS256"]), "", "0600: no warning");
    for (mode, how) in [
        (0o644, "readable"),
        (0o620, "writable"),
        (0o666, "readable and writable"),
    ] {
        chmod(&secret, mode);
        // The same file as both keys of a nested JWT: still one warning.
        assert_eq!(
            issue(&["--alg", "dir", "--sign-key", &secret, "--sign-alg", "HS256"]),
            format!(
                "warning: key file {secret} holds a private key and is {how} by other users \
                 (mode {mode:04o}); chmod 600 {secret}\n"
            )
        );
    }
    // A public key may be read by anyone.
    let public = write(
        dir.path(),
        "pub.pem",
        std::fs::read(pem("rsa2048.spki.pem")).unwrap(),
    );
    chmod(&public, 0o644);
    let token = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &pem("rsa2048.pkcs8.pem"),
        "--alg",
        "RS256",
    ]));
    jwtctl()
        .args(["verify", "--key", &public, token.trim()])
        .assert()
        .success()
        .stderr(predicates::str::contains("warning").not());
}

#[test]
fn a_password_file_loses_one_trailing_newline_and_may_not_be_empty() {
    let dir = tempfile::tempdir().unwrap();
    let key = pem("rsa2048.pkcs8.encrypted.pem");
    // One LF or CRLF is dropped (the one rule of io::password); a second one is the password's.
    for (name, text) in [("lf", "pw\n"), ("crlf", "pw\r\n"), ("bare", "pw")] {
        let pw = write(dir.path(), name, text);
        issue(&["--key", &key, "--password-file", &pw, "--alg", "RS256"]);
    }
    let two = write(dir.path(), "two", "pw\n\n");
    jwtctl()
        .args([
            "issue",
            "--key",
            &key,
            "--password-file",
            &two,
            "--alg",
            "RS256",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: key {key}: cannot unlock the PEM key: wrong password or damaged file\n"
        ));
    for (name, text) in [("empty", ""), ("newline", "\n")] {
        let pw = write(dir.path(), name, text);
        jwtctl()
            .args([
                "issue",
                "--key",
                &key,
                "--password-file",
                &pw,
                "--alg",
                "RS256",
            ])
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!("error: key {key}: the password is empty\n"));
    }
}
