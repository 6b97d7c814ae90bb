//! `jwtctl completions` and `jwtctl man`: files generated from the clap definition.
//! The committed `completions/` and `man/` come from here (see scripts/generate-assets).

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::io::files;

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "jwtctl", &mut buf);
    files::write_stdout(&buf)
}

/// A page without a date, so the committed pages do not change from one day to the next.
/// clap's sections, then EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES (`man_extra`).
fn render(command: clap::Command) -> Result<Vec<u8>> {
    let name = command.get_name().to_string();
    let for_synopsis = command.clone();
    let mut buf = Vec::new();
    clap_mangen::Man::new(command)
        .date("")
        .render(&mut buf)
        .context("cannot render the man page")?;
    let page = String::from_utf8(buf).context("the man page is not UTF-8")?;
    let page = super::man_extra::synopsis_placeholders(page, &for_synopsis);
    Ok(super::man_extra::insert(page, &name).into_bytes())
}

pub fn man(args: &ManArgs) -> Result<()> {
    let mut top = Cli::command();
    top.build();
    let Some(dir) = &args.out_dir else {
        return files::write_stdout(&render(top)?);
    };
    let mut pages = vec![("jwtctl".to_string(), top.clone())];
    subpages(&mut pages, "jwtctl", &top);
    // The same rules as every file jwtctl writes (files::write_atomic): atomic, no
    // overwrite without --force, never through a symlink. Every page is checked before
    // the first is written, so a refusal leaves DIR as it was.
    let paths: Vec<_> = pages
        .iter()
        .map(|(name, _)| dir.join(format!("{name}.1")))
        .collect();
    for path in &paths {
        files::check_writable(path, args.force)?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for ((_, command), path) in pages.into_iter().zip(&paths) {
        files::write_atomic(path, &render(command)?, files::Mode::Public, args.force)?;
    }
    Ok(())
}

/// A page for every subcommand, and for theirs (`jwtctl-serve-add-user`).
fn subpages(pages: &mut Vec<(String, clap::Command)>, prefix: &str, parent: &clap::Command) {
    for sub in parent.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix}-{}", sub.get_name());
        pages.push((
            name.clone(),
            sub.clone().name(name.clone()).bin_name(name.clone()),
        ));
        subpages(pages, &name, sub);
    }
}
