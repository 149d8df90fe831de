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

/// `mi_option_purge_delay` of mimalloc v3, the version `libmimalloc-sys` builds: the 16th entry
/// of `mi_option_e` (`c_src/mimalloc/v3/include/mimalloc.h`, line 455 in libmimalloc-sys
/// 0.1.49). The crate names the option after it (`mi_option_use_numa_nodes` = 16) but not this
/// one; `tests::purge_delay_is_option_15` checks it against the linked library.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tunes the allocator for the command, before any thread is started.
///
/// Ingest frees and reallocates hundreds of MB per chunk across threads: keeping freed memory
/// mapped (no purge) and in transparent huge pages avoids faulting zeroed pages back in (1M
/// events: 15 s with small pages vs 12 s). Queries decode large Parquet pages once: with huge
/// pages a `detect --baselines` on 1M events peaked at 1.64 GB and took 1.4-2.2 s, with small
/// pages 0.78 GB and 1.2-1.3 s.
fn tune_allocator(command: &cli::Command) {
    if matches!(command, cli::Command::Ingest(_)) {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: `libmimalloc_sys` declares `mi_option_set` as mimalloc.h does
            // (`void mi_option_set(mi_option_t option, long value)`), the option is an index of
            // `mi_option_e` (see `MI_OPTION_PURGE_DELAY`) and -1 a documented value ("no
            // purging at all"); the function is not thread safe, and no other thread runs yet.
            unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
        }
    } else {
        no_huge_pages();
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: as above; `READ_PURGE_DELAY_MS` is a delay in milliseconds.
            unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, READ_PURGE_DELAY_MS) };
        }
    }
}

/// How long freed memory stays mapped before mimalloc returns it to the kernel, for every
/// command but ingest (mimalloc's default is 1000 ms). Reads decode each part file into fresh
/// buffers and free them soon after; in the second they were kept, a 30M-event store (files of
/// 8k events) piled up 2-3x the live memory (`detect` 611 MB, 239 MB with 0 ms; `query ndjson`
/// 706 MB). 10 ms keeps most of that gain (`detect` 248-261 MB on 1M events, `query ndjson`
/// 236-243 MB) at less CPU than 0 ms, which faults every page in again.
const READ_PURGE_DELAY_MS: std::os::raw::c_long = 10;

/// Turns transparent huge pages off for this process. mimalloc reads its own THP option only at
/// start-up, the kernel flag applies to later faults; a failure only costs memory, so the
/// result is not checked.
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
    // SAFETY: `libc::prctl` is declared `prctl(option: c_int, ...) -> c_int` as in glibc;
    // `PR_SET_THP_DISABLE` reads its second argument as an `unsigned long` flag and wants the
    // other three zero, so every variadic argument is passed as a full `c_ulong`. No pointer is
    // passed: the call reads and writes no memory of this process.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused) };
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

/// Sizes the query engine's thread pools (polars' and rayon's global one) before their first
/// use: polars reads `POLARS_MAX_THREADS` once, when its pool starts.
fn set_threads(threads: usize) {
    // SAFETY (edition 2021: `set_var` is safe to call but racy with other threads reading the
    // environment): no other thread runs yet.
    std::env::set_var("POLARS_MAX_THREADS", threads.to_string());
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tune_allocator(&cli.command);
    if let Some(threads) = cli.command.limit_args().and_then(|r| r.threads) {
        set_threads(usize::from(threads));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The option index is the one mimalloc v3 gives `mi_option_purge_delay`: just before the
    /// option the crate names next, and holding purge_delay's default of this build (1000 ms,
    /// `c_src/mimalloc/v3/src/options.c` line 140; no other option defaults to it) unless the
    /// environment set it.
    #[test]
    fn purge_delay_is_option_15() {
        assert_eq!(
            libmimalloc_sys::mi_option_use_numa_nodes - 1,
            MI_OPTION_PURGE_DELAY
        );
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: declared as in mimalloc.h (`long mi_option_get(mi_option_t option)`), an
            // index of `mi_option_e`; reading an option writes nothing.
            let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(delay, 1000);
        }
    }
}
