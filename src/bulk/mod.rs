//! Work over many tokens or lines at hardware speed: the ordered parallel line pipeline of
//! `--batch`, the token finder and listing of `inspect --scan`, and the wordlist search.

pub mod batch;
pub mod crack;
pub mod finder;
pub mod scan;
