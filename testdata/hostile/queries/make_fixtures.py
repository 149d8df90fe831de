#!/usr/bin/env python3
"""Writes the small committed fixtures of the hostile-query corpus (see README.md):
events.ndjson (ordinary KMS calls), times.ndjson (the same calls plus absurd times),
kms.ndjson (an alias the archive never maps to a key) and too-deep-rule.toml. Deterministic.
The large query texts and rule files (IN lists, long chains) are built by
tests/hostile_queries.rs itself."""
import json

ACCOUNT = "1111222233334444"


def event(n, time, name, user, ip, key=None, request=None, error=None, prefix="h"):
    ev = {
        "eventId": f"{prefix}-{n:02d}", "eventVersion": 1, "eventTime": time,
        "eventType": "ApiCall", "eventRW": "Read", "eventSource": "kms.cn-hangzhou.aliyuncs.com",
        "eventName": name, "serviceName": "Kms", "acsRegion": "cn-hangzhou",
        "sourceIpAddress": ip, "requestId": f"00000000-0000-4000-8000-0000000000{n:02d}",
        "userIdentity": {"type": "ram-user", "userName": user, "principalId": f"20{n:02d}",
                         "accountId": ACCOUNT, "accessKeyId": f"LTAI5t{user.upper()}01"},
        "requestParameters": dict(request or {}),
    }
    if key:
        ev["requestParameters"].setdefault("KeyId", key)
    if error:
        ev["errorCode"], ev["errorMessage"] = error, "denied"
    return ev


def write(path, events):
    with open(path, "w") as f:
        for ev in events:
            f.write(json.dumps(ev, separators=(",", ":")) + "\n")


calls = [
    event(1, "2024-06-01T10:00:00Z", "Decrypt", "alice", "10.0.0.5", "key-hhh111"),
    event(2, "2024-06-01T10:05:00Z", "Decrypt", "alice", "10.0.0.5", "key-hhh111"),
    event(3, "2024-06-01T10:10:00Z", "Encrypt", "bob", "10.0.0.6", "key-hhh111"),
    event(4, "2024-06-01T11:00:00Z", "DisableKey", "bob", "203.0.113.7", "key-hhh222"),
    event(5, "2024-06-01T11:30:00Z", "DescribeKey", "carol", "203.0.113.99", "key-hhh222",
          error="Forbidden.NoPermission"),
]
write("events.ndjson", calls)

absurd = calls + [
    event(6, "1970-01-01T00:00:01Z", "Decrypt", "alice", "10.0.0.5", "key-hhh111"),
    event(7, "9999-12-31T23:59:59Z", "Decrypt", "alice", "10.0.0.5", "key-hhh111"),
    event(8, "0000-01-01T00:00:00Z", "Decrypt", "alice", "10.0.0.5", "key-hhh111"),
]
write("times.ndjson", absurd)

kms = [
    event(1, "2024-06-02T09:00:00Z", "CreateAlias", "alice", "10.0.0.5", "key-hhh111",
          {"AliasName": "alias/known"}, prefix="a"),
    event(2, "2024-06-02T09:10:00Z", "Encrypt", "svc", "10.0.0.9", "alias/known", prefix="a"),
    event(3, "2024-06-02T09:20:00Z", "Encrypt", "svc", "10.0.0.9", "alias/ghost", prefix="a"),
    event(4, "2024-06-02T09:30:00Z", "Decrypt", "svc", "10.0.0.9", "alias/ghost", prefix="a"),
    event(5, "2024-06-02T09:40:00Z", "Encrypt", "svc", "10.0.0.9", "key-hhh111", prefix="a"),
]
write("kms.ndjson", kms)

minus = " - ".join(["1"] * 300)
with open("too-deep-rule.toml", "w") as f:
    f.write(f'''# A rule whose SQL is a chain of 300 subtractions: too deep, refused (see README.md).

[[rule]]
id = "three-hundred-minus"
title = "300 - terms"
severity = "low"
query = \'\'\'* | select {minus} as total\'\'\'
window = "1d"
entity = ["total"]
''')
