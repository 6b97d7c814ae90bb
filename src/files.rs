//! Reading inputs with a size bound, and writing files atomically without clobbering.

use anyhow::{Context, Result};
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error;

/// Reads at most `limit` bytes; more is an error rather than unbounded memory.
pub fn read_limited(mut reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .by_ref()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > limit {
        return Err(error::runtime(format!(
            "{what} is larger than the limit of {limit} bytes"
        )));
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
pub fn check_writable(path: &Path, force: bool) -> Result<()> {
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(error::runtime(format!(
            "{} already exists; use --force to overwrite it",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `data` to `path` atomically (temporary file in the same directory, fsync, rename),
/// with `mode` from the first byte on. Without `force` an existing file is never replaced,
/// even if it appears between the check and the rename.
pub fn write_atomic(path: &Path, data: &[u8], mode: Mode, force: bool) -> Result<()> {
    check_writable(path, force)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: io::Error| {
        error::runtime(format!(
            "cannot write {}: {}",
            path.display(),
            io_reason(&e)
        ))
    };
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
            fail(e.error)
        }
    })
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
