//! `jwtctl keygen`: every algorithm's key, files, formats, conversions and refusals.

use crate::common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::os::unix::fs::MetadataExt;

fn keygen(args: &[&str]) -> Value {
    json_of(jwtctl().arg("keygen").args(args))
}

/// What each algorithm's key must look like: kty, and crv or size in bits.
fn expected_shape(alg: &str) -> (&'static str, &'static str, usize) {
    match alg {
        "HS256" | "A256KW" | "A256GCMKW" | "dir" | "PBES2-HS256+A128KW" | "PBES2-HS384+A192KW"
        | "PBES2-HS512+A256KW" => ("oct", "", 256),
        "HS384" => ("oct", "", 384),
        "HS512" => ("oct", "", 512),
        "A128KW" | "A128GCMKW" => ("oct", "", 128),
        "A192KW" | "A192GCMKW" => ("oct", "", 192),
        "ES256" | "ECDH-ES" | "ECDH-ES+A128KW" | "ECDH-ES+A192KW" | "ECDH-ES+A256KW" => {
            ("EC", "P-256", 256)
        }
        "ES384" => ("EC", "P-384", 384),
        "ES512" => ("EC", "P-521", 521),
        "ES256K" => ("EC", "secp256k1", 256),
        "EdDSA" => ("OKP", "Ed25519", 256),
        _ => ("RSA", "", 2048),
    }
}

#[test]
fn every_algorithm_gets_a_suitable_jwk_with_alg_use_and_thumbprint_kid() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for alg in JWS_ALGS.iter().chain(JWE_ALGS) {
        let report = keygen(&["--alg", alg, "--json"]);
        let key = &report["key"];
        let (kty, crv, bits) = expected_shape(alg);
        assert_eq!(key["kty"], kty, "{alg}");
        assert_eq!(key["alg"], *alg);
        let use_ = if JWS_ALGS.contains(alg) { "sig" } else { "enc" };
        assert_eq!(key["use"], use_, "{alg}");
        assert_eq!(report["bits"], bits, "{alg}");
        if !crv.is_empty() {
            assert_eq!(key["crv"], crv, "{alg}");
        }
        assert_eq!(key["kid"], report["thumbprint"], "{alg}");
        paths.push((
            alg.to_string(),
            write(
                dir.path(),
                &format!("{}.json", paths.len()),
                key.to_string(),
            ),
        ));
    }
    // Each key's kid is the thumbprint of the key itself, computed afresh from the file.
    for (alg, path) in &paths {
        let report = json_of(jwtctl().args(["keygen", "--json", "--convert"]).arg(path));
        let key: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(report["thumbprint"], key["kid"], "{alg}");
    }
}

/// An independent implementation (python-jwcrypto) computed these RFC 7638 thumbprints, one
/// key of each type and curve (tests/fixtures/jwcrypto/thumbprints.py; `scripts/interop`
/// repeats the check on freshly generated keys).
#[test]
fn thumbprints_match_jwcrypto_for_every_key_type() {
    let fixtures: Value = serde_json::from_str(&fixture_text("jwcrypto/thumbprints.json")).unwrap();
    let fixtures = fixtures.as_array().unwrap();
    assert_eq!(
        fixtures.len(),
        10,
        "oct, RSA, four EC curves, four OKP curves"
    );
    let dir = tempfile::tempdir().unwrap();
    for entry in fixtures {
        let name = entry["name"].as_str().unwrap();
        let jwk = &entry["jwk"];
        // The kid is not the thumbprint, so the answer cannot be an echo of it.
        assert_ne!(jwk["kid"], entry["thumbprint"], "{name}");
        let path = write(dir.path(), &format!("{name}.json"), jwk.to_string());
        let report = json_of(jwtctl().args(["keygen", "--json", "--convert"]).arg(&path));
        assert_eq!(report["thumbprint"], entry["thumbprint"], "{name}");
    }
}

#[test]
fn dir_keys_are_sized_by_enc_and_curves_are_selectable() {
    for (enc, bits) in [
        ("A128GCM", 128),
        ("A192GCM", 192),
        ("A256GCM", 256),
        ("A128CBC-HS256", 256),
        ("A192CBC-HS384", 384),
        ("A256CBC-HS512", 512),
    ] {
        assert_eq!(
            keygen(&["--alg", "dir", "--enc", enc, "--json"])["bits"],
            bits,
            "{enc}"
        );
    }
    for crv in ["P-384", "P-521", "X25519", "X448"] {
        assert_eq!(
            keygen(&["--alg", "ECDH-ES", "--crv", crv, "--json"])["key"]["crv"],
            crv
        );
    }
    assert_eq!(
        keygen(&["--alg", "EdDSA", "--crv", "Ed448", "--json"])["key"]["crv"],
        "Ed448"
    );
    let rsa = keygen(&["--alg", "PS256", "--size", "3072", "--json"]);
    assert_eq!(rsa["bits"], 3072);
}

#[test]
fn kty_keys_carry_no_alg_and_honour_kid_and_use() {
    let key: Value = serde_json::from_str(&stdout_of(jwtctl().args([
        "keygen", "--kty", "EC", "--crv", "P-384", "--kid", "k1", "--use", "enc",
    ])))
    .unwrap();
    assert_eq!(key["kty"], "EC");
    assert_eq!(key["crv"], "P-384");
    assert_eq!(key["kid"], "k1");
    assert_eq!(key["use"], "enc");
    assert!(key.get("alg").is_none());
    let jwks: Value = serde_json::from_str(&stdout_of(
        jwtctl().args(["keygen", "--kty", "oct", "--format", "jwks"]),
    ))
    .unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "oct");
}

#[test]
fn bad_flag_values_are_usage_errors() {
    for (args, message) in [
        (
            &["keygen", "--alg", "HS257"][..],
            "invalid value 'HS257' for '--alg <ALG>'",
        ),
        (
            &["keygen", "--alg", "none"][..],
            "invalid value 'none' for '--alg <ALG>'",
        ),
        (
            &["keygen", "--alg", "ES256", "--crv", "P-384"][..],
            "error: ES256 cannot use curve P-384; it takes P-256",
        ),
        (
            &["keygen", "--alg", "RS256", "--size", "1024"][..],
            "error: --size 1024 is not a usable RSA size",
        ),
        (
            &["keygen", "--alg", "HS256", "--format", "pem"][..],
            "error: a secret (oct key) cannot be written as PEM; use --format jwk",
        ),
        (
            &["keygen", "--kty", "oct", "--size", "7"][..],
            "error: --size 7 is not a usable secret size",
        ),
        (
            &["keygen", "--alg", "HS256", "--kty", "RSA"][..],
            "cannot be used with",
        ),
        (&["keygen"][..], "error: keygen needs --alg ALG"),
    ] {
        jwtctl()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn files_are_private_atomic_and_never_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.json");
    let public = dir.path().join("key.pub.json");
    jwtctl()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(&key)
        .arg("--public-out")
        .arg(&public)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::starts_with("wrote private key to "));
    assert_eq!(std::fs::metadata(&key).unwrap().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(&public).unwrap().mode() & 0o777, 0o644);
    let original = std::fs::read(&key).unwrap();
    let private: Value = serde_json::from_slice(&original).unwrap();
    let public_jwk: Value = serde_json::from_slice(&std::fs::read(&public).unwrap()).unwrap();
    assert!(private.get("d").is_some());
    assert!(public_jwk.get("d").is_none());
    assert_eq!(private["kid"], public_jwk["kid"]);
    assert_eq!(private["x"], public_jwk["x"]);

    jwtctl()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(&key)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: {} already exists; use --force to overwrite it\n",
            key.display()
        ));
    assert_eq!(
        std::fs::read(&key).unwrap(),
        original,
        "refusal left the old key intact"
    );

    jwtctl()
        .args(["keygen", "--alg", "ES256", "--force", "-o"])
        .arg(&key)
        .assert()
        .success();
    assert_ne!(std::fs::read(&key).unwrap(), original);
    assert_eq!(std::fs::metadata(&key).unwrap().mode() & 0o777, 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left: {leftovers:?}");
}

/// OpenSSL reads what `--format pem` writes, for every key type.
#[test]
fn pem_output_is_standard_pkcs8_and_spki() {
    let dir = tempfile::tempdir().unwrap();
    for (args, openssl_type) in [
        (&["--alg", "RS256"][..], openssl::pkey::Id::RSA),
        (&["--alg", "ES256"][..], openssl::pkey::Id::EC),
        (&["--alg", "ES384"][..], openssl::pkey::Id::EC),
        (&["--alg", "ES512"][..], openssl::pkey::Id::EC),
        (&["--alg", "ES256K"][..], openssl::pkey::Id::EC),
        (&["--alg", "EdDSA"][..], openssl::pkey::Id::ED25519),
        (
            &["--alg", "EdDSA", "--crv", "Ed448"][..],
            openssl::pkey::Id::ED448,
        ),
        (
            &["--alg", "ECDH-ES", "--crv", "X25519"][..],
            openssl::pkey::Id::X25519,
        ),
        (
            &["--alg", "ECDH-ES", "--crv", "X448"][..],
            openssl::pkey::Id::X448,
        ),
    ] {
        let private = dir.path().join("k.pem");
        let public = dir.path().join("k.pub.pem");
        jwtctl()
            .args(["keygen", "--format", "pem", "--force", "-o"])
            .arg(&private)
            .arg("--public-out")
            .arg(&public)
            .args(args)
            .assert()
            .success();
        let pem = std::fs::read_to_string(&private).unwrap();
        assert!(
            pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
            "{args:?}: {pem}"
        );
        let spki = std::fs::read_to_string(&public).unwrap();
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{args:?}");
        // OpenSSL reads the private key as the right type and derives the same public key.
        let parsed = openssl::pkey::PKey::private_key_from_pem(pem.as_bytes())
            .unwrap_or_else(|e| panic!("OpenSSL rejects {args:?}: {e}"));
        assert_eq!(parsed.id(), openssl_type, "{args:?}");
        assert_eq!(
            String::from_utf8(parsed.public_key_to_pem().unwrap()).unwrap(),
            spki,
            "{args:?}"
        );
        let public_key = openssl::pkey::PKey::public_key_from_pem(spki.as_bytes()).unwrap();
        assert!(public_key.public_eq(&parsed), "{args:?}");

        // PEM → JWK → PEM is the identity, and the JWK keeps the thumbprint.
        let jwk: Value = serde_json::from_str(&stdout_of(
            jwtctl().arg("keygen").arg("--convert").arg(&private),
        ))
        .unwrap();
        let again = stdout_of(
            jwtctl()
                .args(["keygen", "--format", "pem", "--convert", "-"])
                .write_stdin(jwk.to_string()),
        );
        assert_eq!(again, pem, "{args:?}");
        let public_jwk: Value = serde_json::from_str(&stdout_of(
            jwtctl().arg("keygen").arg("--public").arg(&public),
        ))
        .unwrap();
        assert_eq!(public_jwk["x"], jwk["x"]);
        assert!(public_jwk.get("d").is_none());
    }
}

#[test]
fn public_extracts_the_public_half_of_a_jwk_set() {
    let a = keygen(&["--alg", "ES256", "--json", "--kid", "a"])["key"].clone();
    let b = keygen(&["--alg", "RS256", "--json", "--kid", "b"])["key"].clone();
    let set = serde_json::json!({ "keys": [a, b] });
    let public: Value = serde_json::from_str(&stdout_of(
        jwtctl()
            .args(["keygen", "--public", "-"])
            .write_stdin(set.to_string()),
    ))
    .unwrap();
    let keys = public["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], "a");
    assert_eq!(keys[1]["kid"], "b");
    assert!(
        keys.iter()
            .all(|k| k.get("d").is_none() && k.get("p").is_none())
    );
    // A secret has no public half.
    jwtctl()
        .args(["keygen", "--public", "env:JWT_TEST_SECRET"])
        .env("JWT_TEST_SECRET", "0123456789abcdef0123456789abcdef")
        .assert()
        .code(1)
        .stderr("error: a secret (oct key) has no public half\n");
}

#[test]
fn keys_come_from_env_and_stdin_and_missing_sources_fail_cleanly() {
    let jwk = keygen(&["--alg", "EdDSA", "--json"])["key"].clone();
    let from_env: Value = serde_json::from_str(&stdout_of(
        jwtctl()
            .args(["keygen", "--public", "env:MY_KEY"])
            .env("MY_KEY", jwk.to_string()),
    ))
    .unwrap();
    assert_eq!(from_env["x"], jwk["x"]);
    jwtctl()
        .args(["keygen", "--public", "env:NOPE_NOT_SET"])
        .env_remove("NOPE_NOT_SET")
        .assert()
        .code(1)
        .stderr("error: environment variable NOPE_NOT_SET is not set\n");
    jwtctl()
        .args(["keygen", "--public", "/nonexistent/key.pem"])
        .assert()
        .code(1)
        .stderr("error: the KEY given is not an existing file, nor env:NAME, -, prompt or a key URL (its value is not shown: it may be a secret)\n");
    jwtctl()
        .args(["keygen", "--public", "prompt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot ask for the secret: no terminal",
        ));
}

#[test]
fn protected_keys_round_trip_with_a_password_file() {
    let dir = tempfile::tempdir().unwrap();
    let pw = write(dir.path(), "pw", "correct horse battery staple\n");
    let locked = dir.path().join("locked.jwe");
    jwtctl()
        .args([
            "keygen",
            "--alg",
            "ES256",
            "--kid",
            "p1",
            "--protect",
            "--password-file",
            &pw,
            "-o",
        ])
        .arg(&locked)
        .assert()
        .success();
    let text = std::fs::read_to_string(&locked).unwrap();
    assert_eq!(text.split('.').count(), 5, "a compact JWE");
    assert!(!text.contains("\"d\""));
    let header: Value = {
        use base64::Engine;
        let h = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.split('.').next().unwrap())
            .unwrap();
        serde_json::from_slice(&h).unwrap()
    };
    assert_eq!(header["alg"], "PBES2-HS512+A256KW");
    assert_eq!(header["cty"], "jwk+json");
    assert_eq!(header["p2c"], 210000);

    let public: Value = serde_json::from_str(&stdout_of(
        jwtctl()
            .arg("keygen")
            .arg("--public")
            .arg(&locked)
            .args(["--password-file", &pw]),
    ))
    .unwrap();
    assert_eq!(public["kid"], "p1");
    assert!(public.get("d").is_none());

    let wrong = write(dir.path(), "wrong", "nope\n");
    jwtctl()
        .arg("keygen")
        .arg("--public")
        .arg(&locked)
        .args(["--password-file", &wrong])
        .assert()
        .code(1)
        .stderr(format!(
            "error: key {}: cannot unlock the protected key: wrong password or damaged file\n",
            locked.display()
        ));
    // Without a password file and without a terminal, it says so instead of hanging.
    jwtctl()
        .arg("keygen")
        .arg("--public")
        .arg(&locked)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no terminal (use --password-file)",
        ));
}

#[test]
fn an_rsa_jwk_with_primes_but_no_d_is_refused_not_public() {
    let dir = tempfile::tempdir().unwrap();
    let mut jwk = keygen(&["--alg", "RS256", "--json"])["key"].clone();
    jwk.as_object_mut().unwrap().remove("d");
    let path = write(dir.path(), "no-d.json", jwk.to_string());
    let out = dir.path().join("out.json");
    let message = format!(
        "key {path}: invalid JWK: the RSA JWK holds private members (p, q, dp, dq, qi) but no \"d\""
    );
    // keygen --convert wrote p, q, dp, dq, qi to a 0644 file and called it a public key.
    jwtctl()
        .args(["keygen", "--convert", &path, "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("error: {message}\n"));
    assert!(!out.exists());
    refused_by("keygen", &["--public", &path], 1, &message);
    // One CRT member is enough to make it so.
    let mut jwk = keygen(&["--alg", "RS256", "--json"])["key"].clone();
    let map = jwk.as_object_mut().unwrap();
    for name in ["d", "p", "q", "dp", "dq"] {
        map.remove(name);
    }
    let path = write(dir.path(), "qi-only.json", jwk.to_string());
    refused_by(
        "keygen",
        &["--convert", &path],
        1,
        &format!("key {path}: invalid JWK: the RSA JWK holds private members (qi) but no \"d\""),
    );
}
