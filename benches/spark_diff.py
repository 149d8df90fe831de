#!/usr/bin/env python3
"""Differential check of `keytrail translate --to spark` on a real Spark (pyspark, local[2]).

One Spark session for every case. The stores are written by the keytrail binary
(target/release/keytrail, or $KEYTRAIL_BIN) from testdata/sql/events.ndjson (SQL suite and
published corpus) and testdata/query/events.ndjson (search suite), and registered in Spark with
the DDL of `keytrail export-sql --to spark`. Then:

1. every case of tests/cases/sql/*.toml, translated (`* | <sql>`, session zone +08:00 as the
   suite), runs on Spark and its rows are compared with the case's rows (which tests/sql.rs
   checks against keytrail);
2. every query of ../shared/real-queries/queries.jsonl with an SQL part runs on keytrail
   (`keytrail query --format json`) and on Spark, rows compared;
3. every case of tests/cases/search.toml runs on Spark as translated (the raw logs: newest
   first, 100 at most; the fixture has 40 events) and must return exactly the case's ids;
4. partition pruning: the plan of a translated query with --from/--until reads only the
   partitions of its days (Spark's PartitionFilters and the files it scans).

Rows are compared as ordered lists; when they differ only in order, the case passes with
"order differs" when the SQL has no ORDER BY or SLS leaves the order of ties open (listed).
Refusals of the translator count as failures and are listed with their reason. Tolerances are
stated per case in TOLERANCE. Prints the pass figures; exits 1 when a suite is below 95%.

    python3 benches/spark_diff.py
"""
import datetime
import json
import logging
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(os.environ.get("KEYTRAIL_BIN", ROOT / "target/release/keytrail"))
SHARED = pathlib.Path(os.environ.get("KEYTRAIL_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "real-queries/queries.jsonl"
PLACEHOLDERS = {"<YourAccessKeyId>": "LTAI5tAAAA1111"}
ZONE = "+08:00"

# Per-case tolerance, where SLS itself is not exact or the answer depends on the clock:
# columns left out of the comparison, with the reason.
TOLERANCE = {
    "now-and-current-date": (["n", "d", "f"], "now() is the clock when the query runs"),
    "date-add-and-date-diff": (["hours", "mins"], "date_diff against now()"),
}

os.environ["TZ"] = "Etc/GMT-8"  # Python renders Spark's timestamps in the session zone
time.tzset()


def keytrail(*args, check=True):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, check=check)


def ingest(fixture, store):
    keytrail("ingest", str(fixture), "--store", str(store), "-q")


def translate(statement, table="keytrail_events", extra=()):
    out = keytrail("translate", "--to", "spark", statement, "--tz", ZONE, "--table", table, *extra,
                   check=False)
    if out.returncode != 0:
        reason = out.stderr.strip().splitlines()
        return None, (reason[0] if reason else f"exit {out.returncode}")
    return out.stdout, None


def statements(script):
    """The SET lines and the query of a translation (notes are `--` comments)."""
    body = "\n".join(l for l in script.splitlines() if not l.startswith("--"))
    parts = [p.strip() for p in body.split(";\n") if p.strip()]
    parts[-1] = parts[-1].rstrip(";")
    return parts


def run_script(spark, script):
    parts = statements(script)
    for setting in parts[:-1]:
        spark.sql(setting)
    return parts[-1], spark.sql(parts[-1])


def fmt_ts(v):
    return v.strftime("%Y-%m-%d %H:%M:%S.") + f"{v.microsecond // 1000:03d}"


def plain(v):
    """A Spark value as keytrail's JSON output holds it."""
    if isinstance(v, datetime.datetime):
        return fmt_ts(v)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, (list, dict)) or hasattr(v, "asDict"):
        return json.dumps(jsonable(v), separators=(",", ":"), ensure_ascii=False)
    return v


def jsonable(v):
    if hasattr(v, "asDict"):
        return {k: jsonable(x) for k, x in v.asDict().items()}
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, datetime.datetime):
        return fmt_ts(v)
    return v


def text(v):
    """A value as the conformance suite writes it (tests/sql.rs `render`)."""
    v = plain(v)
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.1f}" if v.is_integer() else repr(v)
    return str(v)


def compare(got, want, ordered):
    if got == want:
        return "ok"
    key = lambda r: json.dumps(r, sort_keys=True, default=str)
    if sorted(got, key=key) == sorted(want, key=key):
        return "ok (order differs: " + ("ties of the ORDER BY)" if ordered else "no ORDER BY)")
    return None


def has_order_by(sql):
    return re.search(r"\border\s+by\b", re.sub(r"\([^()]*\)", "", sql), re.I) is not None


def sql_suite(spark, report):
    cases = []
    for path in sorted((ROOT / "tests/cases/sql").glob("*.toml")):
        cases += tomllib.loads(path.read_text()).get("case", [])
    for i, case in enumerate(cases):
        name, table = case["name"], "keytrail_events"
        if case.get("filter"):
            column, value = case["filter"]
            table = f"filtered_{i}"
            spark.sql(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM keytrail_events "
                      f"WHERE `{column}` = '{value}'")
        script, refusal = translate("* | " + case["sql"], table)
        if refusal:
            report.refused(name, refusal)
            continue
        try:
            _, df = run_script(spark, script)
            rows = df.collect()
        except Exception as e:  # noqa: BLE001 - Spark's errors are reported, not raised
            report.failed(name, "Spark error: " + str(e).splitlines()[0][:300], script)
            continue
        header = list(df.columns)
        got = [[text(v) for v in r] for r in rows]
        want = case["rows"]
        skip, why = TOLERANCE.get(name, ([], None))
        if skip:
            keep = [j for j, h in enumerate(header) if h not in skip]
            got = [[r[j] for j in keep] for r in got]
            want = [[r[j] for j in keep] for r in want]
        outcome = compare(got, want, has_order_by(case["sql"]))
        if header != case["header"]:
            outcome = None
        if outcome:
            report.passed(name, outcome + (f"; tolerance: {why}" if why else ""), len(got))
        else:
            report.failed(name, f"want {case['header']} {want}\n      got  {header} {got}", script)


def real_suite(spark, store, report):
    if not REAL.exists():
        print(f"skipped: published corpus: {REAL} is absent")
        return
    for line in REAL.read_text().splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if not q["sql_part"]:
            continue
        statement = q["query"] if q["search_part"] is not None else "* | " + q["sql_part"]
        for k, v in PLACEHOLDERS.items():
            statement = statement.replace(k, v)
        script, refusal = translate(statement)
        if refusal:
            report.refused(q["id"], refusal)
            continue
        ours = keytrail("query", str(store), statement, "--format", "json", "--tz", ZONE,
                        check=False)
        if ours.returncode != 0:
            report.failed(q["id"], "keytrail failed: " + ours.stderr.strip()[:300], script)
            continue
        want_rows = json.loads(ours.stdout)["rows"]  # one document: {"command", "rows", "notes"}
        try:
            _, df = run_script(spark, script)
            rows = df.collect()
        except Exception as e:  # noqa: BLE001
            report.failed(q["id"], "Spark error: " + str(e).splitlines()[0][:300], script)
            continue
        header = list(df.columns)
        got = [[plain(v) for v in r] for r in rows]
        want = [[r.get(h) for h in header] for r in want_rows]
        header_ok = not want_rows or list(want_rows[0].keys()) == header
        outcome = compare(got, want, has_order_by(q["sql_part"])) if header_ok else None
        if outcome:
            report.passed(q["id"], outcome + f" ({len(got)} rows)", len(got))
        else:
            report.failed(q["id"], f"want {want}\n      got  {header} {got}", script)


def search_suite(spark, report):
    cases = tomllib.loads((ROOT / "tests/cases/search.toml").read_text())["case"]
    every = {json.loads(l)["eventId"] for l in (ROOT / "testdata/query/events.ndjson").read_text().splitlines() if l.strip()}
    for case in cases:
        name = case["expr"] or "<empty>"
        want = set(case["ids"]) if "ids" in case else every - set(case["all_except"])
        script, refusal = translate(case["expr"], "search_events")
        if refusal:
            report.refused(name, refusal)
            continue
        try:
            _, df = run_script(spark, script)
            got = {r["event.eventId"] for r in df.collect()}
        except Exception as e:  # noqa: BLE001
            report.failed(name, "Spark error: " + str(e).splitlines()[0][:300], script)
            continue
        if got == want:
            report.passed(name, "ok", len(got))
        else:
            report.failed(name, f"missing {sorted(want - got)}, extra {sorted(got - want)}", script)


def pruning(spark, store):
    """The plan of a query over one day reads only that day's partition."""
    script, refusal = translate('event.serviceName:Kms | SELECT count(*) AS n', extra=(
        "--from", "2024-03-02T00:00:00Z", "--until", "2024-03-03T00:00:00Z"))
    assert refusal is None, refusal
    query, df = run_script(spark, script)
    plan = df._jdf.queryExecution().executedPlan().toString()
    filters = re.findall(r"PartitionFilters: \[[^\]]*\]", plan)
    files = sorted({pathlib.Path(f).parent.name for f in spark.sql(
        query.replace("SELECT count(*) AS `n`", "SELECT *")).inputFiles()})
    all_days = sorted(p.name for p in (store / "events").iterdir())
    print("partition pruning on `date` (Spark's executed plan):")
    for f in filters:
        print("  " + f)
    print(f"  partitions read: {files} of {all_days}")
    ok = bool(filters) and "date" in filters[0] and files == ["date=2024-03-02"]
    print("  pruning: " + ("yes" if ok else "NO"))
    return ok


class Report:
    def __init__(self, title):
        self.title, self.ok, self.bad, self.refusals = title, [], [], []
        self.nonempty = 0

    def passed(self, name, how, rows=None):
        self.ok.append((name, how))
        if rows:
            self.nonempty += 1

    def failed(self, name, why, script):
        self.bad.append((name, why, script))

    def refused(self, name, why):
        self.refusals.append((name, why))

    def total(self):
        return len(self.ok) + len(self.bad) + len(self.refusals)

    def show(self):
        n = self.total()
        pct = 100.0 * len(self.ok) / n if n else 0.0
        print(f"\n== {self.title}: {len(self.ok)} of {n} identical on Spark ({pct:.1f}%), "
              f"{len(self.bad)} differ, {len(self.refusals)} refused; "
              f"{self.nonempty} of the identical ones return rows")
        for name, how in self.ok:
            if how != "ok" and not how.startswith("ok ("):
                print(f"  pass {name}: {how}")
            elif "order differs" in how or "tolerance" in how:
                print(f"  pass {name}: {how}")
        for name, why in self.refusals:
            print(f"  refused {name}: {why}")
        for name, why, script in self.bad:
            print(f"  DIFFERS {name}: {why}")
            if os.environ.get("SPARK_DIFF_VERBOSE"):
                print("    " + script.replace("\n", "\n    "))
        return pct


def main():
    started = time.time()
    if not BIN.exists():
        print(f"skipped: Spark differential check: no keytrail binary at {BIN}")
        return 0
    from pyspark.sql import SparkSession

    with tempfile.TemporaryDirectory() as tmp:
        store, search_store = pathlib.Path(tmp) / "store", pathlib.Path(tmp) / "search"
        ingest(ROOT / "testdata/sql/events.ndjson", store)
        ingest(ROOT / "testdata/query/events.ndjson", search_store)
        spark = (SparkSession.builder.master("local[2]").appName("keytrail-spark-diff")
                 .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                 .config("spark.sql.warehouse.dir", str(pathlib.Path(tmp) / "warehouse"))
                 .getOrCreate())
        spark.sparkContext.setLogLevel("OFF")
        logging.disable(logging.CRITICAL)  # pyspark logs every failing query's stack as JSON
        booted = time.time()
        print(f"Spark {spark.version} local[2] up in {booted - started:.1f} s")
        for table, where in (("keytrail_events", store), ("search_events", search_store)):
            ddl = keytrail("export-sql", "--to", "spark", "--location", str(where),
                           "--table", table).stdout
            for stmt in statements(ddl):
                spark.sql(stmt)
        print("tables registered with `keytrail export-sql --to spark`: " + ", ".join(
            f"{t} ({spark.sql(f'SELECT count(*) FROM {t}').collect()[0][0]} events)"
            for t in ("keytrail_events", "search_events")))
        pruned = pruning(spark, store)
        reports = [Report("SQL conformance suite"), Report("published queries with an SQL part"),
                   Report("search conformance suite")]
        sql_suite(spark, reports[0])
        real_suite(spark, store, reports[1])
        search_suite(spark, reports[2])
        figures = [r.show() for r in reports if r.total()]
        spark.stop()
    print(f"\nSpark tier: {time.time() - started:.0f} s in all ({booted - started:.0f} s to start Spark)")
    low = [f for f in figures if f < 95.0]
    return 1 if low or not pruned else 0


if __name__ == "__main__":
    sys.exit(main())
