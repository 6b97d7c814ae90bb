//! `jwtctl inspect --scan`: every token in logs, one line (or JSON Line) per token.
//!
//! The calling thread reads and finds candidates (`crate::bulk::finder`); batches of candidates go
//! to the workers of `crate::bulk::pipeline`, which cut them into tokens and render their
//! lines (`row`, after the checks of `check`); a writer thread puts the batches back in
//! input order. Memory is bounded by the read buffer, the
//! longest token and a few batches in flight (plus the distinct tokens with `--unique`).
//! Without `--key` a token is never built whole: the header members come from the scanner
//! and only the payload is decoded, for `iss`, `sub` and `exp`.

mod check;
mod row;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::Digest;

use crate::bulk::crack::Target;
use crate::bulk::finder::{self, Scanner, Scratch};
use crate::bulk::json_finder;
use crate::bulk::pipeline::{self, Feeder, Order};
use crate::bulk::progress::{self, Progress};
use crate::cli::{GlobalArgs, InspectArgs};
use crate::error;
use crate::io::files;
use crate::io::input;
use crate::jose::token::Kind;

pub use check::{Claims, payload_claims};
use check::{Context, load_context, payload_part};
pub use row::column;
use row::{Layout, Rendered, render};

/// A batch is sent to the workers at this many candidates or bytes of candidate text.
const BATCH_ITEMS: usize = 256;
const BATCH_BYTES: usize = 256 * 1024;

/// Environment variable (for tests) that sets the read size of the scanner.
const READ_SIZE_VAR: &str = "JWTCTL_SCAN_READ_SIZE";

/// The inputs named by `--scan FILE…` (and TOKEN, taken as one more FILE); stdin when none.
/// A directory stands for the regular files under it, walked recursively in name order;
/// symlinks inside it are not followed (a named symlink is, as grep -r does).
pub fn inputs(args: &InspectArgs) -> Result<Vec<String>> {
    let mut inputs: Vec<String> = Vec::new();
    let mut named = false;
    for name in args.token.iter().chain(args.scan.iter().flatten()) {
        named = true;
        if name != "-" && std::path::Path::new(name).is_dir() {
            walk(std::path::Path::new(name), &mut inputs);
        } else {
            inputs.push(name.clone());
        }
    }
    if !named {
        if io::stdin().is_terminal() {
            return Err(error::usage(
                "no input to scan: name FILEs after --scan, or pipe text to stdin",
            ));
        }
        inputs.push("-".to_string());
    }
    Ok(inputs)
}

/// The regular files under `dir`, recursively, in name order. Symlinks are skipped (a loop
/// or a link out of the tree is never followed); an unreadable directory is reported and
/// passed over, as an unreadable file is.
fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            crate::io::output::write_stderr(&format!(
                "error: cannot read {}: {}\n",
                crate::io::sanitize::for_terminal(&dir.display().to_string()),
                files::io_reason(&e)
            ));
            return;
        }
    };
    let mut paths: Vec<std::path::PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, out);
        } else if meta.is_file() {
            out.push(path.display().to_string());
        }
    }
}

/// Input that starts with the gzip magic bytes is read through a gzip decoder (every
/// member, as `zcat` does); anything else as it is.
fn maybe_gzip<'a>(reader: &'a mut dyn io::Read) -> io::Result<Box<dyn io::Read + 'a>> {
    let mut buffered = io::BufReader::with_capacity(64 * 1024, reader);
    let head = io::BufRead::fill_buf(&mut buffered)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(flate2::bufread::MultiGzDecoder::new(buffered)))
    } else {
        Ok(Box::new(buffered))
    }
}

/// The stdin use of the scan inputs, for the one-stdin-user check.
pub fn inputs_use_stdin(args: &InspectArgs) -> Option<&'static str> {
    let none = args.token.is_none() && args.scan.as_ref().is_none_or(Vec::is_empty);
    let named = args.token.iter().chain(args.scan.iter().flatten());
    (none || named.into_iter().any(|n| n == "-")).then_some("-")
}

/// Candidates from one input, with their text laid end to end.
struct Batch {
    input: usize,
    /// (line, offset, text, whether it is a line candidate for JSON tokens)
    items: Vec<(u64, u64, Range<usize>, bool)>,
    text: Vec<u8>,
}

impl pipeline::Block for Batch {
    fn units(&self) -> usize {
        self.items.len()
    }
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

/// Scans `inputs` with `threads` workers (`crate::bulk::pipeline`). A worker runs `work`
/// on each token of a batch, collecting into a fresh `A`; the `A`s reach `sink` in input
/// order. An input that cannot be read is reported on stderr and counted, and the others
/// are still scanned. A failing `sink` stops the scan and its error is returned.
pub fn pipeline<A: Default + Send>(
    inputs: &[String],
    threads: usize,
    max_token: usize,
    totals: &Totals,
    work: impl Fn(Located<'_>, &mut A) + Sync,
    sink: &mut (impl FnMut(A) -> Result<()> + Send),
) -> Result<()> {
    let read_size = std::env::var(READ_SIZE_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(finder::DEFAULT_BUFFER);
    // The ETA needs every input's size: none when one is a pipe.
    let total = inputs.iter().map(|name| progress::file_size(name)).sum();
    let progress = Progress::on_terminal("tokens", total);
    pipeline::run_shown(
        &progress,
        threads,
        Order::Input,
        |feeder| {
            let scanner = Scanner::new(read_size, max_token);
            read_inputs(inputs, scanner, totals, &progress, feeder);
            Ok(())
        },
        |scratch: &mut Scratch, batch: Batch| {
            run_batch(&batch, max_token, totals, &progress, scratch, &work)
        },
        sink,
    )
}

/// A reader that counts what it reads into the progress (once per read of the file, not
/// per token; for a gzip file, the compressed bytes, as its size is).
struct Counted<'a, R> {
    inner: R,
    progress: &'a Progress,
}

impl<R: io::Read> io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.read(n as u64);
        Ok(n)
    }
}

/// Finds the candidates of every input and hands them to the workers in batches, until
/// the inputs end or the pipeline stops.
fn read_inputs(
    inputs: &[String],
    mut scanner: Scanner,
    totals: &Totals,
    progress: &Progress,
    feeder: &mut Feeder<'_, Batch>,
) {
    for (index, name) in inputs.iter().enumerate() {
        if feeder.stopped() {
            break;
        }
        progress.input(name);
        let mut batch = new_batch(index);
        let scanned = read_input(name, progress, |reader| {
            scanner.scan(reader, |candidate| {
                let start = batch.text.len();
                batch.text.extend_from_slice(candidate.text);
                batch.items.push((
                    candidate.line,
                    candidate.offset,
                    start..batch.text.len(),
                    candidate.json,
                ));
                if batch.items.len() >= BATCH_ITEMS || batch.text.len() >= BATCH_BYTES {
                    feeder.send(std::mem::replace(&mut batch, new_batch(index)))?;
                }
                Ok(())
            })
        });
        if !batch.items.is_empty() && feeder.send(batch).is_err() {
            break;
        }
        match scanned {
            Ok(stats) => {
                totals.bytes.fetch_add(stats.bytes, Ordering::Relaxed);
                totals
                    .oversized
                    .fetch_add(stats.oversized, Ordering::Relaxed);
            }
            Err(_) if feeder.stopped() => break,
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
}

/// Opens an input (`-` is stdin) and hands it to `scan`.
fn read_input(
    name: &str,
    progress: &Progress,
    scan: impl FnOnce(&mut dyn io::Read) -> Result<finder::Stats>,
) -> Result<finder::Stats> {
    let io_error = |e: io::Error| error::runtime(files::io_reason(&e));
    if name == "-" {
        let inner = io::stdin().lock();
        let mut stdin = Counted { inner, progress };
        return scan(&mut maybe_gzip(&mut stdin).map_err(io_error)?);
    }
    let inner = File::open(name).map_err(io_error)?;
    let mut file = Counted { inner, progress };
    let mut reader = maybe_gzip(&mut file).map_err(io_error)?;
    scan(&mut reader).map_err(|e| match e.root_cause().downcast_ref::<io::Error>() {
        Some(io) => error::runtime(files::io_reason(io)),
        None => e,
    })
}

fn run_batch<A: Default>(
    batch: &Batch,
    max_token: usize,
    totals: &Totals,
    progress: &Progress,
    scratch: &mut Scratch,
    work: &impl Fn(Located<'_>, &mut A),
) -> A {
    let mut done = A::default();
    let mut tokens = 0;
    let mut malformed = 0;
    for (line, offset, range, json) in &batch.items {
        let candidate = &batch.text[range.clone()];
        if *json {
            malformed += json_finder::tokens_in_line(candidate, max_token, |json| {
                tokens += 1;
                let located = Located {
                    input: batch.input,
                    line: *line,
                    offset: offset + json.at as u64,
                    text: json.text,
                    found: &json.found,
                };
                work(located, &mut done);
            });
            continue;
        }
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
    progress.add(tokens);
    totals
        .malformed
        .fetch_add(malformed as u64, Ordering::Relaxed);
    done
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
        check: context.keys.is_some() || context.password.is_some(),
    };
    if row::wants_header(layout.json, io::stdout().is_terminal()) {
        write_out(row::header(layout, unique).as_bytes())?;
    }
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
        pipeline::threads(args.threads.threads),
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
    unreadable(&totals, inputs.len())?;
    if args.fail_if_none && totals.tokens.load(Ordering::Relaxed) == 0 {
        // As grep: nothing found is exit 1 (a runtime outcome, not malformed input).
        return Err(error::runtime(format!(
            "no token found in {} input{}",
            inputs.len(),
            if inputs.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(())
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
    // A JSON-serialized token is not cracked (its signing input is not its text).
    if found.form.is_some()
        || found.kind != Kind::Jws
        || crate::bulk::crack::Hash::for_alg(&found.alg).is_none()
    {
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
