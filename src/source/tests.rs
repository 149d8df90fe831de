//! Unit tests of the file readers: every layout, envelope, damage case and cap, read from
//! files written to a temporary directory.

use super::*;
use flate2::write::GzEncoder;
use std::io::Write;

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn read_bytes(name: &str, bytes: &[u8], cap: u64) -> (FileRead, Vec<Record<'static>>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut records = Vec::new();
    let read = read_file(
        &path,
        &ReadOptions {
            max_decompressed_bytes: cap,
        },
        &mut |r| records.push(r.into_owned_record()),
    );
    (read, records)
}

fn positions(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| match r {
            Record::Event(e) => format!("ok {}", e.position),
            Record::Reject(r) => format!("reject {}: {}", r.position, r.reason),
        })
        .collect()
}

const EV: &str = r#"{"eventId":"A","eventName":"Decrypt","eventTime":"2024-03-01T10:00:00Z"}"#;

#[test]
fn sniffs_gzip_by_magic_not_extension() {
    let body = format!("[{EV},{EV}]");
    let (read, recs) = read_bytes("plain.txt", &gz(body.as_bytes()), u64::MAX);
    assert_eq!((read.format.as_str(), recs.len()), ("json-array+gzip", 2));
    let (read, recs) = read_bytes("fake.gz", body.as_bytes(), u64::MAX);
    assert_eq!((read.format.as_str(), recs.len()), ("json-array", 2));
    assert_eq!(
        positions(&recs),
        vec!["ok index 0 (byte 1)", "ok index 1 (byte 74)"]
    );
}

#[test]
fn oss_name_count_is_checked() {
    let body = gz(format!("[{EV},{EV}]").as_bytes());
    let name =
        "Actiontrail_cn-hangzhou_20240301100000_1002_3_512_0123456789abcdef0123456789abcdef.gz";
    let (read, _) = read_bytes(name, &body, u64::MAX);
    assert_eq!(read.format, "oss");
    assert_eq!(read.problems, vec!["file name says 3 events, file holds 2"]);
}

#[test]
fn truncated_gzip_keeps_complete_elements() {
    let elems: Vec<String> = (0..200)
        .map(|i| EV.replace("\"A\"", &format!("\"E{i}\"")))
        .collect();
    let whole = gz(format!("[{}]", elems.join(",")).as_bytes());
    let cut = &whole[..whole.len() / 2];
    let (read, recs) = read_bytes("t.gz", cut, u64::MAX);
    let ok = recs
        .iter()
        .filter(|r| matches!(r, Record::Event(_)))
        .count();
    assert!(ok > 0 && ok < 200, "recovered {ok}");
    assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
    assert!(
        read.problems[0].starts_with("truncated or corrupt gzip after"),
        "{:?}",
        read.problems
    );
    for (i, r) in recs.iter().take(ok).enumerate() {
        let Record::Event(e) = r else { panic!() };
        assert_eq!(e.value()["eventId"], format!("E{i}"));
    }
}

#[test]
fn ndjson_broken_line_is_rejected_and_rest_kept() {
    let body = format!("{EV}\n{{\"eventId\":\"B\",broken\n\n{EV}\n");
    let (read, recs) = read_bytes("x.log", body.as_bytes(), u64::MAX);
    assert_eq!(read.format, "ndjson");
    assert!(read.problems.is_empty());
    let pos = positions(&recs);
    assert_eq!(pos[0], "ok line 1");
    assert_eq!(
        pos[1],
        "reject line 2: invalid JSON at byte 15 of the record: key must be a string"
    );
    assert_eq!(pos[2], "ok line 4");
}

#[test]
fn pretty_printed_pages_and_single_objects() {
    let body = format!(
        "{{\n  \"Events\": [{EV}, {EV}]\n}}\n{{\"Events\": {:?}}}",
        format!("[{EV}]")
    );
    let (read, recs) = read_bytes("pages.json", body.as_bytes(), u64::MAX);
    assert_eq!(read.format, "lookup-events");
    assert_eq!(
        positions(&recs),
        vec![
            "ok byte 0 Events[0]",
            "ok byte 0 Events[1]",
            &format!("ok byte {} Events[0]", 165)
        ]
    );
}

#[test]
fn cap_stops_reading_and_keeps_earlier_records() {
    let body = format!("{EV}\n{EV}\n{EV}\n");
    let (read, recs) = read_bytes("c.gz", &gz(body.as_bytes()), 100);
    assert_eq!(read.format, "ndjson+gzip");
    assert_eq!(
        read.problems,
        vec!["decompressed size exceeds cap of 100 bytes"]
    );
    assert_eq!(positions(&recs)[0], "ok line 1");
    assert_eq!(recs.len(), 2, "one event and the cut record");
}

#[test]
fn empty_and_non_json_files() {
    let (read, recs) = read_bytes("e.json", b"", u64::MAX);
    assert_eq!(
        (read.format.as_str(), read.problems.clone(), recs.len()),
        ("empty", vec!["empty file".to_string()], 0)
    );
    let (read, _) = read_bytes("w.json", b"  \n", u64::MAX);
    assert_eq!(read.problems, vec!["no JSON content: only whitespace"]);
    let (read, _) = read_bytes("b.bin", b"PK\x03\x04", u64::MAX);
    assert_eq!(
        read.problems,
        vec!["not JSON: starts with byte 0x50 at byte 0"]
    );
}

#[test]
fn array_without_end_is_a_problem() {
    let body = format!("[{EV},{EV}");
    let (read, recs) = read_bytes("a.json", body.as_bytes(), u64::MAX);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        read.problems,
        vec!["input ends inside the JSON array after 2 elements"]
    );
    let body = format!("[{EV},{{\"eventId\":\"X\"");
    let (read, recs) = read_bytes("b.json", body.as_bytes(), u64::MAX);
    assert_eq!(
        positions(&recs)[1],
        "reject index 1 (byte 74): input ends inside this record"
    );
    assert_eq!(
        read.problems,
        vec!["input ends inside a record that starts at byte 74"]
    );
}

fn ev(id: &str) -> String {
    EV.replace("\"A\"", &format!("\"{id}\""))
}

fn outline(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| match r {
            Record::Event(e) => format!("ok {}", e.value()["eventId"].as_str().unwrap_or("?")),
            Record::Reject(r) => format!("reject {}", r.position),
        })
        .collect()
}

#[test]
fn a_cut_off_string_loses_only_its_element() {
    let broken = ev("C").replace("\"Decrypt\"", "\"Decrypt");
    let body = format!("[{},{},{broken},{},{}]", ev("A"), ev("B"), ev("D"), ev("E"));
    let (read, recs) = read_bytes("a.json", body.as_bytes(), u64::MAX);
    assert_eq!(
        outline(&recs),
        ["ok A", "ok B", "reject index 2 (byte 147)", "ok D", "ok E"]
    );
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let Record::Reject(r) = &recs[2] else {
        panic!()
    };
    assert_eq!(r.raw, broken);
    assert_eq!(
        r.reason,
        "invalid JSON at byte 37 of the record: expected `,` or `}`; bytes 147..218 \
         rejected, reading resumed at the next element (byte 219)"
    );
}

#[test]
fn a_lost_closing_brace_or_stray_brackets_lose_nothing_else() {
    let last = ev("C");
    let body = format!("[{},{},{}]", ev("A"), ev("B"), &last[..last.len() - 1]);
    let (read, recs) = read_bytes("a.json", body.as_bytes(), u64::MAX);
    assert_eq!(
        outline(&recs),
        ["ok A", "ok B", "reject index 2 (byte 147)"]
    );
    assert!(read.problems.is_empty(), "{:?}", read.problems);

    let body = format!("[{}}},{},{}],{}]", ev("A"), ev("B"), ev("C"), ev("D"));
    let (read, recs) = read_bytes("b.json", body.as_bytes(), u64::MAX);
    assert_eq!(
        outline(&recs),
        ["ok A", "reject byte 73", "ok B", "ok C", "ok D"]
    );
    assert_eq!(
        read.problems,
        ["a stray ']' ends the JSON array early, before byte 221: the elements after it were read too"]
    );
    let body = format!("[{} {}]", ev("A"), ev("B"));
    let (read, recs) = read_bytes("c.json", body.as_bytes(), u64::MAX);
    assert_eq!(outline(&recs), ["ok A", "ok B"]);
    assert_eq!(
        read.problems,
        ["missing ',' before array element 1 at byte 74"]
    );
}

#[test]
fn a_damaged_lookup_page_has_its_events_read_one_by_one() {
    let broken = ev("B").replace("\"B\"", "\"B");
    let page = format!(
        "{{\"RequestId\": \"r\", \"Events\": [{}, {broken}, {}], \"NextToken\": \"n\"}}",
        ev("A"),
        ev("C")
    );
    let next = format!("{{\"Events\": [{}]}}", ev("D"));
    let short = |recs: &[Record]| {
        positions(recs)
            .iter()
            .map(|p| p.split(':').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // One page per line, and pretty-printed pages.
    let (read, recs) = read_bytes("p.json", format!("{page}\n{next}\n").as_bytes(), u64::MAX);
    assert_eq!(read.format, "lookup-events");
    assert_eq!(
        short(&recs),
        [
            "ok line 1 Events[0]",
            "reject line 1 Events[1]",
            "ok line 1 Events[2]",
            "ok line 2 Events[0]"
        ]
    );
    assert_eq!(outline(&recs)[2..], ["ok C", "ok D"]);
    assert_eq!(read.problems.len(), 1);
    assert!(
        read.problems[0]
            .starts_with("LookupEvents page at line 1 is damaged (invalid JSON at byte"),
        "{:?}",
        read.problems
    );
    let pretty = format!("{}\n{next}", page.replacen('{', "{\n", 1));
    let (read, recs) = read_bytes("p.json", pretty.as_bytes(), u64::MAX);
    assert_eq!(
        short(&recs),
        [
            "ok byte 0 Events[0]",
            "reject byte 0 Events[1]",
            "ok byte 0 Events[2]",
            "ok byte 271 Events[0]"
        ]
    );
    assert_eq!(outline(&recs)[2..], ["ok C", "ok D"]);
    assert_eq!(read.problems.len(), 1);
}

#[test]
fn byte_order_marks_are_skipped_and_utf16_is_named() {
    let bom = "\u{feff}";
    let cases = [
        (format!("{bom}{EV}\n{EV}\n"), "ndjson", "ok line 1"),
        (format!("{bom}[{EV}]"), "json-array", "ok index 0 (byte 4)"),
        (format!("{bom}{EV}"), "json", "ok line 1"),
    ];
    for (body, format, first) in cases {
        let (read, recs) = read_bytes("b.json", body.as_bytes(), u64::MAX);
        assert_eq!(
            (read.format.as_str(), read.problems.len()),
            (format, 0),
            "{body}"
        );
        assert_eq!(positions(&recs)[0], first);
        let (read, recs) = read_bytes("b.gz", &gz(body.as_bytes()), u64::MAX);
        assert_eq!(read.format, format!("{format}+gzip"));
        assert_eq!(positions(&recs)[0], first);
    }
    let utf16: Vec<u8> = format!("[{EV}]")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let (read, recs) = read_bytes("u.json", &utf16, u64::MAX);
    assert_eq!((read.format.as_str(), recs.len()), ("utf-16", 0));
    assert_eq!(
        read.problems,
        ["UTF-16LE text without a byte-order mark: convert to UTF-8 (e.g. iconv -f UTF-16LE -t UTF-8)"]
    );
    let with_bom = [&[0xFF, 0xFE][..], &utf16[..]].concat();
    let (read, _) = read_bytes("u.json", &with_bom, u64::MAX);
    assert_eq!(
        read.problems,
        ["UTF-16 text: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"]
    );
}

#[test]
fn plain_reads_are_capped_too() {
    let body = format!("{EV}\n{EV}\n{EV}\n");
    let (read, recs) = read_bytes("c.json", body.as_bytes(), 100);
    assert_eq!(
        read.problems,
        ["file size exceeds cap of 100 bytes (--max-decompressed-bytes)"]
    );
    assert_eq!(positions(&recs)[0], "ok line 1");
}

#[test]
fn damage_in_every_element_costs_bounded_work() {
    // Each element opens one `{` too many, so the splitter reads the whole rest of the
    // file as that element every time: recovery must give up in bounded work.
    let broken = ev("X").replace("\"eventName\"", "{\"eventName\"");
    let body = format!("[{},{}]", ev("A"), vec![broken; 200_000].join(","));
    let started = std::time::Instant::now();
    let (read, recs) = read_bytes("d.json", body.as_bytes(), u64::MAX);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    assert_eq!(outline(&recs)[0], "ok A");
    assert!(recs.len() < 200_000, "gave up: {}", recs.len());
    assert!(
        read.problems
            .iter()
            .any(|p| p.starts_with("too much damage")),
        "{:?}",
        read.problems
    );
}

#[test]
fn a_fake_end_of_a_page_array_does_not_end_the_page() {
    // Damage inside B leaves `}]` that look like the end of B and of the Events array.
    let broken = r#"{"eventId":"B","x":"req"}]","userIdentity":{"type":"ram-user"}}"#;
    let body = format!(
        "{{\n\"Events\": [{}, {broken}, {}], \"NextToken\": \"\"}}\n",
        ev("A"),
        ev("C")
    );
    let (read, recs) = read_bytes("p.json", body.as_bytes(), u64::MAX);
    let ok: Vec<String> = outline(&recs)
        .into_iter()
        .filter(|r| r.starts_with("ok") && r != "ok ?")
        .collect();
    // B's valid prefix is an event; the pieces after the fake end are not events (the
    // normalizer rejects them); C is read.
    assert_eq!(ok, ["ok A", "ok B", "ok C"], "{:?}", positions(&recs));
    assert!(
        read.problems
            .iter()
            .any(|p| p.starts_with("a stray ']' ends the Events array")),
        "{:?}",
        read.problems
    );
}

#[test]
fn ndjson_whose_first_line_lost_its_brace_keeps_the_other_lines() {
    let body = format!("{}\n{}\n{}\n", &ev("A")[1..], ev("B"), ev("C"));
    let (read, recs) = read_bytes("n.ndjson", body.as_bytes(), u64::MAX);
    assert_eq!(outline(&recs), ["reject line 1", "ok B", "ok C"]);
    assert_eq!(positions(&recs)[1], "ok line 2");
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let (read, recs) = read_bytes("b.bin", b"PK\x03\x04\0\n{\"eventId\":\"x\"}", u64::MAX);
    assert_eq!(
        (read.problems, recs.len()),
        (
            vec!["not JSON: starts with byte 0x50 at byte 0".to_string()],
            0
        )
    );
}
