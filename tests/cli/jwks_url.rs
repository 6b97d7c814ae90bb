//! KEY as the URL of a JWK Set (verify and inspect): fetched once, cached, never a secret.

use crate::common;

use common::*;
use predicates::prelude::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Serves `body` to every request on 127.0.0.1 and counts the requests.
fn serve(body: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, hits)
}

/// An ES256 key with kid k1 written to `dir/name`, and its public JWK.
fn es256_key(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, String) {
    let private = dir.join(name);
    jwtctl()
        .args(["keygen", "--alg", "ES256", "--kid", "k1", "-o"])
        .arg(&private)
        .assert()
        .success();
    let public = stdout_of(jwtctl().arg("keygen").arg("--public").arg(&private));
    (private, public)
}

#[test]
fn a_jwks_url_verifies_by_kid_and_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let (private, public) = es256_key(dir.path(), "es.json");
    let (url, hits) = serve(format!("{{\"keys\":[{public}]}}"));
    let token = stdout_of(
        jwtctl()
            .arg("issue")
            .arg("--key")
            .arg(&private)
            .args(["--sub", "alice"]),
    );
    let cache = dir.path().join("cache");
    for _ in 0..2 {
        let claims = json_of(
            jwtctl()
                .args(["verify", "--json", "--key", &url, token.trim()])
                .env("XDG_CACHE_HOME", &cache),
        );
        assert_eq!(claims["claims"]["sub"], "alice");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the second run used the cache"
    );
    let report = json_of(
        jwtctl()
            .args(["inspect", "--json", "--key", &url, token.trim()])
            .env("XDG_CACHE_HOME", &cache),
    );
    assert_eq!(report["verification"]["valid"], true);
}

#[test]
fn urls_are_for_verify_and_inspect_only_and_never_secrets() {
    let (url, _) = serve(
        r#"{"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}"#.to_string(),
    );
    let cache = tempfile::tempdir().unwrap();
    let token = "eyJhbGciOiJIUzI1NiJ9.e30.ZRAkdKWbvDrRinvLUYOQtlSpc_fo2LHZNeTcGRs9Vh8";
    jwtctl()
        .args(["verify", "--key", &url, token])
        .env("XDG_CACHE_HOME", cache.path())
        .assert()
        .code(1)
        .stderr(format!(
            "error: key {url}: the JWK Set from the URL holds a secret (oct) key; refusing it\n"
        ));
    jwtctl()
        .args(["decrypt", "--key", &url, token])
        .assert()
        .code(2)
        .stderr(format!(
            "error: {url}: a key URL is accepted by verify and inspect only\n"
        ));
    jwtctl()
        .args(["verify", "--key", "http://example.com/jwks.json", token])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a JWK Set URL must be https:// (plain http only on loopback)",
        ));
}

/// A signed token, and a JWK Set URL serving its public key.
struct Served {
    dir: tempfile::TempDir,
    token: String,
    url: String,
    hits: Arc<AtomicUsize>,
}

fn served() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let (private, public) = es256_key(dir.path(), "es.json");
    let (url, hits) = serve(format!("{{\"keys\":[{public}]}}"));
    let token = stdout_of(jwtctl().arg("issue").arg("--key").arg(&private))
        .trim()
        .to_string();
    Served {
        dir,
        token,
        url,
        hits,
    }
}

impl Served {
    /// `verify --key URL TOKEN` with this cache home; asserts success, returns stderr.
    fn verify(&self, cache_home: &std::path::Path) -> String {
        let out = jwtctl()
            .args(["verify", "--key", &self.url, &self.token])
            .env("XDG_CACHE_HOME", cache_home)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stderr)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Where the set of this URL is cached under `cache_home`.
    fn cache_file(&self, cache_home: &std::path::Path) -> std::path::PathBuf {
        use sha2::Digest;
        cache_home.join("jwtctl/jwks").join(format!(
            "{}.json",
            hex::encode(sha2::Sha256::digest(self.url.as_bytes()))
        ))
    }
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_cache_file_others_could_have_written_is_not_used() {
    let s = served();
    let home = s.dir.path().join("cache");
    assert_eq!(s.verify(&home), "");
    let file = s.cache_file(&home);
    let refetch = format!(
        "warning: not using the cached JWK Set {}: others may write to it; fetching it again\n",
        file.display()
    );
    chmod(&file, 0o666);
    assert_eq!(s.verify(&home), refetch);
    assert_eq!(s.hits(), 2, "fetched again");
    // The fetch replaced it with a private file: the next run uses the cache.
    assert_eq!(s.verify(&home), "");
    assert_eq!(s.hits(), 2);
    // A symlink to a set (even one of ours) is not followed.
    let elsewhere = s.dir.path().join("elsewhere.json");
    std::fs::rename(&file, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &file).unwrap();
    assert_eq!(
        s.verify(&home),
        format!(
            "warning: not using the cached JWK Set {}: it is a symlink; fetching it again\n",
            file.display()
        )
    );
    assert_eq!(s.hits(), 3);
    // Owned by another user (only root can arrange that here).
    if std::fs::metadata(&file).unwrap().uid() == 0 {
        std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
        assert_eq!(
            s.verify(&home),
            format!(
                "warning: not using the cached JWK Set {}: it is owned by another user; \
                 fetching it again\n",
                file.display()
            )
        );
        assert_eq!(s.hits(), 4);
    }
}

#[test]
fn a_fifo_in_the_cache_does_not_hang_verify() {
    let s = served();
    let home = s.dir.path().join("cache");
    assert_eq!(s.verify(&home), "");
    let file = s.cache_file(&home);
    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .unwrap();
    assert!(made.success());
    let warning = format!(
        "warning: not using the cached JWK Set {}: it is not a regular file; fetching it again\n",
        file.display()
    );
    assert_eq!(s.verify(&home), warning);
    assert_eq!(s.hits(), 2);
    assert!(
        std::fs::symlink_metadata(&file)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the FIFO is left alone"
    );
}

#[test]
fn a_cache_directory_others_may_write_is_not_used() {
    let s = served();
    let home = s.dir.path().join("cache");
    assert_eq!(s.verify(&home), "");
    let jwks = home.join("jwtctl/jwks");
    let warning = format!(
        "warning: not using the JWK Set cache {}: others may write to it; fetching the set\n",
        jwks.display()
    );
    chmod(&jwks, 0o777);
    assert_eq!(s.verify(&home), warning);
    assert_eq!(s.verify(&home), warning);
    assert_eq!(s.hits(), 3, "fetched every time");
    chmod(&jwks, 0o700);
    chmod(&home.join("jwtctl"), 0o775);
    assert_eq!(
        s.verify(&home),
        format!(
            "warning: not using the JWK Set cache {}: others may write to it; fetching the set\n",
            home.join("jwtctl").display()
        )
    );
}

#[test]
fn a_relative_xdg_cache_home_is_ignored() {
    let s = served();
    let work = s.dir.path().join("work");
    let home = s.dir.path().join("home");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    jwtctl()
        .args(["verify", "--key", &s.url, &s.token])
        .current_dir(&work)
        .env("XDG_CACHE_HOME", "relative-cache")
        .env("HOME", &home)
        .assert()
        .success();
    assert!(!work.join("relative-cache").exists());
    assert!(s.cache_file(&home.join(".cache")).is_file());
    // Created private: the directories are the user's alone.
    let mode = std::fs::metadata(home.join(".cache/jwtctl/jwks"))
        .unwrap()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[test]
fn loopback_key_urls_never_go_through_a_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let (private, public) = es256_key(dir.path(), "es.json");
    let (url, hits) = serve(format!("{{\"keys\":[{public}]}}"));
    // The "proxy" answers a key set of its own: a token it signed must not verify.
    let (_other, other_public) = es256_key(dir.path(), "other.json");
    let (proxy, proxy_hits) = serve(format!("{{\"keys\":[{other_public}]}}"));
    let proxy = proxy.trim_end_matches("/jwks.json").to_string();
    let token = stdout_of(
        jwtctl()
            .arg("issue")
            .arg("--key")
            .arg(&private)
            .args(["--sub", "alice"]),
    );
    let claims = json_of(
        jwtctl()
            .args(["verify", "--json", "--key", &url, token.trim()])
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("HTTP_PROXY", &proxy)
            .env("http_proxy", &proxy)
            .env("HTTPS_PROXY", &proxy)
            .env("ALL_PROXY", &proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy"),
    );
    assert_eq!(claims["claims"]["sub"], "alice");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert_eq!(proxy_hits.load(Ordering::SeqCst), 0);
}
