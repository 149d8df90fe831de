//! Derives the KMS key an event acts on and normalizes its spelling: an ARN
//! (`acs:kms:<region>:<uid>:key/<id>`) is reduced to `<id>`, an alias ARN to `alias/<name>`.

use serde_json::{Map, Value};

/// The resource type ActionTrail uses for KMS keys.
pub const KMS_KEY_RESOURCE_TYPE: &str = "ACS::KMS::Key";

/// The KMS key id of an event, from the first place that names one:
/// `requestParameters.KeyId`, the `ACS::KMS::Key` group of `resourceName`,
/// `referencedResources["ACS::KMS::Key"]`, `responseElements.KeyId`,
/// `responseElements.KeyMetadata.KeyId`. `None` when no place does.
pub fn derive_key_id(event: &Map<String, Value>) -> Option<String> {
    from_request(event)
        .or_else(|| from_resource_fields(event))
        .or_else(|| from_referenced_resources(event))
        .or_else(|| from_response(event))
        .map(|raw| normalize_key_id(&raw))
        .filter(|k| !k.is_empty())
}

/// Reduces ARN forms to the key id or alias, trims whitespace, keeps everything else as written.
pub fn normalize_key_id(raw: &str) -> String {
    let raw = raw.trim();
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("acs:kms:") {
        // acs:kms:<region>:<uid>:<resource>; the resource part may itself contain '/'.
        let resource = raw.splitn(5, ':').nth(4).unwrap_or("");
        if let Some(id) = resource.strip_prefix("key/") {
            return id.to_string();
        }
        return resource.to_string();
    }
    raw.to_string()
}

fn object_field<'a>(event: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    match event.get(key)? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

fn non_empty_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn from_request(event: &Map<String, Value>) -> Option<String> {
    let params = object_field(event, "requestParameters")?;
    non_empty_string(params.get("KeyId"))
}

fn from_resource_fields(event: &Map<String, Value>) -> Option<String> {
    let types = event.get("resourceType")?.as_str()?;
    let names = event.get("resourceName")?.as_str()?;
    let index = types
        .split(';')
        .position(|t| t.trim().eq_ignore_ascii_case(KMS_KEY_RESOURCE_TYPE))?;
    let group = names.split(';').nth(index)?;
    group
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

fn from_referenced_resources(event: &Map<String, Value>) -> Option<String> {
    match event.get("referencedResources")? {
        Value::Object(map) => {
            let ids = map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(KMS_KEY_RESOURCE_TYPE))?
                .1;
            match ids {
                Value::Array(items) => items.iter().find_map(|v| non_empty_string(Some(v))),
                other => non_empty_string(Some(other)),
            }
        }
        // The historical list shape: [{"resourceType": ..., "resourceName": ...}].
        Value::Array(items) => items.iter().find_map(|item| {
            let item = item.as_object()?;
            let ty = item.get("resourceType")?.as_str()?;
            ty.eq_ignore_ascii_case(KMS_KEY_RESOURCE_TYPE)
                .then(|| non_empty_string(item.get("resourceName")))
                .flatten()
        }),
        _ => None,
    }
}

fn from_response(event: &Map<String, Value>) -> Option<String> {
    let response = object_field(event, "responseElements")?;
    non_empty_string(response.get("KeyId")).or_else(|| {
        let meta = response.get("KeyMetadata")?.as_object()?;
        non_empty_string(meta.get("KeyId"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key_of(v: Value) -> Option<String> {
        derive_key_id(v.as_object().unwrap())
    }

    #[test]
    fn request_key_id_wins_and_arn_is_reduced() {
        let ev = json!({"requestParameters": {"KeyId": "acs:kms:cn-hangzhou:123:key/key-abc"},
                        "responseElements": {"KeyId": "key-other"}});
        assert_eq!(key_of(ev).as_deref(), Some("key-abc"));
    }

    #[test]
    fn alias_is_kept_as_alias() {
        assert_eq!(normalize_key_id("alias/prod"), "alias/prod");
        assert_eq!(
            normalize_key_id("acs:kms:cn-hangzhou:123:alias/prod"),
            "alias/prod"
        );
    }

    #[test]
    fn resource_group_is_aligned_with_type() {
        let ev = json!({"resourceType": "ACS::ECS::Instance;ACS::KMS::Key",
                        "resourceName": "i-1,i-2;key-xyz"});
        assert_eq!(key_of(ev).as_deref(), Some("key-xyz"));
    }

    #[test]
    fn decrypt_falls_back_to_response() {
        let ev = json!({"requestParameters": {"CiphertextBlob": "..."},
                        "responseElements": {"KeyId": "key-dec"}});
        assert_eq!(key_of(ev).as_deref(), Some("key-dec"));
        let ev = json!({"responseElements": {"KeyMetadata": {"KeyId": "key-new"}}});
        assert_eq!(key_of(ev).as_deref(), Some("key-new"));
    }

    #[test]
    fn referenced_resources_both_shapes() {
        let ev = json!({"referencedResources": {"ACS::KMS::Key": ["key-ref"]}});
        assert_eq!(key_of(ev).as_deref(), Some("key-ref"));
        let ev = json!({"referencedResources": [{"resourceType": "ACS::KMS::Key", "resourceName": "key-l"}]});
        assert_eq!(key_of(ev).as_deref(), Some("key-l"));
        assert_eq!(key_of(json!({"eventName": "Foo"})), None);
    }
}
