
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jwtctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jwtctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jwtctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT')
            [CompletionResult]::new('encode', 'encode', [CompletionResultType]::ParameterValue, 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what is in a token (no key needed), with times and security findings')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show what is in a token (no key needed), with times and security findings')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a JWE (and verify a nested JWT''s inner JWS), checking exp/nbf and named claims')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a token service and print the token it answers, with its inspection')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the reference token service (POST /login, GET /whoami), or add a user to it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write the roff man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;keygen' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm the key is for (sets kty, size and the JWK''s alg)')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'With --alg dir: the content encryption, which sizes the key [default: A256GCM]')
            [CompletionResult]::new('--kty', '--kty', [CompletionResultType]::ParameterName, 'The key type, when no --alg is given')
            [CompletionResult]::new('--crv', '--crv', [CompletionResultType]::ParameterName, 'The curve of an EC or OKP key [default: P-256 for EC, Ed25519 for OKP]')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Key size in bits for RSA (default 2048) and oct keys (default: what --alg needs, else 256)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The key id [default: the RFC 7638 thumbprint; with --public/--convert, the key''s own kid, else its thumbprint]')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'The JWK''s "use" [default: sig for a JWS algorithm, enc for a JWE one]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the key to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the key to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--public-out', '--public-out', [CompletionResultType]::ParameterName, 'Also write the public half to FILE (JWK, or PEM with --format pem)')
            [CompletionResult]::new('--public', '--public', [CompletionResultType]::ParameterName, 'Print the public half of an existing KEY instead of generating one; several KEYs (or a JWK Set) make one JWK Set of public keys')
            [CompletionResult]::new('--convert', '--convert', [CompletionResultType]::ParameterName, 'Rewrite an existing KEY in --format (JWK ⇄ PEM), instead of generating one')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing output files (regular files and symlinks only, never a directory, FIFO or device)')
            [CompletionResult]::new('--protect', '--protect', [CompletionResultType]::ParameterName, 'Encrypt the private JWK under a password (PBES2-HS512+A256KW), asked for or read from --password-file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;issue' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key that signs (JWS) or encrypts (JWE) the token; repeat it with --serialization general for one signature (or recipient) per key')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm: a signature algorithm makes a JWS, a key-management algorithm a JWE [default: the key''s "alg"]')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'The content encryption of a JWE [default: A256GCM; with a dir key, the one its size fits]')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Subject claim ("sub")')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Issuer claim ("iss")')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Audience claim ("aud"); repeat it for several audiences')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time, a date (2027-01-01, midnight UTC) or Unix seconds')
            [CompletionResult]::new('--nbf', '--nbf', [CompletionResultType]::ParameterName, 'Not before ("nbf"), in the same forms as --exp')
            [CompletionResult]::new('--iat', '--iat', [CompletionResultType]::ParameterName, 'Issued at ("iat"), in the same forms as --exp [default: now]')
            [CompletionResult]::new('--jti', '--jti', [CompletionResultType]::ParameterName, 'Token id ("jti"); without a value, a random one')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'A claim: NAME=STRING, or NAME:=JSON for numbers, booleans, arrays and objects (repeatable)')
            [CompletionResult]::new('--claims', '--claims', [CompletionResultType]::ParameterName, 'Claims from a JSON object in FILE, or - for stdin')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Take the claims of an existing TOKEN (not verified), then apply the other flags; its header is not copied (see --from-header)')
            [CompletionResult]::new('--from-header', '--from-header', [CompletionResultType]::ParameterName, 'Also copy header parameter NAME from the --from token (repeatable; not alg, enc, kid or other algorithm parameters)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Header "kid" [default: the key''s kid; for a key without one (a PEM file), its RFC 7638 thumbprint]')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Header "typ" [default: JWT]; an empty value leaves it out')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, 'Header "cty"')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header parameter: NAME=STRING or NAME:=JSON (repeatable; not alg or enc)')
            [CompletionResult]::new('--serialization', '--serialization', [CompletionResultType]::ParameterName, 'The output form: compact (header.payload.signature), or the JSON serializations flattened or general (RFC 7515/7516 §7.2)')
            [CompletionResult]::new('--unprotected-header', '--unprotected-header', [CompletionResultType]::ParameterName, 'An unprotected header parameter (JSON serializations only): NAME=STRING or NAME:=JSON (repeatable)')
            [CompletionResult]::new('--sign-key', '--sign-key', [CompletionResultType]::ParameterName, 'Sign the claims with this key first, then encrypt that JWS with --key (a nested JWT)')
            [CompletionResult]::new('--sign-alg', '--sign-alg', [CompletionResultType]::ParameterName, 'The signature algorithm of a nested JWT [default: the sign key''s "alg"]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pin "now" so output is reproducible: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the token to FILE (mode 0600, atomically) instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the token to FILE (mode 0600, atomically) instead of stdout')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]')
            [CompletionResult]::new('--max-token-size', '--max-token-size', [CompletionResultType]::ParameterName, 'The largest token accepted, in bytes')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--no-iat', '--no-iat', [CompletionResultType]::ParameterName, 'Leave "iat" out')
            [CompletionResult]::new('--no-kid', '--no-kid', [CompletionResultType]::ParameterName, 'Leave "kid" out of the header')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Read one JSON claims object per line on stdin, write one token per line')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing -o FILE (a regular file or symlink only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;encode' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key that signs (JWS) or encrypts (JWE) the token; repeat it with --serialization general for one signature (or recipient) per key')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm: a signature algorithm makes a JWS, a key-management algorithm a JWE [default: the key''s "alg"]')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'The content encryption of a JWE [default: A256GCM; with a dir key, the one its size fits]')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Subject claim ("sub")')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Issuer claim ("iss")')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Audience claim ("aud"); repeat it for several audiences')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time, a date (2027-01-01, midnight UTC) or Unix seconds')
            [CompletionResult]::new('--nbf', '--nbf', [CompletionResultType]::ParameterName, 'Not before ("nbf"), in the same forms as --exp')
            [CompletionResult]::new('--iat', '--iat', [CompletionResultType]::ParameterName, 'Issued at ("iat"), in the same forms as --exp [default: now]')
            [CompletionResult]::new('--jti', '--jti', [CompletionResultType]::ParameterName, 'Token id ("jti"); without a value, a random one')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'A claim: NAME=STRING, or NAME:=JSON for numbers, booleans, arrays and objects (repeatable)')
            [CompletionResult]::new('--claims', '--claims', [CompletionResultType]::ParameterName, 'Claims from a JSON object in FILE, or - for stdin')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Take the claims of an existing TOKEN (not verified), then apply the other flags; its header is not copied (see --from-header)')
            [CompletionResult]::new('--from-header', '--from-header', [CompletionResultType]::ParameterName, 'Also copy header parameter NAME from the --from token (repeatable; not alg, enc, kid or other algorithm parameters)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Header "kid" [default: the key''s kid; for a key without one (a PEM file), its RFC 7638 thumbprint]')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Header "typ" [default: JWT]; an empty value leaves it out')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, 'Header "cty"')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header parameter: NAME=STRING or NAME:=JSON (repeatable; not alg or enc)')
            [CompletionResult]::new('--serialization', '--serialization', [CompletionResultType]::ParameterName, 'The output form: compact (header.payload.signature), or the JSON serializations flattened or general (RFC 7515/7516 §7.2)')
            [CompletionResult]::new('--unprotected-header', '--unprotected-header', [CompletionResultType]::ParameterName, 'An unprotected header parameter (JSON serializations only): NAME=STRING or NAME:=JSON (repeatable)')
            [CompletionResult]::new('--sign-key', '--sign-key', [CompletionResultType]::ParameterName, 'Sign the claims with this key first, then encrypt that JWS with --key (a nested JWT)')
            [CompletionResult]::new('--sign-alg', '--sign-alg', [CompletionResultType]::ParameterName, 'The signature algorithm of a nested JWT [default: the sign key''s "alg"]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pin "now" so output is reproducible: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the token to FILE (mode 0600, atomically) instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the token to FILE (mode 0600, atomically) instead of stdout')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]')
            [CompletionResult]::new('--max-token-size', '--max-token-size', [CompletionResultType]::ParameterName, 'The largest token accepted, in bytes')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--no-iat', '--no-iat', [CompletionResultType]::ParameterName, 'Leave "iat" out')
            [CompletionResult]::new('--no-kid', '--no-kid', [CompletionResultType]::ParameterName, 'Leave "kid" out of the header')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Read one JSON claims object per line on stdin, write one token per line')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing -o FILE (a regular file or symlink only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;inspect' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)')
            [CompletionResult]::new('--verify-key', '--verify-key', [CompletionResultType]::ParameterName, 'With --key on a nested JWT: the key that verifies the inner JWS')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pin "now" for relative times and findings: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)')
            [CompletionResult]::new('--scan', '--scan', [CompletionResultType]::ParameterName, 'Find every token in FILEs (or stdin) and print one line per token')
            [CompletionResult]::new('--wordlist', '--wordlist', [CompletionResultType]::ParameterName, 'Try every line of FILE as the secret of an HS256/384/512 token')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]')
            [CompletionResult]::new('--max-pbes2-work', '--max-pbes2-work', [CompletionResultType]::ParameterName, 'With --scan: the PBES2 iterations (p2c) the whole scan may spend; later PBES2 tokens are skipped and counted')
            [CompletionResult]::new('--max-token-size', '--max-token-size', [CompletionResultType]::ParameterName, 'The largest token accepted, in bytes')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--claims', '--claims', [CompletionResultType]::ParameterName, 'Print only the claims JSON (not verified; a JWE''s after --key decrypts it), as jwt-cli''s decode -j')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'With a key URL: fetch the JWK Set even when a fresh copy is cached')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'With --key: accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")')
            [CompletionResult]::new('--fail-if-none', '--fail-if-none', [CompletionResultType]::ParameterName, 'With --scan: exit 1 when no token was found (as grep does)')
            [CompletionResult]::new('--unique', '--unique', [CompletionResultType]::ParameterName, 'With --scan: print each distinct token once, with its number of sightings')
            [CompletionResult]::new('--show-token', '--show-token', [CompletionResultType]::ParameterName, 'With --scan: also print the tokens themselves (they are credentials)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;decode' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)')
            [CompletionResult]::new('--verify-key', '--verify-key', [CompletionResultType]::ParameterName, 'With --key on a nested JWT: the key that verifies the inner JWS')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pin "now" for relative times and findings: RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)')
            [CompletionResult]::new('--scan', '--scan', [CompletionResultType]::ParameterName, 'Find every token in FILEs (or stdin) and print one line per token')
            [CompletionResult]::new('--wordlist', '--wordlist', [CompletionResultType]::ParameterName, 'Try every line of FILE as the secret of an HS256/384/512 token')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]')
            [CompletionResult]::new('--max-pbes2-work', '--max-pbes2-work', [CompletionResultType]::ParameterName, 'With --scan: the PBES2 iterations (p2c) the whole scan may spend; later PBES2 tokens are skipped and counted')
            [CompletionResult]::new('--max-token-size', '--max-token-size', [CompletionResultType]::ParameterName, 'The largest token accepted, in bytes')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--claims', '--claims', [CompletionResultType]::ParameterName, 'Print only the claims JSON (not verified; a JWE''s after --key decrypts it), as jwt-cli''s decode -j')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'With a key URL: fetch the JWK Set even when a fresh copy is cached')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'With --key: accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")')
            [CompletionResult]::new('--fail-if-none', '--fail-if-none', [CompletionResultType]::ParameterName, 'With --scan: exit 1 when no token was found (as grep does)')
            [CompletionResult]::new('--unique', '--unique', [CompletionResultType]::ParameterName, 'With --scan: print each distinct token once, with its number of sightings')
            [CompletionResult]::new('--show-token', '--show-token', [CompletionResultType]::ParameterName, 'With --scan: also print the tokens themselves (they are credentials)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;verify' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key that verifies it (JWK, JWK Set, PEM, certificate, secret, or an https:// JWK Set URL); repeat it to give several keys (each tried by kid and algorithm, e.g. with --all-signatures)')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'An OpenID Connect issuer URL: its keys come from ISSUER/.well-known/openid-configuration, and "iss" must be ISSUER')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Accept only this algorithm (repeatable)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'The detached payload (RFC 7515 Appendix F): a token whose payload part is empty is verified over this file''s bytes')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Require this issuer ("iss")')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Require this audience in "aud"')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Require this subject ("sub")')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Require a claim to be present (repeatable)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pin "now": RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)')
            [CompletionResult]::new('--max-token-size', '--max-token-size', [CompletionResultType]::ParameterName, 'The largest token accepted, in bytes')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Read one token per line on stdin, write one JSON result per line')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'With a key URL: fetch the JWK Set even when a fresh copy is cached')
            [CompletionResult]::new('--all-signatures', '--all-signatures', [CompletionResultType]::ParameterName, 'With several signatures (general JSON serialization): require every one to verify with the keys given, not just one')
            [CompletionResult]::new('--ignore-exp', '--ignore-exp', [CompletionResultType]::ParameterName, 'Do not reject an expired token (the check list says so)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success; on failure only the error (the exit code says which)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success; on failure only the error (the exit code says which)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;decrypt' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key that decrypts it (JWK, JWK Set, PEM, secret or password)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Accept only this key-management algorithm (repeatable)')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Accept only this content encryption (repeatable)')
            [CompletionResult]::new('--verify-key', '--verify-key', [CompletionResultType]::ParameterName, 'The key that verifies the inner JWS of a nested JWT')
            [CompletionResult]::new('--max-p2c', '--max-p2c', [CompletionResultType]::ParameterName, 'The highest PBES2 iteration count accepted')
            [CompletionResult]::new('--max-inflate', '--max-inflate', [CompletionResultType]::ParameterName, 'The largest size a zip: DEF payload may inflate to, in bytes')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Require this issuer ("iss")')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Require this audience in "aud"')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Require this subject ("sub")')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Require a claim to be present (repeatable)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pin "now": RFC 3339, a date, Unix seconds, or a duration from the clock (-3h)')
            [CompletionResult]::new('--max-token-size', '--max-token-size', [CompletionResultType]::ParameterName, 'The largest token accepted, in bytes')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--no-verify-inner', '--no-verify-inner', [CompletionResultType]::ParameterName, 'Accept a nested JWT without verifying its inner JWS (the check list says so)')
            [CompletionResult]::new('--allow-unauthenticated', '--allow-unauthenticated', [CompletionResultType]::ParameterName, 'Accept an RSA-OAEP*, RSA1_5 or ECDH-ES* token without a signed inner JWS, although anyone holding the public key can make one (the check list says so)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Read one token per line on stdin, write one JSON result per line')
            [CompletionResult]::new('--ignore-exp', '--ignore-exp', [CompletionResultType]::ParameterName, 'Do not reject an expired token (the check list says so)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Accept an HS* secret shorter than its hash or an RSA key under 2048 bits (warns; the checks say "key strength: weak")')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success; on failure only the error (the exit code says which)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success; on failure only the error (the exit code says which)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;login' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user name [default: asked on the terminal]')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from environment variable NAME')
            [CompletionResult]::new('--user-field', '--user-field', [CompletionResultType]::ParameterName, 'The name of the user name field')
            [CompletionResult]::new('--password-field', '--password-field', [CompletionResultType]::ParameterName, 'The name of the password field')
            [CompletionResult]::new('--token-from', '--token-from', [CompletionResultType]::ParameterName, 'Where the token is: json:/POINTER, header:NAME, cookie:NAME or body [default: search]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable; sent with the probe too)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable; sent with the probe too)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust only the CA certificates in FILE (PEM) for HTTPS')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (e.g. 5s, 1m; at most 100y)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the token to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the token to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Also verify (JWS) or decrypt (JWE) the token with this key')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Then GET this URL with the token as Bearer and show the answer on stderr')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'Send the credentials form-encoded instead of as JSON')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s HTTPS certificate (warns)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s HTTPS certificate (warns)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing -o FILE (a regular file or symlink only, never a directory, FIFO or device)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;serve' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to listen on (port 0 picks a free port)')
            [CompletionResult]::new('--users', '--users', [CompletionResultType]::ParameterName, 'The users file (NAME:ARGON2-HASH lines, made with jwtctl serve add-user)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key that signs or encrypts the tokens (a file made with jwtctl keygen)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'With a JWK Set --key: the kid of the key to use')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The token algorithm [default: the key''s "alg", else dir]')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'The content encryption of a JWE [default: A256GCM]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long a token lives (e.g. 90s, 15m, 1h; at most 100y)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The issuer ("iss") put in tokens and required by /whoami')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The audience ("aud") put in tokens and required by /whoami')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long a client may take to send a request''s head, then its body (1s to 1h)')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--ephemeral-key', '--ephemeral-key', [CompletionResultType]::ParameterName, 'Generate a key in memory instead: every token dies with the process')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add-user', 'add-user', [CompletionResultType]::ParameterValue, 'Add a user to a users file, or change a user''s password')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;serve;add-user' {
            [CompletionResult]::new('--users', '--users', [CompletionResultType]::ParameterName, 'The users file to create or update')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;serve;help' {
            [CompletionResult]::new('add-user', 'add-user', [CompletionResultType]::ParameterValue, 'Add a user to a users file, or change a user''s password')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;serve;help;add-user' {
            break
        }
        'jwtctl;serve;help;help' {
            break
        }
        'jwtctl;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR also switches it off)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1; existing pages are kept unless --force')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1; existing pages are kept unless --force')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one machine-readable JSON document on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --out-dir: replace existing pages (a symlink is replaced, never written through)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what is in a token (no key needed), with times and security findings')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a JWE (and verify a nested JWT''s inner JWS), checking exp/nbf and named claims')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a token service and print the token it answers, with its inspection')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the reference token service (POST /login, GET /whoami), or add a user to it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write the roff man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;help;keygen' {
            break
        }
        'jwtctl;help;issue' {
            break
        }
        'jwtctl;help;inspect' {
            break
        }
        'jwtctl;help;verify' {
            break
        }
        'jwtctl;help;decrypt' {
            break
        }
        'jwtctl;help;login' {
            break
        }
        'jwtctl;help;serve' {
            break
        }
        'jwtctl;help;completions' {
            break
        }
        'jwtctl;help;man' {
            break
        }
        'jwtctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
