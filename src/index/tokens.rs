//! The index's view of SLS tokens: every token a full-text scan of an event's JSON text can
//! match, case-folded exactly as the scan's case-insensitive regex folds it, hashed.
//!
//! The scan ([`crate::query::search::lower`], layout `JsonText`) matches a literal token when the
//! text holds it between a delimiter, a backslash or the text's ends on the left (or right after
//! a `\n`, `\r`, `\t` escape, in either letter case), and a delimiter, a backslash or the end on
//! the right, comparing characters by Unicode simple case folding. So the tokens of a text are
//! its maximal runs between delimiters and backslashes, plus, for a run right after a backslash
//! that starts with `n`, `r` or `t` (either case), the run without that first character. Each
//! character is replaced by the representative of its simple case-folding class (the class's
//! ASCII member in lower case, else its smallest member), so two tokens fold alike exactly when
//! the regex would match one with the other.

use std::cell::RefCell;
use std::collections::HashMap;

use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};

use super::separators;
use crate::query::search::ast::{Glyph, Pattern};

/// The representative of `c`'s simple case-folding class (the class the regex's `(?i)` matches).
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    thread_local! {
        static FOLDED: RefCell<HashMap<char, char>> = RefCell::new(HashMap::new());
    }
    FOLDED.with(|cache| {
        *cache.borrow_mut().entry(c).or_insert_with(|| {
            let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
            class.case_fold_simple();
            let least = class.ranges().first().map_or(c, |r| r.start());
            least.to_ascii_lowercase()
        })
    })
}

const SEED: u64 = 0x6b65_7974_7261_696c;

#[inline]
fn mix(hash: u64, word: u64) -> u64 {
    (hash ^ word)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29)
}

/// A token's raw hash: its words mixed in turn, then its length.
#[inline(always)]
fn finish(hash: u64, len: usize) -> u64 {
    hash ^ len as u64
}

/// The key of a token whose raw hash is `raw`: a final avalanche (murmur3's fmix64). It is a
/// bijection, so tokens with distinct raw hashes have distinct keys, and the index can gather
/// raw hashes and avalanche only the distinct ones.
#[inline]
pub fn key_of_raw(raw: u64) -> u64 {
    let mut k = raw;
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The key of a token already folded (its UTF-8 bytes): 8-byte little-endian words mixed in
/// turn, the last one zero-padded, then the length, and a final avalanche ([`key_of_raw`]). The
/// tokenizer computes the same value while it scans.
pub fn key_of_folded(folded: &[u8]) -> u64 {
    key_of_raw(raw_of_folded(folded))
}

/// The raw hash of a token already folded (see [`key_of_folded`]).
fn raw_of_folded(folded: &[u8]) -> u64 {
    let mut hash = SEED;
    for chunk in folded.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    finish(hash, folded.len())
}

/// Folds the characters of `text` into `out` (cleared first).
fn fold_into(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    if text.is_ascii() {
        out.extend(text.iter().map(u8::to_ascii_lowercase));
        return;
    }
    let text = String::from_utf8_lossy(text);
    let mut buf = [0u8; 4];
    for c in text.chars() {
        out.extend_from_slice(fold_char(c).encode_utf8(&mut buf).as_bytes());
    }
}

/// The key of a whole value folded as one token (`__topic__`, which full text matches whole).
pub fn whole_value_key(text: &str) -> u64 {
    key_of_raw(whole_value_raw(text))
}

/// The raw hash of a whole value folded as one token ([`whole_value_key`] before its
/// avalanche).
pub fn whole_value_raw(text: &str) -> u64 {
    let mut out = Vec::with_capacity(text.len());
    fold_into(text.as_bytes(), &mut out);
    raw_of_folded(&out)
}

/// Reusable buffers of [`for_each_token_raw`].
#[derive(Debug, Default)]
pub struct Scratch {
    separators: Vec<u64>,
    bounds: Vec<usize>,
    folded: Vec<u8>,
}

/// Calls `each` with the key of every token of the JSON text `text` (repeats included).
pub fn for_each_token_key(text: &str, scratch: &mut Scratch, each: &mut impl FnMut(u64)) {
    for_each_token_raw(text, scratch, &mut |raw| each(key_of_raw(raw)));
}

/// Calls `each` with the raw hash ([`key_of_raw`]) of every token of the JSON text `text`
/// (repeats included). Token bounds come from the separator bitmap ([`separators::bitmap`]);
/// ASCII tokens are folded and hashed eight bytes at a time, others go through [`fold_char`].
#[inline]
pub fn for_each_token_raw(text: &str, scratch: &mut Scratch, each: &mut impl FnMut(u64)) {
    let bytes = text.as_bytes();
    separators::bitmap(bytes, &mut scratch.separators);
    token_bounds(&scratch.separators, &mut scratch.bounds);
    for pair in scratch.bounds.chunks_exact(2) {
        let (start, end) = (pair[0], pair[1]);
        let raw = match ascii_raw(bytes, start, end) {
            Some(raw) => raw,
            None => {
                fold_into(&bytes[start..end], &mut scratch.folded);
                raw_of_folded(&scratch.folded)
            }
        };
        each(raw);
        if let Some(raw) = escape_tail_raw(bytes, start, end, &mut scratch.folded) {
            each(raw);
        }
    }
}

/// Fills `out` with the start and end of every token, in pairs: the positions where a byte's
/// class (separator or not) differs from the one before it, the byte before the text counting
/// as a separator. The bits past the text's end are separators, so the last token ends too.
/// One pass over the words, a branch per position, none per byte.
#[inline]
fn token_bounds(separators: &[u64], out: &mut Vec<usize>) {
    out.clear();
    let mut before = 1u64;
    for (at, &word) in separators.iter().enumerate() {
        let mut changes = word ^ (word << 1 | before);
        before = word >> 63;
        while changes != 0 {
            out.push(at * 64 + changes.trailing_zeros() as usize);
            changes &= changes - 1;
        }
    }
}

/// The raw hash of `bytes[start..end]` in ASCII lower case, computed on the bytes as they
/// are, eight at a time; `None` when it holds a byte that is not ASCII. A token of at most 16
/// bytes with 16 bytes readable from its start (most of them) is hashed without a branch on
/// its length.
#[inline(always)]
fn ascii_raw(bytes: &[u8], start: usize, end: usize) -> Option<u64> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let len = end - start;
    if len <= 16 && start + 16 <= bytes.len() {
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let first = word(start) & low_bytes(len.min(8));
        let second = word(start + 8) & low_bytes(len.saturating_sub(8));
        let one = mix(SEED, lower_word(first));
        let two = mix(one, lower_word(second));
        let hash = if len > 8 { two } else { one };
        return ((first | second) & HIGH == 0).then(|| finish(hash, len));
    }
    let mut hash = SEED;
    let mut seen = 0u64;
    let mut at = start;
    while at + 8 <= end {
        let word = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        seen |= word;
        hash = mix(hash, lower_word(word));
        at += 8;
    }
    if at < end {
        let word = tail_word(bytes, at, end);
        seen |= word;
        hash = mix(hash, lower_word(word));
    }
    (seen & HIGH == 0).then(|| finish(hash, len))
}

/// A mask of the low `n` bytes of a word (`n` at most 8).
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    (!0u64).checked_shr(64 - 8 * n as u32).unwrap_or(0)
}

/// The bytes `at..end` (fewer than eight) as a little-endian word padded with zeros.
#[inline]
fn tail_word(bytes: &[u8], at: usize, end: usize) -> u64 {
    let len = end - at;
    if at + 8 <= bytes.len() {
        let word = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        return word & low_bytes(len);
    }
    let mut padded = [0u8; 8];
    padded[..len].copy_from_slice(&bytes[at..end]);
    u64::from_le_bytes(padded)
}

/// Eight ASCII bytes with `A`..`Z` in lower case.
#[inline]
fn lower_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let above_z = word.wrapping_add(ONES * (0x7f - b'Z' as u64));
    let from_a = word.wrapping_add(ONES * (0x80 - b'A' as u64));
    let upper = (from_a ^ above_z) & (ONES * 0x80);
    word | (upper >> 2)
}

/// The raw hash of the token `bytes[start..end]` without its first letter when it follows a
/// backslash and starts with `n`, `r` or `t` (the scan also reads `\n` and its kin as a
/// delimiter).
#[inline(always)]
fn escape_tail_raw(bytes: &[u8], start: usize, end: usize, folded: &mut Vec<u8>) -> Option<u64> {
    let after_escape = start > 0 && bytes[start - 1] == b'\\';
    if !(after_escape
        && end - start > 1
        && matches!(bytes[start], b'n' | b'r' | b't' | b'N' | b'R' | b'T'))
    {
        return None;
    }
    ascii_raw(bytes, start + 1, end).or_else(|| {
        fold_into(&bytes[start + 1..end], folded);
        Some(raw_of_folded(folded))
    })
}

/// The key a literal query token looks up, or `None` when the index cannot answer for it: a
/// wildcard, a backslash or a control character (the scan can match those across what the
/// index splits, or never).
pub fn pattern_key(pattern: &Pattern) -> Option<u64> {
    let mut folded = String::new();
    for glyph in &pattern.0 {
        match glyph {
            Glyph::Lit(c) if *c != '\\' && !c.is_control() => folded.push(fold_char(*c)),
            _ => return None,
        }
    }
    (!folded.is_empty()).then(|| key_of_folded(folded.as_bytes()))
}

/// The key of a whole-value pattern (a `__topic__` value), as [`pattern_key`].
pub fn whole_pattern_key(pattern: &Pattern) -> Option<u64> {
    let mut text = String::new();
    for glyph in &pattern.0 {
        match glyph {
            Glyph::Lit(c) => text.push(*c),
            _ => return None,
        }
    }
    Some(whole_value_key(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::search::lower::{token_regex, Layout};
    use crate::query::search::tokens::DELIMITERS;
    use regex::Regex;

    fn keys(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_token_key(text, &mut Scratch::default(), &mut |k| out.push(k));
        out
    }

    fn key(token: &str) -> u64 {
        pattern_key(&Pattern::literal(token)).unwrap()
    }

    #[test]
    fn tokens_split_at_delimiters_and_backslashes_and_fold_case() {
        let text =
            r#"{"KeyId":"KEY-Abc123","m":"a\nb\\Tc","arn":"acs:kms:cn-hangzhou:1:key/key-x"}"#;
        let found = keys(text);
        for token in [
            "keyid",
            "key-abc123",
            "m",
            "a",
            "nb",
            "b",
            "tc",
            "c",
            "cn-hangzhou",
            "key-x",
        ] {
            assert!(found.contains(&key(token)), "{token}");
        }
        assert!(!found.contains(&key("key-abc1234")));
        assert_eq!(pattern_key(&Pattern::literal("a\\b")), None);
        assert_eq!(
            pattern_key(&Pattern(vec![Glyph::Lit('a'), Glyph::Many])),
            None
        );
    }

    /// The keys of `text` by the definition, a token at a time: its runs between delimiters
    /// and backslashes, folded, plus the run without its first letter after `\n`, `\r`, `\t`.
    fn keys_by_definition(text: &str) -> Vec<u64> {
        let mut expected = Vec::new();
        let mut rest = text;
        let mut after_backslash = false;
        while !rest.is_empty() {
            let token_len = rest
                .find(|c: char| DELIMITERS.contains(c) || c == '\\')
                .unwrap_or(rest.len());
            let (token, tail) = rest.split_at(token_len);
            if !token.is_empty() {
                let folded: String = token.chars().map(fold_char).collect();
                expected.push(key_of_folded(folded.as_bytes()));
                let escaped = token.len() > 1 && token.starts_with(['n', 'r', 't', 'N', 'R', 'T']);
                if after_backslash && escaped {
                    let folded: String = token[1..].chars().map(fold_char).collect();
                    expected.push(key_of_folded(folded.as_bytes()));
                }
            }
            let Some(separator) = tail.chars().next() else {
                break;
            };
            after_backslash = separator == '\\';
            rest = &tail[separator.len_utf8()..];
        }
        expected
    }

    #[test]
    fn random_texts_give_the_keys_of_the_definition() {
        let alphabet: Vec<char> = "aZ09-_.*#\u{212A}ſé密\\\\nNtT\",:{}[] /=@"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 150) as usize;
            let text: String = (0..len)
                .map(|_| match next() % 4 {
                    // Long runs of letters make tokens of every length around 8 and 16 bytes.
                    0 | 1 => 'k',
                    _ => alphabet[(next() % alphabet.len() as u64) as usize],
                })
                .collect();
            assert_eq!(keys(&text), keys_by_definition(&text), "{text:?}");
        }
    }

    #[test]
    fn the_one_pass_keys_are_the_keys_of_the_folded_tokens() {
        let text = "{\"a\":\"Ab-12345678.XYZ:exactly8,sixteen-chars-abc/\u{212A}elvin mIxEd\"}";
        let mut expected = Vec::new();
        for token in text.split(|c: char| DELIMITERS.contains(c) || c == '\\') {
            if !token.is_empty() {
                let folded: String = token.chars().map(fold_char).collect();
                expected.push(key_of_folded(folded.as_bytes()));
            }
        }
        assert_eq!(keys(text), expected);
    }

    #[test]
    fn word_lowering_is_ascii_lowering() {
        for b in 0..128u8 {
            let word = u64::from_le_bytes([b, b'@', b'[', b'A', b'Z', b'`', b'{', b'z']);
            let want = u64::from_le_bytes([
                b.to_ascii_lowercase(),
                b'@',
                b'[',
                b'a',
                b'z',
                b'`',
                b'{',
                b'z',
            ]);
            assert_eq!(lower_word(word), want, "{b}");
        }
    }

    #[test]
    fn folding_matches_the_regex_case_classes() {
        // Kelvin sign and long s fold with ASCII k and s, as `(?i)` matches them.
        assert_eq!(fold_char('\u{212A}'), 'k');
        assert_eq!(fold_char('ſ'), 's');
        assert_eq!(fold_char('Ǆ'), fold_char('ǆ'));
        assert_eq!(fold_char('密'), '密');
        assert_ne!(fold_char('İ'), 'i');
        for (text, token) in [
            ("KELVIN", "\u{212A}elvin"),
            ("ǅx", "ǆx"),
            ("ΣΑ", "σα"),
            ("ßa", "ẞa"),
        ] {
            let lowered: String = token.chars().flat_map(char::to_lowercase).collect();
            let re =
                Regex::new(&token_regex(&Pattern::literal(&lowered), Layout::JsonText)).unwrap();
            let indexed = keys(text).contains(&key(&lowered));
            assert_eq!(re.is_match(text), indexed, "{text} / {token}");
        }
    }

    #[test]
    fn escape_letters_of_either_case_start_a_token_too() {
        for (text, token, scan) in [
            (r#"x\nfoo"#, "foo", true),
            (r#"x\Nfoo"#, "foo", true),
            (r#"x\tfoo"#, "tfoo", true),
            (r#"x\bfoo"#, "foo", false),
            (r#"x\u0001foo"#, "foo", false),
            (r#"x\nnfoo"#, "foo", false),
        ] {
            let re = Regex::new(&token_regex(&Pattern::literal(token), Layout::JsonText)).unwrap();
            assert_eq!(re.is_match(text), scan, "{text}");
            assert!(!scan || keys(text).contains(&key(token)), "{text}");
        }
        let escape_letter = Regex::new(r"(?i)^[nrt]$").unwrap();
        let caseless_too: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| escape_letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(caseless_too, ['N', 'R', 'T', 'n', 'r', 't']);
    }
}
