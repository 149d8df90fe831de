//! `keytrail verify`: checks every part file of a store against its manifest (content hash,
//! size, footer row count, names), prints the differences, and on request repairs the store or
//! records the parts of a store made before part records.

use std::io::{self, Write};

use keytrail::render::escape::{visible, visible_path};
use keytrail::store::check::{self, Damage};
use keytrail::store::repair::{self, Repair};
use keytrail::store::Store;
use keytrail::Result;

use super::io_err;
use crate::cli::VerifyArgs;

/// Runs `keytrail verify`: exit 0 when every file matches the manifest, 1 on any difference
/// (also when `--repair` fixed it: the lost events still have to be ingested again).
pub fn run(args: VerifyArgs) -> Result<i32> {
    let root = args.store.as_path();
    let mut out = io::stdout().lock();
    if args.adopt {
        let store = Store::open_for_repair(root)?;
        let adopted = repair::adopt(&store)?;
        let rows: u64 = adopted.iter().map(|p| p.rows).sum();
        writeln!(
            out,
            "recorded {} part files ({rows} events) in the manifest of {}",
            adopted.len(),
            visible_path(root)
        )
        .map_err(io_err)?;
    }
    // A repair holds the writer's lock from the check on, so no ingest changes what it checks.
    let store = match args.repair {
        true => Store::open_for_repair(root)?,
        false => Store::open(root)?,
    };
    let damage = check::deep(store.parts(), store.damage().to_vec())?;
    report(&store, &damage, &mut out).map_err(io_err)?;
    if store.is_legacy() {
        return Ok(1);
    }
    let indexes = keytrail::index::verify::check(&store)?;
    report_indexes(&indexes, &mut out).map_err(io_err)?;
    let bad_index = !indexes.problems.is_empty();
    if !args.repair || damage.is_empty() {
        return Ok(if damage.is_empty() && !bad_index {
            0
        } else {
            1
        });
    }
    let done = repair::repair(&store, &damage)?;
    report_repair(&store, &done, &mut out).map_err(io_err)?;
    Ok(1)
}

/// Prints what the check found.
fn report(store: &Store, damage: &[Damage], out: &mut impl Write) -> io::Result<()> {
    let root = visible_path(store.root());
    if store.is_legacy() {
        return writeln!(
            out,
            "store {root}: its manifest records no part files (written by an older keytrail): \
             {} part files unchecked; run `keytrail verify {root} --adopt` to record them",
            store.parts().len()
        );
    }
    let parts = store.part_records();
    let rows: u64 = parts.iter().map(|p| p.rows).sum();
    let summary = format!(
        "store {root}: {} parts, {rows} events, {} source files",
        parts.len(),
        store.manifest().len()
    );
    let pending = store.pending().len();
    if pending > 0 {
        writeln!(
            out,
            "note: {pending} recorded parts are still in .tmp/ with their source files not yet \
             recorded (an ingest is writing, or was killed: the next ingest places them)"
        )?;
    }
    if damage.is_empty() {
        return writeln!(out, "{summary}: every part matches the manifest");
    }
    let count = damage.len();
    let noun = if count == 1 {
        "difference"
    } else {
        "differences"
    };
    writeln!(out, "{summary}: {count} {noun} from the manifest:")?;
    for d in damage {
        writeln!(out, "  {}", visible(&d.to_string()))?;
    }
    writeln!(
        out,
        "run `keytrail verify {root} --repair` to quarantine damaged and unknown files and list \
         the source files to ingest again"
    )
}

/// Prints the bad or unknown token index files, if any, after how many parts have a sound
/// index; nothing when every index is sound (so `verify`'s report of a store is as before).
fn report_indexes(
    check: &keytrail::index::verify::IndexCheck,
    out: &mut impl Write,
) -> io::Result<()> {
    let count = check.problems.len();
    if count == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "token indexes: {} of {} parts indexed{}",
        check.indexed,
        check.parts,
        match count {
            1 => "; 1 index problem:".into(),
            n => format!("; {n} index problems:"),
        }
    )?;
    for problem in &check.problems {
        writeln!(out, "  {}", visible(problem))?;
    }
    Ok(())
}

/// Prints what the repair did and what to ingest again.
fn report_repair(store: &Store, repair: &Repair, out: &mut impl Write) -> io::Result<()> {
    let root = store.root();
    let quarantine = repair
        .quarantine
        .strip_prefix(root)
        .unwrap_or(&repair.quarantine);
    let quarantine = visible_path(quarantine);
    writeln!(out, "repaired store {}:", visible_path(root))?;
    for moved in &repair.moved {
        let moved = visible(moved);
        writeln!(out, "  moved {moved} to {quarantine}/{moved}")?;
    }
    if repair.dropped_lines > 0 {
        writeln!(
            out,
            "  removed {} manifest lines (kept in {quarantine}/manifest-removed.jsonl)",
            repair.dropped_lines
        )?;
    }
    if repair.reingest.is_empty() {
        return writeln!(out, "no events were lost: nothing to ingest again");
    }
    writeln!(
        out,
        "ingest these source files again to restore the lost events (the same `keytrail ingest` \
         command does: files still recorded are skipped):"
    )?;
    for source in &repair.reingest {
        writeln!(out, "  {}", visible(source))?;
    }
    Ok(())
}
