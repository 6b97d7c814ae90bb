//! Keys: the model (a key held as a JWK, a JWK Set kept whole) and the one answer to "may
//! this key do ALG?". Where a KEY's bytes come from is `source`; what they are, `recognise`;
//! password-protected JWKs, `protect`; JWK ⇄ OpenSSL and thumbprints, `convert`; JWK Set
//! URLs and their cache, `remote`.

pub mod convert;
pub mod generate;
pub mod protect;
pub mod recognise;
pub mod remote;
pub mod source;

use std::sync::{Arc, OnceLock, RwLock};

use anyhow::{Result, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::ValueEnum;
use josekit::jwk::Jwk;
use serde_json::Value;

use crate::error;
use crate::jose::alg::{Alg, AlgId, Curve, ECDH_CURVES, Enc, EncId, KeyNeed, TokenKind};

pub use source::{load, load_one, load_optional};

/// How raw secret bytes are written in their source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SecretEncoding {
    /// The bytes themselves; one trailing newline (LF or CRLF) is removed.
    #[default]
    Raw,
    /// Standard base64 (padding optional); surrounding whitespace is ignored.
    Base64,
    /// URL-safe base64 without padding; surrounding whitespace is ignored.
    Base64url,
    /// Hexadecimal; surrounding whitespace is ignored.
    Hex,
}

/// How key material is read, beyond the KEY reference itself.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--secret-encoding`: given, it says the bytes are a secret (unless they are a key).
    pub secret_encoding: Option<SecretEncoding>,
    pub password_file: Option<std::path::PathBuf>,
    /// Whether KEY may be the URL of a JWK Set (verify and inspect).
    pub allow_url: bool,
    /// The kid of the token a URL's set is for: a cached set without it is fetched again
    /// (at most once a minute), for keys rotated since it was cached.
    pub kid: Option<String>,
    /// `--no-cache`: fetch a key URL's set even when a fresh copy is cached.
    pub no_cache: bool,
}

/// What a key is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Sign,
    Verify,
    Encrypt,
    Decrypt,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Sign => "sign",
            Op::Verify => "verify signatures",
            Op::Encrypt => "encrypt",
            Op::Decrypt => "decrypt",
        }
    }

    /// The JWK `use` this operation belongs to.
    fn key_use(self) -> &'static str {
        match self {
            Op::Sign | Op::Verify => "sig",
            Op::Encrypt | Op::Decrypt => "enc",
        }
    }

    /// The `key_ops` values (RFC 7517 §4.3) that permit this operation.
    fn key_ops(self) -> &'static [&'static str] {
        match self {
            Op::Sign => &["sign"],
            Op::Verify => &["verify"],
            Op::Encrypt => &["encrypt", "wrapKey", "deriveKey", "deriveBits"],
            Op::Decrypt => &["decrypt", "unwrapKey", "deriveKey", "deriveBits"],
        }
    }
}

/// The private members of an RSA JWK (RFC 7518 §6.3.2); EC and OKP keys have only `d`.
const RSA_PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// One key, held as a JWK. Never changed once made: its `id` stands for its material.
#[derive(Debug, Clone)]
pub struct Key {
    jwk: Jwk,
    /// Holds private material (secrets count as private: they can sign).
    pub private: bool,
    /// Unique to this key in the process (a clone keeps it): what the prepared-key cache
    /// matches on, so a cached context only ever serves the material it was made from.
    id: u64,
}

/// [`Key::describe`], written when displayed.
struct Described<'a>(&'a Key);

impl std::fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0.describe())
    }
}

impl Key {
    pub fn from_jwk(jwk: Jwk) -> Result<Key> {
        let private = match jwk.key_type() {
            "oct" => {
                let k = jwk.key_value().ok_or_else(|| anyhow!("JWK has no \"k\""))?;
                if k.is_empty() {
                    return Err(error::runtime("the oct JWK's secret \"k\" is empty"));
                }
                true
            }
            "RSA" | "EC" | "OKP" => {
                let private = jwk.parameter("d").is_some();
                // The CRT members are private too: without "d" such a key is no public key
                // (its public form would carry them) but a broken private one.
                let crt: Vec<&str> = RSA_PRIVATE_MEMBERS
                    .into_iter()
                    .filter(|m| *m != "d" && jwk.parameter(m).is_some())
                    .collect();
                if !private && jwk.key_type() == "RSA" && !crt.is_empty() {
                    return Err(error::runtime(format!(
                        "the RSA JWK holds private members ({}) but no \"d\"",
                        crt.join(", ")
                    )));
                }
                // Converting checks the numbers: a point on the curve, a consistent RSA key.
                if private {
                    convert::jwk_to_private(&jwk)?;
                } else {
                    convert::jwk_to_public(&jwk)?;
                }
                private
            }
            other => return Err(error::runtime(format!("unsupported key type \"{other}\""))),
        };
        Ok(Key::new(jwk, private))
    }

    /// The one constructor: each key gets a new id.
    fn new(jwk: Jwk, private: bool) -> Key {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Key {
            jwk,
            private,
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// A raw secret as an `oct` key.
    pub fn from_secret(secret: &[u8]) -> Result<Key> {
        if secret.is_empty() {
            return Err(error::runtime("the secret is empty"));
        }
        let mut jwk = Jwk::new("oct");
        jwk.set_key_value(secret);
        Ok(Key::new(jwk, true))
    }

    pub fn kty(&self) -> &str {
        self.jwk.key_type()
    }
    pub fn curve(&self) -> Option<&str> {
        self.jwk.curve()
    }
    pub fn alg(&self) -> Option<&str> {
        self.jwk.algorithm()
    }
    pub fn kid(&self) -> Option<&str> {
        self.jwk.key_id()
    }
    pub fn is_symmetric(&self) -> bool {
        self.kty() == "oct"
    }

    /// The secret bytes of an `oct` key.
    pub fn secret(&self) -> Option<Vec<u8>> {
        if self.is_symmetric() {
            self.jwk.key_value()
        } else {
            None
        }
    }

    /// Key size in bits: the modulus for RSA, the secret for oct, the curve's for EC/OKP.
    pub fn bits(&self) -> usize {
        let decoded = |name: &str| match self.jwk.parameter(name) {
            Some(Value::String(s)) => URL_SAFE_NO_PAD.decode(s).unwrap_or_default(),
            _ => Vec::new(),
        };
        match self.kty() {
            "RSA" => {
                let n = decoded("n");
                let n: Vec<u8> = n.into_iter().skip_while(|b| *b == 0).collect();
                match n.first() {
                    Some(first) => (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
                    None => 0,
                }
            }
            "oct" => self.secret().map_or(0, |k| k.len() * 8),
            _ => self.curve().and_then(Curve::find).map_or(0, Curve::bits),
        }
    }

    /// A short description for messages: `an RSA public key (1024 bits)`.
    pub fn describe(&self) -> String {
        let half = if self.private { "private" } else { "public" };
        match self.kty() {
            "oct" => format!("a secret ({} bytes)", self.bits() / 8),
            "RSA" => format!("an RSA {half} key ({} bits)", self.bits()),
            kty => format!(
                "an {kty} {half} key ({})",
                self.curve().unwrap_or("unknown curve")
            ),
        }
    }

    /// Whether the key may do `alg` for `op`; `enc` sizes a `dir` key. Every refusal is a
    /// one-line runtime error (exit 1) that says what the algorithm needs and what it got.
    pub fn check(&self, alg: &Alg, op: Op, enc: Option<&Enc>) -> Result<()> {
        self.check_with(alg, op, enc, false).map(|_| ())
    }

    /// [`Key::check`] for `--allow-weak-key` (verifying and decrypting only): a key under
    /// the strength floor (an HS* secret shorter than the hash, RSA under 2048 bits) passes,
    /// and the refusal it would have had comes back as the weakness to report.
    pub fn check_weak(&self, alg: &Alg, op: Op, enc: Option<&Enc>) -> Result<Option<String>> {
        self.check_with(alg, op, enc, matches!(op, Op::Verify | Op::Decrypt))
    }

    fn check_with(
        &self,
        alg: &Alg,
        op: Op,
        enc: Option<&Enc>,
        allow_weak: bool,
    ) -> Result<Option<String>> {
        let name = alg.name;
        let mut weak = None;
        let refuse = |msg: String| Err(error::runtime(msg));
        let kty = self.kty();
        let crv = self.curve().unwrap_or("");
        let curve = Curve::find(crv);
        // Described only when a refusal needs it: this check runs for every token.
        let got = Described(self);
        match alg.need {
            KeyNeed::Hmac(min) => {
                if kty != "oct" {
                    return refuse(format!("{name} needs a secret, got {got}"));
                }
                let len = self.bits() / 8;
                if len < min {
                    let floor = format!("{name} needs a secret of at least {min} bytes, got {len}");
                    // An empty secret is no key at all, weak or not.
                    if !allow_weak || len == 0 {
                        return refuse(floor);
                    }
                    weak = Some(floor);
                }
            }
            KeyNeed::Rsa => {
                if kty != "RSA" {
                    return refuse(format!("{name} needs an RSA key, got {got}"));
                }
                if self.bits() < 2048 {
                    let floor = format!(
                        "{name} needs an RSA key of at least 2048 bits, got {}",
                        self.bits()
                    );
                    if !allow_weak {
                        return refuse(floor);
                    }
                    weak = Some(floor);
                }
            }
            KeyNeed::Ec(curve) => {
                if kty != "EC" || crv != curve.name() {
                    return refuse(format!(
                        "{name} needs an EC {} key, got {got}",
                        curve.name()
                    ));
                }
            }
            KeyNeed::Ed => {
                if kty != "OKP" || !matches!(curve, Some(Curve::Ed25519 | Curve::Ed448)) {
                    return refuse(format!("{name} needs an Ed25519 or Ed448 key, got {got}"));
                }
            }
            KeyNeed::Aes(size) => {
                if kty != "oct" || self.bits() / 8 != size {
                    return refuse(format!(
                        "{name} needs a {size}-byte ({}-bit) key, got {got}",
                        size * 8
                    ));
                }
            }
            KeyNeed::Direct => {
                let bound = self.bound_enc()?;
                let enc = match (enc, bound) {
                    (Some(want), Some(own)) if want.name != own.name => {
                        return refuse(format!(
                            "this key is for dir with {} (its \"enc\"), not {}",
                            own.name, want.name
                        ));
                    }
                    (Some(want), _) => want,
                    (None, Some(own)) => own,
                    (None, None) => crate::jose::alg::default_enc_row(),
                };
                if kty != "oct" || self.bits() / 8 != enc.key_bytes {
                    return refuse(format!(
                        "dir with {} needs a {}-byte key, got {got}",
                        enc.name, enc.key_bytes
                    ));
                }
            }
            KeyNeed::Ecdh => {
                let ok = curve.is_some_and(|c| c.kty() == kty && ECDH_CURVES.contains(&c));
                if !ok {
                    return refuse(format!(
                        "{name} needs an EC P-256/P-384/P-521 or X25519/X448 key, got {got}"
                    ));
                }
            }
            KeyNeed::Password => {
                if kty != "oct" {
                    return refuse(format!("{name} needs a password, got {got}"));
                }
            }
        }
        if matches!(op, Op::Sign | Op::Decrypt) && !self.private {
            return refuse(format!(
                "{} needs a private key, got {got}",
                if op == Op::Sign {
                    "signing"
                } else {
                    "decryption"
                }
            ));
        }
        if let Some(key_use) = self.jwk.key_use()
            && key_use != op.key_use()
        {
            return refuse(format!(
                "this key is marked \"use\": \"{key_use}\" and may not {}",
                op.verb()
            ));
        }
        if let Some(ops) = self.jwk.key_operations()
            && !op.key_ops().iter().any(|o| ops.contains(o))
        {
            return refuse(format!(
                "this key's \"key_ops\" ({}) do not allow it to {}",
                ops.join(", "),
                op.verb()
            ));
        }
        if let Some(own) = self.alg()
            && own != name
            && !(alg.id == AlgId::Dir && dir_key_for(own, enc))
        {
            return refuse(format!("this key is for {own} (its \"alg\"), not {name}"));
        }
        Ok(weak)
    }

    /// The content encryption a `dir` key is bound to: its `enc` member (written by `keygen
    /// --alg dir --enc ENC`), or an `alg` that names a content encryption (RFC 7520 §5.6).
    /// A key bound to one enc is never used with another, even one of the same size.
    pub fn bound_enc(&self) -> Result<Option<&'static Enc>> {
        let named = match self.jwk.parameter("enc") {
            None => self
                .alg()
                .filter(|a| crate::jose::alg::find_enc(a).is_some()),
            Some(Value::String(name)) => Some(name.as_str()),
            Some(_) => return Err(error::runtime("the key's \"enc\" is not a string")),
        };
        named
            .map(|name| {
                crate::jose::alg::find_enc(name).ok_or_else(|| {
                    error::runtime(format!(
                        "the key's \"enc\" {name:?} is not a content encryption"
                    ))
                })
            })
            .transpose()
    }

    /// Every algorithm of the given token kind this key can do `op` with.
    /// With `allow_weak`, algorithms the key is too weak for count (`--allow-weak-key`).
    pub fn usable_algs_with(&self, op: Op, allow_weak: bool) -> Vec<&'static Alg> {
        let kind = op_kind(op);
        crate::jose::alg::ALGS
            .iter()
            .filter(|a| a.kind == kind && a.id != AlgId::Rsa1v15)
            .filter(|a| {
                // A dir key fits exactly one enc size; any of them will do here.
                if a.need == KeyNeed::Direct {
                    return crate::jose::alg::ENCS
                        .iter()
                        .any(|e| self.check(a, op, Some(e)).is_ok());
                }
                if allow_weak {
                    self.check_weak(a, op, None).is_ok()
                } else {
                    self.check(a, op, None).is_ok()
                }
            })
            .collect()
    }

    /// The public half (JWK members `d`, `p`, `q`, … removed); a secret has none.
    pub fn public_half(&self) -> Result<Key> {
        if self.is_symmetric() {
            return Err(error::runtime("a secret (oct key) has no public half"));
        }
        let mut map = self.jwk.as_ref().clone();
        for name in RSA_PRIVATE_MEMBERS {
            map.remove(name);
        }
        if let Some(Value::Array(ops)) = map.get("key_ops").cloned() {
            let public_ops: Vec<Value> = ops
                .iter()
                .filter_map(|op| match op.as_str()? {
                    "sign" | "verify" => Some("verify"),
                    "decrypt" | "encrypt" => Some("encrypt"),
                    "unwrapKey" | "wrapKey" => Some("wrapKey"),
                    _ => None,
                })
                .map(Value::from)
                .collect();
            map.insert("key_ops".into(), Value::Array(public_ops));
        }
        Ok(Key::new(Jwk::from_map(map)?, false))
    }

    /// The RFC 7638 thumbprint.
    pub fn thumbprint(&self) -> Result<String> {
        convert::thumbprint(&self.jwk)
    }

    /// Standard PEM: PKCS#8 for a private key, SPKI for a public one.
    pub fn to_pem(&self) -> Result<Vec<u8>> {
        if self.is_symmetric() {
            return Err(error::usage(
                "a secret (oct key) cannot be written as PEM; use --format jwk",
            ));
        }
        Ok(if self.private {
            convert::jwk_to_private(&self.jwk)?.private_key_to_pem_pkcs8()?
        } else {
            convert::jwk_to_public(&self.jwk)?.public_key_to_pem()?
        })
    }
}

/// Whether a key whose `alg` is a content encryption (`"alg": "A128GCM"`, as RFC 7520
/// §5.6 and jwcrypto write a `dir` key) may be the `dir` key for `enc`.
fn dir_key_for(own: &str, enc: Option<&Enc>) -> bool {
    crate::jose::alg::find_enc(own).is_some_and(|e| enc.is_none_or(|want| want.name == e.name))
}

/// What a KEY reference held: one key, or a JWK Set kept whole so a command can pick by `kid`.
/// Built once and never changed (`new`): what the keys can do is worked out once per set.
#[derive(Debug, Clone)]
pub struct KeySet {
    pub keys: Vec<Key>,
    pub is_set: bool,
    /// [`KeySet::usable_algs`], by (token kind, allow_weak): `--batch` asks for every line.
    usable: [OnceLock<Vec<&'static Alg>>; 4],
    /// [`KeySet::passing`], by (alg, op, enc): at most one entry for each such triple.
    passing: PassingMemo,
}

type PassingKey = (AlgId, Op, Option<EncId>);

/// The memo behind [`KeySet::passing`]; a clone of the set starts with a copy of it.
#[derive(Debug, Default)]
struct PassingMemo(RwLock<Vec<(PassingKey, Arc<[Passing]>)>>);

impl Clone for PassingMemo {
    fn clone(&self) -> PassingMemo {
        let copy = self.0.read().map(|memo| memo.clone()).unwrap_or_default();
        PassingMemo(RwLock::new(copy))
    }
}

/// What [`Key::check_weak`] said of one key of a set: refused, or usable (and how weak).
#[derive(Debug, Clone)]
pub enum Passing {
    Refused,
    Usable { weakness: Option<String> },
}

impl KeySet {
    pub fn new(keys: Vec<Key>, is_set: bool) -> KeySet {
        KeySet {
            keys,
            is_set,
            usable: Default::default(),
            passing: Default::default(),
        }
    }

    /// [`Key::check_weak`] of every key of the set for `alg`, `op` and `enc`, in the set's
    /// order: worked out once for each such triple, as `--batch` asks for every line. A
    /// refusal keeps no message: the caller asks the key again when it must explain one.
    pub fn passing(&self, alg: &Alg, op: Op, enc: Option<&Enc>) -> Arc<[Passing]> {
        let id = (alg.id, op, enc.map(|e| e.id));
        let known = self.passing.0.read().ok().and_then(|memo| {
            memo.iter()
                .find(|(key, _)| *key == id)
                .map(|(_, passing)| Arc::clone(passing))
        });
        if let Some(passing) = known {
            return passing;
        }
        let passing: Arc<[Passing]> = self
            .keys
            .iter()
            .map(|key| match key.check_weak(alg, op, enc) {
                Ok(weakness) => Passing::Usable { weakness },
                Err(_) => Passing::Refused,
            })
            .collect();
        if let Ok(mut memo) = self.passing.0.write()
            && !memo.iter().any(|(key, _)| *key == id)
        {
            memo.push((id, Arc::clone(&passing)));
        }
        passing
    }

    fn one(key: Key) -> KeySet {
        KeySet::new(vec![key], false)
    }

    /// Every algorithm of `kind` some key of the set allows for `op` (verify or decrypt):
    /// the key's own `alg`, else each one the key can do ([`Key::usable_algs_with`]); in
    /// the set's order, without repeats.
    pub fn usable_algs(&self, op: Op, allow_weak: bool) -> &[&'static Alg] {
        let kind = op_kind(op);
        let slot = usize::from(kind == TokenKind::Jwe) * 2 + usize::from(allow_weak);
        self.usable[slot].get_or_init(|| {
            let mut allowed: Vec<&'static Alg> = Vec::new();
            for key in &self.keys {
                let algs = match key.alg().and_then(crate::jose::alg::find) {
                    Some(own) if own.kind == kind => vec![own],
                    Some(_) => vec![],
                    None => key.usable_algs_with(op, allow_weak),
                };
                for a in algs {
                    if !allowed.contains(&a) {
                        allowed.push(a);
                    }
                }
            }
            allowed
        })
    }

    /// The single key, for commands that need exactly one (signing, encrypting, keygen).
    /// From a JWK Set, the key whose `kid` is `kid`, or the only key.
    pub fn single(self, kid: Option<&str>) -> Result<Key> {
        let count = self.keys.len();
        if let Some(kid) = kid.filter(|_| self.is_set) {
            return self
                .keys
                .into_iter()
                .find(|k| k.kid() == Some(kid))
                .ok_or_else(|| {
                    error::runtime(format!("the JWK Set has no key with kid \"{kid}\""))
                });
        }
        let mut keys = self.keys;
        match keys.len() {
            1 => Ok(keys.remove(0)),
            0 => Err(error::runtime("the JWK Set holds no usable key")),
            _ => Err(error::runtime(format!(
                "the JWK Set holds {count} keys; pick one with --kid"
            ))),
        }
    }
}

/// The kind of token an operation works on.
fn op_kind(op: Op) -> TokenKind {
    match op {
        Op::Sign | Op::Verify => TokenKind::Jws,
        Op::Encrypt | Op::Decrypt => TokenKind::Jwe,
    }
}

/// Asks on the terminal without echo (the one reader: `io::password`).
pub fn prompt_secret(prompt: &str) -> Result<String> {
    crate::io::password::ask(prompt, "the secret", None)
}

/// Reads a password: from `--password-file` (one trailing newline removed), else a prompt.
pub fn read_password(opts: &LoadOptions, prompt: &str) -> Result<Vec<u8>> {
    match &opts.password_file {
        Some(path) => crate::io::password::from_file(path),
        None => Ok(crate::io::password::prompt(prompt, "use --password-file")?.into_bytes()),
    }
}

/// josekit's error text without its "Invalid JWK format: " style prefix noise.
pub fn jose_reason(err: &josekit::JoseError) -> String {
    use std::error::Error;
    match err.source() {
        Some(source) => source.to_string(),
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests;
