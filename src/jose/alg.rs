//! The algorithms of RFC 7518 (and RFC 8037, RFC 8812), and what kind of key each needs.

/// Whether an algorithm makes a signed (JWS) or an encrypted (JWE) token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Jws,
    Jwe,
}

/// The elliptic curves of JWK (RFC 7518 §6.2.1.1, RFC 8037, RFC 8812), typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
    Ed25519,
    Ed448,
    X25519,
    X448,
}

impl Curve {
    pub const ALL: [Curve; 8] = [
        Curve::P256,
        Curve::P384,
        Curve::P521,
        Curve::Secp256k1,
        Curve::Ed25519,
        Curve::Ed448,
        Curve::X25519,
        Curve::X448,
    ];

    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
            Curve::Ed25519 => "Ed25519",
            Curve::Ed448 => "Ed448",
            Curve::X25519 => "X25519",
            Curve::X448 => "X448",
        }
    }

    /// A `crv` by its exact name.
    pub fn find(name: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The key type a curve's JWK has: `EC` (Weierstrass) or `OKP` (RFC 8037).
    pub fn kty(self) -> &'static str {
        match self {
            Curve::P256 | Curve::P384 | Curve::P521 | Curve::Secp256k1 => "EC",
            _ => "OKP",
        }
    }

    /// The key size in bits, as a person would name it.
    pub fn bits(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 | Curve::X25519 | Curve::Ed25519 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
            Curve::X448 | Curve::Ed448 => 448,
        }
    }
}

/// clap's parser for `--crv`.
pub fn curve_parser() -> impl clap::builder::TypedValueParser<Value = Curve> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = Curve::ALL.iter().map(|c| c.name()).collect();
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| Curve::find(&name).expect("clap passes listed names only"))
}

/// The key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNeed {
    /// An HMAC secret of at least this many bytes (the hash output size, RFC 7518 §3.2).
    Hmac(usize),
    /// An RSA key of 2048 bits or more.
    Rsa,
    /// An EC key on this curve.
    Ec(Curve),
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

/// An algorithm, typed: what code matches on (the table [`ALGS`] gives its name and key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlgId {
    Hs256,
    Hs384,
    Hs512,
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
    Es512,
    Es256k,
    EdDsa,
    Dir,
    A128Kw,
    A192Kw,
    A256Kw,
    A128GcmKw,
    A192GcmKw,
    A256GcmKw,
    EcdhEs,
    EcdhEsA128Kw,
    EcdhEsA192Kw,
    EcdhEsA256Kw,
    RsaOaep,
    RsaOaep256,
    RsaOaep384,
    RsaOaep512,
    Rsa1v15,
    Pbes2Hs256A128Kw,
    Pbes2Hs384A192Kw,
    Pbes2Hs512A256Kw,
}

/// One row of [`ALGS`]: an algorithm, its registered name, token kind and key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alg {
    pub id: AlgId,
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

const fn jws(id: AlgId, name: &'static str, need: KeyNeed) -> Alg {
    Alg {
        id,
        name,
        kind: TokenKind::Jws,
        need,
    }
}

const fn jwe(id: AlgId, name: &'static str, need: KeyNeed) -> Alg {
    Alg {
        id,
        name,
        kind: TokenKind::Jwe,
        need,
    }
}

/// Every algorithm jwtctl signs, verifies, encrypts or decrypts with. `none` is absent on purpose.
pub const ALGS: &[Alg] = &[
    jws(AlgId::Hs256, "HS256", KeyNeed::Hmac(32)),
    jws(AlgId::Hs384, "HS384", KeyNeed::Hmac(48)),
    jws(AlgId::Hs512, "HS512", KeyNeed::Hmac(64)),
    jws(AlgId::Rs256, "RS256", KeyNeed::Rsa),
    jws(AlgId::Rs384, "RS384", KeyNeed::Rsa),
    jws(AlgId::Rs512, "RS512", KeyNeed::Rsa),
    jws(AlgId::Ps256, "PS256", KeyNeed::Rsa),
    jws(AlgId::Ps384, "PS384", KeyNeed::Rsa),
    jws(AlgId::Ps512, "PS512", KeyNeed::Rsa),
    jws(AlgId::Es256, "ES256", KeyNeed::Ec(Curve::P256)),
    jws(AlgId::Es384, "ES384", KeyNeed::Ec(Curve::P384)),
    jws(AlgId::Es512, "ES512", KeyNeed::Ec(Curve::P521)),
    jws(AlgId::Es256k, "ES256K", KeyNeed::Ec(Curve::Secp256k1)),
    jws(AlgId::EdDsa, "EdDSA", KeyNeed::Ed),
    jwe(AlgId::Dir, "dir", KeyNeed::Direct),
    jwe(AlgId::A128Kw, "A128KW", KeyNeed::Aes(16)),
    jwe(AlgId::A192Kw, "A192KW", KeyNeed::Aes(24)),
    jwe(AlgId::A256Kw, "A256KW", KeyNeed::Aes(32)),
    jwe(AlgId::A128GcmKw, "A128GCMKW", KeyNeed::Aes(16)),
    jwe(AlgId::A192GcmKw, "A192GCMKW", KeyNeed::Aes(24)),
    jwe(AlgId::A256GcmKw, "A256GCMKW", KeyNeed::Aes(32)),
    jwe(AlgId::EcdhEs, "ECDH-ES", KeyNeed::Ecdh),
    jwe(AlgId::EcdhEsA128Kw, "ECDH-ES+A128KW", KeyNeed::Ecdh),
    jwe(AlgId::EcdhEsA192Kw, "ECDH-ES+A192KW", KeyNeed::Ecdh),
    jwe(AlgId::EcdhEsA256Kw, "ECDH-ES+A256KW", KeyNeed::Ecdh),
    jwe(AlgId::RsaOaep, "RSA-OAEP", KeyNeed::Rsa),
    jwe(AlgId::RsaOaep256, "RSA-OAEP-256", KeyNeed::Rsa),
    jwe(AlgId::RsaOaep384, "RSA-OAEP-384", KeyNeed::Rsa),
    jwe(AlgId::RsaOaep512, "RSA-OAEP-512", KeyNeed::Rsa),
    jwe(AlgId::Rsa1v15, "RSA1_5", KeyNeed::Rsa),
    jwe(
        AlgId::Pbes2Hs256A128Kw,
        "PBES2-HS256+A128KW",
        KeyNeed::Password,
    ),
    jwe(
        AlgId::Pbes2Hs384A192Kw,
        "PBES2-HS384+A192KW",
        KeyNeed::Password,
    ),
    jwe(
        AlgId::Pbes2Hs512A256Kw,
        "PBES2-HS512+A256KW",
        KeyNeed::Password,
    ),
];

/// A content encryption algorithm (`enc`), typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncId {
    A128CbcHs256,
    A192CbcHs384,
    A256CbcHs512,
    A128Gcm,
    A192Gcm,
    A256Gcm,
}

/// One row of [`ENCS`]: a content encryption, its name, key size and IV and tag lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enc {
    pub id: EncId,
    pub name: &'static str,
    pub key_bytes: usize,
    pub iv_bytes: usize,
    pub tag_bytes: usize,
}

impl Enc {
    /// AES-CBC with HMAC (RFC 7518 §5.2), rather than AES-GCM.
    pub fn is_cbc(&self) -> bool {
        matches!(
            self.id,
            EncId::A128CbcHs256 | EncId::A192CbcHs384 | EncId::A256CbcHs512
        )
    }
}

pub const ENCS: &[Enc] = &[
    Enc {
        id: EncId::A128CbcHs256,
        name: "A128CBC-HS256",
        key_bytes: 32,
        iv_bytes: 16,
        tag_bytes: 16,
    },
    Enc {
        id: EncId::A192CbcHs384,
        name: "A192CBC-HS384",
        key_bytes: 48,
        iv_bytes: 16,
        tag_bytes: 24,
    },
    Enc {
        id: EncId::A256CbcHs512,
        name: "A256CBC-HS512",
        key_bytes: 64,
        iv_bytes: 16,
        tag_bytes: 32,
    },
    Enc {
        id: EncId::A128Gcm,
        name: "A128GCM",
        key_bytes: 16,
        iv_bytes: 12,
        tag_bytes: 16,
    },
    Enc {
        id: EncId::A192Gcm,
        name: "A192GCM",
        key_bytes: 24,
        iv_bytes: 12,
        tag_bytes: 16,
    },
    Enc {
        id: EncId::A256Gcm,
        name: "A256GCM",
        key_bytes: 32,
        iv_bytes: 12,
        tag_bytes: 16,
    },
];

/// The content encryption used when none is named (the contract's default).
pub const DEFAULT_ENC: &str = "A256GCM";

/// [`DEFAULT_ENC`]'s row.
pub fn default_enc_row() -> &'static Enc {
    find_enc(DEFAULT_ENC).expect("the default enc is in the table")
}

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
pub const ECDH_CURVES: &[Curve] = &[
    Curve::P256,
    Curve::P384,
    Curve::P521,
    Curve::X25519,
    Curve::X448,
];

/// Looks an algorithm up by its exact (case-sensitive) name.
pub fn find(name: &str) -> Option<&'static Alg> {
    ALGS.iter().find(|a| a.name == name)
}

pub fn find_enc(name: &str) -> Option<&'static Enc> {
    ENCS.iter().find(|e| e.name == name)
}

/// clap's parser for an algorithm flag: a registered name (listed for completions) in, the
/// table row out, so the value is typed from the moment it is parsed.
pub fn alg_parser() -> impl clap::builder::TypedValueParser<Value = &'static Alg> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = ALGS.iter().map(|a| a.name).collect();
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| find(&name).expect("clap passes listed names only"))
}

/// clap's parser for a content-encryption flag (`--enc`).
pub fn enc_parser() -> impl clap::builder::TypedValueParser<Value = &'static Enc> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = ENCS.iter().map(|e| e.name).collect();
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| find_enc(&name).expect("clap passes listed names only"))
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
