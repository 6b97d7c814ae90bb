
use builtin;
use str;

set edit:completion:arg-completer[jwtctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jwtctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jwtctl'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key'
            cand issue 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT'
            cand inspect 'Show what is in a token (no key needed), with times and security findings'
            cand verify 'Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name'
            cand decrypt 'Decrypt a JWE (and verify a nested JWT''s inner JWS), checking exp/nbf and named claims'
            cand login 'Log in to a token service and print the token it answers, with its inspection'
            cand serve 'Run the reference token service (POST /login, GET /whoami), or add a user to it'
            cand completions 'Print a shell completion script'
            cand man 'Print or write the roff man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;keygen'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --alg 'The algorithm the key is for (sets kty, size and the JWK''s alg)'
            cand --enc 'With --alg dir: the content encryption, which sizes the key [default: A256GCM]'
            cand --kty 'The key type, when no --alg is given'
            cand --crv 'The curve of an EC or OKP key [default: P-256 for EC, Ed25519 for OKP]'
            cand --size 'Key size in bits for RSA (default 2048) and oct keys (default: what --alg needs, else 256)'
            cand --kid 'The key id [default: the RFC 7638 thumbprint]'
            cand --use 'The JWK''s "use" [default: sig for a JWS algorithm, enc for a JWE one]'
            cand --format 'Output format'
            cand -o 'Write the key to FILE (mode 0600) instead of stdout'
            cand --out 'Write the key to FILE (mode 0600) instead of stdout'
            cand --public-out 'Also write the public half to FILE (JWK, or PEM with --format pem)'
            cand --public 'Print the public half of an existing KEY instead of generating one'
            cand --convert 'Rewrite an existing KEY in --format (JWK ⇄ PEM), instead of generating one'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --force 'Replace existing output files (regular files and symlinks only, never a directory, FIFO or device)'
            cand --protect 'Encrypt the private JWK under a password (PBES2-HS512+A256KW), asked for or read from --password-file'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;issue'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --key 'The key that signs (JWS) or encrypts (JWE) the token; repeat it with --serialization general for one signature (or recipient) per key'
            cand --alg 'The algorithm: a signature algorithm makes a JWS, a key-management algorithm a JWE [default: the key''s "alg"]'
            cand --enc 'The content encryption of a JWE [default: A256GCM; with a dir key, the one its size fits]'
            cand --sub 'Subject claim ("sub")'
            cand --iss 'Issuer claim ("iss")'
            cand --aud 'Audience claim ("aud"); repeat it for several audiences'
            cand --exp 'Expiry ("exp"): a duration from now (15m, 1h30m, 2d, -1h; at most 100y), an RFC 3339 date-time or Unix seconds'
            cand --nbf 'Not before ("nbf"), in the same forms as --exp'
            cand --iat 'Issued at ("iat"), in the same forms as --exp [default: now]'
            cand --jti 'Token id ("jti"); without a value, a random one'
            cand --claim 'A claim: NAME=STRING, or NAME:=JSON for numbers, booleans, arrays and objects (repeatable)'
            cand --claims 'Claims from a JSON object in FILE, or - for stdin'
            cand --from 'Take the claims of an existing TOKEN (not verified), then apply the other flags; its header is not copied (see --from-header)'
            cand --from-header 'Also copy header parameter NAME from the --from token (repeatable; not alg, enc, kid or other algorithm parameters)'
            cand --kid 'Header "kid" [default: the key''s kid]'
            cand --typ 'Header "typ" [default: JWT]; an empty value leaves it out'
            cand --cty 'Header "cty"'
            cand --header 'A header parameter: NAME=STRING or NAME:=JSON (repeatable; not alg or enc)'
            cand --serialization 'The output form: compact (header.payload.signature), or the JSON serializations flattened or general (RFC 7515/7516 §7.2)'
            cand --unprotected-header 'An unprotected header parameter (JSON serializations only): NAME=STRING or NAME:=JSON (repeatable)'
            cand --sign-key 'Sign the claims with this key first, then encrypt that JWS with --key (a nested JWT)'
            cand --sign-alg 'The signature algorithm of a nested JWT [default: the sign key''s "alg"]'
            cand --now 'Pin "now" (RFC 3339 or Unix seconds) so output is reproducible'
            cand --threads 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]'
            cand --max-token-size 'The largest token accepted, in bytes'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --no-iat 'Leave "iat" out'
            cand --batch 'Read one JSON claims object per line on stdin, write one token per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;inspect'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --key 'Also check the signature (JWS) or decrypt (JWE) with this key (also an https:// JWK Set URL)'
            cand --verify-key 'With --key on a nested JWT: the key that verifies the inner JWS'
            cand --now 'Pin "now" (RFC 3339 or Unix seconds) for relative times and findings'
            cand --scan 'Find every token in FILEs (or stdin) and print one line per token'
            cand --wordlist 'Try every line of FILE as the secret of an HS256/384/512 token'
            cand --threads 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]'
            cand --max-pbes2-work 'With --scan: the PBES2 iterations (p2c) the whole scan may spend; later PBES2 tokens are skipped and counted'
            cand --max-token-size 'The largest token accepted, in bytes'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --unique 'With --scan: print each distinct token once, with its number of sightings'
            cand --show-token 'With --scan: also print the tokens themselves (they are credentials)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;verify'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --key 'The key that verifies it (JWK, JWK Set, PEM, certificate, secret, or an https:// JWK Set URL); repeat it to give several keys (each tried by kid and algorithm, e.g. with --all-signatures)'
            cand --alg 'Accept only this algorithm (repeatable)'
            cand --payload 'The detached payload (RFC 7515 Appendix F): a token whose payload part is empty is verified over this file''s bytes'
            cand --threads 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]'
            cand --iss 'Require this issuer ("iss")'
            cand --aud 'Require this audience in "aud"'
            cand --sub 'Require this subject ("sub")'
            cand --leeway 'Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)'
            cand --require 'Require a claim to be present (repeatable)'
            cand --now 'Pin "now" (RFC 3339 or Unix seconds)'
            cand --max-token-size 'The largest token accepted, in bytes'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --batch 'Read one token per line on stdin, write one JSON result per line'
            cand --all-signatures 'With several signatures (general JSON serialization): require every one to verify with the keys given, not just one'
            cand --ignore-exp 'Do not reject an expired token (the check list says so)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;decrypt'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --key 'The key that decrypts it (JWK, JWK Set, PEM, secret or password)'
            cand --alg 'Accept only this key-management algorithm (repeatable)'
            cand --enc 'Accept only this content encryption (repeatable)'
            cand --verify-key 'The key that verifies the inner JWS of a nested JWT'
            cand --max-p2c 'The highest PBES2 iteration count accepted'
            cand --max-inflate 'The largest size a zip: DEF payload may inflate to, in bytes'
            cand --threads 'Worker threads for --batch, --scan and --wordlist: 1 or more [default: every core]'
            cand --iss 'Require this issuer ("iss")'
            cand --aud 'Require this audience in "aud"'
            cand --sub 'Require this subject ("sub")'
            cand --leeway 'Allowed clock skew for exp and nbf (e.g. 30s, 2m; at most 100y)'
            cand --require 'Require a claim to be present (repeatable)'
            cand --now 'Pin "now" (RFC 3339 or Unix seconds)'
            cand --max-token-size 'The largest token accepted, in bytes'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --no-verify-inner 'Accept a nested JWT without verifying its inner JWS (the check list says so)'
            cand --allow-unauthenticated 'Accept an RSA-OAEP*, RSA1_5 or ECDH-ES* token without a signed inner JWS, although anyone holding the public key can make one (the check list says so)'
            cand --batch 'Read one token per line on stdin, write one JSON result per line'
            cand --ignore-exp 'Do not reject an expired token (the check list says so)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;login'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --user 'The user name [default: asked on the terminal]'
            cand --password-env 'Read the password from environment variable NAME'
            cand --user-field 'The name of the user name field'
            cand --password-field 'The name of the password field'
            cand --token-from 'Where the token is: json:/POINTER, header:NAME, cookie:NAME or body [default: search]'
            cand -H 'An extra request header, ''Name: value'' (repeatable; sent with the probe too)'
            cand --header 'An extra request header, ''Name: value'' (repeatable; sent with the probe too)'
            cand --cacert 'Trust only the CA certificates in FILE (PEM) for HTTPS'
            cand --timeout 'Give up on a request after this long (e.g. 5s, 1m; at most 100y)'
            cand -o 'Write the token to FILE (mode 0600) instead of stdout'
            cand --out 'Write the token to FILE (mode 0600) instead of stdout'
            cand --key 'Also verify (JWS) or decrypt (JWE) the token with this key'
            cand --probe 'Then GET this URL with the token as Bearer and show the answer on stderr'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --password-stdin 'Read the password from the first line of stdin'
            cand --form 'Send the credentials form-encoded instead of as JSON'
            cand -k 'Do not verify the server''s HTTPS certificate (warns)'
            cand --insecure 'Do not verify the server''s HTTPS certificate (warns)'
            cand --force 'Replace an existing -o FILE (a regular file or symlink only, never a directory, FIFO or device)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;serve'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --listen 'The address to listen on (port 0 picks a free port)'
            cand --users 'The users file (NAME:ARGON2-HASH lines, made with jwtctl serve add-user)'
            cand --key 'The key that signs or encrypts the tokens (a file made with jwtctl keygen)'
            cand --kid 'With a JWK Set --key: the kid of the key to use'
            cand --alg 'The token algorithm [default: the key''s "alg", else dir]'
            cand --enc 'The content encryption of a JWE [default: A256GCM]'
            cand --ttl 'How long a token lives (e.g. 90s, 15m, 1h; at most 100y)'
            cand --iss 'The issuer ("iss") put in tokens and required by /whoami'
            cand --aud 'The audience ("aud") put in tokens and required by /whoami'
            cand --read-timeout 'How long a client may take to send a request''s head, then its body (1s to 1h)'
            cand --secret-encoding 'KEY is a secret encoded as: raw bytes (one trailing newline dropped), base64, base64url or hex. Without it, bytes are a secret only when they cannot be a key [default: raw]'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --ephemeral-key 'Generate a key in memory instead: every token dies with the process'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add-user 'Add a user to a users file, or change a user''s password'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;serve;add-user'= {
            cand --users 'The users file to create or update'
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --password-stdin 'Read the password from the first line of stdin instead of asking'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;serve;help'= {
            cand add-user 'Add a user to a users file, or change a user''s password'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;serve;help;add-user'= {
        }
        &'jwtctl;serve;help;help'= {
        }
        &'jwtctl;completions'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;man'= {
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --out-dir 'Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1; existing pages are kept unless --force'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand --force 'With --out-dir: replace existing pages (a symlink is replaced, never written through)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;help'= {
            cand keygen 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key'
            cand issue 'Mint a signed (JWS) or encrypted (JWE) token, or a nested JWT'
            cand inspect 'Show what is in a token (no key needed), with times and security findings'
            cand verify 'Check a JWS: signature, algorithm allowlist, exp/nbf and the claims you name'
            cand decrypt 'Decrypt a JWE (and verify a nested JWT''s inner JWS), checking exp/nbf and named claims'
            cand login 'Log in to a token service and print the token it answers, with its inspection'
            cand serve 'Run the reference token service (POST /login, GET /whoami), or add a user to it'
            cand completions 'Print a shell completion script'
            cand man 'Print or write the roff man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;keygen'= {
        }
        &'jwtctl;help;issue'= {
        }
        &'jwtctl;help;inspect'= {
        }
        &'jwtctl;help;verify'= {
        }
        &'jwtctl;help;decrypt'= {
        }
        &'jwtctl;help;login'= {
        }
        &'jwtctl;help;serve'= {
        }
        &'jwtctl;help;completions'= {
        }
        &'jwtctl;help;man'= {
        }
        &'jwtctl;help;help'= {
        }
    ]
    $completions[$command]
}
