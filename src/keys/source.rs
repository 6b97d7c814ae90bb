//! Where KEY's bytes come from: a path, `-` (stdin), `env:NAME`, `prompt`, or the URL of
//! a JWK Set; then recognised (see `recognise`).

use std::path::Path;

use anyhow::{Context, Result};

use super::recognise::recognise;
use super::{Key, KeySet, LoadOptions, prompt_secret};
use crate::error;
use crate::io::files;

/// The largest key file read (a JWK Set of a few hundred keys fits).
const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// Where KEY's bytes come from.
enum Source<'a> {
    Url(&'a str),
    Stdin,
    Env(&'a str),
    Prompt,
    File(&'a Path),
}

fn parse_reference(reference: &str) -> Result<Source<'_>> {
    Ok(match reference {
        "" => return Err(error::usage("the key reference is empty")),
        "-" => Source::Stdin,
        "prompt" => Source::Prompt,
        r if r.starts_with("env:") => {
            let name = &r[4..];
            if name.is_empty() {
                return Err(error::usage(
                    "env: needs a variable name, as in env:JWT_SECRET",
                ));
            }
            Source::Env(name)
        }
        r if r.starts_with("https://") || r.starts_with("http://") => {
            crate::io::http::check_key_url(r)?;
            Source::Url(r)
        }
        r => Source::File(Path::new(r)),
    })
}

/// Loads KEY: reads it from its source and recognises what it is.
pub fn load(reference: &str, opts: &LoadOptions) -> Result<KeySet> {
    let bytes = match parse_reference(reference)? {
        Source::Url(url) if !opts.allow_url => {
            return Err(error::usage(format!(
                "{url}: a key URL is accepted by verify and inspect only"
            )));
        }
        Source::Url(url) => {
            return crate::keys::remote::fetch(url, opts.kid.as_deref(), opts.no_cache)
                .with_context(|| format!("key {}", crate::io::http::shown_text(url)));
        }
        Source::Stdin => files::read_stdin_limited(MAX_KEY_BYTES, "key from stdin")?,
        Source::File(path) => {
            // A KEY that names no file may be a secret typed in by mistake: never echo it.
            if std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
                return Err(error::runtime(
                    "the KEY given is not an existing file, nor env:NAME, -, prompt or a key \
                     URL (its value is not shown: it may be a secret)",
                ));
            }
            let bytes = files::read_file_limited(path, MAX_KEY_BYTES, "key file")?;
            let set = recognise(&bytes, opts).with_context(|| format!("key {reference}"))?;
            warn_if_exposed(path, &set);
            return Ok(set);
        }
        Source::Env(name) => {
            use std::os::unix::ffi::OsStringExt;
            std::env::var_os(name)
                .ok_or_else(|| error::runtime(format!("environment variable {name} is not set")))?
                .into_vec()
        }
        Source::Prompt => prompt_secret("Secret: ")
            .map_err(|_| {
                error::runtime(
                    "cannot ask for the secret: no terminal (give the key as a file, env:NAME, or - for stdin)",
                )
            })?
            .into_bytes(),
    };
    recognise(&bytes, opts).with_context(|| format!("key {reference}"))
}

/// Warns (once per file) when a file holding a private key or a secret may be read or
/// changed by other users, as ssh does for private keys.
fn warn_if_exposed(path: &Path, set: &KeySet) {
    use std::os::unix::fs::PermissionsExt;
    static WARNED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o066 == 0 || !set.keys.iter().any(|k| k.private) {
        return;
    }
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned.iter().any(|p| p == path) {
        return;
    }
    warned.push(path.to_path_buf());
    let how = match (mode & 0o044 != 0, mode & 0o022 != 0) {
        (true, true) => "readable and writable",
        (true, false) => "readable",
        _ => "writable",
    };
    let shown = crate::io::sanitize::for_terminal(&path.to_string_lossy()).into_owned();
    crate::io::output::warn(&format!(
        "key file {shown} holds a private key and is {how} by other users (mode {mode:04o}); \
         chmod 600 {shown}"
    ));
}

/// Loads an optional KEY (`--verify-key`, inspect's `--key`).
pub fn load_optional(reference: Option<&str>, opts: &LoadOptions) -> Result<Option<KeySet>> {
    reference.map(|r| load(r, opts)).transpose()
}

/// Loads KEY and requires exactly one key (see [`KeySet::single`]).
pub fn load_one(reference: &str, opts: &LoadOptions, kid: Option<&str>) -> Result<Key> {
    load(reference, opts)?
        .single(kid)
        .with_context(|| format!("key {reference}"))
}
