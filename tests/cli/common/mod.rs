//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The jwtctl binary, with a clean environment for colour and secrets.
pub fn jwtctl() -> Command {
    let mut cmd = Command::cargo_bin("jwtctl").expect("binary built");
    cmd.env_remove("NO_COLOR");
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture key file as a user keeps one: a private copy with mode 0600 (the checkout's
/// 0644 would draw jwtctl's warning about private key files readable by others).
pub fn private_fixture(name: &str) -> String {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("private-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name.replace('/', "--"));
    // Written under a unique name and renamed: test threads may copy the same fixture.
    let tmp = dir.join(format!(
        ".{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .unwrap();
    std::io::Write::write_all(&mut file, &std::fs::read(fixture(name)).unwrap()).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    path.to_str().unwrap().to_string()
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs `jwtctl COMMAND ARGS…` and asserts a refusal: this exit code, nothing on stdout,
/// and exactly this one-line error on stderr.
pub fn refused_by(command: &str, args: &[&str], code: i32, message: &str) {
    jwtctl()
        .arg(command)
        .args(args)
        .assert()
        .code(code)
        .stdout("")
        .stderr(format!("error: {message}\n"));
}

/// Runs a command and returns its stdout, asserting success.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    serde_json::from_str(&stdout_of(cmd)).expect("stdout is JSON")
}

/// Generates a key for `alg` into `dir/name` (mode 0600) and returns the path.
pub fn keygen_file(dir: &Path, alg: &str, name: &str) -> String {
    let path = dir.join(name);
    jwtctl()
        .args(["keygen", "--alg", alg, "-o"])
        .arg(&path)
        .assert()
        .success();
    path.to_str().unwrap().to_string()
}

/// Writes `content` to `name` inside `dir` (mode 0600, as key files should be) and returns
/// the path as a string.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.to_str().unwrap().to_string()
}

/// Every JWS algorithm of RFC 7518 (and EdDSA), as the tests name them.
pub const JWS_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA",
];

/// Every JWE key-management algorithm.
pub const JWE_ALGS: &[&str] = &[
    "dir",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "RSA-OAEP-384",
    "RSA-OAEP-512",
    "RSA1_5",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];
