//! The contract's exit codes, and the one place a failure gets its class.
//!
//! Code deep inside a command returns `anyhow::Error`; when the failure is one the
//! contract gives a specific exit code, it is built with one of the constructors here
//! (`usage`, `malformed`, …) so that `main` can map it once with [`exit_code`].

use std::fmt;

/// The class of a failure, which decides the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// I/O, unusable key, network or server failure.
    Runtime = 1,
    /// Bad flags or flag values.
    Usage = 2,
    /// Not a compact JWS/JWE, bad base64url, bad JSON, unsupported header.
    Malformed = 3,
    /// Bad signature or tag, algorithm not allowed, decryption failed, `alg: none`.
    NotAuthentic = 4,
    /// Expired, not yet valid, issuer/audience/subject mismatch, required claim missing.
    ClaimsRejected = 5,
}

/// A failure with a class and a one-line message meant for a person.
#[derive(Debug)]
pub struct Failure {
    pub class: Class,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

fn failure(class: Class, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        class,
        message: message.into(),
    })
}

pub fn runtime(message: impl Into<String>) -> anyhow::Error {
    failure(Class::Runtime, message)
}
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    failure(Class::Usage, message)
}
pub fn malformed(message: impl Into<String>) -> anyhow::Error {
    failure(Class::Malformed, message)
}
pub fn not_authentic(message: impl Into<String>) -> anyhow::Error {
    failure(Class::NotAuthentic, message)
}
pub fn rejected(message: impl Into<String>) -> anyhow::Error {
    failure(Class::ClaimsRejected, message)
}

/// A failure of a class known earlier (batch summaries).
pub fn of_class(class: Class, message: impl Into<String>) -> anyhow::Error {
    failure(class, message)
}

/// The class of an error: the outermost [`Failure`] in its chain, else a runtime error.
pub fn class_of(err: &anyhow::Error) -> Class {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Failure>())
        .map_or(Class::Runtime, |f| f.class)
}

impl Class {
    /// The name `--json` documents carry (`class`).
    pub fn name(self) -> &'static str {
        match self {
            Class::Runtime => "runtime",
            Class::Usage => "usage",
            Class::Malformed => "malformed",
            Class::NotAuthentic => "not_authentic",
            Class::ClaimsRejected => "claims_rejected",
        }
    }
}

/// The exit code for an error.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    class_of(err) as u8
}

/// The longest message printed; token-supplied text can be long.
const MAX_MESSAGE_CHARS: usize = 2000;

/// The error as one line: its context chain joined with `: `, line breaks (from a library
/// message) folded into spaces, terminal controls (a token's header may carry them)
/// escaped, and the length capped.
pub fn one_line(err: &anyhow::Error) -> String {
    let joined = err
        .chain()
        .map(|cause| cause.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    let folded = joined.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut line: String = crate::io::sanitize::for_terminal(&folded)
        .chars()
        .take(MAX_MESSAGE_CHARS)
        .collect();
    if folded.chars().count() > MAX_MESSAGE_CHARS {
        line.push('…');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn each_class_maps_to_its_contract_code() {
        assert_eq!(exit_code(&runtime("x")), 1);
        assert_eq!(exit_code(&usage("x")), 2);
        assert_eq!(exit_code(&malformed("x")), 3);
        assert_eq!(exit_code(&not_authentic("x")), 4);
        assert_eq!(exit_code(&rejected("x")), 5);
    }

    #[test]
    fn unclassified_errors_are_runtime_errors() {
        let err = anyhow::anyhow!("disk on fire");
        assert_eq!(exit_code(&err), 1);
        let io = anyhow::Error::new(std::io::Error::other("nope"));
        assert_eq!(exit_code(&io), 1);
    }

    #[test]
    fn context_keeps_the_class_of_the_cause() {
        let err = Err::<(), _>(malformed("part 2 is not base64url"))
            .context("reading token")
            .unwrap_err();
        assert_eq!(exit_code(&err), 3);
        assert_eq!(one_line(&err), "reading token: part 2 is not base64url");
    }

    #[test]
    fn messages_are_folded_to_one_line() {
        let err = runtime("first line\nsecond\r\n  third");
        assert_eq!(one_line(&err), "first line second third");
    }

    #[test]
    fn terminal_escapes_and_huge_messages_are_defused() {
        let err = malformed("alg \u{1b}[31mred\u{7}");
        assert_eq!(one_line(&err), "alg \\u{1b}[31mred\\u{7}");
        let long = one_line(&malformed("x".repeat(5000)));
        assert_eq!(long.chars().count(), 2001);
        assert!(long.ends_with('…'));
    }
}
