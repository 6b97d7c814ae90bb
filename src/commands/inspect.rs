//! `jwtctl inspect`: everything a token says, without a key; with one, whether it checks.
//! `--scan` (every token in logs) and `--wordlist` (weak-secret search) live in submodules.

mod wordlist;

use crate::bulk::scan;

use anyhow::Result;

use crate::cli::{GlobalArgs, InspectArgs};
use crate::error;
use crate::inspect;
use crate::io::input;
use crate::io::output::{self, Style};
use crate::jose::verify;
use crate::keys;
use crate::time;

pub fn run(args: &InspectArgs, global: &GlobalArgs) -> Result<()> {
    if let Some(wordlist) = &args.wordlist {
        return wordlist::run(args, global, wordlist);
    }
    if args.scan.is_some() {
        return scan::run(args, global);
    }
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--key", args.key.as_deref()),
        ("--verify-key", args.verify_key.as_deref()),
    ])?;
    let now = time::now_or(args.now.as_deref())?;
    let max = args.token_input.max_token_size;
    let text = input::token_arg(args.token.as_deref(), max, true)?;
    let parsed = crate::jose::json::parse_any(&text, max)?;
    let load = keys::LoadOptions {
        allow_url: true,
        no_cache: args.no_cache,
        kid: parsed.first().kid().map(str::to_string),
        ..args.key_input.load_options()
    };
    let keys = keys::load_optional(args.key.as_deref(), &load)?;
    // The inner token's kid is not known yet: no refetch hint for its keys.
    let inner_load = keys::LoadOptions {
        kid: None,
        ..load.clone()
    };
    let inner_keys = keys::load_optional(args.verify_key.as_deref(), &inner_load)?;
    let report = inspect::report::report_any_with(
        &parsed,
        now,
        keys.as_ref(),
        inner_keys.as_ref(),
        args.allow_weak_key,
    )?;
    if let Some(v) = &report.verification {
        for check in v.checks.iter().filter(|c| c.result == verify::WEAK) {
            output::warn(&format!("weak key: {}", check.detail));
        }
    }
    if args.claims {
        return print_claims(&report);
    }
    if global.json {
        return output::print_json(&report);
    }
    let style = Style::for_stdout(global.color);
    crate::io::files::write_stdout(inspect::render(&report, &style).as_bytes())
}

/// `--claims`: the claims set alone (pretty JSON), or a payload that is not one as it is.
fn print_claims(report: &inspect::report::Report) -> Result<()> {
    if let Some(claims) = &report.claims {
        return output::print_json(claims);
    }
    if let Some(payload) = &report.payload {
        return output::print_data(&payload.payload);
    }
    match (&report.decrypted, &report.verification) {
        (Some(decrypted), _) => match (&decrypted.claims, &decrypted.payload) {
            (Some(claims), _) => output::print_json(claims),
            (None, Some(payload)) => output::print_data(&payload.payload),
            (None, None) => Ok(()),
        },
        (None, Some(v)) => Err(error::not_authentic(format!(
            "cannot show the claims: {}",
            v.error.as_deref().unwrap_or("decryption failed")
        ))),
        (None, None) => Err(error::usage(
            "the claims of a JWE are encrypted: give --key KEY to decrypt them",
        )),
    }
}
