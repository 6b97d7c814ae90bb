//! `jwtctl verify`: is this JWS genuine, and are its claims acceptable?

use anyhow::Result;

use crate::bulk::batch::{self, Failed};
use crate::bulk::pipeline;
use crate::bulk::progress::{self, Progress};
use crate::cli::{ClaimCheckArgs, GlobalArgs, ThreadArgs, VerifyArgs};
use crate::error;
use crate::io::input;
use crate::io::output;
use crate::jose::alg::Alg;
use crate::jose::json::{self, AnyToken};
use crate::jose::token::Compact;
use crate::jose::verify::{Policy, Refused, Verified};
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
    F: Fn(&AnyToken) -> Result<Verified, Refused> + Sync,
{
    let reader = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
    let summary = batch::run(
        reader,
        std::io::stdout(),
        pipeline::threads(threads.threads),
        &Progress::on_terminal("lines", progress::stdin_size()),
        |n, line, out| {
            let outcome = line
                .map_err(batch::TooLong::error)
                .and_then(|bytes| {
                    std::str::from_utf8(bytes)
                        .map_err(|_| error::malformed("the line is not UTF-8 text"))
                })
                .and_then(|text| json::parse_any(text, max))
                .map_err(Refused::from)
                .and_then(|parsed| check(&parsed));
            output::VerdictJson {
                line: Some(n),
                outcome: &outcome,
            }
            .write(out);
            out.push(b'\n');
            outcome
                .err()
                .map(|refused| Failed::new(error::class_of(&refused.error), None))
        },
    )?;
    summary.into_result()
}

/// `--key`s, or for `--issuer URL` its discovery document, and the claim checks `--issuer`
/// adds (`iss` must be the issuer, unless --iss says otherwise).
fn key_and_claims(args: &VerifyArgs) -> Result<(Vec<String>, ClaimCheckArgs)> {
    let mut claims = args.claims.clone();
    if !args.key.is_empty() {
        return Ok((args.key.clone(), claims));
    }
    let Some(issuer) = &args.issuer else {
        return Err(error::usage("give --key KEY or --issuer URL"));
    };
    if claims.iss.is_none() {
        claims.iss = Some(issuer.clone());
    }
    let discovery = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    Ok((vec![discovery], claims))
}

pub fn run(args: &VerifyArgs, global: &GlobalArgs) -> Result<()> {
    let (key_refs, claims) = key_and_claims(args)?;
    let load = keys::LoadOptions {
        allow_url: true,
        no_cache: args.no_cache,
        ..args.key_input.load_options()
    };
    let max = args.token_input.max_token_size;
    if args.batch {
        let policy = policy(&claims, &args.algs)?;
        let keys = load_keys(&key_refs, &load)?;
        return run_batch(&args.threads, max, |token| {
            json::verify_jws(token, &keys, &policy, args.all_signatures)
        });
    }
    let outcome = (|| -> Result<Verified, Refused> {
        let mut stdin_users = vec![("TOKEN", Some(args.token.as_deref().unwrap_or("-")))];
        stdin_users.extend(key_refs.iter().map(|k| ("--key", Some(k.as_str()))));
        input::one_stdin_user(&stdin_users)?;
        let policy = policy(&claims, &args.algs)?;
        let text = input::token_arg(args.token.as_deref(), max, true)?;
        let mut parsed = json::parse_any(&text, max)?;
        if let Some(path) = &args.payload {
            let payload = crate::io::files::read_file_limited(path, max as u64, "--payload")?;
            json::attach_payload(&mut parsed, &payload, max)
                .map_err(|e| with_header(e, parsed.first()))?;
        }
        let load = keys::LoadOptions {
            kid: parsed.first().kid().map(str::to_string),
            ..load
        };
        let keys = load_keys(&key_refs, &load).map_err(|e| with_header(e, parsed.first()))?;
        json::verify_jws(&parsed, &keys, &policy, args.all_signatures)
    })();
    output::finish(outcome, global.json, args.claims.quiet, "verified")
}

/// Several `--key`: every key of each, tried by algorithm (and by kid where a key has one);
/// one `--key` is read as it always was (a JWK Set is searched by kid).
fn load_keys(references: &[String], load: &keys::LoadOptions) -> Result<keys::KeySet> {
    if let [one] = references {
        return keys::load(one, load);
    }
    let mut all = Vec::new();
    for reference in references {
        all.extend(keys::load(reference, load)?.keys);
    }
    Ok(keys::KeySet::new(all, false))
}

/// A failure after the token parsed, before any check: the document still shows its header.
pub fn with_header(error: anyhow::Error, token: &Compact) -> Refused {
    Refused {
        header: Some(token.header.clone()),
        ..Refused::from(error)
    }
}
