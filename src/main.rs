//! The keytrail command line: parse arguments, run the subcommand, map errors to exit codes
//! (0 success, 1 problems found, 2 usage or query error) and print errors with their position.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use unicode_width::UnicodeWidthStr;

use keytrail::render::escape::{visible, visible_lines, visible_path, visible_with_position};
use keytrail::Error;

/// mimalloc: ingest and queries allocate many short-lived strings and large buffers; glibc's
/// allocator returned large blocks to the kernel and faulted them back in on every file.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's option setter (linked in by the `mimalloc` crate).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    /// Linux `prctl(2)` (from the C library).
    #[cfg(target_os = "linux")]
    fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
}

/// `PR_SET_THP_DISABLE` of `prctl(2)`.
#[cfg(target_os = "linux")]
const PR_SET_THP_DISABLE: std::ffi::c_int = 41;

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_e` (libmimalloc-sys builds v3).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Tunes the allocator for the command, before any thread is started.
///
/// Ingest frees and reallocates hundreds of MB per chunk across threads: keeping freed memory
/// mapped (no purge) and in transparent huge pages avoids faulting zeroed pages back in (1M
/// events: 15 s with small pages vs 12 s). Queries decode large Parquet pages once: with huge
/// pages a `detect --baselines` on 1M events peaked at 1.64 GB and took 1.4-2.2 s, with small
/// pages 0.78 GB and 1.2-1.3 s.
fn tune_allocator(command: &cli::Command) {
    // SAFETY: sets process-wide allocator options while only the main thread runs.
    unsafe {
        if matches!(command, cli::Command::Ingest(_)) {
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                mi_option_set(MI_OPTION_PURGE_DELAY, -1);
            }
        } else {
            no_huge_pages();
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc reads its own THP option only at
/// start-up, the kernel flag applies to later faults; a failure only costs memory.
#[cfg(target_os = "linux")]
unsafe fn no_huge_pages() {
    let off: std::ffi::c_ulong = 0;
    unsafe { prctl(PR_SET_THP_DISABLE, 1 as std::ffi::c_ulong, off, off, off) };
}

#[cfg(not(target_os = "linux"))]
unsafe fn no_huge_pages() {}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tune_allocator(&cli.command);
    match run_on_large_stack(cli.command) {
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

/// Stack size of the thread that runs the command. Parsing and planning bound their own
/// recursion (nesting limits with clear errors, long operator chains rebalanced); this is the
/// margin for what recursion remains in sqlparser and polars, so that no query can abort the
/// process with a stack overflow.
const COMMAND_STACK_BYTES: usize = 256 << 20;

/// Runs the command on a thread with a [`COMMAND_STACK_BYTES`] stack.
fn run_on_large_stack(command: cli::Command) -> keytrail::Result<i32> {
    let thread = std::thread::Builder::new()
        .name("keytrail".into())
        .stack_size(COMMAND_STACK_BYTES)
        .spawn(move || commands::run(command))
        .map_err(|e| Error::Other(format!("cannot start the command thread: {e}")))?;
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// An error as shown to the user, every text in its visible form (no control character of a
/// file name, a query or an event reaches the terminal); a query error echoes the query's line
/// with a caret under the offending position.
fn describe(err: &Error) -> String {
    match err {
        Error::Query {
            query,
            position,
            message,
        } => {
            let (line, column, text) = locate(query, *position);
            let (shown, at) = visible_with_position(text, column);
            let caret = format!("{}^", " ".repeat(shown[..at].width()));
            format!(
                "error: {}\n  at line {}, column {}:\n  {shown}\n  {caret}",
                indented(message),
                line + 1,
                column + 1
            )
        }
        Error::Io { path, source } => format!(
            "error: {}: {}",
            visible_path(path),
            indented(&source.to_string())
        ),
        Error::Store { path, message } => {
            format!("error: store {}: {}", visible_path(path), indented(message))
        }
        Error::Damaged {
            path,
            summary,
            lines,
            hint,
        } => {
            let mut text = format!("error: store {}: {}", visible_path(path), visible(summary));
            for line in lines.iter().chain([hint]) {
                text.push_str("\n  ");
                text.push_str(&visible(line));
            }
            text
        }
        other => format!("error: {}", indented(&other.to_string())),
    }
}

/// A message in visible form with every line after the first indented under `error:`, so that
/// a line break inside a message (an engine's or a parser's, which may quote event text) can
/// never start a line of its own that reads like keytrail's (`error:`, `note:`, a table row).
fn indented(message: &str) -> String {
    visible_lines(message).replace('\n', "\n  ")
}

/// The line index, byte column and text of the line holding byte `position` of `query` (a
/// position inside a character counts as that character's start).
fn locate(query: &str, position: usize) -> (usize, usize, &str) {
    let mut position = position.min(query.len());
    while !query.is_char_boundary(position) {
        position -= 1;
    }
    let start = query[..position].rfind('\n').map_or(0, |i| i + 1);
    let end = query[position..]
        .find('\n')
        .map_or(query.len(), |i| position + i);
    let line = query[..position].matches('\n').count();
    (line, position - start, &query[start..end])
}
