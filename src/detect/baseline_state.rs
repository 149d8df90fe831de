//! The baselines over events fed chunk by chunk in time order, in memory that does not grow
//! with the events: each chunk's per-hour [`Group`]s are folded into each entity's hourly
//! counts and each pair's first sighting, the chunk's hours are scored as soon as it is read
//! (an hour's score only looks back), and the anomalous hours keep their first five events.
//! The groups themselves are dropped with their chunk. The findings equal
//! [`super::baseline::findings`] and [`super::baseline::first_seen_countries`] over all the
//! groups at once.

use std::collections::{BTreeMap, HashMap};

use super::baseline::{
    keep_first_owned, merge_episodes, rate_finding_of, score_hours_within, sighting_finding,
    BaselineOptions, EntityKind, Group, Hours, Scored, Series, DAY, HOUR, PAIRS,
};
use super::Finding;
use crate::error::Result;

/// A pair's first sighting: its events and their first five by (time, eventId).
#[derive(Debug, Clone, Default)]
pub struct Sighting {
    /// Events of the pair.
    pub n: u64,
    /// The first five, ascending.
    pub first: Vec<(i64, String)>,
}

impl Sighting {
    fn add(&mut self, g: &Group) {
        self.n += g.n as u64;
        for e in &g.first {
            keep_first_owned(&mut self.first, e);
        }
    }

    fn merge(&mut self, other: &Sighting) {
        self.n += other.n;
        for e in &other.first {
            keep_first_owned(&mut self.first, e);
        }
    }
}

/// One entity's anomalous hours of one metric, each with its first five events.
type Anomalies = Vec<(Scored, Vec<(i64, String)>)>;

/// The baselines' state so far.
#[derive(Debug, Default)]
pub struct BaselineState {
    /// Per kind (key, principal), per entity: hourly (calls, errors).
    series: [HashMap<String, Series>; 2],
    /// Per (kind, entity, errors): the anomalous hours so far, in order.
    anomalous: BTreeMap<(usize, String, bool), Anomalies>,
    /// Per pair kind ([`PAIRS`] order), per pair (first value, then second): its sighting.
    pairs: [BTreeMap<String, BTreeMap<String, Sighting>>; 3],
}

const KINDS: [EntityKind; 2] = [EntityKind::Key, EntityKind::Principal];

impl BaselineState {
    /// Folds in one chunk's groups (every event of their hours, all after the hours folded
    /// before) and scores their hours, judging those from the hour of `judge_from`.
    pub fn add(&mut self, groups: &[Group], judge_from: i64, opts: &BaselineOptions) {
        let Some(first_hour) = groups.iter().map(|g| g.hour).min() else {
            return;
        };
        let end_hour = groups.iter().map(|g| g.hour).max().unwrap_or(first_hour) + 1;
        for g in groups {
            for (slot, kind) in KINDS.iter().enumerate() {
                if let Some(e) = kind.of(g) {
                    let counts = entry(&mut self.series[slot], e).entry(g.hour).or_default();
                    counts.0 += g.n as f64;
                    if g.error {
                        counts.1 += g.n as f64;
                    }
                }
            }
            for (slot, &(_, a, b)) in PAIRS.iter().enumerate() {
                if let (Some(x), Some(y)) = (g.field(a), g.field(b)) {
                    let of_x = btree_entry(&mut self.pairs[slot], x);
                    btree_entry(of_x, y).add(g);
                }
            }
        }
        let judged = judge_from.div_euclid(HOUR);
        for (slot, kind) in KINDS.iter().enumerate() {
            let mut touched: Vec<&str> = groups.iter().filter_map(|g| kind.of(g)).collect();
            touched.sort_unstable();
            touched.dedup();
            for entity in touched {
                let series = &self.series[slot][entity];
                for errors in [false, true] {
                    let min_excess = opts.min_excess(errors);
                    let hours = Hours {
                        series,
                        errors,
                        end_hour: i64::MAX,
                    };
                    let scored = score_hours_within(
                        &hours,
                        judged,
                        (first_hour, end_hour),
                        opts,
                        min_excess,
                    );
                    if scored.is_empty() {
                        continue;
                    }
                    let found = self
                        .anomalous
                        .entry((slot, entity.to_string(), errors))
                        .or_default();
                    for s in scored {
                        let mut first = Vec::new();
                        let of_hour = groups.iter().filter(|g| {
                            g.hour == s.hour && kind.of(g) == Some(entity) && (!errors || g.error)
                        });
                        for g in of_hour {
                            for e in &g.first {
                                keep_first_owned(&mut first, e);
                            }
                        }
                        found.push((s, first));
                    }
                }
            }
        }
    }

    /// All baseline findings over the judged range `[from, to)` (`from` is the `judge_from`
    /// the chunks were added with), and the first-seen countries with `geo`.
    pub fn findings(
        &self,
        from: i64,
        to: i64,
        opts: &BaselineOptions,
        geo: Option<&crate::geoip::GeoIp>,
    ) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for ((slot, entity, errors), hours) in &self.anomalous {
            let scored: Vec<Scored> = hours.iter().map(|(s, _)| s.clone()).collect();
            for ep in merge_episodes(&scored) {
                let mut first = Vec::new();
                for (s, events) in hours {
                    if s.hour >= ep.first && s.hour <= ep.last {
                        for e in events {
                            keep_first_owned(&mut first, e);
                        }
                    }
                }
                let ids = first.into_iter().map(|(_, id)| id).collect();
                out.push(rate_finding_of(KINDS[*slot], entity, *errors, &ep, ids));
            }
        }
        let learned = from + opts.learning_days * DAY;
        for (slot, &(rule, a, b)) in PAIRS.iter().enumerate() {
            out.extend(first_sightings_of(
                rule,
                (a, b),
                self.pairs[slot].iter().flat_map(|(x, of_x)| {
                    of_x.iter().map(move |(y, s)| ((x.as_str(), y.as_str()), s))
                }),
                learned,
                to,
            ));
        }
        if let Some(geo) = geo {
            out.extend(self.first_seen_countries(learned, to, geo)?);
        }
        Ok(out)
    }

    /// (key, country) pairs first seen at or after `learned`, from the (key, IP) sightings.
    fn first_seen_countries(
        &self,
        learned: i64,
        to: i64,
        geo: &crate::geoip::GeoIp,
    ) -> Result<Vec<Finding>> {
        let field = crate::geoip::Field::CountryCode;
        if geo.answering(field).is_empty() {
            return Ok(Vec::new());
        }
        let key_ip = PAIRS
            .iter()
            .position(|p| (p.1, p.2) == ("key", "ip"))
            .unwrap_or(0);
        let mut countries: HashMap<&str, Option<String>> = HashMap::new();
        let mut pairs: BTreeMap<(&str, String), Sighting> = BTreeMap::new();
        let key_ips = self.pairs[key_ip]
            .iter()
            .flat_map(|(key, of_key)| of_key.iter().map(move |(ip, s)| ((key, ip), s)));
        for ((key, ip), s) in key_ips {
            if !countries.contains_key(ip.as_str()) {
                let country = geo.lookup(ip, field).map_err(crate::error::Error::Other)?;
                countries.insert(ip, country);
            }
            if let Some(country) = &countries[ip.as_str()] {
                pairs
                    .entry((key.as_str(), country.clone()))
                    .or_default()
                    .merge(s);
            }
        }
        Ok(first_sightings_of(
            "baseline.first-seen-key-country",
            ("key", "country"),
            pairs.iter().map(|((k, c), s)| ((*k, c.as_str()), s)),
            learned,
            to,
        ))
    }
}

/// The value of `key` in `map`, inserted as the default if absent (the key is copied only then:
/// most groups fold into entities already seen).
fn entry<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

/// [`entry`] for a `BTreeMap`.
fn btree_entry<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

/// A finding for each pair (in the iterator's order) first seen in `[learned, to)`.
fn first_sightings_of<'a>(
    rule: &str,
    names: (&str, &str),
    pairs: impl Iterator<Item = ((&'a str, &'a str), &'a Sighting)>,
    learned: i64,
    to: i64,
) -> Vec<Finding> {
    pairs
        .filter_map(|(pair, s)| {
            let first = s.first.first()?.0;
            let ids = s.first.iter().map(|(_, id)| id.clone()).collect();
            (first >= learned && first < to)
                .then(|| sighting_finding(rule, names, pair, first, s.n, ids))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::baseline::{findings, groups};
    use super::*;
    use crate::event::schema::{
        ACCESS_KEY_ID, ERROR_CODE, EVENT_ID, KMS_KEY_ID, PRINCIPAL_ID, SOURCE_IP, TIME, USER_NAME,
    };
    use polars::prelude::*;

    /// Three weeks of quiet hourly calls on two keys, then bursts (one with errors, one
    /// across two hours) and new pairs: folded in chunks of any size, the state finds what
    /// the groups of all events find at once.
    #[test]
    fn chunks_find_what_all_groups_find() {
        let mut rows: Vec<(i64, &str, &str, &str, Option<&str>)> = Vec::new();
        for h in 0..(21 * 24) {
            rows.push((h * HOUR + 5, "k1", "alice", "1.1.1.1", None));
            if h % 3 == 0 {
                rows.push((h * HOUR + 9, "k2", "bob", "2.2.2.2", None));
            }
        }
        for i in 0..40 {
            let h = 15 * 24 + 3;
            rows.push((h * HOUR + i, "k1", "alice", "1.1.1.1", Some("Forbidden")));
            rows.push((h * HOUR + 3599 - i, "k2", "eve", "9.9.9.9", None));
            rows.push(((h + 1) * HOUR + i * 2, "k2", "eve", "9.9.9.9", None));
        }
        rows.sort_by_key(|r| r.0);
        let n = rows.len();
        let ids: Vec<String> = (0..n).map(|i| format!("e{:05}", n - i)).collect();
        let df = df!(
            TIME => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            KMS_KEY_ID => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            USER_NAME => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            PRINCIPAL_ID => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            ACCESS_KEY_ID => rows.iter().map(|_| "ak1").collect::<Vec<_>>(),
            SOURCE_IP => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            ERROR_CODE => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
            EVENT_ID => ids
        )
        .unwrap();
        let opts = BaselineOptions::default();
        let (from, to) = (0, 21 * DAY);
        let mut whole = findings(&groups(&df).unwrap(), from, to, &opts);
        assert!(whole.iter().any(|f| f.rule_id == "baseline.key-call-rate"));
        assert!(whole.iter().any(|f| f.rule_id == "baseline.key-error-rate"));
        assert!(whole
            .iter()
            .any(|f| f.rule_id.starts_with("baseline.first-seen")));
        let key = |f: &Finding| (f.start, f.rule_id.clone(), f.entity.clone());
        whole.sort_by_key(key);
        for hours_per_chunk in [1, 7, 24, 100, 10_000] {
            let mut state = BaselineState::default();
            let mut start = 0;
            while start < n {
                let hour = rows[start].0.div_euclid(HOUR);
                let end = start
                    + rows[start..]
                        .partition_point(|r| r.0.div_euclid(HOUR) < hour + hours_per_chunk);
                let chunk = groups(&df.slice(start as i64, end - start)).unwrap();
                state.add(&chunk, from, &opts);
                start = end;
            }
            let mut found = state.findings(from, to, &opts, None).unwrap();
            found.sort_by_key(key);
            assert_eq!(found, whole, "{hours_per_chunk} hours per chunk");
        }
    }
}
