//! The parsed search statement: boolean structure over conditions, each condition a test of
//! tokens, a phrase, existence, emptiness or a number against the full text or one field.

use std::fmt;

/// One parsed search statement (the part of a query before `|`).
#[derive(Debug, Clone, PartialEq)]
pub enum SearchExpr {
    /// `*`, or the empty statement: every event.
    All,
    /// Every operand matches (`a and b and c`, `a b`, and `a not b` as `a` and `not b`): a
    /// chain of any length is one node (at least two operands), so the tree's depth never grows
    /// with the number of terms.
    And(Vec<SearchExpr>),
    /// Some operand matches (`a or b or c`): one node per chain, at least two operands.
    Or(Vec<SearchExpr>),
    /// The inner expression does not match (`not b`, and the `b` side of `a not b`).
    Not(Box<SearchExpr>),
    /// One condition.
    Cond(Condition),
}

/// One condition of the statement: what is searched and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Where to look: the full text or one field, by the name written in the query.
    pub target: Target,
    /// What must hold there.
    pub test: Test,
    /// The condition's text as written, for explanations.
    pub source: String,
    /// Why the condition means something other than what it seems to say, if it does.
    pub note: Option<String>,
}

/// Where a condition looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every key and value of the event, plus `__topic__`.
    FullText,
    /// One field, by its name as written (resolved when lowered).
    Field(String),
}

/// What a condition requires of its target.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Every pattern equals (or, with wildcards, matches) some token of the target, in any
    /// order. An empty list requires nothing.
    Tokens(Vec<Pattern>),
    /// The tokens occur in this order, next to each other (`#"..."`).
    Phrase(Vec<Pattern>),
    /// The field is present (`key:*`).
    Exists,
    /// The field is present and empty (`key:""`).
    Empty,
    /// A numeric comparison against the field's value.
    Compare(CmpOp, f64),
    /// A numeric range: `low` to `high`, each end closed (`[`, `]`) or open (`(`, `)`).
    Range {
        /// Lower bound.
        low: f64,
        /// Whether the lower bound is included.
        low_closed: bool,
        /// Upper bound.
        high: f64,
        /// Whether the upper bound is included.
        high_closed: bool,
    },
    /// Matches no event (a leading wildcard, a wildcard or text on a numeric field).
    Nothing,
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=` (and `:` on a numeric field).
    Eq,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
}

impl CmpOp {
    /// The operator as written in a query.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }
}

/// One character of a search value: a literal character, or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    /// A character matched literally (case-insensitively).
    Lit(char),
    /// `*`: any run of token characters, possibly empty.
    Many,
    /// `?`: exactly one token character.
    One,
}

/// One query token: literal characters and wildcards, already split at delimiters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(pub Vec<Glyph>);

impl Pattern {
    /// A pattern of literal characters only.
    pub fn literal(text: &str) -> Pattern {
        Pattern(text.chars().map(Glyph::Lit).collect())
    }

    /// Whether the pattern holds a wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.0.iter().any(|g| !matches!(g, Glyph::Lit(_)))
    }

    /// Whether the pattern begins with a wildcard (which SLS does not support).
    pub fn starts_with_wildcard(&self) -> bool {
        matches!(self.0.first(), Some(Glyph::Many | Glyph::One))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for g in &self.0 {
            match g {
                Glyph::Lit(c) => write!(f, "{c}")?,
                Glyph::Many => write!(f, "*")?,
                Glyph::One => write!(f, "?")?,
            }
        }
        Ok(())
    }
}
