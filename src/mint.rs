//! Minting tokens: a header template and a signer or encrypter, prepared once and used for
//! every token (`issue`, `issue --batch`, `serve`).

use anyhow::Result;
use josekit::jwe::{JweEncrypter, JweHeader};
use josekit::jws::{JwsHeader, JwsSigner};
use serde_json::{Map, Value};

use crate::alg::{self, Alg, TokenKind};
use crate::error;
use crate::jose;
use crate::keys::Key;

/// Header parameters set by the user; `alg` and `enc` come from the algorithms.
#[derive(Debug, Clone, Default)]
pub struct HeaderParams {
    /// Extra members in order (`typ`, `kid`, `cty`, `--header` …), already validated.
    pub members: Map<String, Value>,
}

/// A prepared JWS signer with its header.
pub struct JwsMinter {
    header: JwsHeader,
    signer: Box<dyn JwsSigner>,
}

impl JwsMinter {
    pub fn new(alg: &Alg, key: &Key, params: &HeaderParams) -> Result<JwsMinter> {
        let signer = jose::signer(alg, key)?;
        let mut map = Map::new();
        // alg first, as most tools write it; josekit overwrites the value in place.
        map.insert("alg".into(), Value::from(alg.name));
        map.extend(params.members.clone());
        let header = JwsHeader::from_map(map).map_err(header_error)?;
        Ok(JwsMinter { header, signer })
    }

    pub fn sign(&self, payload: &[u8]) -> Result<String> {
        Ok(josekit::jws::serialize_compact(
            payload,
            &self.header,
            self.signer.as_ref(),
        )?)
    }
}

/// A prepared JWE encrypter with its header, optionally signing the claims first.
pub struct JweMinter {
    header: JweHeader,
    encrypter: Box<dyn JweEncrypter>,
    inner: Option<JwsMinter>,
}

impl JweMinter {
    pub fn new(
        alg: &Alg,
        enc: &str,
        key: &Key,
        params: &HeaderParams,
        inner: Option<JwsMinter>,
    ) -> Result<JweMinter> {
        let enc_spec =
            alg::find_enc(enc).ok_or_else(|| error::usage(format!("unknown enc {enc}")))?;
        let encrypter = jose::encrypter(alg, enc_spec, key)?;
        let mut map = Map::new();
        map.insert("alg".into(), Value::from(alg.name));
        map.insert("enc".into(), Value::from(enc));
        map.extend(params.members.clone());
        if inner.is_some() {
            // RFC 7519 §5.2: a nested JWT says so with cty "JWT".
            map.insert("cty".into(), Value::from("JWT"));
        }
        let header = JweHeader::from_map(map).map_err(header_error)?;
        Ok(JweMinter {
            header,
            encrypter,
            inner,
        })
    }

    pub fn encrypt(&self, payload: &[u8]) -> Result<String> {
        let signed;
        let plaintext = match &self.inner {
            Some(inner) => {
                signed = inner.sign(payload)?;
                signed.as_bytes()
            }
            None => payload,
        };
        Ok(josekit::jwe::serialize_compact(
            plaintext,
            &self.header,
            self.encrypter.as_ref(),
        )?)
    }
}

fn header_error(err: josekit::JoseError) -> anyhow::Error {
    error::usage(format!(
        "invalid header: {}",
        crate::keys::jose_reason(&err)
    ))
}

/// Either kind of minter.
pub enum Minter {
    Jws(JwsMinter),
    Jwe(JweMinter),
}

impl Minter {
    /// Prepares minting with `key` under `alg` (a signature algorithm makes a JWS, a
    /// key-management algorithm a JWE); `sign` adds an inner JWS (a nested JWT).
    pub fn new(
        alg: &Alg,
        enc: &str,
        key: &Key,
        params: &HeaderParams,
        sign: Option<(&Alg, &Key, &HeaderParams)>,
    ) -> Result<Minter> {
        match (alg.kind, sign) {
            (TokenKind::Jws, None) => Ok(Minter::Jws(JwsMinter::new(alg, key, params)?)),
            (TokenKind::Jws, Some(_)) => Err(error::usage(format!(
                "a nested JWT is encrypted with --key: --alg must be a key-management algorithm, not {}",
                alg.name
            ))),
            (TokenKind::Jwe, inner) => {
                let inner = match inner {
                    Some((sign_alg, sign_key, sign_params)) => {
                        if sign_alg.kind != TokenKind::Jws {
                            return Err(error::usage(format!(
                                "--sign-alg must be a signature algorithm, not {}",
                                sign_alg.name
                            )));
                        }
                        Some(JwsMinter::new(sign_alg, sign_key, sign_params)?)
                    }
                    None => None,
                };
                Ok(Minter::Jwe(JweMinter::new(alg, enc, key, params, inner)?))
            }
        }
    }

    /// One compact token for these claims.
    pub fn mint(&self, claims: &Map<String, Value>) -> Result<String> {
        let payload = serde_json::to_vec(claims)?;
        match self {
            Minter::Jws(m) => m.sign(&payload),
            Minter::Jwe(m) => m.encrypt(&payload),
        }
    }
}

/// The algorithm to use: the one named, else the key's own `alg`; never a guess.
pub fn resolve_alg(named: Option<&str>, key: &Key, flag: &str) -> Result<&'static Alg> {
    let name = match (named, key.alg()) {
        (Some(name), _) => name,
        (None, Some(own)) => own,
        (None, None) => {
            return Err(error::usage(format!(
                "cannot tell which algorithm to use: give {flag} (the key has no \"alg\")"
            )));
        }
    };
    if alg::is_none(name) {
        return Err(error::usage(
            "alg \"none\" makes unsigned tokens; jwtctl never writes them",
        ));
    }
    alg::find(name).ok_or_else(|| error::usage(format!("unknown algorithm {name}")))
}

/// A random `jti`: 128 bits, base64url.
pub fn random_jti() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 16];
    openssl::rand::rand_bytes(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}
