//! `jwtctl decrypt`: decrypt a JWE, verify a nested JWT's inner JWS, check the claims.

use anyhow::Result;

use crate::cli::{DecryptArgs, GlobalArgs};
use crate::commands::verify::{policy, run_batch};
use crate::input;
use crate::keys;
use crate::output;
use crate::token;
use crate::trust::{self, Policy};

pub fn run(args: &DecryptArgs, global: &GlobalArgs) -> Result<()> {
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--key", Some(args.key.as_str())),
        ("--verify-key", args.verify_key.as_deref()),
    ])?;
    let policy = Policy {
        encs: args.encs.clone(),
        max_p2c: args.max_p2c,
        max_inflate: args.max_inflate,
        ..policy(&args.claims, &args.algs)?
    };
    let max = args.token_input.max_token_size;
    if args.batch {
        let load = args.key_input.load_options();
        let keys = keys::load(&args.key, &load)?;
        let inner_keys = keys::load_optional(args.verify_key.as_deref(), &load)?;
        return run_batch(&args.threads, max, |token| {
            trust::decrypt_jwe(
                token,
                &keys,
                &policy,
                inner_keys.as_ref(),
                args.no_verify_inner,
            )
        });
    }
    let text = input::token_arg(args.token.as_deref(), max, false)?;
    let parsed = token::parse(&text, max)?;
    let load = args.key_input.load_options();
    let keys = keys::load(&args.key, &load)?;
    let inner_keys = keys::load_optional(args.verify_key.as_deref(), &load)?;
    let verified = trust::decrypt_jwe(
        &parsed,
        &keys,
        &policy,
        inner_keys.as_ref(),
        args.no_verify_inner,
    )?;
    output::print_verified(&verified, global.json, "decrypted")
}
