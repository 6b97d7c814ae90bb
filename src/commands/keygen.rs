//! `jwtctl keygen`: generate a key, extract a public key, or convert a key between formats.

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::cli::{GlobalArgs, KeyFormat, KeyUse, KeygenArgs, Kty};
use crate::error;
use crate::io::files::{self, Mode};
use crate::io::output;
use crate::jose::alg::{self, Alg, AlgId, Curve, KeyNeed, TokenKind};
use crate::keys::generate::{Kind, generate};
use crate::keys::{self, Key};

const MAX_RSA_BITS: u32 = 8192;
const MAX_SECRET_BITS: u32 = 8192;

/// What to generate: a key type with its size or curve, and the JWK's `alg` if known.
#[derive(Debug, PartialEq, Eq)]
struct Spec {
    kind: Kind,
    alg: Option<&'static Alg>,
    key_use: Option<&'static str>,
}

pub fn run(args: &KeygenArgs, global: &GlobalArgs) -> Result<()> {
    let load = args.key_input.load_options();
    if !args.public.is_empty() {
        let several = args.public.len() > 1;
        if several && args.kid.is_some() {
            return Err(error::usage(
                "--kid names one key; with several --public keys each keeps its own kid (or thumbprint)",
            ));
        }
        let mut public = Vec::new();
        let mut is_set = several;
        for reference in &args.public {
            let set = keys::load(reference, &load)?;
            is_set |= set.is_set;
            for key in &set.keys {
                let own_kid = set.is_set || several;
                public.push(label(args, key.public_half()?, own_kid)?);
            }
        }
        check_unique_kids(&public)?;
        return emit_public(args, global, public, is_set);
    }
    if let Some(reference) = &args.convert {
        let set = keys::load(reference, &load)?;
        // From a JWK Set, --kid picks the key; from a single key, it names it.
        let chosen = set.is_set;
        let key = set
            .single(args.kid.as_deref())
            .with_context(|| format!("key {reference}"))?;
        return emit(args, global, label(args, key, chosen)?);
    }
    let spec = spec_from_args(args)?;
    check_output_choices(args, &spec)?;
    if spec.alg.is_some_and(|a| a.id == AlgId::Rsa1v15) {
        output::warn("RSA1_5 is deprecated (RFC 8725); prefer RSA-OAEP-256");
    }
    let mut jwk = generate(&spec.kind)?;
    if let Some(alg) = spec.alg {
        jwk.set_algorithm(alg.name);
    }
    if spec.alg.is_some_and(|a| a.id == AlgId::Dir) {
        // A dir key is bound to the content encryption it was made for: a 32-byte key could
        // otherwise serve A256GCM and A128CBC-HS256 alike (see Key::bound_enc).
        let enc = args.enc.unwrap_or_else(alg::default_enc_row);
        jwk.set_parameter("enc", Some(Value::from(enc.name)))?;
    }
    let key_use = args
        .key_use
        .map(|u| match u {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
        })
        .or(spec.key_use);
    if let Some(key_use) = key_use {
        jwk.set_key_use(key_use);
    }
    let kid = match &args.kid {
        Some(kid) => kid.clone(),
        None => crate::keys::convert::thumbprint(&jwk)?,
    };
    jwk.set_key_id(kid);
    emit(args, global, Key::from_jwk(jwk)?)
}

/// A key taken from elsewhere (`--public`, `--convert`) gets what keygen gives its own: a
/// kid (`--kid`, else the key's own, else the RFC 7638 thumbprint), and `--alg`/`--use` when
/// given. `kid_chose` says `--kid` selected the key from a set rather than naming it.
fn label(args: &KeygenArgs, key: Key, kid_chose: bool) -> Result<Key> {
    let mut jwk = key.jwk().clone();
    if let Some(alg) = args.alg {
        let op = match (alg.kind, key.private) {
            (TokenKind::Jws, true) => keys::Op::Sign,
            (TokenKind::Jws, false) => keys::Op::Verify,
            (TokenKind::Jwe, true) => keys::Op::Decrypt,
            (TokenKind::Jwe, false) => keys::Op::Encrypt,
        };
        // The key's own alg/use must not veto the relabelling: check the material only.
        let mut bare = jwk.clone();
        bare.set_parameter("alg", None)?;
        bare.set_parameter("use", None)?;
        bare.set_parameter("key_ops", None)?;
        Key::from_jwk(bare)?
            .check(alg, op, args.enc)
            .map_err(|e| error::usage(format!("--alg {}: {}", alg.name, error::one_line(&e))))?;
        jwk.set_algorithm(alg.name);
    }
    if let Some(key_use) = args.key_use {
        jwk.set_key_use(match key_use {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
        });
    }
    match (&args.kid, jwk.key_id()) {
        (Some(kid), _) if !kid_chose => jwk.set_key_id(kid.clone()),
        (_, Some(_)) => {}
        (_, None) => {
            let thumbprint = crate::keys::convert::thumbprint(&jwk)?;
            jwk.set_key_id(thumbprint);
        }
    }
    Key::from_jwk(jwk)
}

/// A JWK Set searched by kid must not hold two keys under one kid.
fn check_unique_kids(keys: &[Key]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for key in keys {
        if let Some(kid) = key.kid()
            && !seen.insert(kid)
        {
            return Err(error::usage(format!(
                "two keys have kid \"{kid}\"; a JWK Set needs distinct kids"
            )));
        }
    }
    Ok(())
}

/// Refuses impossible output choices before any key is generated or file touched.
fn check_output_choices(args: &KeygenArgs, spec: &Spec) -> Result<()> {
    let secret = matches!(spec.kind, Kind::Secret { .. });
    if secret && args.format == KeyFormat::Pem {
        return Err(error::usage(
            "a secret (oct key) cannot be written as PEM; use --format jwk",
        ));
    }
    if secret && args.public_out.is_some() {
        return Err(error::usage(
            "a secret (oct key) has no public half for --public-out",
        ));
    }
    Ok(())
}

fn bits_to_bytes(bits: u32, what: &str) -> Result<usize> {
    if bits == 0 || !bits.is_multiple_of(8) || bits > MAX_SECRET_BITS {
        return Err(error::usage(format!(
            "--size {bits} is not a usable {what} size: give a multiple of 8 up to {MAX_SECRET_BITS}"
        )));
    }
    Ok(bits as usize / 8)
}

fn spec_from_args(args: &KeygenArgs) -> Result<Spec> {
    match (&args.alg, args.kty) {
        (Some(alg), _) => spec_for_alg(alg, args),
        (None, Some(kty)) => spec_for_kty(kty, args),
        (None, None) => Err(error::usage(
            "keygen needs --alg ALG (e.g. --alg ES256, --alg dir --enc A256GCM) or --kty TYPE",
        )),
    }
}

fn spec_for_alg(alg: &'static Alg, args: &KeygenArgs) -> Result<Spec> {
    let name = alg.name;
    if args.enc.is_some() && alg.need != KeyNeed::Direct {
        return Err(error::usage(format!(
            "--enc sizes a dir key; {name} keys do not depend on the content encryption"
        )));
    }
    let fixed_size = |bytes: usize| -> Result<Kind> {
        match args.size {
            Some(bits) if bits as usize != bytes * 8 => Err(error::usage(format!(
                "--size {bits} does not fit {name}, which needs exactly {} bits",
                bytes * 8
            ))),
            _ => Ok(Kind::Secret { bytes }),
        }
    };
    let curve = |allowed: &[Curve], default: Curve| -> Result<Kind> {
        if args.size.is_some() {
            return Err(error::usage(format!(
                "--size does not apply to {name}; choose the curve with --crv"
            )));
        }
        match args.crv {
            None => Ok(Kind::Curve(default)),
            Some(crv) if allowed.contains(&crv) => Ok(Kind::Curve(crv)),
            Some(crv) => Err(error::usage(format!(
                "{name} cannot use curve {}; it takes {}",
                crv.name(),
                curve_names(allowed)
            ))),
        }
    };
    if args.crv.is_some() && !matches!(alg.need, KeyNeed::Ec(_) | KeyNeed::Ed | KeyNeed::Ecdh) {
        return Err(error::usage(format!("--crv does not apply to {name}")));
    }
    let kind = match alg.need {
        KeyNeed::Hmac(min) => {
            let bytes = match args.size {
                Some(bits) => bits_to_bytes(bits, "secret")?,
                None => min,
            };
            if bytes < min {
                return Err(error::usage(format!(
                    "--size {} is too small for {name}, which needs at least {} bits",
                    bytes * 8,
                    min * 8
                )));
            }
            Kind::Secret { bytes }
        }
        KeyNeed::Rsa => Kind::Rsa {
            bits: rsa_bits(args.size)?,
        },
        KeyNeed::Ec(crv) => curve(&[crv], crv)?,
        KeyNeed::Ed => curve(&[Curve::Ed25519, Curve::Ed448], Curve::Ed25519)?,
        KeyNeed::Ecdh => curve(alg::ECDH_CURVES, Curve::P256)?,
        KeyNeed::Aes(bytes) => fixed_size(bytes)?,
        KeyNeed::Direct => {
            let enc = args.enc.unwrap_or_else(alg::default_enc_row);
            fixed_size(enc.key_bytes)?
        }
        KeyNeed::Password => Kind::Secret {
            bytes: match args.size {
                Some(bits) => bits_to_bytes(bits, "password")?,
                None => 32,
            },
        },
    };
    Ok(Spec {
        kind,
        alg: Some(alg),
        key_use: Some(match alg.kind {
            TokenKind::Jws => "sig",
            TokenKind::Jwe => "enc",
        }),
    })
}

fn curve_names(curves: &[Curve]) -> String {
    curves
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn rsa_bits(size: Option<u32>) -> Result<u32> {
    let bits = size.unwrap_or(2048);
    if !(2048..=MAX_RSA_BITS).contains(&bits) {
        return Err(error::usage(format!(
            "--size {bits} is not a usable RSA size: give 2048 to {MAX_RSA_BITS} bits"
        )));
    }
    Ok(bits)
}

fn spec_for_kty(kty: Kty, args: &KeygenArgs) -> Result<Spec> {
    let kind = match kty {
        Kty::Oct => {
            if args.crv.is_some() {
                return Err(error::usage("--crv does not apply to oct keys"));
            }
            Kind::Secret {
                bytes: bits_to_bytes(args.size.unwrap_or(256), "secret")?,
            }
        }
        Kty::Rsa => {
            if args.crv.is_some() {
                return Err(error::usage("--crv does not apply to RSA keys"));
            }
            Kind::Rsa {
                bits: rsa_bits(args.size)?,
            }
        }
        Kty::Ec | Kty::Okp => {
            if args.size.is_some() {
                return Err(error::usage(
                    "--size does not apply to EC or OKP keys; use --crv",
                ));
            }
            let kty_name = if kty == Kty::Ec { "EC" } else { "OKP" };
            let allowed: Vec<Curve> = Curve::ALL
                .into_iter()
                .filter(|c| c.kty() == kty_name)
                .collect();
            let crv = args.crv.unwrap_or(allowed[0]);
            if !allowed.contains(&crv) {
                return Err(error::usage(format!(
                    "curve {} is not for {kty_name} keys; use one of {}",
                    crv.name(),
                    curve_names(&allowed)
                )));
            }
            Kind::Curve(crv)
        }
    };
    Ok(Spec {
        kind,
        alg: None,
        key_use: None,
    })
}

/// A key in the chosen format, as the bytes written and as the `--json` value.
fn render(key: &Key, format: KeyFormat) -> Result<(Vec<u8>, Value)> {
    Ok(match format {
        KeyFormat::Jwk | KeyFormat::Jwks => {
            let jwk = Value::Object(key.jwk().as_ref().clone());
            let value = if format == KeyFormat::Jwks {
                json!({ "keys": [jwk] })
            } else {
                jwk
            };
            (pretty(&value)?, value)
        }
        KeyFormat::Pem => {
            let pem = key.to_pem()?;
            let text = String::from_utf8_lossy(&pem).into_owned();
            (pem, Value::String(text))
        }
    })
}

fn pretty(value: &Value) -> Result<Vec<u8>> {
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    Ok(text)
}

/// Writes (or prints) a key and, with `--public-out`, its public half.
fn emit(args: &KeygenArgs, global: &GlobalArgs, key: Key) -> Result<()> {
    // Compared as absolute paths, so `k.jwk()` and `./k.jwk()` are one file too.
    let same = |a: &std::path::Path, b: &std::path::Path| {
        a == b || std::path::absolute(a).ok() == std::path::absolute(b).ok()
    };
    if let (Some(out), Some(public_out)) = (&args.out, &args.public_out)
        && same(out, public_out)
    {
        return Err(error::usage("-o and --public-out name the same file"));
    }
    if let Some(path) = &args.out {
        files::check_writable(path, args.force)?;
    }
    if let Some(path) = &args.public_out {
        files::check_writable(path, args.force)?;
    }
    let public = match &args.public_out {
        Some(_) => Some(key.public_half()?),
        None => None,
    };
    let (mut bytes, mut value) = render(&key, args.format)?;
    if args.protect {
        if args.format != KeyFormat::Jwk {
            return Err(error::usage(
                "--protect writes a JWK; drop --format or use --format jwk",
            ));
        }
        let password = protect_password(args)?;
        let locked = keys::protect::protect(&key, &password)?;
        bytes = format!("{locked}\n").into_bytes();
        value = Value::String(locked);
    }
    let mut report = json!({
        "kty": key.kty(),
        "alg": key.alg(),
        "use": key.jwk().key_use(),
        "kid": key.kid(),
        "crv": key.curve(),
        "bits": key.bits(),
        "private": key.private,
        "thumbprint": key.thumbprint()?,
        "protected": args.protect,
    });
    let mode = if key.private {
        Mode::Secret
    } else {
        Mode::Public
    };
    // Both files are staged (written and synced under temporary names) before either is
    // renamed into place, so a failure leaves neither: no orphan public key.
    let public_staged = match (&args.public_out, &public) {
        (Some(path), Some(public)) => {
            let (public_bytes, _) = render(public, args.format)?;
            Some(files::stage(path, &public_bytes, Mode::Public, args.force)?)
        }
        _ => None,
    };
    let key_staged = match &args.out {
        Some(path) => Some(files::stage(path, &bytes, mode, args.force)?),
        None => None,
    };
    let key_written = key_staged.map(files::Staged::commit).transpose()?;
    if let Some(Err(err)) = public_staged.map(files::Staged::commit) {
        // Undo the key written a moment ago, unless it replaced a file (--force).
        if let (Some(files::Committed::Created), Some(path)) = (key_written, &args.out) {
            let _ = std::fs::remove_file(path);
        }
        return Err(err);
    }
    if let Some(path) = &args.public_out {
        report["public_out"] = json!(path.display().to_string());
    }
    match &args.out {
        Some(path) => {
            report["out"] = json!(path.display().to_string());
            if !global.json {
                output::note(&format!(
                    "wrote {} to {} (kid {})",
                    if key.private {
                        "private key"
                    } else {
                        "public key"
                    },
                    path.display(),
                    key.kid().unwrap_or("none")
                ));
            }
        }
        None => {
            if global.json {
                report["key"] = value;
            } else {
                files::write_stdout(&bytes)?;
            }
        }
    }
    if global.json {
        output::print_json(&report)?;
    }
    Ok(())
}

/// `--public`: the public halves of a key or a whole JWK Set.
fn emit_public(
    args: &KeygenArgs,
    global: &GlobalArgs,
    public: Vec<Key>,
    is_set: bool,
) -> Result<()> {
    if is_set && args.format != KeyFormat::Pem {
        let keys: Vec<Value> = public
            .iter()
            .map(|k| Value::Object(k.jwk().as_ref().clone()))
            .collect();
        let set = json!({ "keys": keys });
        return match &args.out {
            Some(path) => files::write_atomic(path, &pretty(&set)?, Mode::Public, args.force),
            None if global.json => output::print_json(&json!({ "key": set })),
            None => files::write_stdout(&pretty(&set)?),
        };
    }
    let mut public = public;
    if public.len() != 1 {
        return Err(error::usage(format!(
            "the JWK Set holds {} keys; PEM takes one (extract it with --convert KEY --kid KID first)",
            public.len()
        )));
    }
    emit(args, global, public.remove(0))
}

fn protect_password(args: &KeygenArgs) -> Result<Vec<u8>> {
    let load = args.key_input.load_options();
    if load.password_file.is_some() {
        return keys::read_password(&load, "");
    }
    let first = keys::read_password(&load, "Password to protect the key: ")?;
    let again = keys::read_password(&load, "Same password again: ")?;
    if first != again {
        return Err(error::runtime("the passwords do not match"));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn spec(argv: &[&str]) -> Result<Spec> {
        let mut full = vec!["jwtctl", "keygen"];
        full.extend_from_slice(argv);
        let cli = crate::cli::Cli::try_parse_from(full).unwrap();
        match cli.command {
            crate::cli::Command::Keygen(args) => spec_from_args(&args),
            _ => unreachable!(),
        }
    }

    #[test]
    fn algorithms_pick_their_keys() {
        let kind = |argv: &[&str]| spec(argv).unwrap().kind;
        assert_eq!(kind(&["--alg", "HS384"]), Kind::Secret { bytes: 48 });
        assert_eq!(
            kind(&["--alg", "dir", "--enc", "A256CBC-HS512"]),
            Kind::Secret { bytes: 64 }
        );
        assert_eq!(kind(&["--alg", "dir"]), Kind::Secret { bytes: 32 });
        assert_eq!(kind(&["--alg", "A192KW"]), Kind::Secret { bytes: 24 });
        assert_eq!(
            kind(&["--alg", "RSA-OAEP-256", "--size", "3072"]),
            Kind::Rsa { bits: 3072 }
        );
        assert_eq!(kind(&["--alg", "ES512"]), Kind::Curve(Curve::P521));
        assert_eq!(kind(&["--alg", "ES256K"]), Kind::Curve(Curve::Secp256k1));
        assert_eq!(
            kind(&["--alg", "EdDSA", "--crv", "Ed448"]),
            Kind::Curve(Curve::Ed448)
        );
        assert_eq!(
            kind(&["--alg", "ECDH-ES+A128KW", "--crv", "X25519"]),
            Kind::Curve(Curve::X25519)
        );
        assert_eq!(
            kind(&["--kty", "OKP", "--crv", "X448"]),
            Kind::Curve(Curve::X448)
        );
        assert_eq!(
            kind(&["--kty", "oct", "--size", "512"]),
            Kind::Secret { bytes: 64 }
        );
    }

    #[test]
    fn impossible_combinations_are_usage_errors() {
        for (argv, message) in [
            (
                &["--alg", "ES256", "--crv", "P-384"][..],
                "ES256 cannot use curve P-384; it takes P-256",
            ),
            (
                &["--alg", "RS256", "--size", "1024"][..],
                "--size 1024 is not a usable RSA size: give 2048 to 8192 bits",
            ),
            (
                &["--alg", "A128KW", "--size", "256"][..],
                "--size 256 does not fit A128KW, which needs exactly 128 bits",
            ),
            (
                &["--alg", "HS512", "--size", "256"][..],
                "--size 256 is too small for HS512, which needs at least 512 bits",
            ),
            (
                &["--alg", "RS256", "--enc", "A128GCM"][..],
                "--enc sizes a dir key; RS256 keys do not depend on the content encryption",
            ),
            (
                &["--kty", "EC", "--crv", "Ed25519"][..],
                "curve Ed25519 is not for EC keys; use one of P-256, P-384, P-521, secp256k1",
            ),
            (
                &[][..],
                "keygen needs --alg ALG (e.g. --alg ES256, --alg dir --enc A256GCM) or --kty TYPE",
            ),
        ] {
            let err = spec(argv).unwrap_err();
            assert_eq!(err.to_string(), message);
            assert_eq!(error::exit_code(&err), 2, "{argv:?}");
        }
    }
}
