//! Rendering results: stdout carries only data, everything else goes to stderr.

use anyhow::Result;

use crate::cli::ColorChoice;
use crate::io::files;
use crate::io::sanitize::for_terminal_lines;
use crate::jose::verify::{Refused, Verified, WEAK};

/// Prints a JSON document (pretty, one trailing newline) on stdout. Streamed, never built
/// whole: the indentation of a deeply nested document can be many times its size. A closed
/// pipe (`jwtctl … | head -1`) is not an error.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
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
/// token refused for its claims). A view that borrows the outcome: serialising it builds
/// no intermediate JSON value, which `--batch` would pay for on every line.
pub struct VerdictJson<'a> {
    pub line: Option<usize>,
    pub outcome: &'a Result<Verified, Refused>,
}

impl serde::Serialize for VerdictJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut doc = serializer.serialize_map(None)?;
        if let Some(line) = self.line {
            doc.serialize_entry("line", &line)?;
        }
        match self.outcome {
            Ok(verified) => {
                doc.serialize_entry("valid", &true)?;
                doc.serialize_entry("error", &())?;
                doc.serialize_entry("class", &())?;
                doc.serialize_entry("header", &verified.header)?;
                if let Some(inner) = &verified.inner_header {
                    doc.serialize_entry("inner_header", inner)?;
                }
                match &verified.claims {
                    Some(claims) => doc.serialize_entry("claims", claims)?,
                    None => {
                        let Payload {
                            payload,
                            payload_encoding,
                        } = Payload::of(&verified.payload);
                        doc.serialize_entry("payload", &payload)?;
                        if let Some(encoding) = payload_encoding {
                            doc.serialize_entry("payload_encoding", encoding)?;
                        }
                    }
                }
                doc.serialize_entry("checks", &verified.checks)?;
            }
            Err(refused) => {
                doc.serialize_entry("valid", &false)?;
                doc.serialize_entry("error", &crate::error::one_line(&refused.error))?;
                doc.serialize_entry("class", crate::error::class_of(&refused.error).name())?;
                doc.serialize_entry("header", &refused.header)?;
                doc.serialize_entry("claims", &refused.claims)?;
                doc.serialize_entry("checks", &refused.checks)?;
            }
        }
        doc.end()
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
        print_json(&VerdictJson {
            line: None,
            outcome: &outcome,
        })?;
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
        Some(claims) => print_json(claims),
        None => files::write_stdout(&verified.payload),
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
