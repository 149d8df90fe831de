//! The committing side of a run: dedups each chunk's events in input order against the key
//! sets of their date partitions (a key held with other content is settled against its stored
//! copy: a duplicate, or a conflict rejected), writes the new events of each date as one
//! Parquet part, and records the chunk's files in the manifest once the parts are in place.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::PathBuf;

use rayon::prelude::*;

use super::plan::OrderedReports;
use super::plausible::Implausible;
use super::read::{KnownFiles, Outcome};
use super::rejects::{RejectLine, RejectsFile};
use super::{FileReport, Progress, EARLIEST_PLAUSIBLE_TIME, FUTURE_SLACK_SECONDS, REJECT_EXAMPLES};
use crate::event::normalize::same_event_content;
use crate::event::row::date_of;
use crate::source::truncate_raw;
use crate::store::batch::{
    content_hash, key_hash, RowBatch, EVENT_COLUMN, EVENT_ID_COLUMN, ORIGIN_COLUMN,
};
use crate::store::{ManifestRecord, Store};
use crate::Result;

/// Dedup keys held in memory between chunks, at most (each takes ~16 to 40 bytes): dates
/// touched again soon, as when an archive is walked region by region, are not read again from
/// the store, and memory stays bounded however large the store grows.
const MAX_HELD_KEYS: usize = 1_500_000;

/// The new events of one date in a chunk, to be written as one Parquet file: rows of the
/// chunk's batches, as `(batch, row)`.
struct DateFile {
    date: String,
    name: String,
    picks: Vec<(usize, usize)>,
}

/// A chunk after dedup: its rows and the files to write from them, then its manifest lines
/// and reports.
pub(super) struct DedupedChunk {
    batches: Vec<RowBatch>,
    files: Vec<DateFile>,
    records: Vec<ManifestRecord>,
    reports: OrderedReports,
}

/// The dedup key hashes of one date, each with the [`content_hash`] of its stored event
/// ([`UNKNOWN_CONTENT`] for keys read from the store, until a new copy needs it). Key hashes are
/// blake3 output already: the map uses their low bits as its hash instead of hashing them again.
type KeySet = HashMap<u128, u64, BuildHasherDefault<PreHashed>>;

/// The content hash of a key read from the store whose event was not read.
const UNKNOWN_CONTENT: u64 = 0;

/// The hasher of [`KeySet`]: the value's own low 64 bits.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u128(&mut self, value: u128) {
        self.0 = value as u64;
    }
}

/// The store date of event times, formatted once per day seen in a row.
#[derive(Default)]
struct DateCache {
    day: Option<i64>,
    date: String,
}

impl DateCache {
    fn date(&mut self, time: i64) -> &str {
        let day = time.div_euclid(86_400);
        if self.day != Some(day) {
            self.day = Some(day);
            self.date = date_of(time);
        }
        &self.date
    }
}

/// What dedup of one chunk gathers: the new rows of each date (as `(batch, row)`), the
/// collisions to settle, and the date of the last time seen.
#[derive(Default)]
struct ChunkDedup {
    by_date: BTreeMap<String, Vec<(usize, usize)>>,
    collisions: Vec<Collision>,
    dates: DateCache,
}

/// Where the results of one file go: its report and manifest record (by index in the chunk's
/// lists), and its path as the manifest records it.
struct FileSlots<'a> {
    report: usize,
    record: Option<usize>,
    file: &'a str,
}

/// A new event whose dedup key is held already with another (or an unknown) content.
struct Collision {
    date: String,
    key: u128,
    /// `(batch, row)` of the new copy in the chunk.
    at: (usize, usize),
    /// The [`content_hash`] of the new copy.
    content: u64,
    /// Its file's report and manifest record (see [`FileSlots`]).
    report: usize,
    record: Option<usize>,
    file: String,
}

/// The rows a chunk stores, by date, and the batches they sit in.
struct Picked<'a> {
    batches: &'a [RowBatch],
    by_date: &'a BTreeMap<String, Vec<(usize, usize)>>,
}

/// The stored copy of an event: its [`content_hash`], its compact JSON (unless every new copy
/// has that hash) and `<file>#<position>`.
struct StoredCopy {
    content: u64,
    event: Option<String>,
    origin: String,
}

/// The reject of a new copy (row `row` of `batch`, read from `file`) that conflicts with the
/// stored copy `first`.
fn conflict_reject(batch: &RowBatch, row: usize, file: &str, first: &StoredCopy) -> RejectLine {
    let origin = batch.text(ORIGIN_COLUMN, row).unwrap_or_default();
    let position = origin
        .strip_prefix(file)
        .and_then(|p| p.strip_prefix('#'))
        .unwrap_or(origin);
    let id = match batch.text(EVENT_ID_COLUMN, row) {
        Some(id) => format!("eventId {id:?}"),
        None => "an event without eventId".to_string(),
    };
    RejectLine {
        position: position.to_string(),
        reason: format!(
            "conflict: {id} already stored with different content (first seen at {})",
            first.origin
        ),
        raw: truncate_raw(batch.text(EVENT_COLUMN, row).unwrap_or_default().as_bytes()),
    }
}

/// The committing side of a run: dedup key sets, Parquet part numbering, rejects file.
pub(super) struct Run {
    store: Store,
    run_id: String,
    /// Event times after this are implausible (the ingest's clock plus a day).
    latest_plausible: i64,
    /// (blake3, size) → path, for files read in this run.
    this_run: HashMap<(String, u64), PathBuf>,
    /// Dedup keys (as [`key_hash`]es) of recently touched date partitions, with the number of
    /// the chunk that last touched each.
    keys: HashMap<String, (KeySet, usize)>,
    /// Chunks deduped so far.
    chunks: usize,
    next_part: usize,
    rejects: RejectsFile,
}

impl Run {
    pub(super) fn new(store: Store, run_id: String, now: i64) -> Run {
        let rejects = RejectsFile::new(store.rejects_path(&run_id));
        Run {
            store,
            run_id,
            latest_plausible: now.saturating_add(FUTURE_SLACK_SECONDS),
            this_run: HashMap::new(),
            keys: HashMap::new(),
            chunks: 0,
            next_part: 0,
            rejects,
        }
    }

    /// Dedups a chunk and writes its new events.
    pub(super) fn prepare_and_write(
        &mut self,
        outcomes: Vec<Outcome>,
        on_progress: &(dyn Fn(&Progress) + Sync),
    ) -> Result<DedupedChunk> {
        let mut deduped = self.prepare(outcomes)?;
        self.write(&mut deduped, on_progress)?;
        Ok(deduped)
    }

    /// Dedups the events of one chunk in input order and groups the new ones by date, ready to
    /// be written; writes the chunk's rejects.
    fn prepare(&mut self, outcomes: Vec<Outcome>) -> Result<DedupedChunk> {
        let (mut batches, mut reports, mut records) = (Vec::new(), Vec::new(), Vec::new());
        let mut chunk = ChunkDedup::default();
        for mut outcome in outcomes {
            if let Some(hash) = &outcome.hash {
                let id = (hash.clone(), outcome.planned.size);
                if outcome.planned.size > 0 {
                    if let Some(first) = self.this_run.get(&id) {
                        outcome.report = FileReport {
                            path: outcome.planned.path.clone(),
                            skipped: Some(format!("same content as {}", first.display())),
                            ..Default::default()
                        };
                        reports.push((outcome.planned.order, outcome.report));
                        continue;
                    }
                }
                self.this_run.insert(id, outcome.planned.path.clone());
            }
            self.rejects
                .write_all(&outcome.planned.absolute, &outcome.rejects)?;
            let slots = FileSlots {
                report: reports.len(),
                record: outcome.hash.as_ref().map(|_| records.len()),
                file: &outcome.planned.absolute,
            };
            let mut implausible = Implausible::default();
            for batch in std::mem::take(&mut outcome.rows) {
                let index = batches.len();
                let report = &mut outcome.report;
                self.dedup_batch(&batch, index, &slots, &mut chunk, report, &mut implausible)?;
                batches.push(batch);
            }
            if let Some(problem) = implausible.problem(slots.file, self.latest_plausible) {
                outcome.report.problems.push(problem);
            }
            if let Some(hash) = &outcome.hash {
                records.push(self.manifest_record(&outcome, hash));
            }
            reports.push((outcome.planned.order, outcome.report));
        }
        let by_date = chunk.by_date;
        let picked = Picked {
            batches: &batches,
            by_date: &by_date,
        };
        self.settle_collisions(chunk.collisions, &picked, &mut reports, &mut records)?;
        self.chunks += 1;
        self.forget_old_keys(MAX_HELD_KEYS);
        let mut files = Vec::with_capacity(by_date.len());
        for (date, picks) in by_date {
            let name = format!("part-{}-{}.parquet", self.run_id, self.next_part);
            self.next_part += 1;
            files.push(DateFile { date, name, picks });
        }
        Ok(DedupedChunk {
            batches,
            files,
            records,
            reports,
        })
    }

    /// Dedups the rows of one batch (number `index` of the chunk) of a file: a new key is
    /// stored, a key held with the same content is a duplicate, a key held with another (or an
    /// unknown) content is a collision, settled once the chunk is read. Implausible times are
    /// noted.
    fn dedup_batch(
        &mut self,
        batch: &RowBatch,
        index: usize,
        slots: &FileSlots,
        chunk: &mut ChunkDedup,
        report: &mut FileReport,
        implausible: &mut Implausible,
    ) -> Result<()> {
        for row in 0..batch.len() {
            let time = batch.time(row);
            if !(EARLIEST_PLAUSIBLE_TIME..=self.latest_plausible).contains(&time) {
                implausible.see(batch, row);
            }
            let date = chunk.dates.date(time);
            match self.keys_of(date)?.entry(batch.key(row)) {
                Entry::Vacant(slot) => {
                    slot.insert(batch.content(row));
                    report.stored += 1;
                    match chunk.by_date.get_mut(date) {
                        Some(picks) => picks.push((index, row)),
                        None => drop(chunk.by_date.insert(date.to_string(), vec![(index, row)])),
                    }
                }
                Entry::Occupied(held) if *held.get() == batch.content(row) => {
                    report.duplicates += 1;
                }
                Entry::Occupied(_) => chunk.collisions.push(Collision {
                    date: date.to_string(),
                    key: batch.key(row),
                    at: (index, row),
                    content: batch.content(row),
                    report: slots.report,
                    record: slots.record,
                    file: slots.file.to_string(),
                }),
            }
        }
        Ok(())
    }

    /// Settles the collisions of a chunk against the stored copy of each key: the same
    /// content ([`same_event_content`]) is a duplicate; different content is a conflict, the
    /// new copy rejected with the place of the stored one.
    fn settle_collisions(
        &mut self,
        collisions: Vec<Collision>,
        picked: &Picked,
        reports: &mut OrderedReports,
        records: &mut [ManifestRecord],
    ) -> Result<()> {
        let mut by_date: BTreeMap<&str, Vec<&Collision>> = BTreeMap::new();
        for collision in &collisions {
            by_date.entry(&collision.date).or_default().push(collision);
        }
        for (date, collisions) in by_date {
            let firsts = self.first_copies(date, &collisions, picked)?;
            for collision in collisions {
                let (batch, row) = collision.at;
                let later = picked.batches[batch]
                    .text(EVENT_COLUMN, row)
                    .unwrap_or_default();
                let report = &mut reports[collision.report].1;
                let record = collision.record.map(|i| &mut records[i]);
                let conflict = match firsts.get(&collision.key) {
                    Some(first) if first.content == collision.content => None,
                    Some(first) => first
                        .event
                        .as_deref()
                        .filter(|stored| !same_event_content(stored, later))
                        .map(|_| first),
                    None => None,
                };
                let conflict = match conflict {
                    Some(first) => first,
                    _ => {
                        report.duplicates += 1;
                        if let Some(record) = record {
                            record.duplicates += 1;
                        }
                        continue;
                    }
                };
                let reject =
                    conflict_reject(&picked.batches[batch], row, &collision.file, conflict);
                report.rejected += 1;
                if report.reject_examples.len() < REJECT_EXAMPLES {
                    let example = format!("{}: {}", reject.position, reject.reason);
                    report.reject_examples.push(example);
                }
                if let Some(record) = record {
                    record.rejects += 1;
                }
                self.rejects.write(&collision.file, &reject)?;
            }
        }
        Ok(())
    }

    /// The stored copy of each key of `collisions` (all of one date): from the rows this chunk
    /// stores, else from the store's files (whose content hashes then fill the date's key set,
    /// so that later copies compare by hash).
    fn first_copies(
        &mut self,
        date: &str,
        collisions: &[&Collision],
        picked: &Picked,
    ) -> Result<HashMap<u128, StoredCopy>> {
        let mut wanted: HashMap<u128, Vec<u64>> = HashMap::new();
        for collision in collisions {
            wanted
                .entry(collision.key)
                .or_default()
                .push(collision.content);
        }
        let mut firsts = HashMap::new();
        for &(batch, row) in picked.by_date.get(date).map_or(&[][..], Vec::as_slice) {
            let key = picked.batches[batch].key(row);
            if wanted.contains_key(&key) && !firsts.contains_key(&key) {
                let text = |column| picked.batches[batch].text(column, row).unwrap_or_default();
                let copy = StoredCopy {
                    content: picked.batches[batch].content(row),
                    event: Some(text(EVENT_COLUMN).to_string()),
                    origin: text(ORIGIN_COLUMN).to_string(),
                };
                firsts.insert(key, copy);
            }
        }
        if firsts.len() == wanted.len() {
            return Ok(firsts);
        }
        let mut held = self.keys.get_mut(date).map(|(keys, _)| keys);
        self.store
            .for_each_stored_event(date, &mut |key, event, origin| {
                let (key, content) = (key_hash(key), content_hash(event));
                if let Some(held) = held.as_mut().and_then(|keys| keys.get_mut(&key)) {
                    if *held == UNKNOWN_CONTENT {
                        *held = content;
                    }
                }
                let Some(new_copies) = wanted.get(&key) else {
                    return;
                };
                if let Entry::Vacant(slot) = firsts.entry(key) {
                    // The text is kept only when a new copy differs: on a rerun, none do.
                    let differs = new_copies.iter().any(|&c| c != content);
                    slot.insert(StoredCopy {
                        content,
                        event: differs.then(|| event.to_string()),
                        origin: origin.to_string(),
                    });
                }
            })?;
        Ok(firsts)
    }

    /// Writes the Parquet files of a prepared chunk, one per date, in parallel, each sorted by
    /// time (ties in input order), to `.tmp/`; then records them in the manifest and renames
    /// them into place. The chunk's rows are released once all are done.
    fn write(
        &mut self,
        deduped: &mut DedupedChunk,
        on_progress: &(dyn Fn(&Progress) + Sync),
    ) -> Result<()> {
        let (store, batches, run) = (&self.store, &deduped.batches, &self.run_id);
        let parts = std::mem::take(&mut deduped.files)
            .into_par_iter()
            .map(|mut file| {
                on_progress(&Progress::Committing {
                    date: file.date.clone(),
                });
                file.picks.sort_by_key(|&(b, r)| batches[b].time(r));
                store.write_part(&file.date, &file.name, run, batches, &file.picks)
            })
            .collect::<Result<Vec<_>>>()?;
        self.store.place_parts(parts)?;
        deduped.batches = Vec::new();
        Ok(())
    }

    /// Records the files of a written chunk in the manifest, and in `known`.
    pub(super) fn finish_chunk(
        &mut self,
        deduped: DedupedChunk,
        known: &mut KnownFiles,
    ) -> Result<OrderedReports> {
        self.rejects.flush()?;
        for record in &deduped.records {
            known.insert((record.blake3.clone(), record.size), record.run.clone());
        }
        self.store.commit_manifest(deduped.records)?;
        Ok(deduped.reports)
    }

    /// The dedup keys of the partition for `date`, loaded from the store unless held already.
    fn keys_of(&mut self, date: &str) -> Result<&mut KeySet> {
        if !self.keys.contains_key(date) {
            let mut keys = KeySet::default();
            self.store.for_each_key(date, &mut |k| {
                keys.insert(key_hash(k), UNKNOWN_CONTENT);
            })?;
            self.keys.insert(date.to_string(), (keys, self.chunks));
        }
        let (keys, used) = self.keys.get_mut(date).expect("inserted above");
        *used = self.chunks;
        Ok(keys)
    }

    /// Drops the key sets of the dates touched longest ago until at most `max` keys are held
    /// (the sets of the chunk just deduped always stay).
    fn forget_old_keys(&mut self, max: usize) {
        let mut held: usize = self.keys.values().map(|(keys, _)| keys.len()).sum();
        while held > max {
            let oldest = self
                .keys
                .iter()
                .filter(|(_, (_, used))| *used + 1 < self.chunks)
                .min_by_key(|(date, (_, used))| (*used, (*date).clone()))
                .map(|(date, _)| date.clone());
            let Some(date) = oldest else {
                break;
            };
            held -= self.keys.remove(&date).map_or(0, |(keys, _)| keys.len());
        }
    }

    fn manifest_record(&self, outcome: &Outcome, hash: &str) -> ManifestRecord {
        let r = &outcome.report;
        ManifestRecord {
            path: outcome.planned.absolute.clone(),
            size: outcome.planned.size,
            blake3: hash.to_string(),
            format: r.format.clone(),
            events_read: r.events_read,
            stored: r.stored,
            duplicates: r.duplicates,
            rejects: r.rejected,
            problems: r.problems.clone(),
            run: self.run_id.clone(),
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// Flushes the rejects file and returns its path if anything was rejected.
    pub(super) fn finish(self) -> Result<Option<PathBuf>> {
        self.rejects.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_sets_touched_longest_ago_are_dropped_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create_or_open(dir.path()).unwrap();
        let mut run = Run::new(store, "r".into(), 0);
        let set = |n: u128| (0..n).map(|k| (k, 1)).collect::<KeySet>();
        for (date, size, used) in [("d1", 10, 1), ("d2", 10, 0), ("d3", 10, 3), ("d4", 50, 4)] {
            run.keys.insert(date.to_string(), (set(size), used));
        }
        run.chunks = 5;
        run.forget_old_keys(70);
        let mut held: Vec<&String> = run.keys.keys().collect();
        held.sort();
        assert_eq!(held, ["d1", "d3", "d4"]);
        run.forget_old_keys(0);
        assert_eq!(
            run.keys.keys().collect::<Vec<_>>(),
            ["d4"],
            "the last chunk's set stays"
        );
    }
}
