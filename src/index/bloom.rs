//! Split-block Bloom filters (the algorithm of Parquet's SBBF: 256-bit blocks, eight salted
//! bits per key) over 64-bit token keys, sized for the number of distinct keys they hold.

/// The salts of the Parquet split-block Bloom filter.
const SALT: [u32; 8] = [
    0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31,
];

/// Bytes per block.
pub const BLOCK_BYTES: usize = 32;

/// A filter: `blocks` of eight 32-bit words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bloom {
    blocks: Vec<[u32; 8]>,
}

impl Bloom {
    /// An empty filter for `distinct` keys at false-positive rate `fpp` (at least one block).
    pub fn for_keys(distinct: usize, fpp: f64) -> Bloom {
        let bits = -8.0 * distinct as f64 / (1.0 - fpp.powf(1.0 / 8.0)).ln();
        let blocks = ((bits / 256.0).ceil() as usize).max(1);
        Bloom {
            blocks: vec![[0; 8]; blocks],
        }
    }

    /// The filter whose blocks are `bytes` (little-endian words); `None` unless `bytes` is a
    /// whole, non-zero number of blocks.
    pub fn from_bytes(bytes: &[u8]) -> Option<Bloom> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(BLOCK_BYTES) {
            return None;
        }
        let blocks = bytes
            .chunks_exact(BLOCK_BYTES)
            .map(|chunk| {
                let mut block = [0u32; 8];
                for (word, b) in block.iter_mut().zip(chunk.chunks_exact(4)) {
                    *word = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                }
                block
            })
            .collect();
        Some(Bloom { blocks })
    }

    /// Appends the blocks to `out` as little-endian words.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        for block in &self.blocks {
            for word in block {
                out.extend_from_slice(&word.to_le_bytes());
            }
        }
    }

    /// The number of blocks.
    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }

    fn block_of(&self, key: u64) -> usize {
        (((key >> 32) * self.blocks.len() as u64) >> 32) as usize
    }

    /// Adds `key`.
    pub fn insert(&mut self, key: u64) {
        let at = self.block_of(key);
        let block = &mut self.blocks[at];
        for (word, salt) in block.iter_mut().zip(SALT) {
            *word |= 1 << ((key as u32).wrapping_mul(salt) >> 27);
        }
    }

    /// Whether `key` may have been added (`false`: it certainly was not).
    pub fn may_contain(&self, key: u64) -> bool {
        let block = &self.blocks[self.block_of(key)];
        block
            .iter()
            .zip(SALT)
            .all(|(word, salt)| word & (1 << ((key as u32).wrapping_mul(salt) >> 27)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_false_negatives_and_about_the_asked_rate_of_false_positives() {
        let keys: Vec<u64> = (0..20_000u64)
            .map(|i| crate::index::tokens::key_of_folded(&i.to_le_bytes()))
            .collect();
        let mut bloom = Bloom::for_keys(keys.len(), 0.01);
        keys.iter().for_each(|k| bloom.insert(*k));
        assert!(keys.iter().all(|k| bloom.may_contain(*k)));
        let false_hits = (20_000..120_000u64)
            .map(|i| crate::index::tokens::key_of_folded(&i.to_le_bytes()))
            .filter(|k| bloom.may_contain(*k))
            .count();
        assert!(false_hits < 2_000, "{false_hits} of 100000");
        let mut bytes = Vec::new();
        bloom.write_to(&mut bytes);
        assert_eq!(Bloom::from_bytes(&bytes), Some(bloom));
        assert_eq!(Bloom::from_bytes(&bytes[1..]), None);
        assert_eq!(Bloom::from_bytes(&[]), None);
    }
}
