//! Integration tests: the one duration grammar (`src/time/duration.rs`) as each flag and file
//! that takes a duration sees it: `--from`/`--to` ages, `--interval`, a rule's `window`, and the
//! window of SQL `time_series`.

use pretty_assertions::assert_eq;

use crate::util::{keytrail, stderr, stdout, testdata};

fn fixture() -> String {
    testdata().join("query/events.ndjson").display().to_string()
}

#[test]
fn a_relative_age_outside_the_grammar_says_why() {
    let source = fixture();
    let out = keytrail(&["query", &source, "*", "--from", "5x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --from: bad relative age \"5x\": unknown unit \"x\" (units: s, m, h, d, w)\n"
    );
    let out = keytrail(&["query", &source, "*", "--to", "99999999999999999999d"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --to: bad relative age \"99999999999999999999d\": it is too long (past 2^63 seconds)\n"
    );
}

/// `--interval` takes weeks as before; a bare number (seconds before) now needs its unit.
#[test]
fn an_interval_is_auto_or_a_duration_with_its_unit() {
    let source = fixture();
    let out = keytrail(&[
        "histogram",
        &source,
        "*",
        "--interval",
        "1w",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "start,end,count\n2024-02-29T00:00:00+00:00,2024-03-07T00:00:00+00:00,40\n"
    );
    let out = keytrail(&["histogram", &source, "*", "--interval", "3600"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: bad interval \"3600\": the unit is missing, e.g. 3600s (units: s, m, h, d, w), or auto\n"
    );
}

/// A rule's window takes weeks now, like every other duration.
#[test]
fn a_rule_window_takes_weeks() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("weekly.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"weekly\"\ntitle = \"Weekly\"\nseverity = \"low\"\n\
         query = \"event.eventName: DisableKey\"\nwindow = \"1w\"\n",
    )
    .unwrap();
    let rules = rules.display().to_string();
    let out = keytrail(&[
        "rules",
        "list",
        "--rules",
        &rules,
        "--no-builtin",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "id,severity,title,window\nweekly,low,Weekly,1w\n"
    );
}

/// SLS's own window units (s, m, h, d in either case), and a window too long to count is a
/// positioned error (its wrapped value was 0 and divided by zero).
#[test]
fn a_time_series_window_is_read_with_sls_units() {
    let source = fixture();
    let statement = |window: &str| {
        format!(
            "* | select time_series(__time__, '{window}', '%Y-%m-%d %H:%i', '0') as t, \
             count(*) as n group by t order by t limit 2"
        )
    };
    let series =
        |window: &str| keytrail(&["query", &source, &statement(window), "--format", "csv"]);
    let out = series("1H");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "t,n\n2024-03-01 00:00,1\n2024-03-01 01:00,1\n"
    );
    for refused in ["1w", "144115188075855872d"] {
        let out = series(refused);
        assert_eq!(out.status.code(), Some(2), "{refused}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: time_series: bad window '{refused}' (use e.g. 30s, 5m, 1h, 1d)\n  \
                 at line 1, column 34:\n  {}\n  {}^\n",
                statement(refused),
                " ".repeat(33)
            ),
            "{refused}"
        );
    }
}
