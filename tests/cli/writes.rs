//! Every file jwtctl writes (keygen -o/--public-out, login -o, serve add-user, man
//! --out-dir): `--force` replaces regular files and symlinks only, never a directory, FIFO,
//! socket or device; keygen writes its key and public key both or neither.

use crate::common;

use common::*;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// A FIFO made with the `mkfifo` program.
fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    path
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

fn only_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn force_never_replaces_a_fifo_or_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "pipe");
    let pipe_s = pipe.to_str().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let sub_s = sub.to_str().unwrap();
    let good = dir.path().join("good.json");
    let good_s = good.to_str().unwrap();

    for (path, what) in [(pipe_s, "a FIFO"), (sub_s, "a directory")] {
        let message = format!("{path} is {what}; --force replaces only regular files");
        refused_by(
            "keygen",
            &["--alg", "ES256", "--force", "-o", path],
            1,
            &message,
        );
        // --public-out is checked before anything is written: no key file either.
        refused_by(
            "keygen",
            &[
                "--alg",
                "ES256",
                "--force",
                "-o",
                good_s,
                "--public-out",
                path,
            ],
            1,
            &message,
        );
        assert!(!good.exists(), "nothing written when one target is refused");
        refused_by(
            "login",
            &[
                "http://127.0.0.1:9/login",
                "--user",
                "u",
                "--password-env",
                "JWTCTL_TEST_UNSET",
                "--force",
                "-o",
                path,
            ],
            1,
            &message,
        );
    }
    // A symlink to a FIFO (as /dev/stdout is to a pipe or terminal) is refused too.
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&pipe, &link).unwrap();
    refused_by(
        "keygen",
        &["--alg", "ES256", "--force", "-o", link.to_str().unwrap()],
        1,
        &format!(
            "{} is a symlink to a FIFO; --force replaces only regular files",
            link.display()
        ),
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    std::fs::remove_file(&link).unwrap();
    assert!(is_fifo(&pipe), "the FIFO is still a FIFO");
    assert!(sub.is_dir());
    assert_eq!(
        only_entries(dir.path()),
        ["pipe", "sub"],
        "no temporary files"
    );

    // man --out-dir --force replaces its own pages, but not a FIFO in their place.
    let pages = dir.path().join("man");
    std::fs::create_dir(&pages).unwrap();
    let page = fifo(&pages, "jwtctl.1");
    jwtctl()
        .args(["man", "--force", "--out-dir"])
        .arg(&pages)
        .assert()
        .code(1)
        .stderr(format!(
            "error: {} is a FIFO; --force replaces only regular files\n",
            page.display()
        ));
    assert!(is_fifo(&page));
}

#[test]
fn force_never_replaces_a_device() {
    // A private copy of the null device (never the system's /dev/null), when we may make one.
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: cannot make a device node here (not root)");
        return;
    }
    let node_s = node.to_str().unwrap();
    refused_by(
        "keygen",
        &["--alg", "ES256", "--force", "-o", node_s],
        1,
        &format!("{node_s} is a device; --force replaces only regular files"),
    );
    // serve add-user reads the users file first, and refuses anything but a regular file.
    {
        jwtctl()
            .args([
                "serve",
                "add-user",
                "--users",
                node_s,
                "alice",
                "--password-stdin",
            ])
            .write_stdin("a long enough password\n")
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!(
                "error: users file {node_s} is not a regular file\n"
            ));
    }
    assert!(
        std::fs::symlink_metadata(&node)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn force_replaces_a_symlink_itself_not_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(dir.path(), "target", "keep me");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    jwtctl()
        .args(["keygen", "--alg", "ES256", "--force", "-o"])
        .arg(&link)
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    // So is a dangling one.
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    jwtctl()
        .args(["keygen", "--alg", "ES256", "--force", "-o"])
        .arg(&dangling)
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_file());
}

#[test]
fn keygen_writes_the_key_and_its_public_half_both_or_neither() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let key = dir.path().join("key.json");
    let public = dir.path().join("key.pub.json");
    // -o cannot be written: no public key is left behind.
    jwtctl()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(missing.join("key.json"))
        .arg("--public-out")
        .arg(&public)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: cannot write {}: No such file or directory\n",
            missing.join("key.json").display()
        ));
    // --public-out cannot be written: no private key is left behind.
    jwtctl()
        .args(["keygen", "--alg", "ES256", "-o"])
        .arg(&key)
        .arg("--public-out")
        .arg(missing.join("key.pub.json"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: cannot write {}: No such file or directory\n",
            missing.join("key.pub.json").display()
        ));
    assert_eq!(only_entries(dir.path()), Vec::<String>::new());
    // The same file for both is a usage error.
    refused_by(
        "keygen",
        &[
            "--alg",
            "ES256",
            "-o",
            key.to_str().unwrap(),
            "--public-out",
            key.to_str().unwrap(),
        ],
        2,
        "-o and --public-out name the same file",
    );
    assert_eq!(only_entries(dir.path()), Vec::<String>::new());
}

#[test]
fn add_user_refuses_a_users_file_that_is_a_fifo() {
    // Reading a FIFO would block until somebody writes to it: refused at once instead.
    let dir = tempfile::tempdir().unwrap();
    let users = fifo(dir.path(), "users");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args(["serve", "add-user", "--users"])
        .arg(&users)
        .args(["alice", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // The refusal may come before the password is read: a closed pipe is fine.
        let _ = stdin.write_all(b"correct horse battery\n");
    }
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("add-user blocked on a FIFO users file");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: users file {} is not a regular file\n",
            users.display()
        )
    );
    assert!(is_fifo(&users));
}
