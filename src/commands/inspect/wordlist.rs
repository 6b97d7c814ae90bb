//! `jwtctl inspect --wordlist FILE`: find the HMAC secret of an HS* token (or of every HS*
//! token in scanned logs with `--scan`) among the lines of a wordlist, on every core.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::bulk::crack::{self, Options, Target};
use crate::bulk::pipeline;
use crate::bulk::scan::{self, HsToken, Totals};
use crate::cli::{GlobalArgs, InspectArgs};
use crate::error;
use crate::io::files;
use crate::io::input;
use crate::io::output;
use crate::io::sanitize;
use crate::jose::token;

/// Opens the wordlist (`-` is stdin).
fn open(name: &str) -> Result<Box<dyn Read>> {
    if name == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(name).map_err(|e| {
        error::runtime(format!(
            "cannot read wordlist {name}: {}",
            files::io_reason(&e)
        ))
    })?;
    Ok(Box::new(file))
}

fn options(args: &InspectArgs, wordlist: &str) -> Options {
    Options {
        threads: pipeline::threads(args.threads.threads),
        progress: true,
        size: crate::bulk::progress::file_size(wordlist),
    }
}

/// `jwtctl inspect --wordlist FILE [TOKEN]`, or with `--scan`, every HS* token of the inputs.
pub fn run(args: &InspectArgs, global: &GlobalArgs, wordlist: &str) -> Result<()> {
    if args.scan.is_some() {
        return run_scan(args, global, wordlist);
    }
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--wordlist", Some(wordlist)),
    ])?;
    let max = args.token_input.max_token_size;
    let text = input::token_arg(args.token.as_deref(), max, true)?;
    let parsed = token::parse(&text, max)?;
    let alg = parsed.alg().unwrap_or("").to_string();
    let Some(hash) = crack::Hash::for_alg(&alg).filter(|_| parsed.kind == token::Kind::Jws) else {
        let what = if parsed.kind == token::Kind::Jwe {
            format!("a JWE ({alg}/{})", parsed.enc().unwrap_or("?"))
        } else {
            format!("signed with {alg}")
        };
        return Err(error::usage(format!(
            "--wordlist needs an HS256, HS384 or HS512 token; this one is {what} (no wordlist can find its key)"
        )));
    };
    let signature = parsed.decoded.get(1).map_or(&[][..], Vec::as_slice);
    let input = parsed.signing_input().unwrap_or_default();
    let Some(target) = Target::new(&alg, input.as_bytes(), signature) else {
        return Err(error::malformed(format!(
            "the {alg} signature is {} bytes, not {}: no secret can produce it",
            signature.len(),
            hash_len(hash)
        )));
    };
    let outcome = crack::search(
        open(wordlist)?,
        std::slice::from_ref(&target),
        &options(args, wordlist),
    )?;
    let secret = outcome.secrets.into_iter().next().flatten();
    note_skipped(outcome.skipped, wordlist);
    if global.json {
        let mut doc = json!({
            "found": secret.is_some(),
            "alg": alg,
            "tried": outcome.tried,
            "skipped": outcome.skipped,
        });
        put_secret(&mut doc, secret.as_deref());
        return output::print_json(&doc);
    }
    match secret {
        Some(secret) => {
            let shown = sanitize::bytes_for_terminal(&secret);
            if shown.as_bytes() != secret.as_slice() {
                note_escaped();
            }
            files::write_stdout(format!("{shown}\n").as_bytes())
        }
        None => {
            output::note(&format!(
                "no secret in {} matched ({} tried)",
                sanitize::for_terminal(wordlist),
                outcome.tried
            ));
            Ok(())
        }
    }
}

/// `secret_b64`: the exact bytes, base64url; `secret`: the text when the bytes are UTF-8,
/// else null (never a lossy conversion, which would not verify).
fn put_secret(doc: &mut Value, secret: Option<&[u8]>) {
    doc["secret"] = secret
        .and_then(|s| std::str::from_utf8(s).ok())
        .map_or(Value::Null, Value::from);
    doc["secret_b64"] = secret.map_or(Value::Null, |s| Value::from(URL_SAFE_NO_PAD.encode(s)));
}

/// Says on stderr that a secret shown is not its exact bytes.
fn note_escaped() {
    output::note(
        "a secret holds control characters or bytes that are not UTF-8, shown escaped \
         (\\u{…}, \\x{…}); --json gives the exact bytes as secret_b64",
    );
}

fn note_skipped(skipped: u64, wordlist: &str) {
    if skipped > 0 {
        output::note(&format!(
            "skipped {skipped} line{} of {} longer than {} bytes",
            if skipped == 1 { "" } else { "s" },
            sanitize::for_terminal(wordlist),
            crack::MAX_LINE
        ));
    }
}

fn hash_len(hash: crack::Hash) -> usize {
    match hash {
        crack::Hash::Sha256 => 32,
        crack::Hash::Sha384 => 48,
        crack::Hash::Sha512 => 64,
    }
}

/// `--wordlist FILE --scan [FILE…]`: scan first (collecting each distinct HS* token once),
/// then one pass over the wordlist for all of them.
fn run_scan(args: &InspectArgs, global: &GlobalArgs, wordlist: &str) -> Result<()> {
    input::one_stdin_user(&[
        ("--scan", scan::inputs_use_stdin(args)),
        ("--wordlist", Some(wordlist)),
    ])?;
    let inputs = scan::inputs(args)?;
    let totals = Totals::default();
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    let mut tokens: Vec<(u64, HsToken)> = Vec::new();
    let mut sink = |found: Vec<HsToken>| -> Result<()> {
        for token in found {
            match seen.get(&token.sha256) {
                Some(&at) => tokens[at].0 += 1,
                None => {
                    seen.insert(token.sha256, tokens.len());
                    tokens.push((1, token));
                }
            }
        }
        Ok(())
    };
    scan::pipeline(
        &inputs,
        pipeline::threads(args.threads.threads),
        args.token_input.max_token_size,
        &totals,
        scan::collect_hs,
        &mut sink,
    )?;
    let mut targets = Vec::new();
    let mut index = Vec::new(); // token number of each target
    for (i, (_, token)) in tokens.iter_mut().enumerate() {
        if let Some(target) = token.target.take() {
            targets.push(target);
            index.push(i);
        }
    }
    let outcome = crack::search(open(wordlist)?, &targets, &options(args, wordlist))?;
    let mut secrets: Vec<Option<Vec<u8>>> = vec![None; tokens.len()];
    for (secret, i) in outcome.secrets.into_iter().zip(index) {
        secrets[i] = secret;
    }
    let mut out = Vec::new();
    let mut matched = 0;
    let mut escaped = false;
    for ((count, token), secret) in tokens.iter().zip(&secrets) {
        matched += usize::from(secret.is_some());
        let name = &inputs[token.input];
        if global.json {
            let doc = json!({
                "file": name,
                "line": token.line,
                "offset": token.offset,
                "count": count,
                "alg": token.alg,
                "kid": token.kid.clone().unwrap_or(Value::Null),
                "iss": token.claims.iss.clone().unwrap_or(Value::Null),
                "sub": token.claims.sub.clone().unwrap_or(Value::Null),
                "sha256": hex::encode(token.sha256),
            });
            let mut doc = doc;
            put_secret(&mut doc, secret.as_deref());
            out.extend_from_slice(doc.to_string().as_bytes());
            out.push(b'\n');
        } else if let Some(secret) = secret {
            let columns = [
                format!("{name}:{}", token.line),
                token.alg.clone(),
                scan::column(token.kid.as_ref()),
                scan::column(token.claims.iss.as_ref()),
                scan::column(token.claims.sub.as_ref()),
            ];
            out.extend_from_slice(columns.join("\t").as_bytes());
            out.push(b'\t');
            // Escaped: a tab or newline in the secret must not shift the columns.
            let shown = sanitize::bytes_for_terminal(secret);
            escaped |= shown.as_bytes() != secret.as_slice();
            out.extend_from_slice(shown.as_bytes());
            out.push(b'\n');
        }
    }
    files::write_stdout(&out)?;
    if escaped {
        note_escaped();
    }
    note_skipped(outcome.skipped, wordlist);
    output::note(&format!(
        "{matched} of {} distinct HS* token{} matched a secret in {} ({} tried)",
        tokens.len(),
        if tokens.len() == 1 { "" } else { "s" },
        sanitize::for_terminal(wordlist),
        outcome.tried
    ));
    scan::unreadable(&totals, inputs.len())
}
