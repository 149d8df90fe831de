//! Integration tests for the report's hostile text (`testdata/hostile/report/`, see its README):
//! attacker-written userAgent, userName, error codes and event ids render as inert text in the
//! HTML, Markdown and JSON reports.

use crate::util::{keytrail, stderr, stdout, testdata};

fn corpus() -> String {
    testdata()
        .join("hostile/report/events.ndjson")
        .display()
        .to_string()
}

fn report(format: &str) -> String {
    let out = keytrail(&[
        "report",
        &corpus(),
        "--generated-at",
        "2024-06-01T00:00:00Z",
        "--format",
        format,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Every byte that would be a control code, a bidi override or markup.
fn assert_no_raw_controls(text: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(!text.contains(c), "raw {c:?} in the report");
    }
}

#[test]
fn hostile_text_renders_as_inert_text_in_html() {
    let html = report("html");
    assert!(
        !html.contains("<img"),
        "an <img> element reached the report"
    );
    assert!(!html.contains("<svg onload"));
    assert!(!html.contains("<a href=\"https://attacker"));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(html.contains(r"mallory\x1b]0;pwned\x07\x1b[31mred\u{202e}"));
    assert!(
        html.contains("eve{{ 7*7 }}"),
        "a template expression in an event was evaluated"
    );
    assert!(!html.contains("eve49"));
    assert_no_raw_controls(&html);
    // One <script> element per script of the report, nothing else opens one.
    assert_eq!(html.matches("<script").count(), 3);
}

#[test]
fn a_hostile_event_id_gets_a_safe_anchor_that_its_link_finds() {
    let html = report("html");
    let id = "x-04\"><img src=y onerror=alert(4)>";
    let anchor = keytrail::report::detections::evidence_anchor(id);
    assert!(anchor.starts_with("ev-h"), "{anchor}");
    assert!(
        html.contains(&format!("id=\"{anchor}\"")),
        "appendix entry missing"
    );
    assert!(
        html.contains(&format!("href=\"#{anchor}\"")),
        "evidence link missing"
    );
    assert!(html.contains("x-04&quot;&gt;&lt;img src=y onerror=alert(4)&gt;"));
}

#[test]
fn chart_data_cannot_close_its_script_element() {
    let html = report("html");
    let start = html
        .find("<script type=\"application/json\" id=\"kt-data\">")
        .unwrap();
    let body = &html[start..];
    let end = body.find("</script>").unwrap();
    let json = &body[body.find('>').unwrap() + 1..end];
    assert!(!json.contains('<'), "{json}");
    serde_json::from_str::<serde_json::Value>(json).expect("the chart data is JSON");
}

/// The lines of `md` outside its code fences, and those inside.
fn split_fences(md: &str) -> (String, String) {
    let (mut text, mut fenced, mut fence) = (String::new(), String::new(), None::<String>);
    for line in md.lines() {
        let ticks: String = line.chars().take_while(|&c| c == '`').collect();
        match &fence {
            None if ticks.len() >= 3 => fence = Some(ticks),
            Some(open) if line == open => fence = None,
            Some(_) => fenced.push_str(&format!("{line}\n")),
            None => text.push_str(&format!("{line}\n")),
        }
    }
    (text, fenced)
}

#[test]
fn hostile_text_renders_as_inert_text_in_markdown() {
    let md = report("md");
    // Evidence events are in code fences (shown as text by any Markdown renderer, and no line
    // of theirs can close the fence); everywhere else no markup can form.
    let (text, fenced) = split_fences(&md);
    assert!(
        !text.contains("<img") && !text.contains("<script"),
        "{text}"
    );
    assert!(fenced.contains("\"userAgent\": \"</script><img src=x onerror=alert(1)>\","));
    assert!(
        md.contains("Forbidden.KeyNotEnabled\"&gt;&lt;svg onload=alert(3)&gt;"),
        "{md}"
    );
    assert!(
        md.contains(r"\[x\](javascript:alert(5)"),
        "a Markdown link could form"
    );
    assert_no_raw_controls(&md);
}

#[test]
fn json_report_carries_the_exact_text_without_raw_controls() {
    let text = report("json");
    assert_no_raw_controls(&text);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = json["appendix"]["events"].as_array().unwrap();
    let xss = events
        .iter()
        .find(|e| e["event_id"] == "x-02")
        .expect("x-02 (DisableKey) is evidence");
    let stored: serde_json::Value = serde_json::from_str(xss["json"].as_str().unwrap()).unwrap();
    assert_eq!(stored["userAgent"], "</script><img src=x onerror=alert(1)>");
    assert_eq!(
        stored["userIdentity"]["userName"],
        "mallory\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{202e}"
    );
}
