# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jwtctl_global_optspecs
    string join \n json color= h/help V/version
end

function __fish_jwtctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jwtctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jwtctl_using_subcommand
    set -l cmd (__fish_jwtctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jwtctl -n "__fish_jwtctl_needs_command" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_needs_command" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "keygen" -d 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "issue" -d 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "encode" -d 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "inspect" -d 'Show what is in a token (no key needed), with times and security findings'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "decode" -d 'Show what is in a token (no key needed), with times and security findings'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "verify" -d 'Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "decrypt" -d 'Decrypt a JWE (and verify a nested JWT\'s inner JWS), checking exp/nbf and named claims'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "login" -d 'Log in to a token service and print the token it answers, with its inspection'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "serve" -d 'Run the reference token service (POST /login, GET /whoami), or add a user to it'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "man" -d 'Print or write the roff man pages'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l alg -d 'The algorithm the key is for (sets kty, size and the JWK\'s alg)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l enc -d 'With --alg dir: the content encryption, which sizes the key [default: A256GCM]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l kty -d 'The key type, when no --alg is given' -r -f -a "oct\t''
RSA\t''
EC\t''
OKP\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l crv -d 'The curve of an EC or OKP key [default: P-256 for EC, Ed25519 for OKP]' -r -f -a "P-256\t''
P-384\t''
P-521\t''
secp256k1\t''
Ed25519\t''
Ed448\t''
X25519\t''
X448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l size -d 'Key size in bits for RSA (default 2048) and oct keys (default: what --alg needs, else 256)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l kid -d 'The key id [default: the RFC 7638 thumbprint; with --public/--convert, the key\'s own kid, else its thumbprint]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l use -d 'The JWK\'s "use" [default: sig for a JWS algorithm, enc for a JWE one]' -r -f -a "sig\t''
enc\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l format -d 'Output format' -r -f -a "jwk\t'A single JWK'
jwks\t'A JWK Set holding the key'
pem\t'PEM: PKCS#8 for private keys, SPKI for public keys'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s o -l out -d 'Write the key to FILE (mode 0600) instead of stdout' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l public-out -d 'Also write the public half to FILE (JWK, or PEM with --format pem)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l public -d 'Print the public half of an existing KEY instead of generating one; several KEYs (or a JWK Set) make one JWK Set of public keys' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l convert -d 'Rewrite an existing KEY in --format (JWK ⇄ PEM), instead of generating one' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l force -d 'Replace existing output files (regular files and symlinks only, never a directory, FIFO or device)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l protect -d 'Encrypt the private JWK under a password (PBES2-HS512+A256KW), asked for or read from --password-file'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l key -d 'The key that signs (JWS) or encrypts (JWE) the token; repeat it with --serialization general for one signature (or recipient) per key' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l alg -d 'The algorithm: a signature algorithm makes a JWS, a key-management algorithm a JWE [default: the key\'s "alg"]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l enc -d 'The content encryption of a JWE [default: A256GCM; with a dir key, the one its size fits]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l sub -d 'Subject claim ("sub")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l iss -d 'Issuer claim ("iss")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l aud -d 'Audience claim ("aud"); repeat it for several audiences' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l exp -d 'Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time, a date (2027-01-01, midnight UTC) or Unix seconds' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l nbf -d 'Not before ("nbf"), in the same forms as --exp' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l iat -d 'Issued at ("iat"), in the same forms as --exp [default: now]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l jti -d 'Token id ("jti"); without a value, a random one' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l claim -d 'A claim: NAME=STRING, or NAME:=JSON for numbers, booleans, arrays and objects (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l claims -d 'Claims from a JSON object in FILE, or - for stdin' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l from -d 'Take the claims of an existing TOKEN (not verified), then apply the other flags; its header is not copied (see --from-header)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l from-header -d 'Also copy header parameter NAME from the --from token (repeatable; not alg, enc, kid or other algorithm parameters)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l kid -d 'Header "kid" [default: the key\'s kid; for a key without one (a PEM file), its RFC 7638 thumbprint]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l typ -d 'Header "typ" [default: JWT]; an empty value leaves it out' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l cty -d 'Header "cty"' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l header -d 'A header parameter: NAME=STRING or NAME:=JSON (repeatable; not alg or enc)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l serialization -d 'The output form: compact (header.payload.signature), or the JSON serializations flattened or general (RFC 7515/7516 §7.2)' -r -f -a "compact\t''
flattened\t''
general\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l unprotected-header -d 'An unprotected header parameter (JSON serializations only): NAME=STRING or NAME:=JSON (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l sign-key -d 'Sign the claims with this key first, then encrypt that JWS with --key (a nested JWT)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l sign-alg -d 'The signature algorithm of a nested JWT [default: the sign key\'s "alg"]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l now -d 'Pin "now" so output is reproducible: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -s o -l out -d 'Write the token to FILE (mode 0600, atomically) instead of stdout' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l threads -d 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l max-token-size -d 'The largest token accepted, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l no-iat -d 'Leave "iat" out'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l no-kid -d 'Leave "kid" out of the header'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l batch -d 'Read one JSON claims object per line on stdin, write one token per line'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l force -d 'Replace an existing -o FILE (a regular file or symlink only)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l key -d 'The key that signs (JWS) or encrypts (JWE) the token; repeat it with --serialization general for one signature (or recipient) per key' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l alg -d 'The algorithm: a signature algorithm makes a JWS, a key-management algorithm a JWE [default: the key\'s "alg"]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l enc -d 'The content encryption of a JWE [default: A256GCM; with a dir key, the one its size fits]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l sub -d 'Subject claim ("sub")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l iss -d 'Issuer claim ("iss")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l aud -d 'Audience claim ("aud"); repeat it for several audiences' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l exp -d 'Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time, a date (2027-01-01, midnight UTC) or Unix seconds' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l nbf -d 'Not before ("nbf"), in the same forms as --exp' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l iat -d 'Issued at ("iat"), in the same forms as --exp [default: now]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l jti -d 'Token id ("jti"); without a value, a random one' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l claim -d 'A claim: NAME=STRING, or NAME:=JSON for numbers, booleans, arrays and objects (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l claims -d 'Claims from a JSON object in FILE, or - for stdin' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l from -d 'Take the claims of an existing TOKEN (not verified), then apply the other flags; its header is not copied (see --from-header)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l from-header -d 'Also copy header parameter NAME from the --from token (repeatable; not alg, enc, kid or other algorithm parameters)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l kid -d 'Header "kid" [default: the key\'s kid; for a key without one (a PEM file), its RFC 7638 thumbprint]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l typ -d 'Header "typ" [default: JWT]; an empty value leaves it out' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l cty -d 'Header "cty"' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l header -d 'A header parameter: NAME=STRING or NAME:=JSON (repeatable; not alg or enc)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l serialization -d 'The output form: compact (header.payload.signature), or the JSON serializations flattened or general (RFC 7515/7516 §7.2)' -r -f -a "compact\t''
flattened\t''
general\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l unprotected-header -d 'An unprotected header parameter (JSON serializations only): NAME=STRING or NAME:=JSON (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l sign-key -d 'Sign the claims with this key first, then encrypt that JWS with --key (a nested JWT)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l sign-alg -d 'The signature algorithm of a nested JWT [default: the sign key\'s "alg"]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l now -d 'Pin "now" so output is reproducible: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -s o -l out -d 'Write the token to FILE (mode 0600, atomically) instead of stdout' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l threads -d 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l max-token-size -d 'The largest token accepted, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l no-iat -d 'Leave "iat" out'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l no-kid -d 'Leave "kid" out of the header'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l batch -d 'Read one JSON claims object per line on stdin, write one token per line'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -l force -d 'Replace an existing -o FILE (a regular file or symlink only)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encode" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l key -d 'Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l verify-key -d 'With --key on a nested JWT: the key that verifies the inner JWS' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l now -d 'Pin "now" for relative times and findings: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l scan -d 'Find every token in FILEs (or stdin) and print one line per token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l wordlist -d 'Try every line of FILE as the secret of an HS256/384/512 token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l threads -d 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l max-pbes2-work -d 'With --scan: the PBES2 iterations (p2c) the whole scan may spend; later PBES2 tokens are skipped and counted' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l max-token-size -d 'The largest token accepted, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l claims -d 'Print only the claims JSON (not verified; a JWE\'s after --key decrypts it), as jwt-cli\'s decode -j'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l no-cache -d 'With a key URL: fetch the JWK Set even when a fresh copy is cached'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l allow-weak-key -d 'With --key: accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l fail-if-none -d 'With --scan: exit 1 when no token was found (as grep does)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l unique -d 'With --scan: print each distinct token once, with its number of sightings'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l show-token -d 'With --scan: also print the tokens themselves (they are credentials)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l key -d 'Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l verify-key -d 'With --key on a nested JWT: the key that verifies the inner JWS' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l now -d 'Pin "now" for relative times and findings: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l scan -d 'Find every token in FILEs (or stdin) and print one line per token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l wordlist -d 'Try every line of FILE as the secret of an HS256/384/512 token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l threads -d 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l max-pbes2-work -d 'With --scan: the PBES2 iterations (p2c) the whole scan may spend; later PBES2 tokens are skipped and counted' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l max-token-size -d 'The largest token accepted, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l claims -d 'Print only the claims JSON (not verified; a JWE\'s after --key decrypts it), as jwt-cli\'s decode -j'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l no-cache -d 'With a key URL: fetch the JWK Set even when a fresh copy is cached'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l allow-weak-key -d 'With --key: accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l fail-if-none -d 'With --scan: exit 1 when no token was found (as grep does)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l unique -d 'With --scan: print each distinct token once, with its number of sightings'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l show-token -d 'With --scan: also print the tokens themselves (they are credentials)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l key -d 'The key that verifies it (JWK, JWK Set, PEM, certificate, secret, or an https:// JWK Set URL); repeat it to give several keys (each tried by kid and algorithm, e.g. with --all-signatures)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l issuer -d 'An OpenID Connect issuer URL: its keys come from ISSUER/.well-known/openid-configuration, and "iss" must be ISSUER' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l alg -d 'Accept only this algorithm (repeatable)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l payload -d 'The detached payload (RFC 7515 Appendix F): a token whose payload part is empty is verified over this file\'s bytes' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l threads -d 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l iss -d 'Require this issuer ("iss")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l aud -d 'Require this audience in "aud"' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l sub -d 'Require this subject ("sub")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l leeway -d 'Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l require -d 'Require a claim to be present (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l now -d 'Pin "now": RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l max-token-size -d 'The largest token accepted, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l batch -d 'Read one token per line on stdin, write one JSON result per line'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l no-cache -d 'With a key URL: fetch the JWK Set even when a fresh copy is cached'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l all-signatures -d 'With several signatures (general JSON serialization): require every one to verify with the keys given, not just one'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l ignore-exp -d 'Do not reject an expired token (the check list says so)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l allow-weak-key -d 'Accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s q -l quiet -d 'Print nothing on success; on failure only the error (the exit code says which)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l key -d 'The key that decrypts it (JWK, JWK Set, PEM, secret or password)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l alg -d 'Accept only this key-management algorithm (repeatable)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l enc -d 'Accept only this content encryption (repeatable)' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l verify-key -d 'The key that verifies the inner JWS of a nested JWT' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l max-p2c -d 'The highest PBES2 iteration count accepted' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l max-inflate -d 'The largest size a zip: DEF payload may inflate to, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l threads -d 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l iss -d 'Require this issuer ("iss")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l aud -d 'Require this audience in "aud"' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l sub -d 'Require this subject ("sub")' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l leeway -d 'Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l require -d 'Require a claim to be present (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l now -d 'Pin "now": RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l max-token-size -d 'The largest token accepted, in bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l no-verify-inner -d 'Accept a nested JWT without verifying its inner JWS (the check list says so)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l allow-unauthenticated -d 'Accept an RSA-OAEP*, RSA1_5 or ECDH-ES* token without a signed inner JWS, although anyone holding the public key can make one (the check list says so)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l batch -d 'Read one token per line on stdin, write one JSON result per line'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l ignore-exp -d 'Do not reject an expired token (the check list says so)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l allow-weak-key -d 'Accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -s q -l quiet -d 'Print nothing on success; on failure only the error (the exit code says which)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l user -d 'The user name [default: asked on the terminal]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l password-env -d 'Read the password from environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l user-field -d 'The name of the user name field' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l password-field -d 'The name of the password field' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l token-from -d 'Where the token is: json:/POINTER, header:NAME, cookie:NAME or body [default: search]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable; sent with the probe too)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l cacert -d 'Trust only the CA certificates in FILE (PEM) for HTTPS' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l timeout -d 'Give up on a request after this long (e.g. 5s, 1m; at most 100y)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -s o -l out -d 'Write the token to FILE (mode 0600) instead of stdout' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l key -d 'Also verify (JWS) or decrypt (JWE) the token with this key' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l probe -d 'Then GET this URL with the token as Bearer and show the answer on stderr' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l form -d 'Send the credentials form-encoded instead of as JSON'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -s k -l insecure -d 'Do not verify the server\'s HTTPS certificate (warns)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -l force -d 'Replace an existing -o FILE (a regular file or symlink only, never a directory, FIFO or device)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand login" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l listen -d 'The address to listen on (port 0 picks a free port)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l users -d 'The users file (NAME:ARGON2-HASH lines, made with jwtctl serve add-user)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l key -d 'The key that signs or encrypts the tokens (a file made with jwtctl keygen)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l kid -d 'With a JWK Set --key: the kid of the key to use' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l alg -d 'The token algorithm [default: the key\'s "alg", else dir]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l enc -d 'The content encryption of a JWE [default: A256GCM]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l ttl -d 'How long a token lives (e.g. 90s, 15m, 1h; at most 100y)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l iss -d 'The issuer ("iss") put in tokens and required by /whoami' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l aud -d 'The audience ("aud") put in tokens and required by /whoami' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l read-timeout -d 'How long a client may take to send a request\'s head, then its body (1s to 1h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l secret-encoding -d 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -l ephemeral-key -d 'Generate a key in memory instead: every token dies with the process'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -f -a "add-user" -d 'Add a user to a users file, or change a user\'s password'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and not __fish_seen_subcommand_from add-user help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from add-user" -l users -d 'The users file to create or update' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from add-user" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from add-user" -l password-stdin -d 'Read the password from the first line of stdin instead of asking'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from add-user" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from add-user" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from add-user" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "add-user" -d 'Add a user to a users file, or change a user\'s password'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -s o -l out-dir -d 'Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1; existing pages are kept unless --force' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l force -d 'With --out-dir: replace existing pages (a symlink is replaced, never written through)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "keygen" -d 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "issue" -d 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "inspect" -d 'Show what is in a token (no key needed), with times and security findings'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "verify" -d 'Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "decrypt" -d 'Decrypt a JWE (and verify a nested JWT\'s inner JWS), checking exp/nbf and named claims'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "login" -d 'Log in to a token service and print the token it answers, with its inspection'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "serve" -d 'Run the reference token service (POST /login, GET /whoami), or add a user to it'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "man" -d 'Print or write the roff man pages'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen issue inspect verify decrypt login serve completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
