//! Everything that crosses the process boundary: files and stdin, secret prompts, HTTP,
//! stdout/stderr output and the one sanitiser for text shown to people.

pub mod files;
pub mod http;
pub mod input;
pub mod json_writer;
pub mod output;
pub mod password;
pub mod sanitize;
