//! `jwtctl verify`: is this JWS genuine, and are its claims acceptable?

use anyhow::Result;

use serde_json::{Value, json};

use crate::batch::{self, LineResult};
use crate::cli::{ClaimCheckArgs, GlobalArgs, ThreadArgs, VerifyArgs};
use crate::error;
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
        now: time::now_or(claims.now.as_deref())?,
        ..Policy::default()
    })
}

/// `--batch` for verify and decrypt: one token per stdin line, one JSON result per line
/// (`{line, valid, error, claims|payload}`); the exit code is the first failure's.
pub fn run_batch<F>(threads: &ThreadArgs, max: usize, check: F) -> Result<()>
where
    F: Fn(&token::Compact) -> Result<trust::Verified> + Sync,
{
    let reader = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
    let first_failure = std::sync::Mutex::new(None::<(usize, u8)>);
    batch::run(
        reader,
        std::io::stdout(),
        batch::threads(threads.threads),
        |n, line| {
            let outcome = std::str::from_utf8(line)
                .map_err(|_| error::malformed("the line is not UTF-8 text"))
                .and_then(|text| token::parse(text, max))
                .and_then(|parsed| check(&parsed));
            let mut result = json!({ "line": n });
            match outcome {
                Ok(verified) => {
                    result["valid"] = json!(true);
                    result["error"] = Value::Null;
                    match verified.claims {
                        Some(claims) => result["claims"] = Value::Object(claims),
                        None => {
                            if let Some(map) = result.as_object_mut() {
                                output::put_payload(map, &verified.payload);
                            }
                        }
                    }
                }
                Err(e) => {
                    result["valid"] = json!(false);
                    result["error"] = json!(error::one_line(&e));
                    let code = error::exit_code(&e);
                    if let Ok(mut first) = first_failure.lock()
                        && first.is_none_or(|(line, _)| n < line)
                    {
                        *first = Some((n, code));
                    }
                }
            }
            LineResult::Output(format!("{result}\n"))
        },
    )?;
    match first_failure.into_inner().ok().flatten() {
        None => Ok(()),
        Some((line, code)) => Err(error::with_code(
            code,
            format!("line {line} and maybe others did not pass (see the results)"),
        )),
    }
}

pub fn run(args: &VerifyArgs, global: &GlobalArgs) -> Result<()> {
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--key", Some(args.key.as_str())),
    ])?;
    let policy = policy(&args.claims, &args.algs)?;
    let max = args.token_input.max_token_size;
    // verify (and inspect) also take the URL of a JWK Set.
    let load = keys::LoadOptions {
        allow_url: true,
        ..args.key_input.load_options()
    };
    if args.batch {
        let keys = keys::load(&args.key, &load)?;
        return run_batch(&args.threads, max, |token| {
            trust::verify_jws(token, &keys, &policy)
        });
    }
    let text = input::token_arg(args.token.as_deref(), max, false)?;
    let parsed = token::parse(&text, max)?;
    let keys = keys::load(&args.key, &load)?;
    let verified = trust::verify_jws(&parsed, &keys, &policy)?;
    output::print_verified(&verified, global.json, "verified")
}
