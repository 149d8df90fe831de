#!/usr/bin/env python3
"""Writes the hostile-input corpus beside this script (see README.md): damaged JSON arrays,
byte-order marks and UTF-16 files. Deterministic (gzip mtime 0): rerunning reproduces the same
bytes. Run from anywhere:
    python3 testdata/hostile/input/generate.py
"""
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def event(tag, i, name="Decrypt"):
    """A KMS event whose strings and nested values hold `},{` and arrays of objects, so that a
    resynchronisation that trusted raw bytes or nested boundaries would go wrong."""
    return {
        "eventId": f"hostile-{tag}-{i}", "eventVersion": 1, "eventType": "ApiCall",
        "eventName": name, "serviceName": "Kms", "eventTime": f"2024-05-01T10:{i:02d}:00Z",
        "acsRegion": "cn-hangzhou", "sourceIpAddress": "203.0.113.9",
        "userAgent": "aliyun-cli/3.0.204",
        "requestParameters": {"KeyId": "key-hzz62f1cb66fa42qo3a1c", "RegionId": "cn-hangzhou"},
        "requestParameterJson": json.dumps([{"KeyId": "k1"}, {"KeyId": "k2"}]),
        "resourceList": [{"type": "key", "id": "a"}, {"type": "key", "id": "b"}],
        "userIdentity": {"type": "ram-user", "userName": "alice", "accountId": "1234567890123456",
                         "principalId": "238902601002290", "accessKeyId": "LTAI5tQ9xRkmZ3bWfA2cD7eP"},
    }


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def cut_quote(text):
    """Drops the closing quote of the userAgent value: a cut-off string."""
    return text.replace('"userAgent":"aliyun-cli/3.0.204"', '"userAgent":"aliyun-cli/3.0.204', 1)


def one_line_array(tag, n, broken, damage):
    parts = [compact(event(tag, i)) for i in range(n)]
    parts[broken] = damage(parts[broken])
    return ("[" + ",".join(parts) + "]").encode()


def main():
    # Class 2: one broken element of an array.
    write("arrays/array-broken-start.json", one_line_array("start", 5, 0, cut_quote))
    write("arrays/array-broken-middle.json", one_line_array("middle", 5, 2, cut_quote))
    # The last element loses its closing brace: the array's `]` closes it for the splitter.
    write("arrays/array-broken-end.json", one_line_array("end", 5, 4, lambda t: t[:-1]))
    # A record cut off mid-string, the next one written right after it.
    write("arrays/array-cut-record.json",
          one_line_array("cut", 5, 1, lambda t: t[: t.index('"userAgent"') + 20]))
    pretty = json.dumps([event("pretty", i) for i in range(4)], indent=2)
    write("arrays/array-pretty-broken.json", pretty.replace(
        '"eventId": "hostile-pretty-1",', '"eventId": "hostile-pretty-1,', 1).encode())
    pages = [
        {"RequestId": "r1", "Events": [event("page", i) for i in range(3)], "NextToken": "t1"},
        {"RequestId": "r2", "Events": [event("page", i) for i in range(3, 5)], "NextToken": ""},
    ]
    text = "\n".join(json.dumps(p, indent=2) for p in pages) + "\n"
    text = text.replace('"eventId": "hostile-page-1",', '"eventId": "hostile-page-1,', 1)
    write("arrays/lookup-page-broken.json", text.encode())
    records = [{"__time__": 1714557600 + i, "__topic__": "actiontrail_audit_event",
                "__source__": "log_service", "event": compact(event("sls", i))} for i in range(3)]
    parts = [compact(r) for r in records]
    parts[1] = parts[1].replace('"actiontrail_audit_event"', '"actiontrail_audit_event', 1)
    write("arrays/getlogs-broken.json", ("[" + ",".join(parts) + "]").encode())
    parts = [compact(event("brace", i)) for i in range(3)]
    write("arrays/array-extra-brace.json", ("[" + parts[0] + "}," + parts[1] + "," + parts[2] + "]").encode())
    parts = [compact(event("close", i)) for i in range(4)]
    write("arrays/array-stray-close.json", ("[" + ",".join(parts[:2]) + "]," + ",".join(parts[2:]) + "]").encode())
    parts = [compact(event("comma", i)) for i in range(3)]
    write("arrays/array-missing-comma.json", ("[" + parts[0] + " " + parts[1] + "," + parts[2] + "]").encode())

    # Class 9: byte-order marks and UTF-16.
    bom = b"\xef\xbb\xbf"
    ndjson = "".join(compact(event("bomnd", i)) + "\n" for i in range(3)).encode()
    write("encoding/bom.ndjson", bom + ndjson)
    write("encoding/bom-array.json", bom + compact([event("bomarr", i) for i in range(2)]).encode())
    write("encoding/bom-single.json", bom + json.dumps(event("bomone", 0), indent=2).encode())
    sls = "".join(compact({"__time__": 1714557600, "__topic__": "actiontrail_audit_event",
                           "event": compact(event("bomsls", i))}) + "\n" for i in range(2))
    write("encoding/bom-sls.ndjson", bom + sls.encode())
    write("encoding/bom-lookup.json", bom + json.dumps({"Events": [event("bomlook", 0)]}, indent=2).encode())
    write("encoding/bom-ndjson.gz", gz(bom + "".join(compact(event("bomgz", i)) + "\n"
                                            for i in range(2)).encode()))
    body = compact([event("utf16", 0)])
    write("encoding/utf16le-bom.json", b"\xff\xfe" + body.encode("utf-16-le"))
    write("encoding/utf16be-bom.json", b"\xfe\xff" + body.encode("utf-16-be"))
    write("encoding/utf16le-nobom.json", body.encode("utf-16-le"))


if __name__ == "__main__":
    main()
