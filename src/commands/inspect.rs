//! `jwtctl inspect`: everything a token says, without a key; with one, whether it checks.
//! `--scan` (every token in logs) and `--wordlist` (weak-secret search) live in submodules.

mod wordlist;

use crate::bulk::scan;

use anyhow::Result;

use crate::cli::{GlobalArgs, InspectArgs};
use crate::inspect;
use crate::io::input;
use crate::io::output::{self, Style};
use crate::keys;
use crate::time;

pub fn run(args: &InspectArgs, global: &GlobalArgs) -> Result<()> {
    if let Some(wordlist) = &args.wordlist {
        return wordlist::run(args, global, wordlist);
    }
    if args.scan.is_some() {
        return scan::run(args, global);
    }
    input::one_stdin_user(&[
        ("TOKEN", Some(args.token.as_deref().unwrap_or("-"))),
        ("--key", args.key.as_deref()),
        ("--verify-key", args.verify_key.as_deref()),
    ])?;
    let now = time::now_or(args.now.as_deref())?;
    let max = args.token_input.max_token_size;
    let text = input::token_arg(args.token.as_deref(), max, true)?;
    let parsed = crate::jose::json::parse_any(&text, max)?;
    let load = keys::LoadOptions {
        allow_url: true,
        ..args.key_input.load_options()
    };
    let keys = keys::load_optional(args.key.as_deref(), &load)?;
    let inner_keys = keys::load_optional(args.verify_key.as_deref(), &load)?;
    let report = inspect::report::report_any(&parsed, now, keys.as_ref(), inner_keys.as_ref())?;
    if global.json {
        return output::print_json(&report);
    }
    let style = Style::for_stdout(global.color);
    crate::io::files::write_stdout(inspect::render(&report, &style).as_bytes())
}
