//! KEY as the URL of a JWK Set (verify and inspect): fetched with a timeout and a size
//! limit, and cached for a short time.

use std::path::Path;

use anyhow::Result;

use crate::error;
use crate::files;
use crate::keys::{Key, KeySet, from_json};

/// JWK Set URLs: how long one fetch may take, how large the answer may be, and how long
/// a fetched set is reused from the cache.
const JWKS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const JWKS_MAX_BYTES: u64 = 1024 * 1024;
pub const JWKS_CACHE_SECONDS: u64 = 300;

/// Where fetched JWK Sets are cached: `$XDG_CACHE_HOME/jwtctl/jwks`, else
/// `~/.cache/jwtctl/jwks`; none when neither is set.
fn jwks_cache_dir() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join("jwtctl").join("jwks"))
}

/// A JWK Set from a URL: from the cache when fetched less than five minutes ago, else
/// fetched with a timeout and a size limit. Keys named by a token (`jku`, `x5u`) never
/// come here: only a KEY the user gave.
pub fn fetch(url: &str) -> Result<KeySet> {
    let cached = jwks_cache_dir().map(|dir| {
        dir.join(format!(
            "{}.json",
            hex::encode(openssl::sha::sha256(url.as_bytes()))
        ))
    });
    if let Some(path) = &cached
        && let Ok(meta) = std::fs::metadata(path)
        && meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age.as_secs() < JWKS_CACHE_SECONDS)
        && let Ok(bytes) = files::read_file_limited(path, JWKS_MAX_BYTES, "cached JWK Set")
        && let Ok(set) = recognise_remote(&bytes)
    {
        return Ok(set);
    }
    let agent = crate::http::agent(None, false, JWKS_TIMEOUT)?;
    let mut response = agent.get(url).call().map_err(|e| {
        error::runtime(format!(
            "cannot fetch the JWK Set: {}",
            crate::error::one_line(&anyhow::anyhow!(e))
        ))
    })?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(error::runtime(format!(
            "fetching the JWK Set answered HTTP {status}"
        )));
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(JWKS_MAX_BYTES)
        .read_to_vec()
        .map_err(|e| error::runtime(format!("cannot read the JWK Set: {e}")))?;
    let set = recognise_remote(&bytes)?;
    if let Some(path) = &cached
        && let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        // A cache that cannot be written only costs a fetch next time.
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
