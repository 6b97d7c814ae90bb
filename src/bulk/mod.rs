//! Work over many tokens or lines at hardware speed: one parallel pipeline (`pipeline`)
//! under the line work of `--batch`, the token finder and listing of `inspect --scan`,
//! and the wordlist search, with one progress line on a terminal (`progress`).

pub mod batch;
pub mod crack;
pub mod finder;
pub mod json_finder;
pub mod pipeline;
pub mod progress;
pub mod scan;
