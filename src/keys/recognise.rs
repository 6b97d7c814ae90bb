//! Recognising key material from its content: JSON (a JWK or a JWK Set), a
//! password-protected JWK, PEM, OpenSSH (refused), DER or base64 DER, and only then raw
//! secret bytes. Anything that looks like a key is never used as an HMAC secret.

use anyhow::{Context, Result};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use josekit::jwk::Jwk;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::X509;
use serde_json::Value;

use super::convert;
use super::protect::protected_jwk;
use super::{Key, KeySet, LoadOptions, SecretEncoding, jose_reason, read_password};
use crate::error;
use crate::io::password::strip_newline;

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
        SecretEncoding::Raw => return Ok(strip_newline(bytes.to_vec())),
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
        return Ok(KeySet::new(loaded, true));
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

fn pem_label(text: &str) -> &str {
    text.split("-----BEGIN ")
        .nth(1)
        .and_then(|rest| rest.split("-----").next())
        .unwrap_or("")
}

/// A PEM key, held (as a DER key is) to what a JWK of it would be held to: OpenSSL reads an
/// RSA key whose members disagree, or an EC key whose point is not its scalar's.
fn from_pem(text: &str, opts: &LoadOptions) -> Result<Key> {
    let pem = text.as_bytes();
    let bad = |what: &str| error::runtime(format!("not a valid {what} PEM"));
    let label = pem_label(text);
    let key = match label {
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            let pkey = PKey::private_key_from_pem(pem).map_err(|_| bad(label))?;
            Key::from_jwk(convert::private_to_jwk(&pkey)?)?
        }
        "ENCRYPTED PRIVATE KEY" => {
            let password = read_password(opts, "Password for the PEM key: ")?;
            let pkey = PKey::private_key_from_pem_passphrase(pem, &password).map_err(|_| {
                error::runtime("cannot unlock the PEM key: wrong password or damaged file")
            })?;
            Key::from_jwk(convert::private_to_jwk(&pkey)?)?
        }
        "PUBLIC KEY" => {
            let pkey = PKey::public_key_from_pem(pem).map_err(|_| bad(label))?;
            Key::from_jwk(convert::public_to_jwk(&pkey)?)?
        }
        "RSA PUBLIC KEY" => {
            let rsa = Rsa::public_key_from_pem_pkcs1(pem).map_err(|_| bad(label))?;
            Key::from_jwk(convert::public_to_jwk(&PKey::from_rsa(rsa)?)?)?
        }
        "CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            let cert = X509::from_pem(pem).map_err(|_| bad("certificate"))?;
            Key::from_jwk(convert::public_to_jwk(&cert.public_key()?)?)?
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

/// A DER private key, public key or certificate, if the bytes are one.
fn from_der(der: &[u8]) -> Result<Option<Key>> {
    if let Ok(pkey) = PKey::private_key_from_der(der) {
        return Ok(Some(Key::from_jwk(convert::private_to_jwk(&pkey)?)?));
    }
    if let Ok(pkey) = PKey::public_key_from_der(der) {
        return Ok(Some(Key::from_jwk(convert::public_to_jwk(&pkey)?)?));
    }
    if let Ok(rsa) = Rsa::public_key_from_der_pkcs1(der) {
        return Ok(Some(Key::from_jwk(convert::public_to_jwk(
            &PKey::from_rsa(rsa)?,
        )?)?));
    }
    if let Ok(cert) = X509::from_der(der) {
        return Ok(Some(Key::from_jwk(convert::public_to_jwk(
            &cert.public_key()?,
        )?)?));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::alg::find;
    use crate::keys::Op;
    use crate::keys::tests::{opts, rsa_pem};

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
}
