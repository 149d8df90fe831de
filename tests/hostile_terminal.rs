//! Integration tests for terminal safety: events, file names, rules and queries written by an
//! attacker (`testdata/hostile/terminal/`, see its README) never reach the terminal as control
//! codes. Tables, summaries, notes and errors show them as visible escapes; JSON stays valid
//! JSON carrying the exact original text, with no raw unsafe character; CSV to a file or a pipe
//! is a faithful, formula-guarded copy; CSV written to a terminal (a pseudo-terminal here) is
//! escaped as tables are.

use std::ffi::OsStr;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::util::{keytrail, stderr, stdout, testdata};

fn corpus(name: &str) -> PathBuf {
    testdata().join("hostile/terminal").join(name)
}

/// The corpus ingested into a fresh store (kept alive by the returned directory).
fn store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = keytrail(&[
        "ingest",
        corpus("events.ndjson").to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (dir, store.display().to_string())
}

/// The corpus events as parsed JSON, by event id.
fn original(id: &str) -> Value {
    let text = std::fs::read_to_string(corpus("events.ndjson")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["eventId"] == id)
        .unwrap()
}

/// Characters that must never reach a terminal raw (checked here independently of keytrail's
/// own list): C0 controls but LF, DEL, C1 controls, bidi controls, zero-width and separators.
fn is_dangerous(c: char) -> bool {
    let code = c as u32;
    (code < 0x20 && c != '\n')
        || (0x7f..=0x9f).contains(&code)
        || matches!(code, 0x061c | 0x200b..=0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
        || matches!(code, 0x2028 | 0x2029 | 0xfeff | 0x00ad | 0xe0000..=0xe007f)
}

/// Asserts `bytes` are UTF-8 without any dangerous character.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| is_dangerous(c)) {
        panic!("{what}: raw {c:?} at byte {i} in:\n{text}");
    }
}

/// Runs keytrail and asserts both of its outputs are terminal-safe.
fn safe_run(args: &[&str], code: i32) -> Output {
    let out = keytrail(args);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    assert_terminal_safe(&out.stdout, &format!("stdout of {args:?}"));
    assert_terminal_safe(&out.stderr, &format!("stderr of {args:?}"));
    out
}

#[test]
fn raw_logs_table_shows_every_hostile_field_as_escapes() {
    let (_dir, store) = store();
    let out = safe_run(&["query", &store, "event.serviceName:Kms"], 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        2 + 8 + 1,
        "one line per event, no forged row:\n{text}"
    );
    assert_eq!(lines[10], "8 events matched");
    for cell in [
        r" mallory\x1b]0;pwned\x07 ",
        r" eve\r\n 2024-06-01 09:00:00   DeleteKe… ",
        r" Forbidden\x08\x08\x08\x08\x08\x08\x08… ",
        r" 张三\u{202e}gnp.exe ",
        r" 10.0.0.1\x1b[8m ",
        r" Decrypt\x1b[1A\x1b[2K ",
        r" ops\u{200b}\u{feff}\u{2028}x ",
    ] {
        assert!(text.contains(cell), "{cell} missing in:\n{text}");
    }
}

#[test]
fn sql_table_is_exact_and_aligned_by_display_width() {
    let (_dir, store) = store();
    let query = r#"event.eventId: "t-01" or event.eventId: "t-03" or event.eventId: "t-07" | select "event.eventId" as id, "event.userIdentity.userName" as user, "event.userAgent" as ua order by id"#;
    let out = safe_run(&["query", &store, query], 0);
    assert_eq!(
        stdout(&out),
        concat!(
            " id     user                      ua                    \n",
            "────── ───────────────────────── ───────────────────────\n",
            r" t-01   mallory\x1b]0;pwned\x07   curl/8\x1b[2J\x1b[1A  ",
            "\n",
            r" t-03   张三\u{202e}gnp.exe       \u{9b}31mred          ",
            "\n",
            r" t-07   alice                     literal \\x1b[2J text ",
            "\n",
        )
    );
}

#[test]
fn json_output_is_valid_and_carries_the_exact_original_text() {
    let (_dir, store) = store();
    let query = r#"* | select "event.eventId" as id, "event.userIdentity.userName" as user, "event.userAgent" as ua, "event.errorMessage" as msg, "event.eventName" as name order by id"#;
    let out = safe_run(&["query", &store, query, "--format", "json"], 0);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    for row in rows {
        let event = original(row["id"].as_str().unwrap());
        assert_eq!(row["user"], event["userIdentity"]["userName"]);
        assert_eq!(row["ua"], event["userAgent"]);
        assert_eq!(row["name"], event["eventName"]);
        if let Some(msg) = event.get("errorMessage") {
            assert_eq!(&row["msg"], msg);
        }
    }
    let out = safe_run(&["query", &store, "*", "--format", "ndjson"], 0);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 8);
    assert!(text.contains(r#""userName":"张三\u202egnp.exe""#), "{text}");
    assert!(text.contains(r#""userAgent":"\u009b31mred""#), "{text}");
    for line in text.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        let id = event["eventId"].as_str().unwrap().to_string();
        assert_eq!(event, original(&id), "{id}");
    }
}

#[test]
fn csv_to_a_file_is_a_faithful_copy_with_the_formula_guard() {
    let (dir, store) = store();
    let file = dir.path().join("out.csv");
    let query = r#"* | select "event.eventId" as id, "event.userIdentity.userName" as user, "event.userAgent" as ua order by id"#;
    let out = keytrail(&["query", &store, query, "--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_terminal_safe(&out.stderr, "stderr");
    let expected = concat!(
        "id,user,ua\n",
        "t-01,mallory\x1b]0;pwned\x07,curl/8\x1b[2J\x1b[1A\n",
        "t-02,\"eve\r\n 2024-06-01 09:00:00   DeleteKey   admin\",sdk\n",
        "t-03,张三\u{202e}gnp.exe,\u{9b}31mred\n",
        "t-04,ops\u{200b}\u{feff}\u{2028}x,sdk\n",
        "t-05,\"' =HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",\"'\n=1+1\"\n",
        "t-06,alice,sdk\n",
        "t-07,alice,literal \\x1b[2J text\n",
        "t-08,alice,sdk\n",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    // To a pipe, CSV on stdout is the same faithful copy.
    let out = keytrail(&["query", &store, query, "--format", "csv"]);
    assert_eq!(stdout(&out), expected);
}

#[test]
fn kms_reports_escape_hostile_users_agents_keys_and_aliases() {
    let (_dir, store) = store();
    let lifecycle = stdout(&safe_run(&["kms", "lifecycle", &store], 0));
    for cell in [
        r" mallory\x1b]0;pwned\x07 ",
        r" eve\r\n 2024-06-01 09:00:00   DeleteKey   admin ",
        r" Forbidden\x08\x08\x08\x08\x08\x08\x08\x08\x08OK",
        r#"  =HYPERLINK("http://evil","x") "#,
    ] {
        assert!(lifecycle.contains(cell), "{cell} missing in:\n{lifecycle}");
    }
    let usage = stdout(&safe_run(&["kms", "usage", &store, "key-hostile1"], 0));
    for cell in [r" Decrypt\x1b[1A\x1b[2K ", r" 10.0.0.1\x1b[8m "] {
        assert!(usage.contains(cell), "{cell} missing in:\n{usage}");
    }
    let by_user = stdout(&safe_run(
        &["kms", "usage", &store, "key-hostile1", "--by", "user"],
        0,
    ));
    assert!(by_user.contains(r" 张三\u{202e}gnp.exe "), "{by_user}");
    let keys = stdout(&safe_run(&["kms", "keys", &store], 0));
    // A value cut to fit keeps its escapes whole: `alias/pay\u{202e}\x07` loses `\x07`, not
    // half of it.
    for cell in [
        r" key-evil\x1b]0;x\x07 ",
        r" alias/pay\u{202e}… ",
        r" cn-hangzhou\x1b[5m ",
    ] {
        assert!(keys.contains(cell), "{cell} missing in:\n{keys}");
    }
}

#[test]
fn detect_findings_name_hostile_entities_as_escapes() {
    let (_dir, store) = store();
    let rules = corpus("rules.toml");
    let out = safe_run(
        &[
            "detect",
            &store,
            "--no-builtin",
            "--rules",
            rules.to_str().unwrap(),
        ],
        1,
    );
    let text = stdout(&out);
    for entity in [
        r" caller=mallory\x1b]0;pwned\x07 ",
        r" caller=eve\r\n 2024-06-01 09:00:00   DeleteKey   admin ",
        r" caller=张三\u{202e}gnp.exe ",
        r" caller=ops\u{200b}\u{feff}\u{2028}x ",
    ] {
        assert!(text.contains(entity), "{entity} missing in:\n{text}");
    }
    assert!(text.ends_with("\n6 findings\n"), "{text}");
    let out = safe_run(
        &[
            "detect",
            &store,
            "--no-builtin",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
        ],
        1,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let users: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["entity"]["caller"].as_str().unwrap())
        .collect();
    assert!(users.contains(&"mallory\x1b]0;pwned\x07"), "{users:?}");
}

#[test]
fn rules_list_and_show_escape_a_hostile_rule_pack() {
    let rules = corpus("rules.toml");
    let rules = rules.to_str().unwrap();
    let list = stdout(&safe_run(
        &["rules", "list", "--no-builtin", "--rules", rules],
        0,
    ));
    assert!(
        list.contains(r" retitle\x1b]0;pwned\x07 \u{202e}evil "),
        "{list}"
    );
    let show = stdout(&safe_run(
        &["rules", "show", "hostile-title", "--rules", rules],
        0,
    ));
    assert!(
        show.contains("title:       retitle\\x1b]0;pwned\\x07 \\u{202e}evil\n"),
        "{show}"
    );
    assert!(
        show.contains("description: first line\\r\nsecond line \\u{9b}2J\n"),
        "{show}"
    );
}

#[test]
fn histogram_and_event_are_terminal_safe() {
    let (_dir, store) = store();
    let out = safe_run(&["histogram", &store, "*", "--interval", "1h"], 0);
    assert!(stdout(&out).starts_with("8 events, "), "{}", stdout(&out));
    for id in ["t-01", "t-02", "t-04", "t-08"] {
        let out = safe_run(&["event", &store, id], 0);
        let event: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(event, original(id));
    }
    let out = safe_run(&["event", &store, "no-such\x1b]0;pwned\x07"], 1);
    assert_eq!(
        stderr(&out),
        "no event with id \"no-such\\x1b]0;pwned\\x07\"\n"
    );
}

#[test]
fn ingest_summary_shows_a_hostile_file_name_from_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let name = OsStr::from_bytes(b"evil\x1b]0;pwned\x07\xff\r\x1b[2K.ndjson");
    let good = std::fs::read_to_string(corpus("events.ndjson")).unwrap();
    let good = good.lines().next().unwrap();
    let body = format!("{good}\n{{\"eventId\": \"x\x1b[2J\u{202e}\n");
    std::fs::write(input.join(name), body).unwrap();
    let store = dir.path().join("store");
    let out = safe_run(
        &[
            "ingest",
            input.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
        ],
        1,
    );
    let text = stdout(&out);
    let line = format!(
        "  {}/evil\\x1b]0;pwned\\x07\\xff\\r\\x1b[2K.ndjson: 1 rejected (",
        input.display()
    );
    assert!(text.contains(&line), "{line} missing in:\n{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn query_errors_echo_the_query_escaped_with_an_aligned_caret() {
    let (_dir, store) = store();
    let query = "event.userAgent: \"\x1b]0;pwned\x07\" and (event.eventName: \u{202e}x";
    let out = safe_run(&["query", &store, query], 2);
    let text = stderr(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[2],
        r#"  event.userAgent: "\x1b]0;pwned\x07" and (event.eventName: \u{202e}x"#
    );
    let caret = lines[3].find('^').unwrap();
    assert_eq!(&lines[2][caret..caret + 1], "(", "{text}");
    // Wide characters before the error position: the caret counts display columns.
    let query = "event.userName: 张三 and (x";
    let out = safe_run(&["query", &store, query], 2);
    let text = stderr(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[2], "  event.userName: 张三 and (x");
    assert_eq!(lines[3], format!("  {}^", " ".repeat(25)));
}

#[test]
fn notes_explain_and_path_errors_are_escaped_once() {
    let (_dir, store) = store();
    let out = safe_run(
        &["query", &store, "* | select \"event.nosuch\u{202e}\" as x"],
        0,
    );
    assert_eq!(
        stderr(&out),
        "note: field \"event.nosuch\\u{202e}\" is not an ActionTrail field and reads as NULL\n"
    );
    let out = safe_run(&["query", &store, "event.nosuch\x1b[2J: x", "--explain"], 0);
    assert!(
        stdout(&out).starts_with("search:\n  event.nosuch\\x1b[2J: x  => "),
        "{}",
        stdout(&out)
    );
    let out = safe_run(&["query", "/nonexistent/\x1b]0;pwned\x07", "*"], 2);
    assert_eq!(
        stderr(&out),
        "error: /nonexistent/\\x1b]0;pwned\\x07: no such store, file or directory\n"
    );
}

/// Runs keytrail with its stdout on a pseudo-terminal (raw mode, so bytes arrive unchanged) and
/// returns the exit code and what the terminal received.
fn on_a_terminal(args: &[&str]) -> (Option<i32>, Vec<u8>) {
    // SAFETY: plain libc calls on descriptors this function owns.
    let (master, slave_path) = unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_str()
            .unwrap()
            .to_string();
        (OwnedFd::from_raw_fd(master), path)
    };
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(Path::new(&slave_path))
        .unwrap();
    // SAFETY: termios of the slave we just opened.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        assert_eq!(
            libc::tcgetattr(std::os::fd::AsRawFd::as_raw_fd(&slave), &mut termios),
            0
        );
        libc::cfmakeraw(&mut termios);
        let fd = std::os::fd::AsRawFd::as_raw_fd(&slave);
        assert_eq!(libc::tcsetattr(fd, libc::TCSANOW, &termios), 0);
    }
    let child = {
        let mut command = Command::new(env!("CARGO_BIN_EXE_keytrail"));
        command
            .args(args)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200")
            .stdin(Stdio::null())
            .stdout(Stdio::from(slave))
            .stderr(Stdio::null());
        command.spawn().unwrap()
    };
    let reader = std::thread::spawn(move || {
        let mut master = std::fs::File::from(master);
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        // Linux reports EIO on the master once every slave descriptor is closed.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            received.extend_from_slice(&buf[..n]);
        }
        received
    });
    let status = child.wait_with_output().unwrap().status;
    (status.code(), reader.join().unwrap())
}

#[test]
fn csv_and_json_written_to_a_terminal_are_escaped() {
    let (_dir, store) = store();
    let query = r#"event.eventId: "t-03" or event.eventId: "t-05" | select "event.eventId" as id, "event.userIdentity.userName" as user, "event.userAgent" as ua order by id"#;
    let (code, csv) = on_a_terminal(&["query", &store, query, "--format", "csv"]);
    assert_eq!(code, Some(0));
    assert_terminal_safe(&csv, "csv on a terminal");
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        concat!(
            "id,user,ua\n",
            r"t-03,张三\u{202e}gnp.exe,\u{9b}31mred",
            "\n",
            r#"t-05,"' =HYPERLINK(""http://evil"",""x"")",'\n=1+1"#,
            "\n",
        )
    );
    for format in ["json", "ndjson"] {
        let (code, json) = on_a_terminal(&["query", &store, "*", "--format", format]);
        assert_eq!(code, Some(0));
        assert_terminal_safe(&json, format);
        let text = String::from_utf8(json).unwrap();
        let events: Vec<Value> = if format == "json" {
            let doc: Value = serde_json::from_str(&text).unwrap();
            serde_json::from_value(doc["events"].clone()).unwrap()
        } else {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        assert_eq!(events.len(), 8);
        for event in events {
            assert_eq!(event, original(event["eventId"].as_str().unwrap()));
        }
    }
    let (code, event) = on_a_terminal(&["event", &store, "t-03"]);
    assert_eq!(code, Some(0));
    assert_terminal_safe(&event, "event on a terminal");
    let event: Value = serde_json::from_slice(&event).unwrap();
    assert_eq!(event, original("t-03"));
}

/// A line break inside an engine error that quotes event text (here a failed cast of a hostile
/// userAgent) stays inside the error: every line after the first is indented, so it can never
/// read as a line of keytrail's own (`error:`, `note:`).
#[test]
fn an_event_line_break_inside_an_engine_error_cannot_forge_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("e.ndjson");
    std::fs::write(
        &input,
        "{\"eventId\":\"lf-1\",\"eventName\":\"Decrypt\",\"eventTime\":\"2024-03-01T00:00:00Z\",\"userAgent\":\"x\\nerror: forged line\"}\n",
    )
    .unwrap();
    let store = dir.path().join("s");
    let (input, store) = (input.to_str().unwrap(), store.to_str().unwrap());
    assert_eq!(
        keytrail(&["ingest", input, "--store", store]).status.code(),
        Some(0)
    );
    let out = keytrail(&[
        "query",
        store,
        "* | SELECT cast(\"event.userAgent\" as bigint) as n",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: query engine: cast: cannot cast varchar 'x\n  error: forged line' to bigint\n"
    );
}
