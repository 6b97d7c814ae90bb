//! Reading a token without trusting it: the report `inspect` prints, how it is drawn for
//! people, and its findings.

pub mod findings;
pub mod render;
pub mod report;
mod sensitive;
mod weak_secret;

pub use render::render;
pub use report::report;
