//! `jwtctl decrypt`: decrypt a JWE, verify a nested JWT's inner JWS, check the claims.

use anyhow::Result;

use crate::cli::{DecryptArgs, GlobalArgs};
use crate::commands::verify::{policy, run_batch, with_header};
use crate::io::input;
use crate::io::output;
use crate::jose::json;
use crate::jose::verify::{Inner, Policy, Refused, Verified};
use crate::keys::{self, KeySet};

fn decrypt_policy(args: &DecryptArgs) -> Result<Policy> {
    Ok(Policy {
        encs: args.encs.clone(),
        max_p2c: args.max_p2c,
        max_inflate: args.max_inflate,
        allow_unauthenticated: args.allow_unauthenticated,
        ..policy(&args.claims, &args.algs)?
    })
}

/// What the plaintext must be: `--verify-key`, `--no-verify-inner`, or neither.
fn inner<'k>(args: &DecryptArgs, inner_keys: Option<&'k KeySet>) -> Inner<'k> {
    match inner_keys {
        Some(keys) => Inner::Verify(keys),
        None if args.no_verify_inner => Inner::Skip,
        None => Inner::Refuse,
    }
}

pub fn run(args: &DecryptArgs, global: &GlobalArgs) -> Result<()> {
    let load = args.key_input.load_options();
    let max = args.token_input.max_token_size;
    if args.batch {
        let policy = decrypt_policy(args)?;
        let keys = keys::load(&args.key, &load)?;
        let inner_keys = keys::load_optional(args.verify_key.as_deref(), &load)?;
        let inner = inner(args, inner_keys.as_ref());
        return run_batch(&args.threads, max, |token| {
            json::decrypt_jwe(token, &keys, &policy, inner)
        });
    }
    let outcome = (|| -> Result<Verified, Refused> {
        input::one_stdin_user(&[
            ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
            ("--key", Some(args.key.as_str())),
            ("--verify-key", args.verify_key.as_deref()),
        ])?;
        let policy = decrypt_policy(args)?;
        let text = input::token_arg(args.token.as_deref(), max, true)?;
        let parsed = json::parse_any(&text, max)?;
        let keys = keys::load(&args.key, &load).map_err(|e| with_header(e, parsed.first()))?;
        let inner_keys = keys::load_optional(args.verify_key.as_deref(), &load)
            .map_err(|e| with_header(e, parsed.first()))?;
        json::decrypt_jwe(&parsed, &keys, &policy, inner(args, inner_keys.as_ref()))
    })();
    output::finish(outcome, global.json, args.claims.quiet, "decrypted")
}
