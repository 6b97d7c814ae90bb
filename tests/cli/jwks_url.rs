//! KEY as the URL of a JWK Set (verify and inspect): fetched once, cached, never a secret.

use crate::common;

use common::*;
use predicates::prelude::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
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

#[test]
fn a_jwks_url_verifies_by_kid_and_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("es.json");
    jwtctl()
        .args(["keygen", "--alg", "ES256", "--kid", "k1", "-o"])
        .arg(&private)
        .assert()
        .success();
    let public = stdout_of(jwtctl().arg("keygen").arg("--public").arg(&private));
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

#[test]
fn loopback_key_urls_never_go_through_a_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("es.json");
    jwtctl()
        .args(["keygen", "--alg", "ES256", "--kid", "k1", "-o"])
        .arg(&private)
        .assert()
        .success();
    let public = stdout_of(jwtctl().arg("keygen").arg("--public").arg(&private));
    let (url, hits) = serve(format!("{{\"keys\":[{public}]}}"));
    // The "proxy" answers a key set of its own: a token it signed must not verify.
    let other = dir.path().join("other.json");
    jwtctl()
        .args(["keygen", "--alg", "ES256", "--kid", "k1", "-o"])
        .arg(&other)
        .assert()
        .success();
    let other_public = stdout_of(jwtctl().arg("keygen").arg("--public").arg(&other));
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
