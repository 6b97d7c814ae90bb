
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
            cand completions 'Print a shell completion script'
            cand man 'Print or write the roff man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;keygen'= {
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
            cand --secret-encoding 'How a raw secret KEY is encoded: raw bytes (one trailing newline dropped), base64, base64url or hex'
            cand --password-file 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking'
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --force 'Replace existing output files'
            cand --protect 'Encrypt the private JWK under a password (PBES2-HS512+A256KW), asked for or read from --password-file'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
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
            cand --out-dir 'Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1'
            cand --color 'When to colour output (NO_COLOR also switches it off)'
            cand --json 'Print one machine-readable JSON document on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;help'= {
            cand keygen 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key'
            cand completions 'Print a shell completion script'
            cand man 'Print or write the roff man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;keygen'= {
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
