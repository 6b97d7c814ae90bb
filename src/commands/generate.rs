//! `jwtctl completions` and `jwtctl man`: files generated from the clap definition.
//! The committed `completions/` and `man/` come from here (see scripts/generate-assets).

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::files;

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "jwtctl", &mut buf);
    files::write_stdout(&buf)
}

/// A page without a date, so the committed pages do not change from one day to the next.
fn render(command: clap::Command) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(command)
        .date("")
        .render(&mut buf)
        .context("cannot render the man page")?;
    Ok(buf)
}

pub fn man(args: &ManArgs) -> Result<()> {
    let mut top = Cli::command();
    top.build();
    let Some(dir) = &args.out_dir else {
        return files::write_stdout(&render(top)?);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_page(dir, "jwtctl", top.clone())?;
    write_subpages(dir, "jwtctl", &top)
}

/// A page for every subcommand, and for theirs (`jwtctl-serve-add-user`).
fn write_subpages(dir: &Path, prefix: &str, parent: &clap::Command) -> Result<()> {
    for sub in parent.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix}-{}", sub.get_name());
        write_page(
            dir,
            &name,
            sub.clone().name(name.clone()).bin_name(name.clone()),
        )?;
        write_subpages(dir, &name, sub)?;
    }
    Ok(())
}

fn write_page(dir: &Path, name: &str, command: clap::Command) -> Result<()> {
    let path = dir.join(format!("{name}.1"));
    // Pages are regenerated in place, so existing ones are replaced; never a special file.
    files::write_atomic(&path, &render(command)?, files::Mode::Public, true)
}
