//! The search grammar (spec §5) over the [`Cursor`]: precedence `and` > `not` > `or`, implicit
//! `and` between adjacent terms, unary and binary `not`, and conditions. Text outside the
//! grammar degrades to full-text terms with a note; only unbalanced parentheses, unterminated
//! quotes and operators without operands are errors.
//!
//! ```text
//! query    := ws* ( or_expr )? ws*
//! or_expr  := not_expr ( OR not_expr )*
//! not_expr := and_expr ( NOT and_expr )*        # a not b = a and not b
//! and_expr := unary ( (AND | implicit) unary )*
//! unary    := NOT unary | primary
//! primary  := "(" or_expr ")" | condition
//! ```

use super::ast::{CmpOp, Condition, Glyph, Pattern, SearchExpr, Target, Test};
use super::lexer::{ends_any_word, ends_key, glyph_text, Cursor, Keyword};
use super::tokens::{field_kind, literal_glyphs, split_tokens, tokenize, whole_value, FieldKind};
use super::SearchError;

/// Parses a whole search statement.
pub fn parse_statement(text: &str) -> Result<SearchExpr, SearchError> {
    let mut p = Parser {
        cur: Cursor::new(text),
        depth: 0,
        terms: 0,
    };
    p.cur.skip_ws();
    if p.cur.at_end() {
        return Ok(SearchExpr::All);
    }
    let expr = p.or_expr()?;
    p.cur.skip_ws();
    if !p.cur.at_end() {
        return Err(SearchError::new(
            p.cur.pos(),
            "unbalanced parenthesis: ')' has no matching '('",
        ));
    }
    Ok(expr)
}

/// How deeply parentheses and unary `not` may nest before the statement is refused.
const MAX_DEPTH: usize = 200;

/// The most terms one search statement may hold, each token of a term of several (`a,b,c`)
/// counted. Each becomes its own matcher (measured when the limit was set: 160 to 185 KB with
/// its compiled patterns, 12,000 terms about 2.2 GB; on jemalloc, 10,000 distinct terms take
/// 437 MB, 5,000 tokens of one term 195 MB); past that the statement is refused with a clear
/// error instead of exhausting memory. Longer IoC lists belong in SQL, where `x IN (...)` is
/// one set lookup.
const MAX_TERMS: usize = 12_000;

struct Parser<'a> {
    cur: Cursor<'a>,
    /// Current nesting of parentheses and unary `not`.
    depth: usize,
    /// Search terms read so far.
    terms: usize,
}

/// The text a term starts with, as written (quoted or bare): a field key when `:` or a
/// comparison operator follows, else a full-text word.
enum TermText {
    Quoted(String),
    Bare(Vec<Glyph>),
}

impl<'a> Parser<'a> {
    fn or_expr(&mut self) -> Result<SearchExpr, SearchError> {
        let mut operands = vec![self.not_expr()?];
        while let Some(op_pos) = self.eat_keyword(Keyword::Or) {
            operands.push(self.operand(Keyword::Or, op_pos, Self::not_expr)?);
        }
        Ok(chain(operands, SearchExpr::Or))
    }

    fn not_expr(&mut self) -> Result<SearchExpr, SearchError> {
        let mut operands = vec![self.and_expr()?];
        while let Some(op_pos) = self.eat_keyword(Keyword::Not) {
            let right = self.operand(Keyword::Not, op_pos, Self::and_expr)?;
            operands.push(SearchExpr::Not(Box::new(right)));
        }
        Ok(chain(operands, SearchExpr::And))
    }

    fn and_expr(&mut self) -> Result<SearchExpr, SearchError> {
        let mut operands = vec![self.unary()?];
        loop {
            let right = if let Some(op_pos) = self.eat_keyword(Keyword::And) {
                self.operand(Keyword::And, op_pos, Self::unary)?
            } else if self.starts_implicit_operand() {
                self.unary()?
            } else {
                break;
            };
            operands.push(right);
        }
        Ok(chain(operands, SearchExpr::And))
    }

    fn unary(&mut self) -> Result<SearchExpr, SearchError> {
        if let Some(op_pos) = self.eat_keyword(Keyword::Not) {
            self.enter(op_pos)?;
            let inner = self.operand(Keyword::Not, op_pos, Self::unary)?;
            self.depth -= 1;
            return Ok(SearchExpr::Not(Box::new(inner)));
        }
        self.primary()
    }

    /// Goes one nesting level deeper, or refuses past [`MAX_DEPTH`].
    fn enter(&mut self, pos: usize) -> Result<(), SearchError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SearchError::new(
                pos,
                format!("nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<SearchExpr, SearchError> {
        self.cur.skip_ws();
        let start = self.cur.pos();
        self.count_terms(1, start)?;
        if let Some((kw, _)) = self.cur.peek_keyword() {
            if kw != Keyword::Not {
                return Err(SearchError::new(
                    start,
                    format!("operator '{}' has no left operand", kw.name()),
                ));
            }
        }
        match self.cur.peek() {
            None => Err(SearchError::new(start, "expected a search term")),
            Some(')') => Err(SearchError::new(
                start,
                "unbalanced parenthesis: ')' has no matching '('",
            )),
            Some('(') => self.group(start),
            Some('*')
                if self.cur.rest()[1..]
                    .chars()
                    .next()
                    .is_none_or(ends_any_word) =>
            {
                self.cur.bump();
                Ok(SearchExpr::All)
            }
            Some(_) => {
                let condition = self.condition()?;
                if let Test::Tokens(tokens) = &condition.test {
                    self.count_terms(tokens.len().saturating_sub(1), start)?;
                }
                Ok(SearchExpr::Cond(condition))
            }
        }
    }

    /// Counts `more` terms (a term of several tokens, `a,b,c`, counts each token: each is its
    /// own matcher) and refuses the statement at `pos` past [`MAX_TERMS`].
    fn count_terms(&mut self, more: usize, pos: usize) -> Result<(), SearchError> {
        self.terms += more;
        if self.terms > MAX_TERMS {
            return Err(SearchError::new(
                pos,
                format!(
                    "more than {MAX_TERMS} search terms: split the search, or match a long \
                     value list in SQL with `... | SELECT ... WHERE key IN (...)`"
                ),
            ));
        }
        Ok(())
    }

    fn group(&mut self, open: usize) -> Result<SearchExpr, SearchError> {
        self.cur.bump();
        self.cur.skip_ws();
        if self.cur.peek() == Some(')') {
            return Err(SearchError::new(open, "empty parentheses"));
        }
        if self.cur.at_end() {
            return Err(SearchError::new(
                open,
                "unbalanced parenthesis: '(' is never closed",
            ));
        }
        self.enter(open)?;
        let inner = self.or_expr()?;
        self.depth -= 1;
        self.cur.skip_ws();
        if !self.cur.eat(")") {
            return Err(SearchError::new(
                open,
                "unbalanced parenthesis: '(' is never closed",
            ));
        }
        Ok(inner)
    }

    /// Parses the operand of the operator at `op_pos`, or says it is missing.
    fn operand(
        &mut self,
        op: Keyword,
        op_pos: usize,
        parse: fn(&mut Self) -> Result<SearchExpr, SearchError>,
    ) -> Result<SearchExpr, SearchError> {
        self.cur.skip_ws();
        let missing = match self.cur.peek() {
            None | Some(')') => true,
            Some(_) => matches!(
                self.cur.peek_keyword(),
                Some((Keyword::And | Keyword::Or, _))
            ),
        };
        if missing {
            return Err(SearchError::new(
                op_pos,
                format!("operator '{}' has no right operand", op.name()),
            ));
        }
        parse(self)
    }

    /// Consumes the keyword `kw` (after whitespace) and returns its position.
    fn eat_keyword(&mut self, kw: Keyword) -> Option<usize> {
        let save = self.cur.pos();
        self.cur.skip_ws();
        match self.cur.peek_keyword() {
            Some((found, len)) if found == kw => {
                let pos = self.cur.pos();
                self.cur.reset(pos + len);
                Some(pos)
            }
            _ => {
                self.cur.reset(save);
                None
            }
        }
    }

    /// Whether the next thing starts a term joined by an implicit `and`.
    fn starts_implicit_operand(&mut self) -> bool {
        let save = self.cur.pos();
        self.cur.skip_ws();
        let starts = match self.cur.peek() {
            None | Some(')') => false,
            Some(_) => self.cur.peek_keyword().is_none(),
        };
        self.cur.reset(save);
        starts
    }

    fn condition(&mut self) -> Result<Condition, SearchError> {
        let start = self.cur.pos();
        if self.cur.rest().starts_with("#\"") {
            self.cur.bump();
            let text = self.cur.read_quoted()?;
            let source = self.cur.slice(start, self.cur.pos()).to_string();
            let (test, note) = phrase(&text, &source);
            return Ok(self.finish(start, Target::FullText, test, note));
        }
        let key = match self.cur.peek() {
            Some('"') => TermText::Quoted(self.cur.read_quoted()?),
            _ => TermText::Bare(self.cur.read_bare(ends_key)),
        };
        if matches!(&key, TermText::Bare(g) if g.is_empty()) {
            return Ok(self.outside_grammar(start));
        }
        let after_key = self.cur.pos();
        self.cur.skip_ws();
        let rest = self.cur.rest();
        if rest.starts_with(':') {
            return self.field_condition(start, key);
        }
        if let Some(op) = comparison_at(rest) {
            return self.comparison(start, key, op);
        }
        if let Some(cond) = self.range(start, &key)? {
            return Ok(cond);
        }
        self.cur.reset(after_key);
        Ok(self.full_text(start, key))
    }

    /// A full-text term: a bare word (wildcards allowed) or a quoted string.
    fn full_text(&mut self, start: usize, key: TermText) -> Condition {
        let source = self.cur.slice(start, self.cur.pos()).to_string();
        match key {
            TermText::Quoted(text) => {
                let (test, note) = tokens_or_nothing(split_tokens(&literal_glyphs(&text)), &source);
                Condition {
                    target: Target::FullText,
                    test,
                    source,
                    note,
                }
            }
            TermText::Bare(glyphs) => {
                let (test, mut note) = token_test(split_tokens(&glyphs), &source);
                if note.is_none() {
                    note = sql_looking_note(&source, &test);
                }
                Condition {
                    target: Target::FullText,
                    test,
                    source,
                    note,
                }
            }
        }
    }

    /// `key : value` (the cursor is on the `:`).
    fn field_condition(&mut self, start: usize, key: TermText) -> Result<Condition, SearchError> {
        let colon = self.cur.pos();
        self.cur.bump();
        self.cur.skip_ws();
        let missing = match self.cur.peek() {
            None | Some(')' | '(') => true,
            Some(_) => self.cur.peek_keyword().is_some(),
        };
        if missing {
            return Err(SearchError::new(colon, "':' has no value after it"));
        }
        let mut name = match key {
            TermText::Quoted(s) => s,
            TermText::Bare(g) => glyph_text(&g),
        };
        let value = if self.cur.rest().starts_with("#\"") {
            self.cur.bump();
            Value::Phrase(self.cur.read_quoted()?)
        } else if self.cur.peek() == Some('"') {
            Value::Quoted(self.cur.read_quoted()?)
        } else {
            let mut glyphs = self.cur.read_bare(ends_any_word);
            if name.eq_ignore_ascii_case("__tag__") {
                if let Some(i) = glyphs.iter().position(|g| *g == Glyph::Lit(':')) {
                    name = format!("__tag__:{}", glyph_text(&glyphs[..i]));
                    glyphs.drain(..=i);
                }
            }
            Value::Bare(glyphs)
        };
        let source = self.cur.slice(start, self.cur.pos());
        let is_null_word =
            matches!(&value, Value::Bare(g) if glyph_text(g).eq_ignore_ascii_case("null"));
        let (test, mut note) = field_test(&name, value, source);
        if is_null_word && note.is_none() {
            note = Some(format!(
                "{source}: searches the word null; a JSON null counts as a missing field (not {name}:*)"
            ));
        }
        Ok(self.finish(start, Target::Field(name), test, note))
    }

    /// `key op number` (the cursor is on the operator).
    fn comparison(
        &mut self,
        start: usize,
        key: TermText,
        op: CmpOp,
    ) -> Result<Condition, SearchError> {
        let op_pos = self.cur.pos();
        self.cur.eat(op.symbol());
        self.cur.skip_ws();
        let value = match self.cur.peek() {
            None | Some(')') => {
                return Err(SearchError::new(
                    op_pos,
                    format!("operator '{}' has no value after it", op.symbol()),
                ))
            }
            Some('"') => self.cur.read_quoted()?,
            Some(_) => glyph_text(&self.cur.read_bare(ends_any_word)),
        };
        let name = match &key {
            TermText::Quoted(s) => s.clone(),
            TermText::Bare(g) => glyph_text(g),
        };
        match (field_kind(&name), parse_number(&value)) {
            (FieldKind::Numeric, Some(n)) => {
                Ok(self.finish(start, Target::Field(name), Test::Compare(op, n), None))
            }
            _ => Ok(self.numeric_fallback(start, &name)),
        }
    }

    /// `key in [a b]` and its open/closed variants; `None` (cursor untouched) when the text
    /// after the key is not `in [` or `in (`.
    fn range(&mut self, start: usize, key: &TermText) -> Result<Option<Condition>, SearchError> {
        let rest = self.cur.rest();
        let Some(after_in) = rest.strip_prefix("in") else {
            return Ok(None);
        };
        let after_in = after_in.trim_start();
        let Some(open) = after_in.chars().next().filter(|c| matches!(c, '[' | '(')) else {
            return Ok(None);
        };
        let open_pos = self.cur.pos() + (rest.len() - after_in.len());
        let body = &after_in[1..];
        let Some(close_at) = body.find([']', ')']) else {
            return Err(SearchError::new(
                open_pos,
                format!("range '{open}' is never closed"),
            ));
        };
        if body[..close_at].split_whitespace().count() != 2 {
            return Ok(None);
        }
        let close = body[close_at..].chars().next().unwrap_or(']');
        self.cur.reset(open_pos + 1 + close_at + 1);
        let name = match key {
            TermText::Quoted(s) => s.clone(),
            TermText::Bare(g) => glyph_text(g),
        };
        let bounds: Vec<Option<f64>> = body[..close_at]
            .split_whitespace()
            .map(parse_number)
            .collect();
        let test = match (field_kind(&name), bounds.as_slice()) {
            (FieldKind::Numeric, [Some(low), Some(high)]) => Test::Range {
                low: *low,
                low_closed: open == '[',
                high: *high,
                high_closed: close == ']',
            },
            _ => return Ok(Some(self.numeric_fallback(start, &name))),
        };
        Ok(Some(self.finish(start, Target::Field(name), test, None)))
    }

    /// A numeric operator on a text field (or a malformed one): full-text of the raw text.
    fn numeric_fallback(&self, start: usize, name: &str) -> Condition {
        let source = self.cur.slice(start, self.cur.pos()).to_string();
        let tokens = tokenize(&source);
        let reason = if name.chars().any(char::is_alphanumeric) {
            format!("{name} is not a numeric field")
        } else {
            "outside the search grammar".to_string()
        };
        let note = format!(
            "{source}: {reason}, searched as full-text terms {}",
            tokens.join(", ")
        );
        let pats = tokens.iter().map(|t| Pattern::literal(t)).collect();
        Condition {
            target: Target::FullText,
            test: Test::Tokens(pats),
            source,
            note: Some(note),
        }
    }

    /// Text that starts with `:`, `<`, `>` or `=`: searched as full-text of its raw characters.
    fn outside_grammar(&mut self, start: usize) -> Condition {
        self.cur.read_bare(ends_any_word);
        let source = self.cur.slice(start, self.cur.pos()).to_string();
        let tokens = tokenize(&source);
        let note = format!(
            "{source}: outside the search grammar, searched as full-text terms {}",
            tokens.join(", ")
        );
        let pats = tokens.iter().map(|t| Pattern::literal(t)).collect();
        Condition {
            target: Target::FullText,
            test: Test::Tokens(pats),
            source,
            note: Some(note),
        }
    }

    fn finish(&self, start: usize, target: Target, test: Test, note: Option<String>) -> Condition {
        let source = self.cur.slice(start, self.cur.pos()).to_string();
        Condition {
            target,
            test,
            source,
            note,
        }
    }
}

/// One operand alone, or the n-ary node of a chain of them. An operand of the same kind (an
/// `and` group inside an `and` chain) is spliced in, so `a b not c` is one `and` of three.
fn chain(mut operands: Vec<SearchExpr>, node: fn(Vec<SearchExpr>) -> SearchExpr) -> SearchExpr {
    if operands.len() == 1 {
        return operands.pop().expect("one operand");
    }
    let mut flat = Vec::with_capacity(operands.len());
    for operand in operands {
        match (node(Vec::new()), operand) {
            (SearchExpr::And(_), SearchExpr::And(inner))
            | (SearchExpr::Or(_), SearchExpr::Or(inner)) => flat.extend(inner),
            (_, other) => flat.push(other),
        }
    }
    node(flat)
}

/// A field value as written after `:`.
enum Value {
    Quoted(String),
    Phrase(String),
    Bare(Vec<Glyph>),
}

/// The test of `name : value` for the field's kind, and a note when it is not the obvious one.
fn field_test(name: &str, value: Value, source: &str) -> (Test, Option<String>) {
    match (field_kind(name), value) {
        (FieldKind::Numeric, Value::Bare(g)) if g == [Glyph::Many] => (Test::Exists, None),
        (FieldKind::Numeric, v) => {
            let text = match &v {
                Value::Quoted(s) | Value::Phrase(s) => s.clone(),
                Value::Bare(g) if g.iter().all(|x| matches!(x, Glyph::Lit(_))) => glyph_text(g),
                Value::Bare(_) => String::new(),
            };
            match parse_number(&text) {
                Some(n) => (Test::Compare(CmpOp::Eq, n), None),
                None => (
                    Test::Nothing,
                    Some(format!("{source}: {name} is numeric and the value is not a number: matches nothing")),
                ),
            }
        }
        (_, Value::Bare(g)) if g == [Glyph::Many] => (Test::Exists, None),
        (_, Value::Quoted(s)) if s.is_empty() => (Test::Empty, None),
        (FieldKind::WholeValue, Value::Bare(g)) => token_test(vec![whole_value(&g)], source),
        (FieldKind::WholeValue, Value::Quoted(s) | Value::Phrase(s)) => {
            (Test::Tokens(vec![whole_value(&literal_glyphs(&s))]), None)
        }
        (FieldKind::Text, Value::Bare(g)) => match split_tokens(&g) {
            pats if pats.is_empty() => tokens_or_nothing(pats, source),
            pats => token_test(pats, source),
        },
        (FieldKind::Text, Value::Quoted(s)) => {
            tokens_or_nothing(split_tokens(&literal_glyphs(&s)), source)
        }
        (FieldKind::Text, Value::Phrase(s)) => phrase_parts(&s, source),
    }
}

/// A token test, unless a pattern starts with a wildcard (unsupported: matches nothing). A
/// pattern that is only `*` is dropped: it matches any token.
fn token_test(pats: Vec<Pattern>, source: &str) -> (Test, Option<String>) {
    let pats: Vec<Pattern> = pats.into_iter().filter(|p| p.0 != [Glyph::Many]).collect();
    if let Some(bad) = pats.iter().find(|p| p.starts_with_wildcard()) {
        let note = format!(
            "{source}: pattern {bad} starts with a wildcard, which SLS does not support: matches nothing"
        );
        return (Test::Nothing, Some(note));
    }
    (Test::Tokens(pats), None)
}

/// A token test of a term as written, or, when the term has no token at all (empty, or only
/// delimiters such as `""`, `"/"`, `key:"::"`), a test matching nothing: a term that says
/// nothing must not find everything.
fn tokens_or_nothing(pats: Vec<Pattern>, source: &str) -> (Test, Option<String>) {
    if pats.is_empty() {
        let note =
            format!("{source}: the term has no tokens (empty or only delimiters): matches nothing");
        return (Test::Nothing, Some(note));
    }
    (Test::Tokens(pats), None)
}

/// `#"..."` on the full text, and its note.
fn phrase(text: &str, source: &str) -> (Test, Option<String>) {
    phrase_parts(text, source)
}

fn phrase_parts(text: &str, source: &str) -> (Test, Option<String>) {
    let pats = split_tokens(&literal_glyphs(text));
    if pats.len() <= 1 {
        return tokens_or_nothing(pats, source);
    }
    (Test::Phrase(pats), None)
}

/// A note for bare words that look like SQL written into the search part.
fn sql_looking_note(source: &str, test: &Test) -> Option<String> {
    let sqlish = ["is", "null", "!=", "<>", "like", "''"];
    if sqlish.iter().any(|w| source.eq_ignore_ascii_case(w)) || source.contains('\'') {
        let what = match test {
            Test::Tokens(p) if p.is_empty() => "no tokens, matches every event".to_string(),
            Test::Tokens(p) => {
                let list: Vec<String> = p.iter().map(Pattern::to_string).collect();
                format!("searched as full-text terms {}", list.join(", "))
            }
            _ => return None,
        };
        return Some(format!(
            "{source}: looks like SQL, outside the search grammar; {what}"
        ));
    }
    None
}

/// The comparison operator at the start of `rest`, longest first.
fn comparison_at(rest: &str) -> Option<CmpOp> {
    [CmpOp::Ge, CmpOp::Le, CmpOp::Gt, CmpOp::Lt, CmpOp::Eq]
        .into_iter()
        .find(|op| rest.starts_with(op.symbol()))
}

/// A decimal number as SLS long/double fields accept it.
fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let valid = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
        && t.chars().any(|c| c.is_ascii_digit());
    if valid {
        t.parse::<f64>().ok().filter(|n| n.is_finite())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> String {
        show(&parse_statement(text).unwrap())
    }

    /// A compact rendering of the tree: (and a b), (or a b), (not a), conditions as written.
    fn show(e: &SearchExpr) -> String {
        match e {
            SearchExpr::All => "ALL".into(),
            SearchExpr::And(v) => format!("(and {})", shows(v)),
            SearchExpr::Or(v) => format!("(or {})", shows(v)),
            SearchExpr::Not(a) => format!("(not {})", show(a)),
            SearchExpr::Cond(c) => c.source.clone(),
        }
    }

    fn shows(operands: &[SearchExpr]) -> String {
        operands.iter().map(show).collect::<Vec<_>>().join(" ")
    }

    fn cond(text: &str) -> Condition {
        match parse_statement(text).unwrap() {
            SearchExpr::Cond(c) => c,
            other => panic!("not a single condition: {other:?}"),
        }
    }

    fn toks(ps: &[&str]) -> Test {
        Test::Tokens(ps.iter().map(|p| Pattern::literal(p)).collect())
    }

    #[test]
    fn precedence_is_and_over_not_over_or() {
        assert_eq!(tree("a or b and c"), "(or a (and b c))");
        assert_eq!(tree("a not b and c"), "(and a (not (and b c)))");
        assert_eq!(tree("a not b or c"), "(or (and a (not b)) c)");
        assert_eq!(tree("not a and b"), "(and (not a) b)");
        assert_eq!(tree("not a or b"), "(or (not a) b)");
        assert_eq!(tree("a b c"), "(and a b c)");
        assert_eq!(tree("a b not c d"), "(and a b (not (and c d)))");
        assert_eq!(tree("(a b) c or (d or e)"), "(or (and a b c) d e)");
        assert_eq!(tree("a AND b Or c NOT d"), "(or (and a b) (and c (not d)))");
        assert_eq!(tree("(a or b) c"), "(and (or a b) c)");
        assert_eq!(tree("a and not not b"), "(and a (not (not b)))");
        assert_eq!(tree("a not not b"), "(and a (not (not b)))");
    }

    #[test]
    fn empty_and_star_are_match_all() {
        assert_eq!(parse_statement("").unwrap(), SearchExpr::All);
        assert_eq!(parse_statement("  \t ").unwrap(), SearchExpr::All);
        assert_eq!(parse_statement(" * ").unwrap(), SearchExpr::All);
        assert_eq!(tree("* AND x"), "(and ALL x)");
        assert_eq!(tree("*x"), "*x");
    }

    #[test]
    fn field_conditions_with_spacing_and_quotes() {
        for text in [
            "event.eventName:CreateKey",
            "event.eventName : CreateKey",
            "event.eventName :CreateKey",
        ] {
            let c = cond(text);
            assert_eq!(c.target, Target::Field("event.eventName".into()), "{text}");
            assert_eq!(c.test, toks(&["createkey"]), "{text}");
            assert_eq!(c.source, text);
        }
        let c = cond(r#""event.resourceType" : "ACS::ECS::Disk""#);
        assert_eq!(c.target, Target::Field("event.resourceType".into()));
        assert_eq!(c.test, toks(&["acs", "ecs", "disk"]));
        assert_eq!(cond("k:*").test, Test::Exists);
        assert_eq!(cond(r#"k:"""#).test, Test::Empty);
        assert_eq!(cond(r#"k:"*""#).test, toks(&["*"]));
        assert_eq!(cond("k:/request/path-2").test, toks(&["request", "path-2"]));
    }

    #[test]
    fn wildcards_and_leading_wildcards() {
        let c = cond("event.errorCode: NoPermission.*");
        assert_eq!(
            c.test,
            Test::Tokens(vec![Pattern(
                "nopermission."
                    .chars()
                    .map(Glyph::Lit)
                    .chain([Glyph::Many])
                    .collect()
            )])
        );
        let c = cond("k:*hai");
        assert_eq!(c.test, Test::Nothing);
        assert!(c.note.unwrap().contains("starts with a wildcard"));
        assert_eq!(cond("?abc").test, Test::Nothing);
    }

    #[test]
    fn reserved_fields_take_the_whole_value() {
        let c = cond("__topic__: actiontrail_audit_event");
        assert_eq!(c.test, toks(&["actiontrail_audit_event"]));
        let c = cond("__tag__:__client_ip__:1.2.3.4");
        assert_eq!(c.target, Target::Field("__tag__:__client_ip__".into()));
        assert_eq!(c.test, toks(&["1.2.3.4"]));
        assert_eq!(
            cond(r#"__topic__:"Action Trail""#).test,
            toks(&["action trail"])
        );
    }

    #[test]
    fn numeric_comparisons_and_ranges_on_time() {
        assert_eq!(
            cond("__time__ > 1700000000").test,
            Test::Compare(CmpOp::Gt, 1.7e9)
        );
        assert_eq!(cond("__time__>=5").test, Test::Compare(CmpOp::Ge, 5.0));
        assert_eq!(cond("__time__:5").test, Test::Compare(CmpOp::Eq, 5.0));
        assert_eq!(
            cond("__time__ in (1 2]").test,
            Test::Range {
                low: 1.0,
                low_closed: false,
                high: 2.0,
                high_closed: true
            }
        );
        assert_eq!(cond("__time__:abc").test, Test::Nothing);
    }

    #[test]
    fn numeric_syntax_on_text_falls_back_to_full_text() {
        let c = cond("owner_id>100");
        assert_eq!(c.target, Target::FullText);
        assert_eq!(c.test, toks(&["owner_id", "100"]));
        assert_eq!(
            c.note.as_deref(),
            Some("owner_id>100: owner_id is not a numeric field, searched as full-text terms owner_id, 100")
        );
        let c = cond("event.eventVersion in [1 3)");
        assert_eq!(c.test, toks(&["event.eventversion", "in", "1", "3"]));
        assert_eq!(tree("a IN [1 2]"), "(and a IN [1 2])");
        assert_eq!(tree("login in (a or b)"), "(and login in (or a b))");
    }

    #[test]
    fn phrases_and_quoted_full_text() {
        assert_eq!(
            cond(r##"#"Key is Disabled""##).test,
            Test::Phrase(vec![
                Pattern::literal("key"),
                Pattern::literal("is"),
                Pattern::literal("disabled")
            ])
        );
        let c = cond(r#""key-abc123""#);
        assert_eq!(
            (c.target, c.test),
            (Target::FullText, toks(&["key-abc123"]))
        );
        assert_eq!(cond(r#""and""#).test, toks(&["and"]));
        assert_eq!(cond(r#""http error""#).test, toks(&["http", "error"]));
    }

    #[test]
    fn sql_in_the_search_part_degrades() {
        let text = "__topic__: actiontrail_audit_event and event.errorCode is not NULL and \
                    event.errorCode != '' and event.userIdentity.accessKeyId: *";
        assert_eq!(
            tree(text),
            "(and __topic__: actiontrail_audit_event event.errorCode is \
             (not (and NULL event.errorCode != '' event.userIdentity.accessKeyId: *)))"
        );
        let e = parse_statement("a != ''").unwrap();
        let SearchExpr::And(v) = e else { panic!() };
        let Some(SearchExpr::Cond(c)) = v.last().cloned() else {
            panic!()
        };
        assert_eq!(c.test, toks(&["!"]));
        assert!(c.note.unwrap().contains("outside the search grammar"));
        assert_eq!(cond("k:<YourAccessKeyId>").test, toks(&["youraccesskeyid"]));
        assert_eq!(
            cond("event.errorCode: NULL").note.as_deref(),
            Some("event.errorCode: NULL: searches the word null; a JSON null counts as a missing field (not event.errorCode:*)")
        );
    }

    #[test]
    fn errors_carry_the_byte_position_of_the_problem() {
        let err = |t: &str| parse_statement(t).unwrap_err();
        assert_eq!(
            err("(a or b"),
            SearchError::new(0, "unbalanced parenthesis: '(' is never closed")
        );
        assert_eq!(
            err("a or b)"),
            SearchError::new(6, "unbalanced parenthesis: ')' has no matching '('")
        );
        assert_eq!(
            err("a and"),
            SearchError::new(2, "operator 'and' has no right operand")
        );
        assert_eq!(
            err("or a"),
            SearchError::new(0, "operator 'or' has no left operand")
        );
        assert_eq!(
            err("a or or b"),
            SearchError::new(2, "operator 'or' has no right operand")
        );
        assert_eq!(
            err("a not"),
            SearchError::new(2, "operator 'not' has no right operand")
        );
        assert_eq!(
            err(r#"k:"abc"#),
            SearchError::new(2, "unterminated quoted string")
        );
        assert_eq!(err("k: "), SearchError::new(1, "':' has no value after it"));
        assert_eq!(
            err("k: (a)"),
            SearchError::new(1, "':' has no value after it")
        );
        assert_eq!(
            err("k: and x"),
            SearchError::new(1, "':' has no value after it")
        );
        assert_eq!(err("x ()"), SearchError::new(2, "empty parentheses"));
        assert_eq!(
            err("__time__ >"),
            SearchError::new(9, "operator '>' has no value after it")
        );
        assert_eq!(
            err("(a (b)"),
            SearchError::new(0, "unbalanced parenthesis: '(' is never closed")
        );
        assert_eq!(
            err("__time__ in [1 2"),
            SearchError::new(12, "range '[' is never closed")
        );
    }
}
