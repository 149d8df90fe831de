//! Synthetic, deterministic ActionTrail archives in the OSS layout, for tests and benchmarks.
//!
//! [`write_sample`] writes `<out>/AliyunLogs/Actiontrail/<region>/YYYY/MM/DD/` files named
//! `Actiontrail_<region>_<YYYYMMDDHHMMSS>_1002_<count>_<size>_<md5>.gz`, each a gzip of ONE
//! JSON array of events sorted by time. In the name, `count` is the number of events, `size`
//! the uncompressed byte length and `md5` the MD5 of the uncompressed JSON; the timestamp is
//! the delivery time (a minute after the file's last possible event), whose UTC date is the
//! folder. The same options (seed included) give byte-identical files.
//!
//! # What is in an archive
//! One account (`1583947294821056`), seven regions (cn-hangzhou busiest), services Kms, Ecs,
//! Oss, Sts, Ram, Ims, Actiontrail and console sign-ins (AasSub). Identities are stable:
//! `root` (console), ram-users `alice` (KMS admin), `bob` (developer, never manages keys),
//! `carol` (auditor, console), `ci-deployer` (Terraform), `legacy-batch`; assumed roles
//! `app-server-role:<instance>` (two sessions) and `etl-role:etl-nightly`; `system` callers
//! `oss.aliyuncs.com`, `ecs.aliyuncs.com`, `actiontrail.aliyuncs.com`. Sources are IPv4, IPv6,
//! `Internal`, private 192.168 addresses (with a `vpcId`) and service hosts.
//!
//! Twelve KMS keys: `key-hzz6…`-style ids, two legacy UUID ids, and the prefix trap
//! `key-abc123` / `key-abc1234`. Crypto traffic (about half of all events) follows the daily
//! rhythm: `Decrypt` names its key only in `responseElements.KeyId`; `Encrypt` and
//! `GenerateDataKey` in `requestParameters.KeyId` (mostly the id, 20 % the alias where the key
//! has one, 10 % the ARN) and in `resourceType`/`resourceName` (`ACS::KMS::Key`). `CreateKey`
//! names the new key only in `responseElements.KeyMetadata.KeyId`. `eventVersion` is `1` or
//! `"1"`; a quarter of the events also carry `requestParameterJson`.
//!
//! The quiet story (always present), by `alice` from `203.0.113.21`, at fractions of the span:
//! 2 % CreateKey `key-abc1234` + CreateAlias `alias/billing-next`; 4 % SetDeletionProtection on
//! `key-hzz62f1cb66fa42qo8xk1`; 6 % CreateKey `key-hzz6b8e2d4f6a1c3wx5pq` + CreateAlias
//! `alias/billing` + UpdateRotationPolicy; 15 % UpdateRotationPolicy on the OSS key; 20 %/24 %
//! DisableKey/EnableKey on the UUID key `7d2c1e4b-…`; 30 % ScheduleKeyDeletion (30 days), 33 %
//! CancelKeyDeletion + EnableKey on `key-shh6d1c3e5a7b9f2mn4kt`; 38 % DisableKey, 40 %
//! ScheduleKeyDeletion (7 days) on `key-sgp6a2b4c6d8e0f1gh3jk`, then three Encrypt retries
//! failing with `Forbidden.KeyNotFound`; 55 % UpdateAlias `alias/billing-next`. Two ordinary
//! `Forbidden.NoPermission` calls a day by usual people from usual addresses. No burst, no
//! spike, no key management by anyone but `alice`.
//!
//! # Incidents (`incidents: true`, needs at least 18 days)
//! Times are relative to `start` (day 0 = the first day):
//! 1. **Decrypt spike** — day 15, 18:00–19:00 UTC: `etl-role:etl-nightly` from its usual
//!    `192.168.10.41` calls Decrypt on [`INCIDENT_SPIKE_KEY`] (`alias/etl-backup`) 25 times its
//!    expected mean hourly rate (at least 60 calls), after 15 days of steady low use.
//! 2. **Burst of denied calls** — day 16 from 14:02 UTC: [`INCIDENT_BURST_CALLS`] (8) calls with
//!    `ci-deployer`'s AccessKey from the never-seen [`INCIDENT_BURST_IP`] (`198.18.0.77`), about
//!    3 minutes apart (within 25 minutes), all `Forbidden.NoPermission`.
//! 3. **Unusual key deletion** — day 17 03:17:42 UTC: `bob`, who never manages keys, from the
//!    never-seen [`INCIDENT_DELETION_IP`] (`192.0.2.147`), calls ScheduleKeyDeletion
//!    (PendingWindowInDays 7) on [`INCIDENT_DELETION_KEY`]; the key is unused afterwards.

mod activity;
mod catalog;
mod event;
mod json;
mod plan;
mod rng;
mod story;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use rayon::prelude::*;

pub use catalog::ACCOUNT_ID;
pub use story::{
    INCIDENT_BURST_AT, INCIDENT_BURST_CALLS, INCIDENT_BURST_IP, INCIDENT_DELETION_AT,
    INCIDENT_DELETION_IP, INCIDENT_DELETION_KEY, INCIDENT_DELETION_USER, INCIDENT_MIN_DAYS,
    INCIDENT_SPIKE_AT, INCIDENT_SPIKE_KEY,
};

use crate::{Error, Result};
use plan::{Content, FilePlan, BACKGROUND_STREAM, SPECIAL_STREAM};
use rng::Rng;
use story::Story;

/// 2024-03-01T00:00:00Z, the default first day.
pub const DEFAULT_START: i64 = 1_709_251_200;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Total number of events in the archive.
    pub events: u64,
    /// Number of days covered, starting at `start`.
    pub days: u32,
    /// Seed of every random choice; the same seed gives byte-identical files.
    pub seed: u64,
    /// Events per background file (the remainder is spread evenly); scripted events come in
    /// their own small files.
    pub events_per_file: u32,
    /// Unix seconds of day 0 (default 2024-03-01T00:00:00Z).
    pub start: i64,
    /// Plant the documented incidents (see the module docs).
    pub incidents: bool,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            events: 100_000,
            days: 30,
            seed: 1,
            events_per_file: 286,
            start: DEFAULT_START,
            incidents: false,
        }
    }
}

impl SampleOptions {
    /// Sets `events_per_file` so that the background files number about `files_per_day` a
    /// day (the CLI's `--files-per-day`): `ceil(events / (files_per_day * days))`, at least 1.
    pub fn with_files_per_day(mut self, files_per_day: u32) -> Self {
        let files = u64::from(files_per_day.max(1)) * u64::from(self.days.max(1));
        self.events_per_file = u32::try_from(self.events.div_ceil(files))
            .unwrap_or(u32::MAX)
            .max(1);
        self
    }
}

/// What [`write_sample`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSummary {
    /// Number of `.gz` files.
    pub files: u64,
    /// Number of events over all files.
    pub events: u64,
    /// Total compressed bytes.
    pub bytes_gz: u64,
    /// Total uncompressed JSON bytes.
    pub bytes_json: u64,
    /// The KMS key ids that occur in the archive, sorted.
    pub keys: Vec<String>,
}

/// Writes a synthetic archive under `out` (which must not already hold one) and returns what
/// was written.
pub fn write_sample(out: &Path, opts: &SampleOptions) -> Result<SampleSummary> {
    check_options(opts)?;
    let story = story::build_story(
        opts.seed,
        opts.start,
        opts.days,
        opts.events,
        opts.incidents,
    )?;
    if (story.specials.len() as u64) > opts.events {
        return Err(Error::Usage(format!(
            "--events {} is too small: the scripted events alone need {}",
            opts.events,
            story.specials.len()
        )));
    }
    let root = out.join("AliyunLogs").join("Actiontrail");
    refuse_existing_archive(&root)?;
    let files = plan::plan_files(
        opts.seed,
        opts.start,
        opts.days,
        opts.events,
        opts.events_per_file,
        &story,
    );
    let written: Vec<(u64, u64)> = files
        .par_iter()
        .map(|file| write_file(&root, file, opts.seed, &story))
        .collect::<Result<_>>()?;
    let mut keys: Vec<String> = catalog::KEYS.iter().map(|k| k.id.to_string()).collect();
    keys.sort();
    Ok(SampleSummary {
        files: files.len() as u64,
        events: files.iter().map(|f| u64::from(f.count)).sum(),
        bytes_gz: written.iter().map(|w| w.0).sum(),
        bytes_json: written.iter().map(|w| w.1).sum(),
        keys,
    })
}

fn check_options(opts: &SampleOptions) -> Result<()> {
    if opts.events == 0 || opts.days == 0 || opts.events_per_file == 0 {
        return Err(Error::Usage(
            "--events, --days and the events per file must be at least 1".into(),
        ));
    }
    Ok(())
}

fn refuse_existing_archive(root: &Path) -> Result<()> {
    let occupied = fs::read_dir(root).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(Error::Usage(format!(
            "{} already holds an archive; remove it or choose another output directory",
            root.display()
        )));
    }
    Ok(())
}

/// The JSON array of one file's events.
fn file_json(file: &FilePlan, seed: u64, story: &Story) -> String {
    let mut json = String::with_capacity(file.count as usize * 1400 + 2);
    json.push('[');
    match &file.content {
        Content::Background { index } => {
            let mut rng = Rng::new(seed, BACKGROUND_STREAM + index);
            let mut times: Vec<i64> = (0..file.count)
                .map(|_| file.start + rng.below(file.span as u64) as i64)
                .collect();
            times.sort_unstable();
            for (i, time) in times.into_iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                activity::background_event(&mut rng, time, file.region, &story.keys)
                    .write_json(&mut json);
            }
        }
        Content::Scripted(ids) => {
            for (i, &id) in ids.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                let special = &story.specials[id];
                let mut rng = Rng::new(seed, SPECIAL_STREAM + id as u64);
                activity::scripted_event(&mut rng, special.time, &special.act)
                    .write_json(&mut json);
            }
        }
    }
    json.push(']');
    json
}

/// Writes one file; returns (compressed, uncompressed) sizes.
fn write_file(root: &Path, file: &FilePlan, seed: u64, story: &Story) -> Result<(u64, u64)> {
    let json = file_json(file, seed, story);
    let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 5), Compression::default());
    encoder
        .write_all(json.as_bytes())
        .map_err(|e| Error::io(root, e))?;
    let gz = encoder.finish().map_err(|e| Error::io(root, e))?;
    let path = file_path(root, file, json.len(), &md5_hex(json.as_bytes()));
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    fs::write(&path, &gz).map_err(|e| Error::io(&path, e))?;
    Ok((gz.len() as u64, json.len() as u64))
}

/// The MD5 digest of `data` as 32 lower-case hex digits, as ActionTrail names its files.
fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `<root>/<region>/YYYY/MM/DD/Actiontrail_<region>_<YYYYMMDDHHMMSS>_1002_<count>_<size>_<md5>.gz`.
fn file_path(root: &Path, file: &FilePlan, size: usize, md5: &str) -> PathBuf {
    let delivered = file.delivered();
    let (year, month, day, ..) = json::utc_parts(delivered);
    let name = format!(
        "Actiontrail_{}_{}_1002_{}_{}_{}.gz",
        file.region,
        json::compact_utc(delivered),
        file.count,
        size,
        md5
    );
    root.join(file.region)
        .join(format!("{year:04}"))
        .join(format!("{month:02}"))
        .join(format!("{day:02}"))
        .join(name)
}

#[cfg(test)]
mod tests;
