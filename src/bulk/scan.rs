//! `jwtctl inspect --scan`: every token in logs, one line (or JSON Line) per token.
//!
//! The calling thread reads and finds candidates (`crate::bulk::finder`); batches of candidates go
//! to worker threads, which cut them into tokens and render their lines; a writer thread
//! puts the batches back in input order. Memory is bounded by the read buffer, the
//! longest token and a few batches in flight (plus the distinct tokens with `--unique`).
//! Without `--key` a token is never built whole: the header members come from the scanner
//! and only the payload is decoded, for `iss`, `sub` and `exp`.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de;
use serde_json::Value;
use sha2::Digest;

use crate::bulk::crack::Target;
use crate::bulk::finder::{self, Scanner, Scratch};
use crate::cli::{GlobalArgs, InspectArgs};
use crate::error;
use crate::io::files;
use crate::io::input;
use crate::jose::token::{self, Kind};
use crate::jose::verify::{self, Inner, Policy};
use crate::keys::{self, KeySet};
use crate::time;

/// A batch is sent to the workers at this many candidates or bytes of candidate text.
const BATCH_ITEMS: usize = 256;
const BATCH_BYTES: usize = 256 * 1024;

/// Environment variable (for tests) that sets the read size of the scanner.
const READ_SIZE_VAR: &str = "JWTCTL_SCAN_READ_SIZE";

/// The inputs named by `--scan FILE…` (and TOKEN, taken as one more FILE); stdin when none.
pub fn inputs(args: &InspectArgs) -> Result<Vec<String>> {
    let mut inputs: Vec<String> = args.token.iter().cloned().collect();
    inputs.extend(args.scan.iter().flatten().cloned());
    if inputs.is_empty() {
        if io::stdin().is_terminal() {
            return Err(error::usage(
                "no input to scan: name FILEs after --scan, or pipe text to stdin",
            ));
        }
        inputs.push("-".to_string());
    }
    Ok(inputs)
}

/// The stdin use of the scan inputs, for the one-stdin-user check.
pub fn inputs_use_stdin(args: &InspectArgs) -> Option<&'static str> {
    let none = args.token.is_none() && args.scan.as_ref().is_none_or(Vec::is_empty);
    let named = args.token.iter().chain(args.scan.iter().flatten());
    (none || named.into_iter().any(|n| n == "-")).then_some("-")
}

/// The worker thread count: `--threads`, else every core.
pub fn threads(requested: Option<u32>) -> usize {
    requested
        .map(|n| n.max(1) as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Candidates from one input, with their text laid end to end.
struct Batch {
    input: usize,
    items: Vec<(u64, u64, Range<usize>)>,
    text: Vec<u8>,
}

fn new_batch(input: usize) -> Batch {
    Batch {
        input,
        items: Vec::with_capacity(BATCH_ITEMS),
        text: Vec::new(),
    }
}

/// A token a worker hands to the per-token work.
pub struct Located<'a> {
    pub input: usize,
    pub line: u64,
    pub offset: u64,
    /// The token's text (ASCII).
    pub text: &'a [u8],
    pub found: &'a finder::Found,
}

impl Located<'_> {
    fn text_str(&self) -> &str {
        std::str::from_utf8(self.text).unwrap_or_default()
    }
}

/// Counts over a whole scan.
#[derive(Default)]
pub struct Totals {
    pub bytes: AtomicU64,
    pub tokens: AtomicU64,
    pub malformed: AtomicU64,
    pub oversized: AtomicU64,
    pub unreadable: AtomicU64,
    /// PBES2 tokens not decrypted: no password given, or over `--max-pbes2-work`.
    pub pbes2_skipped: AtomicU64,
}

/// Scans `inputs` with `threads` workers. A worker runs `work` on each token of a batch,
/// collecting into a fresh `A`; the `A`s reach `sink` in input order. An input that
/// cannot be read is reported on stderr and counted, and the others are still scanned. A
/// failing `sink` stops the scan and its error is returned.
pub fn pipeline<A: Default + Send>(
    inputs: &[String],
    threads: usize,
    max_token: usize,
    totals: &Totals,
    work: impl Fn(Located<'_>, &mut A) + Sync,
    sink: &mut (impl FnMut(A) -> Result<()> + Send),
) -> Result<()> {
    let threads = threads.max(1);
    let read_size = std::env::var(READ_SIZE_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(finder::DEFAULT_BUFFER);
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Batch)>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<(usize, A)>(threads * 2);
    let stopped = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stopped = &stopped;
        for _ in 0..threads {
            let (work_rx, done_tx, work) = (&work_rx, done_tx.clone(), &work);
            scope.spawn(move || {
                let mut scratch = Scratch::default();
                loop {
                    let Ok(Ok((seq, batch))) = work_rx.lock().map(|rx| rx.recv()) else {
                        break;
                    };
                    // After a stop, keep draining so the reader never blocks on a full queue.
                    if stopped.load(Ordering::Relaxed) {
                        continue;
                    }
                    let done = run_batch(&batch, max_token, totals, &mut scratch, work);
                    if done_tx.send((seq, done)).is_err() {
                        stopped.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
        drop(done_tx);
        let writer = scope.spawn(move || {
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for (seq, done) in done_rx {
                waiting.insert(seq, done);
                while let Some(done) = waiting.remove(&next) {
                    next += 1;
                    if let Err(e) = sink(done) {
                        stopped.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
            Ok(())
        });
        let mut scanner = Scanner::new(read_size, max_token);
        let mut seq = 0;
        for (index, name) in inputs.iter().enumerate() {
            if stopped.load(Ordering::Relaxed) {
                break;
            }
            let mut batch = new_batch(index);
            let mut send = |batch: Batch| -> Result<()> {
                if stopped.load(Ordering::Relaxed) || work_tx.send((seq, batch)).is_err() {
                    return Err(anyhow::anyhow!("stopped"));
                }
                seq += 1;
                Ok(())
            };
            let scanned = read_input(name, |reader| {
                scanner.scan(reader, |candidate| {
                    let start = batch.text.len();
                    batch.text.extend_from_slice(candidate.text);
                    batch
                        .items
                        .push((candidate.line, candidate.offset, start..batch.text.len()));
                    if batch.items.len() >= BATCH_ITEMS || batch.text.len() >= BATCH_BYTES {
                        send(std::mem::replace(&mut batch, new_batch(index)))?;
                    }
                    Ok(())
                })
            });
            if !batch.items.is_empty() && send(batch).is_err() {
                break;
            }
            match scanned {
                Ok(stats) => {
                    totals.bytes.fetch_add(stats.bytes, Ordering::Relaxed);
                    totals
                        .oversized
                        .fetch_add(stats.oversized, Ordering::Relaxed);
                }
                Err(_) if stopped.load(Ordering::Relaxed) => break,
                Err(e) => {
                    totals.unreadable.fetch_add(1, Ordering::Relaxed);
                    crate::io::output::write_stderr(&format!(
                        "error: cannot read {}: {}\n",
                        crate::io::sanitize::for_terminal(name),
                        error::one_line(&e)
                    ));
                }
            }
        }
        drop(work_tx);
        writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the writer failed")))
    })
}

/// Opens an input (`-` is stdin) and hands it to `scan`.
fn read_input(
    name: &str,
    scan: impl FnOnce(&mut dyn io::Read) -> Result<finder::Stats>,
) -> Result<finder::Stats> {
    if name == "-" {
        return scan(&mut io::stdin().lock());
    }
    let mut file = File::open(name).map_err(|e| error::runtime(files::io_reason(&e)))?;
    scan(&mut file).map_err(|e| match e.root_cause().downcast_ref::<io::Error>() {
        Some(io) => error::runtime(files::io_reason(io)),
        None => e,
    })
}

fn run_batch<A: Default>(
    batch: &Batch,
    max_token: usize,
    totals: &Totals,
    scratch: &mut Scratch,
    work: &impl Fn(Located<'_>, &mut A),
) -> A {
    let mut done = A::default();
    let mut tokens = 0;
    let mut malformed = 0;
    for (line, offset, range) in &batch.items {
        let candidate = &batch.text[range.clone()];
        malformed += finder::tokens_in(candidate, max_token, scratch, |found| {
            tokens += 1;
            let located = Located {
                input: batch.input,
                line: *line,
                offset: offset + found.range.start as u64,
                text: &candidate[found.range.clone()],
                found: &found,
            };
            work(located, &mut done);
        });
    }
    totals.tokens.fetch_add(tokens, Ordering::Relaxed);
    totals
        .malformed
        .fetch_add(malformed as u64, Ordering::Relaxed);
    done
}

/// The claims a listing shows. Read member by member (other members are skipped unparsed),
/// so a listing costs little per token.
#[derive(Default)]
pub struct Claims {
    pub iss: Option<Value>,
    pub sub: Option<Value>,
    pub exp: Option<Value>,
}

enum ClaimName {
    Iss,
    Sub,
    Exp,
    Other,
}

impl<'de> de::Deserialize<'de> for ClaimName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl de::Visitor<'_> for NameVisitor {
            type Value = ClaimName;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ClaimName, E> {
                Ok(match name {
                    "iss" => ClaimName::Iss,
                    "sub" => ClaimName::Sub,
                    "exp" => ClaimName::Exp,
                    _ => ClaimName::Other,
                })
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

struct ClaimsVisitor;

impl<'de> de::Visitor<'de> for ClaimsVisitor {
    type Value = Claims;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<Claims, M::Error> {
        let mut claims = Claims::default();
        while let Some(name) = map.next_key::<ClaimName>()? {
            match name {
                ClaimName::Iss => claims.iss = Some(map.next_value()?),
                ClaimName::Sub => claims.sub = Some(map.next_value()?),
                ClaimName::Exp => claims.exp = Some(map.next_value()?),
                ClaimName::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(claims)
    }
}

/// The listed claims of a JWS payload; `None` when it is not a JSON object.
pub fn payload_claims(payload_b64: &[u8], buf: &mut Vec<u8>) -> Option<Claims> {
    buf.clear();
    URL_SAFE_NO_PAD.decode_vec(payload_b64, buf).ok()?;
    let mut de = serde_json::Deserializer::from_slice(buf);
    let claims = de::Deserializer::deserialize_any(&mut de, ClaimsVisitor).ok()?;
    de.end().ok()?;
    Some(claims)
}

/// The listed claims of a full claims object (a decrypted JWE).
fn claims_of(map: &serde_json::Map<String, Value>) -> Claims {
    Claims {
        iss: map.get("iss").cloned(),
        sub: map.get("sub").cloned(),
        exp: map.get("exp").cloned(),
    }
}

/// The keys of `--key` and `--verify-key`, the PBES2 password, and "now".
pub struct Context {
    pub now: i64,
    pub keys: Option<KeySet>,
    pub inner_keys: Option<KeySet>,
    /// `--password-file`'s password, the only key PBES2 tokens are tried with in a scan: a
    /// raw secret tried as a password would cost every planted PBES2 token its full p2c.
    pub password: Option<KeySet>,
    /// The PBES2 iterations the rest of the scan may spend (`--max-pbes2-work`).
    pub pbes2_left: AtomicU64,
}

pub fn load_context(args: &InspectArgs) -> Result<Context> {
    let now = match &args.now {
        Some(text) => time::parse_now(text)?,
        None => time::now_unix(),
    };
    let load = args.key_input.load_options();
    let keys = match &args.key {
        Some(reference) => Some(keys::load(reference, &load)?),
        None => None,
    };
    let inner_keys = match &args.verify_key {
        Some(reference) => Some(keys::load(reference, &load)?),
        None => None,
    };
    let password = match &args.key_input.password_file {
        Some(_) => Some(KeySet {
            keys: vec![keys::Key::from_secret(&keys::read_password(&load, "")?)?],
            is_set: false,
        }),
        None => None,
    };
    Ok(Context {
        now,
        keys,
        inner_keys,
        password,
        pbes2_left: AtomicU64::new(args.max_pbes2_work),
    })
}

/// What a check said of one token.
enum Verdict {
    Valid,
    Invalid(String),
    /// Not tried (a PBES2 token without a password, or over the work cap).
    Skipped(&'static str),
}

const NO_PASSWORD: &str = "PBES2: tried only with --password-file";
const OVER_BUDGET: &str = "PBES2: over --max-pbes2-work";

/// Takes `p2c` iterations from the scan's PBES2 budget; false when too few are left.
fn spend_pbes2(context: &Context, p2c: u64) -> bool {
    context
        .pbes2_left
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(p2c)
        })
        .is_ok()
}

/// The payload part of a JWS's text.
fn payload_part(text: &[u8]) -> &[u8] {
    let mut dots = memchr::memchr_iter(b'.', text);
    match (dots.next(), dots.next()) {
        (Some(a), Some(b)) => &text[a + 1..b],
        _ => &[],
    }
}

/// What the listing says of one token: its claims (None: encrypted or not a JSON object)
/// and, with `--key` or `--password-file`, whether it checked.
fn examine(
    located: &Located<'_>,
    context: &Context,
    totals: &Totals,
    buf: &mut Vec<u8>,
) -> (Option<Claims>, Option<Verdict>) {
    let pbes2 = located.found.kind == Kind::Jwe && located.found.alg.starts_with("PBES2-");
    if pbes2 && (context.keys.is_some() || context.password.is_some()) {
        return examine_pbes2(located, context, totals);
    }
    let Some(keys) = &context.keys else {
        let claims = match located.found.kind {
            Kind::Jws => payload_claims(payload_part(located.text), buf),
            Kind::Jwe => None,
        };
        return (claims, None);
    };
    let token = match token::parse(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e)))),
    };
    let policy = scan_policy(context);
    match token.kind {
        Kind::Jws => {
            let claims = payload_claims(payload_part(located.text), buf);
            let check = match verify::verify_jws(&token, keys, &policy) {
                Ok(verified) => verdict(&verified),
                Err(refused) => Verdict::Invalid(error::one_line(&refused.error)),
            };
            (claims, Some(check))
        }
        Kind::Jwe => decrypt(&token, keys, context, &policy),
    }
}

/// As inspect --key: only authenticity (times are shown, not judged), and a JWE anyone could
/// make is decrypted but not valid.
fn scan_policy(context: &Context) -> Policy {
    Policy {
        ignore_times: true,
        allow_unauthenticated: true,
        ..Policy::new(context.now)
    }
}

fn decrypt(
    token: &token::Compact,
    keys: &KeySet,
    context: &Context,
    policy: &Policy,
) -> (Option<Claims>, Option<Verdict>) {
    let inner = context
        .inner_keys
        .as_ref()
        .map_or(Inner::Skip, Inner::Verify);
    match verify::decrypt_jwe(token, keys, policy, inner) {
        Ok(verified) => (
            verified.claims.as_ref().map(claims_of),
            Some(verdict(&verified)),
        ),
        Err(refused) => (
            None,
            Some(Verdict::Invalid(error::one_line(&refused.error))),
        ),
    }
}

/// Valid, unless only `allow_unauthenticated` let the token through.
fn verdict(verified: &verify::Verified) -> Verdict {
    if verified.anyone_could_make() {
        Verdict::Invalid(verify::NOT_AUTHENTICATED.to_string())
    } else {
        Verdict::Valid
    }
}

/// A PBES2 token: decrypted only with `--password-file`'s password, and only while the
/// scan's PBES2 budget lasts; otherwise skipped and counted.
fn examine_pbes2(
    located: &Located<'_>,
    context: &Context,
    totals: &Totals,
) -> (Option<Claims>, Option<Verdict>) {
    let skipped = |why| {
        totals.pbes2_skipped.fetch_add(1, Ordering::Relaxed);
        (None, Some(Verdict::Skipped(why)))
    };
    let Some(password) = &context.password else {
        return skipped(NO_PASSWORD);
    };
    let token = match token::parse(located.text_str(), located.text.len()) {
        Ok(token) => token,
        Err(e) => return (None, Some(Verdict::Invalid(error::one_line(&e)))),
    };
    let policy = scan_policy(context);
    // A p2c the gate refuses (absent, not an integer, over --max-p2c) costs nothing: only
    // the iterations that will run are charged.
    if let Some(p2c) = token.header.get("p2c").and_then(Value::as_u64)
        && (1..=policy.max_p2c).contains(&p2c)
        && !spend_pbes2(context, p2c)
    {
        return skipped(OVER_BUDGET);
    }
    decrypt(&token, password, context, &policy)
}

/// `expires in 5m`, `expired 2h ago`, `no exp`, …
fn exp_status(exp: Option<&Value>, now: i64) -> String {
    let Some(exp) = exp else {
        return "no exp".to_string();
    };
    let Some(value) = exp.as_f64() else {
        return "exp not a number".to_string();
    };
    if !(-1e15..=1e15).contains(&value) {
        return "exp out of range".to_string();
    }
    let t = value.floor() as i64;
    if now >= t {
        format!("expired {}", time::relative(t, now))
    } else {
        format!("expires {}", time::relative(t, now))
    }
}

/// A value for a tab-separated column: `-` when absent, `""` when empty, terminal controls
/// (tabs and line breaks included, so no value forges a column or a row) escaped by the
/// one sanitiser, non-strings as JSON.
pub fn column(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "-".to_string(),
        Some(Value::String(s)) => escaped(s),
        Some(other) => escaped(&other.to_string()),
    }
}

fn escaped(text: &str) -> String {
    if text.is_empty() {
        "\"\"".to_string()
    } else {
        crate::io::sanitize::for_terminal(text).into_owned()
    }
}

/// How lines are laid out.
#[derive(Clone, Copy)]
struct Layout {
    json: bool,
    show_token: bool,
    /// Compute the SHA-256 of each token (for --json and --unique).
    fingerprint: bool,
}

/// A worker's output for one batch: the lines, and each line's fingerprint and extent.
#[derive(Default)]
struct Rendered {
    bytes: Vec<u8>,
    lines: Vec<([u8; 32], Range<usize>)>,
}

fn json_value(out: &mut Vec<u8>, value: Option<&Value>) {
    match value {
        Some(value) => serde_json::to_writer(&mut *out, value).unwrap_or_default(),
        None => out.extend_from_slice(b"null"),
    }
}

fn json_str(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(&mut *out, text).unwrap_or_default();
}

/// Appends one token's line (with its newline) to `out`.
fn render(
    out: &mut Rendered,
    located: &Located<'_>,
    name: &str,
    context: &Context,
    layout: Layout,
    totals: &Totals,
    buf: &mut Vec<u8>,
) {
    let (claims, check) = examine(located, context, totals, buf);
    let found = located.found;
    let kind = if found.kind == Kind::Jws {
        "JWS"
    } else {
        "JWE"
    };
    let status = match &claims {
        Some(claims) => exp_status(claims.exp.as_ref(), context.now),
        None if found.kind == Kind::Jwe && !matches!(check, Some(Verdict::Valid)) => {
            "encrypted".into()
        }
        None => "no claims".into(),
    };
    let claims = claims.unwrap_or_default();
    let sha256: [u8; 32] = if layout.fingerprint {
        sha2::Sha256::digest(located.text).into()
    } else {
        [0; 32]
    };
    let start = out.bytes.len();
    let o = &mut out.bytes;
    if layout.json {
        o.extend_from_slice(b"{\"file\":");
        json_str(o, name);
        let _ = write!(
            o,
            ",\"line\":{},\"offset\":{},\"type\":\"{kind}\",\"alg\":",
            located.line, located.offset
        );
        json_str(o, &found.alg);
        o.extend_from_slice(b",\"enc\":");
        match &found.enc {
            Some(enc) => json_str(o, enc),
            None => o.extend_from_slice(b"null"),
        }
        for (field, value) in [
            ("kid", &found.kid),
            ("iss", &claims.iss),
            ("sub", &claims.sub),
            ("exp", &claims.exp),
        ] {
            let _ = write!(o, ",\"{field}\":");
            json_value(o, value.as_ref());
        }
        o.extend_from_slice(b",\"exp_status\":");
        json_str(o, &status);
        let _ = write!(o, ",\"sha256\":\"{}\"", hex::encode(sha256));
        match &check {
            Some(Verdict::Valid) => o.extend_from_slice(b",\"valid\":true,\"error\":null"),
            Some(Verdict::Invalid(e)) => {
                o.extend_from_slice(b",\"valid\":false,\"error\":");
                json_str(o, e);
            }
            Some(Verdict::Skipped(why)) => {
                o.extend_from_slice(b",\"valid\":null,\"error\":null,\"skipped\":");
                json_str(o, why);
            }
            None => {}
        }
        if layout.show_token {
            o.extend_from_slice(b",\"token\":\"");
            o.extend_from_slice(located.text);
            o.push(b'"');
        }
        o.push(b'}');
    } else {
        let _ = write!(
            o,
            "{}:{}\t{kind}\t{}",
            crate::io::sanitize::for_terminal(name),
            located.line,
            escaped(&found.alg)
        );
        if let (Kind::Jwe, Some(enc)) = (found.kind, &found.enc) {
            let _ = write!(o, "/{}", escaped(enc));
        }
        for value in [&found.kid, &claims.iss, &claims.sub] {
            o.push(b'\t');
            o.extend_from_slice(column(value.as_ref()).as_bytes());
        }
        o.push(b'\t');
        o.extend_from_slice(status.as_bytes());
        match &check {
            Some(Verdict::Valid) => o.extend_from_slice(b"\tvalid"),
            Some(Verdict::Invalid(_)) => o.extend_from_slice(b"\tinvalid"),
            Some(Verdict::Skipped(_)) => o.extend_from_slice(b"\tskipped"),
            None => {}
        }
        if layout.show_token {
            o.push(b'\t');
            o.extend_from_slice(located.text);
        }
    }
    let end = out.bytes.len();
    out.bytes.push(b'\n');
    out.lines.push((sha256, start..end));
}

/// `jwtctl inspect --scan`.
pub fn run(args: &InspectArgs, global: &GlobalArgs) -> Result<()> {
    input::one_stdin_user(&[
        ("--scan", inputs_use_stdin(args)),
        ("--key", args.key.as_deref()),
        ("--verify-key", args.verify_key.as_deref()),
    ])?;
    let inputs = inputs(args)?;
    let context = load_context(args)?;
    let unique = args.unique;
    let layout = Layout {
        json: global.json,
        show_token: args.show_token,
        fingerprint: global.json || unique,
    };
    let totals = Totals::default();
    let mut folded: HashMap<[u8; 32], usize> = HashMap::new();
    let mut first: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut sink = |rendered: Rendered| -> Result<()> {
        if !unique {
            return write_out(&rendered.bytes);
        }
        for (sha256, range) in rendered.lines {
            match folded.get(&sha256) {
                Some(&at) => first[at].0 += 1,
                None => {
                    folded.insert(sha256, first.len());
                    first.push((1, rendered.bytes[range].to_vec()));
                }
            }
        }
        Ok(())
    };
    let result = pipeline(
        &inputs,
        threads(args.threads),
        args.token_input.max_token_size,
        &totals,
        |located, out: &mut Rendered| {
            thread_local! {
                static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            BUF.with_borrow_mut(|buf| {
                render(
                    out,
                    &located,
                    &inputs[located.input],
                    &context,
                    layout,
                    &totals,
                    buf,
                )
            });
        },
        &mut sink,
    );
    let closed = matches!(&result, Err(e) if is_broken_pipe(e));
    if !closed {
        result?;
    }
    if unique && !closed {
        let mut bytes = Vec::new();
        for (count, text) in &first {
            if layout.json {
                let _ = write!(bytes, "{{\"count\":{count},");
                bytes.extend_from_slice(&text[1..]);
            } else {
                let _ = write!(bytes, "{count}\t");
                bytes.extend_from_slice(text);
            }
            bytes.push(b'\n');
        }
        match write_out(&bytes) {
            Err(e) if is_broken_pipe(&e) => {}
            other => other?,
        }
    }
    summary_note(&totals, inputs.len(), unique.then_some(first.len()));
    pbes2_note(&totals, &context);
    unreadable(&totals, inputs.len())
}

/// Says (always: it changes what the listing means) how many PBES2 tokens were skipped.
fn pbes2_note(totals: &Totals, context: &Context) {
    let skipped = totals.pbes2_skipped.load(Ordering::Relaxed);
    if skipped == 0 {
        return;
    }
    let why = if context.password.is_none() {
        "they are tried only with the password of --password-file"
    } else {
        "the scan's PBES2 work reached --max-pbes2-work"
    };
    crate::io::output::note(&format!(
        "{skipped} PBES2 token{} not decrypted: {why}",
        if skipped == 1 { "" } else { "s" }
    ));
}

/// Writes to stdout in one call; a closed pipe is reported as an `io::Error` of kind
/// `BrokenPipe` so the scan can stop quietly.
pub fn write_out(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(anyhow::Error::new)
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// A summary on stderr when it is a terminal.
pub fn summary_note(totals: &Totals, inputs: usize, unique: Option<usize>) {
    if !io::stderr().is_terminal() {
        return;
    }
    let tokens = totals.tokens.load(Ordering::Relaxed);
    let mut note = format!(
        "scanned {} input{}, {} bytes: {} token{}",
        inputs,
        if inputs == 1 { "" } else { "s" },
        totals.bytes.load(Ordering::Relaxed),
        tokens,
        if tokens == 1 { "" } else { "s" },
    );
    if let Some(unique) = unique {
        note.push_str(&format!(" ({unique} distinct)"));
    }
    let skipped =
        totals.malformed.load(Ordering::Relaxed) + totals.oversized.load(Ordering::Relaxed);
    if skipped > 0 {
        note.push_str(&format!(
            "; {skipped} token-shaped string{} skipped (malformed or too long)",
            if skipped == 1 { "" } else { "s" }
        ));
    }
    crate::io::output::write_stderr(&format!("{note}\n"));
}

/// Exit 1 when an input could not be read (each was reported as it happened).
pub fn unreadable(totals: &Totals, inputs: usize) -> Result<()> {
    match totals.unreadable.load(Ordering::Relaxed) {
        0 => Ok(()),
        n => Err(error::runtime(format!(
            "{n} of {inputs} input{} could not be read",
            if inputs == 1 { "" } else { "s" }
        ))),
    }
}

/// An HS* token found by a scan, for `--wordlist --scan`: what to crack and where it was.
pub struct HsToken {
    pub sha256: [u8; 32],
    pub target: Option<Target>,
    pub input: usize,
    pub line: u64,
    pub offset: u64,
    pub alg: String,
    pub kid: Option<Value>,
    pub claims: Claims,
}

/// Collects the HS* tokens of a batch.
pub fn collect_hs(located: Located<'_>, out: &mut Vec<HsToken>) {
    let found = located.found;
    if found.kind != Kind::Jws || crate::bulk::crack::Hash::for_alg(&found.alg).is_none() {
        return;
    }
    let text = located.text;
    let Some(last_dot) = memchr::memrchr(b'.', text) else {
        return;
    };
    let Ok(mac) = URL_SAFE_NO_PAD.decode(&text[last_dot + 1..]) else {
        return;
    };
    let mut buf = Vec::new();
    out.push(HsToken {
        sha256: sha2::Sha256::digest(text).into(),
        target: Target::new(&found.alg, &text[..last_dot], &mac),
        input: located.input,
        line: located.line,
        offset: located.offset,
        alg: found.alg.clone(),
        kid: found.kid.clone(),
        claims: payload_claims(payload_part(text), &mut buf).unwrap_or_default(),
    });
}
