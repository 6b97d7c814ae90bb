//! Reading a token without trusting it: the report `inspect` prints and its findings.

pub mod findings;
