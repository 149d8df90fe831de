//! Lays out what `keytrail query --explain` and `keytrail event` show besides result rows: how a
//! query was understood (its search tree, the polars plan, the planner's notes), and one stored
//! event laid out as stored.

use super::escape::json_text;
use super::model::{Code, Report, TextForm};
use crate::time::Zone;

/// The report of `query --explain`: the search tree, the optimized polars plan, and the
/// planner's notes when there are any; each as text under its caption.
pub fn explain_report(parts: &[(&str, &str, &str)], notes: &[String]) -> Report {
    let mut report = Report::new("query --explain", Zone::default());
    for (name, caption, text) in parts {
        report.push(Code::new(name, Some(caption), *text));
    }
    if !notes.is_empty() {
        report.push(Code::new("notes", Some("notes:"), notes.join("\n")));
    }
    report
}

/// The report of `keytrail event`: the stored text laid out as `serde_json` pretty-prints,
/// every number as it came, terminal-safe (`escape::json_text`).
pub fn event_report(stored: &str) -> Report {
    let pretty = crate::event::rawjson::pretty(stored);
    let mut report = Report::new("event", Zone::default());
    report.push(Code {
        form: TextForm::Visible,
        language: Some("json".into()),
        ..Code::new("event", None, json_text(&pretty).into_owned())
    });
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{table::TableWriter, Writer};

    fn table(report: &Report) -> String {
        let mut out = Vec::new();
        TableWriter { width: 80 }.write(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn explain_shows_each_part_indented_under_its_caption() {
        let report = explain_report(
            &[
                ("search", "search:", "a\x1b: x  => x"),
                ("plan", "polars plan:", "FILTER\n  SCAN"),
            ],
            &["n1".into()],
        );
        assert_eq!(
            table(&report),
            "search:\n  a\\x1b: x  => x\npolars plan:\n  FILTER\n    SCAN\nnotes:\n  n1\n"
        );
        assert_eq!(
            table(&explain_report(
                &[("search", "search:", ""), ("plan", "polars plan:", "p")],
                &[]
            )),
            "search:\n\npolars plan:\n  p\n"
        );
    }

    #[test]
    fn an_event_is_its_stored_text_laid_out() {
        let report = event_report(r#"{"n":1e400,"ua":"\u001b]0;x\u0007"}"#);
        assert_eq!(
            table(&report),
            "{\n  \"n\": 1e400,\n  \"ua\": \"\\u001b]0;x\\u0007\"\n}\n"
        );
    }
}
