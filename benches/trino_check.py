#!/usr/bin/env python3
"""Check of `keytrail translate --to trino` without a Trino server (none runs offline here).

For every case of tests/cases/sql/*.toml and every published query with an SQL part
(../shared/real-queries/queries.jsonl, when present):

1. syntax: the translation parses with sqlglot's Trino dialect (a failure exits 1);
2. results, where sqlglot transpiles it to DuckDB and DuckDB runs it over the store's Parquet
   files (written by the keytrail binary): rows compared with the case's rows (SQL suite) or
   with `keytrail query --format json` (published queries). This is an indirect check: a
   difference can be sqlglot's or DuckDB's, so it is reported, not failed.

    python3 benches/trino_check.py
"""
import json
import pathlib
import sys
import tempfile
import tomllib

import duckdb
import sqlglot

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import spark_diff as common  # noqa: E402 - shares the renderers and the store setup

ROOT = common.ROOT


def translate(statement):
    out = common.keytrail("translate", "--to", "trino", statement, "--tz", common.ZONE,
                          check=False)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[0]
    return out.stdout, None


def duck_rows(con, query):
    sql = sqlglot.transpile(query, read="trino", write="duckdb")[0]
    cur = con.execute(sql)
    header = [d[0] for d in cur.description]
    return header, cur.fetchall()


def main():
    if not common.BIN.exists():
        print(f"skipped: Trino check: no keytrail binary at {common.BIN}")
        return 0
    statements = []
    for path in sorted((ROOT / "tests/cases/sql").glob("*.toml")):
        for case in tomllib.loads(path.read_text()).get("case", []):
            if not case.get("filter"):
                statements.append((case["name"], "* | " + case["sql"], case))
    if common.REAL.exists():
        for line in common.REAL.read_text().splitlines():
            q = json.loads(line) if line.strip() else None
            if q and q["sql_part"]:
                s = q["query"] if q["search_part"] is not None else "* | " + q["sql_part"]
                for k, v in common.PLACEHOLDERS.items():
                    s = s.replace(k, v)
                statements.append((q["id"], s, None))
    with tempfile.TemporaryDirectory() as tmp:
        store = pathlib.Path(tmp) / "store"
        common.ingest(ROOT / "testdata/sql/events.ndjson", store)
        con = duckdb.connect()
        con.execute("SET TimeZone = 'Etc/GMT-8'")
        con.execute(f"CREATE VIEW keytrail_events AS SELECT * FROM read_parquet('{store}/events/*/*.parquet', hive_partitioning = true)")
        parsed = ran = same = refused = 0
        syntax_errors, differ, not_run = [], [], []
        for name, statement, case in statements:
            script, refusal = translate(statement)
            if refusal:
                refused += 1
                continue
            query = common.statements(script)[-1]
            try:
                sqlglot.parse_one(query, read="trino")
                parsed += 1
            except sqlglot.errors.ParseError as e:
                syntax_errors.append(f"{name}: {str(e).splitlines()[0]}")
                continue
            try:
                header, rows = duck_rows(con, query)
            except Exception as e:  # noqa: BLE001 - transpiler or DuckDB gaps are reported
                not_run.append(f"{name}: {type(e).__name__}: {str(e).splitlines()[0][:160]}")
                continue
            ran += 1
            if case is not None:
                got = [[common.text(v) for v in r] for r in rows]
                want = case["rows"]
            else:
                ours = common.keytrail("query", str(store), statement, "--format", "json",
                                       "--tz", common.ZONE, check=False)
                want_rows = json.loads(ours.stdout)["rows"] if ours.returncode == 0 else []
                got = [[common.plain(v) for v in r] for r in rows]
                want = [[r.get(h) for h in header] for r in want_rows]
            if common.compare(got, want, common.has_order_by(statement)):
                same += 1
            else:
                differ.append(f"{name}: want {want[:3]} got {got[:3]}")
        total = len(statements)
        print(f"Trino SQL: {parsed} of {total - refused} translations parse with sqlglot's Trino "
              f"dialect ({refused} refused); {ran} ran on DuckDB through sqlglot, {same} of them "
              f"with keytrail's rows")
        for line in syntax_errors:
            print("  SYNTAX " + line)
        for line in differ:
            print("  differs (via sqlglot/DuckDB) " + line)
        for line in not_run:
            print("  not transpiled/run " + line)
        return 1 if syntax_errors else 0


if __name__ == "__main__":
    sys.exit(main())
