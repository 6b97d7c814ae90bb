//! KEY as the URL of a JWK Set (verify and inspect): fetched with a timeout and a size
//! limit, and cached for a short time.

use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error;
use crate::io::files;
use crate::io::output;
use crate::keys::recognise::from_json;
use crate::keys::{Key, KeySet};

/// JWK Set URLs: how long one fetch may take, how large the answer may be, and how long
/// a fetched set is reused from the cache.
const JWKS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const JWKS_MAX_BYTES: u64 = 1024 * 1024;
pub const JWKS_CACHE_SECONDS: u64 = 300;
/// A cached set that lacks the token's kid is fetched again only when it is at least this
/// old: keys rotated in are found, and a stream of made-up kids cannot hammer the server.
pub const JWKS_REFETCH_SECONDS: u64 = 60;
/// The path that makes a key URL an OpenID Connect discovery document.
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Where fetched JWK Sets are cached: `$XDG_CACHE_HOME/jwtctl/jwks`, else
/// `~/.cache/jwtctl/jwks`; none when neither is set. A relative path is ignored (the XDG
/// Base Directory spec says such a value is invalid; it would put the cache wherever the
/// command happens to run).
fn jwks_cache_dir() -> Option<PathBuf> {
    let absolute = |value: std::ffi::OsString| {
        let path = PathBuf::from(value);
        path.is_absolute().then_some(path)
    };
    let base = std::env::var_os("XDG_CACHE_HOME")
        .and_then(absolute)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(absolute)
                .map(|h| h.join(".cache"))
        })?;
    Some(base.join("jwtctl").join("jwks"))
}

/// Why a cache directory or file may not be trusted: someone else could have put keys in it.
fn untrusted(meta: &std::fs::Metadata) -> Option<&'static str> {
    if meta.uid() != rustix::process::geteuid().as_raw() {
        return Some("it is owned by another user");
    }
    if meta.mode() & 0o022 != 0 {
        return Some("others may write to it");
    }
    None
}

fn shown(path: &Path) -> String {
    crate::io::sanitize::for_terminal(&path.to_string_lossy()).into_owned()
}

/// The cache directory (created 0700 when missing) when it and its parent `jwtctl` are the
/// current user's and nobody else may write to them; else none, with a warning.
fn usable_cache_dir() -> Option<PathBuf> {
    let dir = jwks_cache_dir()?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .ok()?;
    for path in [dir.parent()?, dir.as_path()] {
        let meta = std::fs::metadata(path).ok()?;
        if let Some(why) = untrusted(&meta) {
            output::warn(&format!(
                "not using the JWK Set cache {}: {why}; fetching the set",
                shown(path)
            ));
            return None;
        }
    }
    Some(dir)
}

/// A set cached less than [`JWKS_CACHE_SECONDS`] ago, if the file can be trusted. It is
/// opened without following a symlink and without blocking (a FIFO must not hang the
/// command), and must be a regular file of the current user's that others cannot write.
fn read_cached(path: &Path) -> Option<(KeySet, u64)> {
    let refuse = |why: &str| {
        output::warn(&format!(
            "not using the cached JWK Set {}: {why}; fetching it again",
            shown(path)
        ));
    };
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            refuse("it is a symlink");
            return None;
        }
        Err(e) => {
            refuse(&files::io_reason(&e).to_lowercase());
            return None;
        }
    };
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        refuse("it is not a regular file");
        return None;
    }
    if let Some(why) = untrusted(&meta) {
        refuse(why);
        return None;
    }
    let age = meta
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .map(|age| age.as_secs())
        .filter(|&age| age < JWKS_CACHE_SECONDS)?;
    let bytes = files::read_limited(file, JWKS_MAX_BYTES, "cached JWK Set").ok()?;
    recognise_remote(&bytes).ok().map(|set| (set, age))
}

/// GETs a key document (a JWK Set, or an OpenID Connect discovery document) with the
/// timeout and size limit of key URLs. `what` names it in errors.
fn get(target: &url::Url, what: &str) -> Result<Vec<u8>> {
    let agent = crate::io::http::agent(target, None, false, JWKS_TIMEOUT)?;
    // The request goes to the URL as parsed and checked, not to a second reading of the text.
    let mut response = agent.get(target.as_str()).call().map_err(|e| {
        error::runtime(format!(
            "cannot fetch the {what}: {}",
            crate::error::one_line(&anyhow::anyhow!(e))
        ))
    })?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(error::runtime(format!(
            "fetching the {what} answered HTTP {status}"
        )));
    }
    response
        .body_mut()
        .with_config()
        .limit(JWKS_MAX_BYTES)
        .read_to_vec()
        .map_err(|e| error::runtime(format!("cannot read the {what}: {e}")))
}

/// The JWK Set a key URL names: the document itself, or for an OpenID Connect discovery
/// URL (`…/.well-known/openid-configuration`), the set at its `jwks_uri` — which must pass
/// the same checks as a key URL given by hand (https, no user:password@).
fn get_set(target: &url::Url) -> Result<Vec<u8>> {
    if !target.path().ends_with(DISCOVERY_PATH) {
        return get(target, "JWK Set");
    }
    let what = "OpenID Connect discovery document";
    let bytes = get(target, what)?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| error::runtime(format!("the {what} is not JSON")))?;
    let jwks_uri = doc
        .get("jwks_uri")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| error::runtime(format!("the {what} has no \"jwks_uri\" string")))?;
    let jwks = crate::io::http::check_key_url(jwks_uri)
        .map_err(|e| error::runtime(format!("its jwks_uri: {}", error::one_line(&e))))?;
    get(&jwks, "JWK Set")
}

fn has_kid(set: &KeySet, kid: Option<&str>) -> bool {
    kid.is_none_or(|kid| set.keys.iter().any(|k| k.kid() == Some(kid)))
}

/// A JWK Set from a URL: from the cache when fetched less than five minutes ago, else
/// fetched with a timeout and a size limit. A cached set without `kid` is fetched again
/// when it is a minute old or more; `no_cache` always fetches. Keys named by a token
/// (`jku`, `x5u`) never come here: only a KEY the user gave.
pub fn fetch(url: &str, kid: Option<&str>, no_cache: bool) -> Result<KeySet> {
    let cached = usable_cache_dir().map(|dir| {
        dir.join(format!(
            "{}.json",
            hex::encode(openssl::sha::sha256(url.as_bytes()))
        ))
    });
    if !no_cache && let Some((set, age)) = cached.as_deref().and_then(read_cached) {
        if has_kid(&set, kid) {
            return Ok(set);
        }
        if age < JWKS_REFETCH_SECONDS {
            output::note(&format!(
                "the JWK Set cached {age}s ago has no key with the token's kid; it is fetched \
                 again once it is {JWKS_REFETCH_SECONDS}s old (--no-cache fetches it now)"
            ));
            return Ok(set);
        }
    }
    let target = crate::io::http::check_key_url(url)?;
    let bytes = get_set(&target)?;
    let set = recognise_remote(&bytes)?;
    if let Some(path) = &cached {
        // A cache that cannot be written only costs a fetch next time. The file is 0600,
        // and never written over anything but a regular file or symlink.
        let _ = files::write_atomic(path, &bytes, files::Mode::Secret, true);
    }
    Ok(set)
}

/// A fetched document must be a JWK Set or a JWK, and public: never a secret.
fn recognise_remote(bytes: &[u8]) -> Result<KeySet> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| error::runtime("the JWK Set is not UTF-8 JSON"))?
        .trim();
    if !text.starts_with('{') {
        return Err(error::runtime("the URL did not answer a JWK Set"));
    }
    let set = from_json(text)?;
    if set.keys.iter().any(Key::is_symmetric) {
        return Err(error::runtime(
            "the JWK Set from the URL holds a secret (oct) key; refusing it",
        ));
    }
    Ok(set)
}
