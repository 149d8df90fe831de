//! Repairs a damaged store (`keytrail verify --repair`) and records the parts of a store whose
//! manifest records none (`--adopt`). Nothing is deleted: files taken out of `events/` and
//! manifest lines taken out of `manifest.jsonl` are kept under `quarantine/<repair>/`.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::check::Damage;
use super::manifest::{self, Line, PartRecord};
use super::{parquet, Store, MANIFEST, QUARANTINE, TMP};
use crate::{Error, Result};

/// What a repair did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repair {
    /// The directory the repair kept what it took out in (created only if it took anything).
    pub quarantine: PathBuf,
    /// Entries moved from `events/` into the quarantine, by path under the store root.
    pub moved: Vec<String>,
    /// Manifest lines taken out (part lines of damaged parts, source lines of their sources).
    pub dropped_lines: usize,
    /// The source files to ingest again to restore the events of the damaged parts, sorted.
    pub reingest: Vec<String>,
}

/// Repairs `damage` in `store` (opened with [`Store::open_for_repair`]): unknown entries and
/// damaged parts are moved into `quarantine/<id>/`, the manifest loses the lines of damaged
/// and missing parts and the source lines of every source file they hold events of, so that
/// `keytrail ingest` of those files stores their lost events again (the events they hold in
/// other, sound parts count as duplicates). A second record of a part is dropped.
pub fn repair(store: &Store, damage: &[Damage]) -> Result<Repair> {
    let root = store.root();
    let id = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let quarantine = root.join(QUARANTINE).join(id);
    let mut repair = Repair {
        quarantine: quarantine.clone(),
        ..Default::default()
    };
    let (mut drop_parts, mut drop_sources) = (HashSet::new(), BTreeSet::new());
    let mut twice = HashSet::new();
    for d in damage {
        match d {
            Damage::Unknown { path, file, .. } => {
                move_into(&quarantine, path, file)?;
                repair.moved.push(path.clone());
            }
            Damage::RecordedTwice { part } => {
                twice.insert(part.path.clone());
            }
            Damage::Missing { part } | Damage::BadRecord { part } => {
                drop_parts.insert(part.path.clone());
                drop_sources.extend(part.sources.iter().cloned());
            }
            other => {
                let part = other.part().expect("a part damage");
                let file = root.join(&part.path);
                if fs::symlink_metadata(&file).is_ok() {
                    move_into(&quarantine, &part.path, &file)?;
                    repair.moved.push(part.path.clone());
                }
                drop_parts.insert(part.path.clone());
                drop_sources.extend(part.sources.iter().cloned());
            }
        }
    }
    let mut seen = HashSet::new();
    let mut drop_line = |line: &Line| match line {
        Line::Part(p) if drop_parts.contains(&p.path) => true,
        Line::Part(p) => twice.contains(&p.path) && !seen.insert(p.path.clone()),
        Line::Source(s) => drop_sources.contains(&s.path),
        Line::Index(i) => drop_parts.contains(&i.part),
    };
    if !drop_parts.is_empty() || !twice.is_empty() {
        fs::create_dir_all(&quarantine).map_err(|e| Error::io(&quarantine, e))?;
        repair.dropped_lines = manifest::rewrite(
            &root.join(MANIFEST),
            &root.join(TMP).join("manifest.jsonl.new"),
            &quarantine.join("manifest-removed.jsonl"),
            &mut drop_line,
        )?;
    }
    repair.reingest = drop_sources.into_iter().collect();
    Ok(repair)
}

/// Moves `file` (at `path` under the store root) to the same path under `quarantine`.
fn move_into(quarantine: &Path, path: &str, file: &Path) -> Result<()> {
    let target = quarantine.join(path);
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    fs::rename(file, &target).map_err(|e| Error::io(file, e))
}

/// Records in the manifest every part of `store` (opened with [`Store::open_for_repair`]),
/// whose manifest must record no part yet: each file is hashed, its row count read from its
/// footer and its source files from its `keytrail.origin` column. Returns the records.
pub fn adopt(store: &Store) -> Result<Vec<PartRecord>> {
    if !store.part_records().is_empty() {
        return Err(Error::Usage(format!(
            "--adopt records the parts of a store whose manifest records none; the manifest of \
             {} records {} (use --repair to fix damage)",
            store.root().display(),
            store.part_records().len()
        )));
    }
    let mut records = Vec::new();
    for part in store.parts() {
        let written = parquet::hash_file(&part.file)?;
        let rows = parquet::row_count(&part.file)?;
        let name = part.record.name();
        let run = name
            .strip_prefix("part-")
            .and_then(|rest| rest.strip_suffix(".parquet"))
            .and_then(|rest| rest.rsplit_once('-'))
            .map_or("adopted", |(run, _)| run);
        records.push(PartRecord {
            path: part.record.path.clone(),
            rows,
            bytes: written.bytes,
            blake3: written.blake3,
            run: run.to_string(),
            sources: parquet::sources(&part.file)?,
        });
    }
    let lines: Vec<Line> = records.iter().cloned().map(Line::Part).collect();
    manifest::append(&store.root().join(MANIFEST), &lines)?;
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::normalize::{normalize, Envelope};
    use crate::event::row::Row;
    use crate::store::batch::RowBatch;
    use crate::store::ManifestRecord;
    use serde_json::json;

    fn row(id: &str, time: &str, file: &str) -> Row<'static> {
        let ev = json!({"eventId": id, "eventName": "Decrypt", "eventTime": time});
        let envelope = Envelope {
            origin: format!("{file}#line 1"),
            ..Default::default()
        };
        normalize(ev.to_string().as_bytes(), &envelope, &mut Vec::new())
            .unwrap()
            .into_owned()
    }

    fn source(path: &str) -> ManifestRecord {
        ManifestRecord {
            path: path.into(),
            size: 1,
            blake3: path.into(),
            format: "ndjson".into(),
            events_read: 1,
            stored: 1,
            duplicates: 0,
            rejects: 0,
            problems: vec![],
            run: "r".into(),
            time: "2024-01-01T00:00:00Z".into(),
        }
    }

    /// A store with part A (2024-03-01, from /f1) and part B (2024-03-02, from /f1 and /f2),
    /// and source lines for /f1, /f2 and /f3.
    fn store(dir: &Path) -> Store {
        let mut store = Store::open_for_repair(dir).unwrap();
        let (a, b, c) = (
            row("A", "2024-03-01T01:00:00Z", "/f1"),
            row("B", "2024-03-02T01:00:00Z", "/f1"),
            row("C", "2024-03-02T02:00:00Z", "/f2"),
        );
        let first = RowBatch::of_rows([&a]);
        let part_a = store
            .write_part("2024-03-01", "part-r-0.parquet", "r", &first, &[(0, 0)])
            .unwrap();
        let mut second = RowBatch::of_rows([&b]);
        second.extend(RowBatch::of_rows([&c]));
        let part_b = store
            .write_part(
                "2024-03-02",
                "part-r-1.parquet",
                "r",
                &second,
                &[(0, 0), (1, 0)],
            )
            .unwrap();
        assert_eq!(part_b.part.sources, ["/f1", "/f2"]);
        store.place_parts(vec![part_a, part_b]).unwrap();
        store
            .commit_manifest(vec![source("/f1"), source("/f2"), source("/f3")])
            .unwrap();
        store
    }

    #[test]
    fn repair_quarantines_forgets_the_sources_of_a_lost_part_and_lists_them() {
        let dir = tempfile::tempdir().unwrap();
        drop(store(dir.path()));
        fs::remove_file(dir.path().join("events/date=2024-03-01/part-r-0.parquet")).unwrap();
        fs::write(dir.path().join("events/date=2024-03-02/x.parquet"), b"x").unwrap();
        let damage = Store::open(dir.path()).unwrap().damage().to_vec();
        assert_eq!(damage.len(), 2);
        let store = Store::open_for_repair(dir.path()).unwrap();
        let done = repair(&store, &damage).unwrap();
        drop(store);
        assert_eq!(done.moved, ["events/date=2024-03-02/x.parquet"]);
        // The lost part's line, its token index's line and its source's line.
        assert_eq!(
            (done.dropped_lines, done.reingest.clone()),
            (3, vec!["/f1".to_string()])
        );
        assert!(done
            .quarantine
            .join("events/date=2024-03-02/x.parquet")
            .is_file());
        let removed = fs::read_to_string(done.quarantine.join("manifest-removed.jsonl")).unwrap();
        assert_eq!(removed.lines().count(), 3);
        let after = Store::open(dir.path()).unwrap();
        assert!(after.damage().is_empty(), "{:?}", after.damage());
        let sources: Vec<&str> = after.manifest().iter().map(|s| s.path.as_str()).collect();
        assert_eq!(sources, ["/f2", "/f3"]);
        assert_eq!(after.part_records().len(), 1);
        assert_eq!(
            after.event_count().unwrap(),
            2,
            "part B still holds /f1's other event"
        );
    }

    #[test]
    fn adopt_records_the_parts_of_a_store_without_part_records() {
        let dir = tempfile::tempdir().unwrap();
        let recorded = store(dir.path()).part_records().to_vec();
        let path = dir.path().join(MANIFEST);
        let text = fs::read_to_string(&path).unwrap();
        let legacy: String = text
            .lines()
            .filter(|l| !l.contains("\"kind\":\"part\""))
            .map(|l| format!("{}\n", l.replace("{\"kind\":\"source\",", "{")))
            .collect();
        fs::write(&path, legacy).unwrap();
        let store = Store::open_for_repair(dir.path()).unwrap();
        assert!(store.is_legacy());
        assert_eq!(adopt(&store).unwrap(), recorded);
        drop(store);
        let store = Store::open_for_repair(dir.path()).unwrap();
        assert!(!store.is_legacy() && store.damage().is_empty());
        assert!(adopt(&store).unwrap_err().to_string().contains("records 2"));
    }
}
