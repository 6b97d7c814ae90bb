//! `jwtctl inspect --scan`: every token in logs, one line (or JSON Line) per token.
//!
//! The calling thread reads and finds candidates (`crate::scan`); batches of candidates go
//! to worker threads, which parse them strictly and render their lines; a writer thread
//! puts the batches back in input order. Memory is bounded by the read buffer, the
//! longest token and a few batches in flight (plus the distinct tokens with `--unique`).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

use anyhow::Result;
use serde_json::{Map, Value, json};
use sha2::Digest;

use crate::cli::{GlobalArgs, InspectArgs};
use crate::crack::Target;
use crate::error;
use crate::files;
use crate::input;
use crate::keys::{self, KeySet};
use crate::scan::{self, Scanner};
use crate::time;
use crate::token::{self, Compact, Kind};
use crate::trust::{self, Policy};

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

/// The worker thread count: `--threads`, else every core.
pub fn threads(requested: Option<usize>) -> usize {
    requested
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Candidates from one input, with their text laid end to end.
pub struct Batch {
    pub input: usize,
    items: Vec<(u64, u64, Range<usize>)>,
    text: Vec<u8>,
}

/// A token as the workers pass it on: where it was first seen, its fingerprint.
pub struct Located<'a> {
    pub input: usize,
    pub line: u64,
    pub offset: u64,
    pub text: &'a str,
    pub token: Compact,
}

/// Counts over a whole scan.
#[derive(Default)]
pub struct Totals {
    pub bytes: AtomicU64,
    pub tokens: AtomicU64,
    pub malformed: AtomicU64,
    pub unreadable: AtomicU64,
}

/// Scans `inputs` on `threads` workers: each worker maps a batch's tokens with `work`; the
/// results reach `sink` in input order. Inputs that cannot be read are reported on stderr
/// and counted; the others are still scanned. A failing `sink` stops the scan.
pub fn pipeline<R: Send>(
    inputs: &[String],
    threads: usize,
    max_token: usize,
    totals: &Totals,
    work: impl Fn(Located<'_>) -> R + Sync,
    sink: &mut (impl FnMut(Vec<R>) -> Result<()> + Send),
) -> Result<()> {
    let threads = threads.max(1);
    let read_size = std::env::var(READ_SIZE_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(scan::DEFAULT_BUFFER);
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Batch)>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<(usize, Vec<R>)>(threads * 2);
    let stopped = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stopped = &stopped;
        for _ in 0..threads {
            let (work_rx, done_tx, work) = (&work_rx, done_tx.clone(), &work);
            scope.spawn(move || {
                loop {
                    let Ok(Ok((seq, batch))) = work_rx.lock().map(|rx| rx.recv()) else {
                        break;
                    };
                    // After a stop, keep draining so the reader never blocks on a full queue.
                    if stopped.load(Ordering::Relaxed) {
                        continue;
                    }
                    let results = run_batch(&batch, max_token, totals, work);
                    if done_tx.send((seq, results)).is_err() {
                        stopped.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
        drop(done_tx);
        let writer = scope.spawn(move || {
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for (seq, results) in done_rx {
                waiting.insert(seq, results);
                while let Some(results) = waiting.remove(&next) {
                    next += 1;
                    if let Err(e) = sink(results) {
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
                }
                Err(_) if stopped.load(Ordering::Relaxed) => break,
                Err(e) => {
                    totals.unreadable.fetch_add(1, Ordering::Relaxed);
                    eprintln!("error: cannot read {}: {}", shown_name(name), error::one_line(&e));
                }
            }
        }
        drop(work_tx);
        writer.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the writer failed")))
    })
}

fn new_batch(input: usize) -> Batch {
    Batch {
        input,
        items: Vec::with_capacity(BATCH_ITEMS),
        text: Vec::new(),
    }
}

/// Opens an input (`-` is stdin) and hands it to `scan`.
fn read_input(name: &str, scan: impl FnOnce(&mut dyn io::Read) -> Result<scan::Stats>) -> Result<scan::Stats> {
    if name == "-" {
        return scan(&mut io::stdin().lock());
    }
    let mut file = File::open(name).map_err(|e| error::runtime(files::io_reason(&e)))?;
    scan(&mut file).map_err(|e| match e.downcast_ref::<io::Error>() {
        Some(io) => error::runtime(files::io_reason(io)),
        None => e,
    })
}

/// The name of an input as shown: `-` for stdin, the path as given otherwise.
pub fn shown_name(name: &str) -> &str {
    name
}

fn run_batch<R>(
    batch: &Batch,
    max_token: usize,
    totals: &Totals,
    work: &impl Fn(Located<'_>) -> R,
) -> Vec<R> {
    let mut results = Vec::with_capacity(batch.items.len());
    for (line, offset, range) in &batch.items {
        let candidate = &batch.text[range.clone()];
        let (found, malformed) = scan::tokens_in(candidate, max_token);
        totals.malformed.fetch_add(malformed as u64, Ordering::Relaxed);
        totals.tokens.fetch_add(found.len() as u64, Ordering::Relaxed);
        for found in found {
            let text = std::str::from_utf8(&candidate[found.range.clone()]).unwrap_or("");
            results.push(work(Located {
                input: batch.input,
                line: *line,
                offset: offset + found.range.start as u64,
                text,
                token: found.token,
            }));
        }
    }
    results
}

/// What `--scan` shows of one token.
struct Summary {
    kind: &'static str,
    alg: Option<String>,
    enc: Option<String>,
    kid: Option<Value>,
    iss: Option<Value>,
    sub: Option<Value>,
    exp: Option<Value>,
    exp_status: String,
    /// With `--key`: Ok, or the reason it failed.
    check: Option<Result<(), String>>,
}

/// The keys of `--key` and `--verify-key`, and "now".
pub struct Context {
    pub now: i64,
    pub keys: Option<KeySet>,
    pub inner_keys: Option<KeySet>,
}

fn summarize(token: &Compact, context: &Context) -> Summary {
    let mut claims = match token.kind {
        Kind::Jws => token::parse_json_object(token.payload().unwrap_or_default(), "payload").ok(),
        Kind::Jwe => None,
    };
    let check = context.keys.as_ref().map(|keys| {
        let policy = Policy {
            ignore_times: true,
            now: context.now,
            max_p2c: crate::gate::DEFAULT_MAX_P2C,
            max_inflate: crate::gate::DEFAULT_MAX_INFLATE,
            ..Policy::default()
        };
        let result = match token.kind {
            Kind::Jws => trust::verify_jws(token, keys, &policy),
            Kind::Jwe => trust::decrypt_jwe(token, keys, &policy, context.inner_keys.as_ref(), true),
        };
        match result {
            Ok(verified) => {
                if token.kind == Kind::Jwe {
                    claims = verified.claims;
                }
                Ok(())
            }
            Err(e) => Err(error::one_line(&e)),
        }
    });
    let decrypted = token.kind == Kind::Jws || matches!(check, Some(Ok(())));
    let exp_status = match &claims {
        None if !decrypted => "encrypted".to_string(),
        None => "no claims".to_string(),
        Some(claims) => exp_status(claims.get("exp"), context.now),
    };
    let claim = |name: &str| claims.as_ref().and_then(|c| c.get(name)).cloned();
    Summary {
        kind: if token.kind == Kind::Jws { "JWS" } else { "JWE" },
        alg: token.alg().map(str::to_string),
        enc: token.enc().map(str::to_string),
        kid: token.header.get("kid").cloned(),
        iss: claim("iss"),
        sub: claim("sub"),
        exp: claim("exp"),
        exp_status,
        check,
    }
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

/// A value for a tab-separated column: `-` when absent, control characters escaped.
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
    } else if text.chars().any(char::is_control) {
        text.escape_debug().to_string()
    } else {
        text.to_string()
    }
}

/// One token's output line (without its newline), and its fingerprint.
struct Line {
    sha256: [u8; 32],
    text: Vec<u8>,
}

/// How lines are laid out.
#[derive(Clone, Copy)]
struct Layout {
    json: bool,
    show_token: bool,
}

fn render(found: &Located<'_>, name: &str, summary: &Summary, layout: Layout) -> Line {
    let sha256: [u8; 32] = sha2::Sha256::digest(found.text.as_bytes()).into();
    if layout.json {
        let mut doc = Map::new();
        doc.insert("file".into(), json!(name));
        doc.insert("line".into(), json!(found.line));
        doc.insert("offset".into(), json!(found.offset));
        doc.insert("type".into(), json!(summary.kind));
        doc.insert("alg".into(), json!(summary.alg));
        doc.insert("enc".into(), json!(summary.enc));
        doc.insert("kid".into(), summary.kid.clone().unwrap_or(Value::Null));
        doc.insert("iss".into(), summary.iss.clone().unwrap_or(Value::Null));
        doc.insert("sub".into(), summary.sub.clone().unwrap_or(Value::Null));
        doc.insert("exp".into(), summary.exp.clone().unwrap_or(Value::Null));
        doc.insert("exp_status".into(), json!(summary.exp_status));
        doc.insert("sha256".into(), json!(hex::encode(sha256)));
        if let Some(check) = &summary.check {
            doc.insert("valid".into(), json!(check.is_ok()));
            doc.insert("error".into(), json!(check.as_ref().err()));
        }
        if layout.show_token {
            doc.insert("token".into(), json!(found.text));
        }
        let text = serde_json::to_vec(&Value::Object(doc)).unwrap_or_default();
        return Line { sha256, text };
    }
    let alg = match (&summary.alg, &summary.enc) {
        (Some(alg), Some(enc)) if summary.kind == "JWE" => format!("{}/{}", escaped(alg), escaped(enc)),
        (Some(alg), _) => escaped(alg),
        (None, _) => "-".to_string(),
    };
    let mut columns = vec![
        format!("{}:{}", name, found.line),
        summary.kind.to_string(),
        alg,
        column(summary.kid.as_ref()),
        column(summary.iss.as_ref()),
        column(summary.sub.as_ref()),
        summary.exp_status.clone(),
    ];
    if let Some(check) = &summary.check {
        columns.push(if check.is_ok() { "valid" } else { "invalid" }.to_string());
    }
    if layout.show_token {
        columns.push(found.text.to_string());
    }
    Line {
        sha256,
        text: columns.join("\t").into_bytes(),
    }
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
    let layout = Layout {
        json: global.json,
        show_token: args.show_token,
    };
    let names: Vec<String> = inputs.iter().map(|n| shown_name(n).to_string()).collect();
    let totals = Totals::default();
    let unique = args.unique;
    let mut folded: HashMap<[u8; 32], usize> = HashMap::new();
    let mut first: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut out = io::stdout();
    let mut sink = |lines: Vec<Line>| -> Result<()> {
        if unique {
            for line in lines {
                match folded.get(&line.sha256) {
                    Some(&at) => first[at].0 += 1,
                    None => {
                        folded.insert(line.sha256, first.len());
                        first.push((1, line.text));
                    }
                }
            }
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
        for line in lines {
            bytes.extend_from_slice(&line.text);
            bytes.push(b'\n');
        }
        write_out(&mut out, &bytes)
    };
    let result = pipeline(
        &inputs,
        threads(args.threads.map(|n| n as usize)),
        args.token_input.max_token_size,
        &totals,
        |found| {
            let summary = summarize(&found.token, &context);
            render(&found, &names[found.input], &summary, layout)
        },
        &mut sink,
    );
    let stopped = matches!(&result, Err(e) if is_broken_pipe(e));
    if !stopped {
        result?;
    }
    if unique && !stopped {
        let mut bytes = Vec::new();
        for (count, text) in &first {
            if layout.json {
                bytes.extend_from_slice(format!("{{\"count\":{count},").as_bytes());
                bytes.extend_from_slice(&text[1..]);
            } else {
                bytes.extend_from_slice(format!("{count}\t").as_bytes());
                bytes.extend_from_slice(text);
            }
            bytes.push(b'\n');
        }
        match write_out(&mut io::stdout(), &bytes) {
            Err(e) if is_broken_pipe(&e) => {}
            other => other?,
        }
    }
    summary_note(&totals, inputs.len(), unique.then_some(first.len()));
    unreadable(&totals, inputs.len())
}

/// The stdin use of the scan inputs, for the one-stdin-user check.
pub fn inputs_use_stdin(args: &InspectArgs) -> Option<&'static str> {
    let named = args.token.iter().chain(args.scan.iter().flatten());
    let none = args.token.is_none() && args.scan.as_ref().is_none_or(Vec::is_empty);
    if none || named.into_iter().any(|n| n == "-") {
        Some("-")
    } else {
        None
    }
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
    Ok(Context {
        now,
        keys,
        inner_keys,
    })
}

/// Writes to stdout; a closed pipe stops the scan quietly.
pub fn write_out(out: &mut io::Stdout, bytes: &[u8]) -> Result<()> {
    let mut lock = out.lock();
    lock.write_all(bytes)
        .and_then(|()| lock.flush())
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
    let malformed = totals.malformed.load(Ordering::Relaxed);
    if malformed > 0 {
        note.push_str(&format!(", {malformed} token-shaped strings skipped (malformed)"));
    }
    eprintln!("{note}");
}

/// Exit 1 when an input could not be read (each was reported as it happened).
pub fn unreadable(totals: &Totals, inputs: usize) -> Result<()> {
    match totals.unreadable.load(Ordering::Relaxed) {
        0 => Ok(()),
        n => Err(error::runtime(format!("{n} of {inputs} inputs could not be read"))),
    }
}

/// A token found by a scan, for `--wordlist --scan`: an HS* target and where it was.
pub struct HsToken {
    pub sha256: [u8; 32],
    pub target: Option<Target>,
    pub input: usize,
    pub line: u64,
    pub offset: u64,
    pub alg: String,
    pub kid: Option<Value>,
    pub iss: Option<Value>,
    pub sub: Option<Value>,
}

/// The HS* token in `found`, if it is one.
pub fn hs_token(found: Located<'_>) -> Option<HsToken> {
    let token = &found.token;
    let alg = token.alg()?;
    crate::crack::Hash::for_alg(alg)?;
    let input = token.signing_input()?;
    let target = Target::new(alg, input.as_bytes(), token.decoded.get(1)?);
    let claims = token::parse_json_object(token.payload().unwrap_or_default(), "payload").ok();
    let claim = |name: &str| claims.as_ref().and_then(|c| c.get(name)).cloned();
    Some(HsToken {
        sha256: sha2::Sha256::digest(found.text.as_bytes()).into(),
        target,
        input: found.input,
        line: found.line,
        offset: found.offset,
        alg: alg.to_string(),
        kid: token.header.get("kid").cloned(),
        iss: claim("iss"),
        sub: claim("sub"),
    })
}
