//! KEY references (path, `-`, `env:NAME`, `prompt`) → keys, by recognising the content,
//! and the one answer to "may this key do ALG?".
//!
//! Recognition order: JSON (a JWK or a JWK Set), a password-protected JWK (a compact
//! PBES2 JWE), PEM, OpenSSH, DER, and only then raw secret bytes. Anything that looks
//! like a key is never used as an HMAC secret (the RS256→HS256 confusion, CVE-2022-29217).

pub mod convert;
pub mod generate;
pub mod remote;

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clap::ValueEnum;
use josekit::jwk::Jwk;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::X509;
use serde_json::Value;

use crate::error;
use crate::io::files;
use crate::jose::alg::{Alg, Enc, KeyNeed};

use crate::jose::token;

/// The largest key file read (a JWK Set of a few hundred keys fits).
const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// The PBES2 iteration count `keygen --protect` writes (OWASP's PBKDF2-HMAC-SHA512 figure).
pub const PROTECT_P2C: usize = 210_000;
/// The highest PBES2 iteration count accepted when unlocking a protected key.
const MAX_PROTECT_P2C: u64 = 1_000_000;
/// The media type of a password-protected JWK (as `step` writes it).
pub const PROTECTED_CTY: &str = "jwk+json";

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

/// One key, held as a JWK.
#[derive(Debug, Clone)]
pub struct Key {
    pub jwk: Jwk,
    /// Holds private material (secrets count as private: they can sign).
    pub private: bool,
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
        Ok(Key { jwk, private })
    }

    /// A raw secret as an `oct` key.
    pub fn from_secret(secret: &[u8]) -> Result<Key> {
        if secret.is_empty() {
            return Err(error::runtime("the secret is empty"));
        }
        let mut jwk = Jwk::new("oct");
        jwk.set_key_value(secret);
        Ok(Key { jwk, private: true })
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
            _ => match self.curve().unwrap_or("") {
                "P-256" | "secp256k1" | "X25519" | "Ed25519" => 256,
                "P-384" => 384,
                "P-521" => 521,
                "X448" | "Ed448" => 448,
                _ => 0,
            },
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
        let name = alg.name;
        let refuse = |msg: String| Err(error::runtime(msg));
        let kty = self.kty();
        let crv = self.curve().unwrap_or("");
        let got = self.describe();
        match alg.need {
            KeyNeed::Hmac(min) => {
                if kty != "oct" {
                    return refuse(format!("{name} needs a secret, got {got}"));
                }
                let len = self.bits() / 8;
                if len < min {
                    return refuse(format!(
                        "{name} needs a secret of at least {min} bytes, got {len}"
                    ));
                }
            }
            KeyNeed::Rsa => {
                if kty != "RSA" {
                    return refuse(format!("{name} needs an RSA key, got {got}"));
                }
                if self.bits() < 2048 {
                    return refuse(format!(
                        "{name} needs an RSA key of at least 2048 bits, got {}",
                        self.bits()
                    ));
                }
            }
            KeyNeed::Ec(curve) => {
                if kty != "EC" || crv != curve {
                    return refuse(format!("{name} needs an EC {curve} key, got {got}"));
                }
            }
            KeyNeed::Ed => {
                if kty != "OKP" || !matches!(crv, "Ed25519" | "Ed448") {
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
                    (None, None) => crate::jose::alg::find_enc(crate::jose::alg::DEFAULT_ENC)
                        .expect("default enc is known"),
                };
                if kty != "oct" || self.bits() / 8 != enc.key_bytes {
                    return refuse(format!(
                        "dir with {} needs a {}-byte key, got {got}",
                        enc.name, enc.key_bytes
                    ));
                }
            }
            KeyNeed::Ecdh => {
                let ok = match kty {
                    "EC" => matches!(crv, "P-256" | "P-384" | "P-521"),
                    "OKP" => matches!(crv, "X25519" | "X448"),
                    _ => false,
                };
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
            && !(name == "dir" && dir_key_for(own, enc))
        {
            return refuse(format!("this key is for {own} (its \"alg\"), not {name}"));
        }
        Ok(())
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
    pub fn usable_algs(&self, op: Op) -> Vec<&'static Alg> {
        let kind = match op {
            Op::Sign | Op::Verify => crate::jose::alg::TokenKind::Jws,
            Op::Encrypt | Op::Decrypt => crate::jose::alg::TokenKind::Jwe,
        };
        crate::jose::alg::ALGS
            .iter()
            .filter(|a| a.kind == kind && a.name != "RSA1_5")
            .filter(|a| {
                // A dir key fits exactly one enc size; any of them will do here.
                if a.need == KeyNeed::Direct {
                    return crate::jose::alg::ENCS
                        .iter()
                        .any(|e| self.check(a, op, Some(e)).is_ok());
                }
                self.check(a, op, None).is_ok()
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
        Ok(Key {
            jwk: Jwk::from_map(map)?,
            private: false,
        })
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
#[derive(Debug, Clone)]
pub struct KeySet {
    pub keys: Vec<Key>,
    pub is_set: bool,
}

impl KeySet {
    fn one(key: Key) -> KeySet {
        KeySet {
            keys: vec![key],
            is_set: false,
        }
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

/// Where KEY's bytes come from.
enum Source<'a> {
    Url(&'a str),
    Stdin,
    Env(&'a str),
    Prompt,
    File(&'a Path),
}

fn parse_reference(reference: &str) -> Result<Source<'_>> {
    Ok(match reference {
        "" => return Err(error::usage("the key reference is empty")),
        "-" => Source::Stdin,
        "prompt" => Source::Prompt,
        r if r.starts_with("env:") => {
            let name = &r[4..];
            if name.is_empty() {
                return Err(error::usage(
                    "env: needs a variable name, as in env:JWT_SECRET",
                ));
            }
            Source::Env(name)
        }
        r if r.starts_with("https://") || r.starts_with("http://") => {
            crate::io::http::check_key_url(r)?;
            Source::Url(r)
        }
        r => Source::File(Path::new(r)),
    })
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

/// Loads KEY: reads it from its source and recognises what it is.
pub fn load(reference: &str, opts: &LoadOptions) -> Result<KeySet> {
    let bytes = match parse_reference(reference)? {
        Source::Url(url) if !opts.allow_url => {
            return Err(error::usage(format!(
                "{url}: a key URL is accepted by verify and inspect only"
            )));
        }
        Source::Url(url) => {
            return crate::keys::remote::fetch(url)
                .with_context(|| format!("key {}", crate::io::http::shown_text(url)));
        }
        Source::Stdin => files::read_stdin_limited(MAX_KEY_BYTES, "key from stdin")?,
        Source::File(path) => {
            // A KEY that names no file may be a secret typed in by mistake: never echo it.
            if std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
                return Err(error::runtime(
                    "the KEY given is not an existing file, nor env:NAME, -, prompt or a key \
                     URL (its value is not shown: it may be a secret)",
                ));
            }
            let bytes = files::read_file_limited(path, MAX_KEY_BYTES, "key file")?;
            let set = recognise(&bytes, opts).with_context(|| format!("key {reference}"))?;
            warn_if_exposed(path, &set);
            return Ok(set);
        }
        Source::Env(name) => {
            use std::os::unix::ffi::OsStringExt;
            std::env::var_os(name)
                .ok_or_else(|| error::runtime(format!("environment variable {name} is not set")))?
                .into_vec()
        }
        Source::Prompt => prompt_secret("Secret: ")
            .map_err(|_| error::runtime("cannot ask for the secret: no terminal"))?
            .into_bytes(),
    };
    recognise(&bytes, opts).with_context(|| format!("key {reference}"))
}

/// Warns (once per file) when a file holding a private key or a secret may be read or
/// changed by other users, as ssh does for private keys.
fn warn_if_exposed(path: &Path, set: &KeySet) {
    use std::os::unix::fs::PermissionsExt;
    static WARNED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o066 == 0 || !set.keys.iter().any(|k| k.private) {
        return;
    }
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned.iter().any(|p| p == path) {
        return;
    }
    warned.push(path.to_path_buf());
    let how = match (mode & 0o044 != 0, mode & 0o022 != 0) {
        (true, true) => "readable and writable",
        (true, false) => "readable",
        _ => "writable",
    };
    let shown = crate::io::sanitize::for_terminal(&path.to_string_lossy()).into_owned();
    crate::io::output::warn(&format!(
        "key file {shown} holds a private key and is {how} by other users (mode {mode:04o}); \
         chmod 600 {shown}"
    ));
}

/// Loads an optional KEY (`--verify-key`, inspect's `--key`).
pub fn load_optional(reference: Option<&str>, opts: &LoadOptions) -> Result<Option<KeySet>> {
    reference.map(|r| load(r, opts)).transpose()
}

/// Loads KEY and requires exactly one key (see [`KeySet::single`]).
pub fn load_one(reference: &str, opts: &LoadOptions, kid: Option<&str>) -> Result<Key> {
    load(reference, opts)?
        .single(kid)
        .with_context(|| format!("key {reference}"))
}

/// Recognises key material from its content. Bytes are a raw secret only when they cannot
/// be a key: a UTF-8 BOM is dropped, UTF-16/32 text is decoded, and DER (or base64 text of
/// DER) that is an ASN.1 SEQUENCE is that key or refused (an HS256 token "signed" with the
/// bytes of a public key must not verify under that key). An explicit `--secret-encoding`
/// makes unrecognised bytes a secret; bytes that are a key stay a key.
pub fn recognise(bytes: &[u8], opts: &LoadOptions) -> Result<KeySet> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Some(text) = wide_text(bytes)? {
        return match recognise_text(&text, opts)? {
            Some(set) => Ok(set),
            None if opts.secret_encoding.is_some() => secret_key(bytes, opts),
            None => Err(error::runtime(
                "the key is UTF-16/UTF-32 text but not a key; save a secret as UTF-8, or give \
                 --secret-encoding to use the bytes as they are",
            )),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Some(set) = recognise_text(text, opts)?
    {
        return Ok(set);
    }
    if is_der_sequence(bytes) {
        if let Some(key) = from_der(bytes)? {
            return Ok(KeySet::one(key));
        }
        if opts.secret_encoding.is_none() {
            return Err(not_a_key("DER"));
        }
    }
    secret_key(bytes, opts)
}

/// A raw secret, decoded as `--secret-encoding` says; decoded bytes that are a DER key are
/// still that key, never a secret.
fn secret_key(bytes: &[u8], opts: &LoadOptions) -> Result<KeySet> {
    let secret = decode_secret(bytes, opts.secret_encoding.unwrap_or_default())?;
    if is_der_sequence(&secret)
        && let Some(key) = from_der(&secret)?
    {
        return Ok(KeySet::one(key));
    }
    Key::from_secret(&secret).map(KeySet::one)
}

/// A key written as text: a JWK or JWK Set, a protected JWK, PEM, an OpenSSH line (refused),
/// or base64 of a DER key (as `JWT_PUBLIC_KEY=MIIBIj…` variables hold one). `None`: no key.
fn recognise_text(text: &str, opts: &LoadOptions) -> Result<Option<KeySet>> {
    let text = text.trim();
    if text.starts_with('{') {
        return from_json(text).map(Some);
    }
    if let Some(set) = protected_jwk(text, opts)? {
        return Ok(Some(set));
    }
    if text.contains("-----BEGIN ") {
        return from_pem(text, opts).map(|key| Some(KeySet::one(key)));
    }
    let first = text.split_whitespace().next().unwrap_or("");
    if first.starts_with("ssh-")
        || first.starts_with("ecdsa-sha2-")
        || first.starts_with("sk-ssh-")
        || first.starts_with("sk-ecdsa-")
    {
        return Err(error::runtime(
            "OpenSSH public keys are not supported; convert it with: ssh-keygen -e -m PKCS8 -f FILE",
        ));
    }
    if let Some(der) = base64_body(text)
        && is_der_sequence(&der)
    {
        if let Some(key) = from_der(&der)? {
            return Ok(Some(KeySet::one(key)));
        }
        if opts.secret_encoding.is_none() {
            return Err(not_a_key("base64 text of DER"));
        }
    }
    Ok(None)
}

/// The bytes of base64 (standard or URL-safe, padded or not, line breaks allowed) text.
fn base64_body(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.split_ascii_whitespace().collect();
    if compact.len() < 16 {
        return None;
    }
    let unpadded = compact.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| URL_SAFE_NO_PAD.decode(unpadded))
        .ok()
}

/// Whether bytes are exactly one DER SEQUENCE: tag 0x30 and a definite length that covers
/// the rest. Key material in DER always is; a random secret almost never.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, body) = if first & 0x80 == 0 {
        (usize::from(*first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return false;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    body.len() == len
}

/// Whether `bytes` are ASCII text as UTF-16 code units, the ASCII byte of each at `low`.
fn ascii_utf16(bytes: &[u8], low: usize) -> bool {
    bytes.len() >= 8
        && bytes.len().is_multiple_of(2)
        && bytes
            .chunks(2)
            .all(|unit| unit[1 - low] == 0 && unit[low] != 0 && unit[low].is_ascii())
}

/// Key-shaped bytes (an ASN.1 SEQUENCE) that are no key jwtctl reads: refused, since
/// falling back to a secret is how key confusion starts; `--secret-encoding` says otherwise.
fn not_a_key(what: &str) -> anyhow::Error {
    error::runtime(format!(
        "the key is {what} (an ASN.1 SEQUENCE) but not a supported key (SPKI, PKCS#1, \
         PKCS#8, SEC1 or an X.509 certificate); give --secret-encoding if these bytes really \
         are a secret"
    ))
}

/// Text in UTF-16 or UTF-32 (with a byte-order mark, or ASCII with NULs between), decoded;
/// `None` for anything else. Undecodable wide text is refused.
fn wide_text(bytes: &[u8]) -> Result<Option<String>> {
    let refuse = || error::runtime("the key is UTF-16/UTF-32 text that does not decode");
    let units16 = |body: &[u8], be: bool| -> Vec<u16> {
        body.chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect()
    };
    let utf32 = |body: &[u8], be: bool| -> Result<String> {
        if !body.len().is_multiple_of(4) {
            return Err(refuse());
        }
        body.chunks(4)
            .map(|c| {
                let unit = [c[0], c[1], c[2], c[3]];
                char::from_u32(if be {
                    u32::from_be_bytes(unit)
                } else {
                    u32::from_le_bytes(unit)
                })
                .ok_or_else(refuse)
            })
            .collect()
    };
    let utf16 = |body: &[u8], be: bool| -> Result<String> {
        if !body.len().is_multiple_of(2) {
            return Err(refuse());
        }
        String::from_utf16(&units16(body, be)).map_err(|_| refuse())
    };
    let text = match bytes {
        [0xff, 0xfe, 0, 0, rest @ ..] => utf32(rest, false)?,
        [0, 0, 0xfe, 0xff, rest @ ..] => utf32(rest, true)?,
        [0xff, 0xfe, rest @ ..] => utf16(rest, false)?,
        [0xfe, 0xff, rest @ ..] => utf16(rest, true)?,
        // No mark: ASCII text with every other byte NUL ("-\0-\0…" or "\0-\0-…"), as a
        // PEM or JWK saved as UTF-16 is; random secret bytes never are.
        _ if ascii_utf16(bytes, 0) => utf16(bytes, false)?,
        _ if ascii_utf16(bytes, 1) => utf16(bytes, true)?,
        _ => return Ok(None),
    };
    Ok(Some(
        text.strip_prefix('\u{feff}').unwrap_or(&text).to_string(),
    ))
}

fn decode_secret(bytes: &[u8], encoding: SecretEncoding) -> Result<Vec<u8>> {
    let text = || {
        std::str::from_utf8(bytes)
            .map(str::trim)
            .map_err(|_| error::runtime("the secret is not text in the --secret-encoding given"))
    };
    let decoded = match encoding {
        SecretEncoding::Raw => return Ok(crate::io::password::strip_newline(bytes.to_vec())),
        SecretEncoding::Base64 => {
            let t = text()?;
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(t.trim_end_matches('='))
                .or_else(|_| STANDARD.decode(t))
                .ok()
        }
        SecretEncoding::Base64url => URL_SAFE_NO_PAD.decode(text()?.trim_end_matches('=')).ok(),
        SecretEncoding::Hex => hex::decode(text()?).ok(),
    };
    decoded.ok_or_else(|| {
        error::runtime(format!(
            "the secret is not valid {}",
            match encoding {
                SecretEncoding::Base64 => "base64",
                SecretEncoding::Base64url => "base64url",
                _ => "hex",
            }
        ))
    })
}

pub(crate) fn from_json(text: &str) -> Result<KeySet> {
    let value: Value =
        serde_json::from_str(text).map_err(|_| error::runtime("not valid JSON (nor a key)"))?;
    let Value::Object(map) = value else {
        return Err(error::runtime("not a JWK or a JWK Set"));
    };
    if let Some(keys) = map.get("keys") {
        let Value::Array(keys) = keys else {
            return Err(error::runtime("the JWK Set's \"keys\" is not an array"));
        };
        let mut loaded = Vec::new();
        for (i, entry) in keys.iter().enumerate() {
            let Value::Object(member) = entry else {
                return Err(error::runtime(format!(
                    "JWK Set entry {i} is not an object"
                )));
            };
            // A set may carry key types we do not know (RFC 7517 §5): skip those.
            if !matches!(
                member.get("kty").and_then(Value::as_str),
                Some("oct" | "RSA" | "EC" | "OKP")
            ) {
                continue;
            }
            loaded
                .push(jwk_from_map(member.clone()).with_context(|| format!("JWK Set entry {i}"))?);
        }
        if loaded.is_empty() {
            return Err(error::runtime("the JWK Set holds no usable key"));
        }
        return Ok(KeySet {
            keys: loaded,
            is_set: true,
        });
    }
    if map.contains_key("kty") {
        return jwk_from_map(map).map(KeySet::one);
    }
    Err(error::runtime("JSON that is neither a JWK nor a JWK Set"))
}

fn jwk_from_map(map: serde_json::Map<String, Value>) -> Result<Key> {
    let jwk = Jwk::from_map(map)
        .map_err(|e| error::runtime(format!("invalid JWK: {}", jose_reason(&e))))?;
    Key::from_jwk(jwk).map_err(|e| error::runtime(format!("invalid JWK: {}", error::one_line(&e))))
}

/// josekit's error text without its "Invalid JWK format: " style prefix noise.
pub fn jose_reason(err: &josekit::JoseError) -> String {
    use std::error::Error;
    match err.source() {
        Some(source) => source.to_string(),
        None => err.to_string(),
    }
}

/// A compact PBES2 JWE wrapping a JWK, as `keygen --protect` (and `step`) writes it.
fn protected_jwk(text: &str, opts: &LoadOptions) -> Result<Option<KeySet>> {
    if !text.starts_with("eyJ") || text.split('.').count() != 5 {
        return Ok(None);
    }
    let Ok(compact) = token::parse(text, token::DEFAULT_MAX_TOKEN_BYTES) else {
        return Ok(None);
    };
    let alg = compact.alg().unwrap_or("");
    if !alg.starts_with("PBES2-") {
        return Ok(None);
    }
    let p2c = compact
        .header
        .get("p2c")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if p2c > MAX_PROTECT_P2C {
        return Err(error::runtime(format!(
            "the protected key asks for {p2c} PBES2 iterations, over the limit of {MAX_PROTECT_P2C}"
        )));
    }
    let password = read_password(opts, "Password for the protected key: ")?;
    let decrypter = match alg {
        "PBES2-HS256+A128KW" => josekit::jwe::PBES2_HS256_A128KW.decrypter_from_bytes(&password),
        "PBES2-HS384+A192KW" => josekit::jwe::PBES2_HS384_A192KW.decrypter_from_bytes(&password),
        "PBES2-HS512+A256KW" => josekit::jwe::PBES2_HS512_A256KW.decrypter_from_bytes(&password),
        other => return Err(error::runtime(format!("unsupported protection {other}"))),
    }?;
    let (plain, _) = josekit::jwe::deserialize_compact(text, &decrypter).map_err(|_| {
        error::runtime("cannot unlock the protected key: wrong password or damaged file")
    })?;
    let plain = String::from_utf8(plain)
        .map_err(|_| error::runtime("the protected key does not hold a JWK"))?;
    from_json(plain.trim()).map(Some)
}

/// Wraps a private JWK under a password as a compact PBES2-HS512+A256KW / A256GCM JWE.
pub fn protect(key: &Key, password: &[u8]) -> Result<String> {
    let mut encrypter = josekit::jwe::PBES2_HS512_A256KW.encrypter_from_bytes(password)?;
    encrypter.set_iter_count(PROTECT_P2C);
    encrypter.set_salt_len(16);
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_content_type(PROTECTED_CTY);
    if let Some(kid) = key.kid() {
        header.set_key_id(kid);
    }
    let payload = serde_json::to_vec(key.jwk.as_ref())?;
    Ok(josekit::jwe::serialize_compact(
        &payload, &header, &encrypter,
    )?)
}

fn pem_label(text: &str) -> &str {
    text.split("-----BEGIN ")
        .nth(1)
        .and_then(|rest| rest.split("-----").next())
        .unwrap_or("")
}

fn from_pem(text: &str, opts: &LoadOptions) -> Result<Key> {
    let pem = text.as_bytes();
    let bad = |what: &str| error::runtime(format!("not a valid {what} PEM"));
    let label = pem_label(text);
    let key = match label {
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            let pkey = PKey::private_key_from_pem(pem).map_err(|_| bad(label))?;
            Key {
                jwk: convert::private_to_jwk(&pkey)?,
                private: true,
            }
        }
        "ENCRYPTED PRIVATE KEY" => {
            let password = read_password(opts, "Password for the PEM key: ")?;
            let pkey = PKey::private_key_from_pem_passphrase(pem, &password).map_err(|_| {
                error::runtime("cannot unlock the PEM key: wrong password or damaged file")
            })?;
            Key {
                jwk: convert::private_to_jwk(&pkey)?,
                private: true,
            }
        }
        "PUBLIC KEY" => {
            let pkey = PKey::public_key_from_pem(pem).map_err(|_| bad(label))?;
            public_key(convert::public_to_jwk(&pkey)?)
        }
        "RSA PUBLIC KEY" => {
            let rsa = Rsa::public_key_from_pem_pkcs1(pem).map_err(|_| bad(label))?;
            public_key(convert::public_to_jwk(&PKey::from_rsa(rsa)?)?)
        }
        "CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            let cert = X509::from_pem(pem).map_err(|_| bad("certificate"))?;
            public_key(convert::public_to_jwk(&cert.public_key()?)?)
        }
        "OPENSSH PRIVATE KEY" => {
            return Err(error::runtime(
                "OpenSSH private keys are not supported; convert it with: ssh-keygen -p -m PKCS8 -f FILE",
            ));
        }
        other => {
            return Err(error::runtime(format!(
                "unsupported PEM \"{other}\" (expected a private key, public key or certificate)"
            )));
        }
    };
    Ok(key)
}

fn public_key(jwk: Jwk) -> Key {
    Key {
        jwk,
        private: false,
    }
}

/// A DER private key, public key or certificate, if the bytes are one.
fn from_der(der: &[u8]) -> Result<Option<Key>> {
    if let Ok(pkey) = PKey::private_key_from_der(der) {
        return Ok(Some(Key {
            jwk: convert::private_to_jwk(&pkey)?,
            private: true,
        }));
    }
    if let Ok(pkey) = PKey::public_key_from_der(der) {
        return Ok(Some(public_key(convert::public_to_jwk(&pkey)?)));
    }
    if let Ok(rsa) = Rsa::public_key_from_der_pkcs1(der) {
        return Ok(Some(public_key(convert::public_to_jwk(&PKey::from_rsa(
            rsa,
        )?)?)));
    }
    if let Ok(cert) = X509::from_der(der) {
        return Ok(Some(public_key(convert::public_to_jwk(
            &cert.public_key()?,
        )?)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::alg::find;

    fn opts() -> LoadOptions {
        LoadOptions::default()
    }

    fn rsa_pem() -> (Vec<u8>, Vec<u8>) {
        let rsa = Rsa::generate(2048).unwrap();
        let pkey = PKey::from_rsa(rsa).unwrap();
        (
            pkey.private_key_to_pem_pkcs8().unwrap(),
            pkey.public_key_to_pem().unwrap(),
        )
    }

    #[test]
    fn a_public_pem_is_never_an_hmac_secret() {
        let (_, public) = rsa_pem();
        let key = recognise(&public, &opts()).unwrap().single(None).unwrap();
        assert_eq!(key.kty(), "RSA");
        let err = key
            .check(find("HS256").unwrap(), Op::Verify, None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "HS256 needs a secret, got an RSA public key (2048 bits)"
        );
    }

    #[test]
    fn a_jwk_and_an_ssh_line_are_never_raw_secrets() {
        let err = recognise(b"{\"kty\":\"RSA\"}", &opts()).unwrap_err();
        assert!(error::one_line(&err).starts_with("invalid JWK"), "{err}");
        let err = recognise(b"ssh-rsa AAAAB3NzaC1yc2E user@host\n", &opts()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("OpenSSH public keys are not supported")
        );
        let err = recognise(b"{not json", &opts()).unwrap_err();
        assert_eq!(err.to_string(), "not valid JSON (nor a key)");
    }

    #[test]
    fn der_keys_are_recognised() {
        let rsa = Rsa::generate(2048).unwrap();
        let der = PKey::from_rsa(rsa).unwrap().public_key_to_der().unwrap();
        let key = recognise(&der, &opts()).unwrap().single(None).unwrap();
        assert_eq!((key.kty(), key.private), ("RSA", false));
    }

    #[test]
    fn raw_secrets_lose_one_trailing_newline() {
        let key = recognise(b"abc\r\n", &opts())
            .unwrap()
            .single(None)
            .unwrap();
        assert_eq!(key.secret().unwrap(), b"abc");
        let key = recognise(b"abc\n\n", &opts())
            .unwrap()
            .single(None)
            .unwrap();
        assert_eq!(key.secret().unwrap(), b"abc\n");
    }

    #[test]
    fn encoded_secrets_decode() {
        let enc = |e| LoadOptions {
            secret_encoding: Some(e),
            ..LoadOptions::default()
        };
        let hex = recognise(b"00ff10\n", &enc(SecretEncoding::Hex)).unwrap();
        assert_eq!(hex.keys[0].secret().unwrap(), vec![0, 255, 16]);
        let b64 = recognise(b"AP8Q\n", &enc(SecretEncoding::Base64)).unwrap();
        assert_eq!(b64.keys[0].secret().unwrap(), vec![0, 255, 16]);
        let b64u = recognise(b"_w", &enc(SecretEncoding::Base64url)).unwrap();
        assert_eq!(b64u.keys[0].secret().unwrap(), vec![255]);
        let err = recognise(b"zz", &enc(SecretEncoding::Hex)).unwrap_err();
        assert_eq!(err.to_string(), "the secret is not valid hex");
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

        let small = Key {
            jwk: convert::public_to_jwk(&PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap())
                .unwrap(),
            private: false,
        };
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
        let names: Vec<_> = key.usable_algs(Op::Verify).iter().map(|a| a.name).collect();
        assert_eq!(
            names,
            ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        );
        let secret = Key::from_secret(&[7u8; 32]).unwrap();
        let names: Vec<_> = secret
            .usable_algs(Op::Verify)
            .iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["HS256"]);
    }

    #[test]
    fn protected_keys_unlock_with_the_right_password_only() {
        let dir = tempfile::tempdir().unwrap();
        let key =
            Key::from_jwk(Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P256).unwrap())
                .unwrap();
        let locked = protect(&key, b"hunter22").unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "hunter22\n").unwrap();
        let opts = LoadOptions {
            secret_encoding: Some(SecretEncoding::Raw),
            password_file: Some(pw.clone()),
            allow_url: false,
        };
        let back = recognise(locked.as_bytes(), &opts).unwrap().keys.remove(0);
        assert_eq!(back.thumbprint().unwrap(), key.thumbprint().unwrap());
        std::fs::write(&pw, "wrong").unwrap();
        let err = recognise(locked.as_bytes(), &opts).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot unlock the protected key: wrong password or damaged file"
        );
    }
}
