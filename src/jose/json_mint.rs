//! Writing the JSON serializations (`issue --serialization flattened|general`): one
//! signature per key (JWS), or one recipient per key sharing one content key (JWE).
//! `--header` members are protected, `--unprotected-header` ones are not.

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::{JweContext, JweEncrypter, JweHeader, JweHeaderSet};
use josekit::jws::JwsSigner;
use serde_json::{Map, Value};

use crate::error;
use crate::jose::alg::{self, Alg, TokenKind};
use crate::jose::crypto;
use crate::jose::json::Form;
use crate::jose::mint::{HeaderParams, JwsMinter};
use crate::keys::Key;

/// One signer or recipient: its algorithm, key and protected header members (its `kid`).
pub struct Party<'k> {
    pub alg: &'static Alg,
    pub key: &'k Key,
    pub params: HeaderParams,
}

struct Signature {
    protected: String,
    signer: Box<dyn JwsSigner>,
}

struct Recipient {
    header: JweHeader,
    encrypter: Box<dyn JweEncrypter>,
}

/// A prepared JSON-serialization minter; shared across threads.
pub struct JsonMinter {
    form: Form,
    unprotected: Map<String, Value>,
    signatures: Vec<Signature>,
    shared: Option<JweHeaderSet>,
    recipients: Vec<Recipient>,
    inner: Option<JwsMinter>,
}

fn header_error(err: josekit::JoseError) -> anyhow::Error {
    error::usage(format!(
        "invalid header: {}",
        crate::keys::jose_reason(&err)
    ))
}

impl JsonMinter {
    pub fn new(
        form: Form,
        parties: &[Party<'_>],
        enc: &str,
        unprotected: Map<String, Value>,
        inner: Option<JwsMinter>,
    ) -> Result<JsonMinter> {
        if form == Form::Flattened && parties.len() > 1 {
            return Err(error::usage(
                "--serialization flattened takes one --key; use general for several",
            ));
        }
        for name in ["alg", "enc", "crit", "b64"] {
            if unprotected.contains_key(name) {
                return Err(error::usage(format!(
                    "--unprotected-header {name}: it must be protected"
                )));
            }
        }
        let kind = parties[0].alg.kind;
        if parties.iter().any(|p| p.alg.kind != kind) {
            return Err(error::usage(
                "the keys make different kinds of token (signature and key-management algorithms mixed)",
            ));
        }
        let mut minter = JsonMinter {
            form,
            unprotected,
            signatures: Vec::new(),
            shared: None,
            recipients: Vec::new(),
            inner,
        };
        match kind {
            TokenKind::Jws => {
                if minter.inner.is_some() {
                    return Err(error::usage(
                        "a nested JWT is encrypted with --key: --alg must be a key-management algorithm",
                    ));
                }
                for party in parties {
                    let mut header = Map::new();
                    header.insert("alg".into(), Value::from(party.alg.name));
                    header.extend(party.params.members.clone());
                    for name in header.keys() {
                        if minter.unprotected.contains_key(name) {
                            return Err(error::usage(format!(
                                "header {name} is given both protected and unprotected"
                            )));
                        }
                    }
                    minter.signatures.push(Signature {
                        protected: URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header)?),
                        signer: crypto::signer(party.alg, party.key)?,
                    });
                }
            }
            TokenKind::Jwe => {
                let enc_spec =
                    alg::find_enc(enc).ok_or_else(|| error::usage(format!("unknown enc {enc}")))?;
                // Shared protected: enc and the members every recipient has (typ, cty,
                // --header); per recipient: alg and its kid.
                let mut shared = JweHeaderSet::new();
                shared.set_content_encryption(enc, true);
                for (name, value) in &parties[0].params.members {
                    if name == "kid" {
                        continue;
                    }
                    shared
                        .set_claim(name, Some(value.clone()), true)
                        .map_err(header_error)?;
                }
                if minter.inner.is_some() {
                    shared
                        .set_claim("cty", Some(Value::from("JWT")), true)
                        .map_err(header_error)?;
                }
                for (name, value) in &minter.unprotected {
                    if shared.claims_set(true).contains_key(name) {
                        return Err(error::usage(format!(
                            "header {name} is given both protected and unprotected"
                        )));
                    }
                    shared
                        .set_claim(name, Some(value.clone()), false)
                        .map_err(header_error)?;
                }
                for party in parties {
                    let mut header = JweHeader::new();
                    header.set_algorithm(party.alg.name);
                    if let Some(kid) = party.params.members.get("kid").and_then(Value::as_str) {
                        header.set_key_id(kid);
                    }
                    minter.recipients.push(Recipient {
                        header,
                        encrypter: crypto::encrypter(party.alg, enc_spec, party.key)?,
                    });
                }
                minter.shared = Some(shared);
            }
        }
        Ok(minter)
    }

    /// One JSON-serialized token (one line) for this payload.
    pub fn mint_payload(&self, payload: &[u8]) -> Result<String> {
        if !self.signatures.is_empty() {
            return self.sign(payload);
        }
        let signed;
        let plaintext = match &self.inner {
            Some(inner) => {
                signed = inner.sign(payload)?;
                signed.as_bytes()
            }
            None => payload,
        };
        let context = JweContext::new();
        let recipients: Vec<(Option<&JweHeader>, &dyn JweEncrypter)> = self
            .recipients
            .iter()
            .map(|r| (Some(&r.header), r.encrypter.as_ref()))
            .collect();
        let text = match self.form {
            Form::Flattened => context.serialize_flattened_json(
                plaintext,
                self.shared.as_ref(),
                recipients[0].0,
                None,
                recipients[0].1,
            )?,
            Form::General => context.serialize_general_json(
                plaintext,
                self.shared.as_ref(),
                &recipients,
                None,
            )?,
        };
        Ok(text)
    }

    fn sign(&self, payload: &[u8]) -> Result<String> {
        let payload_b64 = URL_SAFE_NO_PAD.encode(payload);
        let mut entries = Vec::with_capacity(self.signatures.len());
        for signature in &self.signatures {
            let input = format!("{}.{payload_b64}", signature.protected);
            let mut entry = Map::new();
            entry.insert("protected".into(), Value::from(signature.protected.clone()));
            if !self.unprotected.is_empty() {
                entry.insert("header".into(), Value::Object(self.unprotected.clone()));
            }
            entry.insert(
                "signature".into(),
                Value::from(URL_SAFE_NO_PAD.encode(signature.signer.sign(input.as_bytes())?)),
            );
            entries.push(entry);
        }
        let mut doc = Map::new();
        doc.insert("payload".into(), Value::from(payload_b64));
        match self.form {
            Form::Flattened => doc.extend(entries.remove(0)),
            Form::General => {
                doc.insert(
                    "signatures".into(),
                    Value::Array(entries.into_iter().map(Value::Object).collect()),
                );
            }
        }
        Ok(Value::Object(doc).to_string())
    }
}
