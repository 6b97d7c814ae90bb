//! The HTTP client, shared by `login` and JWK Set URLs: OpenSSL's TLS (already linked),
//! certificates verified against the system roots or a given CA file, no redirects, a
//! global timeout, and non-2xx answers returned rather than raised.
//!
//! URLs are parsed here, once, by the `url` crate (WHATWG rules, as browsers and curl read
//! them): the host that decides "loopback or not" is the host the request goes to, so a
//! `user@` part cannot smuggle a different host past the check. [`shown`] is the one form
//! of a URL put in a message: without its user name and password.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use ureq::Agent;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
use url::{Host, Url};

use crate::error;
use crate::io::files;

/// Parses an `http://` or `https://` URL with a host; `what` names it in errors (which
/// never echo the URL's user name or password).
pub fn parse_url(text: &str, what: &str) -> Result<Url> {
    let url = Url::parse(text.trim()).map_err(|e| {
        error::usage(format!(
            "{what} is not a valid URL ({e}): {}",
            shown_text(text)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(error::usage(format!(
            "{what} must start with http:// or https://"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(error::usage(format!("{what} has no host: {}", shown(&url))));
    }
    Ok(url)
}

/// A URL as messages show it: without `user:password@`.
pub fn shown(url: &Url) -> String {
    let mut clean = url.clone();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    clean.to_string()
}

/// [`shown`] for text that may not parse: a URL that does not parse is cut before any `@`
/// in its authority, so a typo never reveals a password.
pub fn shown_text(text: &str) -> String {
    if let Ok(url) = Url::parse(text.trim()) {
        return shown(&url);
    }
    match text.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => text.to_string(),
    }
}

/// Whether a URL's host is this machine: `localhost` or a loopback address.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// A KEY that is a JWK Set URL: https://, or plain http:// only on loopback, and never
/// with a user name or password (they would be sent, cached and shown).
pub fn check_key_url(text: &str) -> Result<Url> {
    let url = parse_url(text, "the key URL")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(error::usage(format!(
            "{}: a JWK Set URL must not carry a user name or password",
            shown(&url)
        )));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(error::usage(format!(
            "{}: a JWK Set URL must be https:// (plain http only on loopback)",
            shown(&url)
        )));
    }
    Ok(url)
}

/// The proxy for a request to `target`, from the environment as curl reads it: none for
/// loopback (a proxy would see what never leaves the machine otherwise) or for a host
/// NO_PROXY names; else `https_proxy` for https:// and `http_proxy` for http:// (either
/// case), falling back to `all_proxy`.
fn proxy_for(target: &Url) -> Result<Option<ureq::Proxy>> {
    if is_loopback(target) {
        return Ok(None);
    }
    let host = target.host_str().unwrap_or("");
    if env_any(&["no_proxy", "NO_PROXY"]).is_some_and(|list| no_proxy_matches(&list, host)) {
        return Ok(None);
    }
    let names: &[&str] = if target.scheme() == "https" {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    for name in names {
        if let Some(value) = env_any(&[name]) {
            let proxy = ureq::Proxy::new(&value).map_err(|_| {
                error::usage(format!("{name} is not a proxy URL: {}", shown_text(&value)))
            })?;
            return Ok(Some(proxy));
        }
    }
    Ok(None)
}

/// Whether requests to `target` go through a proxy.
pub fn uses_proxy(target: &Url) -> bool {
    proxy_for(target).ok().flatten().is_some()
}

/// After a connection to `target` timed out: whether a plain TCP connection to it
/// succeeds, i.e. whether it was the TLS handshake that stalled (a server speaking plain
/// HTTP waits for a request line that never comes). Only for direct connections.
pub fn tcp_answers(target: &Url) -> bool {
    use std::net::{TcpStream, ToSocketAddrs};
    if uses_proxy(target) {
        return false;
    }
    let (Some(host), Some(port)) = (target.host_str(), target.port_or_known_default()) else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

/// The first of these environment variables that is set and not empty.
fn env_any(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

/// NO_PROXY as curl reads it: `*`, or comma-separated host names, each matching itself
/// and its subdomains (a leading `.` or `*.` is ignored), and IP addresses, exactly.
fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',').any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        let entry = entry.trim_start_matches("*.").trim_start_matches('.');
        let entry = entry.trim_start_matches('[').trim_end_matches(']');
        entry == "*" || !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// An agent for requests to `target` (its proxy depends on the target).
pub fn agent(
    target: &Url,
    cacert: Option<&Path>,
    insecure: bool,
    timeout: Duration,
) -> Result<Agent> {
    let roots = match cacert {
        Some(path) => RootCerts::new_with_certs(&ca_certificates(path)?),
        None => RootCerts::PlatformVerifier,
    };
    let tls = TlsConfig::builder()
        .provider(TlsProvider::NativeTls)
        .root_certs(roots)
        .disable_verification(insecure)
        .build();
    Ok(Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(timeout))
        // Connecting (TCP and TLS) must end a little before the whole request's deadline,
        // so that a stalled TLS handshake is reported as one: ureq names the deadline that
        // fires first.
        .timeout_connect(Some(timeout - (timeout / 10).min(Duration::from_secs(1))))
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy_for(target)?)
        .user_agent(format!("jwtctl/{}", env!("CARGO_PKG_VERSION")))
        .accept("application/json, */*;q=0.5")
        .build()
        .new_agent())
}

fn ca_certificates(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let pem = files::read_file_limited(path, 4 * 1024 * 1024, "--cacert file")?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(e) => {
                return Err(error::runtime(format!(
                    "--cacert {}: not a PEM certificate ({e})",
                    path.display()
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(error::runtime(format!(
            "--cacert {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        parse_url(text, "URL").unwrap()
    }

    #[test]
    fn loopback_is_the_host_the_request_goes_to() {
        for text in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://LOCALHOST:1/",
            "http://[::1]:8080/",
            "http://127.1.2.3/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(is_loopback(&url(text)), "{text}");
        }
        for text in [
            "http://[::1]@192.0.2.2/jwks",
            "http://127.0.0.1:80@evil.example/jwks",
            "http://localhost@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example/",
        ] {
            assert!(!is_loopback(&url(text)), "{text}");
        }
    }

    #[test]
    fn shown_urls_carry_no_credentials() {
        assert_eq!(
            shown(&url("https://bob:pw@example.com:8443/login?x=1")),
            "https://example.com:8443/login?x=1"
        );
        assert_eq!(
            shown_text("https://bob:pw@exa mple.com/a"),
            "https://exa mple.com/a"
        );
    }

    #[test]
    fn no_proxy_lists() {
        assert!(no_proxy_matches("example.com", "api.example.com"));
        assert!(no_proxy_matches(" .example.com ,x", "example.com"));
        assert!(no_proxy_matches("*.example.com", "a.b.example.com"));
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("192.0.2.1", "192.0.2.1"));
        assert!(no_proxy_matches("::1", "[::1]"));
        assert!(!no_proxy_matches("example.com", "badexample.com"));
        assert!(!no_proxy_matches("", "example.com"));
    }
}
