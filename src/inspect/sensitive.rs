//! The `claims:secret` and `claims:personal` findings: a walk of the claims tree, bounded
//! whatever its shape.

use serde_json::{Map, Value};

use super::findings::{Finding, FindingCode};

const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "private_key",
    "privatekey",
    "access_key",
    "secret_key",
    "credentials",
    "pin",
];
const PERSONAL_NAMES: &[&str] = &[
    "email",
    "phone",
    "phone_number",
    "mobile",
    "address",
    "birthdate",
    "dob",
    "date_of_birth",
    "ssn",
    "national_id",
    "passport",
    "credit_card",
    "card_number",
    "iban",
    "tax_id",
];

fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "_")
}

fn looks_like_secret_value(value: &str) -> bool {
    value.contains("-----BEGIN")
        || value.starts_with("AKIA") && value.len() == 20
        || [
            "sk_live_",
            "sk_test_",
            "ghp_",
            "github_pat_",
            "xoxb-",
            "xoxp-",
            "AIza",
        ]
        .iter()
        .any(|prefix| value.starts_with(prefix))
}

/// The most members of the claims tree looked at for secrets and personal data.
const MAX_CLAIM_NODES: usize = 10_000;
/// The most member paths quoted in one finding, and the longest path quoted.
const MAX_NAMED_PATHS: usize = 20;
const MAX_PATH_CHARS: usize = 120;

pub(super) fn sensitive_claims(claims: &Map<String, Value>, found: &mut Vec<Finding>) {
    // Work and memory are bounded by the input, whatever its shape: members are recorded as
    // (parent, name) links, at most MAX_CLAIM_NODES of them, checked before each is added;
    // a dotted path is spelled out (and cut) only for the members a finding quotes. Building
    // "a.b.c" for every member would cost name length × member count (a claims bomb).
    let mut nodes: Vec<(Option<usize>, &str)> = Vec::new();
    let mut stack: Vec<(usize, &Value)> = Vec::new();
    fn add<'a>(
        parent: Option<usize>,
        members: &'a Map<String, Value>,
        nodes: &mut Vec<(Option<usize>, &'a str)>,
        stack: &mut Vec<(usize, &'a Value)>,
    ) {
        for (name, value) in members {
            if nodes.len() >= MAX_CLAIM_NODES {
                return;
            }
            nodes.push((parent, name.as_str()));
            stack.push((nodes.len() - 1, value));
        }
    }
    add(None, claims, &mut nodes, &mut stack);
    let mut secret = Vec::new();
    let mut personal = Vec::new();
    while let Some((index, value)) = stack.pop() {
        let name = nodes[index].1;
        let key = normalise(name.rsplit('.').next().unwrap_or(name));
        if SECRET_NAMES.contains(&key.as_str())
            || value.as_str().is_some_and(looks_like_secret_value)
        {
            secret.push(index);
        } else if PERSONAL_NAMES.contains(&key.as_str()) {
            personal.push(index);
        }
        if let Value::Object(inner) = value {
            add(Some(index), inner, &mut nodes, &mut stack);
        }
    }
    let mut secret: Vec<String> = secret.into_iter().map(|i| path(&nodes, i)).collect();
    let mut personal: Vec<String> = personal.into_iter().map(|i| path(&nodes, i)).collect();
    secret.sort();
    personal.sort();
    if !secret.is_empty() {
        found.push(Finding::new(
            FindingCode::ClaimsSecret,
            format!(
                "readable claims look like secrets ({}); a JWS is signed, not encrypted",
                quoted(&secret)
            ),
        ));
    }
    if !personal.is_empty() {
        found.push(Finding::new(
            FindingCode::ClaimsPersonal,
            format!(
                "readable claims carry personal data ({}); anyone holding the token can read them",
                quoted(&personal)
            ),
        ));
    }
}

/// The dotted path of member `index`, cut after MAX_PATH_CHARS characters.
fn path(nodes: &[(Option<usize>, &str)], index: usize) -> String {
    let mut chain = vec![nodes[index].1];
    let mut at = nodes[index].0;
    while let Some(parent) = at {
        chain.push(nodes[parent].1);
        at = nodes[parent].0;
    }
    let mut out = String::new();
    for (n, name) in chain.iter().rev().enumerate() {
        if n > 0 {
            out.push('.');
        }
        out.push_str(name);
        if out.chars().count() > MAX_PATH_CHARS {
            let mut cut: String = out.chars().take(MAX_PATH_CHARS).collect();
            cut.push('…');
            return cut;
        }
    }
    out
}

/// The first MAX_NAMED_PATHS paths, and how many more there are.
fn quoted(paths: &[String]) -> String {
    let mut text = paths
        .iter()
        .take(MAX_NAMED_PATHS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > MAX_NAMED_PATHS {
        text.push_str(&format!(" and {} more", paths.len() - MAX_NAMED_PATHS));
    }
    text
}
