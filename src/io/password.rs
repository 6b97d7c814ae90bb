//! Getting a password from a person: stdin, an environment variable, or a prompt without
//! echo. Never from an argument, so it never shows in the process list.

use anyhow::Result;

use crate::error;
use crate::io::files;

/// The largest password read from stdin.
const MAX_PASSWORD_BYTES: u64 = 64 * 1024;

/// The first line of stdin (one trailing LF or CRLF dropped). More than one line is an
/// error rather than a password with a newline in it.
pub fn from_stdin() -> Result<String> {
    let bytes = files::read_stdin_limited(MAX_PASSWORD_BYTES, "the password on stdin")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| error::runtime("the password on stdin is not UTF-8 text"))?;
    let line = text
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&text);
    if line.contains('\n') {
        return Err(error::runtime(
            "stdin holds more than one line; --password-stdin reads exactly one",
        ));
    }
    non_empty(line.to_string())
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

/// Asks on the terminal without echo; `hint` says how to avoid the prompt.
pub fn prompt(prompt: &str, hint: &str) -> Result<String> {
    let value = rpassword::prompt_password(prompt).map_err(|_| {
        error::runtime(format!("cannot ask for the password: no terminal ({hint})"))
    })?;
    non_empty(value)
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
