//! Scanning the search text: a byte-position cursor that reads the lexical pieces of the SLS
//! search syntax (quoted strings, bare words with wildcards and escapes, operator keywords).
//! The grammar is context-sensitive (a value after `:` may hold `<`, `=` or `:`), so the parser
//! drives the cursor and says which characters end a word.

use super::ast::Glyph;
use super::SearchError;

/// An operator keyword (`and`, `or`, `not`, in any letter case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// `and`.
    And,
    /// `or`.
    Or,
    /// `not`.
    Not,
}

impl Keyword {
    /// The keyword as shown in messages.
    pub fn name(self) -> &'static str {
        match self {
            Keyword::And => "and",
            Keyword::Or => "or",
            Keyword::Not => "not",
        }
    }
}

/// Characters that end a bare word whatever the context.
pub fn ends_any_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"')
}

/// Characters that end a word that may be a key: also `:` and the comparison characters.
pub fn ends_key(c: char) -> bool {
    ends_any_word(c) || matches!(c, ':' | '<' | '>' | '=')
}

/// Characters a backslash turns into literal text inside a bare word.
fn escapable(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\\' | '(' | ')' | '*' | '?' | ':' | '<' | '>' | '='
        )
}

/// A position in the search text, advanced by the reads below.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Cursor<'a> {
        Cursor { text, pos: 0 }
    }

    /// The byte offset of the cursor.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor back to an earlier position.
    pub fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The text between two byte offsets.
    pub fn slice(&self, from: usize, to: usize) -> &'a str {
        &self.text[from..to]
    }

    /// Whether everything has been read.
    pub fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// The text not read yet.
    pub fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// The next character, not consumed.
    pub fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Consumes and returns the next character.
    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes `s` if the text continues with it.
    pub fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Skips whitespace; says whether there was any.
    pub fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
        self.pos > start
    }

    /// The operator keyword at the cursor, if the next word is one, with its byte length. A
    /// keyword must end at whitespace, a parenthesis, a quote or the end of the text.
    pub fn peek_keyword(&self) -> Option<(Keyword, usize)> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let boundary = rest[len..].chars().next().is_none_or(ends_any_word);
        if !boundary {
            return None;
        }
        let word = &rest[..len];
        [Keyword::And, Keyword::Or, Keyword::Not]
            .into_iter()
            .find(|k| word.eq_ignore_ascii_case(k.name()))
            .map(|k| (k, len))
    }

    /// Reads a double-quoted string at the cursor (which must be on `"`). A backslash makes
    /// `"` and `\` literal; other backslashes are kept.
    pub fn read_quoted(&mut self) -> Result<String, SearchError> {
        let open = self.pos;
        debug_assert_eq!(self.peek(), Some('"'));
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(SearchError::new(open, "unterminated quoted string")),
                Some('"') => return Ok(out),
                Some('\\') => match self.peek() {
                    Some(c @ ('"' | '\\')) => {
                        self.bump();
                        out.push(c);
                    }
                    _ => out.push('\\'),
                },
                Some(c) => out.push(c),
            }
        }
    }

    /// Reads a bare word up to a character for which `ends` holds: `*` and `?` become
    /// wildcards, a backslash makes a syntax character literal.
    pub fn read_bare(&mut self, ends: fn(char) -> bool) -> Vec<Glyph> {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if ends(c) {
                break;
            }
            self.bump();
            match c {
                '*' => out.push(Glyph::Many),
                '?' => out.push(Glyph::One),
                '\\' => match self.peek() {
                    Some(e) if escapable(e) => {
                        self.bump();
                        out.push(Glyph::Lit(e));
                    }
                    _ => out.push(Glyph::Lit('\\')),
                },
                c => out.push(Glyph::Lit(c)),
            }
        }
        out
    }
}

/// The text of glyphs, wildcards shown as `*` and `?`.
pub fn glyph_text(glyphs: &[Glyph]) -> String {
    super::ast::Pattern(glyphs.to_vec()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_in_any_case_only_as_whole_words() {
        assert_eq!(Cursor::new("AND x").peek_keyword(), Some((Keyword::And, 3)));
        assert_eq!(Cursor::new("Or(").peek_keyword(), Some((Keyword::Or, 2)));
        assert_eq!(Cursor::new("not").peek_keyword(), Some((Keyword::Not, 3)));
        assert_eq!(Cursor::new("android").peek_keyword(), None);
        assert_eq!(Cursor::new("not:x").peek_keyword(), None);
        assert_eq!(Cursor::new("in").peek_keyword(), None);
    }

    #[test]
    fn quoted_strings_unescape_quotes_and_report_the_opening_quote() {
        let mut c = Cursor::new(r#""a \"b\" c\\d\x" rest"#);
        assert_eq!(c.read_quoted().unwrap(), r#"a "b" c\d\x"#);
        assert_eq!(c.rest(), " rest");
        let mut c = Cursor::new(r#"ab "cd"#);
        c.reset(3);
        assert_eq!(
            c.read_quoted(),
            Err(SearchError::new(3, "unterminated quoted string"))
        );
    }

    #[test]
    fn bare_words_keep_wildcards_and_escapes() {
        let mut c = Cursor::new(r"No\*Per?ission* tail");
        let g = c.read_bare(ends_any_word);
        assert_eq!(glyph_text(&g), "No*Per?ission*");
        assert_eq!(g[2], Glyph::Lit('*'));
        assert_eq!(g[6], Glyph::One);
        assert_eq!(g[13], Glyph::Many);
        assert_eq!(c.pos(), 15);
        let mut c = Cursor::new("owner_id>100");
        assert_eq!(glyph_text(&c.read_bare(ends_key)), "owner_id");
        assert_eq!(c.rest(), ">100");
        let mut c = Cursor::new("<YourKey>:x) y");
        assert_eq!(glyph_text(&c.read_bare(ends_any_word)), "<YourKey>:x");
    }
}
