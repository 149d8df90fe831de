//! The Markdown writer (for tickets): the same report through the `report.md` template, every
//! value shown through [`escape`] so event text can neither format, link nor inject markup.

use minijinja::context;
use minijinja::value::Value;

use super::model::ReportData;
use crate::time::Zone;

/// The Markdown template.
pub const TEMPLATE: &str = include_str!("../../assets/report/report.md");

/// Text made inert in Markdown (and in the HTML a Markdown renderer makes of it): control
/// characters in visible form, line breaks as spaces, `& < >` as entities, and every character
/// Markdown gives a meaning to backslash-escaped.
pub fn escape(text: &str) -> String {
    let shown = crate::render::escape::visible_lines(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    // What would start a heading, a list or a quote where the text starts a line.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if out.starts_with(['#', '-', '+', '=']) {
        out.insert(0, '\\');
    } else if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// Writes the report as Markdown.
pub fn render(r: &ReportData, zone: Zone) -> Result<String, minijinja::Error> {
    let env = super::html::environment(zone);
    env.get_template("report.md")?.render(context! {
        r => Value::from_serialize(r),
        compare => r.header.compare_to.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_is_inert() {
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("# h"), "\\# h");
        assert_eq!(escape("1. a"), "1\\. a");
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(escape("<img>"), "&lt;img&gt;");
    }
}
