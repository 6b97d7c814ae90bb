//! The one parallel pipeline of the bulk work (`--batch`, `--scan`, `--wordlist`).
//!
//! The calling thread reads its input in blocks and hands each block to whichever of the
//! N workers is free; a sink thread takes the workers' results, in input order when
//! asked ([`Order::Input`]) or as they come ([`Order::Arrival`]). At most 4N + 2 blocks are
//! between the reader and the sink at once (a slow block holds up the reader, not memory),
//! so memory stays bounded by the block size whatever the input.
//!
//! Workers time each block, so a reader can size its next block to the measured work
//! ([`Feeder::units_in`]): handing a block over costs tens of microseconds, which must stay
//! small next to cheap items, while slow items must still spread over every worker.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::Result;

/// The number of worker threads: `--threads` (1 or more; clap refuses 0), else every core.
pub fn threads(requested: Option<u32>) -> usize {
    requested
        .map(|n| n.max(1) as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A block of work; its units (lines, tokens, bytes) are what the workers' timing counts.
pub trait Block: Send {
    fn units(&self) -> usize;
}

impl<T: Send> Block for Vec<T> {
    fn units(&self) -> usize {
        self.len()
    }
}

/// In which order results reach the sink.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The order the blocks were read in.
    Input,
    /// As workers finish them (when the order does not matter).
    Arrival,
}

/// The measured cost of one unit of work, in nanoseconds (0: nothing measured yet).
#[derive(Default)]
struct Pace(AtomicU64);

impl Pace {
    fn measured(&self, units: usize, took: Duration) {
        let per_unit = (took.as_nanos() / units.max(1) as u128).max(1);
        self.0
            .store(per_unit.min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }

    fn units_in(&self, time: Duration, min: usize, max: usize) -> usize {
        match self.0.load(Ordering::Relaxed) {
            0 => min,
            per_unit => {
                let units = time.as_nanos() / per_unit as u128;
                units.min(usize::MAX as u128) as usize
            }
        }
        .clamp(min, max)
    }
}

/// The pipeline has stopped (the sink failed or went away): read no more.
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("stopped")
    }
}

impl std::error::Error for Stopped {}

/// The reader's end of the pipeline.
pub struct Feeder<'a, I> {
    tx: mpsc::SyncSender<(usize, I)>,
    /// One slot a block between being read and reaching the sink (see [`in_flight`]).
    slots: mpsc::SyncSender<()>,
    seq: usize,
    stopped: &'a AtomicBool,
    pace: &'a Pace,
}

impl<I> Feeder<'_, I> {
    /// Hands a block to the workers (waiting while they are all busy and the queue is full).
    pub fn send(&mut self, block: I) -> Result<(), Stopped> {
        if self.stopped()
            || self.slots.send(()).is_err()
            || self.tx.send((self.seq, block)).is_err()
        {
            return Err(Stopped);
        }
        self.seq += 1;
        Ok(())
    }

    /// True once the sink has failed: the reader should stop.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    /// How many units take a worker about `time`, as last measured, within `min..=max`
    /// (`min` before anything is measured).
    pub fn units_in(&self, time: Duration, min: usize, max: usize) -> usize {
        self.pace.units_in(time, min, max)
    }
}

/// How many blocks may be between the reader and the sink at once: enough to keep every
/// worker busy with its queue full, and a bound on memory when one slow block holds up
/// the ones read after it (in input order they wait for it).
fn in_flight(threads: usize) -> usize {
    threads * 4 + 2
}

/// Runs `read` on the calling thread, which feeds blocks to `threads` workers. Each worker
/// keeps a state `S` of its own (scratch space) and turns a block into a result with
/// `work`; the results reach `sink` on a thread of their own, in `order`. A failing sink
/// stops the pipeline: the workers drain what was queued without working on it, the
/// reader's next send fails, and the sink's error is returned. Otherwise the reader's
/// result is returned, after every block it sent has reached the sink.
pub fn run<I, S, O>(
    threads: usize,
    order: Order,
    read: impl FnOnce(&mut Feeder<'_, I>) -> Result<()>,
    work: impl Fn(&mut S, I) -> O + Sync,
    sink: &mut (impl FnMut(O) -> Result<()> + Send),
) -> Result<()>
where
    I: Block,
    S: Default,
    O: Send,
{
    let threads = threads.max(1);
    let (slots, slots_back) = mpsc::sync_channel::<()>(in_flight(threads));
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, I)>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<(usize, O)>(threads * 2);
    let stopped = AtomicBool::new(false);
    let pace = Pace::default();
    std::thread::scope(|scope| {
        let (stopped, pace) = (&stopped, &pace);
        for _ in 0..threads {
            let (work_rx, done_tx, work) = (&work_rx, done_tx.clone(), &work);
            scope.spawn(move || {
                let mut state = S::default();
                loop {
                    let Ok(Ok((seq, block))) = work_rx.lock().map(|rx| rx.recv()) else {
                        break;
                    };
                    // After a stop, keep draining so the reader never blocks on a full queue.
                    if stopped.load(Ordering::Relaxed) {
                        continue;
                    }
                    let units = block.units();
                    let started = Instant::now();
                    let done = work(&mut state, block);
                    pace.measured(units, started.elapsed());
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
            // A block through the sink frees its slot (taken before it was sent, so it is
            // there to take).
            let mut sink = |done| {
                let result = sink(done);
                let _ = slots_back.try_recv();
                result
            };
            for (seq, done) in done_rx {
                let result = match order {
                    Order::Arrival => sink(done),
                    Order::Input => {
                        waiting.insert(seq, done);
                        let mut result = Ok(());
                        while let Some(done) = waiting.remove(&next) {
                            next += 1;
                            result = sink(done);
                            if result.is_err() {
                                break;
                            }
                        }
                        result
                    }
                };
                if result.is_err() {
                    stopped.store(true, Ordering::Relaxed);
                    return result;
                }
            }
            Ok(())
        });
        let mut feeder = Feeder {
            tx: work_tx,
            slots,
            seq: 0,
            stopped,
            pace,
        };
        let read = read(&mut feeder);
        drop(feeder);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the writer failed")));
        written.and(read)
    })
}

/// [`run`], with `progress` drawn on stderr meanwhile (when it is a terminal) and cleared
/// before returning: the one place the bulk work shows progress. The reader and the work
/// count into `progress` (an atomic add per block).
pub fn run_shown<I, S, O>(
    progress: &crate::bulk::progress::Progress,
    threads: usize,
    order: Order,
    read: impl FnOnce(&mut Feeder<'_, I>) -> Result<()>,
    work: impl Fn(&mut S, I) -> O + Sync,
    sink: &mut (impl FnMut(O) -> Result<()> + Send),
) -> Result<()>
where
    I: Block,
    S: Default,
    O: Send,
{
    progress.during(|| run(threads, order, read, work, sink))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_sized_to_the_measured_work() {
        let pace = Pace::default();
        let size = || pace.units_in(Duration::from_millis(4), 8, 4096);
        assert_eq!(size(), 8, "nothing measured yet: the fewest");
        // 0.8 ms a unit: as few as allowed.
        pace.measured(64, Duration::from_micros(64 * 800));
        assert_eq!(size(), 8);
        // 0.1 ms a unit: 40 make 4 ms.
        pace.measured(10, Duration::from_millis(1));
        assert_eq!(size(), 40);
        // ~0.5 µs a unit: capped.
        pace.measured(4096, Duration::from_micros(2048));
        assert_eq!(size(), 4096);
        // A block measured as taking no time at all does not divide by zero.
        pace.measured(0, Duration::ZERO);
        assert_eq!(size(), 4096);
    }

    fn numbers(
        count: usize,
        per_block: usize,
    ) -> impl FnOnce(&mut Feeder<'_, Vec<usize>>) -> Result<()> {
        move |feeder| {
            let all: Vec<usize> = (0..count).collect();
            for block in all.chunks(per_block) {
                feeder.send(block.to_vec())?;
            }
            Ok(())
        }
    }

    #[test]
    fn input_order_is_kept_across_workers() {
        let mut seen = Vec::new();
        let mut sink = |block: Vec<usize>| {
            seen.extend(block);
            Ok(())
        };
        let work = |calls: &mut usize, block: Vec<usize>| {
            *calls += 1;
            // Uneven work, so blocks finish out of order.
            if block[0].is_multiple_of(3) {
                std::thread::sleep(Duration::from_micros(300));
            }
            block
        };
        run(3, Order::Input, numbers(5000, 7), work, &mut sink).unwrap();
        assert_eq!(seen, (0..5000).collect::<Vec<_>>());
    }

    #[test]
    fn a_slow_block_holds_up_the_reader_not_memory() {
        use std::sync::atomic::AtomicUsize;
        // Block 0 takes 300 ms, the others nothing: in input order the others wait for it,
        // and the reader must wait too rather than read ahead without end.
        let (sent, sunk, most) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let read = |feeder: &mut Feeder<'_, Vec<usize>>| {
            for i in 0..2000 {
                feeder.send(vec![i])?;
                let ahead = sent.fetch_add(1, Ordering::SeqCst) + 1 - sunk.load(Ordering::SeqCst);
                most.fetch_max(ahead, Ordering::SeqCst);
            }
            Ok(())
        };
        let work = |_: &mut (), block: Vec<usize>| {
            if block[0] == 0 {
                std::thread::sleep(Duration::from_millis(300));
            }
            block
        };
        let mut seen = Vec::new();
        let mut sink = |block: Vec<usize>| {
            sunk.fetch_add(1, Ordering::SeqCst);
            seen.extend(block);
            Ok(())
        };
        run(2, Order::Input, read, work, &mut sink).unwrap();
        assert_eq!(seen, (0..2000).collect::<Vec<_>>());
        let most = most.into_inner();
        assert!(most <= in_flight(2), "{most} blocks in flight");
    }

    #[test]
    fn arrival_order_delivers_every_block_once() {
        let mut seen = Vec::new();
        let mut sink = |block: Vec<usize>| {
            seen.extend(block);
            Ok(())
        };
        run(
            4,
            Order::Arrival,
            numbers(3000, 11),
            |_: &mut (), b| b,
            &mut sink,
        )
        .unwrap();
        seen.sort_unstable();
        assert_eq!(seen, (0..3000).collect::<Vec<_>>());
    }

    #[test]
    fn a_failing_sink_stops_the_reader_and_its_error_is_returned() {
        let mut calls = 0;
        let mut sink = |_: Vec<usize>| {
            calls += 1;
            anyhow::bail!("sink broke")
        };
        let mut sent = 0;
        let read = |feeder: &mut Feeder<'_, Vec<usize>>| {
            // An endless input: only the stop ends it.
            loop {
                feeder.send(vec![sent])?;
                sent += 1;
            }
        };
        let err = run(2, Order::Input, read, |_: &mut (), b| b, &mut sink).unwrap_err();
        assert_eq!(err.to_string(), "sink broke");
        assert_eq!(calls, 1);
        assert!(sent < 100, "the reader went on for {sent} blocks");
    }

    #[test]
    fn the_readers_error_is_returned_after_its_blocks_are_written() {
        let mut seen = Vec::new();
        let mut sink = |block: Vec<usize>| {
            seen.extend(block);
            Ok(())
        };
        let read = |feeder: &mut Feeder<'_, Vec<usize>>| {
            feeder.send(vec![1, 2])?;
            feeder.send(vec![3])?;
            anyhow::bail!("cannot read")
        };
        let err = run(2, Order::Input, read, |_: &mut (), b| b, &mut sink).unwrap_err();
        assert_eq!(err.to_string(), "cannot read");
        assert_eq!(seen, [1, 2, 3]);
    }
}
