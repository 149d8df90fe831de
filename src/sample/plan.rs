//! Which files an archive has: background files spread over the days by a daily rhythm
//! (busy office hours in UTC+8, quiet nights and weekends), each in one region and covering a
//! few minutes, plus files that deliver the story's scripted events at their exact times.

use super::catalog::REGIONS;
use super::rng::Rng;
use super::story::Story;

/// How long one background file's events span, in seconds.
const FILE_SPAN: i64 = 300;
/// Scripted events of one region closer than this share a file.
const SPECIAL_GROUP_SPAN: i64 = 300;
/// Stream numbers: background file `i` draws from `BACKGROUND_STREAM + i`.
pub(crate) const BACKGROUND_STREAM: u64 = 1 << 32;
/// Scripted event `i` draws from `SPECIAL_STREAM + i`.
pub(crate) const SPECIAL_STREAM: u64 = 2 << 32;
const DAY_STREAM: u64 = 3 << 32;
const PLAN_STREAM: u64 = 4 << 32;

/// What a file holds.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// `count` background events drawn from stream `BACKGROUND_STREAM + index`.
    Background { index: u64 },
    /// These scripted events (indices into `Story::specials`).
    Scripted(Vec<usize>),
}

/// One archive file to write.
#[derive(Debug, Clone)]
pub(crate) struct FilePlan {
    pub region: &'static str,
    /// Unix seconds of the first possible event.
    pub start: i64,
    /// Seconds covered; events fall in `start..start + span`.
    pub span: i64,
    /// Number of events.
    pub count: u32,
    pub content: Content,
}

impl FilePlan {
    /// The delivery time printed in the file name and used for its date folder.
    pub(crate) fn delivered(&self) -> i64 {
        self.start + self.span + 60
    }
}

/// Relative activity of each hour of the archive (index 0 = the first hour).
fn hour_weights(seed: u64, start: i64, days: u32) -> Vec<f64> {
    let hours = i64::from(days) * 24;
    (0..hours)
        .map(|h| {
            let local = start + h * 3600 + 8 * 3600;
            let local_hour = local.rem_euclid(86_400) / 3600;
            let weekday = (local.div_euclid(86_400) + 4).rem_euclid(7); // 0 = Sunday
            let rhythm = match local_hour {
                9..=18 => 3.0,
                7 | 8 | 19..=22 => 1.6,
                _ => 0.5,
            };
            let weekend = if weekday == 0 || weekday == 6 {
                0.45
            } else {
                1.0
            };
            let day_jitter = 0.85 + 0.3 * Rng::new(seed, DAY_STREAM + (h / 24) as u64).unit();
            rhythm * weekend * day_jitter
        })
        .collect()
}

/// The time at quantile `q` in `[0, 1)` of the activity distribution.
fn time_at_quantile(cumulative: &[f64], start: i64, q: f64) -> i64 {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let target = q * total;
    let hour = cumulative
        .partition_point(|&c| c <= target)
        .min(cumulative.len() - 1);
    let before = if hour == 0 { 0.0 } else { cumulative[hour - 1] };
    let width = cumulative[hour] - before;
    let frac = if width > 0.0 {
        (target - before) / width
    } else {
        0.0
    };
    start + hour as i64 * 3600 + (frac * 3600.0) as i64
}

/// Background files: `events` events in files of `per_file` (the remainder spread evenly).
fn background_files(seed: u64, start: i64, days: u32, events: u64, per_file: u32) -> Vec<FilePlan> {
    if events == 0 {
        return Vec::new();
    }
    let files = events.div_ceil(u64::from(per_file.max(1)));
    let (base, extra) = (events / files, events % files);
    let mut cumulative = hour_weights(seed, start, days);
    for i in 1..cumulative.len() {
        cumulative[i] += cumulative[i - 1];
    }
    let region_weights: Vec<f64> = REGIONS.iter().map(|(_, w)| *w).collect();
    (0..files)
        .map(|index| {
            let mut rng = Rng::new(seed, PLAN_STREAM + index);
            let q = (index as f64 + rng.unit()) / files as f64;
            let count = (base + u64::from(index < extra)) as u32;
            let region = REGIONS[rng.weighted(&region_weights)].0;
            let span = if count <= 1 {
                1
            } else {
                FILE_SPAN - 60 + rng.below(120) as i64
            };
            let start = time_at_quantile(&cumulative, start, q)
                .min(start + i64::from(days) * 86_400 - span);
            FilePlan {
                region,
                start,
                span,
                count,
                content: Content::Background { index },
            }
        })
        .collect()
}

/// Files for the scripted events: per region, events within a few minutes share a file.
fn scripted_files(story: &Story) -> Vec<FilePlan> {
    let mut order: Vec<usize> = (0..story.specials.len()).collect();
    order.sort_by_key(|&i| (story.specials[i].region, story.specials[i].time, i));
    let mut files: Vec<FilePlan> = Vec::new();
    for i in order {
        let special = &story.specials[i];
        if let Some(last) = files.last_mut() {
            if last.region == special.region && special.time - last.start < SPECIAL_GROUP_SPAN {
                last.span = special.time - last.start + 1;
                last.count += 1;
                if let Content::Scripted(ids) = &mut last.content {
                    ids.push(i);
                }
                continue;
            }
        }
        files.push(FilePlan {
            region: special.region,
            start: special.time,
            span: 1,
            count: 1,
            content: Content::Scripted(vec![i]),
        });
    }
    files
}

/// Every file of the archive in delivery order. Background events fill what the story leaves
/// of `events` (the caller checks that the story fits).
pub(crate) fn plan_files(
    seed: u64,
    start: i64,
    days: u32,
    events: u64,
    per_file: u32,
    story: &Story,
) -> Vec<FilePlan> {
    let background = events.saturating_sub(story.specials.len() as u64);
    let mut files = background_files(seed, start, days, background, per_file);
    files.extend(scripted_files(story));
    files.sort_by_key(|f| (f.delivered(), f.region));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::story::build_story;

    const START: i64 = 1_709_251_200;

    #[test]
    fn counts_add_up_and_files_stay_in_the_archive_span() {
        let story = build_story(3, START, 20, 10_000, true).unwrap();
        let files = plan_files(3, START, 20, 10_000, 100, &story);
        let total: u64 = files.iter().map(|f| u64::from(f.count)).sum();
        assert_eq!(total, 10_000);
        let background: Vec<&FilePlan> = files
            .iter()
            .filter(|f| matches!(f.content, Content::Background { .. }))
            .collect();
        assert_eq!(
            background.len() as u64,
            (10_000 - story.specials.len() as u64).div_ceil(100)
        );
        assert!(background.iter().all(|f| f.count == 99 || f.count == 100));
        assert!(files
            .iter()
            .all(|f| f.start >= START && f.start + f.span <= START + 20 * 86_400 + 3600));
    }

    #[test]
    fn office_hours_are_busier_than_nights() {
        let w = hour_weights(1, START, 7);
        // START is 2024-03-01 00:00 UTC, a Friday, 08:00 in UTC+8.
        assert!(w[3] > 2.0 * w[20], "{} vs {}", w[3], w[20]);
        // Saturday office hours are quieter than Friday's.
        assert!(w[24 + 3] < w[3]);
    }

    #[test]
    fn scripted_events_of_a_region_group_by_minutes() {
        let story = build_story(3, START, 30, 100_000, true).unwrap();
        let files = scripted_files(&story);
        let total: usize = files.iter().map(|f| f.count as usize).sum();
        assert_eq!(total, story.specials.len());
        for f in &files {
            let Content::Scripted(ids) = &f.content else {
                unreachable!()
            };
            assert!(ids.iter().all(|&i| story.specials[i].region == f.region));
            assert!(ids
                .iter()
                .all(|&i| (f.start..f.start + f.span).contains(&story.specials[i].time)));
        }
    }
}
