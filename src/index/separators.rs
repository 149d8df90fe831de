//! Which bytes of a text end a token, as a bitmap of 64 bytes a word: the SLS delimiters and the
//! backslash of a JSON escape. The index tokenizes every event ingest stores; classifying bytes
//! 32 at a time with AVX2 (two nibble lookups per byte, the method of simdjson's structural
//! scan) and walking the tokens with bit operations costs a third of the instructions of a
//! byte-at-a-time loop with a branch per byte (measured with `benches/index_build.rs` under
//! callgrind). Without AVX2 the same bitmap is built from a table, a byte at a time.

use crate::query::search::tokens::DELIMITERS;

/// Which bytes end a token: the SLS delimiters and the backslash of an escape.
pub const SEPARATORS: [bool; 256] = separators();

const fn separators() -> [bool; 256] {
    let mut table = [false; 256];
    let bytes = DELIMITERS.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table[b'\\' as usize] = true;
    table
}

/// The high nibbles that hold a separator, each given its own bit (at most eight of them).
const HIGH_NIBBLE_BITS: [u8; 16] = high_nibble_bits();

const fn high_nibble_bits() -> [u8; 16] {
    let mut bits = [0u8; 16];
    let mut next = 0;
    let mut high = 0;
    while high < 16 {
        let mut low = 0;
        while low < 16 {
            if SEPARATORS[high * 16 + low] && bits[high] == 0 {
                assert!(next < 8, "more than eight high nibbles hold separators");
                bits[high] = 1 << next;
                next += 1;
            }
            low += 1;
        }
        high += 1;
    }
    bits
}

/// For each low nibble, the bits of the high nibbles that make a separator with it: a byte is a
/// separator exactly when `LOW_NIBBLE_BITS[low] & HIGH_NIBBLE_BITS[high] != 0`.
const LOW_NIBBLE_BITS: [u8; 16] = low_nibble_bits();

const fn low_nibble_bits() -> [u8; 16] {
    let mut bits = [0u8; 16];
    let mut byte = 0;
    while byte < 256 {
        if SEPARATORS[byte] {
            bits[byte & 15] |= HIGH_NIBBLE_BITS[byte >> 4];
        }
        byte += 1;
    }
    bits
}

/// Fills `out` with the separator bitmap of `bytes`: bit `i % 64` of word `i / 64` is set when
/// byte `i` is a separator. Every bit past the end is set, and there is always at least one
/// such bit (`out` has `bytes.len() / 64 + 1` words), so a token's end can be found without a
/// bounds test.
pub fn bitmap(bytes: &[u8], out: &mut Vec<u64>) {
    out.clear();
    out.reserve(bytes.len() / 64 + 1);
    let mut chunks = bytes.chunks_exact(64);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked on the line above.
        unsafe { avx2::words(&mut chunks, out) };
    }
    for chunk in &mut chunks {
        out.push(word_of(chunk));
    }
    let rest = chunks.remainder();
    out.push(word_of(rest) | !0u64 << rest.len());
}

/// The separator bits of up to 64 bytes, a byte at a time.
fn word_of(chunk: &[u8]) -> u64 {
    chunk.iter().enumerate().fold(0, |word, (i, &b)| {
        word | (SEPARATORS[b as usize] as u64) << i
    })
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;
    use std::slice::ChunksExact;

    use super::{HIGH_NIBBLE_BITS, LOW_NIBBLE_BITS};

    /// Pushes the separator word of every chunk left in `chunks` (64 bytes each).
    #[target_feature(enable = "avx2")]
    pub fn words(chunks: &mut ChunksExact<'_, u8>, out: &mut Vec<u64>) {
        let low_table = table(&LOW_NIBBLE_BITS);
        let high_table = table(&HIGH_NIBBLE_BITS);
        for chunk in chunks {
            let (first, second) = chunk.split_at(32);
            let low = half(first, low_table, high_table);
            let high = half(second, low_table, high_table);
            out.push(low | high << 32);
        }
    }

    /// A 16-entry nibble table, repeated in both lanes.
    #[target_feature(enable = "avx2")]
    fn table(bits: &[u8; 16]) -> __m256i {
        let mut both = [0u8; 32];
        both[..16].copy_from_slice(bits);
        both[16..].copy_from_slice(bits);
        // SAFETY: `both` is 32 readable bytes; the load is unaligned.
        unsafe { _mm256_loadu_si256(both.as_ptr().cast()) }
    }

    /// The separator bits of 32 bytes.
    #[target_feature(enable = "avx2")]
    fn half(bytes: &[u8], low_table: __m256i, high_table: __m256i) -> u64 {
        assert_eq!(bytes.len(), 32);
        // SAFETY: `bytes` is 32 readable bytes (asserted); the load is unaligned.
        let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) };
        let nibble = _mm256_set1_epi8(0x0f);
        let low = _mm256_shuffle_epi8(low_table, _mm256_and_si256(v, nibble));
        let high_nibbles = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
        let high = _mm256_shuffle_epi8(high_table, high_nibbles);
        let none = _mm256_cmpeq_epi8(_mm256_and_si256(low, high), _mm256_setzero_si256());
        !(_mm256_movemask_epi8(none) as u32) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap_of(bytes: &[u8]) -> Vec<u64> {
        let mut out = Vec::new();
        bitmap(bytes, &mut out);
        out
    }

    #[test]
    fn the_nibble_tables_classify_every_byte_as_the_table_does() {
        for b in 0..=255u8 {
            let nibbles = LOW_NIBBLE_BITS[(b & 15) as usize] & HIGH_NIBBLE_BITS[(b >> 4) as usize];
            assert_eq!(nibbles != 0, SEPARATORS[b as usize], "{b:#04x}");
        }
    }

    #[test]
    fn the_byte_at_a_time_words_match_the_table_too() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for chunk in bytes.chunks(64) {
            let word = word_of(chunk);
            for (i, &b) in chunk.iter().enumerate() {
                assert_eq!(word >> i & 1 == 1, SEPARATORS[b as usize], "{b:#04x}");
            }
        }
    }

    #[test]
    fn every_byte_at_every_offset_gets_its_bit_and_the_end_is_all_separators() {
        for len in [0usize, 1, 31, 32, 63, 64, 65, 127, 128, 200] {
            for b in 0..=255u8 {
                let mut bytes = vec![b'a'; len];
                for at in (0..len).step_by(7) {
                    bytes[at] = b;
                }
                let words = bitmap_of(&bytes);
                assert_eq!(words.len(), len / 64 + 1);
                for i in 0..words.len() * 64 {
                    let bit = words[i / 64] >> (i % 64) & 1 == 1;
                    let want = bytes.get(i).is_none_or(|&c| SEPARATORS[c as usize]);
                    assert_eq!(bit, want, "len {len}, byte {b:#04x}, at {i}");
                }
            }
        }
    }
}
