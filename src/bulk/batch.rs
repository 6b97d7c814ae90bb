//! Line-at-a-time work on all cores, in input order: `issue --batch`, `verify --batch`,
//! `decrypt --batch`. Input is read in blocks of lines; each block goes to whichever worker
//! is free and is written back in order, so memory stays bounded by the block size.
//!
//! Every input line, whatever it holds (blank, over-long, not UTF-8), gets exactly one
//! output line, so output line N always answers input line N.

use std::io::{BufRead, Read, Write};
use std::ops::Range;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::bulk::pipeline::{self, Feeder, Order};
use crate::bulk::progress::Progress;
use crate::error::{self, Class};

// Blocks are sized to take about BLOCK_TIME of one worker's time, as measured on the blocks
// before: handing a block over costs tens of microseconds, which must stay small next to
// HS256's ~1 µs lines, while slow lines (an RS256 sign takes ~0.8 ms) must still spread
// evenly instead of leaving one thread with the last big block.
const BLOCK_TIME: Duration = Duration::from_millis(4);
/// The fewest lines in a block; also the first block's size, before anything is measured.
const MIN_BLOCK_LINES: usize = 8;
/// The most lines in a block, which bounds memory.
const MAX_BLOCK_LINES: usize = 4 * 1024;
/// A block stops taking lines once it holds this many bytes: with long lines, the line
/// count alone would let a block grow to gigabytes.
const MAX_BLOCK_BYTES: usize = 4 * 1024 * 1024;

/// The longest line accepted; longer ones are reported, not buffered without limit.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// A line longer than [`MAX_LINE_BYTES`]: it was not buffered, only counted.
#[derive(Debug, Clone, Copy)]
pub struct TooLong;

impl TooLong {
    pub fn error(self) -> anyhow::Error {
        error::malformed(format!("the line is longer than {MAX_LINE_BYTES} bytes"))
    }
}

/// A failed line: its class, and a message for stderr (None when the output line carries it).
pub struct Failed {
    pub class: Class,
    pub stderr: Option<String>,
}

impl Failed {
    pub fn new(class: Class, stderr: Option<String>) -> Failed {
        Failed { class, stderr }
    }
}

/// Appends `value` as one JSON line to a block's output. Serialising a JSON value or one of
/// this crate's documents into memory cannot fail (every map key is a string); were it to,
/// the line would still get its answer, `null`, rather than half a document.
pub fn json_line(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
    out.push(b'\n');
}

/// How a batch went: lines read, lines failed, and the first failure's line and class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    pub failed: usize,
    pub first: Option<(usize, Class)>,
}

impl Summary {
    /// Ok when every line passed; else an error of the first failure's class that counts them.
    pub fn into_result(self) -> Result<()> {
        match self.first {
            None => Ok(()),
            Some((line, class)) => Err(error::of_class(
                class,
                format!(
                    "{} of {} line{} failed; first: line {line}",
                    self.failed,
                    self.lines,
                    if self.lines == 1 { "" } else { "s" }
                ),
            )),
        }
    }
}

/// A block of lines, read into one buffer: line `first + i` is `text[lines[i]]` (None: too
/// long, not kept). One buffer a block, not one a line: allocating and freeing on different
/// threads would cost more than most lines' work.
struct Lines {
    first: usize,
    text: Vec<u8>,
    lines: Vec<Option<Range<usize>>>,
}

impl pipeline::Block for Lines {
    fn units(&self) -> usize {
        self.lines.len()
    }
}

/// Emptied block buffers, kept for the next blocks. A block's buffers run to megabytes, and
/// the allocator hands freed ones of that size back to the kernel: fresh ones would cost a
/// page fault every 4 KiB of every block.
struct Spare {
    buffers: Mutex<Vec<Vec<u8>>>,
    /// The most kept: more would only wait, as a block in flight holds its own.
    kept: usize,
}

impl Spare {
    /// A buffer grown past this (a block of very long lines) is let go, not kept.
    const MAX_KEPT_BYTES: usize = 4 * MAX_BLOCK_BYTES;

    /// Room for a buffer per worker, and for the reader's or the sink's.
    fn for_threads(threads: usize) -> Spare {
        Spare {
            buffers: Mutex::new(Vec::new()),
            kept: threads + 2,
        }
    }

    /// An empty buffer, a spare one when there is one.
    fn take(&self) -> Vec<u8> {
        self.buffers
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default()
    }

    fn give(&self, mut buffer: Vec<u8>) {
        if buffer.capacity() > Self::MAX_KEPT_BYTES {
            return;
        }
        buffer.clear();
        if let Ok(mut spare) = self.buffers.lock()
            && spare.len() < self.kept
        {
            spare.push(buffer);
        }
    }
}

/// What a block produced: its output lines, one buffer, and the failures (line, why).
struct Written {
    text: Vec<u8>,
    lines: usize,
    failures: Vec<(usize, Failed)>,
}

/// Runs `work(line_number, line, out)` over every line of `input` on `threads` workers.
/// `work` appends the line's output (with its newline) to `out` and says whether the line
/// failed; outputs reach `out` in input order and failure messages (`error: line N: …`)
/// stderr. Reading, working and writing overlap (`crate::bulk::pipeline`): the caller's
/// thread reads, a writer thread puts blocks back in order. `progress` counts the lines
/// and the bytes read (shown on a terminal).
pub fn run<F>(
    mut input: impl BufRead,
    out: impl Write + Send,
    threads: usize,
    progress: &Progress,
    work: F,
) -> Result<Summary>
where
    F: Fn(usize, Result<&[u8], TooLong>, &mut Vec<u8>) -> Option<Failed> + Sync,
{
    // Input buffers go from the reader to a worker and back; output buffers from a worker
    // to the sink and back.
    let (inputs, outputs) = (Spare::for_threads(threads), Spare::for_threads(threads));
    let mut writer = InOrder {
        out,
        spare: &outputs,
        summary: Summary {
            lines: 0,
            failed: 0,
            first: None,
        },
        closed: false,
    };
    pipeline::run_shown(
        progress,
        threads,
        Order::Input,
        |feeder| read_blocks(&mut input, feeder, progress, &inputs),
        |_: &mut (), block: Lines| {
            // About what a line's answer takes (a verify verdict is ~3× its token), so the
            // buffer rarely grows.
            let mut text = outputs.take();
            text.reserve(block.text.len() * 4 + 64 * block.lines.len());
            let mut failures = Vec::new();
            for (i, range) in block.lines.iter().enumerate() {
                let n = block.first + i;
                let line = range.clone().map(|r| &block.text[r]).ok_or(TooLong);
                if let Some(failed) = work(n, line, &mut text) {
                    failures.push((n, failed));
                }
            }
            progress.add(block.lines.len() as u64);
            inputs.give(block.text);
            Written {
                text,
                lines: block.lines.len(),
                failures,
            }
        },
        &mut |written| writer.write(written),
    )?;
    writer.out.flush().ok();
    Ok(writer.summary)
}

/// Reads numbered lines in blocks sized to the measured work and hands them to the workers.
fn read_blocks(
    input: &mut impl BufRead,
    feeder: &mut Feeder<'_, Lines>,
    progress: &Progress,
    spare: &Spare,
) -> Result<()> {
    let mut line_number = 0;
    loop {
        let size = feeder.units_in(BLOCK_TIME, MIN_BLOCK_LINES, MAX_BLOCK_LINES);
        let mut block = Lines {
            first: line_number + 1,
            text: spare.take(),
            lines: Vec::with_capacity(size),
        };
        // The bytes of the block's lines (line ends included; not those of the rest of an
        // over-long line), counted once per block.
        let mut bytes = 0u64;
        while block.lines.len() < size && block.text.len() < MAX_BLOCK_BYTES {
            let start = block.text.len();
            let read = input
                .by_ref()
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut block.text)
                .context("cannot read stdin")?;
            if read == 0 {
                break;
            }
            bytes += read as u64;
            line_number += 1;
            if read > MAX_LINE_BYTES && block.text.last() != Some(&b'\n') {
                block.text.truncate(start);
                skip_rest_of_line(input)?;
                block.lines.push(None);
                continue;
            }
            let mut end = block.text.len();
            while end > start && matches!(block.text[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            block.lines.push(Some(start..end));
        }
        progress.read(bytes);
        if block.lines.is_empty() || feeder.send(block).is_err() {
            return Ok(());
        }
    }
}

fn skip_rest_of_line(input: &mut impl BufRead) -> Result<()> {
    let mut rest = Vec::new();
    loop {
        rest.clear();
        let n = input
            .by_ref()
            .take(64 * 1024)
            .read_until(b'\n', &mut rest)
            .context("cannot read stdin")?;
        if n == 0 || rest.last() == Some(&b'\n') {
            return Ok(());
        }
    }
}

/// The sink: writes finished blocks (they come in input order) and counts failures,
/// reporting them on stderr.
struct InOrder<'s, W> {
    out: W,
    /// Where written blocks' buffers go back to.
    spare: &'s Spare,
    summary: Summary,
    /// stdout was closed (`| head`): keep counting so the workers finish, but write no more.
    closed: bool,
}

impl<W: Write> InOrder<'_, W> {
    fn write(&mut self, written: Written) -> Result<()> {
        let summary = &mut self.summary;
        summary.lines += written.lines;
        for (n, failed) in written.failures {
            summary.failed += 1;
            summary.first.get_or_insert((n, failed.class));
            if let Some(message) = failed.stderr {
                crate::io::output::error_line(&format!("line {n}: {message}"));
            }
        }
        if self.closed {
            return Ok(());
        }
        let wrote = self.out.write_all(&written.text);
        self.spare.give(written.text);
        if let Err(e) = wrote {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e).context("cannot write to stdout");
            }
            self.closed = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_lines_are_shared_between_the_workers() {
        // 64 lines of 2 ms each on 2 threads: with blocks sized to the work, both threads
        // take part (one 64-line block would leave the other idle).
        let input: String = (1..=64).map(|i| format!("{i}\n")).collect();
        let workers = Mutex::new(std::collections::HashSet::new());
        run(
            input.as_bytes(),
            Vec::new(),
            2,
            &Progress::hidden(),
            |_, _, _| {
                std::thread::sleep(Duration::from_millis(2));
                workers.lock().unwrap().insert(std::thread::current().id());
                None
            },
        )
        .unwrap();
        assert_eq!(workers.into_inner().unwrap().len(), 2);
    }

    #[test]
    fn output_keeps_input_order_across_threads_and_counts_failures() {
        let input: String = (1..=40_000).map(|i| format!("{i}\r\n")).collect();
        let mut out = Vec::new();
        let summary = run(
            input.as_bytes(),
            &mut out,
            3,
            &Progress::hidden(),
            |n, line, out| {
                let text = std::str::from_utf8(line.unwrap()).unwrap();
                assert_eq!(text, n.to_string());
                if n % 10_000 == 0 {
                    out.push(b'\n');
                    Some(Failed::new(Class::ClaimsRejected, None))
                } else {
                    out.extend_from_slice(format!("<{text}>\n").as_bytes());
                    None
                }
            },
        )
        .unwrap();
        assert_eq!(
            summary,
            Summary {
                lines: 40_000,
                failed: 4,
                first: Some((10_000, Class::ClaimsRejected))
            }
        );
        let out = String::from_utf8(out).unwrap();
        let expected: String = (1..=40_000)
            .map(|i| {
                if i % 10_000 == 0 {
                    "\n".to_string()
                } else {
                    format!("<{i}>\n")
                }
            })
            .collect();
        assert_eq!(out, expected);
        assert_eq!(
            error::one_line(&summary.into_result().unwrap_err()),
            "4 of 40000 lines failed; first: line 10000"
        );
    }

    #[test]
    fn spare_buffers_come_back_empty_and_only_so_many() {
        let spare = Spare::for_threads(2);
        assert_eq!(spare.take().capacity(), 0, "none yet: a new one");
        // An oversized one is let go even with room to keep it.
        spare.give(Vec::with_capacity(Spare::MAX_KEPT_BYTES + 1));
        for _ in 0..6 {
            spare.give(b"old output".repeat(100));
        }
        let kept: Vec<Vec<u8>> = std::iter::repeat_with(|| spare.take())
            .take_while(|b| b.capacity() > 0)
            .collect();
        // One a worker, and one more each for the reader and the sink; the rest let go.
        assert_eq!(kept.len(), 2 + 2);
        assert!(
            kept.iter()
                .all(|b| b.is_empty() && (1000..=Spare::MAX_KEPT_BYTES).contains(&b.capacity()))
        );
    }

    #[test]
    fn a_block_of_long_lines_stays_within_its_byte_bound() {
        // 40 lines of ~1 MiB: by count one block, by bytes about ten.
        let line = "x".repeat(MAX_LINE_BYTES - 1) + "\n";
        let input = line.repeat(40);
        let mut sizes = Vec::new();
        pipeline::run(
            1,
            Order::Input,
            |feeder| {
                read_blocks(
                    &mut input.as_bytes(),
                    feeder,
                    &Progress::hidden(),
                    &Spare::for_threads(1),
                )
            },
            |_: &mut (), block: Lines| (block.text.len(), block.lines.len()),
            &mut |size| {
                sizes.push(size);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(sizes.iter().map(|(_, lines)| lines).sum::<usize>(), 40);
        assert!(sizes.len() >= 8, "{sizes:?}");
        assert!(
            sizes
                .iter()
                .all(|(bytes, _)| *bytes < MAX_BLOCK_BYTES + MAX_LINE_BYTES),
            "{sizes:?}"
        );
    }

    #[test]
    fn every_line_gets_one_answer_whatever_it_holds() {
        // Over-long, NUL-led (the old sentinel's bytes), blank, not UTF-8, no final newline.
        let mut input = b"a\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        input.extend_from_slice(b"\n\x00too-long\n\n\xff\xfe\nlast\r");
        let mut out = Vec::new();
        let summary = run(
            input.as_slice(),
            &mut out,
            2,
            &Progress::hidden(),
            |n, line, out| match line {
                Ok(bytes) => {
                    out.extend_from_slice(format!("{n}:{}\n", bytes.escape_ascii()).as_bytes());
                    None
                }
                Err(too_long) => {
                    out.extend_from_slice(format!("{n}:{}\n", too_long.error()).as_bytes());
                    Some(Failed::new(Class::Malformed, None))
                }
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1:a\n2:the line is longer than 1048576 bytes\n3:\\x00too-long\n4:\n5:\\xff\\xfe\n6:last\n"
        );
        assert_eq!(summary.lines, 6);
        assert_eq!(summary.first, Some((2, Class::Malformed)));
    }
}
