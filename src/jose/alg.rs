//! The algorithms of RFC 7518 (and RFC 8037, RFC 8812), and what kind of key each needs.

/// Whether an algorithm makes a signed (JWS) or an encrypted (JWE) token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Jws,
    Jwe,
}

/// The key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNeed {
    /// An HMAC secret of at least this many bytes (the hash output size, RFC 7518 §3.2).
    Hmac(usize),
    /// An RSA key of 2048 bits or more.
    Rsa,
    /// An EC key on this curve.
    Ec(&'static str),
    /// An Ed25519 or Ed448 key.
    Ed,
    /// An AES key of exactly this many bytes (A*KW, A*GCMKW).
    Aes(usize),
    /// A key of exactly the content encryption's size (`dir`).
    Direct,
    /// An EC (P-256/384/521) or X25519/X448 key.
    Ecdh,
    /// A password.
    Password,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alg {
    pub name: &'static str,
    pub kind: TokenKind,
    pub need: KeyNeed,
}

impl Alg {
    /// Whether a token made with this algorithm proves who made it. Signatures and JWE key
    /// management under a shared secret do; RSA-OAEP*, RSA1_5 and ECDH-ES* need only the
    /// recipient's public key, so anyone can make such a token.
    pub fn authenticates_sender(&self) -> bool {
        !(self.kind == TokenKind::Jwe && matches!(self.need, KeyNeed::Rsa | KeyNeed::Ecdh))
    }
}

const fn jws(name: &'static str, need: KeyNeed) -> Alg {
    Alg {
        name,
        kind: TokenKind::Jws,
        need,
    }
}

const fn jwe(name: &'static str, need: KeyNeed) -> Alg {
    Alg {
        name,
        kind: TokenKind::Jwe,
        need,
    }
}

/// Every algorithm jwtctl signs, verifies, encrypts or decrypts with. `none` is absent on purpose.
pub const ALGS: &[Alg] = &[
    jws("HS256", KeyNeed::Hmac(32)),
    jws("HS384", KeyNeed::Hmac(48)),
    jws("HS512", KeyNeed::Hmac(64)),
    jws("RS256", KeyNeed::Rsa),
    jws("RS384", KeyNeed::Rsa),
    jws("RS512", KeyNeed::Rsa),
    jws("PS256", KeyNeed::Rsa),
    jws("PS384", KeyNeed::Rsa),
    jws("PS512", KeyNeed::Rsa),
    jws("ES256", KeyNeed::Ec("P-256")),
    jws("ES384", KeyNeed::Ec("P-384")),
    jws("ES512", KeyNeed::Ec("P-521")),
    jws("ES256K", KeyNeed::Ec("secp256k1")),
    jws("EdDSA", KeyNeed::Ed),
    jwe("dir", KeyNeed::Direct),
    jwe("A128KW", KeyNeed::Aes(16)),
    jwe("A192KW", KeyNeed::Aes(24)),
    jwe("A256KW", KeyNeed::Aes(32)),
    jwe("A128GCMKW", KeyNeed::Aes(16)),
    jwe("A192GCMKW", KeyNeed::Aes(24)),
    jwe("A256GCMKW", KeyNeed::Aes(32)),
    jwe("ECDH-ES", KeyNeed::Ecdh),
    jwe("ECDH-ES+A128KW", KeyNeed::Ecdh),
    jwe("ECDH-ES+A192KW", KeyNeed::Ecdh),
    jwe("ECDH-ES+A256KW", KeyNeed::Ecdh),
    jwe("RSA-OAEP", KeyNeed::Rsa),
    jwe("RSA-OAEP-256", KeyNeed::Rsa),
    jwe("RSA-OAEP-384", KeyNeed::Rsa),
    jwe("RSA-OAEP-512", KeyNeed::Rsa),
    jwe("RSA1_5", KeyNeed::Rsa),
    jwe("PBES2-HS256+A128KW", KeyNeed::Password),
    jwe("PBES2-HS384+A192KW", KeyNeed::Password),
    jwe("PBES2-HS512+A256KW", KeyNeed::Password),
];

/// A content encryption algorithm (`enc`) and its key size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enc {
    pub name: &'static str,
    pub key_bytes: usize,
}

pub const ENCS: &[Enc] = &[
    Enc {
        name: "A128CBC-HS256",
        key_bytes: 32,
    },
    Enc {
        name: "A192CBC-HS384",
        key_bytes: 48,
    },
    Enc {
        name: "A256CBC-HS512",
        key_bytes: 64,
    },
    Enc {
        name: "A128GCM",
        key_bytes: 16,
    },
    Enc {
        name: "A192GCM",
        key_bytes: 24,
    },
    Enc {
        name: "A256GCM",
        key_bytes: 32,
    },
];

/// The content encryption used when none is named (the contract's default).
pub const DEFAULT_ENC: &str = "A256GCM";

/// The content encryption a JWE gets when none is named: for a `dir` key, the one its
/// size fits (a 16-byte key means A128GCM, a 64-byte one A256CBC-HS512); else A256GCM.
pub fn default_enc(alg: &Alg, key_bytes: usize) -> &'static str {
    if alg.need != KeyNeed::Direct {
        return DEFAULT_ENC;
    }
    match key_bytes {
        16 => "A128GCM",
        24 => "A192GCM",
        48 => "A192CBC-HS384",
        64 => "A256CBC-HS512",
        _ => DEFAULT_ENC,
    }
}

/// The curves an ECDH-ES key may be on.
pub const ECDH_CURVES: &[&str] = &["P-256", "P-384", "P-521", "X25519", "X448"];

/// Looks an algorithm up by its exact (case-sensitive) name.
pub fn find(name: &str) -> Option<&'static Alg> {
    ALGS.iter().find(|a| a.name == name)
}

pub fn find_enc(name: &str) -> Option<&'static Enc> {
    ENCS.iter().find(|e| e.name == name)
}

/// The names of every algorithm, for clap's value lists.
pub fn alg_names() -> Vec<&'static str> {
    ALGS.iter().map(|a| a.name).collect()
}

pub fn enc_names() -> Vec<&'static str> {
    ENCS.iter().map(|e| e.name).collect()
}

/// `none` in any capitalisation: never accepted, always reported.
pub fn is_none(name: &str) -> bool {
    name.eq_ignore_ascii_case("none")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_every_rfc7518_algorithm_but_none() {
        let jws = ALGS.iter().filter(|a| a.kind == TokenKind::Jws).count();
        let jwe = ALGS.iter().filter(|a| a.kind == TokenKind::Jwe).count();
        assert_eq!(jws, 14);
        assert_eq!(jwe, 19);
        assert!(find("none").is_none());
        assert!(is_none("nOnE"));
    }

    #[test]
    fn public_key_encryption_does_not_authenticate_the_sender() {
        let anyone: Vec<&str> = ALGS
            .iter()
            .filter(|a| !a.authenticates_sender())
            .map(|a| a.name)
            .collect();
        assert_eq!(
            anyone,
            [
                "ECDH-ES",
                "ECDH-ES+A128KW",
                "ECDH-ES+A192KW",
                "ECDH-ES+A256KW",
                "RSA-OAEP",
                "RSA-OAEP-256",
                "RSA-OAEP-384",
                "RSA-OAEP-512",
                "RSA1_5"
            ]
        );
    }

    #[test]
    fn lookups_are_case_sensitive() {
        assert_eq!(find("HS256").map(|a| a.need), Some(KeyNeed::Hmac(32)));
        assert!(find("hs256").is_none());
        assert_eq!(find_enc("A256CBC-HS512").map(|e| e.key_bytes), Some(64));
    }
}
