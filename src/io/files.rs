//! Reading inputs with a size bound, and writing files atomically without clobbering.

use anyhow::{Context, Result};
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error;

/// An input over its size limit: a runtime error, which a caller may reclassify (a token on
/// stdin over `--max-token-size` is malformed input) by finding this type in the chain.
#[derive(Debug)]
pub struct TooLarge {
    pub what: String,
    pub limit: u64,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is larger than the limit of {} bytes",
            self.what, self.limit
        )
    }
}

impl std::error::Error for TooLarge {}

/// Reads at most `limit` bytes; more is an error rather than unbounded memory.
pub fn read_limited(mut reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .by_ref()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > limit {
        return Err(anyhow::Error::new(TooLarge {
            what: what.to_string(),
            limit,
        }));
    }
    Ok(buf)
}

pub fn read_file_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let file = fs::File::open(path).map_err(|e| {
        error::runtime(format!(
            "cannot read {what} {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    read_limited(file, limit, &format!("{what} {}", path.display()))
}

pub fn read_stdin_limited(limit: u64, what: &str) -> Result<Vec<u8>> {
    read_limited(io::stdin().lock(), limit, what)
}

/// An I/O error's reason without the "(os error N)" suffix.
pub fn io_reason(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 0600: private keys, tokens, password hashes.
    Secret,
    /// 0644: public keys.
    Public,
}

/// Fails (exit 1) when `path` exists and `force` is not set, before any work is done.
/// `--force` replaces a regular file or a symlink (the link itself, never its target);
/// anything else there (a directory, FIFO, socket or device such as `/dev/null`) is refused
/// even with `--force`: renaming over it would replace a system file or a pipe someone reads.
/// So is a symlink to one (`/dev/stdout`): whoever named it meant what it points to.
pub fn check_writable(path: &Path, force: bool) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !force {
        return Err(error::runtime(format!(
            "{} already exists; use --force to overwrite it",
            path.display()
        )));
    }
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_symlink() {
        // A dangling link or one to a regular file is replaced; the target is untouched.
        return match fs::metadata(path) {
            Ok(target) if !target.is_file() => Err(error::runtime(format!(
                "{} is a symlink to {}; --force replaces only regular files",
                path.display(),
                describe_special(&target.file_type())
            ))),
            _ => Ok(()),
        };
    }
    Err(error::runtime(format!(
        "{} is {}; --force replaces only regular files",
        path.display(),
        describe_special(&kind)
    )))
}

/// What a non-regular file is, for messages.
fn describe_special(kind: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// A file written and synced under a temporary name next to its destination, not yet in
/// place: [`Staged::commit`] renames it. Dropped uncommitted, it is removed. Staging every
/// output first lets a command write several files or none (keygen's key and public key).
pub struct Staged<'a> {
    path: &'a Path,
    tmp: tempfile::NamedTempFile,
    force: bool,
}

/// Writes `data` to `path` atomically (temporary file in the same directory, fsync, rename),
/// with `mode` from the first byte on. Without `force` an existing file is never replaced,
/// even if it appears between the check and the rename.
pub fn write_atomic(path: &Path, data: &[u8], mode: Mode, force: bool) -> Result<()> {
    stage(path, data, mode, force)?.commit().map(|_| ())
}

/// The first half of [`write_atomic`]: everything but the rename.
pub fn stage<'a>(path: &'a Path, data: &[u8], mode: Mode, force: bool) -> Result<Staged<'a>> {
    check_writable(path, force)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: io::Error| write_error(path, &e);
    // tempfile creates the file 0600, so a secret is never readable by others, even briefly.
    let mut tmp = tempfile::Builder::new()
        .prefix(".jwtctl-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(data).map_err(fail)?;
    if mode == Mode::Public {
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    Ok(Staged { path, tmp, force })
}

fn write_error(path: &Path, e: &io::Error) -> anyhow::Error {
    error::runtime(format!("cannot write {}: {}", path.display(), io_reason(e)))
}

/// What a commit replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// Nothing was there: removing the file undoes the write.
    Created,
    /// A file (or symlink) was replaced under `--force`.
    Replaced,
}

impl Staged<'_> {
    /// Renames the staged file into place.
    pub fn commit(self) -> Result<Committed> {
        let Staged { path, tmp, force } = self;
        // Checked again right before the rename, to keep the window for a special file small.
        check_writable(path, force)?;
        let existed = fs::symlink_metadata(path).is_ok();
        let persisted = if force {
            tmp.persist(path).map(|_| ())
        } else {
            tmp.persist_noclobber(path).map(|_| ())
        };
        persisted.map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                error::runtime(format!(
                    "{} already exists; use --force to overwrite it",
                    path.display()
                ))
            } else {
                write_error(path, &e.error)
            }
        })?;
        Ok(if existed {
            Committed::Replaced
        } else {
            Committed::Created
        })
    }
}

/// Writes the result to stdout; a closed pipe (`jwtctl … | head`) is not an error.
pub fn write_stdout(data: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(data).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn refuses_to_overwrite_and_keeps_the_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.json");
        write_atomic(&path, b"first", Mode::Secret, false).unwrap();
        let err = write_atomic(&path, b"second", Mode::Secret, false).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("already exists; use --force to overwrite it")
        );
        assert_eq!(fs::read(&path).unwrap(), b"first");
        write_atomic(&path, b"third", Mode::Secret, true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"third");
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn public_files_are_world_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pub.pem");
        write_atomic(&path, b"x", Mode::Public, false).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o644);
    }

    #[test]
    fn reading_stops_at_the_limit() {
        let err = read_limited(io::repeat(b'a'), 10, "key").unwrap_err();
        assert_eq!(err.to_string(), "key is larger than the limit of 10 bytes");
        assert_eq!(read_limited(&b"abc"[..], 3, "key").unwrap(), b"abc");
    }
}
