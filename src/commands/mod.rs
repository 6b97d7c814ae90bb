//! One module per command; `run` hands the parsed arguments to the right one.

mod decrypt;
mod generate;
mod inspect;
mod issue;
mod keygen;
mod login;
mod man_extra;
mod verify;

use anyhow::Result;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Keygen(args) => keygen::run(&args, &cli.global),
        Command::Issue(args) => issue::run(&args, &cli.global),
        Command::Inspect(args) => inspect::run(&args, &cli.global),
        Command::Verify(args) => verify::run(&args, &cli.global),
        Command::Decrypt(args) => decrypt::run(&args, &cli.global),
        Command::Login(args) => login::run(&args, &cli.global),
        Command::Serve(args) => crate::serve::run(&args, &cli.global),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args),
    }
}
