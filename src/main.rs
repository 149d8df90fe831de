//! The keytrail command line: parse arguments, run the subcommand, map errors to exit codes
//! (0 success, 1 problems found, 2 usage or query error) and print errors with their position.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use keytrail::Error;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => ExitCode::from(code as u8),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}", describe(&err));
            ExitCode::from(2)
        }
    }
}

/// An error as shown to the user; a query error echoes the query with a caret under the
/// offending position.
fn describe(err: &Error) -> String {
    match err {
        Error::Query {
            query,
            position,
            message,
        } => {
            let (line, column, text) = locate(query, *position);
            let caret = format!("{}^", " ".repeat(text[..column].chars().count()));
            format!(
                "error: {message}\n  at line {}, column {}:\n  {text}\n  {caret}",
                line + 1,
                column + 1
            )
        }
        other => format!("error: {other}"),
    }
}

/// The line index, byte column and text of the line holding byte `position` of `query`.
fn locate(query: &str, position: usize) -> (usize, usize, &str) {
    let position = position.min(query.len());
    let start = query[..position].rfind('\n').map_or(0, |i| i + 1);
    let end = query[position..]
        .find('\n')
        .map_or(query.len(), |i| position + i);
    let line = query[..position].matches('\n').count();
    (line, position - start, &query[start..end])
}
