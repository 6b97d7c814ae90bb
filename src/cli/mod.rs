//! The command-line interface: every command, flag and value list, in one place.
//! `completions/` and `man/` are generated from this definition.

mod help;
mod service;

pub use service::{AddUserArgs, LoginArgs, ServeArgs, ServeCommand};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::jose::alg::{self, Alg, Curve, Enc};
use crate::keys::SecretEncoding;

#[derive(Debug, Parser)]
#[command(
    name = "jwtctl",
    version,
    about = "Generate keys for, mint, inspect, verify and decrypt JSON Web Tokens",
    long_about = "jwtctl works with JSON Web Tokens: signed (JWS) and encrypted (JWE), every \
algorithm of RFC 7518, keys as JWK, JWK Set or PEM.\n\n\
Exit codes: 0 success; 1 runtime error (I/O, unusable key); 2 usage error; 3 malformed \
input; 4 token not authentic; 5 claims rejected.",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print one machine-readable JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// When to colour output (NO_COLOR also switches it off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// Parsed once per run: the size difference between variants costs nothing.
// Deferred: a subcommand's arguments are built only when it runs (or for help, completions
// and man pages), which keeps start-up for one command from paying for all of them. The
// deferred arguments are applied after the variant's about, so the flattened Args structs
// carry plain comments: a doc comment there would replace the command's help text.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key
    #[command(long_about = help::KEYGEN_ABOUT)]
    Keygen(KeygenArgs),
    /// Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT
    #[command(long_about = help::ISSUE_ABOUT, visible_alias = "encode")]
    Issue(IssueArgs),
    /// Show what is in a token (no key needed), with times and security findings
    #[command(
        long_about = help::INSPECT_ABOUT.replacen("{findings}", &crate::inspect::findings::findings_help(), 1),
        visible_alias = "decode"
    )]
    Inspect(InspectArgs),
    /// Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name
    #[command(long_about = help::VERIFY_ABOUT)]
    Verify(VerifyArgs),
    /// Decrypt a JWE (and verify a nested JWT's inner JWS), checking exp/nbf and named claims
    #[command(long_about = help::DECRYPT_ABOUT)]
    Decrypt(DecryptArgs),
    /// Log in to a token service and print the token it answers, with its inspection
    #[command(long_about = help::LOGIN_ABOUT)]
    Login(LoginArgs),
    /// Run the reference token service (POST /login, GET /whoami), or add a user to it
    #[command(
        long_about = help::SERVE_ABOUT,
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true
    )]
    Serve(ServeArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print or write the roff man pages
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token, text holding it (Bearer …, a URL, a cookie), a file holding it, or - for stdin (read from stdin when left out)
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// With --key on a nested JWT: the key that verifies the inner JWS
    #[arg(long, value_name = "KEY", requires = "key")]
    pub verify_key: Option<String>,
    /// Print only the claims JSON (not verified; a JWE's after --key decrypts it), as jwt-cli's decode -j
    #[arg(long, conflicts_with_all = ["json", "scan", "wordlist"])]
    pub claims: bool,
    /// With a key URL: fetch the JWK Set even when a fresh copy is cached
    #[arg(long, requires = "key")]
    pub no_cache: bool,
    /// With --key: accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")
    #[arg(long, requires = "key")]
    pub allow_weak_key: bool,
    /// Pin "now" for relative times and findings: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub now: Option<String>,
    /// Find every token in FILEs (or stdin) and print one line per token
    #[arg(long, value_name = "FILE", num_args = 0..)]
    pub scan: Option<Vec<String>>,
    /// With --scan: exit 1 when no token was found (as grep does)
    #[arg(long, requires = "scan")]
    pub fail_if_none: bool,
    /// With --scan: print each distinct token once, with its number of sightings
    #[arg(long, requires = "scan")]
    pub unique: bool,
    /// With --scan: also print the tokens themselves (they are credentials)
    #[arg(long, requires = "scan")]
    pub show_token: bool,
    /// Try every line of FILE as the secret of an HS256/384/512 token
    #[arg(long, value_name = "FILE", conflicts_with_all = ["key", "verify_key", "unique", "show_token"])]
    pub wordlist: Option<String>,
    #[command(flatten)]
    pub threads: ThreadArgs,
    /// With --scan: the PBES2 iterations (p2c) the whole scan may spend; later PBES2 tokens are skipped and counted
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SCAN_PBES2_WORK)]
    pub max_pbes2_work: u64,
    #[command(flatten)]
    pub token_input: TokenInputArgs,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

/// The PBES2 iterations one `inspect --scan` may spend: about three tokens at the usual
/// p2c (310,000), well under a second; a log full of planted PBES2 tokens costs no more.
pub const DEFAULT_SCAN_PBES2_WORK: u64 = 1_000_000;

// Checks on claims, shared by verify and decrypt.
#[derive(Debug, Clone, Args)]
pub struct ClaimCheckArgs {
    /// Require this issuer ("iss")
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// Require this audience in "aud"
    #[arg(long, value_name = "AUD")]
    pub aud: Option<String>,
    /// Require this subject ("sub")
    #[arg(long, value_name = "SUB")]
    pub sub: Option<String>,
    /// Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "0s",
        allow_hyphen_values = true
    )]
    pub leeway: String,
    /// Require a claim to be present (repeatable)
    #[arg(long, value_name = "CLAIM")]
    pub require: Vec<String>,
    /// Do not reject an expired token (the check list says so)
    #[arg(long)]
    pub ignore_exp: bool,
    /// Pin "now": RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub now: Option<String>,
    /// Accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")
    #[arg(long)]
    pub allow_weak_key: bool,
    /// Print nothing on success; on failure only the error (the exit code says which)
    #[arg(short = 'q', long, conflicts_with_all = ["json", "batch"])]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token, text holding it (Bearer …, a URL, a cookie), a file holding it, or - for stdin (read from stdin when left out)
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// The key that verifies it (JWK, JWK Set, PEM, certificate, secret, or an https:// JWK Set URL); repeat it to give several keys (each tried by kid and algorithm, e.g. with --all-signatures)
    #[arg(long, value_name = "KEY", required_unless_present = "issuer")]
    pub key: Vec<String>,
    /// An OpenID Connect issuer URL: its keys come from ISSUER/.well-known/openid-configuration, and "iss" must be ISSUER
    #[arg(long, value_name = "URL", conflicts_with = "key")]
    pub issuer: Option<String>,
    /// Accept only this algorithm (repeatable)
    #[arg(long = "alg", value_name = "ALG", value_parser = alg::alg_parser(), hide_possible_values = true)]
    pub algs: Vec<&'static Alg>,
    /// Read one token per line on stdin, write one JSON result per line
    #[arg(long, conflicts_with = "token")]
    pub batch: bool,
    /// With a key URL: fetch the JWK Set even when a fresh copy is cached
    #[arg(long)]
    pub no_cache: bool,
    /// With several signatures (general JSON serialization): require every one to verify with the keys given, not just one
    #[arg(long)]
    pub all_signatures: bool,
    /// The detached payload (RFC 7515 Appendix F): a token whose payload part is empty is verified over this file's bytes
    #[arg(long, value_name = "FILE", conflicts_with = "batch")]
    pub payload: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub threads: ThreadArgs,
    #[command(flatten)]
    pub claims: ClaimCheckArgs,
    #[command(flatten)]
    pub token_input: TokenInputArgs,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// The token, text holding it (Bearer …, a URL, a cookie), a file holding it, or - for stdin (read from stdin when left out)
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// The key that decrypts it (JWK, JWK Set, PEM, secret or password)
    #[arg(long, value_name = "KEY")]
    pub key: String,
    /// Accept only this key-management algorithm (repeatable)
    #[arg(long = "alg", value_name = "ALG", value_parser = alg::alg_parser(), hide_possible_values = true)]
    pub algs: Vec<&'static Alg>,
    /// Accept only this content encryption (repeatable)
    #[arg(long = "enc", value_name = "ENC", value_parser = alg::enc_parser())]
    pub encs: Vec<&'static Enc>,
    /// The key that verifies the inner JWS of a nested JWT
    #[arg(long, value_name = "KEY")]
    pub verify_key: Option<String>,
    /// Accept a nested JWT without verifying its inner JWS (the check list says so)
    #[arg(long, conflicts_with = "verify_key")]
    pub no_verify_inner: bool,
    /// Accept an RSA-OAEP*, RSA1_5 or ECDH-ES* token without a signed inner JWS, although anyone holding the public key can make one (the check list says so)
    #[arg(long)]
    pub allow_unauthenticated: bool,
    /// The highest PBES2 iteration count accepted
    #[arg(long, value_name = "N", default_value_t = crate::jose::precheck::DEFAULT_MAX_P2C)]
    pub max_p2c: u64,
    /// The largest size a zip: DEF payload may inflate to, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = crate::jose::precheck::DEFAULT_MAX_INFLATE)]
    pub max_inflate: usize,
    /// Read one token per line on stdin, write one JSON result per line
    #[arg(long, conflicts_with = "token")]
    pub batch: bool,
    #[command(flatten)]
    pub threads: ThreadArgs,
    #[command(flatten)]
    pub claims: ClaimCheckArgs,
    #[command(flatten)]
    pub token_input: TokenInputArgs,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

// How a KEY's content is read.
#[derive(Debug, Clone, Args)]
pub struct KeyInputArgs {
    /// KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub secret_encoding: Option<SecretEncoding>,
    /// Read the password of a protected key from FILE (one trailing newline dropped) instead of asking
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

impl KeyInputArgs {
    pub fn load_options(&self) -> crate::keys::LoadOptions {
        crate::keys::LoadOptions {
            secret_encoding: self.secret_encoding,
            password_file: self.password_file.clone(),
            ..crate::keys::LoadOptions::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kty {
    #[value(name = "oct")]
    Oct,
    #[value(name = "RSA")]
    Rsa,
    #[value(name = "EC")]
    Ec,
    #[value(name = "OKP")]
    Okp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyUse {
    Sig,
    Enc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// A single JWK
    Jwk,
    /// A JWK Set holding the key
    Jwks,
    /// PEM: PKCS#8 for private keys, SPKI for public keys
    Pem,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The algorithm the key is for (sets kty, size and the JWK's alg)
    #[arg(long, value_name = "ALG", value_parser = alg::alg_parser(), conflicts_with = "kty", hide_possible_values = true)]
    pub alg: Option<&'static Alg>,
    /// With --alg dir: the content encryption, which sizes the key [default: A256GCM]
    #[arg(long, value_name = "ENC", value_parser = alg::enc_parser(), requires = "alg")]
    pub enc: Option<&'static Enc>,
    /// The key type, when no --alg is given
    #[arg(long, value_enum)]
    pub kty: Option<Kty>,
    /// The curve of an EC or OKP key [default: P-256 for EC, Ed25519 for OKP]
    #[arg(long, value_name = "CURVE", value_parser = alg::curve_parser())]
    pub crv: Option<Curve>,
    /// Key size in bits for RSA (default 2048) and oct keys (default: what --alg needs, else 256)
    #[arg(long, value_name = "BITS")]
    pub size: Option<u32>,
    /// The key id [default: the RFC 7638 thumbprint; with --public/--convert, the key's own kid, else its thumbprint]
    // A thumbprint may start with '-': take it as a value, not a flag.
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// The JWK's "use" [default: sig for a JWS algorithm, enc for a JWE one]
    #[arg(long = "use", value_enum, value_name = "USE")]
    pub key_use: Option<KeyUse>,
    /// Output format
    #[arg(long, value_enum, default_value_t = KeyFormat::Jwk)]
    pub format: KeyFormat,
    /// Write the key to FILE (mode 0600) instead of stdout
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the public half to FILE (JWK, or PEM with --format pem)
    #[arg(long, value_name = "FILE")]
    pub public_out: Option<PathBuf>,
    /// Replace existing output files (regular files and symlinks only, never a directory, FIFO or device)
    #[arg(long)]
    pub force: bool,
    /// Print the public half of an existing KEY instead of generating one; several KEYs (or a JWK Set) make one JWK Set of public keys
    #[arg(long, value_name = "KEY", num_args = 1.., conflicts_with_all = ["kty", "crv", "size", "convert", "protect", "public_out"])]
    pub public: Vec<String>,
    /// Rewrite an existing KEY in --format (JWK ⇄ PEM), instead of generating one
    #[arg(long, value_name = "KEY", conflicts_with_all = ["kty", "crv", "size"])]
    pub convert: Option<String>,
    /// Encrypt the private JWK under a password (PBES2-HS512+A256KW), asked for or read from --password-file
    #[arg(long)]
    pub protect: bool,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1; existing pages are kept unless --force
    // -o means an output everywhere: here, the directory the pages go to.
    #[arg(short = 'o', long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// With --out-dir: replace existing pages (a symlink is replaced, never written through)
    #[arg(long, requires = "out_dir")]
    pub force: bool,
}

// Options shared by every command that reads a token.
#[derive(Debug, Clone, Args)]
pub struct TokenInputArgs {
    /// The largest token accepted, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = crate::jose::token::DEFAULT_MAX_TOKEN_BYTES)]
    pub max_token_size: usize,
}

/// How `issue` writes a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Serialization {
    Compact,
    Flattened,
    General,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The key that signs (JWS) or encrypts (JWE) the token; repeat it with --serialization general for one signature (or recipient) per key
    #[arg(long, value_name = "KEY", required = true)]
    pub key: Vec<String>,
    /// The algorithm: a signature algorithm makes a JWS, a key-management algorithm a JWE [default: the key's "alg"]
    #[arg(long, value_name = "ALG", value_parser = alg::alg_parser(), hide_possible_values = true)]
    pub alg: Option<&'static Alg>,
    /// The content encryption of a JWE [default: A256GCM; with a dir key, the one its size fits]
    #[arg(long, value_name = "ENC", value_parser = alg::enc_parser())]
    pub enc: Option<&'static Enc>,
    /// Subject claim ("sub")
    #[arg(long, value_name = "SUB")]
    pub sub: Option<String>,
    /// Issuer claim ("iss")
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// Audience claim ("aud"); repeat it for several audiences
    #[arg(long, value_name = "AUD")]
    pub aud: Vec<String>,
    /// Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time, a date (2027-01-01, midnight UTC) or Unix seconds
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub exp: Option<String>,
    /// Not before ("nbf"), in the same forms as --exp
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub nbf: Option<String>,
    /// Issued at ("iat"), in the same forms as --exp [default: now]
    #[arg(
        long,
        value_name = "TIME",
        allow_hyphen_values = true,
        conflicts_with = "no_iat"
    )]
    pub iat: Option<String>,
    /// Leave "iat" out
    #[arg(long)]
    pub no_iat: bool,
    /// Token id ("jti"); without a value, a random one
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
    pub jti: Option<String>,
    /// A claim: NAME=STRING, or NAME:=JSON for numbers, booleans, arrays and objects (repeatable)
    #[arg(long, value_name = "NAME=VALUE")]
    pub claim: Vec<String>,
    /// Claims from a JSON object in FILE, or - for stdin
    #[arg(long, value_name = "FILE")]
    pub claims: Option<String>,
    /// Take the claims of an existing TOKEN (not verified), then apply the other flags; its header is not copied (see --from-header)
    #[arg(long, value_name = "TOKEN")]
    pub from: Option<String>,
    /// Also copy header parameter NAME from the --from token (repeatable; not alg, enc, kid or other algorithm parameters)
    #[arg(long, value_name = "NAME", requires = "from")]
    pub from_header: Vec<String>,
    /// Header "kid" [default: the key's kid; for a key without one (a PEM file), its RFC 7638 thumbprint]
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// Leave "kid" out of the header
    #[arg(long, conflicts_with = "kid")]
    pub no_kid: bool,
    /// Header "typ" [default: JWT]; an empty value leaves it out
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,
    /// Header "cty"
    #[arg(long, value_name = "CTY")]
    pub cty: Option<String>,
    /// A header parameter: NAME=STRING or NAME:=JSON (repeatable; not alg or enc)
    #[arg(long, value_name = "NAME=VALUE")]
    pub header: Vec<String>,
    /// The output form: compact (header.payload.signature), or the JSON serializations flattened or general (RFC 7515/7516 §7.2)
    #[arg(long, value_name = "FORM", value_enum, default_value_t = Serialization::Compact)]
    pub serialization: Serialization,
    /// An unprotected header parameter (JSON serializations only): NAME=STRING or NAME:=JSON (repeatable)
    #[arg(long, value_name = "NAME=VALUE")]
    pub unprotected_header: Vec<String>,
    /// Sign the claims with this key first, then encrypt that JWS with --key (a nested JWT)
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<String>,
    /// The signature algorithm of a nested JWT [default: the sign key's "alg"]
    #[arg(long, value_name = "ALG", requires = "sign_key", value_parser = alg::alg_parser(), hide_possible_values = true)]
    pub sign_alg: Option<&'static Alg>,
    /// Pin "now" so output is reproducible: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub now: Option<String>,
    /// Read one JSON claims object per line on stdin, write one token per line
    #[arg(long, conflicts_with_all = ["claims", "from"])]
    pub batch: bool,
    /// Write the token to FILE (mode 0600, atomically) instead of stdout
    #[arg(
        short = 'o',
        long = "out",
        value_name = "FILE",
        conflicts_with = "batch"
    )]
    pub out: Option<PathBuf>,
    /// Replace an existing -o FILE (a regular file or symlink only)
    #[arg(long, requires = "out")]
    pub force: bool,
    #[command(flatten)]
    pub threads: ThreadArgs,
    #[command(flatten)]
    pub token_input: TokenInputArgs,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

// Worker threads of the bulk work (--batch, --scan, --wordlist), with one meaning
// everywhere: 1 or more; 0 is refused rather than read as "every core".
#[derive(Debug, Clone, Args)]
pub struct ThreadArgs {
    /// Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
}
