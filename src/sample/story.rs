//! The scripted part of an archive: key lifecycle calls at fixed fractions of the time span,
//! a few scattered denied calls, and (only with `incidents`) the three planted incidents.
//! The [`KeyTimeline`] it derives tells the background when each key can be used.

use super::activity::{crypto_share, DECRYPT_SHARE, DENIED_CALLS};
use super::catalog::*;
use super::rng::Rng;
use crate::{Error, Result};

/// Source address of the planted ScheduleKeyDeletion (never used otherwise).
pub const INCIDENT_DELETION_IP: &str = "192.0.2.147";
/// The user of the planted ScheduleKeyDeletion: `bob` never manages keys otherwise.
pub const INCIDENT_DELETION_USER: &str = "bob";
/// The key the planted ScheduleKeyDeletion targets (`alias/billing`).
pub const INCIDENT_DELETION_KEY: &str = "key-hzz6b8e2d4f6a1c3wx5pq";
/// Source address of the planted burst of denied calls (never used otherwise).
pub const INCIDENT_BURST_IP: &str = "198.18.0.77";
/// Number of denied calls in the planted burst.
pub const INCIDENT_BURST_CALLS: usize = 8;
/// The key of the planted Decrypt spike.
pub const INCIDENT_SPIKE_KEY: &str = "key-hzz6e5f1a0b3c8d2yz7rs";
/// Day (0-based) and UTC hour of the Decrypt spike.
pub const INCIDENT_SPIKE_AT: (i64, i64) = (15, 18);
/// Day (0-based) and UTC hour:minute of the first denied call of the burst.
pub const INCIDENT_BURST_AT: (i64, i64, i64) = (16, 14, 2);
/// Day (0-based) and UTC hour:minute:second of the planted ScheduleKeyDeletion.
pub const INCIDENT_DELETION_AT: (i64, i64, i64, i64) = (17, 3, 17, 42);
/// The fewest days an archive with incidents may span.
pub const INCIDENT_MIN_DAYS: u32 = 18;
/// The spike is this many times the key's expected mean hourly Decrypt count.
const SPIKE_FACTOR: f64 = 25.0;

/// A KMS key management call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyOp {
    Create,
    CreateAlias(&'static str),
    UpdateAlias(&'static str),
    Enable,
    Disable,
    ScheduleDeletion(i64),
    CancelDeletion,
    UpdateRotation,
    SetDeletionProtection,
}

impl KeyOp {
    /// The `eventName` of the call.
    pub(crate) fn event_name(self) -> &'static str {
        match self {
            KeyOp::Create => "CreateKey",
            KeyOp::CreateAlias(_) => "CreateAlias",
            KeyOp::UpdateAlias(_) => "UpdateAlias",
            KeyOp::Enable => "EnableKey",
            KeyOp::Disable => "DisableKey",
            KeyOp::ScheduleDeletion(_) => "ScheduleKeyDeletion",
            KeyOp::CancelDeletion => "CancelKeyDeletion",
            KeyOp::UpdateRotation => "UpdateRotationPolicy",
            KeyOp::SetDeletionProtection => "SetDeletionProtection",
        }
    }
}

/// One scripted act.
#[derive(Debug, Clone)]
pub(crate) enum Act {
    /// A key management call, optionally from an unusual address or client.
    KeyOp {
        op: KeyOp,
        key: KeyIx,
        who: Who,
        ip: Option<&'static str>,
        user_agent: Option<&'static str>,
    },
    /// A call refused with `Forbidden.NoPermission` (`call` indexes `DENIED_CALLS`).
    Denied {
        call: usize,
        who: Who,
        region: &'static str,
        ip: Option<&'static str>,
        user_agent: Option<&'static str>,
    },
    /// An Encrypt on a key that is gone: `Forbidden.KeyNotFound`.
    KeyNotFound { key: KeyIx, who: Who },
    /// A successful Decrypt.
    Decrypt { key: KeyIx, who: Who },
}

/// A scripted act at a time, in the region whose files deliver it.
#[derive(Debug, Clone)]
pub(crate) struct Special {
    pub time: i64,
    pub region: &'static str,
    pub act: Act,
}

/// When each key exists and when it can be used for crypto calls.
#[derive(Debug, Clone)]
pub(crate) struct KeyTimeline {
    created: Vec<i64>,
    unusable: Vec<(KeyIx, i64, i64)>,
}

impl KeyTimeline {
    /// The key exists (its CreateKey, if any, is past).
    pub(crate) fn exists(&self, key: KeyIx, t: i64) -> bool {
        t >= self.created[key]
    }

    /// The key exists since an hour and is neither disabled nor pending deletion.
    pub(crate) fn usable(&self, key: KeyIx, t: i64) -> bool {
        t >= self.created[key].saturating_add(3600)
            && !self
                .unusable
                .iter()
                .any(|&(k, from, to)| k == key && from <= t && t < to)
    }
}

/// The scripted events and the key timeline of one archive.
#[derive(Debug, Clone)]
pub(crate) struct Story {
    pub specials: Vec<Special>,
    pub keys: KeyTimeline,
}

/// Builds the story for an archive of `days` days from `start` with `events` events.
pub(crate) fn build_story(
    seed: u64,
    start: i64,
    days: u32,
    events: u64,
    incidents: bool,
) -> Result<Story> {
    let span = i64::from(days) * 86_400;
    let at = |fraction: f64| start + (fraction * span as f64) as i64;
    let mut story = Story {
        specials: Vec::new(),
        keys: KeyTimeline {
            created: vec![i64::MIN; KEYS.len()],
            unusable: Vec::new(),
        },
    };
    lifecycle(&mut story, &at);
    scattered_denials(&mut story, seed, start, days);
    key_not_found_retries(&mut story, at(0.40), start + span);
    if incidents {
        if days < INCIDENT_MIN_DAYS {
            return Err(Error::Usage(format!(
                "--incidents needs at least {INCIDENT_MIN_DAYS} days (the Decrypt spike follows 14 quiet days); got {days}"
            )));
        }
        plant_incidents(&mut story, seed, start, days, events);
    }
    story.specials.sort_by_key(|s| s.time);
    Ok(story)
}

fn key_op(story: &mut Story, time: i64, op: KeyOp, key: KeyIx) {
    let act = Act::KeyOp {
        op,
        key,
        who: ALICE,
        ip: Some(IDENTITIES[ALICE].ips[0]),
        user_agent: None,
    };
    story.specials.push(Special {
        time,
        region: KEYS[key].region,
        act,
    });
}

/// The quiet key administration done by `alice` from her office address.
fn lifecycle(story: &mut Story, at: &dyn Fn(f64) -> i64) {
    let t = at(0.02);
    key_op(story, t, KeyOp::Create, K_ABC_LONG);
    key_op(
        story,
        t + 90,
        KeyOp::CreateAlias("alias/billing-next"),
        K_ABC_LONG,
    );
    story.keys.created[K_ABC_LONG] = t;
    key_op(story, at(0.04), KeyOp::SetDeletionProtection, K_PROD);
    let t = at(0.06);
    key_op(story, t, KeyOp::Create, K_BILLING);
    key_op(
        story,
        t + 120,
        KeyOp::CreateAlias("alias/billing"),
        K_BILLING,
    );
    key_op(story, t + 300, KeyOp::UpdateRotation, K_BILLING);
    story.keys.created[K_BILLING] = t;
    key_op(story, at(0.15), KeyOp::UpdateRotation, K_OSS);
    let (off, on) = (at(0.20), at(0.24));
    key_op(story, off, KeyOp::Disable, K_LEGACY_TOGGLE);
    key_op(story, on, KeyOp::Enable, K_LEGACY_TOGGLE);
    story.keys.unusable.push((K_LEGACY_TOGGLE, off, on));
    let (scheduled, cancelled) = (at(0.30), at(0.33));
    key_op(story, scheduled, KeyOp::ScheduleDeletion(30), K_SH_CANCEL);
    key_op(story, cancelled, KeyOp::CancelDeletion, K_SH_CANCEL);
    key_op(story, cancelled + 600, KeyOp::Enable, K_SH_CANCEL);
    story
        .keys
        .unusable
        .push((K_SH_CANCEL, scheduled, cancelled + 600));
    let (off, scheduled) = (at(0.38), at(0.40));
    key_op(story, off, KeyOp::Disable, K_SG_DELETE);
    key_op(story, scheduled, KeyOp::ScheduleDeletion(7), K_SG_DELETE);
    story.keys.unusable.push((K_SG_DELETE, off, i64::MAX));
    key_op(
        story,
        at(0.55),
        KeyOp::UpdateAlias("alias/billing-next"),
        K_BILLING,
    );
}

/// Two ordinary denied calls a day, by different people from their usual addresses: never
/// more than two from one address in a day, so no burst.
fn scattered_denials(story: &mut Story, seed: u64, start: i64, days: u32) {
    let mut rng = Rng::new(seed, 0xDE41_ED00);
    for day in 0..i64::from(days) {
        for _ in 0..2 {
            let time =
                start + day * 86_400 + 3600 * (1 + rng.below(12) as i64) + rng.below(3600) as i64;
            let who = *rng.pick(&[BOB, CAROL, LEGACY, APP, BOB]);
            let call = rng.below(DENIED_CALLS.len() as u64) as usize;
            let act = Act::Denied {
                call,
                who,
                region: "cn-hangzhou",
                ip: None,
                user_agent: None,
            };
            story.specials.push(Special {
                time,
                region: "cn-hangzhou",
                act,
            });
        }
    }
}

/// The Singapore app retries its key a few times after the key was scheduled for deletion.
fn key_not_found_retries(story: &mut Story, scheduled: i64, end: i64) {
    for hours in [6, 30, 54] {
        let time = scheduled + hours * 3600;
        if time < end {
            let act = Act::KeyNotFound {
                key: K_SG_DELETE,
                who: APP_SH,
            };
            story.specials.push(Special {
                time,
                region: KEYS[K_SG_DELETE].region,
                act,
            });
        }
    }
}

/// The expected mean hourly number of background Decrypts on the spike key.
fn spike_key_hourly_decrypts(events: u64, days: u32) -> f64 {
    let hangzhou_share = REGIONS
        .iter()
        .find(|(r, _)| *r == "cn-hangzhou")
        .map_or(0.0, |(_, s)| *s);
    let hangzhou_weight: f64 = KEYS
        .iter()
        .filter(|k| k.region == "cn-hangzhou")
        .map(|k| k.weight)
        .sum();
    let key_share = KEYS[K_BACKUP].weight / hangzhou_weight;
    events as f64 * hangzhou_share * crypto_share() * key_share * DECRYPT_SHARE
        / (f64::from(days) * 24.0)
}

/// The three documented incidents (see the module docs of `sample`).
fn plant_incidents(story: &mut Story, seed: u64, start: i64, days: u32, events: u64) {
    let mut rng = Rng::new(seed, 0x1AC1_DE47);
    let (day, hour) = INCIDENT_SPIKE_AT;
    let spike_start = start + day * 86_400 + hour * 3600;
    let count = (SPIKE_FACTOR * spike_key_hourly_decrypts(events, days))
        .ceil()
        .max(60.0) as usize;
    for _ in 0..count {
        let time = spike_start + rng.below(3600) as i64;
        let act = Act::Decrypt {
            key: K_BACKUP,
            who: ETL,
        };
        story.specials.push(Special {
            time,
            region: KEYS[K_BACKUP].region,
            act,
        });
    }
    let (day, hour, minute) = INCIDENT_BURST_AT;
    let burst_start = start + day * 86_400 + hour * 3600 + minute * 60;
    for call in 0..INCIDENT_BURST_CALLS {
        let time = burst_start + call as i64 * 170 + rng.below(60) as i64;
        let act = Act::Denied {
            call,
            who: CI,
            region: "cn-hangzhou",
            ip: Some(INCIDENT_BURST_IP),
            user_agent: Some("python-requests/2.31.0"),
        };
        story.specials.push(Special {
            time,
            region: "cn-hangzhou",
            act,
        });
    }
    let (day, hour, minute, second) = INCIDENT_DELETION_AT;
    let time = start + day * 86_400 + hour * 3600 + minute * 60 + second;
    let act = Act::KeyOp {
        op: KeyOp::ScheduleDeletion(7),
        key: K_BILLING,
        who: BOB,
        ip: Some(INCIDENT_DELETION_IP),
        user_agent: Some("aliyun-cli/3.0.204"),
    };
    story.specials.push(Special {
        time,
        region: KEYS[K_BILLING].region,
        act,
    });
    story.keys.unusable.push((K_BILLING, time, i64::MAX));
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_709_251_200;

    #[test]
    fn catalog_agrees_with_incident_constants() {
        assert_eq!(KEYS[K_BILLING].id, INCIDENT_DELETION_KEY);
        assert_eq!(KEYS[K_BACKUP].id, INCIDENT_SPIKE_KEY);
        assert_eq!(IDENTITIES[BOB].user_name, INCIDENT_DELETION_USER);
        let all_ips: Vec<&str> = IDENTITIES
            .iter()
            .flat_map(|i| i.ips.iter().copied())
            .collect();
        assert!(!all_ips.contains(&INCIDENT_DELETION_IP));
        assert!(!all_ips.contains(&INCIDENT_BURST_IP));
    }

    #[test]
    fn quiet_story_has_lifecycle_and_denials_only() {
        let story = build_story(1, START, 30, 100_000, false).unwrap();
        let key_ops = story
            .specials
            .iter()
            .filter(|s| matches!(s.act, Act::KeyOp { .. }))
            .count();
        let denied = story
            .specials
            .iter()
            .filter(|s| matches!(s.act, Act::Denied { .. }))
            .count();
        let not_found = story
            .specials
            .iter()
            .filter(|s| matches!(s.act, Act::KeyNotFound { .. }))
            .count();
        assert_eq!((key_ops, denied, not_found), (15, 60, 3));
        assert!(story.specials.windows(2).all(|w| w[0].time <= w[1].time));
    }

    #[test]
    fn incidents_add_spike_burst_and_deletion() {
        let quiet = build_story(1, START, 30, 1_000_000, false).unwrap();
        let story = build_story(1, START, 30, 1_000_000, true).unwrap();
        let spike = story
            .specials
            .iter()
            .filter(|s| matches!(s.act, Act::Decrypt { .. }))
            .count();
        let expected = (SPIKE_FACTOR * spike_key_hourly_decrypts(1_000_000, 30)).ceil() as usize;
        assert_eq!(spike, expected);
        assert!(spike > 100, "{spike}");
        assert_eq!(
            story.specials.len(),
            quiet.specials.len() + spike + INCIDENT_BURST_CALLS + 1
        );
        let deletion = START + 17 * 86_400 + 3 * 3600 + 17 * 60 + 42;
        assert!(story.keys.usable(K_BILLING, deletion - 1));
        assert!(!story.keys.usable(K_BILLING, deletion));
    }

    #[test]
    fn short_archives_refuse_incidents() {
        assert!(matches!(
            build_story(1, START, 10, 1000, true),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn timeline_follows_the_lifecycle() {
        let story = build_story(1, START, 100, 1000, false).unwrap();
        let day = |d: f64| START + (d * 86_400.0) as i64;
        assert!(!story.keys.exists(K_ABC_LONG, day(1.9)));
        assert!(story.keys.exists(K_ABC_LONG, day(2.0)));
        assert!(!story.keys.usable(K_ABC_LONG, day(2.0) + 3599));
        assert!(story.keys.usable(K_ABC_LONG, day(2.0) + 3600));
        assert!(!story.keys.usable(K_LEGACY_TOGGLE, day(21.0)));
        assert!(story.keys.usable(K_LEGACY_TOGGLE, day(25.0)));
        assert!(!story.keys.usable(K_SG_DELETE, day(99.0)));
        assert!(story.keys.usable(K_PROD, START));
    }
}
