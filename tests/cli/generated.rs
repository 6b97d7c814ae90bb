//! The committed completions/ and man/ must be what the current CLI definition generates.
//! Regenerate them with `scripts/generate-assets`.

use crate::common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn completions_are_up_to_date() {
    for (shell, file) in [
        ("bash", "jwtctl.bash"),
        ("zsh", "_jwtctl"),
        ("fish", "jwtctl.fish"),
        ("elvish", "jwtctl.elv"),
        ("powershell", "_jwtctl.ps1"),
    ] {
        let generated = stdout_of(jwtctl().args(["completions", shell]));
        let committed =
            std::fs::read_to_string(root().join("completions").join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is stale: run scripts/generate-assets"
        );
    }
}

#[test]
fn man_pages_are_up_to_date_and_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    jwtctl()
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success();
    let names = |d: &Path| -> BTreeSet<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".1"))
            .collect()
    };
    let generated = names(dir.path());
    assert_eq!(
        generated,
        names(&root().join("man")),
        "man/ has other pages than generated: run scripts/generate-assets"
    );
    for name in &generated {
        let fresh = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let committed = std::fs::read_to_string(root().join("man").join(name)).unwrap();
        assert!(
            fresh == committed,
            "man/{name} is stale: run scripts/generate-assets"
        );
    }
    assert!(generated.contains("jwtctl.1"));
    assert!(generated.contains("jwtctl-keygen.1"));
    // No date, so the pages are the same tomorrow: each .TH line is exactly what clap_mangen
    // writes without one (title, section, name and version), whatever the version says.
    for name in &generated {
        let page = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let th = page.lines().find(|l| l.starts_with(".TH")).unwrap();
        let title = name.strip_suffix(".1").unwrap();
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            th,
            format!(".TH {title} 1  \"{title} {version}\" "),
            "{name}"
        );
    }
}
