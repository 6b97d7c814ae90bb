//! What `serve` answers: POST /login (a password check, then a fresh token), GET /whoami
//! (the claims of a token it issued), and the JSON errors, as [`Reply`]s.

use std::sync::Arc;

use anyhow::Result;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Map, Value, json};

use super::http::{BodyError, Shared, read_body};
use super::users::Checker;
use super::{MAX_BODY_BYTES, MAX_TARGET_BYTES, REALM};
use crate::error;
use crate::jose::alg::{self, Alg, KeyNeed, TokenKind};
use crate::jose::mint::{self, Minter};
use crate::jose::token::{self, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::KeySet;
use crate::time;

pub(super) async fn route(shared: &Arc<Shared>, request: Request<Incoming>) -> Reply {
    let uri = request.uri();
    let target = uri.path_and_query().map_or(0, |p| p.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len());
    if target > MAX_TARGET_BYTES {
        return Reply::error(
            414,
            "uri_too_long",
            format!("the request target is longer than {MAX_TARGET_BYTES} bytes"),
        )
        .close();
    }
    let method = request.method();
    match uri.path() {
        "/login" => match *method {
            Method::POST => login(shared, request).await,
            _ => Reply::error(405, "method_not_allowed", "use POST /login").header("Allow", "POST"),
        },
        "/whoami" => match *method {
            Method::GET | Method::HEAD => whoami(shared, &request).await,
            _ => Reply::error(405, "method_not_allowed", "use GET /whoami")
                .header("Allow", "GET, HEAD"),
        },
        _ => Reply::error(
            404,
            "not_found",
            "no such endpoint: try POST /login or GET /whoami",
        ),
    }
}

async fn login(shared: &Arc<Shared>, request: Request<Incoming>) -> Reply {
    let (parts, mut body) = request.into_parts();
    let deadline = tokio::time::Instant::now() + shared.read_timeout;
    let body = match read_body(&mut body, deadline).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return Reply::error(
                413,
                "request_too_large",
                format!("the body is larger than {MAX_BODY_BYTES} bytes"),
            )
            .close();
        }
        Err(BodyError::TimedOut) => {
            return Reply::error(
                408,
                "request_timeout",
                format!(
                    "the body did not arrive within {}",
                    time::human_span(shared.read_timeout.as_secs())
                ),
            )
            .close();
        }
        Err(BodyError::Broken) => {
            return Reply::error(400, "invalid_request", "cannot read the request body").close();
        }
    };
    let media = parts
        .headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let (user, password) = match credentials(media.as_deref(), &body) {
        Ok(pair) => pair,
        Err(reply) => return *reply,
    };
    let permit = match shared.checks.acquire().await {
        Ok(permit) => permit,
        Err(_) => return Reply::error(503, "unavailable", "the server is stopping"),
    };
    let worker = Arc::clone(shared);
    let checked = tokio::task::spawn_blocking(move || worker.service.login(user, &password)).await;
    drop(permit);
    checked.unwrap_or_else(|_| Reply::error(500, "server_error", "the password check failed"))
}

async fn whoami(shared: &Arc<Shared>, request: &Request<Incoming>) -> Reply {
    let authorization = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let service = &shared.service;
    // PBES2 unwrapping costs up to --max-p2c hash iterations: off the async threads, as
    // password checks are. Everything else is microseconds.
    if service.alg.need != KeyNeed::Password {
        return service.whoami(authorization.as_deref());
    }
    let Ok(_permit) = shared.checks.acquire().await else {
        return Reply::error(503, "unavailable", "the server is stopping");
    };
    let worker = Arc::clone(shared);
    tokio::task::spawn_blocking(move || worker.service.whoami(authorization.as_deref()))
        .await
        .unwrap_or_else(|_| Reply::error(500, "server_error", "the token check failed"))
}

/// The user name and password of a login body: JSON, or a form (by Content-Type).
fn credentials(media: Option<&str>, body: &[u8]) -> Result<(String, String), Box<Reply>> {
    let media = media.map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let form = match media.as_deref() {
        Some("application/x-www-form-urlencoded") => true,
        Some(m) if m == "application/json" || m.ends_with("+json") => false,
        // No Content-Type: a JSON object if it looks like one, else a form.
        None => body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{'),
        Some(other) => {
            return Err(Box::new(Reply::error(
                415,
                "unsupported_media_type",
                format!("send application/json or application/x-www-form-urlencoded, not {other}"),
            )));
        }
    };
    let credentials = if form {
        form_credentials(body)
    } else {
        json_credentials(body)
    };
    credentials.map_err(|message| Box::new(Reply::error(400, "invalid_request", message)))
}

/// Everything a request needs, shared by the workers.
pub(super) struct Service {
    pub(super) minter: Minter,
    pub(super) keys: KeySet,
    pub(super) alg: &'static Alg,
    pub(super) enc: String,
    pub(super) ttl: i64,
    pub(super) iss: Option<String>,
    pub(super) aud: Option<String>,
    pub(super) checker: Checker,
    pub(super) json_log: bool,
}

/// An answer: status, JSON body, extra headers, and what the access log may say.
pub(super) struct Reply {
    pub(super) status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
    pub(super) user: Option<String>,
}

impl Reply {
    fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body,
            headers: Vec::new(),
            user: None,
        }
    }

    fn error(status: u16, code: &str, description: impl Into<String>) -> Reply {
        Reply {
            status,
            body: json!({ "error": code, "error_description": description.into() }),
            headers: Vec::new(),
            user: None,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// Ends the connection after this answer (its request was not read to the end).
    fn close(self) -> Reply {
        self.header("Connection", "close")
    }

    pub(super) fn into_response(self) -> Response<Full<Bytes>> {
        let mut body = serde_json::to_vec(&self.body).unwrap_or_default();
        body.push(b'\n');
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        let fixed = [
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ];
        for (name, value) in fixed
            .iter()
            .map(|(n, v)| (*n, v.to_string()))
            .chain(self.headers)
        {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
        response
    }
}

impl Service {
    /// A login whose body has been read: the password check (blocking: run it on the
    /// blocking pool), then a fresh token.
    fn login(&self, user: String, password: &str) -> Reply {
        if !self.checker.check(&user, password) {
            return Reply::error(401, "invalid_credentials", "wrong username or password")
                .header("WWW-Authenticate", format!("Bearer realm=\"{REALM}\""));
        }
        match self.mint(&user) {
            Ok(token) => {
                let mut reply = Reply::ok(json!({
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": self.ttl,
                }))
                .header("Pragma", "no-cache");
                reply.user = Some(user);
                reply
            }
            Err(e) => Reply::error(500, "server_error", error::one_line(&e)),
        }
    }

    fn mint(&self, user: &str) -> Result<String> {
        let now = time::now_unix();
        let mut claims = Map::new();
        if let Some(iss) = &self.iss {
            claims.insert("iss".into(), json!(iss));
        }
        claims.insert("sub".into(), json!(user));
        if let Some(aud) = &self.aud {
            claims.insert("aud".into(), json!(aud));
        }
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + self.ttl));
        claims.insert("jti".into(), json!(mint::random_jti()?));
        self.minter.mint(&claims)
    }

    /// GET /whoami with this Authorization header.
    fn whoami(&self, authorization: Option<&str>) -> Reply {
        let challenge = format!("Bearer realm=\"{REALM}\"");
        let Some(authorization) = authorization else {
            return Reply::error(401, "unauthorized", "send Authorization: Bearer TOKEN")
                .header("WWW-Authenticate", challenge);
        };
        let token = match authorization.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ => {
                return Reply::error(401, "unauthorized", "send Authorization: Bearer TOKEN")
                    .header("WWW-Authenticate", challenge);
            }
        };
        match self.verify(token, time::now_unix()) {
            Ok(claims) => Reply::ok(Value::Object(claims)),
            Err(e) => Reply::error(401, "invalid_token", error::one_line(&e)).header(
                "WWW-Authenticate",
                format!("{challenge}, error=\"invalid_token\""),
            ),
        }
    }

    /// The claims of a token this service issued, checked as `jwtctl verify`/`decrypt` would.
    fn verify(&self, token: &str, now: i64) -> Result<Map<String, Value>> {
        let parsed = token::parse(token, MAX_BODY_BYTES)?;
        let policy = Policy {
            algs: vec![self.alg],
            encs: alg::find_enc(&self.enc).into_iter().collect(),
            iss: self.iss.clone(),
            aud: self.aud.clone(),
            ..Policy::new(now)
        };
        let verified = match parsed.kind {
            Kind::Jws if self.alg.kind == TokenKind::Jws => {
                verify::verify_jws(&parsed, &self.keys, &policy)?
            }
            Kind::Jwe if self.alg.kind == TokenKind::Jwe => {
                // A nested JWT is not what this service issues: refuse it.
                verify::decrypt_jwe(&parsed, &self.keys, &policy, Inner::Refuse)?
            }
            _ => {
                return Err(error::not_authentic(format!(
                    "this service issues {} tokens only",
                    if self.alg.kind == TokenKind::Jws {
                        "signed (JWS)"
                    } else {
                        "encrypted (JWE)"
                    }
                )));
            }
        };
        verified
            .claims
            .map(crate::jose::claims::ClaimsSet::into_map)
            .ok_or_else(|| error::rejected("the payload is not a JSON claims set"))
    }

    pub(super) fn self_test(&self) -> Result<()> {
        let token = self.mint("jwtctl-self-test")?;
        self.verify(&token, time::now_unix()).map(|_| ())
    }
}

fn json_credentials(body: &[u8]) -> std::result::Result<(String, String), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| "the body is not valid JSON".to_string())?;
    let object = value
        .as_object()
        .ok_or_else(|| "the body must be a JSON object".to_string())?;
    let field = |name: &str| -> std::result::Result<String, String> {
        match object.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("\"{name}\" must be a string")),
            None => Err("\"username\" and \"password\" are required".to_string()),
        }
    };
    Ok((field("username")?, field("password")?))
}

fn form_credentials(body: &[u8]) -> std::result::Result<(String, String), String> {
    let mut user = None;
    let mut password = None;
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "username" if user.is_none() => user = Some(value.into_owned()),
            "password" if password.is_none() => password = Some(value.into_owned()),
            _ => {}
        }
    }
    match (user, password) {
        (Some(user), Some(password)) => Ok((user, password)),
        _ => Err("\"username\" and \"password\" are required".to_string()),
    }
}
