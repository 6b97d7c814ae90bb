//! Rendering results: stdout carries only data, everything else goes to stderr.

use anyhow::Result;

use crate::cli::ColorChoice;
use crate::io::files;
use crate::io::sanitize::for_terminal_lines;
use crate::jose::token::Header;
use crate::jose::verify::{Refused, Verified, WEAK};

/// Prints a JSON document (pretty, one trailing newline) on stdout. Streamed, never built
/// whole: the indentation of a deeply nested document can be many times its size. A closed
/// pipe (`jwtctl … | head -1`) is not an error.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    write_stdout_with(|out| serde_json::to_writer_pretty(out, value).map_err(Into::into))
}

/// Prints compact JSON (as `crate::io::json_writer` writes it) indented as [`print_json`]
/// would.
pub fn print_indented(compact: &[u8]) -> Result<()> {
    write_stdout_with(|out| crate::io::json_writer::indent(compact, out))
}

/// Runs `write` on buffered stdout and ends with a newline. A closed pipe is not an error.
fn write_stdout_with(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock>) -> std::io::Result<()>,
) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let written = write(&mut out)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::Error::new(e).context("cannot write to stdout")),
    }
}

/// Prints a line of data (a token, a PEM block) on stdout, adding the newline if missing.
pub fn print_data(text: &str) -> Result<()> {
    if text.ends_with('\n') {
        files::write_stdout(text.as_bytes())
    } else {
        files::write_stdout(format!("{text}\n").as_bytes())
    }
}

/// Writes `text` to stderr as is. A closed or failing stderr is ignored: a diagnostic
/// that cannot be shown must never turn into a panic (`eprintln!` panics) or a failure.
/// A progress line on screen is cleared first and drawn again after.
pub fn write_stderr(text: &str) {
    use std::io::Write;
    crate::bulk::progress::around(|| {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    });
}

/// A note for the person at the terminal (stderr, never stdout). Each line goes through the
/// one sanitiser (`crate::io::sanitize`): a note may quote a token, a server or a file name.
pub fn note(message: &str) {
    write_stderr(&format!("{}\n", for_terminal_lines(message)));
}

/// A warning on stderr, sanitised as [`note`].
pub fn warn(message: &str) {
    write_stderr(&format!("warning: {}\n", for_terminal_lines(message)));
}

/// An error line on stderr (`error: …`), for failures that do not end the command.
pub fn error_line(message: &str) {
    write_stderr(&format!("error: {}\n", for_terminal_lines(message)));
}

/// Whether to colour a stream: `--color`, then `NO_COLOR`, then whether it is a terminal.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// A payload that is not a JSON object: as text when it is UTF-8, else base64url with
/// `"payload_encoding": "base64url"` (never silently altered).
#[derive(Debug, serde::Serialize)]
pub struct Payload {
    pub payload: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_encoding: Option<&'static str>,
}

impl Payload {
    pub fn of(payload: &[u8]) -> Payload {
        match std::str::from_utf8(payload) {
            Ok(text) => Payload {
                payload: text.to_string(),
                payload_encoding: None,
            },
            Err(_) => {
                use base64::Engine;
                Payload {
                    payload: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload),
                    payload_encoding: Some("base64url"),
                }
            }
        }
    }
}

/// The `--json` document of a verify/decrypt outcome, pass or fail: `{valid, error, class,
/// header, claims|payload, checks}` (and `inner_header` for a nested JWT); `--batch` puts
/// the input's `line` first. Claims appear on failure only when they were authentic (a
/// token refused for its claims). A view that borrows the outcome and writes it straight
/// into a buffer (`crate::io::json_writer`): `--batch` writes one per token.
pub struct VerdictJson<'a> {
    pub line: Option<usize>,
    pub outcome: &'a Result<Verified, Refused>,
}

impl VerdictJson<'_> {
    /// Appends the document, compact, to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        use crate::io::json_writer::{object, string};
        out.push(b'{');
        if let Some(line) = self.line {
            out.extend_from_slice(b"\"line\":");
            out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
            out.push(b',');
        }
        match self.outcome {
            Ok(verified) => {
                out.extend_from_slice(b"\"valid\":true,\"error\":null,\"class\":null,\"header\":");
                header_json(out, &verified.header);
                if let Some(inner) = &verified.inner_header {
                    out.extend_from_slice(b",\"inner_header\":");
                    header_json(out, inner);
                }
                match &verified.claims {
                    Some(claims) => {
                        out.extend_from_slice(b",\"claims\":");
                        claims.write_json(out);
                    }
                    None => {
                        let Payload {
                            payload,
                            payload_encoding,
                        } = Payload::of(verified.payload());
                        out.extend_from_slice(b",\"payload\":");
                        string(out, &payload);
                        if let Some(encoding) = payload_encoding {
                            out.extend_from_slice(b",\"payload_encoding\":");
                            string(out, encoding);
                        }
                    }
                }
                write_checks(out, &verified.checks);
            }
            Err(refused) => {
                out.extend_from_slice(b"\"valid\":false,\"error\":");
                string(out, &crate::error::one_line(&refused.error));
                out.extend_from_slice(b",\"class\":");
                string(out, crate::error::class_of(&refused.error).name());
                out.extend_from_slice(b",\"header\":");
                match &refused.header {
                    Some(header) => header_json(out, header),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\"claims\":");
                match &refused.claims {
                    Some(claims) => claims.write_json(out),
                    None => out.extend_from_slice(b"null"),
                }
                write_checks(out, &refused.checks);
            }
        }
        out.push(b'}');

        /// A header as JSON. The tokens of a batch nearly all share one header, parsed once
        /// and shared (`token::parse`): its JSON is kept from the last time, while that same
        /// header (held here, so the pointer cannot be reused) comes again.
        fn header_json(out: &mut Vec<u8>, header: &Header) {
            thread_local! {
                static LAST: std::cell::RefCell<Option<(Header, Vec<u8>)>> =
                    const { std::cell::RefCell::new(None) };
            }
            LAST.with_borrow_mut(|last| match last {
                Some((seen, json)) if std::sync::Arc::ptr_eq(seen, header) => {
                    out.extend_from_slice(json);
                }
                _ => {
                    let mut json = Vec::new();
                    object(&mut json, header);
                    out.extend_from_slice(&json);
                    *last = Some((header.clone(), json));
                }
            });
        }

        fn write_checks(out: &mut Vec<u8>, checks: &[crate::jose::verify::Check]) {
            out.extend_from_slice(b",\"checks\":[");
            for (i, check) in checks.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"check\":");
                string(out, &check.name);
                out.extend_from_slice(b",\"result\":");
                string(out, check.result);
                out.extend_from_slice(b",\"detail\":");
                string(out, &check.detail);
                out.push(b'}');
            }
            out.push(b']');
        }
    }
}

/// Ends verify/decrypt: on success the claims (or the raw payload) on stdout and the checks
/// on stderr; with `json`, one document on stdout whatever the outcome. A failure is then
/// returned for `main` to report and to exit with its class.
/// With `quiet` (`--quiet`): nothing printed on success (the exit code says it), and only
/// the `error:` line on failure. A weak key accepted by `--allow-weak-key` always warns.
pub fn finish(
    outcome: Result<Verified, Refused>,
    json: bool,
    quiet: bool,
    verb: &str,
) -> Result<()> {
    if let Ok(verified) = &outcome {
        for check in verified.checks.iter().filter(|c| c.result == WEAK) {
            warn(&format!("weak key: {}", check.detail));
        }
    }
    if quiet {
        return outcome.map(|_| ()).map_err(|refused| refused.error);
    }
    if json {
        let mut compact = Vec::new();
        VerdictJson {
            line: None,
            outcome: &outcome,
        }
        .write(&mut compact);
        print_indented(&compact)?;
        return outcome.map(|_| ()).map_err(|refused| refused.error);
    }
    let verified = outcome?;
    let mut summary = format!("{verb}; checks:");
    for check in &verified.checks {
        let line = format!("  {:<12} {:<15} {}", check.result, check.name, check.detail);
        summary.push('\n');
        summary.push_str(line.trim_end());
    }
    note(summary.trim_end());
    match &verified.claims {
        Some(claims) => print_json(claims.map()),
        None => files::write_stdout(verified.payload()),
    }
}

/// ANSI styling, or none (when the stream is not a terminal, NO_COLOR, or --color never).
pub struct Style {
    color: bool,
}

impl Style {
    /// Styling for text written to stdout.
    pub fn for_stdout(choice: ColorChoice) -> Style {
        use std::io::IsTerminal;
        Style {
            color: use_color(choice, std::io::stdout().is_terminal()),
        }
    }

    /// Styling for text written to stderr (`login` shows its inspection there).
    pub fn for_stderr(choice: ColorChoice) -> Style {
        use std::io::IsTerminal;
        Style {
            color: use_color(choice, std::io::stderr().is_terminal()),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn severity(&self, severity: &str) -> String {
        let padded = format!("{severity:<8}");
        match severity {
            "critical" | "high" => self.paint("1;31", &padded),
            "medium" => self.paint("33", &padded),
            _ => self.paint("36", &padded),
        }
    }
}
