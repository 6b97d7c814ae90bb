//! jwtctl: a command-line toolkit for JSON Web Tokens.

#![forbid(unsafe_code)]

mod bulk;
mod cli;
mod commands;
mod error;
mod inspect;
mod io;
mod jose;
mod keys;
mod login;
mod serve;
#[cfg(test)]
mod testing;
mod time;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use io::{output, sanitize};

/// Parses the command line. The clap tree is leaked rather than dropped: freeing it node by
/// node costs more than a third of parsing, and the process is about to use its result and exit.
fn parse() -> Result<cli::Cli, clap::Error> {
    let command = Box::leak(Box::new(cli::Cli::command()));
    let matches = Box::leak(Box::new(
        command.try_get_matches_from_mut(std::env::args_os())?,
    ));
    cli::Cli::from_arg_matches_mut(matches)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version: print as clap formats them, exit 0.
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err)
            if err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            // `jwtctl` alone: the help, on stderr, as a usage error.
            let _ = err.print();
            return ExitCode::from(2);
        }
        Err(err) => {
            // One line, as every other error (clap's own is several).
            let text = err.render().to_string();
            // The first paragraph, folded: it names the flag (and, for a missing one, which).
            let paragraph = text
                .split("\n\n")
                .next()
                .unwrap_or("error: invalid arguments");
            let first = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            // clap quotes what was typed (a pasted token may carry terminal controls).
            let first = sanitize::for_terminal(&first);
            match text
                .lines()
                .find_map(|l| l.trim_start().strip_prefix("tip: "))
            {
                Some(tip) => {
                    output::write_stderr(&format!("{first} ({})\n", sanitize::for_terminal(tip)))
                }
                None => output::write_stderr(&format!("{first}\n")),
            }
            return ExitCode::from(2);
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::write_stderr(&format!("error: {}\n", error::one_line(&err)));
            ExitCode::from(error::exit_code(&err))
        }
    }
}
