#!/usr/bin/env python3
"""Writes events.ndjson: the KMS investigation fixture (see README.md). Deterministic."""
import json

ACCOUNT = "1111222233334444"
K1, K2, K3 = "key-aaa111", "key-aaa1112", "1b2c3d4e-0000-4000-8000-00000000abcd"
USERS = {
    "alice": ({"type": "ram-user", "userName": "alice", "principalId": "2001", "accountId": ACCOUNT, "accessKeyId": "LTAI5tALICE001"}, "198.51.100.1"),
    "bob": ({"type": "ram-user", "userName": "bob", "principalId": "2002", "accountId": ACCOUNT, "accessKeyId": "LTAI5tBOB0002"}, "203.0.113.7"),
    "carol": ({"type": "ram-user", "userName": "carol", "principalId": "2003", "accountId": ACCOUNT, "accessKeyId": "LTAI5tCAROL03"}, "203.0.113.99"),
    "mallory": ({"type": "ram-user", "userName": "mallory", "principalId": "2666", "accountId": ACCOUNT, "accessKeyId": "LTAI5tMALL666"}, "198.18.0.66"),
    "root": ({"type": "root-account", "userName": "root", "principalId": ACCOUNT, "accountId": ACCOUNT, "accessKeyId": "LTAI5tROOT000"}, "198.51.100.200"),
    "svc": ({"type": "assumed-role", "userName": "app-role:svc", "principalId": "3001:svc", "accountId": ACCOUNT, "accessKeyId": "STS.NSvc0001"}, "10.0.0.5"),
}


def event(n, time, name, who, request=None, response=None, error=None, ip=None, key=None):
    identity, default_ip = USERS[who]
    ev = {
        "eventId": f"k-{n:02d}", "eventVersion": 1, "eventTime": f"2024-05-01T{time}Z",
        "eventType": "ApiCall", "eventCategory": "Management",
        "eventRW": "Read" if name.startswith(("Describe", "Decrypt", "Encrypt", "Generate")) else "Write",
        "eventSource": "kms.cn-hangzhou.aliyuncs.com", "eventName": name, "serviceName": "Kms",
        "acsRegion": "cn-hangzhou", "sourceIpAddress": ip or default_ip,
        "userAgent": "AlibabaCloud (Linux; amd64) Python/3.11 Core/2.13", "requestId": f"00000000-0000-4000-8000-0000000000{n:02d}",
        "apiVersion": "2016-01-20", "userIdentity": identity, "recipientAccountId": ACCOUNT,
        "requestParameters": dict(request or {}),
    }
    if response is not None:
        ev["responseElements"] = response
    if error:
        ev["errorCode"], ev["errorMessage"] = error
    if key:
        ev["resourceType"], ev["resourceName"] = "ACS::KMS::Key", key
    return ev


events = [
    event(1, "01:00:00", "CreateKey", "alice", {"KeySpec": "Aliyun_AES_256"}, {"KeyMetadata": {"KeyId": K1, "KeyState": "Enabled"}}),
    event(2, "01:10:00", "CreateAlias", "alice", {"AliasName": "alias/payments", "KeyId": K1}, key=K1),
    event(3, "02:00:00", "Encrypt", "svc", {"KeyId": "alias/payments", "Plaintext": "****"}),
    event(4, "02:05:00", "Decrypt", "svc", {"CiphertextBlob": "****"}, {"KeyId": K1, "KeyVersionId": "v1"}),
    event(5, "02:06:00", "Decrypt", "svc", {"CiphertextBlob": "****"}, {"KeyId": K1, "KeyVersionId": "v1"}, ip="10.0.0.6"),
    event(6, "02:10:00", "GenerateDataKey", "svc", {"KeyId": f"acs:kms:cn-hangzhou:{ACCOUNT}:key/{K1}", "KeySpec": "AES_256"}),
    event(7, "03:00:00", "CreateKey", "bob", {"KeySpec": "Aliyun_AES_256"}, {"KeyMetadata": {"KeyId": K2, "KeyState": "Enabled"}}),
    event(8, "03:05:00", "Encrypt", "svc", {"KeyId": K2, "Plaintext": "****"}, ip="10.0.0.9", key=K2),
    event(9, "04:00:00", "DisableKey", "bob", {"KeyId": K1}, key=K1),
    event(10, "04:30:00", "Encrypt", "svc", {"KeyId": K1, "Plaintext": "****"}, error=("Forbidden.KeyNotEnabled", "The key is not enabled."), key=K1),
    event(11, "05:00:00", "EnableKey", "alice", {"KeyId": K1}, key=K1),
    event(12, "06:00:00", "ScheduleKeyDeletion", "mallory", {"KeyId": K2, "PendingWindowInDays": 7}, key=K2),
    event(13, "07:00:00", "CancelKeyDeletion", "alice", {"KeyId": K2}, key=K2),
    event(14, "08:00:00", "UpdateAlias", "alice", {"AliasName": "alias/payments", "KeyId": K2}, key=K2),
    event(15, "09:00:00", "Encrypt", "svc", {"KeyId": "alias/payments", "Plaintext": "****"}, ip="10.0.0.9"),
    event(16, "10:00:00", "ScheduleKeyDeletion", "root", {"KeyId": K3, "PendingWindowInDays": "30"}, key=K3),
    event(17, "10:05:00", "DescribeKey", "carol", {"KeyId": K1}, error=("Forbidden.NoPermission", "This action is not authorized."), key=K1),
    event(19, "12:00:00", "SetDeletionProtection", "alice", {"ProtectedResourceArn": f"acs:kms:cn-hangzhou:{ACCOUNT}:key/{K1}", "EnableDeletionProtection": False, "KeyId": K1}, key=K1),
    event(20, "12:30:00", "UpdateRotationPolicy", "alice", {"KeyId": K2, "EnableAutomaticRotation": False}, key=K2),
    event(21, "02:07:00", "Decrypt", "svc", {"CiphertextBlob": "****"}, {"KeyId": K1, "KeyVersionId": "v1"}),
]
ecs = event(18, "11:00:00", "DescribeInstances", "alice", {"RegionId": "cn-hangzhou"})
ecs.update({"serviceName": "Ecs", "eventSource": "ecs.aliyuncs.com", "apiVersion": "2014-05-26"})
events.append(ecs)
events.sort(key=lambda e: e["eventId"])

with open("events.ndjson", "w") as f:
    for ev in events:
        f.write(json.dumps(ev, separators=(",", ":")) + "\n")
