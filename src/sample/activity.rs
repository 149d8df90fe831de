//! What happens in the account: the background mix of API calls (weighted by service, with KMS
//! crypto calls on whichever keys are usable at that moment) and the scripted events of the
//! story (key lifecycle, denied calls, incidents) rendered as [`Event`]s.

use super::catalog::*;
use super::event::{Event, Param};
use super::json::iso_utc;
use super::rng::Rng;
use super::story::{Act, KeyOp, KeyTimeline};

/// errorMessage ActionTrail records with `Forbidden.NoPermission`.
const NO_PERMISSION: (&str, &str) = (
    "Forbidden.NoPermission",
    "You are not authorized to do this action. You should be authorized by RAM.",
);
/// errorMessage recorded with `Forbidden.KeyNotFound`.
const KEY_NOT_FOUND: (&str, &str) = ("Forbidden.KeyNotFound", "The specified Key is not found.");

/// The calls a denied caller attempts, in the order the burst incident tries them.
pub(crate) const DENIED_CALLS: &[(&str, &str)] = &[
    ("Ram", "ListUsers"),
    ("Kms", "ListSecrets"),
    ("Kms", "GetSecretValue"),
    ("Ecs", "DescribeInstances"),
    ("Ram", "CreateAccessKey"),
    ("Ims", "CreateUser"),
    ("Actiontrail", "StopLogging"),
    ("Kms", "ListKeys"),
    ("Sts", "AssumeRole"),
];

/// Kinds of background activity and their relative weights.
#[derive(Debug, Clone, Copy)]
enum Activity {
    KmsCrypto,
    KmsRead,
    EcsRead,
    EcsWrite,
    EcsSystem,
    Oss,
    Sts,
    Ram,
    Ims,
    Signin,
    Trail,
}

const ACTIVITIES: &[(Activity, f64)] = &[
    (Activity::KmsCrypto, 50.0),
    (Activity::KmsRead, 5.0),
    (Activity::EcsRead, 10.0),
    (Activity::EcsWrite, 1.5),
    (Activity::EcsSystem, 1.0),
    (Activity::Oss, 8.0),
    (Activity::Sts, 5.0),
    (Activity::Ram, 2.5),
    (Activity::Ims, 0.5),
    (Activity::Signin, 0.5),
    (Activity::Trail, 4.0),
];

/// Share of background events that are KMS crypto calls in a region with usable keys.
pub(crate) fn crypto_share() -> f64 {
    let total: f64 = ACTIVITIES.iter().map(|(_, w)| w).sum();
    ACTIVITIES[0].1 / total
}

/// Share of a non-service caller's crypto calls that are `Decrypt`.
pub(crate) const DECRYPT_SHARE: f64 = 0.55;

/// One background event at `time` in `region`.
pub(crate) fn background_event(
    rng: &mut Rng,
    time: i64,
    region: &'static str,
    keys: &KeyTimeline,
) -> Event {
    let usable: Vec<KeyIx> = (0..KEYS.len())
        .filter(|&k| KEYS[k].region == region && keys.usable(k, time))
        .collect();
    let weights: Vec<f64> = ACTIVITIES
        .iter()
        .map(|(a, w)| {
            if matches!(a, Activity::KmsCrypto) && usable.is_empty() {
                0.0
            } else {
                *w
            }
        })
        .collect();
    match ACTIVITIES[rng.weighted(&weights)].0 {
        Activity::KmsCrypto => {
            let key_weights: Vec<f64> = usable.iter().map(|&k| KEYS[k].weight).collect();
            let key = usable[rng.weighted(&key_weights)];
            let who = *rng.pick(KEYS[key].users);
            let op = if IDENTITIES[who].kind == "system" {
                *rng.pick(&[
                    "Decrypt",
                    "Decrypt",
                    "Decrypt",
                    "GenerateDataKey",
                    "GenerateDataKey",
                ])
            } else {
                ["Decrypt", "GenerateDataKey", "Encrypt"]
                    [rng.weighted(&[DECRYPT_SHARE, 0.25, 0.20])]
            };
            crypto_event(rng, time, key, who, op)
        }
        Activity::KmsRead => kms_read(rng, time, region, keys),
        Activity::EcsRead => ecs_read(rng, time, region),
        Activity::EcsWrite => ecs_write(rng, time, region),
        Activity::EcsSystem => ecs_system(rng, time, region),
        Activity::Oss => oss_call(rng, time, region),
        Activity::Sts => assume_role(rng, time, region),
        Activity::Ram => ram_read(rng, time, region),
        Activity::Ims => ims_read(rng, time, region),
        Activity::Signin => console_signin(rng, time, region),
        Activity::Trail => trail_call(rng, time, region),
    }
}

/// The event of one scripted act of the story.
pub(crate) fn scripted_event(rng: &mut Rng, time: i64, act: &Act) -> Event {
    match *act {
        Act::KeyOp {
            op,
            key,
            who,
            ip,
            user_agent,
        } => {
            let mut ev = key_op(rng, time, op, key, who);
            override_caller(&mut ev, ip, user_agent);
            ev
        }
        Act::Denied {
            call,
            who,
            region,
            ip,
            user_agent,
        } => {
            let mut ev = denied_call(rng, time, region, call, who);
            override_caller(&mut ev, ip, user_agent);
            ev
        }
        Act::KeyNotFound { key, who } => {
            let mut ev = crypto_event(rng, time, key, who, "Encrypt");
            ev.response = None;
            ev.error = Some(KEY_NOT_FOUND);
            ev
        }
        Act::Decrypt { key, who } => crypto_event(rng, time, key, who, "Decrypt"),
    }
}

fn override_caller(ev: &mut Event, ip: Option<&'static str>, user_agent: Option<&'static str>) {
    if let Some(ip) = ip {
        ev.ip = ip;
        ev.vpc_id = None;
        ev.source = ev.source.replace("kms-vpc.", "kms.");
    }
    if let Some(ua) = user_agent {
        ev.user_agent = ua;
    }
}

/// A stable key version id per key.
fn key_version_id(key: KeyIx) -> String {
    Rng::new(0x4B4D_5356, key as u64).uuid()
}

/// A base64-looking ciphertext blob.
fn ciphertext(rng: &mut Rng) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s: String = (0..88)
        .map(|_| B64[rng.below(64) as usize] as char)
        .collect();
    s.push_str("==");
    s
}

/// How a caller names the key: usually its id, sometimes its alias or ARN.
fn spell_key(rng: &mut Rng, key: &KeySpec) -> String {
    let roll = rng.unit();
    match key.alias {
        Some(alias) if roll < 0.2 => alias.to_string(),
        _ if roll > 0.9 => key_arn(key),
        _ => key.id.to_string(),
    }
}

fn key_response(key: KeyIx, request_id: &str) -> String {
    format!(
        r#"{{"KeyId":"{}","KeyVersionId":"{}","RequestId":"{}"}}"#,
        KEYS[key].id,
        key_version_id(key),
        request_id
    )
}

/// Encrypt / GenerateDataKey name the key in the request; Decrypt only in the response.
fn crypto_event(rng: &mut Rng, time: i64, key: KeyIx, who: Who, op: &'static str) -> Event {
    let spec = &KEYS[key];
    let mut ev = Event::new(rng, time, spec.region, who, "Kms", op, "Read");
    if op == "Decrypt" {
        ev.param("CiphertextBlob", Param::Str(ciphertext(rng)));
    } else {
        ev.param("KeyId", Param::Str(spell_key(rng, spec)));
        if op == "GenerateDataKey" {
            ev.param("KeySpec", Param::Str("AES_256".into()))
                .param("NumberOfBytes", Param::Int(32));
        }
        ev.resource = Some((KMS_KEY_TYPE, spec.id.to_string()));
    }
    ev.response = Some(key_response(key, &ev.request_id));
    ev
}

const KMS_KEY_TYPE: &str = "ACS::KMS::Key";

/// A key lifecycle call; CreateKey carries the new id only in `responseElements.KeyMetadata`.
fn key_op(rng: &mut Rng, time: i64, op: KeyOp, key: KeyIx, who: Who) -> Event {
    let spec = &KEYS[key];
    let mut ev = Event::new(rng, time, spec.region, who, "Kms", op.event_name(), "Write");
    let key_id = || Param::Str(spec.id.to_string());
    match op {
        KeyOp::Create => {
            ev.param("KeySpec", Param::Str("Aliyun_AES_256".into()))
                .param("KeyUsage", Param::Str("ENCRYPT/DECRYPT".into()))
                .param("Origin", Param::Str("Aliyun_KMS".into()))
                .param("ProtectionLevel", Param::Str("SOFTWARE".into()))
                .param(
                    "Description",
                    Param::Str(format!("created by {}", IDENTITIES[who].user_name)),
                );
            ev.response = Some(format!(
                r#"{{"KeyMetadata":{{"KeyId":"{}","Arn":"{}","KeyState":"Enabled","KeySpec":"Aliyun_AES_256","KeyUsage":"ENCRYPT/DECRYPT","CreationDate":"{}","Creator":"{}","ProtectionLevel":"SOFTWARE"}},"RequestId":"{}"}}"#,
                spec.id,
                key_arn(spec),
                iso_utc(time),
                ACCOUNT_ID,
                ev.request_id
            ));
            return ev;
        }
        KeyOp::CreateAlias(alias) | KeyOp::UpdateAlias(alias) => {
            ev.param("AliasName", Param::Str(alias.to_string()))
                .param("KeyId", key_id());
        }
        KeyOp::ScheduleDeletion(days) => {
            ev.param("KeyId", key_id())
                .param("PendingWindowInDays", Param::Int(days));
        }
        KeyOp::UpdateRotation => {
            ev.param("KeyId", key_id())
                .param("EnableAutomaticRotation", Param::Str("true".into()))
                .param("RotationInterval", Param::Str("365d".into()));
        }
        KeyOp::SetDeletionProtection => {
            ev.param("ProtectedResourceArn", Param::Str(key_arn(spec)))
                .param("EnableDeletionProtection", Param::Bool(true))
                .param(
                    "DeletionProtectionDescription",
                    Param::Str("production data".into()),
                );
        }
        KeyOp::Enable | KeyOp::Disable | KeyOp::CancelDeletion => {
            ev.param("KeyId", key_id());
        }
    }
    ev.response = Some(format!(r#"{{"RequestId":"{}"}}"#, ev.request_id));
    ev.resource = Some((KMS_KEY_TYPE, spec.id.to_string()));
    ev
}

fn denied_call(rng: &mut Rng, time: i64, region: &'static str, call: usize, who: Who) -> Event {
    let (service, name) = DENIED_CALLS[call % DENIED_CALLS.len()];
    let rw = if name.starts_with("Create") || name.starts_with("Stop") {
        "Write"
    } else {
        "Read"
    };
    let mut ev = Event::new(rng, time, region, who, service, name, rw);
    match name {
        "GetSecretValue" => {
            ev.param("SecretName", Param::Str("prod/db-password".into()));
        }
        "CreateUser" => {
            ev.param(
                "UserPrincipalName",
                Param::Str(format!("svc-sync@{ACCOUNT_ID}.onaliyun.com")),
            );
        }
        "CreateAccessKey" => {
            ev.param("UserName", Param::Str("alice".into()));
        }
        "StopLogging" => {
            ev.param("Name", Param::Str("default-trail".into()));
        }
        "AssumeRole" => {
            ev.param(
                "RoleArn",
                Param::Str(format!("acs:ram::{ACCOUNT_ID}:role/admin-role")),
            )
            .param("RoleSessionName", Param::Str("ops".into()));
        }
        _ => {
            ev.param("PageSize", Param::Int(50));
        }
    }
    ev.error = Some(NO_PERMISSION);
    ev
}

fn kms_read(rng: &mut Rng, time: i64, region: &'static str, keys: &KeyTimeline) -> Event {
    let who = *rng.pick(&[CAROL, ALICE, CI, ALICE]);
    let existing: Vec<KeyIx> = (0..KEYS.len())
        .filter(|&k| KEYS[k].region == region && keys.exists(k, time))
        .collect();
    if existing.is_empty() || rng.chance(0.3) {
        let name = *rng.pick(&["ListKeys", "ListAliases"]);
        let mut ev = Event::new(rng, time, region, who, "Kms", name, "Read");
        ev.param("PageSize", Param::Int(20))
            .param("PageNumber", Param::Int(1));
        return ev;
    }
    let key = *rng.pick(&existing);
    let name = *rng.pick(&[
        "DescribeKey",
        "DescribeKey",
        "ListKeyVersions",
        "GetKeyPolicy",
    ]);
    let mut ev = Event::new(rng, time, region, who, "Kms", name, "Read");
    ev.param("KeyId", Param::Str(KEYS[key].id.to_string()));
    ev.resource = Some((KMS_KEY_TYPE, KEYS[key].id.to_string()));
    ev
}

/// A stable ECS instance id of the region (`n` picks one of a few).
fn instance_id(region: &str, n: u64) -> String {
    const ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let prefix = match region {
        "cn-hangzhou" => "bp1",
        "cn-shanghai" => "uf6",
        "cn-beijing" => "2ze",
        "cn-shenzhen" => "wz9",
        "ap-southeast-1" => "t4n",
        "eu-central-1" => "gw8",
        _ => "rj9",
    };
    let mut r = Rng::new(
        region.len() as u64 * 7919 + u64::from(region.as_bytes()[3]),
        n,
    );
    let tail: String = (0..17)
        .map(|_| ALNUM[r.below(36) as usize] as char)
        .collect();
    format!("i-{prefix}{tail}")
}

fn ecs_read(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let who = *rng.pick(&[APP, APP_SH, CI, BOB, BOB]);
    let name = *rng.pick(&[
        "DescribeInstances",
        "DescribeInstances",
        "DescribeDisks",
        "DescribeSecurityGroups",
    ]);
    let mut ev = Event::new(rng, time, region, who, "Ecs", name, "Read");
    ev.param("PageSize", Param::Int(50))
        .param("PageNumber", Param::Int(1));
    if rng.chance(0.5) {
        let ids = format!("[\"{}\"]", instance_id(region, rng.below(6)));
        ev.param("InstanceIds", Param::Str(ids));
    }
    ev
}

fn ecs_write(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let name = *rng.pick(&[
        "StartInstance",
        "StopInstance",
        "RebootInstance",
        "ModifyInstanceAttribute",
    ]);
    let mut ev = Event::new(rng, time, region, CI, "Ecs", name, "Write");
    let id = instance_id(region, rng.below(6));
    ev.param("InstanceId", Param::Str(id.clone()));
    if rng.chance(0.01) {
        ev.error = Some((
            "InvalidInstanceId.NotFound",
            "The specified InstanceId does not exist.",
        ));
    } else {
        ev.response = Some(format!(r#"{{"RequestId":"{}"}}"#, ev.request_id));
    }
    ev.referenced = Some(format!(r#"{{"ACS::ECS::Instance":["{id}"]}}"#));
    ev.resource = Some(("ACS::ECS::Instance", id));
    ev
}

fn ecs_system(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let mut ev = Event::new(rng, time, region, SYS_ECS, "Ecs", "DeleteDisk", "Write");
    let disk = format!("d-{}", &instance_id(region, 10 + rng.below(20))[2..]);
    ev.param("DiskId", Param::Str(disk.clone()));
    ev.additional = Some(r#"{"SensitiveAction":"false"}"#.into());
    ev.resource = Some(("ACS::ECS::Disk", disk));
    ev
}

fn oss_call(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let (who, name, rw) = *rng.pick(&[
        (BOB, "GetBucketInfo", "Read"),
        (APP, "GetBucketAcl", "Read"),
        (CI, "PutBucketLifecycle", "Write"),
        (SYS_TRAIL, "GetBucketLocation", "Read"),
        (APP_SH, "GetBucketInfo", "Read"),
    ]);
    let bucket = format!("acme-{}-{}", rng.pick(&["data", "logs", "backup"]), region);
    let mut ev = Event::new(rng, time, region, who, "Oss", name, rw);
    ev.source = format!("{bucket}.oss-{region}.aliyuncs.com");
    let host = ev.source.clone();
    ev.param("BucketName", Param::Str(bucket.clone()))
        .param("HostId", Param::Str(host));
    if rng.chance(0.005) {
        ev.error = Some(("NoSuchBucket", "The specified bucket does not exist."));
    }
    ev.referenced = Some(format!(r#"{{"ACS::OSS::Bucket":["{bucket}"]}}"#));
    ev
}

fn assume_role(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let who = *rng.pick(&[CI, CI, ALICE, BOB]);
    let role = *rng.pick(&["app-server-role", "etl-role", "readonly-role"]);
    let mut ev = Event::new(rng, time, region, who, "Sts", "AssumeRole", "Read");
    let session = IDENTITIES[who].user_name;
    ev.param(
        "RoleArn",
        Param::Str(format!("acs:ram::{ACCOUNT_ID}:role/{role}")),
    )
    .param("RoleSessionName", Param::Str(session.to_string()))
    .param("DurationSeconds", Param::Int(3600));
    let sts_key: String = format!("STS.N{}", &rng.uuid().replace('-', "")[..24]);
    ev.response = Some(format!(
        r#"{{"AssumedRoleUser":{{"Arn":"acs:ram::{ACCOUNT_ID}:role/{role}/{session}","AssumedRoleId":"3000{}:{session}"}},"Credentials":{{"AccessKeyId":"{sts_key}","Expiration":"{}"}},"RequestId":"{}"}}"#,
        rng.below(10_000_000_000_000),
        iso_utc(time + 3600),
        ev.request_id
    ));
    ev.referenced = Some(format!(r#"{{"ACS::RAM::AccessKey":["{sts_key}"]}}"#));
    ev
}

fn ram_read(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let who = *rng.pick(&[CAROL, ALICE]);
    let name = *rng.pick(&["GetUser", "ListUsers", "ListPoliciesForUser", "GetPolicy"]);
    let mut ev = Event::new(rng, time, region, who, "Ram", name, "Read");
    ev.param(
        "UserName",
        Param::Str(
            rng.pick(&["alice", "bob", "carol", "ci-deployer"])
                .to_string(),
        ),
    );
    ev
}

fn ims_read(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let name = *rng.pick(&["GetLoginProfile", "ListAccessKeys"]);
    let mut ev = Event::new(rng, time, region, ALICE, "Ims", name, "Read");
    ev.param(
        "UserPrincipalName",
        Param::Str(format!("bob@{ACCOUNT_ID}.onaliyun.com")),
    );
    ev
}

/// Console sign-in: no API version, no parameters, a non-UUID event id.
fn console_signin(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    let who = *rng.pick(&[ROOT, CAROL]);
    let mut ev = Event::new(rng, time, region, who, "AasSub", "ConsoleSignin", "Write");
    ev.event_type = "ConsoleSignin";
    ev.event_id = format!(
        "1.167_{}_{}",
        time * 1000 + rng.below(1000) as i64,
        rng.below(10_000)
    );
    ev.request_id = ev.event_id.clone();
    ev.source = "signin.aliyun.com".into();
    ev.api_version = None;
    ev.is_global = true;
    ev.params = None;
    ev.additional = Some(format!(
        r#"{{"loginAccount":"{}@{ACCOUNT_ID}.onaliyun.com","isMFAChecked":"true","callbackUrl":"https://home.console.aliyun.com/"}}"#,
        IDENTITIES[who].user_name
    ));
    ev
}

fn trail_call(rng: &mut Rng, time: i64, region: &'static str) -> Event {
    if rng.chance(0.25) {
        let mut ev = Event::new(
            rng,
            time,
            region,
            CAROL,
            "Actiontrail",
            "LookupEvents",
            "Read",
        );
        ev.param("LookupAttribute.1.Key", Param::Str("EventName".into()))
            .param(
                "LookupAttribute.1.Value",
                Param::Str("ConsoleSignin".into()),
            )
            .param("MaxResults", Param::Str("50".into()));
        return ev;
    }
    let name = *rng.pick(&["DescribeTrails", "GetTrailStatus"]);
    let mut ev = Event::new(rng, time, region, SYS_TRAIL, "Actiontrail", name, "Read");
    ev.param("Name", Param::Str("default-trail".into()));
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(ev: &Event) -> serde_json::Value {
        let mut out = String::new();
        ev.write_json(&mut out);
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn decrypt_names_the_key_only_in_the_response() {
        let mut rng = Rng::new(5, 5);
        let v = json_of(&crypto_event(&mut rng, 100, K_ABC, ETL, "Decrypt"));
        assert_eq!(v["responseElements"]["KeyId"], "key-abc123");
        assert!(v["requestParameters"].get("KeyId").is_none());
        assert!(v.get("resourceName").is_none());
        assert_eq!(v["eventRW"], "Read");
    }

    #[test]
    fn create_key_names_the_key_only_in_key_metadata() {
        let mut rng = Rng::new(5, 6);
        let v = json_of(&key_op(&mut rng, 100, KeyOp::Create, K_ABC_LONG, ALICE));
        assert_eq!(v["eventName"], "CreateKey");
        assert_eq!(v["responseElements"]["KeyMetadata"]["KeyId"], "key-abc1234");
        assert!(v["requestParameters"].get("KeyId").is_none());
        assert!(v.get("resourceName").is_none());
    }

    #[test]
    fn schedule_deletion_carries_the_pending_window() {
        let mut rng = Rng::new(5, 7);
        let v = json_of(&key_op(
            &mut rng,
            100,
            KeyOp::ScheduleDeletion(7),
            K_PROD,
            ALICE,
        ));
        assert_eq!(v["requestParameters"]["PendingWindowInDays"], 7);
        assert_eq!(v["resourceType"], "ACS::KMS::Key");
        assert_eq!(v["resourceName"], "key-hzz62f1cb66fa42qo8xk1");
    }

    #[test]
    fn key_spellings_cover_id_alias_and_arn() {
        let mut rng = Rng::new(9, 9);
        let spellings: std::collections::BTreeSet<String> = (0..200)
            .map(|_| spell_key(&mut rng, &KEYS[K_PROD]))
            .collect();
        let expected: std::collections::BTreeSet<String> = [
            "acs:kms:cn-hangzhou:1583947294821056:key/key-hzz62f1cb66fa42qo8xk1",
            "alias/prod-app",
            "key-hzz62f1cb66fa42qo8xk1",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(spellings, expected);
    }

    #[test]
    fn instance_ids_are_stable() {
        assert_eq!(instance_id("cn-hangzhou", 1), instance_id("cn-hangzhou", 1));
        assert_ne!(instance_id("cn-hangzhou", 1), instance_id("cn-hangzhou", 2));
        assert!(instance_id("cn-hangzhou", 1).starts_with("i-bp1"));
        assert_eq!(instance_id("cn-hangzhou", 1).len(), 22);
    }
}
