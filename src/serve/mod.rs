//! `jwtctl serve`: the reference stateless token service (POST /login, GET /whoami), and
//! `jwtctl serve add-user`.
//!
//! HTTP/1.1 with hyper on a small tokio runtime, because a reference service gets load tests
//! and scanners pointed at it: hyper bounds the request head and times out slow heads, the
//! rest of the limits are here (see the constants). A login costs one argon2 check (~50 ms,
//! 19 MiB), run on a bounded blocking pool so logins never hold up /whoami. Tokens are
//! minted with the same `Minter` as `jwtctl issue` and checked with the same `trust` code as
//! `jwtctl verify`/`decrypt`.

pub mod users;

use std::convert::Infallible;
use std::io::Write;
use std::net::{SocketAddr, TcpListener as StdListener, ToSocketAddrs};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use josekit::jwk::Jwk;
use josekit::jwk::alg::{ec::EcCurve, ed::EdCurve};
use serde_json::{Map, Value, json};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Semaphore, watch};

use crate::cli::{AddUserArgs, GlobalArgs, ServeArgs, ServeCommand};
use crate::error;
use crate::io::files::{self, Mode};
use crate::io::output;
use crate::io::password;
use crate::io::sanitize::for_terminal;
use crate::jose::alg::{self, Alg, KeyNeed, TokenKind};
use crate::jose::mint::{self, HeaderParams, Minter};
use crate::jose::token::{self, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::{self, Key, KeySet};
use crate::time;
use users::{Checker, UsersFile};

/// The largest request body read (a login is a few dozen bytes).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// A body over the limit is still read (and dropped) up to this size before the 413, so the
/// client reads the answer instead of a connection reset; a larger announced body is refused
/// at once, without reading or allocating it, and the connection closed.
const MAX_DRAIN_BYTES: u64 = 1024 * 1024;
/// The longest request target (path and query): longer answers 414.
pub const MAX_TARGET_BYTES: usize = 8 * 1024;
/// The request line and headers together: more answers 431 and closes (hyper does it).
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// Connections served at once; more wait in the kernel's listen queue until one ends. Each
/// costs a few KiB, and a slow one is dropped after --read-timeout.
pub const MAX_CONNECTIONS: usize = 256;
/// Password checks (argon2, 19 MiB each by default) running at once; more logins wait.
pub const PASSWORD_CHECKS: usize = 2;
/// The longest --read-timeout.
const MAX_READ_TIMEOUT_SECS: i64 = 3600;
/// On SIGINT/SIGTERM, requests under way get this long to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
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
    let read_timeout = read_timeout(&args.read_timeout)?;
    let addr = listen_addr(&args.listen)?;
    let users_file = UsersFile::read(users_path)?;
    if let Some(warning) = users::permission_warning(users_path) {
        output::warn(&warning);
    }
    let users = users_file.into_users();
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

    let listener = StdListener::bind(addr)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| {
            error::runtime(format!("cannot listen on {addr}: {}", files::io_reason(&e)))
        })?;
    let bound = listener.local_addr().unwrap_or(addr);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .max_blocking_threads(PASSWORD_CHECKS)
        .thread_name("jwtctl-serve")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| error::runtime(format!("cannot start the server: {e}")))?;
    let shared = Arc::new(Shared {
        service,
        checks: Semaphore::new(PASSWORD_CHECKS),
        read_timeout,
    });
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| error::runtime(format!("cannot listen on {addr}: {e}")))?;
        let stop = Stop::new()?;
        if args.ephemeral_key {
            say("using an ephemeral key: every token dies with this process (use --key FILE to keep sessions across restarts)");
        }
        if !bound.ip().is_loopback() {
            say(&format!(
                "warning: listening on {bound}, reachable from other machines; there is no TLS, so passwords and tokens cross the network in clear text"
            ));
        }
        let what = match alg.kind {
            TokenKind::Jwe => format!("encrypted {} + {}", alg.name, shared.service.enc),
            TokenKind::Jws => format!("signed {}", alg.name),
        };
        say(&format!(
            "issuing {what} tokens valid for {}; POST /login, GET /whoami",
            time::human_span(ttl as u64)
        ));
        say(&format!("listening on {bound}"));
        accept_loop(listener, shared, stop).await;
        Ok::<(), anyhow::Error>(())
    });
    // Password checks still running are not waited for: their clients are gone.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result?;
    say("stopped");
    Ok(())
}

/// A line on stderr. A closed or broken stderr (the reader went away) is ignored: the
/// service keeps serving, it never panics over its log.
fn say(line: &str) {
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(line);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `--read-timeout`: how long a client may take to send a request head, and then its body.
fn read_timeout(text: &str) -> Result<Duration> {
    let secs = time::parse_duration(text)?;
    if !(1..=MAX_READ_TIMEOUT_SECS).contains(&secs) {
        return Err(error::usage(format!(
            "--read-timeout must be between 1s and 1h, got {text}"
        )));
    }
    Ok(Duration::from_secs(secs as u64))
}

/// SIGINT, SIGTERM or SIGHUP: stop accepting, let requests under way finish, exit 0.
struct Stop {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    /// Held, never read: with a handler installed, SIGPIPE can never end the process, even
    /// if something resets it to its default action (writes then fail with EPIPE instead).
    _pipe: tokio::signal::unix::Signal,
}

impl Stop {
    fn new() -> Result<Stop> {
        let on = |kind: SignalKind| {
            signal(kind).map_err(|e| error::runtime(format!("cannot handle signals: {e}")))
        };
        Ok(Stop {
            interrupt: on(SignalKind::interrupt())?,
            terminate: on(SignalKind::terminate())?,
            hangup: on(SignalKind::hangup())?,
            _pipe: on(SignalKind::pipe())?,
        })
    }

    async fn wait(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
        }
    }
}

/// Accepts connections (at most [`MAX_CONNECTIONS`] at once) until a stop signal, then gives
/// the open ones [`SHUTDOWN_GRACE`] to finish.
async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>, mut stop: Stop) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (stopping, stopped) = watch::channel(false);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // hyper closes a connection whose next request head has not fully arrived by then
        // (slowloris, and idle keep-alive connections), without an answer.
        .header_read_timeout(shared.read_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(2 * MAX_HEAD_BYTES)
        .keep_alive(true);
    loop {
        let slot = tokio::select! {
            () = stop.wait() => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            () = stop.wait() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => {
                    // Out of file descriptors, or a connection reset before it was
                    // accepted: not a reason to stop serving. Pause instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let http = http.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let stall = 2 * shared.read_timeout;
            let io = Watched::new(TokioIo::new(stream));
            let moved = Arc::clone(&io.moved);
            let service = service_fn(move |request| handle(Arc::clone(&shared), remote, request));
            let connection = http.serve_connection(io, service);
            tokio::pin!(connection);
            loop {
                tokio::select! {
                    _ = connection.as_mut() => return,
                    _ = stopped.changed() => {
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.await;
                        return;
                    }
                    () = tokio::time::sleep(stall / 4) => {
                        // Nothing read or written for twice --read-timeout: a client that
                        // does not read its answers (hyper has no write timeout). Dropping
                        // the connection closes it.
                        if moved.elapsed() >= stall {
                            return;
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    let all = MAX_CONNECTIONS as u32;
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all)).await;
}

/// A connection's transport that notes when bytes last moved either way.
struct Watched<T> {
    inner: T,
    moved: Arc<LastMoved>,
}

/// When bytes last moved on a connection, in milliseconds after it opened.
struct LastMoved {
    opened: Instant,
    at_ms: AtomicU64,
}

impl LastMoved {
    fn note(&self) {
        let ms = self.opened.elapsed().as_millis() as u64;
        self.at_ms.store(ms, Ordering::Relaxed);
    }

    /// How long ago bytes last moved.
    fn elapsed(&self) -> Duration {
        let now = self.opened.elapsed();
        now.saturating_sub(Duration::from_millis(self.at_ms.load(Ordering::Relaxed)))
    }
}

impl<T> Watched<T> {
    fn new(inner: T) -> Watched<T> {
        Watched {
            inner,
            moved: Arc::new(LastMoved {
                opened: Instant::now(),
                at_ms: AtomicU64::new(0),
            }),
        }
    }
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if polled.is_ready() {
            self.moved.note();
        }
        polled
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.moved.note();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.moved.note();
        }
        polled
    }
}

/// What every connection shares.
struct Shared {
    service: Service,
    /// Permits for password checks (and PBES2 unwrapping), which run on the blocking pool.
    checks: Semaphore,
    read_timeout: Duration,
}

/// One request: route it, answer it, log it.
async fn handle(
    shared: Arc<Shared>,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(200).collect();
    let reply = route(&shared, request).await;
    shared
        .service
        .log(remote, method.as_str(), &path, &reply, started);
    Ok(reply.into_response())
}

async fn route(shared: &Arc<Shared>, request: Request<Incoming>) -> Reply {
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

/// Why a body could not be had.
enum BodyError {
    TooLarge,
    TimedOut,
    Broken,
}

/// The body, at most [`MAX_BODY_BYTES`], read by the deadline. Memory is bounded by what
/// arrives, never by what Content-Length announces.
async fn read_body(
    body: &mut Incoming,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, BodyError> {
    let announced = body.size_hint().lower();
    if announced > MAX_BODY_BYTES as u64 {
        if announced <= MAX_DRAIN_BYTES {
            drain(body, deadline).await;
        }
        return Err(BodyError::TooLarge);
    }
    let mut data = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::TimedOut),
            Ok(None) => return Ok(data),
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(chunk) = frame.into_data() {
            if data.len() + chunk.len() > MAX_BODY_BYTES {
                drain(body, deadline).await;
                return Err(BodyError::TooLarge);
            }
            data.extend_from_slice(&chunk);
        }
    }
}

/// Reads and drops up to [`MAX_DRAIN_BYTES`] more of a body, by the deadline.
async fn drain(body: &mut Incoming, deadline: tokio::time::Instant) {
    let mut seen = 0u64;
    while seen <= MAX_DRAIN_BYTES {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            }
            _ => return,
        }
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
    if let Some(alg) = args.alg.as_deref().and_then(alg::find) {
        authenticates_issuer(alg)?;
    }
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
    authenticates_issuer(alg)?;
    Ok((key, alg))
}

/// Refuses key management that needs no secret from the sender (RSA-OAEP*, RSA1_5,
/// ECDH-ES*): anyone holding the public key can make a token the service would accept
/// ("Fail closed").
fn authenticates_issuer(alg: &Alg) -> Result<()> {
    if !alg.authenticates_sender() {
        return Err(error::usage(format!(
            "serve cannot use {}: anyone with the public key can make such a token, so it \
             would not show that this service issued it; use dir, A*KW, A*GCMKW, PBES2 or a \
             signing algorithm (HS*, RS*, PS*, ES*, EdDSA)",
            alg.name
        )));
    }
    Ok(())
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
    jwk.set_key_id(crate::keys::convert::thumbprint(&jwk)?);
    Key::from_jwk(jwk)
}

/// `jwtctl serve add-user`: add a user or change a password. The file (a symlink's target,
/// the link kept) is rewritten atomically with mode 0600, under a lock so that concurrent runs
/// keep each other's users.
fn add_user(args: &AddUserArgs, global: &GlobalArgs) -> Result<()> {
    users::check_name(&args.name)?;
    let target = users::resolve(&args.users)?;
    let read = |path: &Path| -> Result<UsersFile> {
        if std::fs::symlink_metadata(path).is_ok() {
            UsersFile::read(path)
        } else {
            Ok(UsersFile::new())
        }
    };
    // Read the file first: a broken file is reported before a password is asked for.
    read(&target)?;
    let password = if args.password_stdin {
        password::from_stdin()?
    } else {
        password::prompt_new(
            &format!("New password for {}: ", args.name),
            "use --password-stdin",
        )?
    };
    let hash = users::hash_password(&password)?;
    let updated = {
        // Read again under the lock: another add-user may have written meanwhile.
        let _lock = users::lock_dir_of(&target)?;
        let mut file = read(&target)?;
        let updated = file.set(&args.name, hash);
        files::write_atomic(&target, file.render().as_bytes(), Mode::Secret, true)?;
        updated
    };
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

    /// Ends the connection after this answer (its request was not read to the end).
    fn close(self) -> Reply {
        self.header("Connection", "close")
    }

    fn into_response(self) -> Response<Full<Bytes>> {
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
            .ok_or_else(|| error::rejected("the payload is not a JSON claims set"))
    }

    fn self_test(&self) -> Result<()> {
        let token = self.mint("jwtctl-self-test")?;
        self.verify(&token, time::now_unix()).map(|_| ())
    }

    /// One access-log line: never a token, a password or a query string. Method, path and
    /// user come from the client: shown escaped, they cannot drive a terminal.
    fn log(&self, remote: SocketAddr, method: &str, path: &str, reply: &Reply, started: Instant) {
        let millis = started.elapsed().as_millis();
        let now = time::rfc3339(time::now_unix());
        if self.json_log {
            let mut line = json!({
                "time": now,
                "remote": remote.to_string(),
                "method": method,
                "path": path,
                "status": reply.status,
                "ms": millis,
            });
            if let Some(user) = &reply.user {
                line["user"] = json!(user);
            }
            // A closed stdout loses the log, never the service.
            let _ = files::write_stdout(format!("{line}\n").as_bytes());
            return;
        }
        let method: String = method.chars().take(20).collect();
        let mut line = format!(
            "{now} {remote} {} {} {} {millis}ms",
            for_terminal(&method),
            for_terminal(path),
            reply.status
        );
        if let Some(user) = &reply.user {
            line.push_str(&format!(" user={}", for_terminal(user)));
        }
        say(&line);
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
