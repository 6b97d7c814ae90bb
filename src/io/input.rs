//! Where a token comes from: the argument itself, `-`, or stdin when the argument is left
//! out and stdin is not a terminal.

use std::io::IsTerminal;

use anyhow::Result;

use crate::error;
use crate::io::files;
use crate::jose::token;

/// The largest claims file or other JSON input read.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Room for text around a token on stdin (`Authorization: Bearer …`, a pasted log line).
const SURROUNDING_SLACK: usize = 64 * 1024;

/// At most one flag may read stdin.
pub fn one_stdin_user(flags: &[(&str, Option<&str>)]) -> Result<()> {
    let users: Vec<&str> = flags
        .iter()
        .filter(|(_, v)| *v == Some("-"))
        .map(|(f, _)| *f)
        .collect();
    if users.len() > 1 {
        return Err(error::usage(format!(
            "only one input can come from stdin, but {} {} say -",
            users.join(" and "),
            if users.len() == 2 { "both" } else { "all" }
        )));
    }
    Ok(())
}

fn read_stdin(max: usize) -> Result<String> {
    let limit = max.saturating_add(SURROUNDING_SLACK) as u64;
    let bytes = files::read_stdin_limited(limit, "stdin").map_err(|e| {
        if e.downcast_ref::<files::TooLarge>().is_some() {
            error::malformed(format!(
                "input on stdin is over the limit of {max} bytes (raise it with --max-token-size)"
            ))
        } else {
            e
        }
    })?;
    String::from_utf8(bytes).map_err(|_| error::malformed("the input is not UTF-8 text"))
}

/// The text of a token argument: itself, or stdin for `-`.
pub fn token_text(arg: &str, max: usize) -> Result<String> {
    if arg == "-" {
        read_stdin(max)
    } else {
        Ok(arg.to_string())
    }
}

/// The text of a file named where a token was expected (`jwtctl inspect token.txt`): an
/// argument that holds no token-shaped text and names an existing file is read, within the
/// same limit as stdin. Anything else (a directory, a missing file) is left to the token
/// parser, whose error says what the text lacks.
fn token_file(arg: &str, max: usize) -> Result<Option<String>> {
    if arg == "-" || !token::find_all(arg).is_empty() {
        return Ok(None);
    }
    let path = std::path::Path::new(arg);
    if !path.is_file() {
        return Ok(None);
    }
    let limit = max.saturating_add(SURROUNDING_SLACK) as u64;
    let bytes = files::read_file_limited(path, limit, "token file").map_err(|e| {
        if e.downcast_ref::<files::TooLarge>().is_some() {
            error::malformed(format!(
                "token file {} is over the limit of {max} bytes (raise it with --max-token-size, \
                 or use inspect --scan to find every token in a large file)",
                path.display()
            ))
        } else {
            e
        }
    })?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| error::malformed(format!("token file {} is not UTF-8 text", path.display())))
}

/// The token a command works on, from its (optional) argument: the token, `-` for stdin, or
/// the name of a file that holds it. With `dig`, the token is dug out of surrounding text
/// (`Bearer …`, a cookie, a URL); otherwise only whitespace around it is dropped.
pub fn token_arg(arg: Option<&str>, max: usize, dig: bool) -> Result<String> {
    let text = match arg {
        Some(arg) => match token_file(arg, max)? {
            Some(text) => text,
            None => token_text(arg, max)?,
        },
        None if std::io::stdin().is_terminal() => {
            return Err(error::usage(
                "no token given: pass it as an argument, or - to read stdin",
            ));
        }
        None => read_stdin(max)?,
    };
    let text = text.trim();
    // A bare token is taken as it is (so its own errors are reported); only text around
    // a token is dug through.
    let bare = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.=+/".contains(&b));
    // A JSON-serialized token is read whole, never dug through.
    if dig
        && !bare
        && !text.starts_with('{')
        && let Some(found) = token::extract(text)
    {
        return Ok(found.to_string());
    }
    Ok(text.to_string())
}
