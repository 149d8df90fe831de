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

use crate::query::search::ast::{Glyph, Pattern};
use crate::query::search::tokens::DELIMITERS;

/// Which bytes end a token in JSON text: the SLS delimiters and the backslash of an escape.
const SEPARATORS: [bool; 256] = separators();

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

#[inline]
fn finish(hash: u64, len: usize) -> u64 {
    let mut k = hash ^ len as u64;
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The key of a token already folded (its UTF-8 bytes): 8-byte little-endian words mixed in
/// turn, the last one zero-padded, then the length, and a final avalanche. The tokenizer
/// computes the same value while it scans.
pub fn key_of_folded(folded: &[u8]) -> u64 {
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
    let mut out = Vec::with_capacity(text.len());
    fold_into(text.as_bytes(), &mut out);
    key_of_folded(&out)
}

/// Calls `each` with the key of every token of the JSON text `text` (repeats included).
/// `scratch` is a reusable buffer. ASCII tokens are folded and hashed eight bytes at a time;
/// others go through [`fold_char`].
pub fn for_each_token_key(text: &str, scratch: &mut Vec<u8>, each: &mut impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        while i < n && SEPARATORS[bytes[i] as usize] {
            i += 1;
        }
        let start = i;
        while i < n && !SEPARATORS[bytes[i] as usize] {
            i += 1;
        }
        if i > start {
            let token = &bytes[start..i];
            let key = match ascii_key(token) {
                Some(key) => key,
                None => {
                    fold_into(token, scratch);
                    key_of_folded(scratch)
                }
            };
            each(key);
            escape_tail(bytes, start, i, scratch, each);
        }
    }
}

/// [`key_of_folded`] of `token` in ASCII lower case, computed on its bytes as they are; `None`
/// when it holds a byte that is not ASCII.
#[inline]
fn ascii_key(token: &[u8]) -> Option<u64> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut hash = SEED;
    let mut seen = 0u64;
    let mut chunks = token.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        seen |= word;
        hash = mix(hash, lower_word(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut padded = [0u8; 8];
        padded[..rest.len()].copy_from_slice(rest);
        let word = u64::from_le_bytes(padded);
        seen |= word;
        hash = mix(hash, lower_word(word));
    }
    (seen & HIGH == 0).then(|| finish(hash, token.len()))
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

/// The key of the token `bytes[start..end]` without its first letter when it follows a
/// backslash and starts with `n`, `r` or `t` (the scan also reads `\n` and its kin as a
/// delimiter).
#[inline]
fn escape_tail(
    bytes: &[u8],
    start: usize,
    end: usize,
    scratch: &mut Vec<u8>,
    each: &mut impl FnMut(u64),
) {
    let after_escape = start > 0 && bytes[start - 1] == b'\\';
    if after_escape
        && end - start > 1
        && matches!(bytes[start], b'n' | b'r' | b't' | b'N' | b'R' | b'T')
    {
        fold_into(&bytes[start + 1..end], scratch);
        each(key_of_folded(scratch));
    }
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
    use regex::Regex;

    fn keys(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_token_key(text, &mut Vec::new(), &mut |k| out.push(k));
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
