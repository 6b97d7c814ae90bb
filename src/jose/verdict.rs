//! What a check says: each step's result (`Check`), a token that passed (`Verified`), a
//! refusal with the checks made up to it (`Refused`), and the trail that records them.

use std::borrow::Cow;

use crate::error;
use crate::jose::claims::ClaimsSet;
use crate::jose::token::{Compact, Header};

/// One line of "what was checked": `{"check":"exp","result":"ok","detail":"…"}`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    #[serde(rename = "check")]
    pub name: Cow<'static, str>,
    pub result: &'static str,
    /// Most details are fixed text: borrowed, they cost `--batch` no allocation per token.
    pub detail: Cow<'static, str>,
}

impl Check {
    pub(super) fn new(
        name: impl Into<Cow<'static, str>>,
        result: &'static str,
        detail: impl Into<Cow<'static, str>>,
    ) -> Check {
        Check {
            name: name.into(),
            result,
            detail: detail.into(),
        }
    }
}

/// A token that passed: its header, payload, parsed claims (if a JSON object) and the checks.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: Header,
    /// The payload when it is not a claims set; empty when `claims` holds it (one copy of
    /// a payload, not two). Read it with [`Verified::payload`].
    pub raw_payload: Vec<u8>,
    pub claims: Option<ClaimsSet>,
    pub checks: Vec<Check>,
    /// For a nested JWT: the inner JWS's header.
    pub inner_header: Option<Header>,
}

/// What `inspect` and `--scan` say of a JWE that anyone with the public key could make.
pub const NOT_AUTHENTICATED: &str =
    "not authenticated: anyone with the public key can make this token";

impl Verified {
    /// The payload: the claims set's text, or the raw payload.
    pub fn payload(&self) -> &[u8] {
        match &self.claims {
            Some(claims) => claims.text(),
            None => &self.raw_payload,
        }
    }

    /// Whether the token was accepted only because `allow_unauthenticated` let a JWE through
    /// that anyone holding the recipient's public key could have made.
    pub fn anyone_could_make(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.name == "authenticity" && c.result == "not checked")
    }
}

/// A refusal, with the checks made up to it (the last one the check that failed) and the
/// claims when they were authentic (a token refused for its claims).
#[derive(Debug)]
pub struct Refused {
    pub error: anyhow::Error,
    /// The token's header, when it parsed.
    pub header: Option<Header>,
    pub checks: Vec<Check>,
    pub claims: Option<Box<ClaimsSet>>,
    /// The signature was checked with a key that could check it, and did not verify (as
    /// opposed to: no key could check it, or an earlier step refused the token).
    pub mismatch: bool,
}

impl From<Refused> for anyhow::Error {
    fn from(refused: Refused) -> anyhow::Error {
        refused.error
    }
}

/// A failure before any check ran (the token or the key could not be read).
impl From<anyhow::Error> for Refused {
    fn from(error: anyhow::Error) -> Refused {
        Refused {
            error,
            header: None,
            checks: Vec::new(),
            claims: None,
            mismatch: false,
        }
    }
}

/// The checks made so far, the step under way, and the authentic claims once known.
#[derive(Default)]
pub(super) struct Trail {
    pub(super) checks: Vec<Check>,
    pub(super) step: &'static str,
    pub(super) claims: Option<ClaimsSet>,
    pub(super) mismatch: bool,
}

impl Trail {
    /// Room for every check a token passes without a reallocation.
    pub(super) fn new() -> Trail {
        Trail {
            checks: Vec::with_capacity(8),
            ..Trail::default()
        }
    }

    pub(super) fn ok(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        detail: impl Into<Cow<'static, str>>,
    ) {
        self.checks.push(Check::new(name, "ok", detail));
    }

    /// The refusal of the step under way, recorded as the last check (unless a nested
    /// verification recorded its own already).
    pub(super) fn refuse(mut self, token: &Compact, error: anyhow::Error) -> Refused {
        if self.checks.last().is_none_or(|c| c.result != "failed") {
            self.checks
                .push(Check::new(self.step, "failed", error::one_line(&error)));
        }
        Refused {
            error,
            header: Some(token.header.clone()),
            checks: self.checks,
            claims: self.claims.map(Box::new),
            mismatch: self.mismatch,
        }
    }
}
