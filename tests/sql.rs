//! Integration tests: the SQL part. A conformance suite of cases (`tests/cases/sql/*.toml`:
//! SQL, expected header and rows as text) over `testdata/sql/events.ndjson`, error cases with
//! positions, and every SQL part of the real published queries (when `../shared` exists).

use std::path::{Path, PathBuf};

use keytrail::event::normalize::{normalize, Envelope};
use keytrail::event::row::Row;
use keytrail::query::sql::{plan, SqlContext};
use keytrail::store::frame::rows_to_dataframe;
use keytrail::time::Zone;
use polars::prelude::*;
use serde::Deserialize;

/// One conformance case.
#[derive(Deserialize)]
struct Case {
    name: String,
    sql: String,
    /// Optional equality filter standing in for the search part: `[column, value]`.
    #[serde(default)]
    filter: Option<[String; 2]>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Whether the SLS default LIMIT applies (defaults to: no LIMIT in the SQL).
    #[serde(default)]
    default_limit: Option<bool>,
    /// Notes the plan must carry.
    #[serde(default)]
    notes: Vec<String>,
}

/// One error case.
#[derive(Deserialize)]
struct ErrorCase {
    name: String,
    sql: String,
    position: usize,
    message: String,
}

#[derive(Deserialize)]
struct CaseFile {
    #[serde(default)]
    case: Vec<Case>,
    #[serde(default)]
    error: Vec<ErrorCase>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> DataFrame {
    let text = std::fs::read_to_string(repo().join("testdata/sql/events.ndjson")).expect("fixture");
    let rows: Vec<_> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let value: serde_json::Value =
                serde_json::from_str(line).expect("fixture line is JSON");
            let envelope = Envelope {
                topic: None,
                time: None,
                origin: format!("events.ndjson#{}", i + 1),
            };
            normalize(value.to_string().as_bytes(), &envelope, &mut Vec::new())
                .map(Row::into_owned)
                .expect("fixture event normalizes")
        })
        .collect();
    rows_to_dataframe(&rows).expect("fixture frame")
}

fn ctx() -> SqlContext {
    // 2024-03-02T00:00:00Z; the session zone is UTC+8 as in SLS.
    SqlContext {
        zone: Zone::parse("+08:00").unwrap(),
        now: 1_709_337_600,
        geoip: None,
    }
}

fn render(v: AnyValue) -> String {
    match v {
        AnyValue::Null => "NULL".to_string(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(f) if f.is_finite() && f.fract() == 0.0 => format!("{f:.1}"),
        AnyValue::Float64(f) => f.to_string(),
        other => other.to_string(),
    }
}

/// A run's header, rows as text, default limit and notes.
type Outcome = (Vec<String>, Vec<Vec<String>>, Option<usize>, Vec<String>);

fn run(sql: &str, events: LazyFrame) -> Result<Outcome, String> {
    let plan = plan(sql, events, &ctx()).map_err(|e| format!("plan: {e}"))?;
    let df = plan.frame.collect().map_err(|e| format!("collect: {e}"))?;
    let header = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows = (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| render(c.get(i).expect("row in range")))
                .collect()
        })
        .collect();
    Ok((header, rows, plan.default_limit, plan.notes))
}

fn case_files() -> Vec<PathBuf> {
    let dir = repo().join("tests/cases/sql");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/cases/sql exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> CaseFile {
    let text = std::fs::read_to_string(path).expect("case file");
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn conformance_cases() {
    let events = fixture().lazy();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in case_files() {
        for case in load(&file).case {
            count += 1;
            let input = match &case.filter {
                Some([column, value]) => events
                    .clone()
                    .filter(col(column.as_str()).eq(lit(value.clone()))),
                None => events.clone(),
            };
            match run(&case.sql, input) {
                Ok((header, rows, default_limit, notes)) => {
                    let want_default = case
                        .default_limit
                        .unwrap_or(!case.sql.to_lowercase().contains(" limit "));
                    if header != case.header || rows != case.rows {
                        failures.push(format!(
                            "{}: {}\n  want {:?}\n       {:?}\n  got  {:?}\n       {:?}",
                            case.name, case.sql, case.header, case.rows, header, rows
                        ));
                    } else if default_limit.is_some() != want_default {
                        failures.push(format!("{}: default limit {:?}", case.name, default_limit));
                    } else if let Some(missing) = case
                        .notes
                        .iter()
                        .find(|n| !notes.iter().any(|g| g.contains(n.as_str())))
                    {
                        failures.push(format!(
                            "{}: missing note {missing:?} in {notes:?}",
                            case.name
                        ));
                    }
                }
                Err(e) => failures.push(format!("{}: {}\n  {e}", case.name, case.sql)),
            }
        }
    }
    assert!(count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn error_cases() {
    let events = fixture().lazy();
    let mut failures = Vec::new();
    for file in case_files() {
        for case in load(&file).error {
            match plan(&case.sql, events.clone(), &ctx()) {
                Ok(_) => failures.push(format!("{}: planned without error", case.name)),
                Err(e) if e.position != case.position || !e.message.contains(&case.message) => {
                    failures.push(format!(
                        "{}: want {:?} at {}, got {:?} at {}",
                        case.name, case.message, case.position, e.message, e.position
                    ))
                }
                Err(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seed_queries() {
    let events = fixture().lazy();
    let decrypts = events
        .clone()
        .filter(col("event.eventName").eq(lit("Decrypt")));
    let (header, rows, limit, _) = run(
        "SELECT date_format(__time__, '%Y-%m-%d %H:%i:%s') as time,\"event.eventName\" as eventName,\"event.userIdentity.userName\" as user,\"event.resourceName\" as keyId",
        decrypts,
    )
    .unwrap();
    assert_eq!(header, ["time", "eventName", "user", "keyId"]);
    assert_eq!(limit, Some(100));
    assert_eq!(rows.len(), 6);
    assert_eq!(
        rows[0],
        [
            "2024-03-01 08:11:00",
            "Decrypt",
            "bob",
            "key-hzz65f1a2b3c4d5e6f7g8"
        ]
    );
    assert_eq!(rows[2], ["2024-03-01 08:13:00", "Decrypt", "bob", "NULL"]);

    let kms = events.filter(col("event.eventSource").eq(lit("kms.aliyuncs.com")));
    let (header, rows, _, _) = run(
        "SELECT DISTINCT \"event.eventName\" as eventName,\"event.sourceIpAddress\" as ip,count(*) as num GROUP BY eventName,ip ORDER BY count(*) DESC",
        kms,
    )
    .unwrap();
    assert_eq!(header, ["eventName", "ip", "num"]);
    assert_eq!(rows[0], ["Decrypt", "47.98.10.2", "3"]);
    let total: i64 = rows.iter().map(|r| r[2].parse::<i64>().unwrap()).sum();
    assert_eq!(total, 26);
}

#[test]
fn real_queries_plan_and_run() {
    let path = repo().join("../shared/real-queries/queries.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        crate::util::skipped(
            "real_queries_plan_and_run",
            format!("{} not found", path.display()),
        );
        return;
    };
    let events = fixture().lazy();
    let mut ran = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let q: serde_json::Value = serde_json::from_str(line).expect("queries.jsonl line");
        let Some(sql) = q["sql_part"].as_str() else {
            continue;
        };
        ran += 1;
        if let Err(e) = run(sql, events.clone()) {
            failures.push(format!("{}: {e}", q["id"]));
        }
    }
    assert_eq!(ran, 57);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Outcomes of real alert queries on the fixture (the alerts the fixture is built to fire).
#[test]
fn real_queries_fire_on_the_fixture() {
    let path = repo().join("../shared/real-queries/queries.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        crate::util::skipped(
            "real_queries_fire_on_the_fixture",
            format!("{} not found", path.display()),
        );
        return;
    };
    let expected: &[(&str, &[&[&str]])] = &[
        (
            "cis-at-ecs-force-reboot",
            &[&[
                "1111222233334444",
                "300300000003:ops-session",
                "i-bp1reboot01",
                "assumed-role",
                "ops-role:ops-session",
                "cn-hangzhou",
            ]],
        ),
        (
            "cis-at-ecs-release-protec-off",
            &[&[
                "1111222233334444",
                "200100000002",
                "i-bp1prot03",
                "ram-user",
                "bob",
                "cn-hangzhou",
            ]],
        ),
        (
            "cis-at-ecs-disk-reinit",
            &[&[
                "1111222233334444",
                "200100000002",
                "d-bp1disk04",
                "RAM用户",
                "bob",
                "cn-hangzhou",
            ]],
        ),
        (
            "cis-at-rds-access-whitelist",
            &[&[
                "1111222233334444",
                "1111222233334444",
                "root-account",
                "root",
                "rm-bp1db05",
                "10.0.0.0/8,0.0.0.0/0",
            ]],
        ),
        (
            "cis-at-rds-sql-audit",
            &[&[
                "1111222233334444",
                "rm-bp1db05",
                "1111222233334444",
                "root-account",
                "root",
            ]],
        ),
        (
            "cis-at-pwd-expire-policy",
            &[&[
                "root-account",
                "root",
                "cn-hangzhou",
                "1111222233334444",
                "1111222233334444",
                "1",
            ]],
        ),
        (
            "cis-at-ram-policy-change",
            &[&[
                "1111222233334444",
                "1111222233334444",
                "AttachPolicyToUser",
                "AliyunKMSFullAccess",
                "阿里云主账号",
                "root",
            ]],
        ),
        (
            "cis-at-ecs-reboot-alot",
            &[
                &["1111222233334444", "i-bp1reboot01", "cn-hangzhou", "1"],
                &["1111222233334444", "i-bp1reboot02", "cn-hangzhou", "1"],
                &["1111222233334444", "i-bp1prot03", "cn-hangzhou", "2"],
            ],
        ),
        ("at-doc-ak-leak-by-city", &[&["26", "NULL"]]),
        ("at-doc-root-account-use", &[&["36"]]),
        (
            "ip-insight",
            &[&[r#"["cn-hangzhou","cn-shanghai"]"#, "[null]", "36"]],
        ),
        ("cis-at-cfw-ai-off", &[]),
        ("cis-at-pwd-length-policy", &[]),
    ];
    let events = fixture().lazy();
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let q: serde_json::Value = serde_json::from_str(line).expect("queries.jsonl line");
        let id = q["id"].as_str().unwrap_or_default();
        let Some((_, want)) = expected.iter().find(|(i, _)| *i == id) else {
            continue;
        };
        let sql = q["sql_part"].as_str().expect("an SQL part");
        let (_, rows, _, _) = run(sql, events.clone()).expect("runs");
        let want: Vec<Vec<String>> = want
            .iter()
            .map(|r| r.iter().map(|v| v.to_string()).collect())
            .collect();
        if rows != want {
            failures.push(format!("{id}:\n  want {want:?}\n  got  {rows:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
