//! One generated ActionTrail event and its JSON form (management-event structure, §1 of the
//! format notes): fields that vary in the wild vary here too (`eventVersion` int or string,
//! `requestParameterJson` present or not, console versus API callers).

use super::catalog::{Identity, Who, ACCOUNT_ID, IDENTITIES};
use super::json::{field_raw, field_str, iso_utc, push_key, push_str};
use super::rng::Rng;

/// A value of `requestParameters`: ActionTrail mixes JSON types there.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    /// A string value.
    Str(String),
    /// A number value.
    Int(i64),
    /// A boolean value.
    Bool(bool),
}

/// Everything the writer needs for one event; built by the templates in `activity`.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// Unix seconds of `eventTime`.
    pub time: i64,
    /// `eventId`.
    pub event_id: String,
    /// `requestId`.
    pub request_id: String,
    /// Writes `eventVersion` as `"1"` instead of `1`.
    pub version_text: bool,
    /// `eventType`.
    pub event_type: &'static str,
    /// `eventRW`.
    pub rw: &'static str,
    /// `eventSource`.
    pub source: String,
    /// `eventName`.
    pub name: &'static str,
    /// `serviceName`.
    pub service: &'static str,
    /// `apiVersion`, absent when `None`.
    pub api_version: Option<&'static str>,
    /// `acsRegion`.
    pub region: &'static str,
    /// `isGlobal`.
    pub is_global: bool,
    /// `sourceIpAddress`.
    pub ip: &'static str,
    /// `userAgent`.
    pub user_agent: &'static str,
    /// The caller.
    pub who: Who,
    /// API parameters, written with the gateway's own keys added; `None` omits the object.
    pub params: Option<Vec<(&'static str, Param)>>,
    /// Also writes `requestParameterJson` (the parameters serialized as a string).
    pub param_json: bool,
    /// `responseElements` as raw JSON.
    pub response: Option<String>,
    /// `resourceType` and `resourceName`.
    pub resource: Option<(&'static str, String)>,
    /// `referencedResources` as raw JSON.
    pub referenced: Option<String>,
    /// `errorCode` and `errorMessage`.
    pub error: Option<(&'static str, &'static str)>,
    /// `additionalEventData` as raw JSON.
    pub additional: Option<String>,
    /// `vpcId`.
    pub vpc_id: Option<&'static str>,
}

/// The API version ActionTrail records for a service's calls.
pub(crate) fn api_version_of(service: &str) -> Option<&'static str> {
    match service {
        "Kms" => Some("2016-01-20"),
        "Ecs" => Some("2014-05-26"),
        "Sts" => Some("2015-04-01"),
        "Ram" => Some("2015-05-01"),
        "Ims" => Some("2019-08-15"),
        "Actiontrail" => Some("2020-07-06"),
        _ => None,
    }
}

impl Event {
    /// An event with the common fields filled for `who` calling `service`/`name` in `region`;
    /// templates then add parameters, responses, resources and errors.
    pub(crate) fn new(
        rng: &mut Rng,
        time: i64,
        region: &'static str,
        who: Who,
        service: &'static str,
        name: &'static str,
        rw: &'static str,
    ) -> Event {
        let identity = &IDENTITIES[who];
        let event_id = rng.uuid();
        let request_id = if rng.chance(0.5) {
            event_id.to_ascii_uppercase()
        } else {
            rng.uuid().to_ascii_uppercase()
        };
        let ip = *rng.pick(identity.ips);
        let event_type = match (identity.kind, identity.console) {
            ("system", _) => "AliyunServiceEvent",
            (_, true) => "ConsoleOperation",
            _ => "ApiCall",
        };
        let internal = ip == "Internal" || ip.starts_with("192.168.");
        Event {
            time,
            event_id,
            request_id,
            version_text: rng.chance(0.3),
            event_type,
            rw,
            source: default_source(service, region, identity, internal),
            name,
            service,
            api_version: api_version_of(service),
            region,
            is_global: matches!(service, "Ram" | "Ims" | "Sts"),
            ip,
            user_agent: identity.user_agent,
            who,
            params: Some(Vec::new()),
            param_json: rng.chance(0.25),
            response: None,
            resource: None,
            referenced: None,
            error: None,
            additional: (!identity.console && rng.chance(0.3))
                .then(|| r#"{"Scheme":"https"}"#.to_string()),
            vpc_id: internal.then_some("vpc-bp1h4x8pq2ztm0xk6wd3e"),
        }
    }

    /// Adds one request parameter.
    pub(crate) fn param(&mut self, key: &'static str, value: Param) -> &mut Self {
        if let Some(params) = self.params.as_mut() {
            params.push((key, value));
        }
        self
    }

    /// Appends the event as one compact JSON object.
    pub(crate) fn write_json(&self, out: &mut String) {
        let identity = &IDENTITIES[self.who];
        out.push('{');
        field_str(out, "eventId", &self.event_id);
        field_raw(
            out,
            "eventVersion",
            if self.version_text { "\"1\"" } else { "1" },
        );
        field_str(out, "eventTime", &iso_utc(self.time));
        field_str(out, "eventType", self.event_type);
        field_str(out, "eventCategory", "Management");
        field_str(out, "eventRW", self.rw);
        field_str(out, "eventSource", &self.source);
        field_str(out, "eventName", self.name);
        field_str(out, "serviceName", self.service);
        if let Some(v) = self.api_version {
            field_str(out, "apiVersion", v);
        }
        field_str(out, "acsRegion", self.region);
        field_raw(
            out,
            "isGlobal",
            if self.is_global { "true" } else { "false" },
        );
        field_str(out, "requestId", &self.request_id);
        field_str(out, "sourceIpAddress", self.ip);
        field_str(out, "userAgent", self.user_agent);
        push_key(out, "userIdentity");
        self.write_identity(out, identity);
        if let Some(params) = &self.params {
            let mut obj = String::with_capacity(256);
            self.write_params(&mut obj, params);
            field_raw(out, "requestParameters", &obj);
            if self.param_json {
                field_str(out, "requestParameterJson", &obj);
            }
        }
        if let Some(response) = &self.response {
            field_raw(out, "responseElements", response);
        }
        if let Some((ty, name)) = &self.resource {
            field_str(out, "resourceType", ty);
            field_str(out, "resourceName", name);
        }
        if let Some(referenced) = &self.referenced {
            field_raw(out, "referencedResources", referenced);
        }
        if let Some((code, message)) = self.error {
            field_str(out, "errorCode", code);
            field_str(out, "errorMessage", message);
        }
        if let Some(additional) = &self.additional {
            field_raw(out, "additionalEventData", additional);
        }
        if let Some(vpc) = self.vpc_id {
            field_str(out, "vpcId", vpc);
        }
        field_str(out, "recipientAccountId", ACCOUNT_ID);
        out.push('}');
    }

    fn write_identity(&self, out: &mut String, identity: &Identity) {
        out.push('{');
        field_str(out, "type", identity.kind);
        if !identity.principal_id.is_empty() {
            field_str(out, "principalId", identity.principal_id);
            field_str(out, "accountId", ACCOUNT_ID);
        }
        if !identity.access_key_id.is_empty() {
            field_str(out, "accessKeyId", identity.access_key_id);
        }
        field_str(out, "userName", identity.user_name);
        if identity.kind == "assumed-role" || identity.console {
            let session_start = self.time - self.time.rem_euclid(3600);
            let mfa = if identity.console { "true" } else { "false" };
            push_key(out, "sessionContext");
            out.push_str("{\"attributes\":{");
            field_str(out, "mfaAuthenticated", mfa);
            field_str(out, "creationDate", &iso_utc(session_start));
            out.push_str("}}");
        }
        out.push('}');
    }

    fn write_params(&self, out: &mut String, params: &[(&'static str, Param)]) {
        out.push('{');
        for (key, value) in params {
            push_key(out, key);
            match value {
                Param::Str(s) => push_str(out, s),
                Param::Int(n) => out.push_str(&n.to_string()),
                Param::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            }
        }
        if self.event_type != "ConsoleSignin" {
            field_str(out, "RegionId", self.region);
            field_str(out, "AcsProduct", self.service);
            field_str(out, "RequestId", &self.request_id);
        }
        out.push('}');
    }
}

/// `eventSource` for an API call: the product's endpoint in the region (the VPC or intranet
/// endpoint for KMS calls from inside the cloud).
fn default_source(service: &str, region: &str, identity: &Identity, internal: bool) -> String {
    match service {
        "Kms" if identity.kind == "system" => format!("kms-intranet.{region}.aliyuncs.com"),
        "Kms" if internal => format!("kms-vpc.{region}.aliyuncs.com"),
        "Sts" => "sts.aliyuncs.com".to_string(),
        "Ram" => "ram.aliyuncs.com".to_string(),
        "Ims" => "ims.aliyuncs.com".to_string(),
        other => format!("{}.{region}.aliyuncs.com", other.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::catalog::{ALICE, SYS_OSS};

    #[test]
    fn written_event_is_valid_json_with_the_documented_fields() {
        let mut rng = Rng::new(1, 1);
        let mut ev = Event::new(
            &mut rng,
            1_709_251_200,
            "cn-hangzhou",
            ALICE,
            "Kms",
            "DisableKey",
            "Write",
        );
        ev.param("KeyId", Param::Str("key-1".into()))
            .param("Pending", Param::Int(7));
        ev.param_json = true;
        ev.resource = Some(("ACS::KMS::Key", "key-1".into()));
        ev.error = Some(("Forbidden.NoPermission", "no \"way\""));
        let mut out = String::new();
        ev.write_json(&mut out);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["eventTime"], "2024-03-01T00:00:00Z");
        assert_eq!(v["eventSource"], "kms.cn-hangzhou.aliyuncs.com");
        assert_eq!(v["apiVersion"], "2016-01-20");
        assert_eq!(v["userIdentity"]["userName"], "alice");
        assert_eq!(v["userIdentity"]["accessKeyId"], "LTAI5tQ8mJx2Kz7Rv4NcPa1E");
        assert_eq!(v["requestParameters"]["KeyId"], "key-1");
        assert_eq!(v["requestParameters"]["Pending"], 7);
        assert_eq!(v["requestParameters"]["RegionId"], "cn-hangzhou");
        let inner: serde_json::Value =
            serde_json::from_str(v["requestParameterJson"].as_str().unwrap()).unwrap();
        assert_eq!(inner, v["requestParameters"]);
        assert_eq!(v["resourceName"], "key-1");
        assert_eq!(v["errorMessage"], "no \"way\"");
        assert_eq!(v["recipientAccountId"], ACCOUNT_ID);
    }

    #[test]
    fn system_identity_has_no_account_and_uses_intranet_endpoint() {
        let mut rng = Rng::new(1, 2);
        let ev = Event::new(
            &mut rng,
            0,
            "cn-shanghai",
            SYS_OSS,
            "Kms",
            "Decrypt",
            "Read",
        );
        let mut out = String::new();
        ev.write_json(&mut out);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["eventType"], "AliyunServiceEvent");
        assert_eq!(v["eventSource"], "kms-intranet.cn-shanghai.aliyuncs.com");
        assert_eq!(v["sourceIpAddress"], "oss.aliyuncs.com");
        assert!(v["userIdentity"].get("accountId").is_none());
    }
}
