//! The one guard for text shown to people: nothing that came from a token, a key, a server
//! or a log may drive the terminal it is printed on.
//!
//! C0 and C1 controls (ESC, BEL, U+009B CSI, …), DEL and the bidi controls that reorder
//! what a person reads (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are shown
//! escaped, `\u{1b}` style. `--json` output does not come here: JSON escapes controls itself
//! (and a JSON consumer wants the exact text).

use std::borrow::Cow;

/// Whether a character must never reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

/// `text` with every unsafe character shown as `\u{…}`; borrowed when nothing needed escaping.
/// Line breaks and tabs are controls too, so a value cannot forge a row or a column.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    Cow::Owned(out)
}

/// Like [`for_terminal`], but line breaks are kept (a CR before one is dropped, as a
/// terminal would not show it): for multi-line notes, a check list, a rendered report.
pub fn for_terminal_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text
        .split('\n')
        .map(|line| for_terminal(line.strip_suffix('\r').unwrap_or(line)))
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Bytes that need not be UTF-8 (a wordlist line): valid text as [`for_terminal`] shows it,
/// and each byte that is not part of UTF-8 as `\x{ff}`.
pub fn bytes_for_terminal(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return for_terminal(text);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        push_escaped(&mut out, chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{{{byte:02x}}}"));
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(
            for_terminal("a\u{1b}[2Jb\u{7}c\u{9b}d\u{7f}e\u{202e}f\u{2066}g"),
            "a\\u{1b}[2Jb\\u{7}c\\u{9b}d\\u{7f}e\\u{202e}f\\u{2066}g"
        );
        assert_eq!(for_terminal("tab\there\nnl"), "tab\\u{9}here\\u{a}nl");
        assert_eq!(
            for_terminal("\u{200f}\u{200e}\u{61c}"),
            "\\u{200f}\\u{200e}\\u{61c}"
        );
    }

    #[test]
    fn multi_line_notes_keep_their_line_breaks() {
        assert_eq!(
            for_terminal_lines("checks:\r\n  ok \u{1b}[2J\r"),
            "checks:\n  ok \\u{1b}[2J"
        );
        assert!(matches!(for_terminal_lines("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_as_hex() {
        assert_eq!(bytes_for_terminal(b"ok\xffz\x1b"), "ok\\x{ff}z\\u{1b}");
        assert_eq!(bytes_for_terminal("é\t".as_bytes()), "é\\u{9}");
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "alice — ünïcode ok 🎉";
        assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text));
    }
}
