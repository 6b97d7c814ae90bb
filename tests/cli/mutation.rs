//! A seeded mutation test of the trust path: for a valid token of every algorithm family,
//! random byte flips, part splices, header rewrites and tokens made with the attacker's own
//! key (or none) go through `verify --batch` / `decrypt --batch`, and only the untouched
//! token may come out valid. One process per family keeps it fast.

use crate::common;
use crate::forge;
use crate::keycache;

use common::*;
use forge::{b64, hs256_raw, unb64};
use keycache::{key, public_jwk};
use serde_json::{Value, json};

const NOW: &str = "1700000000";
const TOKEN_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

/// xorshift64: reproducible, and enough to pick positions and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn issue(key: &str, args: &[&str]) -> String {
    stdout_of(
        jwtctl()
            .args(["issue", "--key", key, "--now", NOW, "--exp", "1h"])
            .args(args),
    )
    .trim()
    .to_string()
}

/// The token with part `index` replaced by `replacement` (base64url text).
fn with_part(token: &str, index: usize, replacement: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[index] = replacement;
    parts.join(".")
}

fn header_of(token: &str) -> Value {
    serde_json::from_slice(&unb64(token.split('.').next().unwrap())).unwrap()
}

/// Header rewrites an attacker tries: another alg, none, crit, kid, typ, cty, zip, jku.
fn header_rewrites(token: &str) -> Vec<String> {
    let header = header_of(token);
    let mut edits: Vec<Value> = Vec::new();
    for alg in [
        "none", "None", "HS256", "RS256", "ES256", "EdDSA", "dir", "A128KW", "RSA1_5",
    ] {
        let mut h = header.clone();
        h["alg"] = json!(alg);
        edits.push(h);
    }
    for (name, value) in [
        ("crit", json!(["exp"])),
        ("kid", json!("attacker")),
        ("kid", json!(1)),
        ("typ", json!("at+jwt")),
        ("cty", json!("JWT")),
        ("zip", json!("DEF")),
        ("jku", json!("https://attacker.example/jwks")),
        ("jwk", json!({"kty": "oct", "k": b64([7u8; 32])})),
        ("enc", json!("A128GCM")),
    ] {
        let mut h = header.clone();
        h[name] = value;
        edits.push(h);
    }
    let mut without_kid = header.clone();
    without_kid.as_object_mut().unwrap().remove("kid");
    edits.push(without_kid);
    edits
        .into_iter()
        .filter(|h| *h != header)
        .map(|h| with_part(token, 0, &b64(h.to_string())))
        .collect()
}

/// `count` random single-character changes (and a few deletions and insertions).
fn byte_flips(token: &str, rng: &mut Rng, count: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < count {
        let mut bytes = token.as_bytes().to_vec();
        let at = rng.below(bytes.len());
        let c = TOKEN_CHARS[rng.below(TOKEN_CHARS.len())];
        match rng.below(10) {
            0 => {
                bytes.remove(at);
            }
            1 => bytes.insert(at, c),
            _ => bytes[at] = c,
        }
        let mutated = String::from_utf8(bytes).unwrap();
        if mutated != token {
            out.push(mutated);
        }
    }
    out
}

/// Every part of `token` swapped for the same part of `other` (a valid token under the
/// same key), one at a time.
fn splices(token: &str, other: &str) -> Vec<String> {
    let theirs: Vec<&str> = other.split('.').collect();
    (0..theirs.len())
        .map(|i| with_part(token, i, theirs[i]))
        .filter(|t| t != token)
        .collect()
}

struct Family {
    keygen: &'static [&'static str],
    command: &'static str,
    /// Flags for the checking command (public-key JWE: accepted without a signer here, so
    /// that decryption itself is what the mutations face).
    check_flags: &'static [&'static str],
    mutations: usize,
}

const FAMILIES: &[Family] = &[
    Family {
        keygen: &["--alg", "HS256"],
        command: "verify",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "RS256"],
        command: "verify",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "PS256"],
        command: "verify",
        check_flags: &[],
        mutations: 200,
    },
    Family {
        keygen: &["--alg", "ES256"],
        command: "verify",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "EdDSA"],
        command: "verify",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "dir"],
        command: "decrypt",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "dir", "--enc", "A128CBC-HS256"],
        command: "decrypt",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "A128KW"],
        command: "decrypt",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "A256GCMKW"],
        command: "decrypt",
        check_flags: &[],
        mutations: 300,
    },
    Family {
        keygen: &["--alg", "PBES2-HS256+A128KW"],
        command: "decrypt",
        check_flags: &[],
        mutations: 40,
    },
    Family {
        keygen: &["--alg", "ECDH-ES+A256KW"],
        command: "decrypt",
        check_flags: &["--allow-unauthenticated"],
        mutations: 200,
    },
    Family {
        keygen: &["--alg", "RSA-OAEP-256"],
        command: "decrypt",
        check_flags: &["--allow-unauthenticated"],
        mutations: 200,
    },
];

/// The result lines of a batch check, as (valid, class).
fn batch_check(family: &Family, key: &str, tokens: &[String]) -> Vec<(bool, Value)> {
    let input: String = tokens.iter().map(|t| format!("{t}\n")).collect();
    let out = jwtctl()
        .args([family.command, "--batch", "--key", key, "--now", NOW])
        .args(family.check_flags)
        .write_stdin(input)
        .output()
        .unwrap();
    let results: Vec<(bool, Value)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let result: Value = serde_json::from_str(line).unwrap();
            (result["valid"] == true, result["class"].clone())
        })
        .collect();
    assert_eq!(results.len(), tokens.len(), "{:?}", family.keygen);
    results
}

#[test]
fn only_the_untouched_token_is_valid() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for family in FAMILIES {
        let victim = key(family.keygen);
        let kid = keycache::jwk(&victim)["kid"].as_str().unwrap().to_string();
        let attacker = key(&[family.keygen, &["--kid", "attacker"][..]].concat());
        let good = issue(&victim, &["--sub", "alice"]);
        let other = issue(&victim, &["--sub", "mallory", "--jti", "2"]);
        let mut tokens = vec![good.clone()];
        tokens.extend(byte_flips(&good, &mut rng, family.mutations));
        tokens.extend(splices(&good, &other));
        tokens.extend(header_rewrites(&good));
        // The attacker's own key, claiming the victim's kid.
        tokens.push(issue(&attacker, &["--sub", "alice", "--kid", &kid]));
        let parts: Vec<&str> = good.split('.').collect();
        if family.command == "verify" {
            // Unsigned, and signed with the public key's bytes as an HMAC secret.
            tokens.push(format!("{}.{}.", b64(r#"{"alg":"none"}"#), parts[1]));
            let public = public_jwk(&victim).to_string();
            let header = json!({"alg": "HS256", "kid": kid}).to_string();
            tokens.push(hs256_raw(
                header.as_bytes(),
                &unb64(parts[1]),
                public.as_bytes(),
            ));
            // Signature truncated, emptied, doubled.
            tokens.push(with_part(&good, 2, ""));
            tokens.push(with_part(&good, 2, &parts[2][..parts[2].len() / 2]));
            tokens.push(with_part(&good, 2, &format!("{}{}", parts[2], parts[2])));
        }
        let results = batch_check(family, &victim, &tokens);
        assert!(results[0].0, "{:?}: the untouched token", family.keygen);
        for (token, (valid, class)) in tokens.iter().zip(&results).skip(1) {
            assert!(!valid, "{:?} accepted a mutation: {token}", family.keygen);
            assert!(
                ["malformed", "not_authentic", "runtime"].contains(&class.as_str().unwrap()),
                "{:?}: {token}: {class}",
                family.keygen
            );
        }
    }
}

/// Without --allow-unauthenticated, a JWE made with the recipient's public key by anyone
/// is refused before decryption: the forged token and the genuine one alike.
#[test]
fn public_key_jwe_is_refused_without_a_signer() {
    for alg in ["RSA-OAEP-256", "ECDH-ES+A256KW"] {
        let victim = key(&["--alg", alg]);
        let public = keycache::scratch(
            &format!("mutation-{alg}.pub.json"),
            public_jwk(&victim).to_string(),
        );
        let forged = issue(&public, &["--sub", "admin"]);
        let out = jwtctl()
            .args(["decrypt", "--batch", "--key", &victim, "--now", NOW])
            .write_stdin(format!("{forged}\n"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{alg}");
        let result: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (&result["valid"], &result["class"]),
            (&json!(false), &json!("not_authentic")),
            "{alg}"
        );
    }
}
