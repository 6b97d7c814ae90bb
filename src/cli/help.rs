//! The long help of each command (`--help`): what it does, its rules and its output, in
//! the words the man pages carry too.

pub const KEYGEN_ABOUT: &str =
    "Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key.

Any JWS or JWE algorithm picks a suitable key: --alg ES256 makes an EC P-256 key, --alg dir \
--enc A256GCM a 256-bit secret, --alg RSA-OAEP-256 a 2048-bit RSA key, --alg EdDSA an Ed25519 \
key. Or name the key type with --kty/--crv/--size. The JWK carries kty, alg, use and kid (by \
default its RFC 7638 thumbprint).

--public KEY… and --convert KEY take an existing key: it keeps its kid, or gets --kid, else \
its thumbprint (the kid issue puts in tokens minted with a PEM key); --alg and --use relabel \
it (checked against the key). --public with several KEYs writes one JWK Set of their public \
halves (each with its own kid; two keys under one kid are refused). -o and --public-out \
naming the same file is a usage error before anything is written.

Without -o the private key goes to stdout. Files holding private keys are created with mode \
0600, written atomically, and never replace an existing file without --force; --force \
replaces a regular file or a symlink (the link itself), never a directory, FIFO, socket or \
device, nor a symlink to one. With --public-out, both files are written or neither. A JWK holding any private \
member (d, or RSA's p, q, dp, dq, qi, oth) is a private key; RSA members without d are an \
invalid key (exit 1), and a public output never carries them.";

pub const ISSUE_ABOUT: &str = "Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT.

A signature algorithm (--alg HS256, ES256, …) makes a JWS; a key-management algorithm (--alg \
dir, RSA-OAEP-256, …) makes a JWE with --enc (default A256GCM). Without --alg, the key's own \
\"alg\" decides; with no way to tell, it is a usage error. With --sign-key the claims are \
signed first and the JWS is encrypted with cty \"JWT\" (RFC 7519 §5.2).

Claims are applied in this order, later ones winning: --from, --claims, --claim, then the \
named flags (--sub, --exp, …). \"iat\" is set to now unless --no-iat, --iat, or the claims \
already carry one. --exp, --nbf, --iat and --now take a signed duration from now (15m, -1h, \
also as a separate argument: --now -3h), an RFC 3339 date-time, a bare date (2027-01-01, \
midnight UTC) or Unix seconds. Times are written as integer seconds (NumericDate). A number that would \
not be written back with the same value (an integer beyond 64 bits, more digits than a double \
holds) is refused: exit 2 from flags and files, 3 from --from; write such values as strings.

--from copies the token's claims only: its header (which may name keys, jku, x5u, jwk, x5c, \
or carry crit and cty) is not trusted. The header is made as for a fresh token (typ JWT, the \
key's kid; for a PEM key, its RFC 7638 thumbprint; --no-kid leaves it out), plus --typ, --cty, --header and the parameters named with --from-header. Headers \
jwtctl cannot honour are refused (exit 2): a crit its own verify would refuse, and b64 (RFC \
7797 unencoded payloads are not written).

Output: the compact token and a newline; --json prints {token, header, claims}. \
--serialization flattened or general writes the JSON serialization (RFC 7515/7516 §7.2) on \
one line instead: with general, repeat --key for one signature (JWS) or one recipient (JWE, \
one shared content key) per key, each with its own alg and kid. --header members are \
protected; --unprotected-header NAME=VALUE members are not (never alg, enc, crit or b64). -o FILE \
writes the token to FILE instead (mode 0600, atomically, never over an existing file without \
--force), as -o means an output file in keygen, login and man too.

--batch reads one JSON claims object per line on stdin and writes one token per line, in \
input order, on every core (--threads). Each line's claims are laid over those the flags \
give (iat included), so a line's own values win. Every input line gets exactly one output \
line: a line that is not a JSON object (or is blank, over 1 MiB, not UTF-8) is reported on \
stderr as `error: line N: …` and answered with an empty line (with --json, each line is \
{line, token} or {line, error}); the message says what is wrong in plain words (a blank \
line, a name without double quotes, a trailing comma, …), stderr ends with a count (N of M \
lines failed; first: line K), and the exit code is the first failure's class. HS* and dir + A128GCM/A256GCM take a fast path keyed once (byte-identical to \
josekit's output, proven by a differential test). When stderr is a terminal, a batch that \
runs over half a second shows one progress line there (lines done and their rate; with stdin \
a file, also the share read and an ETA), cleared when it ends.";

pub const VERIFY_ABOUT: &str =
    "Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name.

TOKEN is taken as inspect takes it: the token, text around it (Bearer …, Authorization: \
Bearer …, quotes, a URL or a cookie), - or stdin, or the name of a file that holds it (an \
argument with no token in it that names an existing file is read).

Allowed algorithms: those named with --alg, else the key's \"alg\", else every algorithm of \
the key's type (an RSA or EC key never verifies HS256; a secret never verifies RS256). \
\"none\" is never accepted. A JWK Set picks the key by the token's kid (a kid the set lacks is \
the refusal, reported before any algorithm mismatch, with the set's kids); a refusal whose \
key does not carry the token's kid names both kids. Keys named by the \
token itself (jku, x5u, jwk) are never used. KEY may also be the https:// URL of a JWK \
Set (fetched with a 10 s timeout and a 1 MiB limit, cached 5 minutes; plain http:// only on \
loopback; a URL with user:password@ is refused). A cached set without the token's kid is \
fetched again when it is a minute old or more (keys rotated in are found); --no-cache \
always fetches. A URL ending in /.well-known/openid-configuration is an OpenID Connect \
discovery document: its jwks_uri is followed, under the same rules. --issuer URL (instead \
of --key) takes the keys from URL/.well-known/openid-configuration and requires iss to be \
URL exactly (unless --iss names another). Loopback URLs never go through a proxy; \
others honour https_proxy/http_proxy (by scheme), then all_proxy, and no_proxy, as curl \
does.

exp and nbf are checked when present (now >= exp is expired; --leeway widens both, default \
0s). --iss, --aud, --sub and --require add checks. A payload that starts with { (or a token \
whose typ or cty is JWT) is a claims set and must parse strictly: a duplicate member, a lone \
surrogate, nesting over 128 levels or a number out of range is malformed (exit 3). Any \
other payload is printed raw, and claim flags then fail (exit 5). On success the claims (or \
the raw payload) go to stdout and the list of checks to stderr; --json prints one document \
whatever the outcome: {valid, error, class, header, claims|payload, checks}. --quiet \
prints nothing on success and only the error line on failure.

--allow-weak-key accepts an HS* secret shorter than its hash (jwt.io's sample secret) or an \
RSA key under 2048 bits (checked by OpenSSL directly): it warns on stderr and the checks \
carry key strength: weak. Without it such keys are refused (exit 1).

--batch reads one token per line on stdin and writes exactly one JSON result per line, in \
order, whatever the line holds: {line, valid, error, class, header, claims|payload, checks}. \
The exit code is 0 when every token is valid, else the class of the first failing line. \
Progress on a terminal as for issue --batch (stderr only, cleared at the end).

JSON serializations (RFC 7515 §7.2), flattened or general, are read as well as compact \
tokens: a JSON object with payload and signature or signatures (one per --batch line). The \
header is the union of the protected and unprotected headers; a name in both, or crit or b64 \
outside the protected one, is malformed (exit 3). With several signatures, those the key can \
check (by kid, else by algorithm) are checked and one valid signature is enough; \
--all-signatures requires every one to verify with the keys given (several --key, or a JWK Set). The checks \
name each signature and its result. RFC 7797 unencoded payloads (b64 false, listed in crit) \
verify, compact and JSON; a detached payload (RFC 7515 Appendix F: an empty payload part, or \
no payload member) is given with --payload FILE.";

pub const DECRYPT_ABOUT: &str =
    "Decrypt a JWE (and verify a nested JWT's inner JWS), checking exp/nbf and named claims.

TOKEN is taken as verify and inspect take it (text around it, stdin, or a file name).

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

--json, --batch, --quiet and --allow-weak-key as for verify (an RSA-OAEP* key under 2048 \
bits unwraps the content key through OpenSSL directly; josekit decrypts the rest). JSON-serialized JWEs (RFC 7516 §7.2, flattened or general, \
with aad and shared and per-recipient unprotected headers) are read too: every recipient \
passes the checks above, and the recipient whose kid names a key is used, else each whose \
algorithm the key allows; the checks say which.";

/// `{findings}` stands for the list generated from the finding codes (`findings_help`).
pub const INSPECT_ABOUT: &str =
    "Show what is in a token (no key needed), with times and security findings.

The token may be given as itself, -, on stdin, or inside text: Bearer …, Authorization: \
Bearer …, quotes, a URL or a cookie; an argument with no token in it that names an existing \
file is read as that text (the first token in it is taken). JWS: header, claims, signature algorithm and length. \
JWE: protected header and the size of each part; with --key, the decrypted content too, \
and a nested JWT's inner token (verified with --verify-key). A JSON-serialized token \
(flattened or general) is shown through its first signature or recipient, with each one's \
headers listed (--json: serialization, and signatures or recipients, each with protected, \
unprotected and the union header). Times (exp, nbf, iat, \
auth_time) are shown as Unix seconds, RFC 3339 UTC and relative to now, with the lifetime, \
the validity window on one line (iat 2h ago ── nbf 1h ago ── now ── exp in 14m) and a status \
headline (valid for 14m, EXPIRED 2h ago, NOT YET VALID), coloured on a terminal.

{findings}

Exit 0 when the token parsed (an expired or forged token still inspects), 3 when it did not.

--json prints one document: type (JWS|JWE), header, claims (or payload when it is not a \
JSON object), parts [{name, bytes}], signature {alg, bytes} (JWS), times {CLAIM: {unix, \
utc, relative, seconds_from_now}, with expired and expires_in for exp and not_yet_valid for \
nbf}, lifetime {seconds, human} or null, findings [{code, severity, message}], \
verification {valid, error, checks} with --key (plus key_refused: true when the key \
cannot serve the token: the text output then says 'key refused: …' rather than 'not valid'), and \
decrypted {claims|payload, inner} for a JWE with --key. --allow-weak-key lets --key be an HS* \
secret shorter than its hash or RSA under 2048 bits, with a warning, as for verify.

--claims prints only the claims JSON (unverified; a JWE's once --key decrypts it), as \
jwt-cli's decode -j does. decode is an alias of inspect (and encode of issue).

--scan [FILE…] reads files, or stdin (no FILE, or -), as arbitrary bytes (logs, HAR files, \
headers, binary junk) and prints one tab-separated line per token, in input order: \
FILE:LINE, type (JWS|JWE), alg (alg/enc for a JWE), kid, iss, sub, and the exp status \
(expires in 5m, expired 2h ago, no exp, encrypted, no claims), then its finding codes, \
comma-separated, or - when it has none: the codes inspect reports for that token (listed \
above), most severe first; - marks an absent value, FILE is - for stdin, and a TOKEN \
argument counts as one more FILE. When stdout is a terminal (and not with --json), one \
header row comes first: COUNT (with --unique), FILE:LINE, TYPE, ALG, KID, ISS, SUB, EXP, \
CHECK (with --key or --password-file), FINDINGS, TOKEN (with --show-token); a pipe or a file \
gets the rows only. A token is a run of \
base64url characters and dots that starts with eyJ and parses strictly as 3 (JWS) or 5 \
(JWE) parts; token-shaped text that does not parse, or is longer than --max-token-size, \
is skipped (counted on stderr when it is a terminal). A JSON-serialized token (flattened or \
general, RFC 7515/7516 section 7.2) is found when it is on one line and has a protected \
header or a JSON payload: alone, inside a JSON log line, or escaped in a JSON string as HAR \
files hold bodies; its type shows JWS(json) or JWE(json), alg and kid are its first \
signature's or recipient's, and --json adds serialization (flattened|general). --key adds a column valid|invalid before \
the findings (signature checked or JWE decrypted; times are not judged; a decrypted JWE's \
findings include its claims', as with inspect --key), - in it where nothing was checked. --unique prints each distinct \
token once, where it was first seen, with the number of sightings as the first column. \
Tokens are live credentials, so they are not printed (FILE:LINE finds them) unless \
--show-token adds each as the last column. --json prints JSON Lines {file, line, offset, \
type, alg, enc, kid, iss, sub, exp, exp_status, sha256, findings (an array of codes)}, plus valid and error with --key, \
count with --unique, token with --show-token; absent values are null. PBES2 tokens are \
decrypted only with the password of --password-file (a raw --key secret is never tried as \
a password: each try costs p2c hash rounds), and only until the scan has spent \
--max-pbes2-work iterations (default 1000000); a PBES2 token not tried shows skipped in the \
check column (--json: valid null and skipped with the reason), and stderr counts them. Memory stays bounded \
(a 1 MiB read buffer plus twice --max-token-size, the finding codes of up to 57344 distinct \
tokens, each worked out once, and the distinct tokens with --unique) for \
inputs and lines of any size; batches of tokens are parsed on --threads workers. Exit 0 \
when every input was read, whether tokens were found or not (stdout is then empty); 1 when \
an input could not be read (reported, and the other inputs still scanned), or, with \
--fail-if-none, when no token was found (as grep). A directory FILE is walked recursively in \
name order (symlinks inside it are not followed); input that starts with the gzip magic \
bytes (a .gz file, whatever its name, or stdin) is decompressed as it is read. When stderr \
is a terminal, a scan that runs over half a second shows one progress line there: the file \
being read, bytes read (of the total, with an ETA, when every input is a regular file), the \
byte and token rates; it is cleared at the end, before the summary.

--wordlist FILE tries every line of FILE (LF or CRLF line ends; - for stdin) as the HMAC \
secret of an HS256, HS384 or HS512 TOKEN, on --threads workers (default: every core), with \
progress on stderr when it is a terminal (secrets tried and their rate; for a wordlist file, \
the share done and an ETA), cleared at the end. Lines longer than 64 KiB (65536 bytes without the \
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

pub const SERVE_ABOUT: &str =
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

pub const LOGIN_ABOUT: &str =
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
sent, JSON-escaped, percent-encoded, HTML-escaped, base64, other letter case, each shown as \
[password]; token-shaped strings masked too; terminal controls escaped) and exits 1; so does a connection failure or \
timeout (--timeout, default 10s, for the whole request). An https:// URL whose server speaks \
plain HTTP is reported as a failed TLS handshake.

Proxies: a loopback URL (localhost, 127.0.0.0/8, ::1) never goes through a proxy, so \
nothing meant for this machine reaches another one. Other hosts use https_proxy (https://) \
or http_proxy (http://), upper or lower case, else all_proxy; no_proxy lists hosts (and \
their subdomains) reached directly, or * for all.";

pub const ADD_USER_ABOUT: &str = "Add a user to a users file, or change a user's password.

The password is asked twice on the terminal without echo, or read from the first line of \
stdin with --password-stdin. It is stored as an argon2id hash (PHC string, the argon2 \
crate's default parameters: 19 MiB, 2 passes, 1 lane) on a NAME:HASH line; other lines and \
comments are kept. The file is created if missing and always written atomically with mode \
0600; a symlink is followed and its target replaced (in the target's directory), the link \
kept. The read-change-write runs under an advisory lock (flock) on the file's directory, so \
concurrent add-users keep each other's users. A user name is 1 to 256 bytes without ':' or control characters, not starting with #. \
--json prints {user, file, action: added|updated} on stdout.";
