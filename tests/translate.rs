//! Integration tests of `keytrail translate` and `keytrail export-sql`: golden files of the
//! emitted Spark and Trino SQL for every case of the search and SQL conformance suites
//! (`tests/golden/translate/`), digests of the translations of the published queries
//! (`../shared/real-queries/`, never copied here), and the commands' exact outputs and errors.
//! `KEYTRAIL_BLESS=1 cargo test --release --test integration translate` rewrites the golden
//! files; review the diff. The results on a real Spark are checked by `benches/spark_diff.py`.

use std::path::PathBuf;

use keytrail::time::TimeRange;
use keytrail::translate::{translate, Dialect, Options};
use serde::Deserialize;

use crate::util::{keytrail, stderr, stdout};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden_dir() -> PathBuf {
    repo().join("tests/golden/translate")
}

fn options(dialect: Dialect, zone: &str) -> Options {
    Options {
        dialect,
        table: "keytrail_events".into(),
        zone: zone.into(),
        range: TimeRange::default(),
    }
}

/// One case's block in a golden file: its translation, or its refusal.
fn block(name: &str, statement: &str, opts: &Options) -> String {
    let body = match translate(statement, opts) {
        Ok(t) => t.script(),
        Err(r) => format!("-- refused at byte {}: {}\n", r.position, r.message),
    };
    format!("-- case: {name}\n{body}\n")
}

/// Compares `text` with the golden file `name` (or writes it with KEYTRAIL_BLESS=1).
fn check_golden(name: &str, text: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("KEYTRAIL_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with KEYTRAIL_BLESS=1)", path.display()));
    if want != text {
        let (w, g): (Vec<&str>, Vec<&str>) = (
            want.split("\n-- case: ").collect(),
            text.split("\n-- case: ").collect(),
        );
        let first = w
            .iter()
            .zip(&g)
            .position(|(a, b)| a != b)
            .unwrap_or(w.len().min(g.len()));
        panic!(
            "{name} differs from its golden file (first at block {first}):\nwant: {}\ngot:  {}",
            w.get(first).unwrap_or(&"<none>"),
            g.get(first).unwrap_or(&"<none>")
        );
    }
}

#[derive(Deserialize)]
struct SearchFile {
    case: Vec<SearchCase>,
}

#[derive(Deserialize)]
struct SearchCase {
    expr: String,
}

#[derive(Deserialize)]
struct SqlFile {
    #[serde(default)]
    case: Vec<SqlCase>,
}

#[derive(Deserialize)]
struct SqlCase {
    name: String,
    sql: String,
}

fn sql_cases() -> Vec<SqlCase> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/cases/sql"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            toml::from_str::<SqlFile>(&text).unwrap().case
        })
        .collect()
}

#[test]
fn golden_sql_of_the_search_suite() {
    let text = std::fs::read_to_string(repo().join("tests/cases/search.toml")).unwrap();
    let cases = toml::from_str::<SearchFile>(&text).unwrap().case;
    assert_eq!(cases.len(), 135);
    for (dialect, file) in [
        (Dialect::Spark, "search.spark.sql"),
        (Dialect::Trino, "search.trino.sql"),
    ] {
        let opts = options(dialect, "UTC");
        let all: String = cases
            .iter()
            .map(|c| block(&c.expr, &c.expr, &opts))
            .collect();
        assert!(
            !all.contains("-- refused"),
            "a search case was refused:\n{all}"
        );
        check_golden(file, &all);
    }
}

#[test]
fn golden_sql_of_the_sql_suite() {
    let cases = sql_cases();
    assert_eq!(cases.len(), 108);
    for (dialect, file) in [
        (Dialect::Spark, "sql.spark.sql"),
        (Dialect::Trino, "sql.trino.sql"),
    ] {
        let opts = options(dialect, "+08:00");
        let all: String = cases
            .iter()
            .map(|c| block(&c.name, &format!("* | {}", c.sql), &opts))
            .collect();
        check_golden(file, &all);
    }
}

/// The published queries' translations, as a digest per query (the corpus is not copied into
/// the repository) or the refusal's reason. A changed digest prints the new translation.
#[test]
fn golden_digests_of_the_published_queries() {
    let shared = std::env::var_os("KEYTRAIL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let path = shared.join("real-queries/queries.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        crate::util::skipped(
            "golden_digests_of_the_published_queries",
            format!("{} is absent", path.display()),
        );
        return;
    };
    let entries: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 75);
    for (dialect, file) in [
        (Dialect::Spark, "published.spark.digests"),
        (Dialect::Trino, "published.trino.digests"),
    ] {
        let opts = options(dialect, "+08:00");
        let mut lines = String::new();
        let mut changed = Vec::new();
        for e in &entries {
            let id = e["id"].as_str().unwrap();
            let statement = match e["search_part"].as_str() {
                Some(_) => e["query"].as_str().unwrap().to_string(),
                None => format!("* | {}", e["sql_part"].as_str().unwrap()),
            };
            let line = match translate(&statement, &opts) {
                Ok(t) => {
                    let script = t.script();
                    changed.push((id.to_string(), script.clone()));
                    format!("{id} {}\n", blake3::hash(script.as_bytes()).to_hex())
                }
                Err(r) => format!("{id} refused at byte {}: {}\n", r.position, r.message),
            };
            lines.push_str(&line);
        }
        if std::env::var_os("KEYTRAIL_BLESS").is_none() {
            let want = std::fs::read_to_string(golden_dir().join(file)).unwrap_or_default();
            for (w, g) in want.lines().zip(lines.lines()) {
                if w != g {
                    let id = g.split(' ').next().unwrap();
                    let script = changed
                        .iter()
                        .find(|(i, _)| i == id)
                        .map(|(_, s)| s.as_str());
                    panic!(
                        "{file}: {id} changed:\nwant {w}\ngot  {g}\n{}",
                        script.unwrap_or("")
                    );
                }
            }
        }
        check_golden(file, &lines);
    }
}

#[test]
fn translate_prints_settings_then_one_statement() {
    let out = keytrail(&[
        "translate",
        "--to",
        "spark",
        "event.eventName:DisableKey | SELECT \"event.userIdentity.userName\" AS u, count(*) AS n GROUP BY u ORDER BY n DESC LIMIT 1, 2",
        "--from",
        "2024-03-01",
        "--until",
        "2024-03-02",
        "--tz",
        "Asia/Shanghai",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d = r#"[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]"#;
    let want = format!(
        "SET spark.sql.session.timeZone=Asia/Shanghai;\n\
         SET spark.sql.ansi.enabled=true;\n\
         SELECT `event.userIdentity.userName` AS `u`, count(*) AS `n` FROM keytrail_events \
         WHERE ((coalesce(`event.eventName` RLIKE '(?iu)(?:\\\\A|{d})disablekey(?:\\\\z|{d})', FALSE)) \
         AND `__time__` >= 1709222400 AND `date` >= '2024-02-29' AND `__time__` < 1709308800 \
         AND `date` <= '2024-03-01') GROUP BY `event.userIdentity.userName` \
         ORDER BY `n` DESC NULLS LAST LIMIT 2 OFFSET 1;\n"
    );
    assert_eq!(stdout(&out), want);
}

#[test]
fn trino_folds_dotted_names_and_uses_presto_limits() {
    let out = keytrail(&[
        "translate",
        "--to",
        "trino",
        "* | SELECT \"event.eventName\" AS e, 7 / 2 AS half GROUP BY 1 LIMIT 3, 4",
        "--table",
        "hive.audit.events",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "SET TIME ZONE 'UTC';\nSELECT \"event.eventname\" AS \"e\", (7 / 2) AS \"half\" FROM \
         hive.audit.events GROUP BY \"event.eventname\" OFFSET 3 LIMIT 4;\n"
    );
}

#[test]
fn what_has_no_faithful_mapping_is_refused_with_its_position() {
    let query =
        "* | SELECT time_series(__time__, '1h', '%H:%i', '0') AS t, count(*) AS n GROUP BY t";
    let out = keytrail(&["translate", "--to", "spark", query]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error: cannot translate to Spark: time_series cannot be translated: it fills missing \
             buckets"
        ),
        "{err}"
    );
    let caret_line = err.lines().last().unwrap();
    assert_eq!(
        caret_line.find('^').unwrap() - 2,
        query.find("time_series").unwrap(),
        "{err}"
    );
    // keytrail's own errors come first, with keytrail's message.
    let out = keytrail(&["translate", "--to", "trino", "* | SELECT nope AS x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Column 'nope' cannot be resolved"),
        "{}",
        stderr(&out)
    );
    let out = keytrail(&["translate", "--to", "sqlite", "*"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown engine \"sqlite\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn hostile_text_reaches_the_sql_only_as_escapes() {
    let out = keytrail(&[
        "translate",
        "--to",
        "spark",
        "* | SELECT count(*) AS n WHERE \"event.userAgent\" = 'x\u{1b}]0;pwned\u{7}'' OR 1=1 --'",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(
        text.contains(r"= 'x\u001B]0;pwned\u0007\' OR 1=1 --'"),
        "{text}"
    );
    let out = keytrail(&[
        "translate",
        "--to",
        "trino",
        "* | SELECT 1 AS \"a\u{202e}b\"",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("control or format characters"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_sql_registers_the_store_per_engine() {
    let out = keytrail(&[
        "export-sql",
        "--to",
        "spark",
        "--location",
        "oss://bucket/store/",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("CREATE TABLE IF NOT EXISTS keytrail_events (\n  `__time__` BIGINT,\n  `__topic__` STRING,\n  `event` STRING,\n  `event.eventId` STRING,"), "{text}");
    assert!(text.contains("  `date` STRING\n)\nUSING parquet\nPARTITIONED BY (`date`)\nLOCATION 'oss://bucket/store/events';\n"), "{text}");
    assert!(
        text.ends_with("MSCK REPAIR TABLE keytrail_events;\n"),
        "{text}"
    );
    let out = keytrail(&[
        "export-sql",
        "--to",
        "athena",
        "--location",
        "s3://b/s",
        "--table",
        "audit.events",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "CREATE EXTERNAL TABLE IF NOT EXISTS `audit`.`events` (\n  `__time__` bigint,"
        ),
        "{text}"
    );
    assert!(
        text.contains("`event.useridentity.accesskeyid` string"),
        "{text}"
    );
    assert!(
        text.contains("'storage.location.template' = 's3://b/s/events/date=${date}/'"),
        "{text}"
    );
    let out = keytrail(&["export-sql", "--to", "trino", "--location", "s3://b/s"]);
    let text = stdout(&out);
    assert!(text.contains("partitioned_by = ARRAY['date']"), "{text}");
    assert!(
        text.contains("CALL system.sync_partition_metadata('default', 'keytrail_events', 'FULL');"),
        "{text}"
    );
    let out = keytrail(&[
        "export-sql",
        "--to",
        "spark",
        "--location",
        "x'; DROP TABLE y; --",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_example_in_translate_help_runs() {
    let help = stdout(&keytrail(&["translate", "--help"]));
    let examples: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("keytrail translate "))
        .collect();
    assert_eq!(examples.len(), 2, "{help}");
    for example in examples {
        let line = format!("\"$KEYTRAIL\" translate {example}");
        let out = std::process::Command::new("bash")
            .args(["-c", &line])
            .env("KEYTRAIL", env!("CARGO_BIN_EXE_keytrail"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{example}: {}", stderr(&out));
    }
}
