//! `jwtctl issue`: mint a JWS, a JWE or a nested JWT from flags, a claims file or a token.

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use crate::bulk::batch::{self, Failed, json_line};
use crate::bulk::pipeline;
use crate::bulk::progress::{self, Progress};
use crate::cli::{GlobalArgs, IssueArgs, Serialization};
use crate::error;
use crate::io::files;
use crate::io::input;
use crate::io::output;
use crate::jose::alg::AlgId;
use crate::jose::mint::{self, HeaderParams, Minter};
use crate::jose::strict_json;
use crate::jose::token;
use crate::keys::{self, Key};
use crate::time;

/// Header members that the algorithms set; `--from-header` never carries them over.
const ALGORITHM_HEADERS: &[&str] = &[
    "alg", "enc", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "kid", "zip",
];

pub fn run(args: &IssueArgs, global: &GlobalArgs) -> Result<()> {
    input::one_stdin_user(&[
        ("--key", Some(args.key[0].as_str())),
        ("--sign-key", args.sign_key.as_deref()),
        ("--claims", args.claims.as_deref()),
        ("--from", args.from.as_deref()),
    ])?;
    if args.key.len() > 1 && args.serialization == Serialization::Compact {
        return Err(error::usage(
            "several --key make one signature or recipient each: give --serialization general",
        ));
    }
    if args.key.len() > 1 && args.kid.is_some() {
        return Err(error::usage(
            "--kid names one key; with several --key, each key's own kid is used",
        ));
    }
    if !args.unprotected_header.is_empty() && args.serialization == Serialization::Compact {
        return Err(error::usage(
            "--unprotected-header needs a JSON serialization (--serialization flattened or general)",
        ));
    }
    if args.batch && (args.key.iter().any(|k| k == "-") || args.sign_key.as_deref() == Some("-")) {
        return Err(error::usage(
            "--batch reads claims from stdin; give the key another way",
        ));
    }
    let now = time::now_or(args.now.as_deref())?;
    let from = match &args.from {
        Some(text) => Some(read_from(text, args.token_input.max_token_size)?),
        None => None,
    };
    let claims = build_claims(args, now, from.as_ref().map(|f| &f.claims))?;

    let load = args.key_input.load_options();
    let key = keys::load_one(&args.key[0], &load, args.kid.as_deref())?;
    let alg = mint::resolve_alg(args.alg, &key, "--alg")?;
    let from_header = from.as_ref().map(|f| &f.header);
    let sign_key = match &args.sign_key {
        Some(reference) => Some(keys::load_one(reference, &load, None)?),
        None => None,
    };
    let outer = header_params(args, &key, from_header, sign_key.is_some())?;
    let enc = match (&args.enc, key.bound_enc()?) {
        (Some(enc), _) => enc.name,
        (None, Some(bound)) if alg.id == AlgId::Dir => bound.name,
        (None, _) => crate::jose::alg::default_enc(alg, key.bits() / 8),
    };
    let minter = match (&sign_key, args.serialization) {
        (_, Serialization::Flattened | Serialization::General) => json_minter(
            args,
            &load,
            (alg, key, outer),
            from_header,
            enc,
            sign_key.as_ref(),
        )?,
        (Some(sign_key), Serialization::Compact) => {
            let sign_alg = mint::resolve_alg(args.sign_alg, sign_key, "--sign-alg")?;
            let inner = inner_params(sign_key);
            Minter::new(alg, enc, &key, &outer, Some((sign_alg, sign_key, &inner)))?
        }
        (None, Serialization::Compact) => Minter::new(alg, enc, &key, &outer, None)?,
    };
    if args.batch {
        return run_batch(args, &minter, &claims, global.json);
    }
    if let Some(path) = &args.out {
        // Refused before minting: an existing file is kept unless --force.
        crate::io::files::check_writable(path, args.force)?;
    }
    let token = minter.mint(&claims)?;
    if let Some(path) = &args.out {
        // A token is a credential: mode 0600, written atomically, as keygen writes keys.
        crate::io::files::write_atomic(
            path,
            format!("{token}\n").as_bytes(),
            crate::io::files::Mode::Secret,
            args.force,
        )?;
        if !global.json {
            output::note(&format!("wrote the token to {}", path.display()));
            return Ok(());
        }
    }
    if global.json {
        let parsed = crate::jose::json::parse_any(&token, usize::MAX)?;
        return output::print_json(&json!({
            "token": token,
            "header": Value::Object((*parsed.first().header).clone()),
            "claims": Value::Object(claims),
        }));
    }
    output::print_data(&token)
}

/// `--batch`: each stdin line's claims over the flags' claims, one token per line.
fn run_batch(
    args: &IssueArgs,
    minter: &Minter,
    base: &Map<String, Value>,
    json: bool,
) -> Result<()> {
    // Each base claim serialised once, as `"name":value`.
    let base: Vec<(&String, String)> = base
        .iter()
        .map(|(name, value)| {
            let member = format!("{}:{}", Value::from(name.as_str()), value);
            (name, member)
        })
        .collect();
    let reader = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
    let threads = pipeline::threads(args.threads.threads);
    let progress = Progress::on_terminal("lines", progress::stdin_size());
    let summary = batch::run(
        reader,
        std::io::stdout(),
        threads,
        &progress,
        |n, line, out| {
            let minted = line
                .map_err(batch::TooLong::error)
                .and_then(|line| batch_payload(line, &base))
                .and_then(|payload| minter.mint_payload(&payload));
            // One output line per input line: a failed line leaves an empty line (or, with
            // --json, its error), so line N of the output always answers line N of the input.
            match minted {
                Ok(token) if json => {
                    json_line(out, &json!({ "line": n, "token": token }));
                    None
                }
                Ok(token) => {
                    out.extend_from_slice(token.as_bytes());
                    out.push(b'\n');
                    None
                }
                Err(e) => {
                    let message = error::one_line(&e);
                    if json {
                        json_line(out, &json!({ "line": n, "error": message }));
                    } else {
                        out.push(b'\n');
                    }
                    Some(Failed::new(error::class_of(&e), Some(message)))
                }
            }
        },
    )?;
    summary.into_result()
}

/// The payload for one batch line: the base claims the line does not set, then the line's
/// own members as written. The line is checked to be a JSON object with unique names.
fn batch_payload(line: &[u8], base: &[(&String, String)]) -> Result<Vec<u8>> {
    if line.trim_ascii().is_empty() {
        return Err(error::malformed(
            "the line is blank: give a JSON object of claims, e.g. {\"sub\":\"alice\"} ({} for the flags' claims alone)",
        ));
    }
    let names =
        strict_json::member_names(line).map_err(|r| batch_refusal(r).into_error("the line"))?;
    let text = line.trim_ascii();
    // A JSON object: `{` … `}` around its members.
    let inner = text
        .get(1..text.len().saturating_sub(1))
        .unwrap_or_default()
        .trim_ascii();
    let mut payload = Vec::with_capacity(line.len() + 64);
    payload.push(b'{');
    for (name, member) in base {
        if !names.iter().any(|n| n == *name) {
            payload.extend_from_slice(member.as_bytes());
            payload.push(b',');
        }
    }
    if inner.is_empty() {
        if payload.len() > 1 {
            payload.pop();
        }
    } else {
        payload.extend_from_slice(inner);
    }
    payload.push(b'}');
    Ok(payload)
}

/// serde_json's terse reasons (`expected ident`, `key must be a string`) in the words of
/// someone writing JSON Lines by hand.
fn batch_refusal(refusal: strict_json::Refusal) -> strict_json::Refusal {
    let strict_json::Refusal::Invalid(reason) = refusal else {
        return refusal;
    };
    let friendly = match reason.as_str() {
        "expected ident" => {
            "a bare word where a value belongs (strings need double quotes; the literals are true, false and null)"
        }
        "key must be a string" => "a member name without double quotes (write {\"sub\":\"alice\"})",
        "trailing comma" => "a comma after the last member",
        "expected value" => {
            "a value is missing or not JSON (a string in double quotes, a number, true, false, null, an object or an array)"
        }
        "expected `:`" => "a ':' is missing after a member name",
        "expected `,` or `}`" => "a ',' or the closing '}' is missing after a member",
        "expected `,` or `]`" => "a ',' or the closing ']' is missing in an array",
        "EOF while parsing an object"
        | "EOF while parsing a value"
        | "EOF while parsing a string" => "the line ends before the JSON object does",
        "trailing characters" => "more text after the JSON object (one object per line)",
        _ => return strict_json::Refusal::Invalid(reason),
    };
    strict_json::Refusal::Invalid(friendly.to_string())
}

/// What `--from` contributes: a token's header, and its claims when they are readable.
struct From {
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

fn read_from(text: &str, max: usize) -> Result<From> {
    let text = input::token_text(text, max)?;
    let parsed = token::parse(&text, max).context("--from")?;
    let claims = match parsed.payload() {
        Some(payload) => {
            let claims = strict_json::parse_object(payload, "payload").context("--from")?;
            strict_json::check_exact_numbers(payload).map_err(|number| {
                error::malformed(format!(
                    "--from: the token's claims hold the number {number}, which would not be \
                     written back exactly"
                ))
            })?;
            claims
        }
        None => {
            return Err(error::usage(
                "--from takes claims from a JWS; a JWE's claims are encrypted (decrypt it first)",
            ));
        }
    };
    Ok(From {
        header: std::sync::Arc::unwrap_or_clone(parsed.header),
        claims,
    })
}

/// `inspect --json` output given to `--claims` stands for its claims, so that
/// `inspect --json | edit | issue --claims -` round-trips; any other object is the claims.
fn inspected_claims(object: Map<String, Value>) -> Map<String, Value> {
    let is_report = matches!(
        object.get("type").and_then(Value::as_str),
        Some("JWS" | "JWE")
    ) && object.get("header").is_some_and(Value::is_object);
    match (is_report, object.get("claims")) {
        (true, Some(Value::Object(claims))) => claims.clone(),
        _ => object,
    }
}

/// NAME=STRING or NAME:=JSON (httpie's convention).
pub fn parse_assignment(text: &str, flag: &str) -> Result<(String, Value)> {
    let (name, value) = text.split_once('=').ok_or_else(|| {
        error::usage(format!(
            "{flag} {text:?}: expected NAME=STRING or NAME:=JSON"
        ))
    })?;
    let (name, value) = match name.strip_suffix(':') {
        Some(name) => {
            let parsed = serde_json::from_str(value).map_err(|_| {
                error::usage(format!("{flag} {name}:=…: the value is not valid JSON"))
            })?;
            strict_json::check_exact_numbers(value.as_bytes()).map_err(|number| {
                error::usage(format!(
                    "{flag} {name}:=…: the number {number} would not be written back exactly \
                     (write it as a string)"
                ))
            })?;
            (name, parsed)
        }
        None => (name, Value::String(value.to_string())),
    };
    if name.is_empty() {
        return Err(error::usage(format!("{flag} {text:?}: the name is empty")));
    }
    Ok((name.to_string(), value))
}

fn build_claims(
    args: &IssueArgs,
    now: i64,
    from: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>> {
    let mut claims = from.cloned().unwrap_or_default();
    if let Some(source) = &args.claims {
        let bytes = if source == "-" {
            files::read_stdin_limited(input::MAX_INPUT_BYTES, "claims from stdin")?
        } else {
            files::read_file_limited(source.as_ref(), input::MAX_INPUT_BYTES, "claims file")?
        };
        let object = strict_json::parse_object(&bytes, "the claims")
            .map_err(|e| error::usage(format!("--claims {source}: {}", error::one_line(&e))))?;
        strict_json::check_exact_numbers(&bytes).map_err(|number| {
            error::usage(format!(
                "--claims {source}: the number {number} would not be written back exactly \
                 (write it as a string)"
            ))
        })?;
        claims.extend(inspected_claims(object));
    }
    for text in &args.claim {
        let (name, value) = parse_assignment(text, "--claim")?;
        claims.insert(name, value);
    }
    let mut set = |name: &str, value: Value| {
        claims.insert(name.to_string(), value);
    };
    if let Some(iss) = &args.iss {
        set("iss", json!(iss));
    }
    if let Some(sub) = &args.sub {
        set("sub", json!(sub));
    }
    match args.aud.as_slice() {
        [] => {}
        [one] => set("aud", json!(one)),
        many => set("aud", json!(many)),
    }
    for (name, value) in [("exp", &args.exp), ("nbf", &args.nbf), ("iat", &args.iat)] {
        if let Some(text) = value {
            set(
                name,
                json!(time::parse_time(text, now).with_context(|| format!("--{name}"))?),
            );
        }
    }
    if let Some(jti) = &args.jti {
        let jti = if jti.is_empty() {
            mint::random_jti()?
        } else {
            jti.clone()
        };
        set("jti", json!(jti));
    }
    if args.no_iat {
        claims.remove("iat");
    } else if !claims.contains_key("iat") {
        claims.insert("iat".into(), json!(now));
    }
    Ok(claims)
}

/// The header members of the token `issue` writes (the outer one for a nested JWT).
fn header_params(
    args: &IssueArgs,
    key: &Key,
    from: Option<&Map<String, Value>>,
    nested: bool,
) -> Result<HeaderParams> {
    let mut members = Map::new();
    // --from's header is the untrusted token's: only the members the user names are copied.
    let mut copied = Map::new();
    for name in &args.from_header {
        if ALGORITHM_HEADERS.contains(&name.as_str()) {
            return Err(error::usage(format!(
                "--from-header {name}: the algorithm and key set {name}, it is not copied"
            )));
        }
        let value = from.and_then(|h| h.get(name)).ok_or_else(|| {
            error::usage(format!(
                "--from-header {name}: the --from token has no {name:?} header"
            ))
        })?;
        copied.insert(name.clone(), value.clone());
    }
    let from_typ = copied.remove("typ");
    let typ = match &args.typ {
        Some(typ) => Some(Value::from(typ.as_str())),
        None => Some(from_typ.unwrap_or_else(|| Value::from("JWT"))),
    };
    if let Some(typ) = typ.filter(|t| t.as_str() != Some("")) {
        members.insert("typ".into(), typ);
    }
    if !args.no_kid
        && let Some(kid) = args.kid.clone().or_else(|| default_kid(key))
    {
        members.insert("kid".into(), Value::from(kid));
    }
    members.extend(copied);
    if let Some(cty) = &args.cty {
        if nested {
            return Err(error::usage("a nested JWT's cty is JWT; drop --cty"));
        }
        members.insert("cty".into(), Value::from(cty.as_str()));
    }
    for text in &args.header {
        let (name, value) = parse_assignment(text, "--header")?;
        if name == "alg" || name == "enc" {
            return Err(error::usage(format!(
                "set {name} with --{name}, not --header"
            )));
        }
        members.insert(name, value);
    }
    check_honoured(&members)?;
    Ok(HeaderParams { members })
}

/// Refuses header parameters `issue` cannot honour: a `crit` that jwtctl's own verify
/// refuses, and `b64` (RFC 7797 unencoded payloads are not written: the fast paths and
/// josekit would disagree about what the signature covers).
fn check_honoured(members: &Map<String, Value>) -> Result<()> {
    if members.contains_key("b64") {
        return Err(error::usage(
            "header \"b64\": RFC 7797 unencoded payloads are not written; leave b64 out",
        ));
    }
    crate::jose::precheck::check_crit(members).map_err(|e| {
        error::usage(format!(
            "header \"crit\": {}, so jwtctl verify would refuse the token",
            error::one_line(&e)
        ))
    })
}

/// The inner JWS header of a nested JWT: typ JWT and the signing key's kid.
fn inner_params(sign_key: &Key) -> HeaderParams {
    let mut members = Map::new();
    members.insert("typ".into(), Value::from("JWT"));
    if let Some(kid) = default_kid(sign_key) {
        members.insert("kid".into(), Value::from(kid));
    }
    HeaderParams { members }
}

/// `--serialization flattened|general`: one signature or recipient per `--key` (the first
/// already loaded), each with its own algorithm (`--alg`, else the key's) and `kid`.
fn json_minter(
    args: &IssueArgs,
    load: &keys::LoadOptions,
    first: (&'static crate::jose::alg::Alg, Key, HeaderParams),
    from_header: Option<&Map<String, Value>>,
    enc: &str,
    sign_key: Option<&Key>,
) -> Result<Minter> {
    use crate::jose::json::Form;
    use crate::jose::json_mint::{JsonMinter, Party};
    let (alg, key, outer) = first;
    let mut loaded = vec![(alg, key, outer)];
    for reference in &args.key[1..] {
        let key = keys::load_one(reference, load, None)?;
        let alg = mint::resolve_alg(args.alg, &key, "--alg")?;
        let params = header_params(args, &key, from_header, sign_key.is_some())?;
        loaded.push((alg, key, params));
    }
    let parties: Vec<Party<'_>> = loaded
        .iter()
        .map(|(alg, key, params)| Party {
            alg,
            key,
            params: params.clone(),
        })
        .collect();
    let mut unprotected = Map::new();
    for text in &args.unprotected_header {
        let (name, value) = parse_assignment(text, "--unprotected-header")?;
        unprotected.insert(name, value);
    }
    let inner = match sign_key {
        Some(sign_key) => {
            let sign_alg = mint::resolve_alg(args.sign_alg, sign_key, "--sign-alg")?;
            Some(mint::JwsMinter::new(
                sign_alg,
                sign_key,
                &inner_params(sign_key),
            )?)
        }
        None => None,
    };
    let form = if args.serialization == Serialization::General {
        Form::General
    } else {
        Form::Flattened
    };
    Ok(Minter::Json(JsonMinter::new(
        form,
        &parties,
        enc,
        unprotected,
        inner,
    )?))
}

/// The kid a token gets from its key: the key's own, else (for a public-key algorithm's
/// key, such as a PEM file) its RFC 7638 thumbprint — the kid `keygen` reports and a JWK
/// Set made from the public half carries, so a verifier's set finds the key. A secret
/// without a kid gets none: its thumbprint would be a hash of the secret.
fn default_kid(key: &Key) -> Option<String> {
    match key.kid() {
        Some(kid) => Some(kid.to_string()),
        None if !key.is_symmetric() => key.thumbprint().ok(),
        None => None,
    }
}
