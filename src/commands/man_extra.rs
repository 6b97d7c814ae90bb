//! The man page sections clap does not write: EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES.

/// Exit codes, as the contract fixes them.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success"),
    (
        "1",
        "runtime error: I/O, unusable key, network or server failure (inspect --scan --fail-if-none: no token found)",
    ),
    ("2", "usage error (bad flags or values)"),
    (
        "3",
        "malformed input: not a compact JWS/JWE, bad base64url, bad JSON, unsupported header",
    ),
    (
        "4",
        "token not authentic: bad signature or tag, algorithm not allowed, decryption failed, alg none",
    ),
    (
        "5",
        "claims rejected: expired, not yet valid, issuer/audience/subject mismatch, required claim missing",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "when set and not empty, no colour (as --color never) unless --color always",
    ),
    (
        "XDG_CACHE_HOME",
        "the cache of JWK Sets fetched from key URLs is XDG_CACHE_HOME/jwtctl/jwks (an absolute path only)",
    ),
    (
        "HOME",
        "without XDG_CACHE_HOME, the cache is HOME/.cache/jwtctl/jwks",
    ),
    (
        "https_proxy, http_proxy, all_proxy, no_proxy",
        "proxies for key URLs and login, as curl reads them (also upper case); loopback never goes through a proxy",
    ),
];

const FILES: &[(&str, &str)] = &[(
    "$XDG_CACHE_HOME/jwtctl/jwks/",
    "JWK Sets fetched from key URLs, cached 5 minutes (mode 0600, in a 0700 directory)",
)];

/// Examples per page (`jwtctl`, `jwtctl-verify`, …).
fn examples(page: &str) -> &'static [(&'static str, &'static str)] {
    match page {
        "jwtctl" | "jwtctl-keygen" => &[
            (
                "jwtctl keygen --alg ES256 -o signing.jwk --public-out public.jwk",
                "a key pair (private mode 0600)",
            ),
            (
                "jwtctl keygen --public old.jwk new.jwk > jwks.json",
                "one public JWK Set of several keys",
            ),
        ],
        "jwtctl-issue" => &[
            (
                "jwtctl issue --key signing.jwk --sub alice --aud api --exp 15m",
                "a signed token",
            ),
            (
                "jwtctl issue --key hs.jwk --now 1700000000 --jti fixed --sub ci",
                "byte-for-byte reproducible output",
            ),
        ],
        "jwtctl-inspect" => &[
            (
                "jwtctl inspect \"Authorization: Bearer $TOKEN\"",
                "header, claims, times and findings",
            ),
            (
                "jwtctl decode --claims token.txt",
                "the claims JSON only, from a file",
            ),
            (
                "jwtctl inspect --scan logs/ --fail-if-none",
                "every token under a directory (gzip read too)",
            ),
        ],
        "jwtctl-verify" => &[
            (
                "jwtctl verify \"$TOKEN\" --key public.pem --iss https://issuer.example --aud api",
                "signature and claims",
            ),
            (
                "jwtctl verify -q \"$TOKEN\" --issuer https://issuer.example",
                "keys by OpenID Connect discovery; exit code only",
            ),
            (
                "jwtctl verify \"$JWTIO\" --key env:SECRET --allow-weak-key",
                "a jwt.io sample with its short secret (warns)",
            ),
        ],
        "jwtctl-decrypt" => &[
            (
                "jwtctl decrypt \"$TOKEN\" --key session.key",
                "a dir or key-wrapped JWE",
            ),
            (
                "jwtctl decrypt \"$TOKEN\" --key session.key --verify-key signing.jwk",
                "a nested JWT",
            ),
        ],
        "jwtctl-login" => &[(
            "jwtctl login http://127.0.0.1:8080/login --user alice --probe http://127.0.0.1:8080/whoami",
            "log in, then call an API with the token",
        )],
        "jwtctl-serve" => &[(
            "jwtctl serve --users users.txt --ephemeral-key --listen 127.0.0.1:0",
            "the reference token service on a free port",
        )],
        _ => &[],
    }
}

/// Text safe in a roff line: backslashes escaped, and a leading `.` or `'` neutralised.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with('.') || text.starts_with('\'') {
        format!("\\&{text}")
    } else {
        text
    }
}

fn section(out: &mut String, title: &str, items: &[(&str, &str)], code: bool) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!(".SH \"{title}\"\n"));
    for (term, text) in items {
        out.push_str(".TP\n");
        if code {
            out.push_str(&format!("\\fB{}\\fR\n", roff(term)));
        } else {
            out.push_str(&format!("{}\n", roff(term)));
        }
        out.push_str(&format!("{}\n", roff(text)));
    }
}

/// The extra sections of `page`, in the order man-pages(7) gives them.
pub fn sections(page: &str) -> String {
    let mut out = String::new();
    section(&mut out, "EXIT STATUS", EXIT_STATUS, false);
    if matches!(
        page,
        "jwtctl" | "jwtctl-verify" | "jwtctl-inspect" | "jwtctl-login"
    ) {
        section(&mut out, "ENVIRONMENT", ENVIRONMENT, false);
    }
    if matches!(page, "jwtctl" | "jwtctl-verify" | "jwtctl-inspect") {
        section(&mut out, "FILES", FILES, false);
    }
    section(&mut out, "EXAMPLES", examples(page), true);
    out
}

/// `page` (roff) with the extra sections put before VERSION (or at the end).
pub fn insert(page: String, name: &str) -> String {
    let extra = sections(name);
    match page.find(".SH VERSION") {
        Some(at) => format!("{}{extra}{}", &page[..at], &page[at..]),
        None => page + &extra,
    }
}

/// The SYNOPSIS with value placeholders (`[--key KEY]`, not clap's bare `[--key]`), so the
/// first lines of a page say what each flag takes.
pub fn synopsis_placeholders(page: String, command: &clap::Command) -> String {
    let Some(head) = page.find(".SH SYNOPSIS\n") else {
        return page;
    };
    let start = head + ".SH SYNOPSIS\n".len();
    let end = page[start..].find('\n').map_or(page.len(), |n| start + n);
    let mut line = page[start..end].to_string();
    for arg in command.get_arguments() {
        let (Some(long), true) = (arg.get_long(), arg.get_action().takes_values()) else {
            continue;
        };
        let value = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map_or_else(|| arg.get_id().as_str().to_uppercase(), |v| v.to_string());
        let needle = format!("\\fB\\-\\-{}\\fR]", long.replace('-', "\\-"));
        let with = format!(
            "\\fB\\-\\-{}\\fR \\fI{}\\fR]",
            long.replace('-', "\\-"),
            roff(&value)
        );
        line = line.replacen(&needle, &with, 1);
    }
    format!("{}{line}{}", &page[..start], &page[end..])
}
