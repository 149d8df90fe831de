//! The cast of a generated archive: the account, its regions, identities (with stable user
//! names, principal ids, AccessKeys and usual source addresses) and KMS keys.

/// The Alibaba Cloud account (UID) every generated event belongs to.
pub const ACCOUNT_ID: &str = "1583947294821056";

/// Regions with their share of delivered files.
pub(crate) const REGIONS: &[(&str, f64)] = &[
    ("cn-hangzhou", 0.42),
    ("cn-shanghai", 0.20),
    ("ap-southeast-1", 0.12),
    ("cn-beijing", 0.12),
    ("cn-shenzhen", 0.06),
    ("eu-central-1", 0.05),
    ("us-west-1", 0.03),
];

/// Who acts: one entry of [`IDENTITIES`].
#[derive(Debug)]
pub(crate) struct Identity {
    /// `userIdentity.type`.
    pub kind: &'static str,
    /// `userIdentity.userName`.
    pub user_name: &'static str,
    /// `userIdentity.principalId`; empty for `system`.
    pub principal_id: &'static str,
    /// `userIdentity.accessKeyId`; empty for console sessions and services.
    pub access_key_id: &'static str,
    /// The source addresses this identity normally calls from.
    pub ips: &'static [&'static str],
    /// `userAgent`.
    pub user_agent: &'static str,
    /// Calls through the console (`ConsoleOperation`) rather than the API.
    pub console: bool,
}

const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";

/// Index into [`IDENTITIES`].
pub(crate) type Who = usize;
/// The account owner, console only.
pub(crate) const ROOT: Who = 0;
/// The KMS administrator (ram-user).
pub(crate) const ALICE: Who = 1;
/// A developer who never manages keys (ram-user).
pub(crate) const BOB: Who = 2;
/// The auditor: reads trails and key metadata.
pub(crate) const CAROL: Who = 3;
/// The CI/CD user (Terraform).
pub(crate) const CI: Who = 4;
/// Application servers in Hangzhou (assumed role).
pub(crate) const APP: Who = 5;
/// Nightly ETL jobs (assumed role).
pub(crate) const ETL: Who = 6;
/// An old batch job with a permanent AccessKey.
pub(crate) const LEGACY: Who = 7;
/// OSS server-side encryption.
pub(crate) const SYS_OSS: Who = 8;
/// ECS disk encryption.
pub(crate) const SYS_ECS: Who = 9;
/// ActionTrail's own delivery checks.
pub(crate) const SYS_TRAIL: Who = 10;
/// Application servers in Shanghai and Singapore (assumed role).
pub(crate) const APP_SH: Who = 11;

/// Every identity of the archive; the `Who` constants index it.
pub(crate) const IDENTITIES: &[Identity] = &[
    Identity {
        kind: "root-account",
        user_name: "root",
        principal_id: ACCOUNT_ID,
        access_key_id: "",
        ips: &["203.0.113.10"],
        user_agent: BROWSER,
        console: true,
    },
    Identity {
        kind: "ram-user",
        user_name: "alice",
        principal_id: "203945710562843912",
        access_key_id: "LTAI5tQ8mJx2Kz7Rv4NcPa1E",
        ips: &["203.0.113.21", "2409:8a20:4c1:7f20:5d3e:9a1b:c2f4:1a2b"],
        user_agent: "aliyun-cli/3.0.190",
        console: false,
    },
    Identity {
        kind: "ram-user",
        user_name: "bob",
        principal_id: "218574930215736481",
        access_key_id: "LTAI5tHb0bW9pLs3Xy6DqR2f",
        ips: &["198.51.100.7", "198.51.100.8"],
        user_agent:
            "AlibabaCloud (Mac OS X; arm64) Python/3.11.7 Core/2.13.36 python-requests/2.31.0",
        console: false,
    },
    Identity {
        kind: "ram-user",
        user_name: "carol",
        principal_id: "226301847592038174",
        access_key_id: "",
        ips: &["203.0.113.33"],
        user_agent: BROWSER,
        console: true,
    },
    Identity {
        kind: "ram-user",
        user_name: "ci-deployer",
        principal_id: "239481057261930485",
        access_key_id: "LTAI5tD3pL0yErXk9Qz2Hn7M",
        ips: &["198.51.100.200"],
        user_agent: "Terraform/1.6.6 terraform-provider-alicloud/1.214.1",
        console: false,
    },
    Identity {
        kind: "assumed-role",
        user_name: "app-server-role:i-bp1g6zv0ce8oghu7k2xq",
        principal_id: "300012345678901234:i-bp1g6zv0ce8oghu7k2xq",
        access_key_id: "STS.NUgYrLnoC37mZZCNnAbez2cH7",
        ips: &["Internal", "192.168.0.17", "192.168.0.18"],
        user_agent: "AlibabaCloud (Linux; amd64) Go/1.21.5 Core/1.63.0 TeaDSL/1",
        console: false,
    },
    Identity {
        kind: "assumed-role",
        user_name: "etl-role:etl-nightly",
        principal_id: "300098765432109876:etl-nightly",
        access_key_id: "STS.NTkQ3rWb8xYd5FgHjKl2mN4pQ",
        ips: &["192.168.10.41"],
        user_agent: "aliyun-sdk-java/2.2.0 Java/11.0.21 Linux/5.10",
        console: false,
    },
    Identity {
        kind: "ram-user",
        user_name: "legacy-batch",
        principal_id: "245019283746501928",
        access_key_id: "LTAI4GzXw8Ub1NmQkR7sTpYe",
        ips: &["100.104.5.12"],
        user_agent: "Jakarta Commons-HttpClient/3.1",
        console: false,
    },
    Identity {
        kind: "system",
        user_name: "oss.aliyuncs.com",
        principal_id: "",
        access_key_id: "",
        ips: &["oss.aliyuncs.com"],
        user_agent: "oss.aliyuncs.com",
        console: false,
    },
    Identity {
        kind: "system",
        user_name: "ecs.aliyuncs.com",
        principal_id: "",
        access_key_id: "",
        ips: &["ecs.aliyuncs.com"],
        user_agent: "ecs.aliyuncs.com",
        console: false,
    },
    Identity {
        kind: "system",
        user_name: "actiontrail.aliyuncs.com",
        principal_id: "",
        access_key_id: "",
        ips: &["actiontrail.aliyuncs.com"],
        user_agent: "actiontrail.aliyuncs.com",
        console: false,
    },
    Identity {
        kind: "assumed-role",
        user_name: "app-server-role:i-uf6c2vq9xk7d1lmw3ztr",
        principal_id: "300012345678901234:i-uf6c2vq9xk7d1lmw3ztr",
        access_key_id: "STS.NSx7bVq2Kf9Lm4Jd8Rw3Tz6Yh",
        ips: &["Internal", "192.168.20.9"],
        user_agent: "AlibabaCloud (Linux; amd64) Go/1.21.5 Core/1.63.0 TeaDSL/1",
        console: false,
    },
];

/// One KMS key of the archive.
#[derive(Debug)]
pub(crate) struct KeySpec {
    /// The key id as KMS prints it.
    pub id: &'static str,
    /// The region the key lives in (crypto calls on it carry this `acsRegion`).
    pub region: &'static str,
    /// The alias some callers use instead of the id.
    pub alias: Option<&'static str>,
    /// Relative share of the crypto traffic while the key is usable.
    pub weight: f64,
    /// The identities that use the key.
    pub users: &'static [Who],
}

/// Index into [`KEYS`].
pub(crate) type KeyIx = usize;
/// The production application key (pre-existing; deletion protection is turned on).
pub(crate) const K_PROD: KeyIx = 0;
/// OSS server-side encryption key (rotation policy updated).
pub(crate) const K_OSS: KeyIx = 1;
/// The shorter of the two prefix-trap keys (pre-existing).
#[cfg(test)]
pub(crate) const K_ABC: KeyIx = 3;
/// The longer prefix-trap key, created inside the archive.
pub(crate) const K_ABC_LONG: KeyIx = 4;
/// The billing key, created inside the archive, then aliased.
pub(crate) const K_BILLING: KeyIx = 6;
/// The ETL backup key: steady low use; the Decrypt-spike incident's key.
pub(crate) const K_BACKUP: KeyIx = 7;
/// Shanghai key scheduled for deletion, then the deletion is cancelled.
pub(crate) const K_SH_CANCEL: KeyIx = 8;
/// Legacy UUID-style key, disabled then enabled again.
pub(crate) const K_LEGACY_TOGGLE: KeyIx = 9;
/// Singapore key disabled and then scheduled for deletion (7 days).
pub(crate) const K_SG_DELETE: KeyIx = 10;

/// The archive's KMS keys; the `K_*` constants index it.
pub(crate) const KEYS: &[KeySpec] = &[
    KeySpec {
        id: "key-hzz62f1cb66fa42qo8xk1",
        region: "cn-hangzhou",
        alias: Some("alias/prod-app"),
        weight: 30.0,
        users: &[APP, APP, APP, CI],
    },
    KeySpec {
        id: "key-hzz63a8d0e1f5b7c9rt2m",
        region: "cn-hangzhou",
        alias: None,
        weight: 14.0,
        users: &[SYS_OSS],
    },
    KeySpec {
        id: "key-hzz6c4e7a9b2d1f0uv3nb",
        region: "cn-hangzhou",
        alias: None,
        weight: 9.0,
        users: &[SYS_ECS],
    },
    KeySpec {
        id: "key-abc123",
        region: "cn-hangzhou",
        alias: None,
        weight: 6.0,
        users: &[ETL],
    },
    KeySpec {
        id: "key-abc1234",
        region: "cn-hangzhou",
        alias: None,
        weight: 6.0,
        users: &[APP],
    },
    KeySpec {
        id: "05754286-3ba2-4fa6-8d41-4323aca6c0de",
        region: "cn-hangzhou",
        alias: None,
        weight: 5.0,
        users: &[LEGACY],
    },
    KeySpec {
        id: "key-hzz6b8e2d4f6a1c3wx5pq",
        region: "cn-hangzhou",
        alias: Some("alias/billing"),
        weight: 8.0,
        users: &[APP],
    },
    KeySpec {
        id: "key-hzz6e5f1a0b3c8d2yz7rs",
        region: "cn-hangzhou",
        alias: Some("alias/etl-backup"),
        weight: 4.0,
        users: &[ETL],
    },
    KeySpec {
        id: "key-shh6d1c3e5a7b9f2mn4kt",
        region: "cn-shanghai",
        alias: None,
        weight: 6.0,
        users: &[APP_SH],
    },
    KeySpec {
        id: "7d2c1e4b-93aa-4c2f-b8e1-5f0a9d3c6b21",
        region: "cn-shanghai",
        alias: None,
        weight: 5.0,
        users: &[APP_SH, LEGACY],
    },
    KeySpec {
        id: "key-sgp6a2b4c6d8e0f1gh3jk",
        region: "ap-southeast-1",
        alias: Some("alias/sg-app"),
        weight: 5.0,
        users: &[APP_SH],
    },
    KeySpec {
        id: "key-bjj6f9e8d7c6b5a4pq2rs",
        region: "cn-beijing",
        alias: None,
        weight: 5.0,
        users: &[ETL],
    },
];

/// The ARN of a key: `acs:kms:<region>:<uid>:key/<id>`.
pub(crate) fn key_arn(key: &KeySpec) -> String {
    format!("acs:kms:{}:{}:key/{}", key.region, ACCOUNT_ID, key.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_point_at_the_intended_entries() {
        assert_eq!(IDENTITIES[ALICE].user_name, "alice");
        assert_eq!(IDENTITIES[BOB].user_name, "bob");
        assert_eq!(IDENTITIES[APP_SH].kind, "assumed-role");
        assert_eq!(KEYS[K_ABC].id, "key-abc123");
        assert_eq!(KEYS[K_ABC_LONG].id, "key-abc1234");
        assert!(KEYS[K_ABC_LONG].id.starts_with(KEYS[K_ABC].id));
        assert_eq!(KEYS[K_SG_DELETE].region, "ap-southeast-1");
        assert_eq!(
            key_arn(&KEYS[K_PROD]),
            "acs:kms:cn-hangzhou:1583947294821056:key/key-hzz62f1cb66fa42qo8xk1"
        );
    }

    #[test]
    fn key_ids_are_unique_and_regions_known() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(KEYS[i + 1..].iter().all(|o| o.id != k.id));
            assert!(REGIONS.iter().any(|(r, _)| *r == k.region));
        }
    }
}
