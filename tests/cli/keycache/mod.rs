//! Keys made once per test binary with `jwtctl keygen`, kept in a directory under the
//! target dir, and shared by every test of the binary (RSA generation is the slow part).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

struct Cache {
    dir: tempfile::TempDir,
    made: Mutex<HashMap<String, String>>,
}

/// Removes key directories left by earlier runs (a static is never dropped, so each run
/// leaves its directory behind); only those over an hour old, so a concurrent run keeps its.
fn sweep_old_runs(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if old
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with("jwtctl-keys-")
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| {
        sweep_old_runs(Path::new(env!("CARGO_TARGET_TMPDIR")));
        new_cache()
    })
}

fn new_cache() -> Cache {
    Cache {
        dir: tempfile::Builder::new()
            .prefix("jwtctl-keys-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("key cache directory"),
        made: Mutex::new(HashMap::new()),
    }
}

/// The directory keys and scratch files live in.
pub fn dir() -> &'static Path {
    cache().dir.path()
}

/// The path of a private JWK made by `jwtctl keygen ARGS -o FILE` (made once).
pub fn key(args: &[&str]) -> String {
    let name: String = args
        .join("_")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut made = cache().made.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = made.get(&name) {
        return path.clone();
    }
    let path = dir().join(format!("{name}.json"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .arg("keygen")
        .args(args)
        .arg("-o")
        .arg(&path)
        .output()
        .expect("keygen runs");
    assert!(
        out.status.success(),
        "keygen {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = path.to_str().unwrap().to_string();
    made.insert(name, path.clone());
    path
}

/// The key for an algorithm (`keygen --alg ALG`), with its `alg`.
pub fn for_alg(alg: &str) -> String {
    key(&["--alg", alg])
}

/// The one RSA key of the test binary: 2048 bits, no `alg` (so any RSA algorithm uses it
/// with `--alg`).
pub fn rsa() -> String {
    key(&["--kty", "RSA"])
}

/// The JWK at `path`.
pub fn jwk(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The public half of a JWK (its private members removed).
pub fn public_jwk(path: &str) -> Value {
    let mut jwk = jwk(path);
    let map = jwk.as_object_mut().unwrap();
    for name in ["d", "p", "q", "dp", "dq", "qi"] {
        map.remove(name);
    }
    jwk
}

/// The secret bytes of an `oct` JWK.
pub fn secret(path: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(jwk(path)["k"].as_str().expect("an oct key"))
        .unwrap()
}

/// Writes a file in the cache directory (unique per call site through `name`), mode 0600
/// as key files should be.
pub fn scratch(name: &str, content: impl AsRef<[u8]>) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path: PathBuf = dir().join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.to_str().unwrap().to_string()
}
