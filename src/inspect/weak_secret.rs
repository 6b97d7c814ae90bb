//! The `secret:weak` finding: an HS* token signed with a well-known secret.

use super::findings::{Finding, FindingCode};

/// Well-known HMAC secrets tried against every HS* token (documented in the man page).
pub const WEAK_SECRETS: &[&str] = &[
    "",
    "secret",
    "password",
    "changeme",
    "change-me",
    "change_me",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "a-string-secret-at-least-256-bits-long",
    "secretkey",
    "secret-key",
    "secret_key",
    "mysecret",
    "my-secret",
    "my_secret",
    "mysecretkey",
    "supersecret",
    "super-secret",
    "topsecret",
    "jwt",
    "jwtsecret",
    "jwt-secret",
    "jwt_secret",
    "jwt_secret_key",
    "your_jwt_secret",
    "key",
    "private",
    "test",
    "testing",
    "dev",
    "development",
    "default",
    "admin",
    "token",
    "auth",
    "pass",
    "123456",
    "12345678",
    "1234567890",
    "qwerty",
    "letmein",
    "hello",
    "abc123",
    "s3cr3t",
    "shhhhh",
    "keyboard cat",
    "notasecret",
    "insecure",
    "example",
    "secret123",
    "SECRET",
    "Secret",
];

/// The HMAC of `message` under `secret` with the hash of an HS* algorithm, by the `hmac`
/// crate: the reference the prepared search is checked against. RustCrypto's HMAC accepts
/// every key length, the empty secret included (OpenSSL's refuses it).
#[cfg(test)]
pub fn hmac(alg: &str, secret: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    use hmac::{Hmac, KeyInit, Mac};
    fn mac<M: Mac + KeyInit>(secret: &[u8], message: &[u8]) -> Option<Vec<u8>> {
        let mut mac = <M as KeyInit>::new_from_slice(secret).ok()?;
        mac.update(message);
        Some(mac.finalize().into_bytes().to_vec())
    }
    match alg {
        "HS256" => mac::<Hmac<sha2::Sha256>>(secret, message),
        "HS384" => mac::<Hmac<sha2::Sha384>>(secret, message),
        "HS512" => mac::<Hmac<sha2::Sha512>>(secret, message),
        _ => None,
    }
}

/// The well-known secret an HS* JWS was signed with, if any: `signing_input` is its
/// `header.payload`. A plain comparison: the token and the candidates are public, so there
/// is no timing to protect. The secrets' HMAC states are prepared once per process
/// (`crate::bulk::crack::KeyList`), so a token costs only its own hash blocks per secret:
/// `inspect --scan` runs this on every distinct HS* token of its logs.
pub fn weak_secret_of(alg: &str, signing_input: &[u8], signature: &[u8]) -> Option<&'static str> {
    use crate::bulk::crack::{KeyList, Target};
    static KEYS: std::sync::OnceLock<KeyList> = std::sync::OnceLock::new();
    // None for an algorithm that is not HS*, or a signature of the wrong length (no
    // secret can produce it).
    let target = Target::new(alg, signing_input, signature)?;
    let keys = KEYS.get_or_init(|| KeyList::new(WEAK_SECRETS.iter().map(|s| s.as_bytes())));
    keys.position(&target).map(|i| WEAK_SECRETS[i])
}

/// The finding for a token signed with a well-known secret.
pub fn weak_secret_finding(secret: &str) -> Finding {
    Finding::new(
        FindingCode::SecretWeak,
        format!(
            "signed with the well-known secret {}: anyone can forge tokens",
            serde_json::to_string(secret).unwrap_or_default()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prepared search finds each secret exactly where the plain HMAC does, for every
    /// HS* hash, and nothing for a signature no listed secret made.
    #[test]
    fn the_prepared_search_agrees_with_plain_hmac() {
        let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDAwMH0";
        for alg in ["HS256", "HS384", "HS512"] {
            for secret in WEAK_SECRETS {
                let mac = hmac(alg, secret.as_bytes(), input).unwrap();
                assert_eq!(weak_secret_of(alg, input, &mac), Some(*secret), "{alg}");
            }
            let other = hmac(alg, b"not a listed secret", input).unwrap();
            assert_eq!(weak_secret_of(alg, input, &other), None, "{alg}");
        }
        let mac = hmac("HS256", b"secret", input).unwrap();
        assert_eq!(weak_secret_of("RS256", input, &mac), None);
        assert_eq!(weak_secret_of("HS256", input, &mac[..31]), None);
    }

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac("HS256", b"Jefe", b"what do ya want for nothing?").unwrap();
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(
            hmac("HS256", b"", b"x").is_some(),
            "the empty secret is tried too"
        );
    }
}
