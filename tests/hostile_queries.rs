//! Hostile queries (issue 11, classes 6, 7, 11 and 12): IN lists, long AND/OR/`+` chains, deep
//! nesting and absurd times must plan in linear time and bounded memory, fail with a clear
//! positioned error (exit 2) or run, and never abort the process; empty key terms must not
//! match everything; aggregates over no rows are NULL; an unmapped alias is not a key. The
//! corpus is `testdata/hostile/queries/` (its README has one row per case); the large query
//! texts are built here. Every run of the binary is under a virtual-memory limit, so a
//! regression fails instead of eating the machine. The last test mutates queries and throws
//! them at the parsers and planners through the library.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use keytrail::event::normalize::{normalize, Envelope};
use keytrail::event::row::Row;
use keytrail::query::sql::SqlContext;
use keytrail::store::frame::rows_to_dataframe;
use keytrail::time::Zone;
use polars::prelude::*;

use crate::util::{stderr, stdout, testdata};

/// The virtual memory a run may map (KiB): generous for polars' thread pools and the
/// allocator's reservations, far below what the unbounded plans needed (4-6 GB, 13.7 GB, 2.5 TB).
const MEMORY_LIMIT_KB: u64 = 3_000_000;

fn corpus(name: &str) -> String {
    testdata()
        .join("hostile/queries")
        .join(name)
        .display()
        .to_string()
}

/// Runs the binary with `args` under `ulimit -v` [`MEMORY_LIMIT_KB`].
fn bounded(args: &[&str]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_keytrail"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .output()
        .expect("keytrail runs under bash")
}

/// The exit code; a run killed by a signal (an abort is SIGABRT, exit 134 in a shell) fails.
fn code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}\n{}", out.status, stderr(out)))
}

fn csv_query(source: &str, query: &str) -> Output {
    bounded(&["query", source, query, "--format", "csv"])
}

fn events() -> String {
    corpus("events.ndjson")
}

/// `"event.eventName" IN ('v0', ..., 'v{n-1}', extra...)`.
fn in_list(n: usize, extra: &[&str]) -> String {
    let mut values: Vec<String> = (0..n).map(|i| format!("'v{i}'")).collect();
    values.extend(extra.iter().map(|e| format!("'{e}'")));
    format!("\"event.eventName\" IN ({})", values.join(", "))
}

#[test]
fn an_in_list_of_5000_values_runs() {
    let sql = format!(
        "* | SELECT count(*) AS n WHERE {}",
        in_list(5000, &["Decrypt", "Encrypt"])
    );
    let out = csv_query(&events(), &sql);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n3\n".to_string()),
        "{}",
        stderr(&out)
    );
    let not_in = format!(
        "* | SELECT count(*) AS n WHERE NOT {}",
        in_list(5000, &["Decrypt"])
    );
    let out = csv_query(&events(), &not_in);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n3\n".to_string()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_in_list_of_numbers_and_one_of_expressions_run() {
    let numbers: Vec<String> = (0..5000)
        .map(|i| (1_717_236_000 + i * 7).to_string())
        .collect();
    let sql = format!(
        "* | SELECT count(*) AS n WHERE __time__ IN ({}, 1717236300.0)",
        numbers.join(", ")
    );
    let out = csv_query(&events(), &sql);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n2\n".to_string()),
        "{}",
        stderr(&out)
    );
    let mixed: Vec<String> = (0..3000).map(|i| format!("lower('V{i}')")).collect();
    let sql = format!(
        "* | SELECT count(*) AS n WHERE lower(\"event.eventName\") IN ({}, 'decrypt')",
        mixed.join(", ")
    );
    let out = csv_query(&events(), &sql);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n2\n".to_string()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_search_of_1000_and_terms_and_one_of_10000_terms_run() {
    let ands = vec!["Decrypt"; 1000].join(" and ");
    let out = csv_query(&events(), &format!("{ands} | SELECT count(*) AS n"));
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n2\n".to_string()),
        "{}",
        stderr(&out)
    );
    let implicit = vec!["alice"; 10_000].join(" ");
    let out = csv_query(&events(), &format!("{implicit} | SELECT count(*) AS n"));
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n2\n".to_string()),
        "{}",
        stderr(&out)
    );
    let mut words: Vec<String> = (0..10_000).map(|i| format!("nope{i}")).collect();
    words.push("DisableKey".into());
    let out = csv_query(
        &events(),
        &format!("{} | SELECT count(*) AS n", words.join(" or ")),
    );
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n1\n".to_string()),
        "{}",
        stderr(&out)
    );
    let fields: Vec<String> = (0..4000)
        .map(|i| format!("event.eventName:nope{i}"))
        .collect();
    let query = format!(
        "{} or event.eventName:Encrypt | SELECT count(*) AS n",
        fields.join(" or ")
    );
    let out = csv_query(&events(), &query);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n1\n".to_string()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn deep_search_nesting_is_a_positioned_error() {
    for depth in [201, 60_000] {
        let query = format!("{}Decrypt{}", "(".repeat(depth), ")".repeat(depth));
        let out = bounded(&["query", &events(), &query]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("error: nested more than 200 levels deep\n  at line 1, column 201:\n"),
            "{}",
            &err[..err.len().min(300)]
        );
    }
    let nots = format!("{}Decrypt", "not ".repeat(30_000));
    let out = bounded(&["query", &events(), &nots]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out)
        .starts_with("error: nested more than 200 levels deep\n  at line 1, column 801:\n"));
}

#[test]
fn long_sql_chains_run() {
    let plus = vec!["1"; 2000].join(" + ");
    let out = csv_query(&events(), &format!("* | SELECT {plus} AS total LIMIT 1"));
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "total\n2000\n".to_string()),
        "{}",
        stderr(&out)
    );
    let mut ors: Vec<String> = (0..2500)
        .map(|i| format!("\"event.eventName\" = 'v{i}'"))
        .collect();
    ors.push("\"event.userIdentity.userName\" = 'bob'".into());
    let out = csv_query(
        &events(),
        &format!("* | SELECT count(*) AS n WHERE {}", ors.join(" OR ")),
    );
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n2\n".to_string()),
        "{}",
        stderr(&out)
    );
    let ands = vec!["__time__ > 0"; 3000].join(" AND ");
    let out = csv_query(&events(), &format!("* | SELECT count(*) AS n WHERE {ands}"));
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n5\n".to_string()),
        "{}",
        stderr(&out)
    );
    let concat = vec!["'a'"; 2000].join(" || ");
    let out = csv_query(
        &events(),
        &format!("* | SELECT length({concat}) AS l LIMIT 1"),
    );
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "l\n2000\n".to_string()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_case_of_2500_arms_runs_and_the_first_true_arm_wins() {
    let mut arms: Vec<String> = (0..2500)
        .map(|i| format!("WHEN \"event.eventName\" = 'v{i}' THEN 'a'"))
        .collect();
    arms[10] = "WHEN \"event.eventName\" = 'Encrypt' THEN 'enc'".into();
    arms[1800] = "WHEN \"event.eventName\" = 'Decrypt' THEN 'first'".into();
    arms[2400] = "WHEN \"event.eventName\" = 'Decrypt' THEN 'second'".into();
    let query = format!(
        "* | SELECT CASE {} ELSE 'none' END AS x, count(*) AS n GROUP BY x ORDER BY x",
        arms.join(" ")
    );
    let out = csv_query(&events(), &query);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "x,n\nenc,1\nfirst,2\nnone,2\n".to_string()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn deep_sql_is_a_positioned_error() {
    let minus = vec!["1"; 3000].join(" - ");
    let query = format!("* | SELECT {minus} AS total");
    let out = bounded(&["query", &events(), &query]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with(
            "error: expression nested more than 256 levels deep (long chains of AND, OR, +, * and || \
             are fine; other operators cannot be chained that long)\n  at line 1, column 12:\n"
        ),
        "{}",
        &stderr(&out)[..300]
    );
    let parens = format!("* | SELECT {}1{} AS x", "(".repeat(60), ")".repeat(60));
    let out = bounded(&["query", &events(), &parens]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with(
            "error: syntax error: nested more than 50 levels deep (parentheses, subqueries, \
             function calls or unary operators)\n"
        ),
        "{}",
        stderr(&out)
    );
}

/// A rule file with the given `[[rule]]` query bodies, written to a temporary directory.
fn rule_file(dir: &tempfile::TempDir, name: &str, queries: &[(&str, String)]) -> String {
    let mut text = String::new();
    for (id, query) in queries {
        text.push_str(&format!(
            "[[rule]]\nid = \"{id}\"\ntitle = \"{id}\"\nseverity = \"low\"\nquery = '''{query}'''\n\
             window = \"1d\"\ncondition = \"cnt > 0\"\nentity = [\"cnt\"]\n\n"
        ));
    }
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("rule file written");
    path.display().to_string()
}

fn long_rules(dir: &tempfile::TempDir) -> String {
    let plus = vec!["1"; 2000].join(" + ");
    let ors: Vec<String> = (0..2500)
        .map(|i| format!("\"event.eventName\" = 'v{i}'"))
        .collect();
    rule_file(
        dir,
        "long.toml",
        &[
            (
                "in-list",
                format!(
                    "* | SELECT count(*) AS cnt WHERE {}",
                    in_list(5000, &["Decrypt"])
                ),
            ),
            ("plus", format!("* | SELECT {plus} - 1999 AS cnt")),
            (
                "ors",
                format!(
                    "* | SELECT count(*) AS cnt WHERE {} OR \"event.eventName\" = 'Encrypt'",
                    ors.join(" OR ")
                ),
            ),
            (
                "ands",
                format!(
                    "{} | SELECT count(*) AS cnt",
                    vec!["alice"; 1000].join(" and ")
                ),
            ),
        ],
    )
}

#[test]
fn rules_with_long_queries_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let rules = long_rules(&dir);
    let out = bounded(&["rules", "check", &rules]);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, format!("{rules}: 4 rules OK\n")),
        "{}",
        stderr(&out)
    );
    let out = bounded(&[
        "detect",
        &events(),
        "--rules",
        &rules,
        "--no-builtin",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let ids: BTreeSet<String> = stdout(&out)
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_string))
        .collect();
    assert_eq!(
        ids,
        ["ands", "in-list", "ors", "plus"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rules_with_too_deep_queries_are_refused_by_check_and_detect() {
    let rules = corpus("too-deep-rule.toml");
    let out = bounded(&["rules", "check", &rules]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        format!(
            "{rules}:3: rule three-hundred-minus: expression nested more than 256 levels deep (long \
             chains of AND, OR, +, * and || are fine; other operators cannot be chained that long)\n\
             error: 1 of 1 rules are invalid\n"
        )
    );
    let out = bounded(&["detect", &events(), "--rules", &rules, "--no-builtin"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("expression nested more than 256 levels deep"),
        "{}",
        stderr(&out)
    );
    // 200,000 subtractions: far past every recursion limit, and still no abort.
    let dir = tempfile::tempdir().unwrap();
    let huge = rule_file(
        &dir,
        "huge.toml",
        &[(
            "huge",
            format!("* | SELECT {} AS cnt", vec!["1"; 200_000].join("-")),
        )],
    );
    let out = bounded(&["rules", "check", &huge]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("expression nested more than 256 levels deep"));
    let parens = rule_file(
        &dir,
        "parens.toml",
        &[(
            "parens",
            format!(
                "{}x{} | SELECT count(*) AS cnt",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
        )],
    );
    for args in [
        vec!["rules", "check", &parens],
        vec!["detect", &events(), "--rules", &parens, "--no-builtin"],
    ] {
        let out = bounded(&args);
        assert_eq!(code(&out), 2);
        assert!(
            stderr(&out).contains("nested more than 200 levels deep"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn time_series_over_absurd_times_is_capped() {
    let times = corpus("times.ndjson");
    let query =
        "* | SELECT time_series(__time__, '1s', '%Y-%m-%d %H:%i:%s', '0') AS t, count(*) AS n \
                 GROUP BY t ORDER BY t";
    let out = csv_query(&times, query);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(
        stderr(&out).contains(
            "time_series: a window of 1s gives 315569520000 buckets between the first and the last \
             event, more than the limit of 1000000; use a wider window or a narrower --from/--to"
        ),
        "{}",
        stderr(&out)
    );
    // Within the ordinary day the same statement pads as before.
    let out = bounded(&[
        "query",
        &times,
        &format!("{query} LIMIT 10000"),
        "--format",
        "csv",
        "--from",
        "2024-06-01",
        "--to",
        "2024-06-02",
    ]);
    // Exit 1: the archive read directly holds implausible times (a problem, as ingest says).
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // 10:00:00 to 11:30:00: 5,401 one-second buckets, and the header.
    assert_eq!(stdout(&out).lines().count(), 5402);
    let out = csv_query(&events(), &query.replace("'1s'", "'1h'"));
    assert_eq!(
        (code(&out), stdout(&out)),
        (
            0,
            "t,n\n2024-06-01 10:00:00,3\n2024-06-01 11:00:00,2\n".to_string()
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn baselines_with_a_9999_sentinel_run() {
    // Before: minutes (a dense hourly series up to 9999). Now: the active hours only. The
    // learning period starts at the year-0 event, so the 2024 pairs are all first seen.
    let out = bounded(&[
        "detect",
        &corpus("times.ndjson"),
        "--baselines",
        "--no-builtin",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "severity,rule,title,start,end,entity,count,detail,sample event ids"
    );
    assert_eq!(lines.len(), 10, "{text}");
    assert_eq!(
        lines[1],
        "medium,baseline.first-seen-ak-ip,ak used with a never-seen ip,2024-06-01 10:10:00,\
         2024-06-01 10:10:01,ak=LTAI5tBOB01 ip=10.0.0.6,1,first seen after the learning period,h-03"
    );
    assert!(
        lines[1..].iter().all(|l| l.contains(",2024-06-01 1")),
        "{text}"
    );
}

#[test]
fn kms_usage_of_an_empty_key_is_a_usage_error() {
    for key in [
        "",
        "acs:kms:cn-hangzhou:1111222233334444:key/",
        "alias/",
        "::",
    ] {
        let out = bounded(&["kms", "usage", &events(), key]);
        assert_eq!(code(&out), 2, "{key:?}");
        let what = if key.starts_with("alias/") {
            "alias name"
        } else {
            "key id"
        };
        assert_eq!(
            stderr(&out),
            format!(
                "error: the key {key:?} has no {what}: give a key id (key-...), a key ARN \
                 (acs:kms:<region>:<account>:key/<id>) or an alias (alias/<name>)\n"
            )
        );
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn terms_without_tokens_match_nothing() {
    for search in [
        "\"\"",
        "\"::\"",
        "event.eventName:\"/\"",
        "event.eventName:/",
        "#\"\"",
        "nosuchfield:Decrypt",
    ] {
        let out = csv_query(&events(), &format!("{search} | SELECT count(*) AS n"));
        assert_eq!(
            (code(&out), stdout(&out)),
            (0, "n\n0\n".to_string()),
            "{search}: {}",
            stderr(&out)
        );
    }
    // A bare delimiter outside the grammar still adds no condition, as SLS drops it.
    let out = csv_query(&events(), "Decrypt '' | SELECT count(*) AS n");
    assert_eq!(stdout(&out), "n\n2\n");
}

#[test]
fn aggregates_over_no_rows_are_null() {
    let query = "* | SELECT count(*) AS n, array_agg(\"event.eventName\") AS names, \
                 sum(__time__) AS s, max_by(\"event.eventName\", __time__) AS last \
                 WHERE \"event.eventName\" = 'Nope'";
    let out = bounded(&["query", &events(), query, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        value,
        serde_json::json!({
            "command": "query",
            "rows": [{"n": 0, "names": null, "s": null, "last": null}],
            "notes": [],
        }),
        "{}",
        stdout(&out)
    );
}

#[test]
fn kms_keys_shows_an_unmapped_alias_as_unresolved() {
    let out = bounded(&["kms", "keys", &corpus("kms.ndjson"), "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "keyId,aliases,region,created,createdBy,state,firstSeen,lastSeen,calls,operations,callers,ips,errors\n\
         ,alias/ghost,cn-hangzhou,,,unresolved alias,2024-06-02 09:20:00,2024-06-02 09:30:00,2,Decrypt=1 Encrypt=1,1,1,0\n\
         key-hhh111,alias/known,cn-hangzhou,,,unknown,2024-06-02 09:00:00,2024-06-02 09:40:00,3,Encrypt=2 CreateAlias=1,2,2,0\n"
    );
    let out = bounded(&["kms", "keys", &corpus("kms.ndjson"), "--format", "ndjson"]);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().expect("a line")).expect("json");
    assert_eq!(first["key_id"], serde_json::Value::Null);
    assert_eq!(first["aliases"], serde_json::json!(["alias/ghost"]));
    assert_eq!(first["state"], "UnresolvedAlias");
}

// --- fuzz ------------------------------------------------------------------------------------

/// xorshift64*: a seeded, reproducible stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces the mutator inserts: operators, keywords, quotes, brackets, control characters,
/// escapes, non-ASCII text.
const PIECES: &[&str] = &[
    " and ",
    " or ",
    " not ",
    "(",
    ")",
    "\"",
    "'",
    "|",
    "*",
    "?",
    ":",
    "#\"",
    "\\",
    "\\\"",
    " in [",
    "]",
    " > ",
    "<=",
    "=",
    "__time__",
    "event.eventName",
    "\"event.userIdentity.userName\"",
    "key:",
    " select ",
    " from ",
    " where ",
    " group by ",
    " order by ",
    " limit ",
    "count(*)",
    "sum(",
    "array_agg(",
    "time_series(__time__, '1m', '%H:%i', '0')",
    "date_add('day', ",
    " in (",
    ",",
    " + ",
    " - ",
    " * ",
    " / ",
    " || ",
    "case when ",
    " then ",
    " else ",
    " end",
    "cast(",
    " as bigint)",
    "null",
    "1e400",
    "-9223372036854775808",
    "9223372036854775807",
    "\u{1b}[2J",
    "\u{0}",
    "\u{7}",
    "\r\n",
    "\u{202e}",
    "\u{feff}",
    "临时",
    "\\u0000",
    "\\x",
    "'\\'",
    "regexp_like(",
    "'(a|a)*b'",
    "json_extract_scalar(",
    "'$..*'",
    "split_part(",
    "substr(",
];

fn mutate(rng: &mut Rng, seeds: &[String]) -> String {
    let mut text: Vec<char> = seeds[rng.below(seeds.len())].chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(text.len() + 1);
        match rng.below(7) {
            0 | 1 => text
                .splice(at..at, PIECES[rng.below(PIECES.len())].chars())
                .for_each(drop),
            2 => {
                let end = (at + rng.below(12)).min(text.len());
                text.drain(at..end);
            }
            3 => {
                let end = (at + 1 + rng.below(30)).min(text.len());
                let piece: Vec<char> = text[at..end].to_vec();
                for _ in 0..rng.below(200) {
                    text.splice(at..at, piece.iter().copied()).for_each(drop);
                }
            }
            4 => {
                let depth = rng.below(400);
                text.splice(at..at, std::iter::repeat_n('(', depth))
                    .for_each(drop);
                text.extend(std::iter::repeat_n(')', rng.below(depth + 1)));
            }
            5 => {
                let other: Vec<char> = seeds[rng.below(seeds.len())].chars().collect();
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(40)).min(other.len());
                text.splice(at..at, other[from..to].iter().copied())
                    .for_each(drop);
            }
            _ => {
                if at < text.len() {
                    text[at] = char::from_u32(rng.below(0x250) as u32).unwrap_or('?');
                }
            }
        }
    }
    text.into_iter().collect()
}

/// Search expressions of the search conformance table, SQL of the SQL tables, and hostile
/// shapes.
fn seeds() -> Vec<String> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let search: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo.join("tests/cases/search.toml")).unwrap())
            .unwrap();
    for case in search["case"].as_array().unwrap() {
        out.push(case["expr"].as_str().unwrap().to_string());
    }
    for entry in std::fs::read_dir(repo.join("tests/cases/sql")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let cases: toml::Value = toml::from_str(&text).unwrap();
        for kind in ["case", "error"] {
            for case in cases
                .get(kind)
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(sql) = case.get("sql").and_then(|s| s.as_str()) {
                    out.push(format!("* | {sql}"));
                }
            }
        }
    }
    out.push(format!(
        "* | SELECT count(*) AS n WHERE {}",
        in_list(2000, &["Decrypt"])
    ));
    out.push(vec!["Decrypt"; 500].join(" and "));
    out.push(format!("* | SELECT {} AS x", vec!["1"; 500].join(" + ")));
    out.push(format!("{}a{}", "(".repeat(150), ")".repeat(150)));
    out
}

fn fuzz_frame() -> DataFrame {
    let text = std::fs::read_to_string(testdata().join("query/events.ndjson")).unwrap();
    let rows: Vec<_> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let envelope = Envelope {
                topic: None,
                time: None,
                origin: format!("events.ndjson#{}", i + 1),
            };
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            normalize(value.to_string().as_bytes(), &envelope, &mut Vec::new())
                .map(Row::into_owned)
                .unwrap()
        })
        .collect();
    rows_to_dataframe(&rows).unwrap()
}

/// Plans (and for one in eight, runs) mutated queries for `KEYTRAIL_FUZZ_SECS` seconds (3 by
/// default), from seed `KEYTRAIL_FUZZ_SEED`: no panic, every query error has a position inside
/// the query. It runs on a thread with an ordinary 8 MB stack, so recursion that grows with
/// the input would overflow it and abort the test.
#[test]
fn fuzzed_queries_never_panic_and_errors_have_positions() {
    let secs: u64 = std::env::var("KEYTRAIL_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("KEYTRAIL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(11);
    let runs = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || fuzz(Duration::from_secs(secs), seed))
        .unwrap()
        .join()
        .expect("fuzzing thread");
    eprintln!("fuzz: {runs} mutated queries in {secs}s (seed {seed})");
    assert!(runs > 50, "only {runs} queries in {secs}s");
}

fn fuzz(budget: Duration, seed: u64) -> usize {
    let seeds = seeds();
    let frame = fuzz_frame();
    let ctx = SqlContext {
        zone: Zone::parse("+08:00").unwrap(),
        now: 1_709_337_600,
        geoip: None,
    };
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let started = Instant::now();
    let mut runs = 0;
    while started.elapsed() < budget {
        let query = mutate(&mut rng, &seeds);
        let execute = rng.below(8) == 0;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match keytrail::query::compile(&query, frame.clone().lazy(), &ctx) {
                Ok(compiled) if execute => {
                    let _ = compiled.matched.limit(5).collect();
                    if let Some(plan) = compiled.sql {
                        let _ = plan.frame.limit(5).collect();
                    }
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(keytrail::Error::Query {
                    position, query: q, ..
                }) if position <= q.len() => Ok(()),
                Err(other) => Err(format!("{other:?}")),
            }
        }));
        let shown: String = query.chars().take(400).collect();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("error without a position in the query for {shown:?}: {e}"),
            Err(_) => panic!("panic for {shown:?} (seed {seed}, run {runs})"),
        }
        runs += 1;
    }
    runs
}

/// A search of more than 12,000 terms is refused with the same clear error by `rules check`
/// and by `detect` (before: `rules check` passed and `detect` ran out of memory at 30,000).
#[test]
fn searches_past_the_term_limit_are_refused_by_check_and_detect_alike() {
    let dir = tempfile::tempdir().unwrap();
    let terms: Vec<String> = (0..12_001).map(|i| format!("not k{i}*")).collect();
    let query = format!("{} | select count(*) as cnt", terms.join(" and "));
    let rules = rule_file(&dir, "many.toml", &[("many-terms", query)]);
    let limit = "more than 12000 search terms: split the search, or match a long value list in \
                 SQL with `... | SELECT ... WHERE key IN (...)`";
    let check = bounded(&["rules", "check", &rules]);
    assert_eq!(code(&check), 2);
    assert!(stderr(&check).contains(limit), "{}", stderr(&check));
    let detect = bounded(&["detect", &events(), "--rules", &rules, "--no-builtin"]);
    assert_eq!(code(&detect), 2);
    assert!(stderr(&detect).contains(limit), "{}", stderr(&detect));
}

/// The tokens of one term count toward the limit: `k0,k1,...` is one term whose every token
/// becomes its own matcher (5,000 took 195 MB; 170,000 in a 1 MB query would take 5 GB).
#[test]
fn tokens_of_one_term_count_toward_the_term_limit() {
    let tokens: Vec<String> = (0..12_001).map(|i| format!("k{i}")).collect();
    let out = csv_query(
        &events(),
        &format!("{} | select count(*) as n", tokens.join(",")),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than 12000 search terms"),
        "{}",
        stderr(&out)
    );
    let tokens: Vec<String> = (0..3_000).map(|i| format!("alice{i}")).collect();
    let out = csv_query(
        &events(),
        &format!("{} | select count(*) as n", tokens.join(",")),
    );
    assert_eq!((code(&out), stdout(&out)), (0, "n\n0\n".to_string()));
}

/// 10,000 distinct `and` terms (repeats are lowered once) plan and run under the memory limit.
#[test]
fn ten_thousand_distinct_and_terms_run_under_the_memory_limit() {
    let terms: Vec<String> = (0..10_000).map(|i| format!("alice{i}")).collect();
    let out = csv_query(
        &events(),
        &format!("{} | select count(*) as n", terms.join(" ")),
    );
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "n\n0\n".to_string()),
        "{}",
        stderr(&out)
    );
}

/// A key id is one word: `key/` (which matched the `key` token of every ARN) or a text of several
/// words is a usage error, never the usage of every event that holds those words.
#[test]
fn kms_usage_of_a_key_that_is_not_one_word_is_a_usage_error() {
    for key in [
        "key/",
        "key-abc 123",
        "acs:kms:cn-hangzhou:1111222233334444:key/a/b",
    ] {
        let out = bounded(&["kms", "usage", &events(), key]);
        assert_eq!(code(&out), 2, "{key:?}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: {key:?} is not a key id (a key id is one word such as key-... or a UUID): \
                 give a key id, a key ARN (acs:kms:<region>:<account>:key/<id>) or an alias \
                 (alias/<name>)\n"
            )
        );
        assert!(stdout(&out).is_empty());
    }
}
