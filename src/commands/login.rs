//! `jwtctl login`: log in to a token service, find the token in its answer, print it and
//! inspect it; optionally verify it with a key and try it on another URL.
//!
//! HTTP with ureq (blocking) over native-tls, so HTTPS reuses the OpenSSL jwtctl already
//! links. stdout carries the token and nothing else; everything the server says goes to
//! stderr, with the password and token-shaped strings masked.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use anyhow::Result;
use serde_json::{Value, json};
use ureq::Agent;
use ureq::http::Response;

use crate::cli::{GlobalArgs, LoginArgs};
use crate::error;
use crate::inspect;
use crate::io::files::{self, Mode};
use crate::io::http;
use crate::io::input;
use crate::io::output::{self, Style};
use crate::io::password;
use crate::jose::token::{self, Compact, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::{self, KeySet};
use crate::time;

/// The largest answer read from a server.
const MAX_ANSWER_BYTES: u64 = 1024 * 1024;
/// The most of a body shown on stderr.
const MAX_SHOWN_CHARS: usize = 8 * 1024;
/// The JSON fields searched for a token, in order.
const TOKEN_FIELDS: &[&str] = &["access_token", "token", "id_token", "jwt"];

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

/// A URL to call, parsed once (`http::parse_url`), with what may be shown of it (no
/// user:password@).
struct Target {
    url: url::Url,
    shown: String,
    plain_http: bool,
    loopback: bool,
}

impl Target {
    fn parse(text: &str, what: &str) -> Result<Target> {
        // WHATWG would read http:///login as the host "login"; curl and people read no host.
        if let Some((_, rest)) = text.trim().split_once("://")
            && rest.starts_with(['/', '\\'])
        {
            return Err(error::usage(format!(
                "{what} has no host: {}",
                http::shown_text(text)
            )));
        }
        let url = http::parse_url(text, what)?;
        Ok(Target {
            shown: http::shown(&url),
            plain_http: url.scheme() == "http",
            loopback: http::is_loopback(&url),
            url,
        })
    }
}

/// Where the token is in the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TokenFrom {
    Json(String),
    Header(String),
    Cookie(String),
    Body,
}

impl TokenFrom {
    fn parse(text: &str) -> Result<TokenFrom> {
        let bad = || {
            error::usage(format!(
                "--token-from {text:?}: expected json:/POINTER, header:NAME, cookie:NAME or body"
            ))
        };
        if text == "body" {
            return Ok(TokenFrom::Body);
        }
        let (kind, rest) = text.split_once(':').ok_or_else(bad)?;
        match kind {
            "json" if rest.is_empty() || rest.starts_with('/') => {
                Ok(TokenFrom::Json(rest.to_string()))
            }
            "header" if !rest.is_empty() => Ok(TokenFrom::Header(rest.to_string())),
            "cookie" if !rest.is_empty() => Ok(TokenFrom::Cookie(rest.to_string())),
            _ => Err(bad()),
        }
    }
}

/// `Name: value` headers, checked before anything is sent.
fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|text| {
            let bad = |why: &str| error::usage(format!("-H {text:?}: {why}"));
            let (name, value) = text
                .split_once(':')
                .ok_or_else(|| bad("expected 'Name: value'"))?;
            let name = name.trim();
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid_name {
                return Err(bad("the header name is not a valid HTTP token"));
            }
            let value = value.trim();
            if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
                return Err(bad("the value holds a line break"));
            }
            Ok((name.to_string(), value.to_string()))
        })
        .collect()
}

fn has_header(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
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

/// What a server answered.
struct Answer {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn read(mut response: Response<ureq::Body>, target: &Target) -> Result<Answer> {
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => error::runtime(format!(
                    "the answer from {} is larger than {MAX_ANSWER_BYTES} bytes",
                    target.shown
                )),
                other => net_error(other, target),
            })?;
        Ok(Answer {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
        })
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn status_line(&self) -> String {
        format!("{} {}", self.status, self.reason)
            .trim_end()
            .to_string()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body for `--json`: JSON as JSON, else text.
    fn body_value(&self) -> Value {
        self.json()
            .unwrap_or_else(|| Value::String(String::from_utf8_lossy(&self.body).into_owned()))
    }
}

/// One line for a failed request; never a debug dump.
fn net_error(err: ureq::Error, target: &Target) -> anyhow::Error {
    let shown = &target.shown;
    let https = target.url.scheme() == "https";
    let plain_hint = format!(
        "the server may speak plain HTTP (try {})",
        shown.replacen("https://", "http://", 1)
    );
    let reason = match &err {
        ureq::Error::Io(e) => files::io_reason(e).to_lowercase(),
        // A plain-HTTP server waits for a request line that a TLS ClientHello never ends.
        ureq::Error::Timeout(ureq::Timeout::Connect) if https && http::tcp_answers(&target.url) => {
            format!("the TLS handshake did not finish: {plain_hint}")
        }
        ureq::Error::Timeout(_) => "timed out (raise --timeout)".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        // OpenSSL's words for an answer that is not TLS at all (e.g. "HTTP/1.1 400").
        ureq::Error::NativeTls(e) if looks_like_plain_http(&e.to_string()) => {
            format!("the TLS handshake failed ({e}): {plain_hint}")
        }
        ureq::Error::NativeTls(e) => format!("TLS failed: {e}"),
        ureq::Error::Tls(e) => format!("TLS failed: {e}"),
        ureq::Error::Protocol(e) => format!("not a valid HTTP answer: {e}"),
        other => other.to_string(),
    };
    error::runtime(format!("cannot reach {shown}: {reason}"))
}

/// Whether a TLS error says the peer did not answer in TLS.
fn looks_like_plain_http(tls_error: &str) -> bool {
    [
        "wrong version number",
        "packet length too long",
        "http request",
    ]
    .iter()
    .any(|words| tls_error.contains(words))
}

fn post_login(
    agent: &Agent,
    args: &LoginArgs,
    target: &Target,
    headers: &[(String, String)],
    user: &str,
    password: &str,
) -> Result<Answer> {
    let (content_type, body) = if args.form {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair(&args.user_field, user)
            .append_pair(&args.password_field, password)
            .finish();
        ("application/x-www-form-urlencoded", body)
    } else {
        let mut object = serde_json::Map::new();
        object.insert(args.user_field.clone(), json!(user));
        object.insert(args.password_field.clone(), json!(password));
        ("application/json", Value::Object(object).to_string())
    };
    let mut request = agent.post(target.url.as_str());
    if !has_header(headers, "Content-Type") {
        request = request.header("Content-Type", content_type);
    }
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request
        .send(body.as_bytes())
        .map_err(|e| net_error(e, target))?;
    Answer::read(response, target)
}

fn get_probe(
    agent: &Agent,
    target: &Target,
    headers: &[(String, String)],
    token: &str,
) -> Result<Answer> {
    let mut request = agent.get(target.url.as_str());
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("Authorization") {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    let response = request
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .map_err(|e| net_error(e, target))?;
    Answer::read(response, target)
}

/// The token in an answer: where `--token-from` says, else the default search.
fn find_token(answer: &Answer, from: Option<&TokenFrom>) -> Result<Compact> {
    let parse = |text: &str| token::parse(text, token::DEFAULT_MAX_TOKEN_BYTES);
    let Some(from) = from else {
        let mut candidates: Vec<String> = Vec::new();
        if let Some(Value::Object(object)) = answer.json() {
            for field in TOKEN_FIELDS {
                if let Some(Value::String(text)) = object.get(*field) {
                    candidates.push(text.clone());
                }
            }
        }
        if let Some(value) = answer.header("Authorization") {
            candidates.push(strip_bearer(value).to_string());
        }
        candidates.push(body_text(answer));
        return candidates
            .iter()
            .find_map(|c| parse(c).ok())
            .ok_or_else(|| {
                error::runtime(
                    "no token in the answer (looked at the JSON fields access_token, token, id_token and jwt, the Authorization header and the body); say where it is with --token-from",
                )
            });
    };
    let (text, place) = match from {
        TokenFrom::Json(pointer) => {
            let doc = answer.json().ok_or_else(|| {
                error::runtime(format!(
                    "--token-from json:{pointer}: the answer is not JSON"
                ))
            })?;
            match doc.pointer(pointer) {
                Some(Value::String(text)) => (text.clone(), format!("json:{pointer}")),
                Some(_) => {
                    return Err(error::runtime(format!(
                        "--token-from json:{pointer}: the value there is not a string"
                    )));
                }
                None => {
                    return Err(error::runtime(format!(
                        "--token-from json:{pointer}: the answer has nothing there"
                    )));
                }
            }
        }
        TokenFrom::Header(name) => {
            let value = answer.header(name).ok_or_else(|| {
                error::runtime(format!(
                    "--token-from header:{name}: the answer has no such header"
                ))
            })?;
            (strip_bearer(value).to_string(), format!("header:{name}"))
        }
        TokenFrom::Cookie(name) => {
            let value = answer
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
                .find_map(|(_, v)| {
                    let pair = v.split(';').next()?;
                    let (n, v) = pair.split_once('=')?;
                    (n.trim() == name).then(|| v.trim().trim_matches('"').to_string())
                })
                .ok_or_else(|| {
                    error::runtime(format!(
                        "--token-from cookie:{name}: the answer sets no such cookie"
                    ))
                })?;
            (value, format!("cookie:{name}"))
        }
        TokenFrom::Body => (body_text(answer), "body".to_string()),
    };
    parse(&text).map_err(|e| {
        let class = error::class_of(&e);
        let message = format!(
            "--token-from {place}: not a JWS or JWE ({})",
            error::one_line(&e)
        );
        if class == error::Class::Malformed {
            error::malformed(message)
        } else {
            error::runtime(message)
        }
    })
}

fn strip_bearer(value: &str) -> &str {
    let value = value.trim();
    match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    }
}

/// The body as text, a JSON string unquoted.
fn body_text(answer: &Answer) -> String {
    match answer.json() {
        Some(Value::String(text)) => text,
        _ => String::from_utf8_lossy(&answer.body).trim().to_string(),
    }
}

/// With --key: the same checks as verify/decrypt (times included) before the token is given out.
fn check_with_key(token: &Compact, keys: &KeySet, now: i64) -> Result<()> {
    let policy = Policy::new(now);
    let verified = match token.kind {
        Kind::Jws => verify::verify_jws(token, keys, &policy)?,
        Kind::Jwe => verify::decrypt_jwe(token, keys, &policy, Inner::Skip)?,
    };
    let checks: Vec<String> = verified
        .checks
        .iter()
        .filter(|c| c.result == "ok")
        .map(|c| c.name.clone())
        .collect();
    output::note(&format!("key check: ok ({})", checks.join(", ")));
    Ok(())
}

/// Hides secrets in what a server says: every token-shaped string, and the password in
/// every form a server is known to echo it: as sent, JSON-escaped (also with `\uXXXX` for
/// non-ASCII and `\/`), percent-encoded (form and URL styles), HTML-escaped, base64 (both
/// alphabets, at any alignment inside a longer base64 text) and in another letter case.
struct Masker {
    /// ASCII-lowercased forms, longest first; matched without regard to ASCII case.
    secrets: Vec<String>,
}

/// Shorter base64 runs of a password are not masked: they would hide random text.
const MIN_BASE64_CHARS: usize = 4;

impl Masker {
    fn new(password: &str) -> Masker {
        let mut forms = Vec::new();
        for text in [
            password.to_string(),
            password.to_uppercase(),
            password.to_lowercase(),
        ] {
            let json = serde_json::to_string(&text).unwrap_or_default();
            let json = json[1..json.len().saturating_sub(1).max(1)].to_string();
            for json in [json, json_ascii(&text)] {
                forms.push(json.replace('/', "\\/"));
                forms.push(json);
            }
            forms.push(form_urlencoded::byte_serialize(text.as_bytes()).collect());
            forms.push(percent_encoded(&text));
            forms.push(html_escaped(&text, "&#39;"));
            forms.push(html_escaped(&text, "&#x27;"));
            forms.extend(base64_forms(text.as_bytes()));
            forms.push(text);
        }
        let mut secrets: Vec<String> = forms
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_ascii_lowercase())
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Masker { secrets }
    }

    fn mask(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, found) in token::find_all(text) {
            out.push_str(&text[last..start]);
            out.push_str(&format!("<token, {} bytes, masked>", found.len()));
            last = start + found.len();
        }
        out.push_str(&text[last..]);
        for secret in &self.secrets {
            out = replace_ignoring_ascii_case(&out, secret, "****");
        }
        out
    }
}

/// `text` with every match of `lower` (ASCII-lowercase) replaced, ASCII case ignored.
/// ASCII lowercasing keeps byte offsets, so matches found in the lowered copy are cut
/// from the original at the same places.
fn replace_ignoring_ascii_case(text: &str, lower: &str, with: &str) -> String {
    let folded = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, _) in folded.match_indices(lower) {
        if start < last {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(with);
        last = start + lower.len();
    }
    out.push_str(&text[last..]);
    out
}

/// JSON string content with every non-ASCII character as `\uXXXX` (Python's default).
fn json_ascii(text: &str) -> String {
    let escaped = serde_json::to_string(text).unwrap_or_default();
    let inner = &escaped[1..escaped.len().saturating_sub(1).max(1)];
    let mut out = String::new();
    for c in inner.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Every byte but the RFC 3986 unreserved ones as `%XX` (a space as `%20`).
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn html_escaped(text: &str, apostrophe: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', apostrophe)
}

/// The base64 text (standard and URL-safe) that only the password's bytes decide, at each
/// of the three alignments it can have inside a longer base64 text (`user:password`).
fn base64_forms(bytes: &[u8]) -> Vec<String> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let mut forms = Vec::new();
    for offset in 0..3 {
        let mut padded = vec![0u8; offset];
        padded.extend_from_slice(bytes);
        // Character i covers bits 6i..6i+6; keep those inside the password's bits.
        let first = (8 * offset).div_ceil(6);
        let end = 8 * (offset + bytes.len()) / 6;
        for engine in [&STANDARD, &URL_SAFE] {
            let encoded = engine.encode(&padded);
            if end > first && end - first >= MIN_BASE64_CHARS {
                forms.push(encoded[first..end].to_string());
            }
            if offset == 0 {
                forms.push(encoded);
            }
        }
    }
    forms
}

/// Shows an answer on stderr: the status, then the body (pretty JSON when it is JSON),
/// masked, without control characters, cut after 8 KiB.
fn show(answer: &Answer, masker: &Masker, what: &str) {
    output::note(&format!("{what}: HTTP {}", answer.status_line()));
    if (300..400).contains(&answer.status)
        && let Some(location) = answer.header("Location")
    {
        // Redirects are not followed: say where it pointed.
        output::note(&format!("Location: {}", masker.mask(location)));
    }
    if answer.body.is_empty() {
        return;
    }
    let Ok(text) = std::str::from_utf8(&answer.body) else {
        output::note(&format!("({} bytes of binary data)", answer.body.len()));
        return;
    };
    let text = match answer.json() {
        Some(value) => serde_json::to_string_pretty(&value).unwrap_or_else(|_| text.to_string()),
        None => text.trim_end().to_string(),
    };
    let masked = masker.mask(&text);
    // `note` passes every line through the one sanitiser; the line breaks stay.
    let mut shown: String = masked.chars().take(MAX_SHOWN_CHARS).collect();
    let total = masked.chars().count();
    if total > MAX_SHOWN_CHARS {
        shown.push_str(&format!(
            "\n… ({} more characters)",
            total - MAX_SHOWN_CHARS
        ));
    }
    output::note(&shown);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_from_forms() {
        assert_eq!(
            TokenFrom::parse("json:/data/token").unwrap(),
            TokenFrom::Json("/data/token".into())
        );
        assert_eq!(
            TokenFrom::parse("json:").unwrap(),
            TokenFrom::Json("".into())
        );
        assert_eq!(
            TokenFrom::parse("header:X-Token").unwrap(),
            TokenFrom::Header("X-Token".into())
        );
        assert_eq!(
            TokenFrom::parse("cookie:session").unwrap(),
            TokenFrom::Cookie("session".into())
        );
        assert_eq!(TokenFrom::parse("body").unwrap(), TokenFrom::Body);
        for bad in ["json:data", "header:", "cookie:", "xml:/a", "bodyy", ""] {
            let err = TokenFrom::parse(bad).unwrap_err();
            assert_eq!(error::exit_code(&err), 2, "{bad}");
        }
    }

    #[test]
    fn headers_are_checked() {
        let ok = parse_headers(&["X-Api-Key:  abc ".into(), "Accept: text/plain".into()]).unwrap();
        assert_eq!(ok[0], ("X-Api-Key".into(), "abc".into()));
        for bad in ["NoColon", ": empty", "Bad Name: x", "X: a\r\nInjected: b"] {
            assert!(parse_headers(&[bad.into()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_hide_credentials() {
        let t = Target::parse("https://bob:pw@example.com:8443/login?x=1", "URL").unwrap();
        assert_eq!(t.shown, "https://example.com:8443/login?x=1");
        assert!(!t.plain_http && !t.loopback);
        let t = Target::parse("http://[::1]:8080/login", "URL").unwrap();
        assert!(t.plain_http && t.loopback);
        let t = Target::parse("HTTP://localhost/login", "URL").unwrap();
        assert!(t.loopback);
        assert!(Target::parse("ftp://example.com", "URL").is_err());
        assert!(Target::parse("http:///login", "URL").is_err());
    }

    #[test]
    fn masking_hides_every_echoed_form_of_the_password() {
        let password = "Pässw/ord&\"x y";
        let masker = Masker::new(password);
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        for echoed in [
            password.to_string(),
            password.to_uppercase(),
            "P\\u00e4ssw/ord&\\\"x y".to_string(),
            "P\\u00C4SSW\\/ORD&\\\"X Y".to_string(),
            "P%C3%A4ssw%2Ford%26%22x+y".to_string(),
            "P%C3%A4ssw%2Ford%26%22x%20y".to_string(),
            "Pässw/ord&amp;&quot;x y".to_string(),
            b64.encode(password),
            b64.encode(format!("alice:{password}")),
            b64.encode(format!("bob:{password}")),
            b64.encode(format!("carol:{password}")),
        ] {
            let masked = masker.mask(&format!("you sent [{echoed}]"));
            assert!(
                !masked.contains("ss") && !masked.contains("SS"),
                "{echoed} → {masked}"
            );
            assert!(masked.contains("****"), "{echoed} → {masked}");
        }
    }

    #[test]
    fn masking_hides_passwords_and_tokens() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        let masker = Masker::new("pa\"ss w0rd");
        let text = format!(
            "{{\"echo\":\"pa\\\"ss w0rd\", \"form\":\"pa%22ss+w0rd\", \"raw\":\"pa\"ss w0rd\", \"t\":\"{token}\"}}"
        );
        let masked = masker.mask(&text);
        assert!(!masked.contains("w0rd"), "{masked}");
        assert!(!masked.contains(token), "{masked}");
        assert!(
            masked.contains(&format!("<token, {} bytes, masked>", token.len())),
            "{masked}"
        );
    }

    #[test]
    fn bearer_prefixes_are_dropped() {
        assert_eq!(strip_bearer("Bearer abc"), "abc");
        assert_eq!(strip_bearer("bearer  abc "), "abc");
        assert_eq!(strip_bearer("abc"), "abc");
    }
}
