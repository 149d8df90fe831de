//! Renders a parsed search statement as an indented tree, one condition a line, with what each
//! condition tests where, followed by the notes on anything that means more or less than it
//! seems (fallbacks, unknown fields, text outside the grammar).

use super::ast::{Condition, Pattern, SearchExpr, Target, Test};
use super::tokens::{field_kind, FieldKind};
use crate::event::schema::{resolve_field, FieldRef};

/// The tree of `expr` and its notes, as text.
pub fn explain(expr: &SearchExpr) -> String {
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    render(expr, 0, &mut lines, &mut notes);
    let mut out = lines.join("\n");
    if !notes.is_empty() {
        out.push_str("\nnotes:");
        for n in notes {
            out.push_str(&format!("\n  - {n}"));
        }
    }
    out
}

fn render(expr: &SearchExpr, depth: usize, lines: &mut Vec<String>, notes: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    match expr {
        SearchExpr::All => lines.push(format!("{indent}* (every event)")),
        SearchExpr::And(operands) | SearchExpr::Or(operands) => {
            let is_and = matches!(expr, SearchExpr::And(..));
            lines.push(format!("{indent}{}", if is_and { "and" } else { "or" }));
            for child in operands {
                render(child, depth + 1, lines, notes);
            }
        }
        SearchExpr::Not(inner) => {
            lines.push(format!("{indent}not"));
            render(inner, depth + 1, lines, notes);
        }
        SearchExpr::Cond(c) => {
            lines.push(format!("{indent}{}  => {}", c.source, describe(c)));
            notes.extend(c.note.clone());
            if let Some(n) = unknown_field_note(c) {
                notes.push(n);
            }
        }
    }
}

/// What a condition tests, in words.
pub fn describe(c: &Condition) -> String {
    let place = match &c.target {
        Target::FullText => "full text".to_string(),
        Target::Field(name) => match resolve_field(name) {
            FieldRef::Column(col) => format!("column {col}"),
            FieldRef::JsonLeaf(path) => format!("JSON leaf {path}"),
            FieldRef::Unknown => format!("unknown field {name}"),
        },
    };
    let whole = matches!(&c.target, Target::Field(n) if field_kind(n) == FieldKind::WholeValue);
    match &c.test {
        Test::Tokens(p) if p.is_empty() => "every event".to_string(),
        Test::Tokens(p) if whole => format!("{place} is {}", quoted_list(p)),
        Test::Tokens(p) if p.len() == 1 => format!("{place} has token {}", quoted_list(p)),
        Test::Tokens(p) => format!("{place} has tokens {} (any order)", quoted_list(p)),
        Test::Phrase(p) => format!("{place} has phrase {}", quoted_list(p)),
        Test::Exists => format!("{place} is present"),
        Test::Empty => format!("{place} is present and empty"),
        Test::Compare(op, n) => format!("{place} {} {n}", op.symbol()),
        Test::Range {
            low,
            low_closed,
            high,
            high_closed,
        } => format!(
            "{place} in {}{low} {high}{}",
            if *low_closed { '[' } else { '(' },
            if *high_closed { ']' } else { ')' }
        ),
        Test::Nothing => "nothing".to_string(),
    }
}

fn quoted_list(pats: &[Pattern]) -> String {
    let items: Vec<String> = pats.iter().map(|p| format!("\"{p}\"")).collect();
    items.join(" ")
}

fn unknown_field_note(c: &Condition) -> Option<String> {
    match &c.target {
        Target::Field(name) if resolve_field(name) == FieldRef::Unknown => {
            Some(format!("unknown field {name}: matches nothing"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_statement;
    use super::*;

    #[test]
    fn tree_with_flattened_chains_and_notes() {
        let e = parse_statement(
            "event.serviceName:Kms AND (event.eventName:CreateKey OR event.eventName:ScheduleKeyDeletion) \
             owner_id>100 not x:1",
        )
        .unwrap();
        assert_eq!(
            explain(&e),
            "and\n\
             \x20 event.serviceName:Kms  => column event.serviceName has token \"kms\"\n\
             \x20 or\n\
             \x20   event.eventName:CreateKey  => column event.eventName has token \"createkey\"\n\
             \x20   event.eventName:ScheduleKeyDeletion  => column event.eventName has token \"schedulekeydeletion\"\n\
             \x20 owner_id>100  => full text has tokens \"owner_id\" \"100\" (any order)\n\
             \x20 not\n\
             \x20   x:1  => unknown field x has token \"1\"\n\
             notes:\n\
             \x20 - owner_id>100: owner_id is not a numeric field, searched as full-text terms owner_id, 100\n\
             \x20 - unknown field x: matches nothing"
        );
    }

    #[test]
    fn leaves_topics_and_numbers() {
        let e = parse_statement(
            "event.additionalEventData.mfaChecked:false __topic__:actiontrail* __time__ in [1 2) k:\"\" #\"a b\"",
        )
        .unwrap();
        let text = explain(&e);
        assert!(
            text.contains("=> JSON leaf $.additionalEventData.mfaChecked has token \"false\""),
            "{text}"
        );
        assert!(
            text.contains("=> column __topic__ is \"actiontrail*\""),
            "{text}"
        );
        assert!(text.contains("=> column __time__ in [1 2)"), "{text}");
        assert!(
            text.contains("k:\"\"  => unknown field k is present and empty"),
            "{text}"
        );
        assert!(
            text.contains("#\"a b\"  => full text has phrase \"a\" \"b\""),
            "{text}"
        );
        assert_eq!(explain(&SearchExpr::All), "* (every event)");
    }
}
