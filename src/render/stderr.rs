//! The one place keytrail writes messages for people on stderr: notes, warnings, status
//! lines. Raw text is shown in its visible form here; text already in that form is written
//! as it is.

use super::escape::visible;
use super::model::{Line, Report};
use super::table::line_text;

/// `note: <text>`, the text in its visible form.
pub fn note(text: &str) {
    eprintln!("note: {}", visible(text));
}

/// Every note of `report`, once each, in order.
pub fn notes(report: &Report) {
    for n in &report.notes {
        note(&n.text);
    }
}

/// `warning: <shown>`, for a message already in visible form.
pub fn warning(shown: &str) {
    eprintln!("warning: {shown}");
}

/// A line already in visible form.
pub fn shown(text: &str) {
    eprintln!("{text}");
}

/// A report line (a status line of a data format).
pub fn line(line: &Line) {
    eprintln!("{}", line_text(line));
}
