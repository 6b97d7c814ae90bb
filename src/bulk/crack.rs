//! Weak-secret search: which line of a wordlist is the HMAC key of HS256/384/512 tokens.
//!
//! Every candidate changes the HMAC key, so nothing keyed can be reused; what can be is
//! the message. Each token's signing input is padded once into SHA-2 blocks (as it follows
//! the 64- or 128-byte key block), so one candidate costs two compressions for the key
//! (ipad and opad, shared by all tokens of that hash), the message blocks, and one outer
//! compression — no allocation. The compression functions are RustCrypto `sha2`'s
//! (`block_api::compress256/512`, which use SHA-NI when the CPU has it); a differential
//! test checks the result against the `hmac` crate for every key and message length class.
//!
//! The wordlist is read as a stream in large chunks, cut at line ends with memchr, and
//! the chunks are shared out to the workers of `crate::bulk::pipeline` (in no particular
//! order: only whether a line matched counts).

use std::io::Read;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use sha2::Digest;
use sha2::block_api::{compress256, compress512};

use crate::bulk::pipeline::{self, Feeder, Order};
use crate::bulk::progress::Progress;

/// The wordlist is read this many bytes at a time.
const CHUNK: usize = 256 * 1024;

/// The longest wordlist line tried, in bytes (without its line end). Longer lines are
/// skipped and counted: no one tries HMAC keys that long, and holding a line without a
/// newline whole (`--wordlist /dev/zero`) would cost unbounded memory.
pub const MAX_LINE: usize = 64 * 1024;

const IV256: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
const IV384: [u64; 8] = [
    0xcbbb9d5dc1059ed8,
    0x629a292a367cd507,
    0x9159015a3070dd17,
    0x152fecd8f70e5939,
    0x67332667ffc00b31,
    0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7,
    0x47b5481dbefa4fa4,
];
const IV512: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

/// The hash of an HS* algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The hash of a token's `alg`, when it names an HS* algorithm.
    pub fn for_alg(alg: &str) -> Option<Hash> {
        use crate::jose::alg::{self, AlgId};
        match alg::find(alg)?.id {
            AlgId::Hs256 => Some(Hash::Sha256),
            AlgId::Hs384 => Some(Hash::Sha384),
            AlgId::Hs512 => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn output_len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

/// A message padded for the inner hash of HMAC, and the MAC to match.
enum Blocks {
    B64(Vec<[u8; 64]>),
    B128(Vec<[u8; 128]>),
}

/// One token to crack.
pub struct Target {
    hash: Hash,
    blocks: Blocks,
    mac: Vec<u8>,
}

/// `message` (after one key block of `block` bytes) with SHA-2 padding, as blocks.
fn padded<const N: usize>(message: &[u8]) -> Vec<[u8; N]> {
    let length_bytes = N / 8; // 8 for SHA-256, 16 for SHA-512
    let total_bits = ((N + message.len()) as u128) * 8;
    let mut bytes = message.to_vec();
    bytes.push(0x80);
    while !(bytes.len() + length_bytes).is_multiple_of(N) {
        bytes.push(0);
    }
    bytes.extend_from_slice(&total_bits.to_be_bytes()[16 - length_bytes..]);
    bytes
        .chunks_exact(N)
        .map(|c| {
            let mut block = [0u8; N];
            block.copy_from_slice(c);
            block
        })
        .collect()
}

impl Target {
    /// A target for `alg` (HS256/384/512); `None` for another algorithm or a MAC of the
    /// wrong length (such a token matches no key).
    pub fn new(alg: &str, signing_input: &[u8], mac: &[u8]) -> Option<Target> {
        let hash = Hash::for_alg(alg)?;
        if mac.len() != hash.output_len() {
            return None;
        }
        let blocks = match hash {
            Hash::Sha256 => Blocks::B64(padded::<64>(signing_input)),
            Hash::Sha384 | Hash::Sha512 => Blocks::B128(padded::<128>(signing_input)),
        };
        Some(Target {
            hash,
            blocks,
            mac: mac.to_vec(),
        })
    }
}

/// The ipad and opad states of one key, for each hash family in use.
struct Keyed {
    inner256: [u32; 8],
    outer256: [u32; 8],
    inner384: [u64; 8],
    outer384: [u64; 8],
    inner512: [u64; 8],
    outer512: [u64; 8],
}

/// Which hash families the targets use, so a key is only prepared for those.
#[derive(Clone, Copy, Default)]
struct Families {
    sha256: bool,
    sha384: bool,
    sha512: bool,
}

fn key_block<const N: usize>(key: &[u8], hashed: impl FnOnce(&[u8]) -> Vec<u8>) -> [u8; N] {
    let mut block = [0u8; N];
    if key.len() > N {
        let digest = hashed(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    block
}

fn xor<const N: usize>(block: &[u8; N], pad: u8) -> [u8; N] {
    let mut out = *block;
    for b in &mut out {
        *b ^= pad;
    }
    out
}

impl Default for Keyed {
    fn default() -> Keyed {
        Keyed::new()
    }
}

impl Keyed {
    fn new() -> Keyed {
        Keyed {
            inner256: IV256,
            outer256: IV256,
            inner384: IV384,
            outer384: IV384,
            inner512: IV512,
            outer512: IV512,
        }
    }

    fn prepare(&mut self, key: &[u8], families: Families) {
        if families.sha256 {
            let block = key_block::<64>(key, |k| sha2::Sha256::digest(k).to_vec());
            self.inner256 = IV256;
            self.outer256 = IV256;
            compress256(&mut self.inner256, &[xor(&block, 0x36)]);
            compress256(&mut self.outer256, &[xor(&block, 0x5c)]);
        }
        if families.sha384 {
            let block = key_block::<128>(key, |k| sha2::Sha384::digest(k).to_vec());
            self.inner384 = IV384;
            self.outer384 = IV384;
            compress512(&mut self.inner384, &[xor(&block, 0x36)]);
            compress512(&mut self.outer384, &[xor(&block, 0x5c)]);
        }
        if families.sha512 {
            let block = key_block::<128>(key, |k| sha2::Sha512::digest(k).to_vec());
            self.inner512 = IV512;
            self.outer512 = IV512;
            compress512(&mut self.inner512, &[xor(&block, 0x36)]);
            compress512(&mut self.outer512, &[xor(&block, 0x5c)]);
        }
    }

    /// Whether the prepared key signs `target`.
    fn matches(&self, target: &Target) -> bool {
        match (&target.blocks, target.hash) {
            (Blocks::B64(blocks), _) => {
                let mut inner = self.inner256;
                compress256(&mut inner, blocks);
                let mut block = [0u8; 64];
                for (i, word) in inner.iter().enumerate() {
                    block[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
                }
                block[32] = 0x80;
                block[56..].copy_from_slice(&((64u64 + 32) * 8).to_be_bytes());
                let mut outer = self.outer256;
                compress256(&mut outer, &[block]);
                outer
                    .iter()
                    .zip(target.mac.chunks_exact(4))
                    .all(|(w, m)| w.to_be_bytes() == m)
            }
            (Blocks::B128(blocks), hash) => {
                let (mut inner, mut outer) = if hash == Hash::Sha384 {
                    (self.inner384, self.outer384)
                } else {
                    (self.inner512, self.outer512)
                };
                compress512(&mut inner, blocks);
                let len = hash.output_len();
                let mut block = [0u8; 128];
                for (i, word) in inner.iter().take(len / 8).enumerate() {
                    block[i * 8..i * 8 + 8].copy_from_slice(&word.to_be_bytes());
                }
                block[len] = 0x80;
                block[112..].copy_from_slice(&((128u128 + len as u128) * 8).to_be_bytes());
                compress512(&mut outer, &[block]);
                outer
                    .iter()
                    .zip(target.mac.chunks_exact(8))
                    .all(|(w, m)| w.to_be_bytes() == m)
            }
        }
    }
}

/// A fixed list of secrets with their ipad/opad states prepared once (for every hash
/// family), to try against many tokens: the well-known secrets of `secret:weak`, which
/// `inspect` and `inspect --scan` try on every HS* token. A token then costs its message
/// blocks and one outer compression per secret, nothing for the keys.
pub struct KeyList {
    keyed: Vec<Keyed>,
}

impl KeyList {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a [u8]>) -> KeyList {
        let all = Families {
            sha256: true,
            sha384: true,
            sha512: true,
        };
        let keyed = secrets
            .into_iter()
            .map(|secret| {
                let mut keyed = Keyed::new();
                keyed.prepare(secret, all);
                keyed
            })
            .collect();
        KeyList { keyed }
    }

    /// The index of the first secret that signs `target`.
    pub fn position(&self, target: &Target) -> Option<usize> {
        self.keyed.iter().position(|keyed| keyed.matches(target))
    }
}

/// The HMAC of one message under one key, computed as the search does (for tests).
#[cfg(test)]
fn hmac_like_search(alg: &str, key: &[u8], message: &[u8], mac: &[u8]) -> bool {
    let target = Target::new(alg, message, mac).unwrap();
    let families = Families {
        sha256: target.hash == Hash::Sha256,
        sha384: target.hash == Hash::Sha384,
        sha512: target.hash == Hash::Sha512,
    };
    let mut keyed = Keyed::new();
    keyed.prepare(key, families);
    keyed.matches(&target)
}

/// The outcome of a search.
pub struct Outcome {
    /// For each target, the matching secret (`None` when no line matched).
    pub secrets: Vec<Option<Vec<u8>>>,
    /// Candidates tried (all of them when some target stayed unmatched).
    pub tried: u64,
    /// Lines skipped for being longer than [`MAX_LINE`].
    pub skipped: u64,
}

/// How a search runs.
pub struct Options {
    pub threads: usize,
    /// Show progress on stderr (only done when stderr is a terminal).
    pub progress: bool,
    /// The wordlist's size in bytes, when known: progress then has an ETA.
    pub size: Option<u64>,
}

/// Tries every line of `wordlist` (LF or CRLF ends; an empty line is the empty secret; a
/// line over [`MAX_LINE`] bytes is skipped) against every target, on `threads` workers,
/// stopping once every target is matched. Memory stays bounded whatever the input.
pub fn search(wordlist: impl Read, targets: &[Target], options: &Options) -> Result<Outcome> {
    let found: Vec<OnceLock<Vec<u8>>> = targets.iter().map(|_| OnceLock::new()).collect();
    let remaining = AtomicUsize::new(targets.len());
    let done = AtomicBool::new(targets.is_empty());
    let tried = AtomicU64::new(0);
    let skipped = AtomicU64::new(0);
    let families = Families {
        sha256: targets.iter().any(|t| t.hash == Hash::Sha256),
        sha384: targets.iter().any(|t| t.hash == Hash::Sha384),
        sha512: targets.iter().any(|t| t.hash == Hash::Sha512),
    };
    let progress = match options.progress {
        true => Progress::on_terminal("secrets", options.size),
        false => Progress::hidden(),
    };
    let progress = &progress;
    let try_chunk = |keyed: &mut Keyed, chunk: Vec<u8>| {
        let mut count = 0u64;
        let mut too_long = 0u64;
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', &chunk).chain([chunk.len()]);
        for end in ends {
            let line = &chunk[start..end];
            start = end + 1;
            if done.load(Ordering::Relaxed) {
                break;
            }
            let secret = line.strip_suffix(b"\r").unwrap_or(line);
            if secret.len() > MAX_LINE {
                too_long += 1;
                continue;
            }
            count += 1;
            keyed.prepare(secret, families);
            for (target, slot) in targets.iter().zip(&found) {
                if slot.get().is_none()
                    && keyed.matches(target)
                    && slot.set(secret.to_vec()).is_ok()
                    && remaining.fetch_sub(1, Ordering::AcqRel) == 1
                {
                    done.store(true, Ordering::Release);
                }
            }
        }
        tried.fetch_add(count, Ordering::Relaxed);
        skipped.fetch_add(too_long, Ordering::Relaxed);
        // Counted once tried (the reader runs ahead by the queued chunks), with the line
        // end the chunk was cut at.
        progress.add(count);
        progress.read(chunk.len() as u64 + 1);
    };
    pipeline::run_shown(
        progress,
        options.threads,
        Order::Arrival,
        |feeder| feed(wordlist, feeder, &done, &skipped),
        try_chunk,
        &mut |()| Ok(()),
    )?;
    Ok(Outcome {
        secrets: found.into_iter().map(|s| s.into_inner()).collect(),
        tried: tried.into_inner(),
        skipped: skipped.into_inner(),
    })
}

/// Reads the wordlist in chunks that end at a line end and sends them to the workers.
/// An unfinished line is carried to the next read only while it could still be a
/// candidate; once it is over [`MAX_LINE`] the rest of it is read past and dropped, so the
/// carry (and each chunk) stays under `MAX_LINE + CHUNK` bytes.
fn feed(
    mut wordlist: impl Read,
    feeder: &mut Feeder<'_, Vec<u8>>,
    done: &AtomicBool,
    skipped: &AtomicU64,
) -> Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    // Inside a line already known to be too long: drop bytes up to its line end.
    let mut skipping = false;
    loop {
        if done.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut chunk = std::mem::take(&mut carry);
        let start = chunk.len();
        chunk.resize(start + CHUNK, 0);
        let n = loop {
            match wordlist.read(&mut chunk[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).context("cannot read the wordlist"),
            }
        };
        chunk.truncate(start + n);
        if n == 0 {
            if skipping {
                skipped.fetch_add(1, Ordering::Relaxed);
            } else if !chunk.is_empty() {
                // The last line, without a line end.
                let _ = feeder.send(chunk);
            }
            return Ok(());
        }
        let mut from = start;
        if skipping {
            match memchr::memchr(b'\n', &chunk[start..]) {
                Some(at) => {
                    skipping = false;
                    skipped.fetch_add(1, Ordering::Relaxed);
                    chunk.drain(..start + at + 1);
                    from = 0;
                }
                None => continue,
            }
        }
        // Send whole lines; keep the unfinished last line for the next read.
        match memchr::memrchr(b'\n', &chunk[from..]) {
            Some(at) => {
                carry = chunk[from + at + 1..].to_vec();
                chunk.truncate(from + at);
                if feeder.send(chunk).is_err() {
                    return Ok(());
                }
            }
            None => carry = chunk,
        }
        // With its CR the line may be one byte longer than the secret it holds.
        if carry.len() > MAX_LINE + 1 {
            carry = Vec::new();
            skipping = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(alg: &str, key: &[u8], message: &[u8]) -> Vec<u8> {
        crate::inspect::findings::hmac(alg, key, message).unwrap()
    }

    #[test]
    fn agrees_with_the_hmac_crate_for_every_length_class() {
        let mut rng = crate::testing::Rng(0x9e37_79b9_7f4a_7c15);
        let mut next = move || rng.next();
        for alg in ["HS256", "HS384", "HS512"] {
            for key_len in [0, 1, 31, 32, 55, 63, 64, 65, 111, 127, 128, 129, 300] {
                for msg_len in [
                    0, 1, 55, 56, 63, 64, 111, 112, 119, 127, 128, 129, 250, 1000,
                ] {
                    let key: Vec<u8> = (0..key_len).map(|_| next() as u8).collect();
                    let message: Vec<u8> = (0..msg_len).map(|_| next() as u8).collect();
                    let good = mac(alg, &key, &message);
                    assert!(
                        hmac_like_search(alg, &key, &message, &good),
                        "{alg} {key_len} {msg_len}"
                    );
                    let mut bad = good.clone();
                    bad[good.len() - 1] ^= 1;
                    assert!(
                        !hmac_like_search(alg, &key, &message, &bad),
                        "{alg} {key_len} {msg_len}"
                    );
                }
            }
        }
    }

    #[test]
    fn searches_a_stream_on_several_threads() {
        let message = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0";
        let targets = vec![
            Target::new("HS256", message, &mac("HS256", b"hunter2", message)).unwrap(),
            Target::new("HS512", message, &mac("HS512", b"", message)).unwrap(),
            Target::new("HS384", message, &mac("HS384", b"never", message)).unwrap(),
        ];
        let mut wordlist = Vec::new();
        for i in 0..100_000 {
            wordlist.extend_from_slice(format!("word{i}\r\n").as_bytes());
        }
        wordlist.extend_from_slice(b"\nhunter2");
        let outcome = search(
            &wordlist[..],
            &targets,
            &Options {
                threads: 3,
                progress: false,
                size: None,
            },
        )
        .unwrap();
        assert_eq!(
            outcome.secrets,
            vec![Some(b"hunter2".to_vec()), Some(Vec::new()), None]
        );
        assert_eq!(outcome.tried, 100_002);
        assert_eq!(outcome.skipped, 0);
    }

    /// A reader that hands out at most `step` bytes per read, as a pipe does.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_over_the_cap_are_skipped_and_counted() {
        let message = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0";
        let longest = vec![b'k'; MAX_LINE];
        let targets = vec![
            Target::new("HS256", message, &mac("HS256", &longest, message)).unwrap(),
            Target::new("HS256", message, &mac("HS256", b"never", message)).unwrap(),
        ];
        let mut wordlist = vec![b'x'; MAX_LINE + 1];
        wordlist.push(b'\n');
        wordlist.extend(vec![b'y'; 1 << 20]);
        wordlist.extend_from_slice(b"\r\n");
        wordlist.extend_from_slice(&longest);
        wordlist.extend_from_slice(b"\r\nafter\n");
        wordlist.extend(vec![b'z'; MAX_LINE + 2]);
        for step in [1000, 70_000, usize::MAX] {
            let outcome = search(
                Trickle(&wordlist, step),
                &targets,
                &Options {
                    threads: 2,
                    progress: false,
                    size: None,
                },
            )
            .unwrap();
            assert_eq!(outcome.secrets, vec![Some(longest.clone()), None], "{step}");
            assert_eq!((outcome.tried, outcome.skipped), (2, 3), "{step}");
        }
    }
}
