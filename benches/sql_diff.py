#!/usr/bin/env python3
"""Differential check of the SQL conformance cases against DuckDB.

Ingests testdata/sql/events.ndjson with the keytrail binary into a store, runs every case of
tests/cases/sql/*.toml whose SQL is portable (after mechanical rewrites: implicit FROM log,
LIMIT offset, n) in DuckDB over the store's Parquet files, and compares DuckDB's rows with the
case's expected rows (which tests/sql.rs checks against keytrail).
Cases using SLS-only functions or Presto-only semantics (integer division, arbitrary, JSON,
arrays, time zones) are skipped. Needs the `duckdb` Python package.

    python3 benches/sql_diff.py            # prints a summary, exits 1 on a mismatch
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import tomllib

import duckdb

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCALARS = ["eventId", "eventVersion", "eventTime", "eventType", "eventCategory", "eventRW", "eventSource",
           "eventName", "serviceName", "acsRegion", "isGlobal", "sourceIpAddress", "userAgent", "requestId",
           "apiVersion", "errorCode", "errorMessage", "resourceName", "resourceType", "recipientAccountId",
           "vpcId", "requestParameterJson"]
IDENTITY = ["type", "userName", "principalId", "accountId", "accessKeyId"]
SLS_ONLY = re.compile(r"date_format|date_parse|date_trunc|date_add|date_diff|from_unixtime|to_unixtime|now\(|"
                      r"current_date|time_series|json_extract|split|array_|cardinality|contains\(|histogram|"
                      r"ip_to_|arbitrary|approx_distinct|try_cast|cast\(|round\(|reverse\(|\[|/|%|"
                      r"mfaChecked|\bif\(|regexp_replace|concat\(|max_by|min_by|(?<![\".])\bevent\.", re.I)


def text(v):
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def store_rows():
    from datetime import datetime
    rows = []
    for line in (ROOT / "testdata/sql/events.ndjson").read_text().splitlines():
        e = json.loads(line)
        t = int(datetime.strptime(e["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=__import__("datetime").timezone.utc).timestamp())
        row = {"__time__": t, "__topic__": "actiontrail_audit_event", "event": json.dumps(e, ensure_ascii=False)}
        for k in SCALARS:
            row["event." + k] = text(e.get(k))
        if row["event.requestParameterJson"] is None and isinstance(e.get("requestParameters"), dict):
            row["event.requestParameterJson"] = json.dumps(e["requestParameters"], ensure_ascii=False, separators=(",", ":"))
        for k in IDENTITY:
            row["event.userIdentity." + k] = text(e.get("userIdentity", {}).get(k))
        rows.append(row)
    return rows


def top_level_insert_from(sql):
    """Inserts `from log` before the first top-level WHERE/GROUP/HAVING/ORDER/LIMIT."""
    depth, quote, i = 0, None, 0
    low = sql.lower()
    while i < len(sql):
        c = sql[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and re.match(r"\s(from|where|group\s+by|having|order\s+by|limit)\b", low[i:]):
            if re.match(r"\sfrom\b", low[i:]):
                return sql
            return sql[:i] + " from log" + sql[i:]
        i += 1
    return sql + " from log"


def translate(sql):
    sql = sql.strip().rstrip(";")
    sql = top_level_insert_from(sql)
    sql = re.sub(r"limit\s+(\d+)\s*,\s*(\d+)", r"limit \2 offset \1", sql, flags=re.I)
    return sql


def render(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.1f}" if v.is_integer() else repr(v)
    return str(v)


def store_parquet(tmp, con):
    """The Parquet files DuckDB reads: the fixture ingested by the keytrail binary into a real
    store (target/release/keytrail, or $KEYTRAIL_BIN); without a binary, a Parquet file with the
    store's columns written here from the fixture."""
    binary = pathlib.Path(os.environ.get("KEYTRAIL_BIN", ROOT / "target/release/keytrail"))
    if binary.exists():
        store = pathlib.Path(tmp) / "store"
        subprocess.run([str(binary), "ingest", str(ROOT / "testdata/sql/events.ndjson"), "--store", str(store), "-q"],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"DuckDB reads the store written by {binary}")
        return f"{store}/events/*/*.parquet"
    rows = store_rows()
    cols = list(rows[0].keys())
    src = pathlib.Path(tmp) / "events.json"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    types = ", ".join(f"'{c}': '{'BIGINT' if c == '__time__' else 'VARCHAR'}'" for c in cols)
    con.execute(f"create table raw as select * from read_json('{src}', format='newline_delimited', columns={{{types}}})")
    parquet = pathlib.Path(tmp) / "events.parquet"
    con.execute(f"copy raw to '{parquet}' (format parquet)")
    print("no keytrail binary: DuckDB reads a Parquet file written from the fixture")
    return str(parquet)


def main():
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        con.execute(f"create view log as select * from read_parquet('{store_parquet(tmp, con)}')")
        ran = skipped = 0
        failures = []
        for path in sorted((ROOT / "tests/cases/sql").glob("*.toml")):
            for case in tomllib.loads(path.read_text()).get("case", []):
                if SLS_ONLY.search(case["sql"]) or case.get("filter"):
                    skipped += 1
                    continue
                sql = translate(case["sql"])
                try:
                    got = [[render(v) for v in r] for r in con.execute(sql).fetchall()]
                except duckdb.Error as e:
                    failures.append(f"{case['name']}: duckdb error {e}\n  {sql}")
                    continue
                ran += 1
                if got != case["rows"]:
                    failures.append(f"{case['name']}:\n  {sql}\n  want {case['rows']}\n  duck {got}")
        print(f"{ran} cases compared with DuckDB, {skipped} skipped (SLS-only), {len(failures)} mismatches")
        for f in failures:
            print(f)
        sys.exit(1 if failures or ran < 30 else 0)


if __name__ == "__main__":
    main()
