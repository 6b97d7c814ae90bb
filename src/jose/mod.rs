//! JOSE itself: the algorithm tables, strict parsing of untrusted tokens and JSON, the checks
//! made before josekit sees a token, the bridge to josekit, minting, and deciding trust.

pub mod alg;
pub mod claims;
pub mod crypto;
pub mod json;
pub mod json_check;
pub mod json_mint;
pub mod kids;
pub mod mint;
pub mod precheck;
pub mod prepared;
pub mod strict_json;
pub mod token;
pub mod verdict;
pub mod verify;
pub mod weak;
