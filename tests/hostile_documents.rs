//! Integration tests of hostile text in documents (`testdata/hostile/documents/`, see its
//! README; the events are the report corpus): attacker-written userAgent, userName, error code
//! and rule text stay inert text in `--format html` and `--format md`.

use crate::util::{keytrail, stderr, stdout, testdata};

fn corpus() -> String {
    testdata()
        .join("hostile/report/events.ndjson")
        .display()
        .to_string()
}

fn ok(args: &[&str]) -> String {
    let out = keytrail(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

const BY_AGENT: &str = r#"* | select "event.userAgent" as ua, "event.userIdentity.userName" as who, count(*) as n group by ua, who order by n desc, who"#;

fn assert_no_raw_controls(text: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(!text.contains(c), "raw {c:?} in {text}");
    }
}

/// The page's markup can open no element the writer did not write: no script, image or SVG
/// handler, and no `src`/`href` that reaches a network.
fn assert_inert_page(html: &str) {
    assert_no_raw_controls(html);
    for markup in [
        "<script",
        "<img",
        "<svg onload",
        "<a ",
        "http://",
        "https://",
    ] {
        assert!(!html.contains(markup), "{markup} in {html}");
    }
    assert_eq!(html.matches("<title>").count(), 1);
    assert!(html
        .contains("content=\"default-src &#39;none&#39;; img-src data:; style-src &#39;sha256-"));
}

#[test]
fn hostile_rows_are_inert_in_html() {
    let html = ok(&["query", &corpus(), BY_AGENT, "--format", "html"]);
    assert_inert_page(&html);
    assert!(html.contains(
        "<tr><td>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</td><td>mallory\\x1b]0;pwned\\x07\\x1b[31mred\\u{202e}</td><td class=\"num\">2</td></tr>"
    ), "{html}");
    assert!(html.contains("<td>&lt;script&gt;alert(2)&lt;/script&gt;</td>"));
    let raw = ok(&["query", &corpus(), "*", "--format", "html"]);
    assert_inert_page(&raw);
    assert!(raw.contains("<td>Forbidden.KeyNotEnabled&quot;&gt;&lt;svg onload=alert(3)&gt;</td>"));
    assert!(
        raw.contains("<td>eve{{ 7*7 }}[x](javascript:alert(5))</td>"),
        "{raw}"
    );
    assert!(!raw.contains("eve49"));
}

#[test]
fn hostile_rows_are_inert_in_markdown() {
    let md = ok(&["query", &corpus(), BY_AGENT, "--format", "md"]);
    assert_no_raw_controls(&md);
    assert_eq!(
        md,
        "# keytrail query\n\n| ua | who | n |\n| --- | --- | ---: |\n\
         | &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; | mallory\\\\x1b\\]0;pwned\\\\x07\\\\x1b\\[31mred\\\\u{202e} | 2 |\n\
         | &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; | eve{{ 7\\*7 }}\\[x\\](javascript:alert(5)) | 1 |\n\
         | &lt;script&gt;alert(2)&lt;/script&gt; | svc | 1 |\n"
    );
    let raw = ok(&["query", &corpus(), "*", "--format", "md"]);
    assert_no_raw_controls(&raw);
    assert!(!raw.contains("<img") && !raw.contains("<script") && !raw.contains("<svg"));
    assert!(
        raw.contains("| Forbidden.KeyNotEnabled\"&gt;&lt;svg onload=alert(3)&gt; |"),
        "{raw}"
    );
}

#[test]
fn a_cell_with_a_pipe_and_a_line_break_keeps_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pipe.ndjson");
    std::fs::write(
        &path,
        "{\"eventId\":\"p-1\",\"eventTime\":\"2024-03-01T00:00:00Z\",\"eventName\":\"Decrypt\",\"userAgent\":\"a | b\\n| forged | row |\"}\n",
    )
    .unwrap();
    let md = ok(&[
        "query",
        path.to_str().unwrap(),
        r#"* | select "event.userAgent" as ua"#,
        "--format",
        "md",
    ]);
    assert_eq!(
        md,
        "# keytrail query\n\n| ua |\n| --- |\n| a \\| b\\\\n\\| forged \\| row \\| |\n"
    );
}

#[test]
fn a_hostile_rule_is_inert_in_both_documents() {
    let rules = testdata().join("hostile/documents/rules.toml");
    let rules = rules.to_str().unwrap();
    let args = ["rules", "show", "doc-hostile", "--rules", rules, "--format"];
    let md = ok(&[&args[..], &["md"]].concat());
    assert_no_raw_controls(&md);
    assert!(md.contains(
        "- title: &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` \\[l\\](javascript:alert(2))\n"
    ), "{md}");
    assert!(md.contains(
        "- description: first line \\`\\`\\` closes a fence?  \n  \\# not a heading  \n  &lt;img src=x onerror=alert(3)&gt; \\\\x1b\\]0;pwned\\\\x07\n"
    ), "{md}");
    // The query's own ``` cannot close the fence around it.
    assert!(md.ends_with(
        "\n\nquery:\n\n````sql\nevent.eventName: NoSuchEvent and \"``` </pre><img src=y>\" | select \"event.userIdentity.userName\" as caller, count(1) as cnt group by caller\n````\n"
    ), "{md}");
    let html = ok(&[&args[..], &["html"]].concat());
    assert_inert_page(&html);
    assert!(html.contains(
        "<dt>title</dt><dd>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; | `x` [l](javascript:alert(2))</dd>"
    ), "{html}");
    assert!(
        html.contains("&lt;&#x2f;pre&gt;")
            || html.contains("&quot;``` &lt;/pre&gt;&lt;img src=y&gt;&quot;")
    );
    assert!(
        html.contains(
            "\n# not a heading\n&lt;img src=x onerror=alert(3)&gt; \\x1b]0;pwned\\x07</dd>"
        ),
        "{html}"
    );
}
