//! jwtctl: a command-line toolkit for JSON Web Tokens.

mod alg;
mod cli;
mod commands;
mod error;
mod files;
mod findings;
mod gate;
mod input;
mod jose;
mod keyconv;
mod keys;
mod mint;
mod output;
mod time;
mod token;
mod trust;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error::one_line(&err));
            ExitCode::from(error::exit_code(&err))
        }
    }
}
