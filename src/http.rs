//! The HTTP client, shared by `login` and JWK Set URLs: OpenSSL's TLS (already linked),
//! certificates verified against the system roots or a given CA file, no redirects, a
//! global timeout, and non-2xx answers returned rather than raised.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use ureq::Agent;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::error;
use crate::files;

pub fn agent(cacert: Option<&Path>, insecure: bool, timeout: Duration) -> Result<Agent> {
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
        .http_status_as_error(false)
        .max_redirects(0)
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

/// Whether a URL's host is this machine (plain http is allowed only there).
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url.strip_prefix("http://").unwrap_or("");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
