//! The HTTP side of `jwtctl login`: the URLs it calls, the headers it sends, the login
//! POST and the probe GET, what a server answered, and showing that answer on stderr.
//!
//! HTTP with ureq (blocking) over native-tls, so HTTPS reuses the OpenSSL jwtctl already
//! links. Finding the token in an answer is `find`; hiding the password in what a server
//! says is `masker`.

pub mod find;
pub mod masker;

use anyhow::Result;
use serde_json::{Value, json};
use ureq::Agent;
use ureq::http::Response;

use crate::cli::LoginArgs;
use crate::error;
use crate::io::files;
use crate::io::http;
use crate::io::output;
use masker::Masker;

/// The largest answer read from a server.
const MAX_ANSWER_BYTES: u64 = 1024 * 1024;
/// The most of a body shown on stderr.
const MAX_SHOWN_CHARS: usize = 8 * 1024;

/// A URL to call, parsed once (`http::parse_url`), with what may be shown of it (no
/// user:password@).
pub struct Target {
    pub url: url::Url,
    pub shown: String,
    pub plain_http: bool,
    pub loopback: bool,
}

impl Target {
    pub fn parse(text: &str, what: &str) -> Result<Target> {
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

/// `Name: value` headers, checked before anything is sent.
pub fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>> {
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

/// What a server answered.
pub struct Answer {
    pub status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
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

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn status_line(&self) -> String {
        format!("{} {}", self.status, self.reason)
            .trim_end()
            .to_string()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body for `--json`: JSON as JSON, else text.
    pub fn body_value(&self) -> Value {
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

pub fn post_login(
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

pub fn get_probe(
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

/// Shows an answer on stderr: the status, then the body (pretty JSON when it is JSON),
/// masked, without control characters, cut after 8 KiB.
pub fn show(answer: &Answer, masker: &Masker, what: &str) {
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
}
