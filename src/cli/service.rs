//! The flags of the commands that talk HTTP: `login` (the client) and `serve` (the
//! reference backend, with `serve add-user`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{KeyInputArgs, help};
use crate::jose::alg::{self, Alg, Enc};

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The login URL (http:// or https://)
    #[arg(value_name = "URL")]
    pub url: String,
    /// The user name [default: asked on the terminal]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Read the password from the first line of stdin
    #[arg(long, conflicts_with = "password_env")]
    pub password_stdin: bool,
    /// Read the password from environment variable NAME
    #[arg(long, value_name = "NAME")]
    pub password_env: Option<String>,
    /// Send the credentials form-encoded instead of as JSON
    #[arg(long)]
    pub form: bool,
    /// The name of the user name field
    #[arg(long, value_name = "FIELD", default_value = "username")]
    pub user_field: String,
    /// The name of the password field
    #[arg(long, value_name = "FIELD", default_value = "password")]
    pub password_field: String,
    /// Where the token is: json:/POINTER, header:NAME, cookie:NAME or body [default: search]
    #[arg(long, value_name = "WHERE")]
    pub token_from: Option<String>,
    /// An extra request header, 'Name: value' (repeatable; sent with the probe too)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Trust only the CA certificates in FILE (PEM) for HTTPS
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub cacert: Option<PathBuf>,
    /// Do not verify the server's HTTPS certificate (warns)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Give up on a request after this long (e.g. 5s, 1m; at most 100y)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10s",
        allow_hyphen_values = true
    )]
    pub timeout: String,
    /// Write the token to FILE (mode 0600) instead of stdout
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing -o FILE (a regular file or symlink only, never a directory, FIFO or device)
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Also verify (JWS) or decrypt (JWE) the token with this key
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Then GET this URL with the token as Bearer and show the answer on stderr
    #[arg(long, value_name = "URL")]
    pub probe: Option<String>,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

#[derive(Debug, Args)]
#[group(id = "key_source", required = true, multiple = false)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    /// The address to listen on (port 0 picks a free port)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The users file (NAME:ARGON2-HASH lines, made with jwtctl serve add-user)
    #[arg(long, value_name = "FILE", required = true)]
    pub users: Option<PathBuf>,
    /// The key that signs or encrypts the tokens (a file made with jwtctl keygen)
    #[arg(long, value_name = "KEY", group = "key_source")]
    pub key: Option<String>,
    /// Generate a key in memory instead: every token dies with the process
    #[arg(long, group = "key_source")]
    pub ephemeral_key: bool,
    /// With a JWK Set --key: the kid of the key to use
    #[arg(long, value_name = "KID", requires = "key")]
    pub kid: Option<String>,
    /// The token algorithm [default: the key's "alg", else dir]
    #[arg(long, value_name = "ALG", value_parser = alg::alg_parser(), hide_possible_values = true)]
    pub alg: Option<&'static Alg>,
    /// The content encryption of a JWE [default: A256GCM]
    #[arg(long, value_name = "ENC", value_parser = alg::enc_parser())]
    pub enc: Option<&'static Enc>,
    /// How long a token lives (e.g. 90s, 15m, 1h; at most 100y)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "15m",
        allow_hyphen_values = true
    )]
    pub ttl: String,
    /// The issuer ("iss") put in tokens and required by /whoami
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// The audience ("aud") put in tokens and required by /whoami
    #[arg(long, value_name = "AUD")]
    pub aud: Option<String>,
    /// How long a client may take to send a request's head, then its body (1s to 1h)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10s",
        allow_hyphen_values = true
    )]
    pub read_timeout: String,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Add a user to a users file, or change a user's password
    #[command(long_about = help::ADD_USER_ABOUT)]
    AddUser(AddUserArgs),
}

#[derive(Debug, Args)]
pub struct AddUserArgs {
    /// The users file to create or update
    #[arg(long, value_name = "FILE")]
    pub users: PathBuf,
    /// The user name
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Read the password from the first line of stdin instead of asking
    #[arg(long)]
    pub password_stdin: bool,
}
