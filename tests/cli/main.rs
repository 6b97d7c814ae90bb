//! The integration tests: one binary, one module per command or concern, so the suite
//! links once and shares one key cache.

mod common;
mod forge;
mod keycache;

mod batch;
mod decrypt;
mod durations;
mod everyday;
mod fail_closed;
mod generated;
mod hostile;
mod inspect;
mod issue;
mod json_serialization;
mod jwks_url;
mod keygen;
mod keys;
mod mutation;
mod panva;
mod prepared;
mod rfc_vectors;
mod scan;
mod scan_json;
mod serve_login;
mod verify;
mod wordlist;
mod writes;
