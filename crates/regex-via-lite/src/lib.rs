//! The part of the `regex` API that josekit uses, implemented on `regex-lite`.
//!
//! jwtctl's only user of `regex` is josekit, which checks a few ASCII-only patterns: the
//! base64 alphabets of JWK and header members, and PEM armour. The full crate carries
//! Unicode tables that are ~190 KB of pointers: the dynamic loader relocates every one of
//! them at each start, which was most of `jwtctl inspect`'s start-up cost beyond a hello
//! world. `regex-lite` has the same syntax and matching semantics without Unicode classes
//! (which none of josekit's patterns use) and matches in time linear in the input.
//!
//! Only what josekit calls is here: if a josekit upgrade calls more, the build fails rather
//! than behaving differently. `src/jose.rs` in jwtctl tests these paths through josekit.

pub use regex_lite::{Error, Regex};

/// Byte-string regexes, on `regex-lite`'s `&str` ones: a haystack that is not UTF-8 never
/// matches. That is exact for josekit's patterns, which are anchored and accept only ASCII.
pub mod bytes {
    use std::borrow::Cow;

    pub struct Regex(regex_lite::Regex);

    /// The groups of one match.
    pub struct Captures<'h>(regex_lite::Captures<'h>);

    /// One group's text.
    pub struct Match<'h>(regex_lite::Match<'h>);

    /// A replacement used literally (`$` is not special).
    pub struct NoExpand<'s>(pub &'s [u8]);

    impl Regex {
        pub fn new(pattern: &str) -> Result<Regex, regex_lite::Error> {
            regex_lite::Regex::new(pattern).map(Regex)
        }

        pub fn captures<'h>(&self, haystack: &'h [u8]) -> Option<Captures<'h>> {
            let text = std::str::from_utf8(haystack).ok()?;
            self.0.captures(text).map(Captures)
        }

        pub fn replace_all<'h>(&self, haystack: &'h [u8], with: NoExpand<'_>) -> Cow<'h, [u8]> {
            let Ok(text) = std::str::from_utf8(haystack) else {
                return Cow::Borrowed(haystack);
            };
            let mut matches = self.0.find_iter(text).peekable();
            if matches.peek().is_none() {
                return Cow::Borrowed(haystack);
            }
            let mut out = Vec::with_capacity(haystack.len());
            let mut end = 0;
            for found in matches {
                out.extend_from_slice(&haystack[end..found.start()]);
                out.extend_from_slice(with.0);
                end = found.end();
            }
            out.extend_from_slice(&haystack[end..]);
            Cow::Owned(out)
        }
    }

    impl<'h> Captures<'h> {
        pub fn get(&self, group: usize) -> Option<Match<'h>> {
            self.0.get(group).map(Match)
        }
    }

    impl<'h> Match<'h> {
        pub fn as_bytes(&self) -> &'h [u8] {
            self.0.as_str().as_bytes()
        }
    }
}
