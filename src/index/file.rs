//! One part's token index file: per row group, the row count and a Bloom filter of the keys of
//! its tokens ([`super::tokens`]) salted by the part's blake3 and the row group's ordinal, bound
//! to the part by the part's size and blake3. The file's
//! own size and blake3 are recorded in the manifest (`"kind":"index"`), and a reader believes
//! an index only when both match and it was made for the part it sits beside.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::bloom::{Bloom, BLOCK_BYTES};
use super::tokens::{for_each_token_raw, key_of_raw, whole_value_raw, Scratch};
use crate::store::manifest::{IndexRecord, PartRecord};

/// The first bytes of every index file (format version 2: salted keys; a
/// version 1 index is not believed and `keytrail index` rebuilds it).
pub const MAGIC: &[u8; 8] = b"KTTOKIX2";
/// The directory of index files under the store root.
pub const INDEX_DIR: &str = "index";
/// The extension added to the part's file name.
pub const EXTENSION: &str = ".tokens";
/// False-positive rate each row group's filter is sized for.
pub const FPP: f64 = 0.0005;
/// The largest index file read (a bigger one is not believed and never read whole).
pub const MAX_INDEX_BYTES: u64 = 1 << 30;
/// Slots of the table of recently seen keys (a power of two).
const RECENT_SLOTS: usize = 4096;
/// Rows tokenized per task.
const ROWS_PER_TASK: usize = 1024;

/// The tokens of one row group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Rows in the row group.
    pub rows: u64,
    /// Its tokens' keys, each mixed with `salt`.
    pub bloom: Bloom,
    /// The salt of its keys ([`salt_of`]; not stored: derived from the part and the ordinal).
    pub salt: u64,
}

impl Group {
    /// Whether the row group may hold the token whose key is `key`.
    pub fn may_contain(&self, key: u64) -> bool {
        self.bloom.may_contain(salted(key, self.salt))
    }
}

/// The salt of row group `ordinal` of the part whose blake3 is `part_hash`. Unsalted, the
/// tokens every file has (field names, services, regions) fill the same blocks of every
/// filter of the same size, and a token that collides with them is a false positive in nearly
/// all such files (measured on the 1M store: up to 12% of the files instead of 1%); salted,
/// the false positives of one token are independent from file to file.
pub fn salt_of(part_hash: &[u8; 32], ordinal: usize) -> u64 {
    let head = u64::from_le_bytes(part_hash[..8].try_into().expect("8 bytes"));
    head ^ (ordinal as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `key` mixed with `salt` (a bijection with full avalanche: murmur3's finalizer).
fn salted(key: u64, salt: u64) -> u64 {
    let mut k = key ^ salt;
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The 32 bytes of a blake3 in hex (zeros for text that is not one).
pub fn hash_bytes(hex: &str) -> [u8; 32] {
    blake3::Hash::from_hex(hex).map_or([0; 32], |h| *h.as_bytes())
}

/// A part's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenIndex {
    /// Size of the part it was made for.
    pub part_bytes: u64,
    /// blake3 of the part it was made for (hex).
    pub part_blake3: String,
    /// One entry per row group, in file order.
    pub groups: Vec<Group>,
}

/// A hasher for keys that are hashes already (raw token hashes: their words went through a
/// multiply and a rotation).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// The filter of one row group: the tokens of each row's event JSON text and its `__topic__`
/// as a whole value, salted with `salt`. Rows are tokenized in parallel.
pub fn group_of(rows: &[(Option<&str>, Option<&str>)], salt: u64) -> Group {
    let keys = rows
        .par_chunks(ROWS_PER_TASK)
        .map(|chunk| {
            let mut keys = KeySet::default();
            let mut scratch = Scratch::default();
            // Most tokens repeat (field names, services, regions): a small table of the keys
            // seen last keeps them out of the set.
            // Slot i starts with a value no key of slot i has.
            let mut recent: Vec<u64> = (1..=RECENT_SLOTS as u64).collect();
            for (event, topic) in chunk {
                if let Some(event) = event {
                    for_each_token_raw(event, &mut scratch, &mut |k| {
                        let slot = &mut recent[(k as usize) & (RECENT_SLOTS - 1)];
                        if *slot != k {
                            *slot = k;
                            keys.insert(k);
                        }
                    });
                }
                if let Some(topic) = topic {
                    keys.insert(whole_value_raw(topic));
                }
            }
            keys
        })
        .reduce(KeySet::default, |mut a, b| {
            if a.len() < b.len() {
                return merge(b, a);
            }
            a.extend(b);
            a
        });
    let mut bloom = Bloom::for_keys(keys.len(), FPP);
    keys.iter()
        .for_each(|raw| bloom.insert(salted(key_of_raw(*raw), salt)));
    Group {
        rows: rows.len() as u64,
        bloom,
        salt,
    }
}

fn merge(mut big: KeySet, small: KeySet) -> KeySet {
    big.extend(small);
    big
}

impl TokenIndex {
    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.part_bytes.to_le_bytes());
        out.extend_from_slice(&hash_bytes(&self.part_blake3));
        out.extend_from_slice(&(self.groups.len() as u32).to_le_bytes());
        for group in &self.groups {
            out.extend_from_slice(&group.rows.to_le_bytes());
            out.extend_from_slice(&(group.bloom.blocks() as u32).to_le_bytes());
            group.bloom.write_to(&mut out);
        }
        out
    }

    /// Parses the bytes of an index file; the reason when they are not one.
    pub fn from_bytes(bytes: &[u8]) -> Result<TokenIndex, String> {
        let mut at = Reader { bytes, at: 0 };
        if at.take(MAGIC.len())? != MAGIC {
            return Err("not a keytrail token index (or another version of one)".into());
        }
        let part_bytes = at.u64()?;
        let part_hash: [u8; 32] = at.take(32)?.try_into().expect("32 bytes");
        let part_blake3 = blake3::Hash::from_bytes(part_hash);
        let count = at.u32()? as usize;
        let mut groups = Vec::with_capacity(count.min(bytes.len() / 44));
        for ordinal in 0..count {
            let rows = at.u64()?;
            let blocks = at.u32()? as usize;
            let bloom = Bloom::from_bytes(at.take(blocks.saturating_mul(BLOCK_BYTES))?)
                .ok_or("a row group's filter has no block")?;
            let salt = salt_of(&part_hash, ordinal);
            groups.push(Group { rows, bloom, salt });
        }
        if at.at != bytes.len() {
            return Err(format!(
                "{} bytes after its last row group",
                bytes.len() - at.at
            ));
        }
        Ok(TokenIndex {
            part_bytes,
            part_blake3: part_blake3.to_hex().to_string(),
            groups,
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("cut short at byte {}", self.bytes.len()))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
}

/// The index file of the part recorded at `part_path` (`events/date=D/<name>`), relative to the
/// store root: `index/date=D/<name>.tokens`; `None` for a path that is not a part's.
pub fn relative_path(part_path: &str) -> Option<String> {
    let rest = part_path.strip_prefix("events/")?;
    crate::store::check::valid_part_path(part_path)
        .then(|| format!("{INDEX_DIR}/{rest}{EXTENSION}"))
}

/// The index file of `part` under `root`.
pub fn path_of(root: &Path, part: &PartRecord) -> Option<PathBuf> {
    relative_path(&part.path).map(|p| root.join(p))
}

/// The index of `part` when its file matches `record` (size, blake3) and was made for `part`;
/// otherwise why it is not believed.
pub fn load(root: &Path, part: &PartRecord, record: &IndexRecord) -> Result<TokenIndex, String> {
    let path = path_of(root, part).ok_or("the part's path is not a part's")?;
    let file = crate::source::open::open_regular(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "missing".to_string(),
        _ => e.to_string(),
    })?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len != record.bytes {
        return Err(format!(
            "{len} bytes, the manifest records {}",
            record.bytes
        ));
    }
    if len > MAX_INDEX_BYTES {
        return Err(format!("larger than {} MiB", MAX_INDEX_BYTES >> 20));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(len)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let hash = blake3::hash(&bytes).to_hex().to_string();
    if hash != record.blake3 {
        return Err("its content differs from the manifest's record (blake3)".into());
    }
    let index = TokenIndex::from_bytes(&bytes)?;
    check_made_for(&index, part)?;
    Ok(index)
}

/// Whether `index` was made for `part`: its size, hash and row count.
pub fn check_made_for(index: &TokenIndex, part: &PartRecord) -> Result<(), String> {
    if index.part_bytes != part.bytes || index.part_blake3 != part.blake3 {
        return Err("made for another part file".into());
    }
    let rows: u64 = index.groups.iter().map(|g| g.rows).sum();
    if rows != part.rows {
        return Err(format!("covers {rows} rows, the part holds {}", part.rows));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_damage_is_a_reason() {
        let rows = [(Some(r#"{"KeyId":"key-a"}"#), Some("t")), (None, None)];
        let hash = blake3::hash(b"x");
        let index = TokenIndex {
            part_bytes: 7,
            part_blake3: hash.to_hex().to_string(),
            groups: vec![group_of(&rows, salt_of(hash.as_bytes(), 0))],
        };
        let bytes = index.to_bytes();
        assert_eq!(TokenIndex::from_bytes(&bytes), Ok(index.clone()));
        assert!(TokenIndex::from_bytes(&bytes[..bytes.len() - 1])
            .unwrap_err()
            .contains("cut short"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(TokenIndex::from_bytes(&longer)
            .unwrap_err()
            .contains("after"));
        assert!(TokenIndex::from_bytes(b"PAR1").is_err());
        assert_eq!(
            relative_path("events/date=2024-03-01/p.parquet").as_deref(),
            Some("index/date=2024-03-01/p.parquet.tokens")
        );
        assert_eq!(relative_path("events/../../etc/passwd"), None);
    }

    #[test]
    fn false_positives_of_one_token_are_independent_across_files() {
        // 300 files of the same size sharing most of their tokens, as a store's parts do.
        let groups: Vec<Group> = (0..300u64)
            .map(|f| {
                let events: Vec<String> = (0..200)
                    .map(|i| {
                        format!(
                            r#"{{"eventName":"Decrypt","acsRegion":"r{i}","eventId":"e{f}-{i}"}}"#
                        )
                    })
                    .collect();
                let rows: Vec<_> = events.iter().map(|e| (Some(e.as_str()), None)).collect();
                group_of(&rows, salt_of(blake3::hash(&f.to_le_bytes()).as_bytes(), 0))
            })
            .collect();
        let hits = |token: String| {
            let key = crate::index::tokens::key_of_folded(token.as_bytes());
            groups.iter().filter(|g| g.may_contain(key)).count()
        };
        assert!(groups
            .iter()
            .all(|g| g.may_contain(crate::index::tokens::key_of_folded(b"r7"))));
        let worst = (0..2000).map(|t| hits(format!("probe{t}"))).max();
        assert!(worst < Some(12), "a probe hits {worst:?} of 300 files");
    }
}
