#!/usr/bin/env python3
"""Writes the ingest fixtures under testdata/ingest/ (see README.md). Deterministic: gzip
members carry mtime 0, so rerunning reproduces the same bytes. Run from anywhere:
    python3 testdata/ingest/generate.py
"""
import gzip
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "1234567890123456"
MEMBER = "2345678901234567"
SHARED_ID = "7c1b2e54-4a0f-4c59-9b8f-6f0d2d6f1a01"  # the same Decrypt in OSS + SLS + LookupEvents
KEY = "key-hzz62f1cb66fa42qo3a1c"
KEY_UUID = "05754286-3ba2-4fa6-8d41-4323aca6b1c2"


def ram_user(name="alice", ak="LTAI5tQ9xRkmZ3bWfA2cD7eP"):
    return {"type": "ram-user", "principalId": "238902601002290", "accountId": ACCOUNT,
            "accessKeyId": ak, "userName": name}


def assumed_role():
    return {"type": "assumed-role", "principalId": "343597926003930:ci-deploy", "accountId": ACCOUNT,
            "accessKeyId": "STS.NTh4ZTJ6dW5rYmJvc2Zq", "userName": "DeployRole:ci-deploy",
            "sessionContext": {"attributes": {"mfaAuthenticated": "false",
                                              "creationDate": "2024-03-01T09:00:00Z"}}}


def kms(event_id, name, time, params, rw="Write", identity=None, response=None, region="cn-hangzhou",
        version=1, ip="203.0.113.7"):
    ev = {
        "eventId": event_id, "eventVersion": version, "eventType": "ApiCall",
        "eventCategory": "Management", "eventRW": rw, "eventName": name, "serviceName": "Kms",
        "apiVersion": "2016-01-20", "eventSource": f"kms.{region}.aliyuncs.com", "acsRegion": region,
        "isGlobal": False, "eventTime": time, "requestId": event_id, "sourceIpAddress": ip,
        "userAgent": "AlibabaCloud (Linux; amd64) Java/1.8.0_352 tea-util/0.2.16",
        "requestParameters": dict(params, RegionId=region, AcsHost=f"kms.{region}.aliyuncs.com"),
        "userIdentity": identity or ram_user(),
    }
    if "KeyId" in params:
        ev["resourceType"] = "ACS::KMS::Key"
        ev["resourceName"] = params["KeyId"]
    if response is not None:
        ev["responseElements"] = response
    return ev


def api(event_id, service, source, name, time, params, rw="Write", identity=None, **extra):
    ev = {
        "eventId": event_id, "eventVersion": "1", "eventType": "ApiCall", "eventCategory": "Management",
        "eventRW": rw, "eventName": name, "serviceName": service, "eventSource": source,
        "acsRegion": extra.pop("region", "cn-hangzhou"), "isGlobal": False, "eventTime": time,
        "requestId": event_id, "sourceIpAddress": extra.pop("ip", "198.51.100.23"),
        "userAgent": "aliyun-cli/3.0.204", "requestParameters": params,
        "userIdentity": identity or ram_user(),
    }
    ev.update(extra)
    return ev


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def write(path, data):
    full = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


def gz(data, level=9):
    return gzip.compress(data, compresslevel=level, mtime=0)


def oss(folder, region, stamp, events, claimed=None):
    body = compact(events).encode()
    packed = gz(body)
    count = len(events) if claimed is None else claimed
    md5 = hashlib.md5(packed).hexdigest()
    name = f"Actiontrail_{region}_{stamp}_1002_{count}_{len(body)}_{md5}.gz"
    write(os.path.join(folder, name), packed)


def sls(event, time, topic="actiontrail_audit_event"):
    return {"__time__": time, "__topic__": topic, "__source__": "actiontrail",
            "__tag__:__receive_time__": str(time if isinstance(time, int) else int(time) + 2),
            "event": compact(event)}


def archive():
    shared = kms(SHARED_ID, "Decrypt", "2024-03-01T10:10:00Z",
                 {"CiphertextBlob": "****", "EncryptionContext": "{\"app\":\"billing\"}"},
                 rw="Read", response={"KeyId": KEY, "KeyVersionId": "kv-1"})
    base = "archive/oss/AliyunLogs"
    oss(f"{base}/Actiontrail/cn-hangzhou/2024/03/01", "cn-hangzhou", "20240301103000", [
        kms("a1f3c5e7-0001-4b2d-8e9f-00000000c001", "CreateKey", "2024-03-01T10:05:00Z",
            {"KeySpec": "Aliyun_AES_256", "KeyUsage": "ENCRYPT/DECRYPT", "Origin": "Aliyun_KMS"},
            response={"KeyMetadata": {"KeyId": KEY, "Arn": f"acs:kms:cn-hangzhou:{ACCOUNT}:key/{KEY}"}}),
        shared,
        kms("a1f3c5e7-0003-4b2d-8e9f-00000000c003", "ScheduleKeyDeletion", "2024-03-01T10:20:00Z",
            {"KeyId": KEY, "PendingWindowInDays": 7}, identity=assumed_role()),
    ])
    oss(f"{base}/Actiontrail/rd-k8s2ab/{MEMBER}/cn-shanghai/2024/03/02", "cn-shanghai", "20240302080000", [
        api("b2e4d6f8-0001-4c3e-9fa0-00000000e001", "Ecs", "ecs.cn-shanghai.aliyuncs.com", "RunInstances",
            "2024-03-02T07:50:00Z", {"InstanceType": "ecs.g7.large", "Amount": 2, "RegionId": "cn-shanghai"},
            region="cn-shanghai", resourceType="ACS::ECS::Instance", resourceName="i-uf6f5b3xk2a9p1m0q7r8",
            recipientAccountId=MEMBER),
        api("b2e4d6f8-0002-4c3e-9fa0-00000000e002", "Ims", "ims.aliyuncs.com", "CreateUser",
            "2024-03-02T07:55:00Z", {"UserPrincipalName": "bob@example.onaliyun.com"}, region="cn-shanghai",
            recipientAccountId=MEMBER),
        api("b2e4d6f8-0003-4c3e-9fa0-00000000e003", "Sts", "sts.aliyuncs.com", "AssumeRole",
            "2024-03-02T07:58:00Z", {"RoleArn": f"acs:ram::{MEMBER}:role/deployrole",
                                     "RoleSessionName": "ci-deploy", "DurationSeconds": 3600},
            rw="Read", region="cn-shanghai", recipientAccountId=MEMBER,
            referencedResources={"ACS::RAM::Role": ["deployrole"]}),
    ], claimed=4)
    oss(f"{base}/Actiontrail-Insight/cn-hangzhou/2024/03/01", "cn-hangzhou", "20240301120000", [{
        "eventVersion": 1, "eventType": "ActionTrailInsight", "eventCategory": "Insight",
        "eventId": "c3f5e7a9-0001-4d4f-a0b1-00000000a001", "eventTime": "2024-03-01T11:00:00Z",
        "acsRegion": "cn-hangzhou", "recipientAccountId": ACCOUNT,
        "sharedEventId": "d4a6c8e0-0001-4e5a-b1c2-00000000a0ff",
        "insightDetails": {"state": "Start", "insightType": "ApiCallRateInsight",
                           "insightObject": "Kms:Decrypt",
                           "insightContext": {"statistics": {"insight": 420, "insightDuration": 5,
                                                             "baseline": 12, "baselineDuration": 10080,
                                                             "insightCount": 1}}},
    }])

    lines = [
        sls(shared, 1709287800),
        sls(kms("e5b7d9f1-0002-4f6b-b2c3-00000000d002", "GenerateDataKey", "2024-03-01T13:00:00Z",
                {"KeyId": f"acs:kms:cn-hangzhou:{ACCOUNT}:key/{KEY}", "NumberOfBytes": 32}, rw="Read"),
            1709298000),
        sls({"eventId": "1.167_1709341200123_8842", "eventVersion": 1, "eventType": "ConsoleSignin",
             "eventName": "ConsoleSignin", "eventSource": "signin.aliyun.com", "acsRegion": "cn-hangzhou",
             "isGlobal": True, "eventTime": "2024-03-02T01:00:00Z", "requestId": "1.167_1709341200123_8842",
             "sourceIpAddress": "2409:8a20:4f1:7c50::1a2b", "serviceName": "AasSub",
             "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15",
             "additionalEventData": {"loginAccount": "alice@1234567890123456.onaliyun.com",
                                     "isMFAChecked": "true", "mfaChecked": "true"},
             "userIdentity": {"type": "ram-user", "principalId": "238902601002290",
                              "accountId": ACCOUNT, "userName": "alice"}},
            "1709341200", topic="actiontrail_event"),
        sls(kms("e5b7d9f1-0004-4f6b-b2c3-00000000d004", "ListKeys", "2024-03-02T02:00:00Z",
                {"PageSize": 20}, rw="Read"), "1709344800", topic="actiontrail_event"),
    ]
    write("archive/sls/actiontrail-export.ndjson", "".join(compact(l) + "\n" for l in lines).encode())

    getlogs = [
        sls(kms("f6c8e0a2-0001-4a7c-c3d4-00000000f001", "Encrypt", "2024-03-01T14:00:00Z",
                {"KeyId": "alias/billing", "Plaintext": "****"}, rw="Read"), 1709301600),
        sls(kms("f6c8e0a2-0002-4a7c-c3d4-00000000f002", "GetSecretValue", "2024-03-01T14:05:00Z",
                {"SecretName": "prod/db-password", "VersionStage": "ACSCurrent"}, rw="Read"), 1709301900),
    ]
    write("archive/sls/getlogs.json", json.dumps(getlogs, indent=2).encode())

    page1 = {"RequestId": "9A3E3F2B-1C5D-4E6F-8A7B-0C1D2E3F4A5B", "NextToken": "eyJwYWdlIjoyfQ==",
             "StartTime": "2024-03-01T00:00:00Z", "EndTime": "2024-03-03T00:00:00Z",
             "Events": [shared,
                        kms("0a1b2c3d-0002-4b8d-d4e5-00000000b002", "DescribeKey", "2024-03-01T15:00:00Z",
                            {"KeyId": KEY_UUID}, rw="Read")]}
    page2 = {"RequestId": "9A3E3F2B-1C5D-4E6F-8A7B-0C1D2E3F4A5C", "NextToken": "",
             "StartTime": "2024-03-01T00:00:00Z", "EndTime": "2024-03-03T00:00:00Z",
             "Events": [kms("0a1b2c3d-0003-4b8d-d4e5-00000000b003", "DisableKey", "2024-03-01T16:00:00Z",
                            {"KeyId": KEY_UUID})]}
    write("archive/lookup/lookup-pages.json",
          (json.dumps(page1, indent=2) + "\n" + json.dumps(page2, indent=2) + "\n").encode())
    legacy = {"RequestId": "1B2C3D4E-5F60-4718-293A-4B5C6D7E8F90", "NextToken": "",
              "Events": compact([
                  kms("1b2c3d4e-0001-4c9e-e5f6-00000000c101", "EnableKey", "2024-03-02T09:00:00Z",
                      {"KeyId": KEY_UUID}),
                  kms("1b2c3d4e-0002-4c9e-e5f6-00000000c102", "CreateAlias", "2024-03-02T09:01:00Z",
                      {"KeyId": KEY, "AliasName": "alias/billing"}),
              ])}
    write("archive/lookup/lookup-events-string.json", json.dumps(legacy).encode())

    single = api("2c3d4e5f-0001-4dae-f607-00000000d201", "Ram", "ram.aliyuncs.com", "AttachPolicyToUser",
                 "2024-03-01T17:00:00Z", {"PolicyName": "AliyunKMSFullAccess", "PolicyType": "System",
                                          "UserName": "bob"}, isGlobal=True)
    write("archive/plain/single-event.json", (json.dumps(single, indent=4) + "\n").encode())
    array = [
        api("3d4e5f60-0001-4ebf-0718-00000000e301", "Ecs", "ecs.aliyuncs.com", "DeleteDisk",
            "2024-03-01T18:00:00Z", {"DiskId": "d-bp1abcde12345fghij67"},
            identity={"type": "system", "principalId": "ecs.aliyuncs.com", "userName": "ecs.aliyuncs.com"},
            ip="ecs.aliyuncs.com", eventAttributes={"SensitiveAction": "true"},
            resourceType="ACS::ECS::Disk", resourceName="d-bp1abcde12345fghij67"),
        api("3d4e5f60-0002-4ebf-0718-00000000e302", "Oss", "test-123.oss-cn-hangzhou.aliyuncs.com",
            "PutBucket", "2024-03-01T18:05:00Z", {"BucketName": "test-123"},
            referencedResources={"ACS::OSS::Bucket": ["test-123"]}),
    ]
    write("archive/plain/events-array.json", compact(array).encode())
    ndjson = [
        api("4e5f6071-0001-4fc0-1829-00000000f401", "Actiontrail", "actiontrail.cn-hangzhou.aliyuncs.com",
            "UpdateTrail", "2024-03-02T10:00:00Z", {"Name": "org-trail", "EventRW": "Write"},
            ip="2409:8a20:4f1:7c50::1a2b"),
        kms("4e5f6071-0002-4fc0-1829-00000000f402", "CancelKeyDeletion", "2024-03-02T10:05:00Z",
            {"KeyId": KEY}),
        kms("4e5f6071-0003-4fc0-1829-00000000f403", "ImportKeyMaterial", "2024-03-02T10:10:00Z",
            {"KeyId": KEY_UUID, "EncryptedKeyMaterial": "****", "ImportToken": "****"}),
    ]
    write("archive/plain/events.ndjson", "".join(compact(e) + "\n" for e in ndjson).encode())
    gz_ndjson = [
        kms("5f607182-0001-40d1-293a-00000000a501", "AsymmetricSign", "2024-03-02T11:00:00Z",
            {"KeyId": KEY, "KeyVersionId": "kv-2", "Algorithm": "RSA_PSS_SHA_256", "Digest": "****"},
            rw="Read"),
        kms("5f607182-0002-40d1-293a-00000000a502", "GetPublicKey", "2024-03-02T11:01:00Z",
            {"KeyId": KEY, "KeyVersionId": "kv-2"}, rw="Read"),
    ]
    write("archive/plain/kms-events.json", gz("".join(compact(e) + "\n" for e in gz_ndjson).encode()))
    pascal = {"ApiVersion": "2019-01-01", "RequestId": "60718293-0001-41e2-3a4b-00000000b601",
              "EventId": "60718293-0001-41e2-3a4b-00000000b601", "EventType": "ApiCall",
              "EventTime": "2024-03-02T12:00:00Z", "AcsRegion": "cn-hangzhou", "EventName": "GetAddress",
              "ServiceName": "AddressPurification", "EventSource": "address-purification.cn-hangzhou.aliyuncs.com",
              "RequestParameters": {"ServiceCode": "addrp", "Text": "****"},
              "UserIdentity": {"type": "ram-user", "principalId": "238902601002290", "accountId": ACCOUNT,
                               "userName": "alice", "accessKeyId": "LTAI5tQ9xRkmZ3bWfA2cD7eP"}}
    write("archive/plain/pascal-case.json", (json.dumps(pascal, indent=2) + "\n").encode())
    no_id = {"eventVersion": 1, "eventType": "ConsoleSignout", "eventName": "ConsoleSignout",
             "eventSource": "signin.aliyun.com", "acsRegion": "cn-hangzhou", "isGlobal": True,
             "eventTime": "2024-03-02T13:00:00Z", "sourceIpAddress": "203.0.113.7",
             "userAgent": "Mozilla/5.0", "serviceName": "AasSub",
             "userIdentity": {"type": "ram-user", "principalId": "238902601002290", "accountId": ACCOUNT,
                              "userName": "alice"}}
    write("archive/plain/no-event-id.json", compact(no_id).encode())


def later():
    oss("later/AliyunLogs/Actiontrail/cn-hangzhou/2024/03/03", "cn-hangzhou", "20240303090000", [
        kms("a1f3c5e7-0001-4b2d-8e9f-00000000c001", "CreateKey", "2024-03-01T10:05:00Z",
            {"KeySpec": "Aliyun_AES_256", "KeyUsage": "ENCRYPT/DECRYPT", "Origin": "Aliyun_KMS"},
            response={"KeyMetadata": {"KeyId": KEY, "Arn": f"acs:kms:cn-hangzhou:{ACCOUNT}:key/{KEY}"}}),
        kms("718293a4-0001-42f3-4b5c-00000000c701", "DeleteKeyMaterial", "2024-03-03T08:30:00Z",
            {"KeyId": KEY_UUID}),
    ])


def damaged():
    write("damaged/bad-time.json", compact([
        kms("8293a4b5-0001-4304-5c6d-00000000d801", "UpdateRotationPolicy", "2024-03-04T01:00:00Z",
            {"KeyId": KEY, "EnableAutomaticRotation": True, "RotationInterval": "365d"}),
        kms("8293a4b5-0002-4304-5c6d-00000000d802", "DisableKey", "yesterday", {"KeyId": KEY}),
    ]).encode())
    lines = [
        compact(kms("93a4b5c6-0001-4415-6d7e-00000000e901", "Decrypt", "2024-03-04T02:00:00Z",
                    {"CiphertextBlob": "****"}, rw="Read", response={"KeyId": KEY})),
        '{"eventId":"93a4b5c6-0002-4415-6d7e-00000000e902","eventName":"Encrypt","eventTime":"2024-03-04T02:0',
        compact(kms("93a4b5c6-0003-4415-6d7e-00000000e903", "Encrypt", "2024-03-04T02:02:00Z",
                    {"KeyId": KEY, "Plaintext": "****"}, rw="Read")),
    ]
    write("damaged/broken-line.ndjson", "".join(l + "\n" for l in lines).encode())
    write("damaged/empty.json", b"")
    write("damaged/not-events.json", b'{"name": "web-console", "version": "2.3.1", "private": true}\n')
    events = [kms(f"a4b5c6d7-000{i}-4526-7e8f-00000000fa0{i}", "GenerateDataKey",
                  f"2024-03-04T03:0{i}:00Z", {"KeyId": KEY, "NumberOfBytes": 32}, rw="Read")
              for i in range(6)]
    body = compact(events).encode()
    # Stored (level 0) deflate blocks: cutting the member in the middle of element 4 makes
    # exactly elements 0-3 recoverable, whatever the inflater.
    whole = gz(body, level=0)
    cut_in_body = body.index(b'{"eventId":"a4b5c6d7-0004') + 100
    header = 10 + 5  # gzip header + first stored block header
    write("damaged/truncated.gz", whole[:header + cut_in_body])


if __name__ == "__main__":
    for sub in ("archive", "later", "damaged"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    archive()
    later()
    damaged()
