//! What a search statement needs of a part's tokens: a boolean tree over token keys that is a
//! necessary condition of the statement (an event it matches has every key of some branch), so a
//! row group whose filter lacks them cannot hold a match. Terms the index cannot answer (`not`,
//! wildcards, numbers, existence, fields that are not copies of the event's text) need nothing.

use super::file::Group;
use super::tokens::{pattern_key, whole_pattern_key};
use crate::event::schema::{resolve_field, FieldRef, DEDUP_KEY, INSIGHT, ORIGIN, TIME, TOPIC};
use crate::query::search::ast::{Condition, Pattern, SearchExpr, Target, Test};

/// A necessary condition on a row group's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Nothing is known: any row group may match.
    Anything,
    /// No row group matches (the statement matches no event at all).
    Nothing,
    /// The row group has this token key.
    Key(u64),
    /// Every operand holds.
    All(Vec<Need>),
    /// Some operand holds.
    Any(Vec<Need>),
}

impl Need {
    /// What `expr` needs (simplified).
    pub fn of(expr: &SearchExpr) -> Need {
        match expr {
            SearchExpr::All => Need::Anything,
            SearchExpr::Not(_) => Need::Anything,
            SearchExpr::And(operands) => all(operands.iter().map(Need::of).collect()),
            SearchExpr::Or(operands) => any(operands.iter().map(Need::of).collect()),
            SearchExpr::Cond(c) => condition(c),
        }
    }

    /// Whether the tree tests at least one token (else the index cannot skip anything but
    /// statements that match nothing).
    pub fn tests_tokens(&self) -> bool {
        match self {
            Need::Key(_) => true,
            Need::All(v) | Need::Any(v) => v.iter().any(Need::tests_tokens),
            Need::Anything | Need::Nothing => false,
        }
    }

    /// Whether the row group `group` may hold a matching event.
    pub fn may_match(&self, group: &Group) -> bool {
        match self {
            Need::Anything => true,
            Need::Nothing => false,
            Need::Key(k) => group.may_contain(*k),
            Need::All(v) => v.iter().all(|n| n.may_match(group)),
            Need::Any(v) => v.iter().any(|n| n.may_match(group)),
        }
    }
}

fn all(needs: Vec<Need>) -> Need {
    let mut kept = Vec::new();
    for need in needs {
        match need {
            Need::Nothing => return Need::Nothing,
            Need::Anything => {}
            Need::All(inner) => kept.extend(inner),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Need::Anything,
        1 => kept.pop().expect("one"),
        _ => Need::All(kept),
    }
}

fn any(needs: Vec<Need>) -> Need {
    let mut kept = Vec::new();
    for need in needs {
        match need {
            Need::Anything => return Need::Anything,
            Need::Nothing => {}
            Need::Any(inner) => kept.extend(inner),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Need::Nothing,
        1 => kept.pop().expect("one"),
        _ => Need::Any(kept),
    }
}

/// A token the index may hold, or nothing known.
fn token(pattern: &Pattern) -> Need {
    pattern_key(pattern).map_or(Need::Anything, Need::Key)
}

/// What one condition needs, mirroring how [`crate::query::search::lower`] matches it.
fn condition(c: &Condition) -> Need {
    match &c.target {
        Target::FullText => match &c.test {
            // Each token is in the event text or is the whole `__topic__` (indexed whole).
            Test::Tokens(pats) => all(pats.iter().map(token).collect()),
            Test::Phrase(pats) if pats.is_empty() => Need::Anything,
            Test::Phrase(pats) => {
                let joined = Pattern(join_with_space(pats));
                let topic = whole_pattern_key(&joined).map_or(Need::Anything, Need::Key);
                any(vec![all(pats.iter().map(token).collect()), topic])
            }
            _ => Need::Nothing,
        },
        Target::Field(name) => field(name, &c.test),
    }
}

/// A condition on one field: its tokens are tokens of the event text when the field's value
/// is copied from it (every `event.*` column and JSON leaf, the derived KMS key id).
fn field(name: &str, test: &Test) -> Need {
    match resolve_field(name) {
        FieldRef::Unknown => Need::Nothing,
        FieldRef::JsonLeaf(_) => match test {
            Test::Tokens(pats) | Test::Phrase(pats) => all(pats.iter().map(token).collect()),
            Test::Exists | Test::Empty => Need::Anything,
            Test::Compare(..) | Test::Range { .. } | Test::Nothing => Need::Nothing,
        },
        FieldRef::Column(column) => match test {
            Test::Nothing => Need::Nothing,
            Test::Tokens(pats) if column == TOPIC => match pats.as_slice() {
                [whole] => whole_pattern_key(whole).map_or(Need::Anything, Need::Key),
                _ => Need::Anything,
            },
            Test::Tokens(pats) | Test::Phrase(pats) if copies_event_text(&column) => {
                all(pats.iter().map(token).collect())
            }
            _ => Need::Anything,
        },
    }
}

/// Whether the stored column's values are text of the event itself (so their tokens are the
/// event's): not the time, topic, dedup key, origin or insight flag.
fn copies_event_text(column: &str) -> bool {
    ![TIME, TOPIC, DEDUP_KEY, ORIGIN, INSIGHT].contains(&column)
        && column != crate::event::schema::EVENT
}

fn join_with_space(pats: &[Pattern]) -> Vec<crate::query::search::Glyph> {
    let mut out = Vec::new();
    for (i, p) in pats.iter().enumerate() {
        if i > 0 {
            out.push(crate::query::search::Glyph::Lit(' '));
        }
        out.extend(p.0.iter().copied());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::file::group_of;
    use crate::query::search::parse;

    fn need(q: &str) -> Need {
        Need::of(&parse(q).unwrap())
    }

    #[test]
    fn and_or_not_and_untestable_terms() {
        let g = group_of(
            &[(
                Some(r#"{"eventName":"Decrypt","requestParameters":{"KeyId":"key-abc123"}}"#),
                Some("actiontrail_audit_event"),
            )],
            7,
        );
        let yes = |q: &str| need(q).may_match(&g);
        assert!(yes(r#""key-abc123""#));
        assert!(!yes(r#""key-abc1234""#));
        assert!(yes(r#"decrypt and "key-abc123""#));
        assert!(!yes(r#"decrypt and "key-zzz""#));
        assert!(yes(r#"key-zzz or decrypt"#));
        assert!(!yes(r#"key-zzz or key-yyy"#));
        assert!(yes(r#"not key-abc123"#));
        assert!(yes(r#"key-ab*"#));
        assert!(yes(r#"event.requestParameters.KeyId: key-abc123"#));
        assert!(!yes(r#"event.requestParameters.KeyId: key-zzz"#));
        assert!(!yes(r#"event.eventName: Encrypt"#));
        assert!(yes(r#"actiontrail_audit_event"#));
        assert!(yes(r#"__topic__: actiontrail_audit_event"#));
        assert!(!yes(r#"__topic__: other"#));
        assert!(yes(r#"keytrail.origin: nowhere"#));
        assert!(!yes(r#"acs:kms:cn-hangzhou:1:key/key-abc1234"#));
        assert!(!need("*").tests_tokens());
        assert!(!need("not a").tests_tokens());
        assert!(need("a or b").tests_tokens());
        assert_eq!(need("__time__ > 5"), Need::Anything);
    }
}
