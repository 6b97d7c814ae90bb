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
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "man" -d 'Print or write the roff man pages'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l kid -d 'The key id [default: the RFC 7638 thumbprint]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l use -d 'The JWK\'s "use" [default: sig for a JWS algorithm, enc for a JWE one]' -r -f -a "sig\t''
enc\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l format -d 'Output format' -r -f -a "jwk\t'A single JWK'
jwks\t'A JWK Set holding the key'
pem\t'PEM: PKCS#8 for private keys, SPKI for public keys'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s o -l out -d 'Write the key to FILE (mode 0600) instead of stdout' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l public-out -d 'Also write the public half to FILE (JWK, or PEM with --format pem)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l public -d 'Print the public half of an existing KEY instead of generating one' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l convert -d 'Rewrite an existing KEY in --format (JWK ⇄ PEM), instead of generating one' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l secret-encoding -d 'How a raw secret KEY is encoded: raw bytes (one trailing newline dropped), base64, base64url or hex' -r -f -a "raw\t'The bytes themselves; one trailing newline (LF or CRLF) is removed'
base64\t'Standard base64 (padding optional); surrounding whitespace is ignored'
base64url\t'URL-safe base64 without padding; surrounding whitespace is ignored'
hex\t'Hexadecimal; surrounding whitespace is ignored'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l password-file -d 'Read the password of a protected key from FILE (one trailing newline dropped) instead of asking' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l force -d 'Replace existing output files'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l protect -d 'Encrypt the private JWK under a password (PBES2-HS512+A256KW), asked for or read from --password-file'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l out-dir -d 'Write every page (jwtctl.1, jwtctl-COMMAND.1) into DIR instead of printing jwtctl.1' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l color -d 'When to colour output (NO_COLOR also switches it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l json -d 'Print one machine-readable JSON document on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen completions man help" -f -a "keygen" -d 'Generate a key (JWK, JWK Set or PEM), extract a public key, or convert a key'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen completions man help" -f -a "man" -d 'Print or write the roff man pages'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from keygen completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
