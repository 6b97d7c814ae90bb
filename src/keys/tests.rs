//! What a key may do: checks of `Key::check` and its refusals.

use super::recognise::recognise;
use super::*;
use crate::jose::alg::find;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;

pub(super) fn opts() -> LoadOptions {
    LoadOptions::default()
}

pub(super) fn rsa_pem() -> (Vec<u8>, Vec<u8>) {
    let rsa = Rsa::generate(2048).unwrap();
    let pkey = PKey::from_rsa(rsa).unwrap();
    (
        pkey.private_key_to_pem_pkcs8().unwrap(),
        pkey.public_key_to_pem().unwrap(),
    )
}

#[test]
fn checks_name_what_is_needed() {
    let short = Key::from_secret(b"secret").unwrap();
    let err = short
        .check(find("HS256").unwrap(), Op::Sign, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "HS256 needs a secret of at least 32 bytes, got 6"
    );
    assert_eq!(error::exit_code(&err), 1);

    let small = Key::from_jwk(
        convert::public_to_jwk(&PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap()).unwrap(),
    )
    .unwrap();
    let err = small
        .check(find("RS256").unwrap(), Op::Verify, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "RS256 needs an RSA key of at least 2048 bits, got 1024"
    );

    let (private, public) = rsa_pem();
    let public = recognise(&public, &opts()).unwrap().keys.remove(0);
    let err = public
        .check(find("PS256").unwrap(), Op::Sign, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "signing needs a private key, got an RSA public key (2048 bits)"
    );
    let private = recognise(&private, &opts()).unwrap().keys.remove(0);
    private
        .check(find("PS256").unwrap(), Op::Sign, None)
        .unwrap();
}

#[test]
fn use_key_ops_and_alg_restrict_a_jwk() {
    let mut jwk = Jwk::generate_oct_key(32).unwrap();
    jwk.set_key_use("enc");
    let key = Key::from_jwk(jwk).unwrap();
    let err = key
        .check(find("HS256").unwrap(), Op::Verify, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this key is marked \"use\": \"enc\" and may not verify signatures"
    );

    let mut jwk = Jwk::generate_oct_key(32).unwrap();
    jwk.set_key_operations(vec!["verify"]);
    let key = Key::from_jwk(jwk).unwrap();
    key.check(find("HS256").unwrap(), Op::Verify, None).unwrap();
    let err = key
        .check(find("HS256").unwrap(), Op::Sign, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this key's \"key_ops\" (verify) do not allow it to sign"
    );

    let mut jwk = Jwk::generate_oct_key(32).unwrap();
    jwk.set_algorithm("A256KW");
    let key = Key::from_jwk(jwk).unwrap();
    let err = key
        .check(find("HS256").unwrap(), Op::Sign, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this key is for A256KW (its \"alg\"), not HS256"
    );
}

#[test]
fn usable_algs_follow_the_key_type() {
    let (_, public) = rsa_pem();
    let key = recognise(&public, &opts()).unwrap().keys.remove(0);
    let names: Vec<_> = key
        .usable_algs_with(Op::Verify, false)
        .iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(
        names,
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
    );
    let secret = Key::from_secret(&[7u8; 32]).unwrap();
    let names: Vec<_> = secret
        .usable_algs_with(Op::Verify, false)
        .iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["HS256"]);
}

#[test]
fn passing_says_per_key_what_check_weak_says_and_is_worked_out_once() {
    let (_, public) = rsa_pem();
    let rsa = recognise(&public, &opts()).unwrap().keys.remove(0);
    let strong = Key::from_secret(&[7u8; 64]).unwrap();
    let short = Key::from_secret(&[7u8; 16]).unwrap();
    let set = KeySet::new(vec![rsa, strong, short], true);
    let hs512 = find("HS512").unwrap();
    let passing = set.passing(hs512, Op::Verify, None);
    let said: Vec<String> = passing.iter().map(|p| format!("{p:?}")).collect();
    assert_eq!(
        said,
        [
            "Refused",
            "Usable { weakness: None }",
            "Usable { weakness: Some(\"HS512 needs a secret of at least 64 bytes, got 16\") }",
        ]
    );
    // The same answer, not worked out again; another (alg, op) has its own.
    assert!(std::sync::Arc::ptr_eq(
        &passing,
        &set.passing(hs512, Op::Verify, None)
    ));
    let rs256 = set.passing(find("RS256").unwrap(), Op::Verify, None);
    assert!(matches!(
        rs256.as_ref(),
        [
            Passing::Usable { weakness: None },
            Passing::Refused,
            Passing::Refused
        ]
    ));
    // A clone starts with the answers, and they stay right for it.
    let copy = set.clone();
    assert_eq!(
        format!("{:?}", copy.passing(hs512, Op::Verify, None)),
        format!("{passing:?}")
    );
}
