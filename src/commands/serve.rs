//! `jwtctl serve`: the reference stateless token service (POST /login, GET /whoami), and
//! `jwtctl serve add-user`.
//!
//! Blocking HTTP with tiny_http and a few worker threads: a login costs one argon2 check
//! (~50 ms), so a thread pool is all the concurrency this needs. Tokens are minted with the
//! same `Minter` as `jwtctl issue` and checked with the same `trust` code as `jwtctl
//! verify`/`decrypt`.

use std::io::Read;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::Result;
use josekit::jwk::Jwk;
use josekit::jwk::alg::{ec::EcCurve, ed::EdCurve};
use serde_json::{Map, Value, json};
use tiny_http::{Header, Method, Request, Response, Server};

use crate::alg::{self, Alg, KeyNeed, TokenKind};
use crate::cli::{AddUserArgs, GlobalArgs, ServeArgs, ServeCommand};
use crate::error;
use crate::files::{self, Mode};
use crate::keys::{self, Key, KeySet};
use crate::mint::{self, HeaderParams, Minter};
use crate::output;
use crate::password;
use crate::time;
use crate::token::{self, Kind};
use crate::trust::{self, Inner, Policy};
use crate::users::{self, Checker, UsersFile};

/// The largest request body read (a login is a few dozen bytes).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Requests handled at once.
const WORKERS: usize = 4;
/// The realm in WWW-Authenticate.
const REALM: &str = "jwtctl";

pub fn run(args: &ServeArgs, global: &GlobalArgs) -> Result<()> {
    if let Some(ServeCommand::AddUser(add)) = &args.command {
        return add_user(add, global);
    }
    let users_path = args
        .users
        .as_deref()
        .ok_or_else(|| error::usage("--users FILE is required"))?;
    let ttl = time::parse_duration(&args.ttl)?;
    if ttl <= 0 {
        return Err(error::usage("--ttl must be longer than 0s"));
    }
    let addr = listen_addr(&args.listen)?;
    let users = UsersFile::read(users_path)?.into_users();
    let (key, alg) = server_key(args)?;
    let enc = match alg.kind {
        TokenKind::Jwe => args
            .enc
            .clone()
            .unwrap_or_else(|| alg::default_enc(alg, key.bits() / 8).into()),
        TokenKind::Jws => {
            if let Some(enc) = &args.enc {
                return Err(error::usage(format!(
                    "--enc {enc} is for encrypted tokens, but --alg {} signs",
                    alg.name
                )));
            }
            String::new()
        }
    };
    let mut header = Map::new();
    header.insert("typ".into(), json!("JWT"));
    if let Some(kid) = key.kid() {
        header.insert("kid".into(), json!(kid));
    }
    let minter = Minter::new(alg, &enc, &key, &HeaderParams { members: header }, None)?;
    let service = Service {
        minter,
        keys: KeySet {
            keys: vec![key],
            is_set: false,
        },
        alg,
        enc,
        ttl,
        iss: args.iss.clone(),
        aud: args.aud.clone(),
        checker: Checker::new(users)?,
        json_log: global.json,
    };
    // The key must be able to check what it mints: find out now, not at the first request.
    service.self_test().map_err(|e| {
        error::runtime(format!(
            "the key cannot check its own tokens: {}",
            error::one_line(&e)
        ))
    })?;
    if service.checker.is_empty() {
        output::warn(&format!(
            "{} has no users: add one with jwtctl serve add-user --users {} NAME",
            users_path.display(),
            users_path.display()
        ));
    }

    let server =
        Server::http(addr).map_err(|e| error::runtime(format!("cannot listen on {addr}: {e}")))?;
    let bound = server.server_addr().to_ip().unwrap_or(addr);
    let server = Arc::new(server);
    let stopping = Arc::new(AtomicBool::new(false));
    {
        let server = Arc::clone(&server);
        let stopping = Arc::clone(&stopping);
        ctrlc::set_handler(move || {
            if !stopping.swap(true, Ordering::SeqCst) {
                for _ in 0..WORKERS {
                    server.unblock();
                }
            }
        })
        .map_err(|e| error::runtime(format!("cannot handle signals: {e}")))?;
    }
    if args.ephemeral_key {
        output::note(
            "using an ephemeral key: every token dies with this process (use --key FILE to keep sessions across restarts)",
        );
    }
    if !bound.ip().is_loopback() {
        output::warn(&format!(
            "listening on {bound}, reachable from other machines; there is no TLS, so passwords and tokens cross the network in clear text"
        ));
    }
    let what = match alg.kind {
        TokenKind::Jwe => format!("encrypted {} + {}", alg.name, service.enc),
        TokenKind::Jws => format!("signed {}", alg.name),
    };
    output::note(&format!(
        "issuing {what} tokens valid for {}; POST /login, GET /whoami",
        time::human_span(ttl as u64)
    ));
    output::note(&format!("listening on {bound}"));

    let service = Arc::new(service);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let server = Arc::clone(&server);
            let service = Arc::clone(&service);
            let stopping = Arc::clone(&stopping);
            std::thread::spawn(move || worker(&server, &service, &stopping))
        })
        .collect();
    let mut failure = None;
    for worker in workers {
        match worker.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failure = Some(e),
            Err(_) => failure = Some(error::runtime("a worker thread panicked")),
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    output::note("stopped");
    Ok(())
}

/// Takes requests until told to stop.
fn worker(server: &Server, service: &Service, stopping: &AtomicBool) -> Result<()> {
    loop {
        let request = match server.recv() {
            Ok(request) => request,
            Err(_) if stopping.load(Ordering::SeqCst) => return Ok(()),
            Err(e) => {
                // The listener is gone: stop every worker, and say why.
                if !stopping.swap(true, Ordering::SeqCst) {
                    for _ in 0..WORKERS {
                        server.unblock();
                    }
                }
                return Err(error::runtime(format!("the listener failed: {e}")));
            }
        };
        let started = Instant::now();
        let mut request = request;
        let reply = service.handle(&mut request);
        service.log(&request, &reply, started);
        // A client that went away is its own problem.
        let _ = request.respond(reply.into_response());
    }
}

/// `host:port` → the first address it names.
fn listen_addr(text: &str) -> Result<SocketAddr> {
    let bad = || {
        error::usage(format!(
            "--listen {text:?}: expected ADDR:PORT, e.g. 127.0.0.1:8080"
        ))
    };
    text.to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

/// The key and algorithm: `--key` (which must exist) or a fresh in-memory key.
fn server_key(args: &ServeArgs) -> Result<(Key, &'static Alg)> {
    if args.ephemeral_key {
        let name = args.alg.as_deref().unwrap_or("dir");
        let alg =
            alg::find(name).ok_or_else(|| error::usage(format!("unknown algorithm {name}")))?;
        let enc = args.enc.as_deref().unwrap_or(alg::DEFAULT_ENC);
        return Ok((ephemeral_key(alg, enc)?, alg));
    }
    let reference = args
        .key
        .as_deref()
        .ok_or_else(|| error::usage("give --key KEY or --ephemeral-key"))?;
    let is_file = !(reference == "-" || reference == "prompt" || reference.starts_with("env:"));
    if is_file {
        let path = Path::new(reference);
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(error::runtime(format!(
                    "key file {reference} does not exist; create one with: jwtctl keygen --alg {} {}-o {reference}",
                    args.alg.as_deref().unwrap_or("dir"),
                    match args.alg.as_deref() {
                        None | Some("dir") =>
                            format!("--enc {} ", args.enc.as_deref().unwrap_or(alg::DEFAULT_ENC)),
                        Some(_) => String::new(),
                    }
                )));
            }
            // Other failures are reported by the loading below, with their reason.
            Err(_) => {}
            Ok(meta) => {
                use std::os::unix::fs::PermissionsExt;
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    output::warn(&format!(
                        "key file {reference} is readable by others (mode {mode:o}); chmod 600 it"
                    ));
                }
            }
        }
    }
    let key = keys::load_one(
        reference,
        &args.key_input.load_options(),
        args.kid.as_deref(),
    )?;
    let name = args.alg.as_deref().or(key.alg()).unwrap_or("dir");
    let alg = mint::resolve_alg(Some(name), &key, "--alg")?;
    Ok((key, alg))
}

/// A fresh key for `alg`, held only in memory.
fn ephemeral_key(alg: &Alg, enc: &str) -> Result<Key> {
    let secret = |bytes: usize| -> Result<Jwk> {
        let mut secret = vec![0u8; bytes];
        openssl::rand::rand_bytes(&mut secret)?;
        let mut jwk = Jwk::new("oct");
        jwk.set_key_value(&secret);
        Ok(jwk)
    };
    let mut jwk = match alg.need {
        KeyNeed::Hmac(bytes) | KeyNeed::Aes(bytes) => secret(bytes)?,
        KeyNeed::Direct => secret(
            alg::find_enc(enc)
                .ok_or_else(|| error::usage(format!("unknown enc {enc}")))?
                .key_bytes,
        )?,
        KeyNeed::Password => secret(32)?,
        KeyNeed::Rsa => Jwk::generate_rsa_key(2048)?,
        KeyNeed::Ec(crv) => Jwk::generate_ec_key(match crv {
            "P-384" => EcCurve::P384,
            "P-521" => EcCurve::P521,
            "secp256k1" => EcCurve::Secp256k1,
            _ => EcCurve::P256,
        })?,
        KeyNeed::Ed => Jwk::generate_ed_key(EdCurve::Ed25519)?,
        KeyNeed::Ecdh => Jwk::generate_ec_key(EcCurve::P256)?,
    };
    jwk.set_algorithm(alg.name);
    jwk.set_key_id(crate::keyconv::thumbprint(&jwk)?);
    Key::from_jwk(jwk)
}

/// `jwtctl serve add-user`: add a user or change a password; the file is rewritten
/// atomically with mode 0600.
fn add_user(args: &AddUserArgs, global: &GlobalArgs) -> Result<()> {
    users::check_name(&args.name)?;
    // Read the file first: a broken file is reported before a password is asked for.
    let mut file = if std::fs::symlink_metadata(&args.users).is_ok() {
        UsersFile::read(&args.users)?
    } else {
        UsersFile::new()
    };
    let password = if args.password_stdin {
        password::from_stdin()?
    } else {
        password::prompt_new(
            &format!("New password for {}: ", args.name),
            "use --password-stdin",
        )?
    };
    let updated = file.set(&args.name, users::hash_password(&password)?);
    files::write_atomic(&args.users, file.render().as_bytes(), Mode::Secret, true)?;
    let action = if updated { "updated" } else { "added" };
    if global.json {
        return output::print_json(&json!({
            "user": args.name,
            "file": args.users.display().to_string(),
            "action": action,
        }));
    }
    output::note(&format!(
        "{action} user {} in {}",
        args.name,
        args.users.display()
    ));
    Ok(())
}

/// Everything a request needs, shared by the workers.
struct Service {
    minter: Minter,
    keys: KeySet,
    alg: &'static Alg,
    enc: String,
    ttl: i64,
    iss: Option<String>,
    aud: Option<String>,
    checker: Checker,
    json_log: bool,
}

/// An answer: status, JSON body, extra headers, and what the access log may say.
struct Reply {
    status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
    user: Option<String>,
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

    fn into_response(self) -> Response<std::io::Cursor<Vec<u8>>> {
        let mut body = serde_json::to_vec(&self.body).unwrap_or_default();
        body.push(b'\n');
        let mut response = Response::from_data(body).with_status_code(self.status);
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
            if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(header);
            }
        }
        response
    }
}

fn header_value<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// The path of a request target, without the query (which may carry secrets).
fn path_of(request: &Request) -> &str {
    let url = request.url();
    url.split(['?', '#']).next().unwrap_or(url)
}

impl Service {
    fn handle(&self, request: &mut Request) -> Reply {
        let method = request.method().clone();
        match path_of(request) {
            "/login" => match method {
                Method::Post => self.login(request),
                _ => Reply::error(405, "method_not_allowed", "use POST /login")
                    .header("Allow", "POST"),
            },
            "/whoami" => match method {
                Method::Get | Method::Head => self.whoami(request),
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

    fn login(&self, request: &mut Request) -> Reply {
        let too_large = || {
            Reply::error(
                413,
                "request_too_large",
                format!("the body is larger than {MAX_BODY_BYTES} bytes"),
            )
        };
        if request.body_length().is_some_and(|n| n > MAX_BODY_BYTES) {
            return too_large();
        }
        let mut body = Vec::new();
        if request
            .as_reader()
            .take(MAX_BODY_BYTES as u64 + 1)
            .read_to_end(&mut body)
            .is_err()
        {
            return Reply::error(400, "invalid_request", "cannot read the request body");
        }
        if body.len() > MAX_BODY_BYTES {
            return too_large();
        }
        let media = header_value(request, "Content-Type").map(|v| {
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
                return Reply::error(
                    415,
                    "unsupported_media_type",
                    format!(
                        "send application/json or application/x-www-form-urlencoded, not {other}"
                    ),
                );
            }
        };
        let credentials = if form {
            form_credentials(&body)
        } else {
            json_credentials(&body)
        };
        let (user, password) = match credentials {
            Ok(pair) => pair,
            Err(message) => return Reply::error(400, "invalid_request", message),
        };
        if !self.checker.check(&user, &password) {
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

    fn whoami(&self, request: &Request) -> Reply {
        let challenge = format!("Bearer realm=\"{REALM}\"");
        let Some(authorization) = header_value(request, "Authorization") else {
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
        let invalid = |e: &anyhow::Error| {
            Reply::error(401, "invalid_token", error::one_line(e)).header(
                "WWW-Authenticate",
                format!("{challenge}, error=\"invalid_token\""),
            )
        };
        match self.verify(token, time::now_unix()) {
            Ok(claims) => Reply::ok(Value::Object(claims)),
            Err(e) => invalid(&e),
        }
    }

    /// The claims of a token this service issued, checked as `jwtctl verify`/`decrypt` would.
    fn verify(&self, token: &str, now: i64) -> Result<Map<String, Value>> {
        let parsed = token::parse(token, MAX_BODY_BYTES)?;
        let policy = Policy {
            algs: vec![self.alg.name.to_string()],
            encs: if self.enc.is_empty() {
                Vec::new()
            } else {
                vec![self.enc.clone()]
            },
            iss: self.iss.clone(),
            aud: self.aud.clone(),
            ..Policy::new(now)
        };
        let verified = match parsed.kind {
            Kind::Jws if self.alg.kind == TokenKind::Jws => {
                trust::verify_jws(&parsed, &self.keys, &policy)?
            }
            Kind::Jwe if self.alg.kind == TokenKind::Jwe => {
                // A nested JWT is not what this service issues: refuse it.
                trust::decrypt_jwe(&parsed, &self.keys, &policy, Inner::Refuse)?
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
            .ok_or_else(|| error::rejected("the payload is not a JSON claims set"))
    }

    fn self_test(&self) -> Result<()> {
        let token = self.mint("jwtctl-self-test")?;
        self.verify(&token, time::now_unix()).map(|_| ())
    }

    /// One access-log line: never a token, a password or a query string.
    fn log(&self, request: &Request, reply: &Reply, started: Instant) {
        let millis = started.elapsed().as_millis();
        let remote = request
            .remote_addr()
            .map_or_else(|| "-".to_string(), SocketAddr::to_string);
        let path: String = path_of(request).chars().take(200).collect();
        let path = path.escape_debug().to_string();
        let method: String = request.method().as_str().chars().take(20).collect();
        let now = time::rfc3339(time::now_unix());
        if self.json_log {
            let mut line = json!({
                "time": now,
                "remote": remote,
                "method": method,
                "path": path_of(request).chars().take(200).collect::<String>(),
                "status": reply.status,
                "ms": millis,
            });
            if let Some(user) = &reply.user {
                line["user"] = json!(user);
            }
            let _ = files::write_stdout(format!("{line}\n").as_bytes());
            return;
        }
        let mut line = format!("{now} {remote} {method} {path} {} {millis}ms", reply.status);
        if let Some(user) = &reply.user {
            line.push_str(&format!(" user={}", user.escape_debug()));
        }
        output::note(&line);
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
