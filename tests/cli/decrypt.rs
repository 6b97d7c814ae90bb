//! `jwtctl decrypt`: tampering with each JWE part, the gate in front of josekit (each
//! refusal with its exit code, message and wall time), no padding oracle, nested JWTs and
//! RSA1_5.

use crate::common;
use crate::forge::{b64, dir_gcm, unb64};
use crate::keycache;

use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use keycache::{for_alg, key, rsa, scratch};
use openssl::symm::{Cipher, Crypter, Mode};
use serde_json::{Value, json};

const NOW: &str = "1700000000";

/// Gate refusals must be quick: the issue asks for under 100 ms of work; this bound
/// includes starting an unoptimised process.
const GATE_BUDGET: Duration = Duration::from_millis(500);

fn issue(args: &[&str]) -> String {
    stdout_of(jwtctl().arg("issue").args(args).args(["--now", NOW]))
        .trim_end()
        .to_string()
}

fn header_of(token: &str) -> Value {
    serde_json::from_slice(&unb64(token.split('.').next().unwrap())).unwrap()
}

/// Re-encodes part `index` (0 = header … 4 = tag) after changing its decoded bytes.
fn mutate(token: &str, index: usize, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let mut bytes = unb64(&parts[index]);
    change(&mut bytes);
    parts[index] = b64(&bytes);
    parts.join(".")
}

/// The same token with another protected header (the other parts untouched).
fn with_header(token: &str, header: &Value) -> String {
    let (_, rest) = token.split_once('.').unwrap();
    format!("{}.{rest}", b64(header.to_string()))
}

/// A compact `dir` + A128CBC-HS256 JWE (RFC 7518 §5.2.2) whose ciphertext is `ciphertext`
/// exactly as given, with its correct authentication tag.
fn dir_cbc_hs256(key: &[u8], header: &Value, iv: &[u8], ciphertext: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let protected = b64(header.to_string());
    let aad = protected.as_bytes();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key[..16]).unwrap();
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&((aad.len() as u64) * 8).to_be_bytes());
    let tag = &mac.finalize().into_bytes()[..16];
    format!("{protected}..{}.{}.{}", b64(iv), b64(ciphertext), b64(tag))
}

/// AES-128-CBC under the encryption half of an A128CBC-HS256 key; `pad` chooses PKCS#7.
fn cbc_encrypt(key: &[u8], iv: &[u8], data: &[u8], pad: bool) -> Vec<u8> {
    let mut crypter =
        Crypter::new(Cipher::aes_128_cbc(), Mode::Encrypt, &key[16..], Some(iv)).unwrap();
    crypter.pad(pad);
    let mut out = vec![0; data.len() + 32];
    let mut n = crypter.update(data, &mut out).unwrap();
    n += crypter.finalize(&mut out[n..]).unwrap();
    out.truncate(n);
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn decrypt(args: &[&str]) -> assert_cmd::assert::Assert {
    jwtctl().arg("decrypt").args(args).assert()
}

fn refused(args: &[&str], code: i32, message: &str) {
    refused_by("decrypt", args, code, message);
}

/// A refusal by the gate: exact code and message, and quick. Returns the wall time.
fn gate_refuses(what: &str, key: &str, token: &str, code: i32, message: &str) -> Duration {
    let start = Instant::now();
    let out = jwtctl()
        .args(["decrypt", "--key", key, "--now", NOW, "-"])
        .write_stdin(token)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned()
        ),
        (Some(code), format!("error: {message}\n")),
        "{what}"
    );
    assert!(out.stdout.is_empty(), "{what}");
    assert!(
        elapsed < GATE_BUDGET,
        "{what}: the refusal took {elapsed:?}"
    );
    eprintln!("gate timing: {what}: {} ms", elapsed.as_millis());
    elapsed
}

/// The claims a successful decrypt prints. RSA-OAEP and ECDH-ES tokens are accepted here
/// without a signed inner token: these tests are about decryption itself.
fn claims_of_decrypt(args: &[&str]) -> Value {
    json_of(
        jwtctl()
            .args(["decrypt", "--json", "--now", NOW, "--allow-unauthenticated"])
            .args(args),
    )["claims"]
        .clone()
}

#[test]
fn tampering_with_any_of_the_five_parts_fails_with_exit_4() {
    let rsa = rsa();
    let cases: Vec<(String, Vec<&str>)> = vec![
        (for_alg("dir"), vec![]),
        (for_alg("A256KW"), vec!["--enc", "A128CBC-HS256"]),
        (for_alg("A128GCMKW"), vec!["--enc", "A192GCM"]),
        (rsa.clone(), vec!["--alg", "RSA-OAEP-256"]),
        (for_alg("ECDH-ES+A128KW"), vec!["--enc", "A256CBC-HS512"]),
        (for_alg("ECDH-ES"), vec![]),
        (
            for_alg("PBES2-HS256+A128KW"),
            vec!["--enc", "A192CBC-HS384"],
        ),
    ];
    for (key, flags) in &cases {
        let good = issue(&[&["--key", key.as_str(), "--sub", "alice"][..], flags].concat());
        let what = format!("{} {}", header_of(&good)["alg"], header_of(&good)["enc"]);
        assert_eq!(
            claims_of_decrypt(&["--key", key, &good]),
            json!({"sub": "alice", "iat": 1_700_000_000}),
            "{what}"
        );
        let has_key = !good.split('.').nth(1).unwrap().is_empty();
        let mut tampered = vec![
            // "JWT" → "KWT": the header still parses, but it is the AAD.
            (
                "header",
                mutate(&good, 0, |h| {
                    let at = h.windows(3).position(|w| w == b"JWT").unwrap();
                    h[at] ^= 1;
                }),
            ),
            ("iv", mutate(&good, 2, |iv| iv[0] ^= 1)),
            ("ciphertext", mutate(&good, 3, |c| c[0] ^= 1)),
            (
                "ciphertext end",
                mutate(&good, 3, |c| *c.last_mut().unwrap() ^= 0x80),
            ),
            ("tag", mutate(&good, 4, |t| *t.last_mut().unwrap() ^= 1)),
        ];
        if has_key {
            tampered.push(("encrypted key", mutate(&good, 1, |k| k[3] ^= 1)));
        }
        for (part, bad) in &tampered {
            assert_ne!(bad, &good);
            let out = jwtctl()
                .args(["decrypt", "--key", key, "--now", NOW])
                .args(["--allow-unauthenticated", bad])
                .output()
                .unwrap();
            assert_eq!(
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).into_owned()
                ),
                (Some(4), "error: decryption failed\n".to_string()),
                "{what}: {part}"
            );
            assert!(out.stdout.is_empty(), "{what}: {part}");
        }
    }
}

#[test]
fn structural_changes_to_a_jwe_are_refused_before_decryption() {
    // dir + A256GCM: IV 12 bytes, tag 16 bytes, no encrypted key.
    let dir = for_alg("dir");
    let good = issue(&["--key", &dir, "--sub", "alice"]);
    // A shorter IV is malformed (3): josekit would panic on it.
    gate_refuses(
        "IV one byte short",
        &dir,
        &mutate(&good, 2, |iv| {
            iv.pop();
        }),
        3,
        "A256GCM needs a 12-byte IV, got 11",
    );
    // A shorter tag cannot be authentic (4).
    gate_refuses(
        "tag one byte short",
        &dir,
        &mutate(&good, 4, |t| {
            t.pop();
        }),
        4,
        "A256GCM needs a 16-byte authentication tag, got 15",
    );
    // A shorter ciphertext: GCM has no structure to check, the tag fails (4).
    refused(
        &[
            "--key",
            &dir,
            &mutate(&good, 3, |c| {
                c.pop();
            }),
        ],
        4,
        "decryption failed",
    );
    // An encrypted key where dir has none (3).
    gate_refuses(
        "dir with an encrypted key",
        &dir,
        &mutate(&good, 1, |k| k.extend_from_slice(&[1, 2, 3, 4, 5])),
        3,
        "dir uses no encrypted key, but the token carries 5 bytes",
    );
    // A256KW: the wrapped key is exactly 40 bytes for A256GCM.
    let kw = for_alg("A256KW");
    let good = issue(&["--key", &kw]);
    gate_refuses(
        "A256KW key one byte short",
        &kw,
        &mutate(&good, 1, |k| {
            k.pop();
        }),
        4,
        "A256KW with A256GCM needs a 40-byte wrapped key, got 39",
    );
    // RSA-OAEP: an encrypted key that is not the modulus size never reaches OpenSSL.
    let rsa = rsa();
    let good = issue(&["--key", &rsa, "--alg", "RSA-OAEP"]);
    refused(
        &[
            "--key",
            &rsa,
            "--allow-unauthenticated",
            &mutate(&good, 1, |k| {
                k.pop();
            }),
        ],
        4,
        "decryption failed",
    );
    refused(
        &["--key", &rsa, &mutate(&good, 1, |k| k.clear())],
        4,
        "RSA-OAEP needs an encrypted key, the token has none",
    );
    // Five parts, but not base64url, and the wrong number of parts.
    let parts: Vec<&str> = good.split('.').collect();
    refused(
        &[
            "--key",
            &rsa,
            &format!(
                "{}.{}.{}.{}.{}=",
                parts[0], parts[1], parts[2], parts[3], parts[4]
            ),
        ],
        3,
        "part 5 (tag) is not base64url",
    );
    refused(
        &["--key", &rsa, &parts[..4].join(".")],
        3,
        "expected 3 parts (JWS) or 5 parts (JWE), found 4",
    );
}

#[test]
fn gcm_tags_and_ivs_of_the_wrong_length_are_refused() {
    let key = key(&["--alg", "dir", "--enc", "A128GCM"]);
    let secret = keycache::secret(&key);
    let header = json!({"alg": "dir", "enc": "A128GCM"});
    let good = dir_gcm(&secret, &header, b"{\"sub\":\"alice\"}", &[7; 12]);
    assert_eq!(
        claims_of_decrypt(&["--key", &key, &good]),
        json!({"sub": "alice"})
    );
    // A 1-byte tag: josekit would accept a truncated tag (forgery in ~256 tries).
    let one_byte = mutate(&good, 4, |t| t.truncate(1));
    gate_refuses(
        "GCM tag truncated to 1 byte",
        &key,
        &one_byte,
        4,
        "A128GCM needs a 16-byte authentication tag, got 1",
    );
    gate_refuses(
        "GCM tag empty",
        &key,
        &mutate(&good, 4, |t| t.clear()),
        4,
        "A128GCM needs a 16-byte authentication tag, got 0",
    );
    // An empty IV (josekit panics) and an 8-byte IV.
    gate_refuses(
        "empty IV",
        &key,
        &mutate(&good, 2, |iv| iv.clear()),
        3,
        "A128GCM needs a 12-byte IV, got 0",
    );
    // A genuine token with an 8-byte IV (OpenSSL accepts other GCM IV lengths).
    let short_iv = dir_gcm(&secret, &header, b"{\"sub\":\"alice\"}", &[7; 8]);
    gate_refuses(
        "8-byte GCM IV",
        &key,
        &short_iv,
        3,
        "A128GCM needs a 12-byte IV, got 8",
    );
    let long_iv = dir_gcm(&secret, &header, b"{}", &[7; 16]);
    gate_refuses(
        "16-byte GCM IV",
        &key,
        &long_iv,
        3,
        "A128GCM needs a 12-byte IV, got 16",
    );
}

#[test]
fn cbc_hs_tags_of_the_wrong_length_are_refused() {
    let key = key(&["--alg", "dir", "--enc", "A128CBC-HS256"]);
    let secret = keycache::secret(&key);
    let header = json!({"alg": "dir", "enc": "A128CBC-HS256"});
    let iv = [9u8; 16];
    let good = dir_cbc_hs256(
        &secret,
        &header,
        &iv,
        &cbc_encrypt(&secret, &iv, b"{\"sub\":\"alice\"}", true),
    );
    assert_eq!(
        claims_of_decrypt(&["--key", &key, &good]),
        json!({"sub": "alice"})
    );
    // The full, untruncated HMAC-SHA256 (a classic mistake) and a short one.
    let mut full = good.clone();
    {
        use hmac::{KeyInit, Mac};
        let parts: Vec<&str> = good.split('.').collect();
        let aad = parts[0].as_bytes();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret[..16]).unwrap();
        mac.update(aad);
        mac.update(&iv);
        mac.update(&unb64(parts[3]));
        mac.update(&((aad.len() as u64) * 8).to_be_bytes());
        let tag = mac.finalize().into_bytes();
        full = mutate(&full, 4, |t| *t = tag.to_vec());
    }
    gate_refuses(
        "CBC-HS tag of 32 bytes",
        &key,
        &full,
        4,
        "A128CBC-HS256 needs a 16-byte authentication tag, got 32",
    );
    gate_refuses(
        "CBC-HS tag of 8 bytes",
        &key,
        &mutate(&good, 4, |t| t.truncate(8)),
        4,
        "A128CBC-HS256 needs a 16-byte authentication tag, got 8",
    );
    gate_refuses(
        "CBC IV of 12 bytes",
        &key,
        &mutate(&good, 2, |iv| iv.truncate(12)),
        3,
        "A128CBC-HS256 needs a 16-byte IV, got 12",
    );
    // A ciphertext that is not whole blocks gives the same answer as a bad tag.
    gate_refuses(
        "CBC ciphertext not whole blocks",
        &key,
        &mutate(&good, 3, |c| {
            c.pop();
        }),
        4,
        "decryption failed",
    );
}

#[test]
fn cbc_padding_errors_and_tag_errors_look_the_same() {
    let key = key(&["--alg", "dir", "--enc", "A128CBC-HS256"]);
    let secret = keycache::secret(&key);
    let header = json!({"alg": "dir", "enc": "A128CBC-HS256"});
    let iv = [3u8; 16];
    // Bad padding (the last byte is 0) under a correct tag: only the key holder can make it.
    let mut block = b"{\"sub\":\"alice\"}".to_vec();
    block.resize(32, 0);
    let bad_padding = dir_cbc_hs256(
        &secret,
        &header,
        &iv,
        &cbc_encrypt(&secret, &iv, &block, false),
    );
    // Padding byte 0x11 (more than a block) under a correct tag.
    block[31] = 0x11;
    let overlong_padding = dir_cbc_hs256(
        &secret,
        &header,
        &iv,
        &cbc_encrypt(&secret, &iv, &block, false),
    );
    // Good padding, wrong tag.
    let good = dir_cbc_hs256(
        &secret,
        &header,
        &iv,
        &cbc_encrypt(&secret, &iv, b"{}", true),
    );
    let bad_tag = mutate(&good, 4, |t| t[0] ^= 1);
    for (what, token) in [
        ("bad padding", &bad_padding),
        ("overlong padding", &overlong_padding),
        ("bad tag", &bad_tag),
    ] {
        let out = jwtctl()
            .args(["decrypt", "--key", &key, token])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{what}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: decryption failed\n",
            "{what}"
        );
        assert!(out.stdout.is_empty(), "{what}");
    }
    decrypt(&["--key", &key, &good]).success().stdout("{}\n");
}

#[test]
fn short_wrapped_keys_are_refused_for_every_key_wrap_family() {
    for (alg, message) in [
        (
            "A128KW",
            "A128KW with A256GCM needs a 40-byte wrapped key, got 7",
        ),
        (
            "ECDH-ES+A128KW",
            "ECDH-ES+A128KW with A256GCM needs a 40-byte wrapped key, got 7",
        ),
        (
            "PBES2-HS256+A128KW",
            "PBES2-HS256+A128KW with A256GCM needs a 40-byte wrapped key, got 7",
        ),
    ] {
        let key = for_alg(alg);
        let good = issue(&["--key", &key]);
        let short = mutate(&good, 1, |k| k.truncate(7));
        gate_refuses(
            &format!("{alg} 7-byte encrypted key"),
            &key,
            &short,
            4,
            message,
        );
        let empty = mutate(&good, 1, |k| k.clear());
        gate_refuses(
            &format!("{alg} empty encrypted key"),
            &key,
            &empty,
            4,
            &message.replace("got 7", "got 0"),
        );
    }
    // A*GCMKW: the encrypted key is the CEK itself; header iv and tag are checked too.
    let key = for_alg("A128GCMKW");
    let good = issue(&["--key", &key]);
    gate_refuses(
        "A128GCMKW 7-byte encrypted key",
        &key,
        &mutate(&good, 1, |k| k.truncate(7)),
        4,
        "A128GCMKW with A256GCM needs a 32-byte encrypted key, got 7",
    );
    let mut header = header_of(&good);
    header["tag"] = json!(b64([1u8]));
    gate_refuses(
        "A128GCMKW 1-byte header tag",
        &key,
        &with_header(&good, &header),
        4,
        "A128GCMKW needs a 16-byte header tag",
    );
    let mut header = header_of(&good);
    header["iv"] = json!("");
    gate_refuses(
        "A128GCMKW empty header iv",
        &key,
        &with_header(&good, &header),
        3,
        "A128GCMKW needs a 12-byte header iv",
    );
    let mut header = header_of(&good);
    header.as_object_mut().unwrap().remove("iv");
    gate_refuses(
        "A128GCMKW without header iv",
        &key,
        &with_header(&good, &header),
        3,
        "header \"iv\" is missing or not base64url",
    );
}

#[test]
fn ecdh_es_carries_no_encrypted_key_and_needs_an_epk() {
    let key = for_alg("ECDH-ES");
    let good = issue(&["--key", &key]);
    assert_eq!(good.split('.').nth(1), Some(""));
    gate_refuses(
        "ECDH-ES with an encrypted key",
        &key,
        &mutate(&good, 1, |k| k.extend_from_slice(&[0; 40])),
        3,
        "ECDH-ES uses no encrypted key, but the token carries 40 bytes",
    );
    let mut header = header_of(&good);
    header.as_object_mut().unwrap().remove("epk");
    gate_refuses(
        "ECDH-ES without epk",
        &key,
        &with_header(&good, &header),
        3,
        "ECDH-ES needs an \"epk\" header holding a public JWK",
    );
    // An epk on another curve, or not on the curve, fails as decryption.
    let mut header = header_of(&good);
    header["epk"]["x"] = json!(b64([1u8; 32]));
    refused(
        &[
            "--key",
            &key,
            "--allow-unauthenticated",
            &with_header(&good, &header),
        ],
        4,
        "decryption failed",
    );
}

#[test]
fn zip_def_is_inflated_under_a_cap() {
    let key = for_alg("dir");
    let secret = keycache::secret(&key);
    let header = json!({"alg": "dir", "enc": "A256GCM", "zip": "DEF"});
    // 10 MB of zeros deflate to about 10 KB.
    let bomb = deflate(&vec![0u8; 10 * 1024 * 1024]);
    assert!(bomb.len() < 20_000, "{}", bomb.len());
    let token = dir_gcm(&secret, &header, &bomb, &[1; 12]);
    gate_refuses(
        "zip DEF bomb (10 MB of zeros)",
        &key,
        &token,
        3,
        "the zip: DEF payload inflates to more than 262144 bytes (raise it with --max-inflate)",
    );
    // A small compressed token decrypts.
    let claims = json!({"sub": "alice", "scope": "a ".repeat(500)});
    let small = dir_gcm(
        &secret,
        &header,
        &deflate(claims.to_string().as_bytes()),
        &[2; 12],
    );
    assert_eq!(claims_of_decrypt(&["--key", &key, &small]), claims);
    // The cap is adjustable: 300 000 bytes pass with --max-inflate 300000, not 299999.
    let payload = format!("\"{}\"", "x".repeat(299_998));
    let big = dir_gcm(&secret, &header, &deflate(payload.as_bytes()), &[3; 12]);
    let out = stdout_of(jwtctl().args(["decrypt", "--key", &key, "--max-inflate", "300000", &big]));
    assert_eq!(out.len(), 300_000);
    refused(
        &["--key", &key, "--max-inflate", "299999", &big],
        3,
        "the zip: DEF payload inflates to more than 299999 bytes (raise it with --max-inflate)",
    );
    // jwtctl's own zip tokens round-trip.
    let issued = issue(&["--key", &key, "--header", "zip=DEF", "--sub", "zipped"]);
    assert_eq!(header_of(&issued)["zip"], "DEF");
    assert_eq!(
        claims_of_decrypt(&["--key", &key, &issued]),
        json!({"sub": "zipped", "iat": 1_700_000_000})
    );
    // Another zip is not supported.
    let gzip = dir_gcm(
        &secret,
        &json!({"alg": "dir", "enc": "A256GCM", "zip": "GZIP"}),
        b"{}",
        &[4; 12],
    );
    gate_refuses("zip GZIP", &key, &gzip, 3, "unsupported zip \"GZIP\"");
}

#[test]
fn pbes2_iteration_counts_are_capped() {
    let key = for_alg("PBES2-HS256+A128KW");
    let good = issue(&["--key", &key, "--sub", "alice"]);
    assert_eq!(header_of(&good)["p2c"], 100_000);
    assert_eq!(
        claims_of_decrypt(&["--key", &key, &good]),
        json!({"sub": "alice", "iat": 1_700_000_000})
    );
    let with_p2c = |p2c: Value| {
        let mut header = header_of(&good);
        header["p2c"] = p2c;
        with_header(&good, &header)
    };
    gate_refuses(
        "PBES2 p2c 1 000 000",
        &key,
        &with_p2c(json!(1_000_000)),
        4,
        "PBES2 p2c 1000000 is over the limit of 310000 (raise it with --max-p2c)",
    );
    gate_refuses(
        "PBES2 p2c 310 001",
        &key,
        &with_p2c(json!(310_001)),
        4,
        "PBES2 p2c 310001 is over the limit of 310000 (raise it with --max-p2c)",
    );
    for (what, p2c) in [
        ("PBES2 p2c 0", json!(0)),
        ("PBES2 p2c -1", json!(-1)),
        ("PBES2 p2c \"1000\"", json!("1000")),
        ("PBES2 p2c 1.5", json!(1.5)),
    ] {
        gate_refuses(
            what,
            &key,
            &with_p2c(p2c),
            3,
            "PBES2 needs a positive integer \"p2c\"",
        );
    }
    let mut header = header_of(&good);
    header.as_object_mut().unwrap().remove("p2c");
    gate_refuses(
        "PBES2 without p2c",
        &key,
        &with_header(&good, &header),
        3,
        "PBES2 needs a positive integer \"p2c\"",
    );
    let mut header = header_of(&good);
    header["p2s"] = json!(b64([1u8; 4]));
    gate_refuses(
        "PBES2 4-byte salt",
        &key,
        &with_header(&good, &header),
        3,
        "PBES2 \"p2s\" must hold at least 8 bytes",
    );
    // Raising the cap lets the count through to decryption (which then fails: the
    // header is authenticated).
    refused(
        &[
            "--key",
            &key,
            "--max-p2c",
            "400000",
            &with_p2c(json!(310_001)),
        ],
        4,
        "decryption failed",
    );
    // A raw password file works as the PBES2 key.
    let password = scratch("decrypt-password", "correct horse battery staple\n");
    let token = issue(&[
        "--key",
        &password,
        "--alg",
        "PBES2-HS512+A256KW",
        "--sub",
        "pw",
    ]);
    assert_eq!(
        claims_of_decrypt(&["--key", &password, "--alg", "PBES2-HS512+A256KW", &token]),
        json!({"sub": "pw", "iat": 1_700_000_000})
    );
}

#[test]
fn unknown_critical_headers_are_refused_for_jwe_and_jws() {
    let key = for_alg("dir");
    let secret = keycache::secret(&key);
    let token = dir_gcm(
        &secret,
        &json!({"alg": "dir", "enc": "A256GCM", "crit": ["exp"], "exp": 1}),
        b"{}",
        &[5; 12],
    );
    gate_refuses(
        "JWE crit [\"exp\"]",
        &key,
        &token,
        3,
        "unsupported critical header parameter \"exp\"",
    );
    let token = dir_gcm(
        &secret,
        &json!({"alg": "dir", "enc": "A256GCM", "crit": "exp"}),
        b"{}",
        &[5; 12],
    );
    gate_refuses(
        "JWE crit not an array",
        &key,
        &token,
        3,
        "header \"crit\" must be a non-empty array",
    );
    // JWS: a genuine HS256 token with crit b64 (RFC 7797): understood, so the payload is
    // the unencoded text "e30" that was signed (not "{}").
    let hs = for_alg("HS256");
    let token = {
        use hmac::{KeyInit, Mac};
        let input = format!(
            "{}.{}",
            b64(json!({"alg": "HS256", "crit": ["b64"], "b64": false}).to_string()),
            b64("{}")
        );
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&keycache::secret(&hs)).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(mac.finalize().into_bytes()))
    };
    jwtctl()
        .args(["verify", "--key", &hs, "--now", NOW, &token])
        .assert()
        .success()
        .stdout("e30");
}

#[test]
fn nested_jwts_verify_the_inner_jws_or_refuse() {
    let enc = for_alg("A256KW");
    let sign = for_alg("ES256");
    let token = issue(&[
        "--key",
        &enc,
        "--sign-key",
        &sign,
        "--sub",
        "alice",
        "--exp",
        "1h",
    ]);
    let claims = json!({"sub": "alice", "exp": 1_700_003_600, "iat": 1_700_000_000});
    let report = json_of(jwtctl().args([
        "decrypt",
        "--key",
        &enc,
        "--verify-key",
        &sign,
        "--json",
        "--now",
        NOW,
        &token,
    ]));
    assert_eq!(report["claims"], claims);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "alg",
            "decryption",
            "inner alg",
            "inner signature",
            "exp",
            "nbf",
            "iss",
            "aud",
            "sub"
        ]
    );
    // Without --verify-key: refused, and nothing printed.
    refused(
        &["--key", &enc, "--now", NOW, &token],
        2,
        "this is a nested JWT: give --verify-key KEY to verify the inner JWS, or --no-verify-inner",
    );
    // --no-verify-inner: the claims, and the checks say the signature was skipped.
    let report = json_of(jwtctl().args([
        "decrypt",
        "--key",
        &enc,
        "--no-verify-inner",
        "--json",
        "--now",
        NOW,
        &token,
    ]));
    assert_eq!(report["claims"], claims);
    assert_eq!(
        report["checks"][2],
        json!({"check": "inner signature", "result": "skipped", "detail": "not verified (no --verify-key)"})
    );
    // The wrong verification key.
    let other = key(&["--alg", "ES256", "--kid", "other"]);
    refused(
        &["--key", &enc, "--verify-key", &other, "--now", NOW, &token],
        4,
        &format!(
            "signature does not verify (ES256): the token's kid is \"{}\", the key's is \"other\"",
            keycache::jwk(&sign)["kid"].as_str().unwrap()
        ),
    );
    // An HS256 verification key: the inner ES256 is not on its allowlist.
    refused(
        &[
            "--key",
            &enc,
            "--verify-key",
            &for_alg("HS256"),
            "--now",
            NOW,
            &token,
        ],
        4,
        &format!(
            "the token asks for ES256, but only HS256 is allowed: the token's kid is \"{}\", the key's is \"{}\"",
            keycache::jwk(&sign)["kid"].as_str().unwrap(),
            keycache::jwk(&for_alg("HS256"))["kid"].as_str().unwrap()
        ),
    );
    // The inner claims are checked.
    refused(
        &[
            "--key",
            &enc,
            "--verify-key",
            &sign,
            "--now",
            "1700003600",
            &token,
        ],
        5,
        "token expired at 2023-11-14T23:13:20Z (0s ago)",
    );
    // An unsigned inner token is refused even when it is wrapped in a genuine JWE.
    let dir = for_alg("dir");
    let inner = format!(
        "{}.{}.",
        b64(r#"{"alg":"none"}"#),
        b64(r#"{"sub":"admin"}"#)
    );
    let wrapped = dir_gcm(
        &keycache::secret(&dir),
        &json!({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}),
        inner.as_bytes(),
        &[6; 12],
    );
    refused(
        &["--key", &dir, "--verify-key", &for_alg("HS256"), &wrapped],
        4,
        "alg \"none\" means an unsigned token; it is never accepted",
    );
    // cty JWT around something that is not a JWS.
    let wrapped = dir_gcm(
        &keycache::secret(&dir),
        &json!({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}),
        b"hello",
        &[7; 12],
    );
    refused(
        &["--key", &dir, "--verify-key", &for_alg("HS256"), &wrapped],
        4,
        "--verify-key needs the plaintext to be a JWS signed by that key, but it is not one (expected 3 parts (JWS) or 5 parts (JWE), found 1)",
    );
    refused(
        &["--key", &dir, "--no-verify-inner", &wrapped],
        3,
        "the nested token: expected 3 parts (JWS) or 5 parts (JWE), found 1",
    );
}

#[test]
fn rsa1_5_is_used_only_when_named() {
    let rsa = rsa();
    let token = issue(&["--key", &rsa, "--alg", "RSA1_5", "--sub", "legacy"]);
    refused(
        &["--key", &rsa, "--now", NOW, &token],
        4,
        "the token asks for RSA1_5, but only RSA-OAEP, RSA-OAEP-256, RSA-OAEP-384, RSA-OAEP-512 are allowed",
    );
    let claims = json!({"sub": "legacy", "iat": 1_700_000_000});
    assert_eq!(
        claims_of_decrypt(&["--key", &rsa, "--alg", "RSA1_5", &token]),
        claims
    );
    // Named by the key's own alg.
    let mut jwk = keycache::jwk(&rsa);
    jwk["alg"] = json!("RSA1_5");
    let legacy = scratch("decrypt-rsa1_5.json", jwk.to_string());
    assert_eq!(claims_of_decrypt(&["--key", &legacy, &token]), claims);
    // And --alg naming another algorithm refuses it.
    refused(
        &["--key", &rsa, "--alg", "RSA-OAEP", "--now", NOW, &token],
        4,
        "the token asks for RSA1_5, but only RSA-OAEP is allowed",
    );
}

#[test]
fn enc_allowlist_and_claim_checks() {
    let key = for_alg("A128KW");
    let token = issue(&[
        "--key", &key, "--sub", "alice", "--exp", "10m", "--aud", "api",
    ]);
    refused(
        &["--key", &key, "--enc", "A128GCM", "--now", NOW, &token],
        4,
        "the token uses enc A256GCM, but only A128GCM is allowed",
    );
    refused(
        &[
            "--key", &key, "--enc", "A128GCM", "--enc", "A192GCM", "--now", NOW, &token,
        ],
        4,
        "the token uses enc A256GCM, but only A128GCM, A192GCM are allowed",
    );
    decrypt(&["--key", &key, "--enc", "A256GCM", "--now", NOW, &token]).success();
    refused(
        &["--key", &key, "--now", "1700000600", &token],
        5,
        "token expired at 2023-11-14T22:23:20Z (0s ago)",
    );
    refused(
        &["--key", &key, "--now", NOW, "--aud", "web", &token],
        5,
        "audience [\"api\"] does not include \"web\"",
    );
    refused(
        &["--key", &key, "--now", NOW, "--iss", "me", &token],
        5,
        "token has no iss, expected \"me\"",
    );
    // Human output: plaintext on stdout, checks on stderr.
    decrypt(&["--key", &key, "--now", NOW, "--sub", "alice", &token])
        .success()
        .stdout("{\n  \"sub\": \"alice\",\n  \"aud\": \"api\",\n  \"exp\": 1700000600,\n  \"iat\": 1700000000\n}\n")
        .stderr(predicates::str::starts_with("decrypted; checks:\n  ok           alg             A128KW is allowed (A128KW)\n  ok           decryption      A128KW + A256GCM with key "));
}

#[test]
fn a_jws_is_sent_to_verify_and_the_wrong_key_fails() {
    let hs = for_alg("HS256");
    let jws = issue(&["--key", &hs]);
    refused(
        &["--key", &hs, &jws],
        3,
        "this is a JWS (signed token); use jwtctl verify",
    );
    // A key of the right type but not the one: the key unwrap fails.
    let token = issue(&["--key", &for_alg("A256KW")]);
    let other = key(&["--alg", "A256KW", "--kid", "other"]);
    refused(
        &["--key", &other, &token],
        4,
        &format!(
            "decryption failed: the token's kid is \"{}\", the key's is \"other\"",
            header_of(&token)["kid"].as_str().unwrap()
        ),
    );
    // alg none in a JWE header.
    let parts: Vec<&str> = token.splitn(2, '.').collect();
    let none = format!("{}.{}", b64(r#"{"alg":"none","enc":"A256GCM"}"#), parts[1]);
    gate_refuses(
        "JWE alg none",
        &other,
        &none,
        4,
        "alg \"none\" means an unsigned token; it is never accepted",
    );
    gate_refuses(
        "JWE unknown enc",
        &other,
        &format!(
            "{}.{}",
            b64(r#"{"alg":"A256KW","enc":"A512GCM"}"#),
            parts[1]
        ),
        3,
        "unsupported enc \"A512GCM\"",
    );
}

#[test]
fn an_enc_that_does_not_fit_the_dir_key_is_not_authentic() {
    let small = key(&["--alg", "dir", "--enc", "A128GCM"]);
    let token = issue(&["--key", &small, "--enc", "A128GCM"]);
    let big = for_alg("dir");
    refused(
        &["--key", &big, &token],
        4,
        "the token's enc A128GCM does not fit the key: this key is for dir with A256GCM (its \"enc\"), not A128GCM",
    );
    refused(
        &["--key", &big, "--alg", "dir", &token],
        4,
        "the token's enc A128GCM does not fit the key: this key is for dir with A256GCM (its \"enc\"), not A128GCM",
    );
    // A signing key never decrypts.
    refused(
        &["--key", &for_alg("HS256"), &token],
        1,
        "this key is for HS256 (its \"alg\"), not dir",
    );
    let secret = keycache::secret(&small);
    let sig_use = scratch(
        "decrypt-sig-use.json",
        json!({"kty": "oct", "k": b64(secret), "use": "sig"}).to_string(),
    );
    refused(
        &["--key", &sig_use, &token],
        1,
        "this key is marked \"use\": \"sig\" and may not decrypt",
    );
}

#[test]
fn a_jwk_set_picks_the_decryption_key_by_kid() {
    let a = key(&["--alg", "A256KW", "--kid", "a"]);
    let b = key(&["--alg", "A256KW", "--kid", "b"]);
    let set = scratch(
        "decrypt-set.json",
        json!({"keys": [keycache::jwk(&a), keycache::jwk(&b)]}).to_string(),
    );
    let token = issue(&["--key", &b, "--sub", "for-b"]);
    assert_eq!(header_of(&token)["kid"], "b");
    let report = json_of(jwtctl().args(["decrypt", "--key", &set, "--json", "--now", NOW, &token]));
    assert_eq!(report["claims"]["sub"], "for-b");
    assert_eq!(report["checks"][1]["detail"], "A256KW + A256GCM with key b");
    let stranger = key(&["--alg", "A256KW", "--kid", "c"]);
    refused(
        &["--key", &set, &issue(&["--key", &stranger])],
        4,
        "the JWK Set has no key with kid \"c\" (it has \"a\", \"b\")",
    );
}

#[test]
fn a_compressed_nested_jwt_longer_than_its_jwe_decrypts() {
    let enc = for_alg("dir");
    let sign = for_alg("HS256");
    let long = "a".repeat(50_000);
    let token = issue(&[
        "--key",
        &enc,
        "--sign-key",
        &sign,
        "--header",
        "zip=DEF",
        "--claim",
        &format!("long={long}"),
    ]);
    assert!(token.len() < 10_000, "{}", token.len());
    let claims = claims_of_decrypt(&["--key", &enc, "--verify-key", &sign, &token]);
    assert_eq!(claims["long"], long.as_str());
}
