//! Getting a password (or a secret) from a person: stdin, a file, an environment variable,
//! or a prompt without echo. Never from an argument, so it never shows in the process list.
//! The one rule for a trailing newline everywhere: one LF or CRLF is dropped.

use std::path::Path;

use anyhow::Result;

use crate::error;
use crate::io::files;

/// The largest password read from stdin or a file.
const MAX_PASSWORD_BYTES: u64 = 64 * 1024;

/// The first line of stdin (one trailing LF or CRLF dropped). More than one line is an
/// error rather than a password with a newline in it.
pub fn from_stdin() -> Result<String> {
    let bytes = files::read_stdin_limited(MAX_PASSWORD_BYTES, "the password on stdin")?;
    let line = String::from_utf8(strip_newline(bytes))
        .map_err(|_| error::runtime("the password on stdin is not UTF-8 text"))?;
    if line.contains('\n') {
        return Err(error::runtime(
            "stdin holds more than one line; --password-stdin reads exactly one",
        ));
    }
    non_empty(line)
}

/// The value of environment variable `name`.
pub fn from_env(name: &str) -> Result<String> {
    let value = std::env::var_os(name)
        .ok_or_else(|| error::runtime(format!("environment variable {name} is not set")))?;
    let value = value
        .into_string()
        .map_err(|_| error::runtime(format!("environment variable {name} is not UTF-8 text")))?;
    non_empty(value)
}

/// A password file (`--password-file`): its bytes, one trailing newline dropped.
pub fn from_file(path: &Path) -> Result<Vec<u8>> {
    let password = strip_newline(files::read_file_limited(
        path,
        MAX_PASSWORD_BYTES,
        "password file",
    )?);
    if password.is_empty() {
        return Err(error::runtime("the password is empty"));
    }
    Ok(password)
}

/// Asks on the terminal without echo; with no terminal the error says `what` could not be
/// asked for and, if given, `hint`: how to avoid the prompt. An empty answer is returned.
pub fn ask(prompt: &str, what: &str, hint: Option<&str>) -> Result<String> {
    rpassword::prompt_password(prompt).map_err(|_| {
        error::runtime(match hint {
            Some(hint) => format!("cannot ask for {what}: no terminal ({hint})"),
            None => format!("cannot ask for {what}: no terminal"),
        })
    })
}

/// Asks for a password on the terminal without echo; `hint` says how to avoid the prompt.
pub fn prompt(prompt: &str, hint: &str) -> Result<String> {
    non_empty(ask(prompt, "the password", Some(hint))?)
}

/// Asks twice and insists both answers match (for setting a password).
pub fn prompt_new(prompt: &str, hint: &str) -> Result<String> {
    let first = self::prompt(prompt, hint)?;
    let second = self::prompt("Again: ", hint)?;
    if first != second {
        return Err(error::runtime("the passwords do not match"));
    }
    Ok(first)
}

fn non_empty(password: String) -> Result<String> {
    if password.is_empty() {
        return Err(error::runtime("the password is empty"));
    }
    Ok(password)
}

/// Drops one trailing LF or CRLF: the newline an editor or `echo` adds is not part of it.
pub fn strip_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::strip_newline;

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(strip_newline(b"pw\n".to_vec()), b"pw");
        assert_eq!(strip_newline(b"pw\r\n".to_vec()), b"pw");
        assert_eq!(strip_newline(b"pw\n\n".to_vec()), b"pw\n");
        assert_eq!(strip_newline(b"pw\r".to_vec()), b"pw\r");
        assert_eq!(strip_newline(b"pw".to_vec()), b"pw");
    }
}
