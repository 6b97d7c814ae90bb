//! The command-line interface: every command, flag and value list, in one place.
//! `completions/` and `man/` are generated from this definition.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::jose::alg::{self, Alg, Enc};
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
    #[command(long_about = KEYGEN_ABOUT)]
    Keygen(KeygenArgs),
    /// Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT
    #[command(long_about = ISSUE_ABOUT)]
    Issue(IssueArgs),
    /// Show what is in a token (no key needed), with times and security findings
    #[command(long_about = INSPECT_ABOUT.replacen("{findings}", &crate::inspect::findings::findings_help(), 1))]
    Inspect(InspectArgs),
    /// Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name
    #[command(long_about = VERIFY_ABOUT)]
    Verify(VerifyArgs),
    /// Decrypt a JWE (and verify a nested JWT's inner JWS), checking exp/nbf and named claims
    #[command(long_about = DECRYPT_ABOUT)]
    Decrypt(DecryptArgs),
    /// Log in to a token service and print the token it answers, with its inspection
    #[command(long_about = LOGIN_ABOUT)]
    Login(LoginArgs),
    /// Run the reference token service (POST /login, GET /whoami), or add a user to it
    #[command(
        long_about = SERVE_ABOUT,
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true
    )]
    Serve(ServeArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print or write the roff man pages
    Man(ManArgs),
}

const KEYGEN_ABOUT: &str =
    "Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key.

Any JWS or JWE algorithm picks a suitable key: --alg ES256 makes an EC P-256 key, --alg dir \
--enc A256GCM a 256-bit secret, --alg RSA-OAEP-256 a 2048-bit RSA key, --alg EdDSA an Ed25519 \
key. Or name the key type with --kty/--crv/--size. The JWK carries kty, alg, use and kid (by \
default its RFC 7638 thumbprint).

Without -o the private key goes to stdout. Files holding private keys are created with mode \
0600, written atomically, and never replace an existing file without --force; --force \
replaces a regular file or a symlink (the link itself), never a directory, FIFO, socket or \
device, nor a symlink to one. With --public-out, both files are written or neither. A JWK holding any private \
member (d, or RSA's p, q, dp, dq, qi, oth) is a private key; RSA members without d are an \
invalid key (exit 1), and a public output never carries them.";

const ISSUE_ABOUT: &str = "Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT.

A signature algorithm (--alg HS256, ES256, …) makes a JWS; a key-management algorithm (--alg \
dir, RSA-OAEP-256, …) makes a JWE with --enc (default A256GCM). Without --alg, the key's own \
\"alg\" decides; with no way to tell, it is a usage error. With --sign-key the claims are \
signed first and the JWS is encrypted with cty \"JWT\" (RFC 7519 §5.2).

Claims are applied in this order, later ones winning: --from, --claims, --claim, then the \
named flags (--sub, --exp, …). \"iat\" is set to now unless --no-iat, --iat, or the claims \
already carry one. Times are written as integer seconds (NumericDate). A number that would \
not be written back with the same value (an integer beyond 64 bits, more digits than a double \
holds) is refused: exit 2 from flags and files, 3 from --from; write such values as strings.

--from copies the token's claims only: its header (which may name keys, jku, x5u, jwk, x5c, \
or carry crit and cty) is not trusted. The header is made as for a fresh token (typ JWT, the \
key's kid), plus --typ, --cty, --header and the parameters named with --from-header. Headers \
jwtctl cannot honour are refused (exit 2): a crit its own verify would refuse, and b64 (RFC \
7797 unencoded payloads are not written).

Output: the compact token and a newline; --json prints {token, header, claims}. \
--serialization flattened or general writes the JSON serialization (RFC 7515/7516 §7.2) on \
one line instead: with general, repeat --key for one signature (JWS) or one recipient (JWE, \
one shared content key) per key, each with its own alg and kid. --header members are \
protected; --unprotected-header NAME=VALUE members are not (never alg, enc, crit or b64).

--batch reads one JSON claims object per line on stdin and writes one token per line, in \
input order, on every core (--threads). Each line's claims are laid over those the flags \
give (iat included), so a line's own values win. Every input line gets exactly one output \
line: a line that is not a JSON object (or is blank, over 1 MiB, not UTF-8) is reported on \
stderr as `error: line N: …` and answered with an empty line (with --json, each line is \
{line, token} or {line, error}); the exit code is then the first failure's class. HS* and dir + A128GCM/A256GCM take a fast path keyed once (byte-identical to \
josekit's output, proven by a differential test).";

const VERIFY_ABOUT: &str =
    "Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name.

Allowed algorithms: those named with --alg, else the key's \"alg\", else every algorithm of \
the key's type (an RSA or EC key never verifies HS256; a secret never verifies RS256). \
\"none\" is never accepted. A JWK Set picks the key by the token's kid; keys named by the \
token itself (jku, x5u, jwk) are never used. KEY may also be the https:// URL of a JWK \
Set (fetched with a 10 s timeout and a 1 MiB limit, cached 5 minutes; plain http:// only on \
loopback; a URL with user:password@ is refused). Loopback URLs never go through a proxy; \
others honour https_proxy/http_proxy (by scheme), then all_proxy, and no_proxy, as curl \
does.

exp and nbf are checked when present (now >= exp is expired; --leeway widens both, default \
0s). --iss, --aud, --sub and --require add checks. A payload that starts with { (or a token \
whose typ or cty is JWT) is a claims set and must parse strictly: a duplicate member, a lone \
surrogate, nesting over 128 levels or a number out of range is malformed (exit 3). Any \
other payload is printed raw, and claim flags then fail (exit 5). On success the claims (or \
the raw payload) go to stdout and the list of checks to stderr; --json prints one document \
whatever the outcome: {valid, error, class, header, claims|payload, checks}.

--batch reads one token per line on stdin and writes exactly one JSON result per line, in \
order, whatever the line holds: {line, valid, error, class, header, claims|payload, checks}. \
The exit code is 0 when every token is valid, else the class of the first failing line.

JSON serializations (RFC 7515 §7.2), flattened or general, are read as well as compact \
tokens: a JSON object with payload and signature or signatures (one per --batch line). The \
header is the union of the protected and unprotected headers; a name in both, or crit or b64 \
outside the protected one, is malformed (exit 3). With several signatures, those the key can \
check (by kid, else by algorithm) are checked and one valid signature is enough; \
--all-signatures requires every one to verify with the keys given (several --key, or a JWK Set). The checks \
name each signature and its result. RFC 7797 unencoded payloads (b64 false, listed in crit) \
verify, compact and JSON; a detached payload (RFC 7515 Appendix F: an empty payload part, or \
no payload member) is given with --payload FILE.";

const DECRYPT_ABOUT: &str =
    "Decrypt a JWE (and verify a nested JWT's inner JWS), checking exp/nbf and named claims.

Allowed algorithms as for verify (RSA1_5 only when named by --alg or the key's \"alg\"); \
--enc limits the content encryption. Before any decryption the token's structure is checked: \
IV and tag lengths, wrapped key sizes, PBES2 p2c (at most 310000 unless --max-p2c), crit, and \
zip (inflated size capped at 262144 bytes unless --max-inflate). Tag and padding failures \
give the same error.

A nested JWT (cty JWT) is verified with --verify-key, and refused without one unless \
--no-verify-inner. With --verify-key the plaintext must be a compact JWS that verifies \
under it, whatever cty says. RSA-OAEP*, RSA1_5 and ECDH-ES* need only the recipient's \
public key, so anyone can make such a token: it is refused (exit 4) unless --verify-key \
proves who signed it, or --allow-unauthenticated accepts it anyway (the checks then say \
authenticity: not checked). dir, AES key wrap and PBES2 tokens are authenticated by the \
shared secret. On success the plaintext (pretty JSON when it is JSON) goes to stdout.

--json and --batch as for verify. JSON-serialized JWEs (RFC 7516 §7.2, flattened or general, \
with aad and shared and per-recipient unprotected headers) are read too: every recipient \
passes the checks above, and the recipient whose kid names a key is used, else each whose \
algorithm the key allows; the checks say which.";

/// `{findings}` stands for the list generated from the finding codes (`findings_help`).
pub const INSPECT_ABOUT: &str =
    "Show what is in a token (no key needed), with times and security findings.

The token may be given as itself, -, on stdin, or inside text: Bearer …, Authorization: \
Bearer …, quotes, a URL or a cookie. JWS: header, claims, signature algorithm and length. \
JWE: protected header and the size of each part; with --key, the decrypted content too, \
and a nested JWT's inner token (verified with --verify-key). A JSON-serialized token \
(flattened or general) is shown through its first signature or recipient, with each one's \
headers listed (--json: serialization, and signatures or recipients, each with protected, \
unprotected and the union header). Times (exp, nbf, iat, \
auth_time) are shown as Unix seconds, RFC 3339 UTC and relative to now, with the lifetime.

{findings}

Exit 0 when the token parsed (an expired or forged token still inspects), 3 when it did not.

--json prints one document: type (JWS|JWE), header, claims (or payload when it is not a \
JSON object), parts [{name, bytes}], signature {alg, bytes} (JWS), times {CLAIM: {unix, \
utc, relative}}, lifetime {seconds, human} or null, findings [{code, severity, message}], \
verification {valid, error, checks} with --key, and decrypted {claims|payload, inner} for a \
JWE with --key.

--scan [FILE…] reads files, or stdin (no FILE, or -), as arbitrary bytes (logs, HAR files, \
headers, binary junk) and prints one tab-separated line per token, in input order: \
FILE:LINE, type (JWS|JWE), alg (alg/enc for a JWE), kid, iss, sub, and the exp status \
(expires in 5m, expired 2h ago, no exp, encrypted, no claims); - marks an absent value, \
FILE is - for stdin, and a TOKEN argument counts as one more FILE. A token is a run of \
base64url characters and dots that starts with eyJ and parses strictly as 3 (JWS) or 5 \
(JWE) parts; token-shaped text that does not parse, or is longer than --max-token-size, \
is skipped (counted on stderr when it is a terminal). --key adds a column valid|invalid \
(signature checked or JWE decrypted; times are not judged). --unique prints each distinct \
token once, where it was first seen, with the number of sightings as the first column. \
Tokens are live credentials, so they are not printed (FILE:LINE finds them) unless \
--show-token adds each as the last column. --json prints JSON Lines {file, line, offset, \
type, alg, enc, kid, iss, sub, exp, exp_status, sha256}, plus valid and error with --key, \
count with --unique, token with --show-token; absent values are null. PBES2 tokens are \
decrypted only with the password of --password-file (a raw --key secret is never tried as \
a password: each try costs p2c hash rounds), and only until the scan has spent \
--max-pbes2-work iterations (default 1000000); a PBES2 token not tried shows skipped in the \
check column (--json: valid null and skipped with the reason), and stderr counts them. Memory stays bounded \
(a 1 MiB read buffer plus --max-token-size, and the distinct tokens with --unique) for \
inputs and lines of any size; batches of tokens are parsed on --threads workers. Exit 0 \
when every input was read, whether tokens were found or not (stdout is then empty); 1 when \
an input could not be read (reported, and the other inputs still scanned).

--wordlist FILE tries every line of FILE (LF or CRLF line ends; - for stdin) as the HMAC \
secret of an HS256, HS384 or HS512 TOKEN, on --threads workers (default: every core), with \
progress on stderr when it is a terminal. Lines longer than 64 KiB (65536 bytes without the \
line end) are skipped and counted on stderr, so memory stays bounded whatever the input. A \
match prints the secret and a newline on stdout, with control characters and bytes that are \
not UTF-8 escaped (\\u{1b}, \\x{ff}; stderr then says so); when no line matches, stdout \
stays empty and stderr says so. Both exit 0: the search ran and its answer is on stdout \
(exit 1 means a runtime error, such as an unreadable wordlist). --json prints {found, alg, \
secret, secret_b64, tried, skipped}: secret_b64 is the exact secret, base64url; secret is \
its text when it is UTF-8, else null. A token that is not HS* is a usage error (exit 2). \
With --scan, every distinct HS* token in the scanned inputs is tried in one pass over the \
wordlist, and each token whose secret was found gets a line: FILE:LINE, alg, kid, iss, sub, \
secret, escaped the same way (--json: a JSON Line {file, line, offset, count, alg, kid, iss, \
sub, sha256, secret, secret_b64} for every HS* token, both null when not found).";

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token, text holding it, or - for stdin (read from stdin when left out)
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// With --key on a nested JWT: the key that verifies the inner JWS
    #[arg(long, value_name = "KEY", requires = "key")]
    pub verify_key: Option<String>,
    /// Pin "now" (RFC 3339 or Unix seconds) for relative times and findings
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Find every token in FILEs (or stdin) and print one line per token
    #[arg(long, value_name = "FILE", num_args = 0..)]
    pub scan: Option<Vec<String>>,
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
    #[arg(long, value_name = "DURATION", default_value = "0s")]
    pub leeway: String,
    /// Require a claim to be present (repeatable)
    #[arg(long, value_name = "CLAIM")]
    pub require: Vec<String>,
    /// Do not reject an expired token (the check list says so)
    #[arg(long)]
    pub ignore_exp: bool,
    /// Pin "now" (RFC 3339 or Unix seconds)
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token, or - for stdin (read from stdin when left out)
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// The key that verifies it (JWK, JWK Set, PEM, certificate, secret, or an https:// JWK Set URL); repeat it to give several keys (each tried by kid and algorithm, e.g. with --all-signatures)
    #[arg(long, value_name = "KEY", required = true)]
    pub key: Vec<String>,
    /// Accept only this algorithm (repeatable)
    #[arg(long = "alg", value_name = "ALG", value_parser = alg::alg_parser(), hide_possible_values = true)]
    pub algs: Vec<&'static Alg>,
    /// Read one token per line on stdin, write one JSON result per line
    #[arg(long, conflicts_with = "token")]
    pub batch: bool,
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
    /// The token, or - for stdin (read from stdin when left out)
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
            allow_url: false,
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

pub const CURVES: &[&str] = &[
    "P-256",
    "P-384",
    "P-521",
    "secp256k1",
    "Ed25519",
    "Ed448",
    "X25519",
    "X448",
];

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
    #[arg(long, value_name = "CURVE", value_parser = PossibleValuesParser::new(CURVES))]
    pub crv: Option<String>,
    /// Key size in bits for RSA (default 2048) and oct keys (default: what --alg needs, else 256)
    #[arg(long, value_name = "BITS")]
    pub size: Option<u32>,
    /// The key id [default: the RFC 7638 thumbprint]
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
    /// Print the public half of an existing KEY instead of generating one
    #[arg(long, value_name = "KEY", conflicts_with_all = ["alg", "kty", "crv", "size", "convert", "protect", "public_out"])]
    pub public: Option<String>,
    /// Rewrite an existing KEY in --format (JWK ⇄ PEM), instead of generating one
    #[arg(long, value_name = "KEY", conflicts_with_all = ["alg", "kty", "crv", "size"])]
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
    #[arg(long, value_name = "DIR")]
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
    /// Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time or Unix seconds
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
    /// Header "kid" [default: the key's kid]
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    pub kid: Option<String>,
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
    /// Pin "now" (RFC 3339 or Unix seconds) so output is reproducible
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Read one JSON claims object per line on stdin, write one token per line
    #[arg(long, conflicts_with_all = ["claims", "from"])]
    pub batch: bool,
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

const SERVE_ABOUT: &str =
    "Run the reference token service (POST /login, GET /whoami), or add a user to it.

The stateless service jwtctl is made for, on one machine. POST /login takes {\"username\", \
\"password\"} as JSON (or form-encoded with Content-Type application/x-www-form-urlencoded), \
checks it against --users and answers 200 {\"access_token\", \"token_type\": \"Bearer\", \
\"expires_in\"}: a token with sub (the user), iat, exp (now + --ttl), a random jti, and iss \
and aud when given. A wrong password and an unknown user get the same 401 in about the same \
time. GET /whoami with Authorization: Bearer TOKEN answers the token's claims after the same \
checks as jwtctl verify/decrypt: only the configured algorithm (and enc), exp and nbf (no \
leeway), and iss/aud when configured; otherwise 401 with WWW-Authenticate. Errors are JSON \
{\"error\", \"error_description\"}: 400 bad request, 401, 404 unknown path, 405 wrong method \
(with Allow), 408 a body not received within --read-timeout, 413 body over 16384 bytes, 414 a \
request target over 8192 bytes, 415 a body that is neither JSON nor a form.

Limits against slow or hostile clients: the request line and headers together are at most \
32768 bytes (more: 431 with no body, and the connection is closed); a request head must \
arrive within --read-timeout (default 10s; also the longest a keep-alive connection may stay \
idle), else the connection is closed without an answer; a login body must arrive within \
--read-timeout after its head (else 408 and close); a body announced or sent larger than the \
limit is answered 413 without being stored (the connection is then closed); a connection on \
which nothing moves for twice --read-timeout (a client that does not read its answers) is \
closed. At most 256 \
connections are served at once (more wait to be accepted), and at most 2 password checks run \
at once, apart from the threads that answer /whoami.

The users file holds one NAME:HASH line per user, HASH an argon2 PHC string \
($argon2id$v=19$m=19456,t=2,p=1$SALT$HASH); empty lines and lines starting with # are \
comments. `jwtctl serve add-user --users FILE NAME` adds a user or changes a password \
(asked twice without echo, or one line read with --password-stdin), writing the file \
atomically with mode 0600; hashes use argon2id with the argon2 crate's defaults (19 MiB, 2 \
passes, 1 lane). Hashes may use other argon2 parameters up to m=65536 (KiB), t=4, p=4 and \
m×t=131072; a file asking for more is refused at start. An unknown user name is checked \
against a stand-in hash with the file's own parameters, so it takes as long as a wrong \
password. serve warns when the file is readable or writable by group or others.

The key: --key KEY (a file made with jwtctl keygen, which must exist; restarts keep \
sessions) or --ephemeral-key (a fresh key in memory: every token dies with the process). \
--alg defaults to the key's own \"alg\", else dir (with --enc A256GCM); HS256 or any \
algorithm the key allows works too, except RSA-OAEP*, RSA1_5 and ECDH-ES* (refused, exit 2): \
anyone with the public key could make tokens the service would accept. The users file and the key are read once at start and \
never written by the server; restart it to pick up new users.

On start it prints `listening on ADDR:PORT` on stderr with the real port (so --listen \
127.0.0.1:0 picks a free one), then one access-log line per request (time, client, method, \
path without query, status, duration, and the user on a successful login; never tokens or \
passwords; controls in what the client sent are shown escaped); with --json the access log \
goes to stdout as JSON Lines. A log nobody reads any more (closed stderr or stdout) does not \
stop the service. It binds to loopback \
unless told otherwise (and warns when not: there is no TLS), and stops cleanly on SIGINT, \
SIGTERM or SIGHUP with exit 0 (requests under way get up to 5 seconds to finish). It is a \
reference and test backend, not an internet-facing server: it has no TLS and no rate \
limiting.";

const LOGIN_ABOUT: &str =
    "Log in to a token service and print the token it answers, with its inspection.

POSTs {\"username\": NAME, \"password\": PASSWORD} as JSON to URL (--form: form-encoded; field \
names from --user-field and --password-field). The password is read with --password-stdin \
(one line), from --password-env NAME, or asked on the terminal without echo; never from an \
argument. Without --user the name is asked on the terminal.

The token is found with --token-from: json:/POINTER (RFC 6901, e.g. json:/data/token), \
header:NAME (a leading \"Bearer \" is dropped), cookie:NAME (from Set-Cookie) or body (the \
whole body is the token). Without it, the first of the JSON fields access_token, token, \
id_token and jwt that holds a JWS or JWE, then the Authorization header, then a body that is \
itself a token.

On success the token (and nothing else) goes to stdout, or to -o FILE (mode 0600, never \
overwritten without --force), and its inspection (header, claims, times, findings) to \
stderr. --key KEY also verifies (JWS) or decrypts (JWE) it with the same checks as jwtctl \
verify/decrypt (exp and nbf included): a failure exits 4 or 5 with stdout empty. --probe URL \
then GETs URL with Authorization: Bearer TOKEN and shows the status and body on stderr; a \
non-2xx probe exits 1 with stdout empty. -H headers go with both requests. --json prints \
{token, inspection, probe: {status, body} | null} on stdout instead.

HTTPS certificates are verified against the system's roots, or only against --cacert FILE \
(PEM); --insecure skips the check, with a warning. Redirects are not followed. A non-2xx \
answer is shown (status and body, the password masked in every form a server echoes it: as \
sent, JSON-escaped, percent-encoded, HTML-escaped, base64, other letter case; token-shaped \
strings masked too; terminal controls escaped) and exits 1; so does a connection failure or \
timeout (--timeout, default 10s, for the whole request). An https:// URL whose server speaks \
plain HTTP is reported as a failed TLS handshake.

Proxies: a loopback URL (localhost, 127.0.0.0/8, ::1) never goes through a proxy, so \
nothing meant for this machine reaches another one. Other hosts use https_proxy (https://) \
or http_proxy (http://), upper or lower case, else all_proxy; no_proxy lists hosts (and \
their subdomains) reached directly, or * for all.";

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
    #[arg(long, value_name = "DURATION", default_value = "10s")]
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
    #[arg(long, value_name = "DURATION", default_value = "15m")]
    pub ttl: String,
    /// The issuer ("iss") put in tokens and required by /whoami
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// The audience ("aud") put in tokens and required by /whoami
    #[arg(long, value_name = "AUD")]
    pub aud: Option<String>,
    /// How long a client may take to send a request's head, then its body (1s to 1h)
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub read_timeout: String,
    #[command(flatten)]
    pub key_input: KeyInputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Add a user to a users file, or change a user's password
    #[command(long_about = ADD_USER_ABOUT)]
    AddUser(AddUserArgs),
}

const ADD_USER_ABOUT: &str = "Add a user to a users file, or change a user's password.

The password is asked twice on the terminal without echo, or read from the first line of \
stdin with --password-stdin. It is stored as an argon2id hash (PHC string, the argon2 \
crate's default parameters: 19 MiB, 2 passes, 1 lane) on a NAME:HASH line; other lines and \
comments are kept. The file is created if missing and always written atomically with mode \
0600; a symlink is followed and its target replaced (in the target's directory), the link \
kept. The read-change-write runs under an advisory lock (flock) on the file's directory, so \
concurrent add-users keep each other's users. A user name is 1 to 256 bytes without ':' or control characters, not starting with #. \
--json prints {user, file, action: added|updated} on stdout.";

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
