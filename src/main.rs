//! The keytrail command line: parse arguments, run the subcommand, map errors to exit codes
//! (0 success, 1 problems found, 2 usage or query error) and print errors with their position.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use unicode_width::UnicodeWidthStr;

use keytrail::render::escape::{visible, visible_lines, visible_path, visible_with_position};
use keytrail::Error;

/// jemalloc (the allocator Python polars ships on Linux). Against mimalloc v3 (used until
/// session 9; README "Performance", "The allocator", two interleaved rounds): peak RSS on the
/// 30M-event store of `kms keys` 166 -> 106-108 MB and of the SQL aggregate 113-120 -> 80-81,
/// `detect` within 8% on 3M and 30M (20-78 MB more on 1M), `query --format ndjson` 25-45% less
/// CPU, the other reads alike; ingest alike in time (CPU within 6%), 377-405 -> 288-309 MB.
/// mimalloc keeps 64-512 KiB blocks (decoded columns of a row group) in 4 MiB pages that stay
/// resident while any block in them lives; jemalloc gives such blocks extents of their own.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Tunes the allocator for the command, before any thread is started.
///
/// Ingest keeps jemalloc's defaults: freed memory stays mapped for up to 10 s (blocks of 8 MiB
/// or more go back at once, from jemalloc's huge arena), which suits its chunks of hundreds of
/// MB freed and reallocated across threads (100 ms cost it 10% CPU). Reads return
/// freed memory after [`READ_DIRTY_DECAY_MS`] and never use transparent huge pages: with huge
/// pages a `detect --baselines` on 1M events peaked at 1.64 GB and took 1.4-2.2 s, with small
/// pages 0.78 GB and 1.2-1.3 s.
fn tune_allocator(command: &cli::Command) {
    if matches!(command, cli::Command::Ingest(_)) {
        return;
    }
    no_huge_pages();
    let conf = std::env::var("_RJEM_MALLOC_CONF").unwrap_or_default();
    if !conf.contains("dirty_decay_ms") {
        set_dirty_decay(READ_DIRTY_DECAY_MS);
    }
}

/// How long freed memory stays mapped before jemalloc returns it to the kernel, for every
/// command but ingest (jemalloc's default is 10 s). Reads decode each part file into fresh
/// buffers and free them soon after; kept for seconds, the 30M-event store's decoded files pile
/// up (`detect` 613 MB on 30M with the default, 339 MB with 100 ms; `kms keys` 113 -> 101 MB).
/// 0 ms saves another 10-25 MB and costs `kms keys` 66% more CPU on 30M (system time).
/// `_RJEM_MALLOC_CONF` with a `dirty_decay_ms` of its own overrides it.
const READ_DIRTY_DECAY_MS: isize = 100;

#[cfg(target_env = "msvc")]
fn set_dirty_decay(_ms: isize) {}

/// Sets the dirty-page decay time of the arena in use (arena 0: no other thread has allocated
/// yet) and of every arena made later; a failure only costs memory, so it is not reported.
#[cfg(not(target_env = "msvc"))]
fn set_dirty_decay(ms: isize) {
    for name in [&b"arena.0.dirty_decay_ms\0"[..], b"arenas.dirty_decay_ms\0"] {
        // SAFETY: both names are NUL-terminated jemalloc controls of type `ssize_t` (jemalloc's
        // manual, "arena.<i>.dirty_decay_ms" and "arenas.dirty_decay_ms"), which `isize` is on
        // every platform Rust supports; the value is copied in, no pointer is kept.
        let _ = unsafe { tikv_jemalloc_ctl::raw::write(name, ms) };
    }
}

/// Turns transparent huge pages off for this process (the kernel flag applies to later faults,
/// whatever the allocator asks); a failure only costs memory, so the result is not checked.
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

    /// Reads the decay time back from arena 0 (the main thread's, set before the binary starts
    /// any other thread) and from the default that arenas made later start with.
    #[cfg(not(target_env = "msvc"))]
    #[test]
    fn the_read_decay_reaches_the_arenas() {
        set_dirty_decay(READ_DIRTY_DECAY_MS);
        for name in [&b"arena.0.dirty_decay_ms\0"[..], b"arenas.dirty_decay_ms\0"] {
            // SAFETY: as in `set_dirty_decay`; reading a control writes nothing.
            let ms: isize = unsafe { tikv_jemalloc_ctl::raw::read(name) }.unwrap();
            assert_eq!(ms, READ_DIRTY_DECAY_MS);
        }
    }
}
