//! SLS tokenization: the default delimiters, how a query value splits into token patterns, and
//! which fields are numeric or carry no delimiters at all.

use super::ast::{Glyph, Pattern};
use crate::event::schema::{resolve_field, FieldRef, TIME};

/// The default SLS delimiters of the full-text index and of text fields (plus the space).
pub const DELIMITERS: &str = ", '\";=()[]{}?@&<>/:\n\t\r";

/// How a field's values are indexed, which decides how a condition on it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A long field (`__time__`): numeric operators, no tokens, no wildcards.
    Numeric,
    /// A field indexed without delimiters (`__topic__`, `__source__`, `__tag__:*`): the whole
    /// value is one token.
    WholeValue,
    /// A text field with the default delimiters.
    Text,
}

/// Whether `c` separates tokens under the default delimiters.
pub fn is_delimiter(c: char) -> bool {
    DELIMITERS.contains(c)
}

/// The kind of the field named `name` (as written in a query; case-insensitive).
pub fn field_kind(name: &str) -> FieldKind {
    let lower = name.to_ascii_lowercase();
    if resolve_field(name) == FieldRef::Column(TIME.to_string()) {
        FieldKind::Numeric
    } else if lower == "__topic__"
        || lower == "__source__"
        || lower == "source"
        || lower.starts_with("__tag__:")
    {
        FieldKind::WholeValue
    } else {
        FieldKind::Text
    }
}

/// Splits a query value into token patterns at the default delimiters, lowercased. A literal
/// `?` is a delimiter; a wildcard `?` is not.
pub fn split_tokens(glyphs: &[Glyph]) -> Vec<Pattern> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for g in glyphs {
        match g {
            Glyph::Lit(c) if is_delimiter(*c) => {
                if !current.is_empty() {
                    out.push(Pattern(std::mem::take(&mut current)));
                }
            }
            Glyph::Lit(c) => current.extend(c.to_lowercase().map(Glyph::Lit)),
            other => current.push(*other),
        }
    }
    if !current.is_empty() {
        out.push(Pattern(current));
    }
    out
}

/// The whole value as one lowercased pattern (for fields without delimiters).
pub fn whole_value(glyphs: &[Glyph]) -> Pattern {
    Pattern(
        glyphs
            .iter()
            .flat_map(|g| match g {
                Glyph::Lit(c) => c.to_lowercase().map(Glyph::Lit).collect::<Vec<_>>(),
                other => vec![*other],
            })
            .collect(),
    )
}

/// Literal glyphs of `text`.
pub fn literal_glyphs(text: &str) -> Vec<Glyph> {
    text.chars().map(Glyph::Lit).collect()
}

/// The tokens of plain text, lowercased, as the index would see them.
pub fn tokenize(text: &str) -> Vec<String> {
    split_tokens(&literal_glyphs(text))
        .iter()
        .map(Pattern::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_splits_at_colon_and_slash_but_not_dash_or_dot() {
        assert_eq!(
            tokenize("acs:kms:cn-hangzhou:123:key/key-abc123"),
            ["acs", "kms", "cn-hangzhou", "123", "key", "key-abc123"]
        );
        assert_eq!(
            tokenize("Forbidden.NoPermission"),
            ["forbidden.nopermission"]
        );
        assert_eq!(
            tokenize("a,b'c\"d;e=f(g)h[i]j{k}l?m@n&o<p>q/r:s\nt\tu\rv w"),
            [
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
                "q", "r", "s", "t", "u", "v", "w"
            ]
        );
        assert_eq!(tokenize("删除 密钥"), ["删除", "密钥"]);
        assert!(tokenize("'' = ()").is_empty());
    }

    #[test]
    fn wildcards_stay_inside_their_token() {
        let glyphs = vec![
            Glyph::Lit('/'),
            Glyph::Lit('A'),
            Glyph::Many,
            Glyph::Lit('/'),
            Glyph::Lit('b'),
            Glyph::One,
        ];
        let pats: Vec<String> = split_tokens(&glyphs)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(pats, ["a*", "b?"]);
        assert_eq!(
            whole_value(&literal_glyphs("Action Trail")).to_string(),
            "action trail"
        );
    }

    #[test]
    fn field_kinds() {
        assert_eq!(field_kind("__TIME__"), FieldKind::Numeric);
        assert_eq!(field_kind("__topic__"), FieldKind::WholeValue);
        assert_eq!(field_kind("__tag__:__client_ip__"), FieldKind::WholeValue);
        assert_eq!(field_kind("event.eventName"), FieldKind::Text);
        assert_eq!(field_kind("owner_id"), FieldKind::Text);
    }
}
