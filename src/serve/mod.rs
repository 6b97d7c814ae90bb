//! `jwtctl serve`: the reference stateless token service (POST /login, GET /whoami), and
//! `jwtctl serve add-user`.
//!
//! HTTP/1.1 with hyper on a small tokio runtime, because a reference service gets load tests
//! and scanners pointed at it: hyper bounds the request head and times out slow heads, the
//! rest of the limits are here (see the constants). A login costs one argon2 check (~50 ms,
//! 19 MiB), run on a bounded blocking pool so logins never hold up /whoami. Tokens are
//! minted with the same `Minter` as `jwtctl issue` and checked with the same `trust` code as
//! `jwtctl verify`/`decrypt`.

mod http;
mod log;
mod routes;
pub mod users;

use std::net::{SocketAddr, TcpListener as StdListener, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use serde_json::{Map, json};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Semaphore;

use crate::cli::{AddUserArgs, GlobalArgs, ServeArgs, ServeCommand};
use crate::error;
use crate::io::files::{self, Mode};
use crate::io::output;
use crate::io::password;
use crate::jose::alg::{self, Alg, AlgId, TokenKind};
use crate::jose::mint::{self, HeaderParams, Minter};
use crate::keys::{self, Key, KeySet};
use crate::time;
use http::{Shared, accept_loop};
use log::say;
use routes::Service;
use users::{Checker, UsersFile};

/// The largest request body read (a login is a few dozen bytes).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// A body over the limit is still read (and dropped) up to this size before the 413, so the
/// client reads the answer instead of a connection reset; a larger announced body is refused
/// at once, without reading or allocating it, and the connection closed.
pub(super) const MAX_DRAIN_BYTES: u64 = 1024 * 1024;
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
pub(super) const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// The realm in WWW-Authenticate.
pub(super) const REALM: &str = "jwtctl";

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
    if !users_path.exists() {
        // The first run's likely miss: say how to make one.
        return Err(error::runtime(format!(
            "users file {} does not exist; create it with: jwtctl serve add-user --users {} NAME",
            crate::io::sanitize::for_terminal(&users_path.to_string_lossy()),
            crate::io::sanitize::for_terminal(&users_path.to_string_lossy())
        )));
    }
    let users_file = UsersFile::read(users_path)?;
    if let Some(warning) = users::permission_warning(users_path) {
        output::warn(&warning);
    }
    let users = users_file.into_users();
    let (key, alg) = server_key(args)?;
    let enc = match alg.kind {
        TokenKind::Jwe => args
            .enc
            .map(|enc| enc.name)
            .unwrap_or_else(|| alg::default_enc(alg, key.bits() / 8))
            .to_string(),
        TokenKind::Jws => {
            if let Some(enc) = &args.enc {
                return Err(error::usage(format!(
                    "--enc {} is for encrypted tokens, but --alg {} signs",
                    enc.name, alg.name
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
        keys: KeySet::new(vec![key], false),
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
pub(super) struct Stop {
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

    pub(super) async fn wait(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
        }
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
    if let Some(alg) = args.alg {
        authenticates_issuer(alg)?;
    }
    // The original design's key: dir + A256GCM, held in memory.
    let dir = || alg::find("dir").expect("dir is in the table");
    if args.ephemeral_key {
        let alg = args.alg.unwrap_or_else(dir);
        let enc = args.enc.unwrap_or_else(alg::default_enc_row);
        return Ok((keys::generate::ephemeral(alg, enc.name)?, alg));
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
                    args.alg.unwrap_or_else(dir).name,
                    match args.alg.unwrap_or_else(dir).id {
                        AlgId::Dir => format!(
                            "--enc {} ",
                            args.enc.unwrap_or_else(alg::default_enc_row).name
                        ),
                        _ => String::new(),
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
    let alg = match args.alg {
        Some(alg) => alg,
        None if key.alg().is_none() => dir(),
        None => mint::resolve_alg(None, &key, "--alg")?,
    };
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
