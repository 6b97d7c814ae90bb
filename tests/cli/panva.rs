//! Tokens panva `jose` (node) made in both JSON forms (tests/fixtures/panva/make.mjs):
//! every key of every token verifies or decrypts it to the claims the manifest names, and
//! `inspect` names its form and entries. No node needed here; scripts/interop makes fresh
//! ones both ways.

use crate::common;

use common::*;
use serde_json::Value;

#[test]
fn panva_json_fixtures_verify_and_decrypt() {
    let manifest: Value = serde_json::from_str(&fixture_text("panva/manifest.json")).unwrap();
    let entries = manifest["tokens"].as_array().unwrap();
    assert_eq!(entries.len(), 12);
    let mut checked = 0;
    for m in entries {
        let doc = fixture_text(&format!("panva/{}", m["token"].as_str().unwrap()));
        let jws = m["kind"] == "jws";
        let keys: Vec<String> = m["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| private_fixture(&format!("panva/{}", k.as_str().unwrap())))
            .collect();
        assert_eq!(keys.len(), m["algs"].as_array().unwrap().len(), "{m}");
        for k in &keys {
            let mut args = vec![if jws { "verify" } else { "decrypt" }, "--key", k];
            args.extend(["--aud", "jwtctl-tests", "--now", "1700000000", "--json"]);
            if !jws {
                // RSA-OAEP and ECDH-ES prove no sender: the round trip is what is checked.
                args.push("--allow-unauthenticated");
            }
            args.push("-");
            let out = jwtctl().args(&args).write_stdin(doc.clone()).assert();
            let out = out.get_output();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{} {k}: {}",
                m["name"],
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.stderr.is_empty(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(report["valid"], true, "{m}");
            assert_eq!(report["claims"], m["claims"], "{m}");
            checked += 1;
        }
        let inspected = json_of(
            jwtctl()
                .args(["--json", "inspect", "-"])
                .write_stdin(doc.clone()),
        );
        assert_eq!(inspected["serialization"], m["form"], "{m}");
        let list = if jws { "signatures" } else { "recipients" };
        assert_eq!(inspected[list].as_array().unwrap().len(), keys.len(), "{m}");
    }
    assert_eq!(checked, 16);
}

/// A signature of a two-signature panva JWS that is tampered with fails alone: the other
/// key still verifies the token, the tampered one's key does not.
#[test]
fn a_tampered_panva_signature_fails_only_its_check() {
    let doc = fixture_text("panva/jws-es256-hs256.json");
    let mut token: Value = serde_json::from_str(&doc).unwrap();
    let sig = token["signatures"][1]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let flipped = crate::forge::flip_first(&sig);
    token["signatures"][1]["signature"] = Value::String(flipped);
    let tampered = token.to_string();
    let es = private_fixture("panva/jws-es256-hs256-es256.key.json");
    let hs = private_fixture("panva/jws-es256-hs256-hs256.key.json");
    jwtctl()
        .args(["verify", "--key", &es, "--aud", "jwtctl-tests", "-"])
        .write_stdin(tampered.clone())
        .assert()
        .code(0);
    let out = jwtctl()
        .args(["verify", "--key", &hs, "--aud", "jwtctl-tests", "-"])
        .write_stdin(tampered)
        .assert()
        .code(4);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "error: signature 2 does not verify (HS256)\n"
    );
}
