//! Progress on stderr for the long bulk work (`--batch`, `inspect --scan`, `--wordlist`):
//! one line with what was read, an ETA when the input's size is known (regular files), the
//! rates and the count. Only when stderr is a terminal; silent otherwise.
//!
//! The workers and the reader only add to atomic counters (once per block or read, never
//! per token); a drawing thread reads them and redraws the line at most 10 times a second
//! (`indicatif` draws it, fitted to the terminal's width), starting after half a second so
//! that quick runs show nothing, and clears it at the end: no progress line stays above
//! the results or the summary.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);
/// Nothing is drawn before this: a run that ends sooner leaves stderr untouched.
const FIRST_DRAW: Duration = Duration::from_millis(500);

/// The progress line on screen, if any: what else is written to stderr meanwhile (a failed
/// batch line, an unreadable input) goes around it ([`around`]).
static ON_SCREEN: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);

/// Runs `write` (a write to stderr) with the progress line out of its way: cleared before
/// and drawn again after, so a message never lands on the end of the progress line.
pub fn around(write: impl FnOnce()) {
    let bar = ON_SCREEN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// The counters of one long job, and whether they are shown.
pub struct Progress {
    /// What is counted: `lines`, `tokens`, `secrets`.
    noun: &'static str,
    shown: bool,
    done: AtomicU64,
    read: AtomicU64,
    /// The inputs' total size in bytes, when known: the ETA's basis.
    total: Option<u64>,
    /// The input being read (sanitised), for the line's start.
    input: Mutex<String>,
}

impl Progress {
    /// Progress counting `noun`, shown when stderr is a terminal. `total`: the input's size
    /// in bytes, when known ([`file_size`], [`stdin_size`]).
    pub fn on_terminal(noun: &'static str, total: Option<u64>) -> Progress {
        Progress::new(noun, total, std::io::stderr().is_terminal())
    }

    /// Progress that is never shown.
    pub fn hidden() -> Progress {
        Progress::new("", None, false)
    }

    fn new(noun: &'static str, total: Option<u64>, shown: bool) -> Progress {
        Progress {
            noun,
            shown,
            done: AtomicU64::new(0),
            read: AtomicU64::new(0),
            total,
            input: Mutex::new(String::new()),
        }
    }

    /// `units` more done (lines, tokens, secrets): one atomic add, none when hidden.
    pub fn add(&self, units: u64) {
        if self.shown {
            self.done.fetch_add(units, Ordering::Relaxed);
        }
    }

    /// `bytes` more of the input read.
    pub fn read(&self, bytes: u64) {
        if self.shown {
            self.read.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    /// The input now being read (a file name, shown through the one sanitiser).
    pub fn input(&self, name: &str) {
        if self.shown {
            let shown = crate::io::sanitize::for_terminal(name).into_owned();
            *self.input.lock().unwrap_or_else(PoisonError::into_inner) = shown;
        }
    }

    /// Runs `work`, drawing the progress line meanwhile (when shown) and clearing it before
    /// returning.
    pub fn during<R>(&self, work: impl FnOnce() -> R) -> R {
        if !self.shown {
            return work();
        }
        let stop = (Mutex::new(false), Condvar::new());
        std::thread::scope(|scope| {
            let stop = &stop;
            scope.spawn(move || self.draw_until(stop));
            // Stops the drawing however `work` ends: a panic must not leave the scope
            // waiting for it forever.
            let _stop = Stop(stop);
            work()
        })
    }

    fn draw_until(&self, stop: &(Mutex<bool>, Condvar)) {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let started = Instant::now();
        let mut bar: Option<ProgressBar> = None;
        let mut stopped = stop.0.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            stopped = match stop.1.wait_timeout(stopped, TICK) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
            if *stopped {
                break;
            }
            let elapsed = started.elapsed();
            if elapsed < FIRST_DRAW {
                continue;
            }
            let bar = bar.get_or_insert_with(|| {
                // wide_msg: the line cut to the terminal's width, so it never wraps (a
                // wrapped line could not be redrawn in place).
                let style = ProgressStyle::with_template("{wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
                let bar =
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10))
                        .with_style(style);
                *ON_SCREEN.lock().unwrap_or_else(PoisonError::into_inner) = Some(bar.clone());
                bar
            });
            let input = self
                .input
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            bar.set_message(line(&Snapshot {
                noun: self.noun,
                done: self.done.load(Ordering::Relaxed),
                read: self.read.load(Ordering::Relaxed),
                total: self.total,
                input: &input,
                elapsed,
            }));
        }
        if let Some(bar) = bar {
            *ON_SCREEN.lock().unwrap_or_else(PoisonError::into_inner) = None;
            bar.finish_and_clear();
        }
    }
}

/// Tells the drawing thread to clear its line and end, when dropped.
struct Stop<'a>(&'a (Mutex<bool>, Condvar));

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        *self.0.0.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.0.1.notify_all();
    }
}

/// The size of a regular file (none for stdin's `-`, a pipe or a device: no ETA then).
pub fn file_size(name: &str) -> Option<u64> {
    if name == "-" {
        return stdin_size();
    }
    let meta = std::fs::metadata(name).ok()?;
    meta.is_file().then_some(meta.len())
}

/// The size of stdin when it is a regular file (`< tokens.txt`).
pub fn stdin_size() -> Option<u64> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then_some(meta.len())
}

/// What the line shows at one moment.
struct Snapshot<'a> {
    noun: &'static str,
    done: u64,
    read: u64,
    total: Option<u64>,
    input: &'a str,
    elapsed: Duration,
}

/// The progress line: `app.log: 120.5 MiB of 500.0 MiB (24%), ETA 5s, 80.3 MiB/s, 24013
/// tokens (16.0k/s)`, the most telling first (a narrow terminal cuts the end). Rates are
/// averages since the start; the ETA is the bytes left at the byte rate so far.
fn line(s: &Snapshot<'_>) -> String {
    let secs = s.elapsed.as_secs_f64();
    let mut parts = Vec::new();
    if s.read > 0 || s.total.is_some() {
        let mut read = bytes(s.read as f64);
        if let Some(total) = s.total {
            let percent = (s.read as f64 * 100.0 / total.max(1) as f64).min(100.0);
            read.push_str(&format!(" of {} ({percent:.0}%)", bytes(total as f64)));
        }
        parts.push(read);
        if secs > 0.0 && s.read > 0 {
            let rate = s.read as f64 / secs;
            if let Some(total) = s.total {
                let left = total.saturating_sub(s.read) as f64 / rate;
                parts.push(format!("ETA {}", eta(left)));
            }
            parts.push(format!("{}/s", bytes(rate)));
        }
    }
    let mut done = format!("{} {}", s.done, s.noun);
    if secs > 0.0 {
        done.push_str(&format!(" ({}/s)", count(s.done as f64 / secs)));
    }
    parts.push(done);
    let line = parts.join(", ");
    match s.input {
        "" => line,
        input => format!("{input}: {line}"),
    }
}

/// A count per second: `950`, `16.0k`, `3.10M`.
fn count(rate: f64) -> String {
    if rate < 1e3 {
        format!("{rate:.0}")
    } else if rate < 1e6 {
        format!("{:.1}k", rate / 1e3)
    } else {
        format!("{:.2}M", rate / 1e6)
    }
}

/// Bytes in binary units: `512 B`, `1.5 KiB`, `120.5 MiB`, `2.00 GiB`.
fn bytes(n: f64) -> String {
    const KIB: f64 = 1024.0;
    if n < KIB {
        format!("{n:.0} B")
    } else if n < KIB * KIB {
        format!("{:.1} KiB", n / KIB)
    } else if n < KIB * KIB * KIB {
        format!("{:.1} MiB", n / (KIB * KIB))
    } else {
        format!("{:.2} GiB", n / (KIB * KIB * KIB))
    }
}

/// Seconds left, rounded up, as `time::human_span` writes spans: `4s`, `1m 5s`, `2h 3m`.
fn eta(secs: f64) -> String {
    let secs = if secs.is_finite() { secs.ceil() } else { 0.0 };
    crate::time::human_span(secs.clamp(0.0, u64::MAX as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn snapshot(input: &'static str, total: Option<u64>) -> Snapshot<'static> {
        Snapshot {
            noun: "tokens",
            done: 24_013,
            read: 120 * MIB + MIB / 2,
            total,
            input,
            elapsed: Duration::from_millis(1500),
        }
    }

    #[test]
    fn a_known_size_gives_the_share_read_the_rate_and_an_eta() {
        assert_eq!(
            line(&snapshot("app.log", Some(500 * MIB))),
            "app.log: 120.5 MiB of 500.0 MiB (24%), ETA 5s, 80.3 MiB/s, 24013 tokens (16.0k/s)"
        );
    }

    #[test]
    fn an_unknown_size_gives_the_rates_without_an_eta() {
        assert_eq!(
            line(&snapshot("-", None)),
            "-: 120.5 MiB, 80.3 MiB/s, 24013 tokens (16.0k/s)"
        );
        // Nothing read counted (lines from a pipe): the count and its rate alone.
        let lines = Snapshot {
            noun: "lines",
            done: 3_100_000,
            read: 0,
            total: None,
            input: "",
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(line(&lines), "3100000 lines (1.55M/s)");
    }

    #[test]
    fn the_start_and_the_end_are_shown_sanely() {
        let start = Snapshot {
            noun: "secrets",
            done: 0,
            read: 0,
            total: Some(2 * MIB),
            input: "",
            elapsed: Duration::ZERO,
        };
        assert_eq!(line(&start), "0 B of 2.0 MiB (0%), 0 secrets");
        let past_the_end = Snapshot {
            read: 3 * MIB,
            done: 10,
            elapsed: Duration::from_secs(1),
            ..start
        };
        assert_eq!(
            line(&past_the_end),
            "3.0 MiB of 2.0 MiB (100%), ETA 0s, 3.0 MiB/s, 10 secrets (10/s)"
        );
    }

    #[test]
    fn units_and_spans() {
        assert_eq!(count(950.4), "950");
        assert_eq!(count(16_049.0), "16.0k");
        assert_eq!(count(3_104_000.0), "3.10M");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1536.0), "1.5 KiB");
        assert_eq!(bytes(2.0 * 1024.0 * 1024.0 * 1024.0), "2.00 GiB");
        assert_eq!(eta(4.2), "5s");
        assert_eq!(eta(65.0), "1m 5s");
        assert_eq!(eta(7380.0), "2h 3m");
        assert_eq!(eta(f64::INFINITY), "0s");
    }

    #[test]
    fn hidden_progress_counts_nothing_and_runs_the_work() {
        let progress = Progress::hidden();
        progress.add(5);
        progress.read(7);
        progress.input("x");
        assert_eq!(progress.during(|| 42), 42);
        assert_eq!(progress.done.load(Ordering::Relaxed), 0);
        assert!(progress.input.lock().unwrap().is_empty());
    }

    #[test]
    fn shown_progress_returns_the_work_and_survives_a_panic_in_it() {
        let progress = Progress::new("lines", None, true);
        assert_eq!(progress.during(|| 7), 7);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            progress.during(|| panic!("a bug in the work"))
        }));
        assert!(panicked.is_err(), "the panic reaches the caller, no hang");
    }

    #[test]
    fn file_names_are_sanitised() {
        let progress = Progress::new("tokens", None, true);
        progress.input("evil\u{1b}[2J.log");
        assert_eq!(*progress.input.lock().unwrap(), "evil\\u{1b}[2J.log");
    }
}
