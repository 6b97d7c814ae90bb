//! `jwtctl verify`: is this JWS genuine, and are its claims acceptable?

use anyhow::Result;

use crate::cli::{ClaimCheckArgs, GlobalArgs, VerifyArgs};
use crate::input;
use crate::keys;
use crate::output;
use crate::time;
use crate::token;
use crate::trust::{self, Policy};

/// The claim policy shared by verify and decrypt.
pub fn policy(claims: &ClaimCheckArgs, algs: &[String]) -> Result<Policy> {
    Ok(Policy {
        algs: algs.to_vec(),
        iss: claims.iss.clone(),
        aud: claims.aud.clone(),
        sub: claims.sub.clone(),
        require: claims.require.clone(),
        leeway: time::parse_duration(&claims.leeway)?,
        ignore_exp: claims.ignore_exp,
        now: match &claims.now {
            Some(text) => time::parse_now(text)?,
            None => time::now_unix(),
        },
        ..Policy::default()
    })
}

pub fn run(args: &VerifyArgs, global: &GlobalArgs) -> Result<()> {
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--key", Some(args.key.as_str())),
    ])?;
    let policy = policy(&args.claims, &args.algs)?;
    let max = args.token_input.max_token_size;
    let text = input::token_arg(args.token.as_deref(), max, false)?;
    let parsed = token::parse(&text, max)?;
    let keys = keys::load(&args.key, &args.key_input.load_options())?;
    let verified = trust::verify_jws(&parsed, &keys, &policy)?;
    output::print_verified(&verified, global.json, "verified")
}
