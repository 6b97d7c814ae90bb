//! `jwtctl serve` and `jwtctl login` against each other, on loopback only: the JWE (dir +
//! A256GCM) and JWS (HS256) flows, every error status, restarts with a key file and an
//! ephemeral key, and `login`'s token search against a tiny in-test HTTP responder.

use crate::common;

use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

const PASSWORD: &str = "correct horse battery staple";

/// A `jwtctl serve` child on 127.0.0.1:0; killed on drop (also when a test panics).
struct Server {
    child: Option<Child>,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("jwtctl"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready, wait) = mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = ready.send(addr.to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child: Some(child),
            port: 0,
            log,
        };
        let addr = match wait.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => panic!("serve did not start: {:?}", server.log()),
        };
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        server.port = addr.rsplit(':').next().unwrap().parse().unwrap();
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, then the exit status (a clean stop is exit 0).
    fn stop(mut self) -> (ExitStatus, Vec<String>) {
        let mut child = self.child.take().unwrap();
        let pid = nix::unistd::Pid::from_raw(child.id().try_into().unwrap());
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM sent");
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("serve did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // Let the reader thread take the last lines.
        std::thread::sleep(Duration::from_millis(100));
        (status, self.log())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A raw HTTP/1.1 exchange: (status, head, body), header names in the head lowercased (they
/// are case-insensitive; hyper sends them lowercase).
fn http(port: u16, request: &[u8]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let head = head
        .lines()
        .map(|line| match line.split_once(':') {
            Some((name, value)) => format!("{}:{value}", name.to_ascii_lowercase()),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    (status, head, body.to_string())
}

fn get(port: u16, path: &str, token: Option<&str>) -> (u16, String, String) {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    http(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n").as_bytes(),
    )
}

fn post(port: u16, path: &str, content_type: &str, body: &str) -> (u16, String, String) {
    http(
        port,
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

fn json_body(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A temporary directory with a users file holding alice, and a key made by keygen.
struct Setup {
    dir: tempfile::TempDir,
    users: String,
    key: String,
}

impl Setup {
    fn new(keygen: &[&str]) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let users = dir.path().join("users.txt").to_str().unwrap().to_string();
        add_user(&users, "alice", PASSWORD);
        let key = dir.path().join("key.json").to_str().unwrap().to_string();
        jwtctl()
            .arg("keygen")
            .args(keygen)
            .args(["-o", &key])
            .assert()
            .success();
        Setup { dir, users, key }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn add_user(users: &str, name: &str, password: &str) {
    jwtctl()
        .args([
            "serve",
            "add-user",
            "--users",
            users,
            name,
            "--password-stdin",
        ])
        .write_stdin(format!("{password}\n"))
        .assert()
        .success();
}

/// Bytes and modification time, to show a file was left alone.
fn snapshot(path: &str) -> (Vec<u8>, SystemTime) {
    (
        std::fs::read(path).unwrap(),
        std::fs::metadata(path).unwrap().modified().unwrap(),
    )
}

/// `jwtctl login` with the password on stdin; returns (exit code, stdout, stderr).
fn login(url: &str, user: &str, password: &str, extra: &[&str]) -> (i32, String, String) {
    let out = jwtctl()
        .args(["login", url, "--user", user, "--password-stdin"])
        .args(extra)
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .write_stdin(format!("{password}\n"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Flips one character in the middle of the token's last-but-one part.
fn tamper(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let n = parts.len() - 2;
    let part = &mut parts[n];
    let i = part.len() / 2;
    let c = part.as_bytes()[i];
    let flipped = if c == b'A' { 'B' } else { 'A' };
    part.replace_range(i..=i, &flipped.to_string());
    parts.join(".")
}

/// The whole flow for one kind of token: login with --probe, inspect, check with the key,
/// /whoami, tampered and expired tokens, files untouched, restart keeps sessions.
fn flow(keygen: &[&str], kind: &str, check_cmd: &str) {
    let setup = Setup::new(keygen);
    let users_before = snapshot(&setup.users);
    let key_before = snapshot(&setup.key);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);

    let (code, stdout, stderr) = login(
        &server.url("/login"),
        "alice",
        PASSWORD,
        &["--probe", &server.url("/whoami")],
    );
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the token on stdout: {stdout}");
    let token = lines[0].to_string();
    assert!(
        stderr.contains(&format!("{kind} ")),
        "inspection on stderr: {stderr}"
    );
    assert!(stderr.contains("probe: GET "), "{stderr}");
    assert!(stderr.contains("HTTP 200 OK"), "{stderr}");
    assert!(stderr.contains("\"sub\": \"alice\""), "{stderr}");
    assert!(!stderr.contains(PASSWORD));

    // It inspects, and checks with the server's key.
    let report = json_of(jwtctl().args(["inspect", "--json", &token]));
    assert_eq!(report["type"], kind);
    let claims = json_of(jwtctl().args([check_cmd, "--key", &setup.key, &token]));
    assert_eq!(claims["sub"], "alice");
    let ttl = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(ttl, 900, "default --ttl 15m");
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));

    // /whoami answers the verified claims.
    let (status, _, body) = get(server.port, "/whoami", Some(&token));
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_body(&body)["sub"], "alice");

    // A tampered token is refused.
    let (status, head, body) = get(server.port, "/whoami", Some(&tamper(&token)));
    assert_eq!(status, 401, "{body}");
    assert!(head.contains("www-authenticate: Bearer realm=\"jwtctl\", error=\"invalid_token\""));
    assert_eq!(json_body(&body)["error"], "invalid_token");

    // An expired token minted with the same key is refused.
    let mut issue = jwtctl();
    issue.args([
        "issue", "--key", &setup.key, "--sub", "alice", "--exp", "-1m",
    ]);
    let expired = stdout_of(&mut issue).trim().to_string();
    let (status, _, body) = get(server.port, "/whoami", Some(&expired));
    assert_eq!(status, 401, "{body}");
    assert!(
        json_body(&body)["error_description"]
            .as_str()
            .unwrap()
            .starts_with("token expired at")
    );

    // The access log has one line per request, and no secrets.
    let (status, log) = server.stop();
    assert!(status.success(), "clean stop: {status:?} {log:?}");
    assert_eq!(log.last().map(String::as_str), Some("stopped"));
    let access: Vec<&String> = log.iter().filter(|l| l.starts_with("20")).collect();
    assert_eq!(access.len(), 5, "{log:?}");
    assert!(access[0].contains("POST /login 200") && access[0].ends_with("user=alice"));
    for line in &log {
        assert!(!line.contains("eyJ") && !line.contains(PASSWORD), "{line}");
    }

    // Serving never wrote the users file or the key.
    assert_eq!(snapshot(&setup.users), users_before);
    assert_eq!(snapshot(&setup.key), key_before);

    // A restart with the same key still accepts the earlier token.
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    let (status, _, body) = get(server.port, "/whoami", Some(&token));
    assert_eq!(status, 200, "{body}");
    assert!(server.stop().0.success());
}

#[test]
fn jwe_dir_a256gcm_flow() {
    flow(&["--alg", "dir", "--enc", "A256GCM"], "JWE", "decrypt");
}

#[test]
fn jws_hs256_flow() {
    flow(&["--alg", "HS256"], "JWS", "verify");
}

#[test]
fn wrong_password_and_unknown_user_get_the_same_401() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    let (code, stdout, stderr) = login(&server.url("/login"), "alice", "wrong password", &[]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("HTTP 401 Unauthorized"), "{stderr}");
    assert!(stderr.contains("error: login failed: the server answered 401 Unauthorized"));
    assert!(
        !stderr.contains("wrong password"),
        "the password is masked: {stderr}"
    );

    let wrong = post(
        server.port,
        "/login",
        "application/json",
        &json!({"username": "alice", "password": "nope"}).to_string(),
    );
    let unknown = post(
        server.port,
        "/login",
        "application/json",
        &json!({"username": "mallory", "password": "nope"}).to_string(),
    );
    assert_eq!(wrong.0, 401);
    assert_eq!((wrong.0, &wrong.2), (unknown.0, &unknown.2));
    assert!(wrong.1.contains("www-authenticate: Bearer"));
    assert_eq!(json_body(&wrong.2)["error"], "invalid_credentials");
    assert!(server.stop().0.success());
}

#[test]
fn errors_have_the_right_status() {
    let setup = Setup::new(&["--alg", "HS256"]);
    // A raw 64-byte secret with no "alg" of its own: the server is told HS256.
    let raw = write(setup.dir.path(), "raw.txt", "0123456789abcdef".repeat(4));
    let server = Server::start(&["--users", &setup.users, "--key", &raw, "--alg", "HS256"]);
    let port = server.port;

    let big = format!(
        "{{\"username\":\"alice\",\"password\":\"{}\"}}",
        "x".repeat(17 * 1024)
    );
    let (status, _, body) = post(port, "/login", "application/json", &big);
    assert_eq!(status, 413, "{body}");
    assert_eq!(json_body(&body)["error"], "request_too_large");

    let (status, _, body) = get(port, "/nothing", None);
    assert_eq!(status, 404);
    assert_eq!(json_body(&body)["error"], "not_found");

    let (status, head, _) = get(port, "/login", None);
    assert_eq!(status, 405);
    assert!(head.contains("allow: POST"), "{head}");
    let (status, head, _) = post(port, "/whoami", "application/json", "{}");
    assert_eq!(status, 405);
    assert!(head.contains("allow: GET, HEAD"), "{head}");

    let (status, _, body) = post(port, "/login", "application/json", "{not json");
    assert_eq!(status, 400);
    assert_eq!(json_body(&body)["error"], "invalid_request");
    let (status, _, _) = post(
        port,
        "/login",
        "application/json",
        r#"{"username":"alice"}"#,
    );
    assert_eq!(status, 400);
    let (status, _, _) = post(port, "/login", "text/plain", "alice");
    assert_eq!(status, 415);

    let (status, head, body) = get(port, "/whoami", None);
    assert_eq!(status, 401);
    assert!(head.contains("www-authenticate: Bearer realm=\"jwtctl\""));
    assert_eq!(json_body(&body)["error"], "unauthorized");
    let (status, _, body) = get(port, "/whoami", Some("not-a-token"));
    assert_eq!(status, 401);
    assert_eq!(json_body(&body)["error"], "invalid_token");

    // A JWS signed with another algorithm by the same secret is not accepted.
    let mut issue = jwtctl();
    issue.args(["issue", "--key", &raw, "--alg", "HS512", "--sub", "alice"]);
    let (status, _, body) = get(port, "/whoami", Some(stdout_of(&mut issue).trim()));
    assert_eq!(status, 401, "{body}");

    // Query strings never reach the log.
    let _ = get(port, "/whoami?access_token=secret-in-query", None);
    let (status, log) = server.stop();
    assert!(status.success());
    assert!(log.iter().any(|l| l.contains("GET /whoami 401")));
    assert!(
        !log.iter().any(|l| l.contains("secret-in-query")),
        "{log:?}"
    );
}

#[test]
fn form_login_works() {
    let setup = Setup::new(&["--alg", "dir", "--enc", "A256GCM"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    let (code, stdout, stderr) = login(&server.url("/login"), "alice", PASSWORD, &["--form"]);
    assert_eq!(code, 0, "{stderr}");
    let (status, _, body) = get(server.port, "/whoami", Some(stdout.trim()));
    assert_eq!(
        (status, json_body(&body)["sub"].clone()),
        (200, json!("alice"))
    );
    // The raw form, with a percent-encoded password.
    let form = format!("username=alice&password={}", PASSWORD.replace(' ', "+"));
    let (status, _, body) = post(
        server.port,
        "/login",
        "application/x-www-form-urlencoded",
        &form,
    );
    assert_eq!(status, 200, "{body}");
    let answer = json_body(&body);
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 900);

    // The password from an environment variable; no user name and no terminal: usage error.
    let out = jwtctl()
        .args(["login", &server.url("/login"), "--user", "alice"])
        .args(["--password-env", "JWTCTL_TEST_PASSWORD"])
        .env("JWTCTL_TEST_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    jwtctl()
        .args(["login", &server.url("/login"), "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .code(2)
        .stderr("error: give the user name with --user NAME\n");
    assert!(server.stop().0.success());
}

#[test]
fn short_ttl_tokens_expire() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key, "--ttl", "1s"]);
    let (code, stdout, stderr) = login(&server.url("/login"), "alice", PASSWORD, &[]);
    assert_eq!(code, 0, "{stderr}");
    std::thread::sleep(Duration::from_millis(2100));
    let (status, _, body) = get(server.port, "/whoami", Some(stdout.trim()));
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("token expired at"), "{body}");
    assert!(server.stop().0.success());
}

#[test]
fn ephemeral_keys_die_with_the_process() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&["--users", &setup.users, "--ephemeral-key"]);
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("every token dies with this process"))
    );
    let (code, stdout, stderr) = login(&server.url("/login"), "alice", PASSWORD, &[]);
    assert_eq!(code, 0, "{stderr}");
    let token = stdout.trim().to_string();
    assert_eq!(get(server.port, "/whoami", Some(&token)).0, 200);
    assert!(server.stop().0.success());

    let server = Server::start(&["--users", &setup.users, "--ephemeral-key"]);
    let (status, _, body) = get(server.port, "/whoami", Some(&token));
    assert_eq!(status, 401, "{body}");
    assert!(server.stop().0.success());
}

#[test]
fn iss_and_aud_are_set_and_required() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&[
        "--users",
        &setup.users,
        "--key",
        &setup.key,
        "--iss",
        "https://issuer.test",
        "--aud",
        "api",
    ]);
    let (code, stdout, stderr) = login(&server.url("/login"), "alice", PASSWORD, &["--json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["inspection"]["claims"]["iss"], "https://issuer.test");
    assert_eq!(doc["inspection"]["claims"]["aud"], "api");
    assert_eq!(doc["probe"], Value::Null);
    let token = doc["token"].as_str().unwrap();
    assert_eq!(get(server.port, "/whoami", Some(token)).0, 200);

    let mut issue = jwtctl();
    issue.args([
        "issue",
        "--key",
        &setup.key,
        "--sub",
        "alice",
        "--iss",
        "https://issuer.test",
        "--aud",
        "other",
    ]);
    let (status, _, body) = get(server.port, "/whoami", Some(stdout_of(&mut issue).trim()));
    assert_eq!(status, 401);
    assert!(body.contains("does not include"), "{body}");
    assert!(server.stop().0.success());
}

#[test]
fn login_with_key_out_file_and_force() {
    let setup = Setup::new(&["--alg", "dir", "--enc", "A256GCM"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    let out = setup.path("token.txt");
    let out_s = out.to_str().unwrap();
    let url = server.url("/login");

    let (code, stdout, stderr) =
        login(&url, "alice", PASSWORD, &["--key", &setup.key, "-o", out_s]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "-o takes the token off stdout");
    assert!(stderr.contains("key check: ok"), "{stderr}");
    assert!(
        stderr.contains("\"alice\"") || stderr.contains("alice"),
        "{stderr}"
    );
    let meta = std::fs::metadata(&out).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o600);
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with("eyJ") && first.ends_with('\n'));

    let (code, _, stderr) = login(&url, "alice", PASSWORD, &["-o", out_s]);
    assert_eq!(code, 1);
    assert!(stderr.contains("already exists; use --force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);

    let (code, _, stderr) = login(&url, "alice", PASSWORD, &["-o", out_s, "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(std::fs::read_to_string(&out).unwrap(), first);

    // The wrong key: not authentic, nothing on stdout.
    let other = setup.path("other.json");
    jwtctl()
        .args(["keygen", "--alg", "dir", "--enc", "A256GCM", "-o"])
        .arg(&other)
        .assert()
        .success();
    let (code, stdout, stderr) =
        login(&url, "alice", PASSWORD, &["--key", other.to_str().unwrap()]);
    assert_eq!(code, 4, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("error: decryption failed"), "{stderr}");
    assert!(server.stop().0.success());
}

#[test]
fn login_refuses_unreachable_servers_in_one_line() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (code, stdout, stderr) = login(
        &format!("http://127.0.0.1:{port}/login"),
        "alice",
        PASSWORD,
        &[],
    );
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: cannot reach http://127.0.0.1:{port}/login: "
        )),
        "{stderr}"
    );
    let (code, _, stderr) = login("ftp://127.0.0.1/login", "alice", PASSWORD, &[]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = login(
        "http://127.0.0.1:1/login",
        "alice",
        PASSWORD,
        &["--token-from", "xml:/a"],
    );
    assert_eq!(code, 2, "{stderr}");
}

/// Answers each connection with the next canned response, then stops.
fn responder(answers: Vec<String>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for answer in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            serve_one(stream, &answer);
        }
    });
    port
}

/// Reads one HTTP request (headers and a Content-Length body), writes `answer`, and hands
/// the stream back.
fn serve_one<S: Read + Write>(stream: S, answer: &str) -> S {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut stream = reader.into_inner();
    let _ = stream.write_all(answer.as_bytes());
    stream
}

fn answer(status: &str, headers: &[&str], body: &str) -> String {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

/// An HS256 token for bob, valid 5 minutes, under a fresh key in `dir`.
fn bob_token(dir: &Path) -> String {
    let key = keygen_file(dir, "HS256", "hs.json");
    stdout_of(jwtctl().args(["issue", "--key", &key, "--sub", "bob", "--exp", "5m"]))
        .trim()
        .to_string()
}

#[test]
fn login_finds_tokens_where_it_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let token = bob_token(dir.path());

    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--token-from", "json:/data/token"],
            answer(
                "200 OK",
                &["Content-Type: application/json"],
                &json!({"data": {"token": token}}).to_string(),
            ),
        ),
        (
            vec!["--token-from", "header:X-Token"],
            answer("200 OK", &[&format!("X-Token: {token}")], "ok"),
        ),
        (
            vec!["--token-from", "cookie:session"],
            answer(
                "200 OK",
                &[
                    "Set-Cookie: theme=dark",
                    &format!("Set-Cookie: session={token}; HttpOnly; Path=/"),
                ],
                "",
            ),
        ),
        (
            vec!["--token-from", "body"],
            answer("200 OK", &[], &format!("{token}\n")),
        ),
        // The default search: JSON fields, then the Authorization header, then the body.
        (
            vec![],
            answer(
                "200 OK",
                &[],
                &json!({"access_token": "opaque", "jwt": token}).to_string(),
            ),
        ),
        (
            vec![],
            answer("200 OK", &[&format!("Authorization: Bearer {token}")], "{}"),
        ),
        (vec![], answer("200 OK", &[], &format!("\"{token}\""))),
    ];
    for (flags, canned) in cases {
        let port = responder(vec![canned]);
        let (code, stdout, stderr) = login(
            &format!("http://127.0.0.1:{port}/login"),
            "bob",
            PASSWORD,
            &flags,
        );
        assert_eq!(code, 0, "{flags:?}: {stderr}");
        assert_eq!(stdout.trim(), token, "{flags:?}");
        assert!(
            stderr.contains("\"bob\"") || stderr.contains("bob"),
            "{stderr}"
        );
    }

    // Nothing to find: exit 1 and the answer shown. Not a token where told: exit 3.
    let port = responder(vec![answer("200 OK", &[], r#"{"ok":true}"#)]);
    let (code, _, stderr) = login(&format!("http://127.0.0.1:{port}/"), "bob", PASSWORD, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no token in the answer"), "{stderr}");
    let port = responder(vec![answer(
        "200 OK",
        &[],
        r#"{"data":{"token":"opaque"}}"#,
    )]);
    let (code, _, stderr) = login(
        &format!("http://127.0.0.1:{port}/"),
        "bob",
        PASSWORD,
        &["--token-from", "json:/data/token"],
    );
    assert_eq!(code, 3, "{stderr}");

    // Redirects are not followed; where they point is shown.
    let port = responder(vec![answer(
        "302 Found",
        &["Location: https://sso.example/authorize"],
        "",
    )]);
    let (code, stdout, stderr) = login(&format!("http://127.0.0.1:{port}/"), "bob", PASSWORD, &[]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("HTTP 302 Found"), "{stderr}");
    assert!(
        stderr.contains("Location: https://sso.example/authorize"),
        "{stderr}"
    );

    // A failing server's body is shown with the password and tokens masked.
    let echo = json!({"error": "boom", "you_sent": PASSWORD, "debug": token}).to_string();
    let port = responder(vec![answer("500 Internal Server Error", &[], &echo)]);
    let (code, stdout, stderr) = login(&format!("http://127.0.0.1:{port}/"), "bob", PASSWORD, &[]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("HTTP 500 Internal Server Error"),
        "{stderr}"
    );
    assert!(stderr.contains("\"boom\""), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
    assert!(!stderr.contains(&token), "{stderr}");
    assert!(stderr.contains("masked"), "{stderr}");

    // A probe that is refused: its status on stderr, exit 1, stdout empty.
    let login_port = responder(vec![answer(
        "200 OK",
        &[],
        &json!({"token": token}).to_string(),
    )]);
    let probe_port = responder(vec![answer("403 Forbidden", &[], r#"{"error":"nope"}"#)]);
    let (code, stdout, stderr) = login(
        &format!("http://127.0.0.1:{login_port}/"),
        "bob",
        PASSWORD,
        &[
            "--probe",
            &format!("http://127.0.0.1:{probe_port}/me"),
            "-H",
            "X-Api-Key: k1",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("probe: GET http://127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("HTTP 403 Forbidden"), "{stderr}");
}

#[test]
fn login_shows_a_hostile_servers_token_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen_file(dir.path(), "HS256", "hs.json");
    let token = stdout_of(jwtctl().args([
        "issue",
        "--key",
        &key,
        "--alg",
        "HS256",
        "--header",
        "k\u{9b}1m\u{202e}=v\u{202e}v",
        "--claim",
        "sub=s\u{1b}]0;title\u{7}",
        "--claim",
        "ev\u{1b}[31mil\u{202e}:={\"password\":\"x\"}",
    ]))
    .trim()
    .to_string();
    let port = responder(vec![answer(
        "200 OK",
        &[],
        &json!({ "access_token": token }).to_string(),
    )]);
    let (code, stdout, stderr) = login(&format!("http://127.0.0.1:{port}/"), "bob", PASSWORD, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), token);
    let lines: Vec<&str> = stderr.lines().collect();
    for line in [
        "  k\\u{9b}1m\\u{202e}  v\\u{202e}v",
        "  sub                     s\\u{1b}]0;title\\u{7}",
        "  high     claims:secret      readable claims look like secrets (ev\\u{1b}[31mil\\u{202e}.password); a JWS is signed, not encrypted",
    ] {
        assert!(lines.contains(&line), "missing {line:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
        "{stderr}"
    );
}

/// The inspection goes to stderr, so it is coloured as stderr is: by --color, else not
/// when stderr is not a terminal (here a pipe), whatever stdout is.
#[test]
fn login_colours_its_inspection_for_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen_file(dir.path(), "HS256", "hs.json");
    let token = stdout_of(jwtctl().args(["issue", "--key", &key, "--alg", "HS256"]))
        .trim()
        .to_string();
    let body = json!({ "access_token": token }).to_string();
    let port = responder(vec![
        answer("200 OK", &[], &body),
        answer("200 OK", &[], &body),
    ]);
    let url = format!("http://127.0.0.1:{port}/");
    let (code, stdout, stderr) = login(&url, "bob", PASSWORD, &["--color", "always"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{token}\n"), "stdout carries no colour");
    assert!(
        stderr.starts_with("\u{1b}[1mJWS\u{1b}[0m HS256 (signed: anyone can read the claims)\n"),
        "{stderr:?}"
    );
    let (code, stdout, stderr) = login(&url, "bob", PASSWORD, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{token}\n"));
    assert!(
        stderr.starts_with("JWS HS256 (signed: anyone can read the claims)\n"),
        "{stderr:?}"
    );
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn login_masks_the_password_in_every_echoed_form() {
    let password = "Pässwörd/&'x y";
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("bob:{password}"));
    let forms = [
        password.to_string(),
        password.to_uppercase(),
        "P\\u00e4ssw\\u00f6rd\\/&'x y".to_string(),
        "P%C3%A4ssw%C3%B6rd%2F%26%27x+y".to_string(),
        "P%C3%A4ssw%C3%B6rd%2F%26%27x%20y".to_string(),
        "Pässwörd/&amp;&#39;x y".to_string(),
        basic.clone(),
    ];
    let body = forms
        .iter()
        .enumerate()
        .map(|(i, form)| format!("form {i}: [{form}]"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\nclear \u{1b}[2J\u{7} \u{202e}done";
    let port = responder(vec![answer("401 Unauthorized", &[], &body)]);
    let (code, stdout, stderr) = login(&format!("http://127.0.0.1:{port}/"), "bob", password, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    for i in 0..forms.len() {
        assert!(stderr.contains(&format!("form {i}: [")), "{stderr}");
    }
    // The marker itself reads [password]: look for the password around it.
    let unmarked = stderr.replace("[password]", "");
    for needle in ["ssw", "SSW", "rd/", "RD/", &basic[8..20]] {
        assert!(!unmarked.contains(needle), "{needle} in:\n{stderr}");
    }
    assert!(stderr.contains("form 0: [[password]]"), "{stderr}");
    // What the server says cannot drive the terminal either.
    assert!(
        stderr.contains("\nclear \\u{1b}[2J\\u{7} \\u{202e}done\n"),
        "{stderr}"
    );
}

#[test]
fn login_https_against_plain_http_says_so() {
    // A plain-HTTP server waits for a request line; a TLS ClientHello never ends one.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let (code, stdout, stderr) = login(
        &format!("https://127.0.0.1:{port}/login"),
        "bob",
        PASSWORD,
        &["--timeout", "2s"],
    );
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        format!(
            "error: cannot reach https://127.0.0.1:{port}/login: the TLS handshake did not finish: the server may speak plain HTTP (try http://127.0.0.1:{port}/login)\n"
        )
    );
}

/// A listener that counts connections and answers each with `canned`, and its proxy URL.
fn proxy_listener(canned: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            log.lock().unwrap().push(first.trim_end().to_string());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            if first.starts_with("CONNECT ") {
                // A tunnel: refused (only the request line matters to the test).
                let _ = reader
                    .get_mut()
                    .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                continue;
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = reader.get_mut().write_all(canned.as_bytes());
        }
    });
    (url, seen)
}

#[test]
fn login_to_loopback_never_uses_a_proxy_and_other_hosts_do() {
    let dir = tempfile::tempdir().unwrap();
    let token = bob_token(dir.path());
    let (proxy, seen) = proxy_listener(answer(
        "200 OK",
        &[],
        &json!({ "access_token": token }).to_string(),
    ));
    let port = responder(vec![answer(
        "200 OK",
        &[],
        &json!({ "access_token": token }).to_string(),
    )]);
    let run = |url: &str| {
        jwtctl()
            .args(["login", url, "--user", "bob", "--password-stdin"])
            .env("HTTPS_PROXY", &proxy)
            .env("HTTP_PROXY", &proxy)
            .env("http_proxy", &proxy)
            .env("ALL_PROXY", &proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .write_stdin(format!("{PASSWORD}\n"))
            .output()
            .unwrap()
    };
    let out = run(&format!("http://127.0.0.1:{port}/login"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), token);
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
    // Another host: through the proxy, as users expect (ureq tunnels with CONNECT; this
    // proxy refuses, which ends the login).
    let out = run("http://login.invalid/login");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("CONNECT proxy failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["CONNECT login.invalid:80 HTTP/1.1".to_string()]
    );
}

#[test]
fn add_user_changes_passwords_and_keeps_the_file_private() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    let users_s = users.to_str().unwrap();
    add_user(users_s, "alice", "first");
    add_user(users_s, "bob", "second");
    add_user(users_s, "alice", "third");
    let text = std::fs::read_to_string(&users).unwrap();
    assert_eq!(
        text.matches("alice:$argon2id$v=19$m=19456,t=2,p=1$")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains("bob:$argon2id$"));
    assert!(!text.contains("third"));
    assert_eq!(std::fs::metadata(&users).unwrap().mode() & 0o777, 0o600);

    let key = keygen_file(dir.path(), "HS256", "k.json");
    let server = Server::start(&["--users", users_s, "--key", &key]);
    assert_eq!(login(&server.url("/login"), "alice", "first", &[]).0, 1);
    assert_eq!(login(&server.url("/login"), "alice", "third", &[]).0, 0);
    assert_eq!(login(&server.url("/login"), "bob", "second", &[]).0, 0);
    assert!(server.stop().0.success());

    // Bad names and empty passwords are refused; a broken file is named by line.
    jwtctl()
        .args([
            "serve",
            "add-user",
            "--users",
            users_s,
            "a:b",
            "--password-stdin",
        ])
        .write_stdin("pw\n")
        .assert()
        .code(2);
    jwtctl()
        .args([
            "serve",
            "add-user",
            "--users",
            users_s,
            "carol",
            "--password-stdin",
        ])
        .write_stdin("\n")
        .assert()
        .code(1);
    let broken = write(dir.path(), "broken.txt", "alice\n");
    jwtctl()
        .args(["serve", "--users", &broken, "--ephemeral-key"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "broken.txt:1: expected NAME:HASH",
        ));
}

#[test]
fn serve_refuses_a_missing_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    add_user(users.to_str().unwrap(), "alice", PASSWORD);
    let missing = dir.path().join("nope.json");
    jwtctl()
        .args(["serve", "--users", users.to_str().unwrap(), "--key"])
        .arg(&missing)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "does not exist; create one with: jwtctl keygen --alg dir --enc A256GCM -o",
        ));
    assert!(!Path::new(&missing).exists());
}

#[test]
fn serve_picks_a_key_from_a_jwk_set_by_kid() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    add_user(users.to_str().unwrap(), "alice", PASSWORD);
    let keys: Vec<Value> = ["a", "b"]
        .iter()
        .map(|kid| {
            json_of(jwtctl().args(["keygen", "--alg", "HS256", "--kid", kid, "--json"]))["key"]
                .clone()
        })
        .collect();
    let set = dir.path().join("set.json");
    std::fs::write(&set, serde_json::json!({ "keys": keys }).to_string()).unwrap();
    std::fs::set_permissions(&set, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let set = set.to_str().unwrap();
    jwtctl()
        .args(["serve", "--users", users.to_str().unwrap(), "--key", set])
        .assert()
        .code(1)
        .stderr(format!(
            "error: key {set}: the JWK Set holds 2 keys; pick one with --kid\n"
        ));
    let server = Server::start(&[
        "--users",
        users.to_str().unwrap(),
        "--key",
        set,
        "--kid",
        "b",
    ]);
    let (code, token, _) = login(
        &format!("http://127.0.0.1:{}/login", server.port),
        "alice",
        PASSWORD,
        &[],
    );
    assert_eq!(code, 0);
    let header = json_of(jwtctl().args(["inspect", "--json", token.trim()]))["header"].clone();
    assert_eq!(header["kid"], "b");
}

/// A self-signed certificate for 127.0.0.1 (as `openssl req -x509` makes one), PEM.
fn self_signed() -> (Vec<u8>, Vec<u8>) {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
    use openssl::x509::{X509Builder, X509NameBuilder};

    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "jwtctl test").unwrap();
    let name = name.build();
    let mut cert = X509Builder::new().unwrap();
    cert.set_version(2).unwrap();
    let serial = BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap();
    cert.set_serial_number(&serial).unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    cert.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .build(&cert.x509v3_context(None, None))
        .unwrap();
    cert.append_extension(san).unwrap();
    cert.sign(&key, MessageDigest::sha256()).unwrap();
    (
        cert.build().to_pem().unwrap(),
        key.private_key_to_pem_pkcs8().unwrap(),
    )
}

/// Like `responder`, over TLS with this certificate; a failed handshake uses up an answer.
fn tls_responder(cert_pem: &[u8], key_pem: &[u8], answers: Vec<String>) -> u16 {
    use openssl::pkey::PKey;
    use openssl::ssl::{SslAcceptor, SslMethod};
    use openssl::x509::X509;

    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    acceptor
        .set_private_key(&PKey::private_key_from_pem(key_pem).unwrap())
        .unwrap();
    acceptor
        .set_certificate(&X509::from_pem(cert_pem).unwrap())
        .unwrap();
    let acceptor = acceptor.build();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for answer in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let Ok(stream) = acceptor.accept(stream) else {
                continue;
            };
            let _ = serve_one(stream, &answer).shutdown();
        }
    });
    port
}

#[test]
fn login_checks_https_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed();
    let cert_path = write(dir.path(), "ca.pem", &cert);
    let token = bob_token(dir.path());
    let ok = || answer("200 OK", &[], &json!({ "access_token": token }).to_string());

    // Trusted with --cacert.
    let port = tls_responder(&cert, &key, vec![ok()]);
    let url = format!("https://127.0.0.1:{port}/login");
    let (code, stdout, stderr) = login(&url, "bob", PASSWORD, &["--cacert", &cert_path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), token);
    assert!(!stderr.contains("warning"), "{stderr}");

    // Not trusted by default: one line, exit 1.
    let port = tls_responder(&cert, &key, vec![ok()]);
    let url = format!("https://127.0.0.1:{port}/login");
    let (code, stdout, stderr) = login(&url, "bob", PASSWORD, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot reach {url}: TLS failed")),
        "{stderr}"
    );

    // --insecure skips the check, and says so.
    let port = tls_responder(&cert, &key, vec![ok()]);
    let url = format!("https://127.0.0.1:{port}/login");
    let (code, stdout, stderr) = login(&url, "bob", PASSWORD, &["--insecure"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), token);
    assert!(stderr.contains("warning: --insecure"), "{stderr}");

    // A --cacert file without a certificate is refused before anything is sent.
    let junk = write(dir.path(), "junk.pem", "not a certificate\n");
    let (code, _, stderr) = login(&url, "bob", PASSWORD, &["--cacert", &junk]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no PEM certificate"), "{stderr}");
}

// --- serve under abuse (limits in src/commands/serve.rs) ---------------------------------

/// A connection that sends `request` and reads whatever comes back until the server closes
/// it or `wait` passes: (the text, how long it took).
fn exchange(port: u16, request: &[u8], wait: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    // The server may close before it has read everything: a failed write is not the test.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

fn status_of(text: &str) -> u16 {
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The JSON body of a raw answer.
fn body_of(text: &str) -> Value {
    json_body(text.split_once("\r\n\r\n").map_or("", |(_, b)| b))
}

fn alive(server: &Server) {
    let (status, _, body) = get(server.port, "/whoami", None);
    assert_eq!(status, 401, "{body}");
}

#[test]
fn oversized_bodies_get_413_without_being_read() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    // tiny_http allocated the announced size to drain it, and aborted.
    let (answer, took) = exchange(
        server.port,
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999\r\n\r\n{\"username\":",
        Duration::from_secs(30),
    );
    assert_eq!(status_of(&answer), 413, "{answer}");
    assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
    assert_eq!(body_of(&answer)["error"], "request_too_large");
    assert!(took < Duration::from_secs(5), "answered at once: {took:?}");
    alive(&server);
    // A chunked body that grows past the limit.
    let mut chunked =
        b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..20 {
        chunked.extend_from_slice(b"400\r\n");
        chunked.extend_from_slice(&[b'x'; 0x400]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (answer, _) = exchange(server.port, &chunked, Duration::from_secs(30));
    assert_eq!(status_of(&answer), 413, "{answer}");
    alive(&server);
    assert!(server.stop().0.success());
}

#[test]
fn over_long_heads_are_refused() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    // A request target over 8 KiB: 414, JSON like every other error.
    let long_path = format!("/whoami?{}", "a".repeat(9 * 1024));
    let (answer, _) = exchange(
        server.port,
        format!("GET {long_path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
        Duration::from_secs(30),
    );
    assert_eq!(status_of(&answer), 414, "{answer}");
    assert_eq!(body_of(&answer)["error"], "uri_too_long");
    // Headers over 32 KiB in all: 431 (hyper answers it, with no body, and closes).
    let (answer, _) = exchange(
        server.port,
        format!(
            "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "b".repeat(40 * 1024)
        )
        .as_bytes(),
        Duration::from_secs(30),
    );
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    alive(&server);
    // A head that never ends (tiny_http grew to 545 MB on 300 MiB of one header line): the
    // connection is refused once the head passes the limit; memory stays small.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(b"GET /whoami HTTP/1.1\r\nX-Endless: ");
    let chunk = vec![b'e'; 64 * 1024];
    let mut sent = 0;
    while sent < 64 * 1024 * 1024 && stream.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    assert!(
        sent < 64 * 1024 * 1024,
        "the server read 64 MiB of one header"
    );
    drop(stream);
    alive(&server);
    let hwm_kib = peak_rss_kib(&server);
    assert!(hwm_kib < 128 * 1024, "peak RSS {hwm_kib} KiB");
    assert!(server.stop().0.success());
}

#[test]
fn stalled_clients_do_not_block_others_and_time_out() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&[
        "--users",
        &setup.users,
        "--key",
        &setup.key,
        "--read-timeout",
        "3s",
    ]);
    let port = server.port;
    let (code, token, stderr) = login(&server.url("/login"), "alice", PASSWORD, &[]);
    assert_eq!(code, 0, "{stderr}");
    let started = Instant::now();
    // Bodies announced and never sent (4 of these blocked every tiny_http worker), and heads
    // never finished (slowloris).
    let stalled: Vec<_> = (0..8)
        .map(|i| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let request: &[u8] = if i % 2 == 0 {
                b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 16000\r\n\r\n{"
            } else {
                b"GET /whoami HTTP/1.1\r\nHost: x\r\nX-Slow: "
            };
            stream.write_all(request).unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let asked = Instant::now();
    let (status, _, body) = get(port, "/whoami", Some(token.trim()));
    assert_eq!(status, 200, "{body}");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered before the deadline"
    );
    for (i, mut stream) in stalled.into_iter().enumerate() {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        if i % 2 == 0 {
            // A stalled body: 408 and the connection closed.
            assert_eq!(status_of(&answer), 408, "{answer}");
            assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
            assert_eq!(body_of(&answer)["error"], "request_timeout");
        } else {
            // A head that never ends: closed without an answer (hyper's header timeout).
            assert_eq!(answer, "", "slow head");
        }
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(2800) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    alive(&server);
    let (status, log) = server.stop();
    assert!(status.success());
    assert!(log.iter().any(|l| l.contains("POST /login 408")), "{log:?}");
    // Out of range: a usage error.
    jwtctl()
        .args(["serve", "--users", &setup.users, "--key", &setup.key])
        .args(["--read-timeout", "2h"])
        .assert()
        .code(2)
        .stderr("error: --read-timeout must be between 1s and 1h, got 2h\n");
}

#[test]
fn a_broken_stderr_does_not_stop_the_server() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("jwtctl"))
        .args(["serve", "--listen", "127.0.0.1:0", "--users", &setup.users])
        .args(["--key", &setup.key])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut port = 0;
    let mut line = String::new();
    while port == 0 && stderr.read_line(&mut line).unwrap() > 0 {
        if let Some(addr) = line.trim().strip_prefix("listening on ") {
            port = addr.rsplit(':').next().unwrap().parse().unwrap();
        }
        line.clear();
    }
    assert_ne!(port, 0);
    // Whoever read the log went away: every access-log line now meets EPIPE.
    drop(stderr);
    for _ in 0..12 {
        let (status, _, _) = get(port, "/whoami", None);
        assert_eq!(status, 401);
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "serve is still running"
    );
    StdCommand::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_access_log_escapes_what_clients_send() {
    let setup = Setup::new(&["--alg", "HS256"]);
    // A name that reverses the rest of the line on a terminal (U+202E); the quote shows it
    // went through sanitize::for_terminal (escape_debug would write \').
    let name = "o'mallory\u{202e}nimda";
    add_user(&setup.users, name, PASSWORD);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    let (status, _, body) = post(
        server.port,
        "/login",
        "application/json",
        &json!({"username": name, "password": PASSWORD}).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let (_, log) = server.stop();
    let line = log.iter().find(|l| l.contains("POST /login 200")).unwrap();
    assert!(line.ends_with(" user=o'mallory\\u{202e}nimda"), "{line:?}");
}

#[test]
fn serve_refuses_keys_anyone_can_mint_with() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    let users = users.to_str().unwrap();
    add_user(users, "alice", PASSWORD);
    let message = |alg: &str| {
        format!(
            "error: serve cannot use {alg}: anyone with the public key can make such a token, so \
             it would not show that this service issued it; use dir, A*KW, A*GCMKW, PBES2 or a \
             signing algorithm (HS*, RS*, PS*, ES*, EdDSA)\n"
        )
    };
    for alg in [
        "RSA-OAEP",
        "RSA-OAEP-256",
        "RSA1_5",
        "ECDH-ES",
        "ECDH-ES+A256KW",
    ] {
        let key = keygen_file(dir.path(), alg, &format!("{alg}.jwk"));
        // The key's own alg, an explicit --alg, and an ephemeral key.
        jwtctl()
            .args(["serve", "--users", users, "--key", &key])
            .assert()
            .code(2)
            .stdout("")
            .stderr(message(alg));
        jwtctl()
            .args(["serve", "--users", users, "--key", &key, "--alg", alg])
            .assert()
            .code(2)
            .stderr(message(alg));
        jwtctl()
            .args(["serve", "--users", users, "--ephemeral-key", "--alg", alg])
            .assert()
            .code(2)
            .stderr(message(alg));
    }
}

#[test]
fn costly_or_exposed_users_files() {
    let dir = tempfile::tempdir().unwrap();
    // One login against m=1 GiB cost 1 GB and seconds, for anyone.
    let costly = write(
        dir.path(),
        "costly.txt",
        "alice:$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n",
    );
    jwtctl()
        .args(["serve", "--users", &costly, "--ephemeral-key"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {costly}:1: the hash asks for m=1048576 KiB, t=2, p=1: more than the limit \
             of m=65536 KiB, t=4, p=4 and m×t=131072 (rehash it with jwtctl serve add-user)\n"
        ));
    let slow = write(
        dir.path(),
        "slow.txt",
        "alice:$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n",
    );
    jwtctl()
        .args(["serve", "--users", &slow, "--ephemeral-key"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("t=3, p=1: more than the limit"));

    // Readable by others: one warning, and it still serves.
    let users = dir.path().join("users.txt");
    add_user(users.to_str().unwrap(), "alice", PASSWORD);
    std::fs::set_permissions(&users, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let server = Server::start(&["--users", users.to_str().unwrap(), "--ephemeral-key"]);
    let warning = format!(
        "warning: users file {} is readable or writable by others (mode 644); chmod 600 it",
        users.display()
    );
    let (_, log) = server.stop();
    assert_eq!(log.iter().filter(|l| **l == warning).count(), 1, "{log:?}");
}

#[test]
fn concurrent_add_users_keep_every_user() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("jwtctl"))
                .args(["serve", "add-user", "--users"])
                .arg(&users)
                .args([&format!("user{i}"), "--password-stdin"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("password{i}\n").as_bytes())
                .unwrap();
            child
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(&users).unwrap();
    for i in 0..8 {
        assert_eq!(
            text.matches(&format!("\nuser{i}:$argon2id$")).count(),
            1,
            "{text}"
        );
    }
    assert_eq!(std::fs::metadata(&users).unwrap().mode() & 0o777, 0o600);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn add_user_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("users.txt");
    let link = dir.path().join("users.txt");
    std::os::unix::fs::symlink("real/users.txt", &link).unwrap();
    // A dangling link: the target is created.
    add_user(link.to_str().unwrap(), "alice", "first");
    add_user(link.to_str().unwrap(), "bob", "second");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real/users.txt")
    );
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(
        text.contains("\nalice:$argon2id$") && text.contains("\nbob:$argon2id$"),
        "{text}"
    );
    assert_eq!(std::fs::metadata(&target).unwrap().mode() & 0o777, 0o600);
    // Written in the target's directory, atomically: nothing else left in either.
    assert_eq!(std::fs::read_dir(&real_dir).unwrap().count(), 1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    let server = Server::start(&["--users", link.to_str().unwrap(), "--ephemeral-key"]);
    assert_eq!(login(&server.url("/login"), "bob", "second", &[]).0, 0);
    assert!(server.stop().0.success());
}

#[test]
fn a_client_that_does_not_read_its_answers_is_dropped() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&[
        "--users",
        &setup.users,
        "--key",
        &setup.key,
        "--read-timeout",
        "1s",
    ]);
    // Pipelined requests, never reading the answers, until both sides' buffers are full and
    // the server can neither write nor read.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let batch = b"GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n".repeat(1000);
    let started = Instant::now();
    while stream.write_all(&batch).is_ok() {
        assert!(started.elapsed() < Duration::from_secs(60), "never blocked");
    }
    // Nothing moves for twice --read-timeout: the server drops the connection (RST, as it
    // leaves unread requests), where it used to wait forever with its write blocked.
    let blocked = Instant::now();
    let err = loop {
        let err = stream.write_all(&batch).unwrap_err();
        if !matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) || blocked.elapsed() > Duration::from_secs(20)
        {
            break err;
        }
    };
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
        ),
        "{err:?} after {:?}",
        blocked.elapsed()
    );
    // Not before twice --read-timeout (bytes moved when the connection opened).
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    alive(&server);
    assert!(server.stop().0.success());
}

/// The process's peak resident memory, in KiB.
fn peak_rss_kib(server: &Server) -> u64 {
    let pid = server.child.as_ref().unwrap().id();
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_stream_of_logins_keeps_memory_bounded() {
    let setup = Setup::new(&["--alg", "HS256"]);
    let server = Server::start(&["--users", &setup.users, "--key", &setup.key]);
    let port = server.port;
    // Each argon2 check needs 19 MiB; allocated afresh per login, 90 wrong logins from 3
    // clients grew serve to 438 MiB.
    let clients: Vec<_> = (0..3)
        .map(|i| {
            std::thread::spawn(move || {
                for _ in 0..30 {
                    let user = if i == 0 { "alice" } else { "nobody" };
                    let (status, _, _) = post(
                        port,
                        "/login",
                        "application/json",
                        &json!({"username": user, "password": "wrong"}).to_string(),
                    );
                    assert_eq!(status, 401);
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let peak = peak_rss_kib(&server);
    assert!(peak < 80 * 1024, "peak RSS {peak} KiB");
    assert!(server.stop().0.success());
}
