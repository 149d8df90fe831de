//! A library-level speed check of the search statement on ~1M events: the query fixture
//! replicated (key ids varied per replica so a needle stays rare), a token regex through polars'
//! `str().contains` against the prefiltered scan, then real search statements. It prints times
//! and counts and checks nothing; `benches/README.md` says how to run it.

use std::path::Path;
use std::time::Instant;

use keytrail::event::normalize::{normalize, Envelope};
use keytrail::event::row::Row;
use keytrail::query::search::parse;
use keytrail::store::frame::rows_to_dataframe;
use polars::prelude::*;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/query/events.ndjson");
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let replicas = 25_000;
    let started = Instant::now();
    let rows: Vec<_> = (0..replicas)
        .flat_map(|r| lines.iter().map(move |l| (r, *l)))
        .map(|(r, line)| {
            let line = if r == 0 {
                line.to_string()
            } else {
                line.replace("abc123", &format!("r{r:06}"))
            };
            let mut value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
            if let Some(m) = value.as_object_mut() {
                m.remove("__topic__");
                if let Some(id) = m
                    .get("eventId")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                {
                    m.insert("eventId".into(), format!("{id}-{r}").into());
                }
            }
            normalize(
                value.to_string().as_bytes(),
                &Envelope::default(),
                &mut Vec::new(),
            )
            .map(Row::into_owned)
            .expect("normalizes")
        })
        .collect();
    let df = rows_to_dataframe(&rows).expect("frame");
    eprintln!("built {} rows in {:?}", df.height(), started.elapsed());
    // The same token regex through polars' `str().contains` and through the prefiltered scan.
    {
        use keytrail::query::search::lower::{token_regex, Layout};
        use keytrail::query::search::scan::{all_pass, TextTest};
        use keytrail::query::search::Pattern;
        for token in ["key-abc123", "key-r012345", "198.51.100.7"] {
            let pat = Pattern::literal(token);
            let re = token_regex(&pat, Layout::JsonText);
            let polars_way = col("event").str().contains(lit(re.clone()), true);
            let scan_way = all_pass(
                "event",
                vec![TextTest::new(regex::Regex::new(&re).unwrap(), &[&pat])],
            );
            for (how, e) in [("str().contains", polars_way), ("scan", scan_way)] {
                let t = Instant::now();
                let n = df
                    .clone()
                    .lazy()
                    .filter(e)
                    .select([len()])
                    .collect()
                    .expect("runs");
                eprintln!(
                    "{:>8.1} ms  {:>8}  {token} via {how}",
                    t.elapsed().as_secs_f64() * 1e3,
                    n.column("len").unwrap().get(0).unwrap()
                );
            }
        }
    }
    for q in [
        "\"key-abc123\"",
        "key-abc12*",
        "event.serviceName: Kms and event.eventName: Decrypt",
        "event.errorCode: Forbidden.* or event.errorCode: NoPermission",
        "event.requestParameters.KeyId: key-abc123",
        "event.additionalEventData.mfaChecked: false",
        "__topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and (not event.errorMessage: * or event.errorMessage: success)",
        "#\"key is disabled\"",
        "not event.errorCode: *",
        "event.serviceName: Rds AND (event.eventName: ModifyHASwitchConfig OR event.eventName: ModifyDBInstanceHAConfig OR event.eventName: SwitchDBInstanceHA OR event.eventName: ModifyDBInstanceSpec OR event.eventName: MigrateSecurityIPMode OR event.eventName: ModifySecurityIps OR event.eventName: ModifyDBInstanceSSL OR event.eventName: MigrateToOtherZone OR event.eventName: UpgradeDBInstanceKernelVersion OR event.eventName: UpgradeDBInstanceEngineVersion OR event.eventName: ModifyDBInstanceMaintainTime OR event.eventName: ModifyDBInstanceAutoUpgradeMinorVersion OR event.eventName: AllocateInstancePublicConnection OR event.eventName: ModifyDBInstanceConnectionString OR event.eventName: ModifyDBInstanceNetworkExpireTime OR event.eventName: ReleaseInstancePublicConnection OR event.eventName: SwitchDBInstanceNetType OR event.eventName: ModifyDBInstanceNetworkType OR event.eventName: ModifyDBInstanceSSL OR event.eventName: ModifyDTCSecurityIpHostsForSQLServer OR event.eventName: ModifySecurityGroupConfiguration OR event.eventName: CreateBackup OR event.eventName: ModifyBackupPolicy OR event.eventName: DeleteBackup OR event.eventName: CreateDdrInstance OR event.eventName: ModifyInstanceCrossBackupPolicy OR event.eventName :ModifySQLCollectorPolicy OR event.eventName:ModifyDBInstanceTDE )",
        "event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* or event.errorCode: Forbidden or event.errorCode: Forbbiden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId or event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken or event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch or event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden or event.errorCode: NotAuthorized)",
    ] {
        let expr = parse(q).expect("parses").to_expr();
        let t = Instant::now();
        let n = df.clone().lazy().filter(expr).select([len()]).collect().expect("runs");
        eprintln!("{:>8.1} ms  {:>8}  {q}", t.elapsed().as_secs_f64() * 1e3, n.column("len").unwrap().get(0).unwrap());
    }
}
