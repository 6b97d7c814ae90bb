//! The inspection report drawn for people. Everything the token (or a server) says goes
//! through the one sanitiser before it reaches a terminal.

use serde_json::{Map, Value};

use super::report::{Report, Times};
use crate::io::output::Style;
use crate::jose::token::Kind;

/// The human layout of a report (stdout for `inspect`, stderr for `login`: `style` is made
/// for the stream it goes to).
pub fn render(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    let (kind, what) = match report.kind {
        Kind::Jws => ("JWS", "signed: anyone can read the claims"),
        Kind::Jwe => ("JWE", "encrypted"),
    };
    let alg = shown(
        report
            .header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("?"),
    );
    out.push_str(&format!("{} {alg} ({what})\n", style.bold(kind)));
    section(&mut out, style, "Header", &report.header, None);
    // A JSON serialization: each signature's or recipient's own headers.
    let entries = report
        .signatures
        .as_ref()
        .map(|e| ("Signature", e))
        .or_else(|| report.recipients.as_ref().map(|e| ("Recipient", e)));
    if let (Some(form), Some((what, entries))) = (report.serialization, entries) {
        out.push_str(&format!(
            "{} JSON, {form}, {} {}\n",
            style.bold("Serialization"),
            entries.len(),
            if entries.len() == 1 {
                what.to_lowercase()
            } else {
                format!("{}s", what.to_lowercase())
            }
        ));
        if entries.len() > 1 {
            for (i, entry) in entries.iter().enumerate() {
                let title = format!("{what} {}", i + 1);
                section(&mut out, style, &title, &entry.header, None);
            }
        }
    }
    if let Some(inner) = report
        .decrypted
        .as_ref()
        .and_then(|d| d.inner_header.as_ref())
    {
        section(&mut out, style, "Inner header", inner, None);
    }
    match report.claims() {
        Some(claims) => section(&mut out, style, "Claims", claims, Some(&report.times)),
        None => {
            if let Some(payload) = report.payload() {
                out.push_str(&format!(
                    "{}\n  {}\n",
                    style.bold("Payload"),
                    shown(&payload.payload)
                ));
            }
        }
    }
    if let Some(lifetime) = &report.lifetime {
        let human = shown(&lifetime.human);
        out.push_str(&format!("{} {human} (exp - iat)\n", style.bold("Lifetime")));
    }
    if report.claims().is_some() {
        if let Some(window) = super::report::window(&report.times) {
            out.push_str(&format!("{} {window}\n", style.bold("Window")));
        }
        if let Some((headline, good)) = super::report::headline(&report.times) {
            let painted = if good {
                style.good(&headline)
            } else {
                style.bad(&headline)
            };
            out.push_str(&format!("{} {painted}\n", style.bold("Status")));
        }
    }
    if let Some(signature) = &report.signature {
        out.push_str(&format!(
            "{} {}, {} bytes\n",
            style.bold("Signature"),
            shown(signature.alg.as_deref().unwrap_or("?")),
            signature.bytes
        ));
    }
    let sizes: Vec<String> = report
        .parts
        .iter()
        .map(|p| format!("{} {}", p.name, p.bytes))
        .collect();
    out.push_str(&format!(
        "{} {} bytes\n",
        style.bold("Parts"),
        sizes.join(", ")
    ));
    if let Some(v) = &report.verification {
        let verdict = if v.valid {
            let checks: Vec<String> = v
                .checks
                .iter()
                .filter(|c| {
                    matches!(
                        c.name.as_ref(),
                        "signature" | "decryption" | "inner signature" | "key strength"
                    )
                })
                .map(|c| {
                    format!(
                        "{} {} ({})",
                        shown(&c.name),
                        shown(c.result),
                        shown(&c.detail)
                    )
                })
                .collect();
            style.good(&checks.join("; "))
        } else {
            style.bad(&format!(
                "{}: {}",
                if v.key_refused {
                    "key refused"
                } else {
                    "not valid"
                },
                shown(v.error.as_deref().unwrap_or(""))
            ))
        };
        out.push_str(&format!("{} {verdict}\n", style.bold("With key")));
    }
    if report.findings.is_empty() {
        out.push_str(&format!("{} none\n", style.bold("Findings")));
    } else {
        out.push_str(&format!("{}\n", style.bold("Findings")));
        for f in &report.findings {
            out.push_str(&format!(
                "  {} {:<18} {}\n",
                style.severity(&shown(f.severity().name())),
                shown(f.code.code()),
                shown(&f.message)
            ));
        }
    }
    out
}

/// Text from a token (or a server) as it may be shown on a terminal.
fn shown(text: &str) -> String {
    crate::io::sanitize::for_terminal(text).into_owned()
}

/// A titled block of `members`, one per line; with `times`, a time claim gets its RFC 3339
/// and relative forms after it.
fn section(
    out: &mut String,
    style: &Style,
    title: &str,
    members: &Map<String, Value>,
    times: Option<&Times>,
) {
    out.push_str(&format!("{}\n", style.bold(title)));
    // Names and values come from the token: both go through the one sanitiser.
    let width = members
        .keys()
        .map(|k| shown(k).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    for (name, value) in members {
        let text = match value {
            Value::String(s) => shown(s),
            other => shown(&other.to_string()),
        };
        let label = shown(name);
        let mut line = format!("  {}  {text}", style.dim(&format!("{label:<width$}")));
        if let Some(t) = times.and_then(|times| times.get(name)) {
            if let Some(utc) = &t.utc {
                line.push_str(&format!("  {}", shown(utc)));
            }
            line.push_str(&format!("  ({})", shown(&t.relative)));
        }
        out.push_str(&line);
        out.push('\n');
    }
}
