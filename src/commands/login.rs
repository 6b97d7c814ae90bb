//! `jwtctl login`: log in to a token service, find the token in its answer, print it and
//! inspect it; optionally verify it with a key and try it on another URL.
//!
//! HTTP with ureq (blocking) over native-tls, so HTTPS reuses the OpenSSL jwtctl already
//! links. stdout carries the token and nothing else; everything the server says goes to
//! stderr, with the password and token-shaped strings masked.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use anyhow::Result;
use serde_json::json;

use crate::cli::{GlobalArgs, LoginArgs};
use crate::error;
use crate::inspect;
use crate::io::files::{self, Mode};
use crate::io::http;
use crate::io::input;
use crate::io::output::{self, Style};
use crate::io::password;
use crate::jose::token::{Compact, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::{self, KeySet};
use crate::login::find::{TokenFrom, find_token};
use crate::login::masker::Masker;
use crate::login::{Target, get_probe, parse_headers, post_login, show};
use crate::time;

pub fn run(args: &LoginArgs, global: &GlobalArgs) -> Result<()> {
    input::one_stdin_user(&[
        ("--password-stdin", args.password_stdin.then_some("-")),
        ("--key", args.key.as_deref()),
    ])?;
    let timeout = time::parse_duration(&args.timeout)?;
    if timeout <= 0 {
        return Err(error::usage("--timeout must be longer than 0s"));
    }
    let url = Target::parse(&args.url, "URL")?;
    let probe = args
        .probe
        .as_deref()
        .map(|p| Target::parse(p, "--probe"))
        .transpose()?;
    let token_from = args
        .token_from
        .as_deref()
        .map(TokenFrom::parse)
        .transpose()?;
    let headers = parse_headers(&args.headers)?;
    if let Some(out) = &args.out {
        files::check_writable(out, args.force)?;
    }
    let keys = match &args.key {
        Some(reference) => Some(keys::load(reference, &args.key_input.load_options())?),
        None => None,
    };
    // One agent per target: whether a proxy is used depends on the host.
    let agent_for = |target: &Target| {
        http::agent(
            &target.url,
            args.cacert.as_deref(),
            args.insecure,
            Duration::from_secs(timeout as u64),
        )
    };
    let agent = agent_for(&url)?;
    let probe_agent = probe.as_ref().map(agent_for).transpose()?;
    if args.insecure {
        output::warn(
            "--insecure: the server's certificate is not checked; anyone on the way can read the password and the token",
        );
    }
    for target in std::iter::once(&url).chain(probe.as_ref()) {
        if target.plain_http && !target.loopback {
            output::warn(&format!(
                "{} is plain http: the password or token crosses the network in clear text",
                target.shown
            ));
        }
    }

    let user = match &args.user {
        Some(user) => user.clone(),
        None => ask_user(args.password_stdin)?,
    };
    let hint = "use --password-stdin or --password-env NAME";
    let password = if args.password_stdin {
        password::from_stdin()?
    } else if let Some(name) = &args.password_env {
        password::from_env(name)?
    } else {
        password::prompt(&format!("Password for {user}: "), hint)?
    };
    let masker = Masker::new(&password);

    let answer = post_login(&agent, args, &url, &headers, &user, &password)?;
    if !answer.is_success() {
        show(&answer, &masker, &format!("login: POST {}", url.shown));
        return Err(error::runtime(format!(
            "login failed: the server answered {}",
            answer.status_line()
        )));
    }
    let token = match find_token(&answer, token_from.as_ref()) {
        Ok(token) => token,
        Err(e) => {
            show(&answer, &masker, &format!("login: POST {}", url.shown));
            return Err(e);
        }
    };

    let now = time::now_unix();
    // A token whose claims do not parse strictly is still shown as the server gave it;
    // with --key the check below refuses it.
    let report = inspect::report(&token, now, keys.as_ref(), None);
    if let Err(e) = &report {
        output::warn(&error::one_line(e));
    }
    if let (false, Ok(report)) = (global.json, &report) {
        let style = Style::for_stderr(global.color);
        // The rendering sanitises everything the token says (it is the server's text).
        output::write_stderr(&inspect::render(report, &style));
    }
    if let Some(keys) = &keys {
        check_with_key(&token, keys, now)?;
    }
    let probed = match (&probe, &probe_agent) {
        (Some(target), Some(agent)) => {
            let answer = get_probe(agent, target, &headers, &token.text)?;
            let masker = Masker::new(&password);
            if !global.json || !answer.is_success() {
                show(&answer, &masker, &format!("probe: GET {}", target.shown));
            }
            if !answer.is_success() {
                return Err(error::runtime(format!(
                    "probe failed: {} answered {}",
                    target.shown,
                    answer.status_line()
                )));
            }
            Some(answer)
        }
        _ => None,
    };

    if let Some(out) = &args.out {
        files::write_atomic(
            out,
            format!("{}\n", token.text).as_bytes(),
            Mode::Secret,
            args.force,
        )?;
        if !global.json {
            output::note(&format!("saved the token to {}", out.display()));
        }
    }
    if global.json {
        let probe = probed.map(|a| json!({ "status": a.status, "body": a.body_value() }));
        return output::print_json(&json!({
            "token": token.text,
            "inspection": report.as_ref().ok(),
            "probe": probe,
        }));
    }
    if args.out.is_none() {
        output::print_data(&token.text)?;
    }
    Ok(())
}

/// Asks for the user name on the terminal (visible, like `login`).
fn ask_user(password_stdin: bool) -> Result<String> {
    if password_stdin || !std::io::stdin().is_terminal() {
        return Err(error::usage("give the user name with --user NAME"));
    }
    output::write_stderr("User: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| error::runtime("cannot read the user name"))?;
    let user = line.trim_end_matches(['\r', '\n']).to_string();
    if user.is_empty() {
        return Err(error::usage("the user name is empty"));
    }
    Ok(user)
}

/// With --key: the same checks as verify/decrypt (times included) before the token is given out.
fn check_with_key(token: &Compact, keys: &KeySet, now: i64) -> Result<()> {
    let policy = Policy::new(now);
    let verified = match token.kind {
        Kind::Jws => verify::verify_jws(token, keys, &policy)?,
        Kind::Jwe => verify::decrypt_jwe(token, keys, &policy, Inner::Skip)?,
    };
    let checks: Vec<&str> = verified
        .checks
        .iter()
        .filter(|c| c.result == "ok")
        .map(|c| c.name.as_ref())
        .collect();
    output::note(&format!("key check: ok ({})", checks.join(", ")));
    Ok(())
}
