//! `jwtctl verify`: is this JWS genuine, and are its claims acceptable?

use anyhow::Result;

use serde_json::Value;

use crate::bulk::batch::{self, LineResult};
use crate::bulk::pipeline;
use crate::cli::{ClaimCheckArgs, GlobalArgs, ThreadArgs, VerifyArgs};
use crate::error;
use crate::io::input;
use crate::io::output;
use crate::jose::alg::Alg;
use crate::jose::token::{self, Compact};
use crate::jose::verify::{self, Policy, Refused, Verified};
use crate::keys;
use crate::time;

/// The claim policy shared by verify and decrypt.
pub fn policy(claims: &ClaimCheckArgs, algs: &[&'static Alg]) -> Result<Policy> {
    Ok(Policy {
        algs: algs.to_vec(),
        iss: claims.iss.clone(),
        aud: claims.aud.clone(),
        sub: claims.sub.clone(),
        require: claims.require.clone(),
        leeway: time::parse_duration(&claims.leeway)?,
        ignore_exp: claims.ignore_exp,
        allow_weak_key: claims.allow_weak_key,
        ..Policy::new(time::now_or(claims.now.as_deref())?)
    })
}

/// `--batch` for verify and decrypt: one token per stdin line, exactly one JSON result per
/// line (`{line, valid, error, class, header, claims|payload, checks}`), whatever the line
/// holds; the exit code is the first failure's class.
pub fn run_batch<F>(threads: &ThreadArgs, max: usize, check: F) -> Result<()>
where
    F: Fn(&Compact) -> Result<Verified, Refused> + Sync,
{
    let reader = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
    let summary = batch::run(
        reader,
        std::io::stdout(),
        pipeline::threads(threads.threads),
        |n, line| {
            let outcome = line
                .map_err(batch::TooLong::error)
                .and_then(|bytes| {
                    std::str::from_utf8(bytes)
                        .map_err(|_| error::malformed("the line is not UTF-8 text"))
                })
                .and_then(|text| token::parse(text, max))
                .map_err(Refused::from)
                .and_then(|parsed| check(&parsed));
            let mut doc = serde_json::Map::new();
            doc.insert("line".into(), Value::from(n));
            doc.extend(output::verdict_json(&outcome));
            let output = format!("{}\n", Value::Object(doc));
            match outcome {
                Ok(_) => LineResult::ok(output),
                Err(refused) => LineResult::failed(output, error::class_of(&refused.error), None),
            }
        },
    )?;
    summary.into_result()
}

/// `--key`, or for `--issuer URL` its discovery document, and the claim checks `--issuer`
/// adds (`iss` must be the issuer, unless --iss says otherwise).
fn key_and_claims(args: &VerifyArgs) -> Result<(String, ClaimCheckArgs)> {
    let mut claims = args.claims.clone();
    let key = match (&args.key, &args.issuer) {
        (Some(key), _) => key.clone(),
        (None, Some(issuer)) => {
            if claims.iss.is_none() {
                claims.iss = Some(issuer.clone());
            }
            format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            )
        }
        (None, None) => return Err(error::usage("give --key KEY or --issuer URL")),
    };
    Ok((key, claims))
}

pub fn run(args: &VerifyArgs, global: &GlobalArgs) -> Result<()> {
    let (key, claims) = key_and_claims(args)?;
    let load = keys::LoadOptions {
        allow_url: true,
        no_cache: args.no_cache,
        ..args.key_input.load_options()
    };
    let max = args.token_input.max_token_size;
    if args.batch {
        let policy = policy(&claims, &args.algs)?;
        let keys = keys::load(&key, &load)?;
        return run_batch(&args.threads, max, |token| {
            verify::verify_jws(token, &keys, &policy)
        });
    }
    let outcome = (|| -> Result<Verified, Refused> {
        input::one_stdin_user(&[
            ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
            ("--key", Some(key.as_str())),
        ])?;
        let policy = policy(&claims, &args.algs)?;
        let text = input::token_arg(args.token.as_deref(), max, true)?;
        let parsed = token::parse(&text, max)?;
        let load = keys::LoadOptions {
            kid: parsed.kid().map(str::to_string),
            ..load
        };
        let keys = keys::load(&key, &load).map_err(|e| with_header(e, &parsed))?;
        verify::verify_jws(&parsed, &keys, &policy)
    })();
    output::finish(outcome, global.json, args.claims.quiet, "verified")
}

/// A failure after the token parsed, before any check: the document still shows its header.
pub fn with_header(error: anyhow::Error, token: &Compact) -> Refused {
    Refused {
        header: Some(Box::new(token.header.clone())),
        ..Refused::from(error)
    }
}
