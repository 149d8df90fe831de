-- case: 
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE TRUE ORDER BY `__time__` DESC LIMIT 100;

-- case: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE TRUE ORDER BY `__time__` DESC LIMIT 100;

-- case: * and DisableKey
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (TRUE) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])disablekey(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Adisablekey\\z')) ORDER BY `__time__` DESC LIMIT 100;

-- case: DescribeKey
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])describekey(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Adescribekey\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: describekey
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])describekey(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Adescribekey\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "key-abc123"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc123\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: key-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc123\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: key-abc1234
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc1234(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc1234\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: xkey-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])xkey\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Axkey\\-abc123\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: key-abc123-admin
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc123\\-admin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc123\\-admin\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "key disabled"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])disabled(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Adisabled\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: found
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])found(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Afound\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "found."
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])found\\.(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Afound\\.\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: audit
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])audit(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aaudit\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: Internal
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])internal(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Ainternal\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: 198.51.100.7
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])198\\.51\\.100\\.7(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A198\\.51\\.100\\.7\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: NumberOfBytes
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])numberofbytes(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Anumberofbytes\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "oss:GetObject"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])oss(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aoss\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])getobject(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Agetobject\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: Kms Write
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akms\\z')) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])write(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Awrite\\z')) ORDER BY `__time__` DESC LIMIT 100;

-- case: Ali?un_AES_256
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])ali[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]un_aes_256(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aali.un_aes_256\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: #"key is disabled"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key(?:[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])+is(?:[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])+disabled(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\ is\\ disabled\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "key is disabled"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])is(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Ais\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])disabled(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Adisabled\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: #"disabled key"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])disabled(?:[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])+key(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Adisabled\\ key\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorMessage:#"is not"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorMessage` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])is[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]+not(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName: Kms
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName:KMS
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: EVENT.SERVICENAME : kms
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: "event.serviceName": "Kms"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName: Decrypt
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])decrypt(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName :Decrypt OR event.eventName:encrypt
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])decrypt(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])encrypt(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName:Kms AND (event.eventName:CreateKey OR event.eventName:ScheduleKeyDeletion)
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND ((coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])createkey(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])schedulekeydeletion(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.resourceName: key-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.resourceName: "acs:kms:cn-hangzhou:1234567890123456:key/key-abc123"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])acs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])cn\\-hangzhou(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])1234567890123456(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.KeyId: key-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.KeyId'), get_json_object(lower(`event`), '$.requestparameters.keyid')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameterJson: key-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.requestParameterJson` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.additionalEventData.mfaChecked: false
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.additionalEventData.mfaChecked'), get_json_object(lower(`event`), '$.additionaleventdata.mfachecked')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])false(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.Context.Encryption.Tag: prod
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.Context.Encryption.Tag'), get_json_object(lower(`event`), '$.requestparameters.context.encryption.tag')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])prod(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.DisplayName: 管理员
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.DisplayName'), get_json_object(lower(`event`), '$.requestparameters.displayname')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])管理员(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.RoleArn: role/ops
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.RoleArn'), get_json_object(lower(`event`), '$.requestparameters.rolearn')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])role(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND coalesce(get_json_object(`event`, '$.requestParameters.RoleArn'), get_json_object(lower(`event`), '$.requestparameters.rolearn')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ops(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.Policy: "oss:GetObject"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.Policy'), get_json_object(lower(`event`), '$.requestparameters.policy')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])oss(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND coalesce(get_json_object(`event`, '$.requestParameters.Policy'), get_json_object(lower(`event`), '$.requestparameters.policy')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])getobject(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.userName: alex
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.userName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])alex(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.insightDetails.insightType: IpInsight
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.insightDetails.insightType'), get_json_object(lower(`event`), '$.insightdetails.insighttype')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ipinsight(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.type: root-account
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.type` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])root\\-account(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.type: root
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.type` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])root(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.resourceType : "ACS::ECS::Disk"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.resourceType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])acs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ecs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])disk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName: Ecs and event.eventName: ReInitDisk and event.eventRW: Write and event.resourceType : "ACS::ECS::Disk"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ecs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])reinitdisk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])write(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.resourceType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])acs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ecs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])disk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: "event.userIdentity.accessKeyId": "STS.xxxx"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.accessKeyId` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])sts\\.xxxx(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: * AND "event.eventCategory": Management "event.userIdentity.accessKeyId": "STS.xxxx"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (TRUE) AND (coalesce(`event.eventCategory` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])management(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.userIdentity.accessKeyId` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])sts\\.xxxx(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.sourceIpAddress: "2001:db8::1"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.sourceIpAddress` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])2001(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.sourceIpAddress` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])db8(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.sourceIpAddress` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])1(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: 2001:db8::1
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE FALSE ORDER BY `__time__` DESC LIMIT 100;

-- case: event.sourceIpAddress: Internal
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.sourceIpAddress` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])internal(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.sourceIpAddress: 203.0.113
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.sourceIpAddress` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])203\\.0\\.113(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: owner: alice
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE FALSE ORDER BY `__time__` DESC LIMIT 100;

-- case: not owner: alice
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE NOT (FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: __source__: x or __tag__:__client_ip__:1.2.3.4
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (FALSE) OR (FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.no.such.leaf: x
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.no.such.leaf'), get_json_object(lower(`event`), '$.no.such.leaf')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])x(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorCode` IS NOT NULL, FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: not event.errorCode: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE NOT (coalesce(`event.errorCode` IS NOT NULL, FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode: ""
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorCode` = '', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode:* not event.errorCode:""
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.errorCode` IS NOT NULL, FALSE)) AND (NOT (coalesce(`event.errorCode` = '', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.accessKeyId: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.accessKeyId` IS NOT NULL, FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.accessKeyId: ""
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.accessKeyId` = '', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.additionalEventData.mfaChecked: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.additionalEventData.mfaChecked'), get_json_object(lower(`event`), '$.additionaleventdata.mfachecked')) IS NOT NULL, FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and event.errorMessage: * and not event.errorMessage: success
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])consolesignin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.errorMessage` IS NOT NULL, FALSE)) AND (NOT (coalesce(`event.errorMessage` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])success(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and (not event.errorMessage: * or event.errorMessage: success)
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])consolesignin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND ((NOT (coalesce(`event.errorMessage` IS NOT NULL, FALSE))) OR (coalesce(`event.errorMessage` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])success(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and event.userIdentity.type: ram-user and event.additionalEventData.mfaChecked: false and (event.errorCode: null or not event.errorCode : *)
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])consolesignin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.userIdentity.type` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ram\\-user(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(coalesce(get_json_object(`event`, '$.additionalEventData.mfaChecked'), get_json_object(lower(`event`), '$.additionaleventdata.mfachecked')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])false(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND ((coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])null(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (NOT (coalesce(`event.errorCode` IS NOT NULL, FALSE)))) ORDER BY `__time__` DESC LIMIT 100;

-- case: null
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])null(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Anull\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail\\z', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail.*\\z', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_event*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_event.*\\z', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__:"actiontrail_event_export"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_event_export\\z', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: actiontrail_event_export
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])actiontrail_event_export(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_event_export\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode: NoPermission.*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])nopermission\\.[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode: Forbidden.*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])forbidden\\.[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode: NoPermission
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])nopermission(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* or event.errorCode: Forbidden or event.errorCode: Forbbiden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId or event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken or event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch or event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden or event.errorCode: NotAuthorized)
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventType` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])apicall(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND ((coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])nopermission(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])nopermission\\.[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])forbidden(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])forbbiden(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])forbidden\\.[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])invalidaccesskeyid(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])invalidaccesskeyid\\.[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])invalidsecuritytoken(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])invalidsecuritytoken\\.[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])signaturedoesnotmatch(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])invalidauthorization(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])accessforbidden(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.errorCode` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])notauthorized(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: key-abc12?
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc12[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\](?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc12.\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: key-abc12*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc12[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc12.*\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventSource: actiontrail*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.eventSource` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])actiontrail[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventSource: actiontrail.cn-hangzhou.aliyuncs.com
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.eventSource` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])actiontrail\\.cn\\-hangzhou\\.aliyuncs\\.com(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.acsRegion: cn-sh*
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.acsRegion` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])cn\\-sh[^, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r]*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: "cn-sh*"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])cn\\-sh\\*(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Acn\\-sh\\*\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: *hai or event.eventName: *Key
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (FALSE) OR (FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName:Ecs and event.eventName:DeleteDisk OR event.eventName:ReInitDisk
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ecs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])deletedisk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])reinitdisk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName:ReInitDisk or event.serviceName:Oss and event.eventName:DeleteDisk
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])reinitdisk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR ((coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])oss(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])deletedisk(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName:Kms not event.eventName:Decrypt and event.eventRW:Read
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (NOT ((coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])decrypt(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])read(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)))) ORDER BY `__time__` DESC LIMIT 100;

-- case: (event.serviceName:Kms not event.eventName:Decrypt) and event.eventRW:Read
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (NOT (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])decrypt(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) AND (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])read(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: not event.serviceName:Kms and event.eventRW:Read
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (NOT (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) AND (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])read(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName:Kms not event.eventRW:Read or event.serviceName:Ram
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (NOT (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])read(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)))) OR (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ram(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: * AND event.serviceName: Actiontrail NOT event.userIdentity.userName: Alex
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (TRUE) AND (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])actiontrail(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (NOT (coalesce(`event.userIdentity.userName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])alex(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName:Kms event.eventRW:Write
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])write(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName:StopLogging Or event.eventName:DeleteTrail
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])stoplogging(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])deletetrail(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName:StopLogging oR event.eventName:DeleteTrail aNd event.acsRegion:cn-shanghai
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])stoplogging(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR ((coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])deletetrail(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.acsRegion` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])cn\\-shanghai(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and (((event.serviceName: Ram or event.serviceName: Ims) and event.eventName: ChangePassword) or (event.serviceName: AasCustomer and  event.eventName: PasswordReset))
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE)) AND ((((coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ram(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ims(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])changepassword(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) OR ((coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])aascustomer(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])passwordreset(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)))) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName: Oss and event.eventName: PutBucketLifecycle OR event.eventName: PutBucketPolicy OR event.eventName: DeleteBucketPolicy
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])oss(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])putbucketlifecycle(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])putbucketpolicy(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])deletebucketpolicy(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: "and"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])and(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aand\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "not" and event.serviceName:kms
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])not(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Anot\\z')) AND (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: not not event.eventName:ListKeys
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE NOT (NOT (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])listkeys(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__ >= 1709251200 and __time__ < 1709258400
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`__time__` >= 1709251200) AND (`__time__` < 1709258400) ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__ in [1709251200 1709258400]
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` >= 1709251200 AND `__time__` <= 1709258400 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__ in (1709251200 1709258400)
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` > 1709251200 AND `__time__` < 1709258400 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__ in (1709251200 1709258400]
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` > 1709251200 AND `__time__` <= 1709258400 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__ = 1709290800
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` = 1709290800 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__:1709290800
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` = 1709290800 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__ > 1709384400
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` > 1709384400 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__<=1709251200
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` <= 1709251200 ORDER BY `__time__` DESC LIMIT 100;

-- case: __time__: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE `__time__` IS NOT NULL ORDER BY `__time__` DESC LIMIT 100;

-- case: owner_id>100
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])owner_id(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aowner_id\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])100(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A100\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: owner_id > 100
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])owner_id(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aowner_id\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])100(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A100\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: PendingWindowInDays >= 7
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])pendingwindowindays(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Apendingwindowindays\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])7(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A7\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: PendingWindowInDays in [1 30]
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])pendingwindowindays(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Apendingwindowindays\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])in(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Ain\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])1(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A1\\z') AND (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])30(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A30\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: 运维
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])运维(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A运维\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: 临时账号
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])临时账号(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A临时账号\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: "临时账号，请删除"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])临时账号，请删除(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A临时账号，请删除\\z') ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.errorCode is not NULL and event.errorCode != '' and event.userIdentity.accessKeyId: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE)) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])event\\.errorcode(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aevent\\.errorcode\\z')) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])is(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Ais\\z')) AND (NOT (((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])null(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Anull\\z')) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])event\\.errorcode(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aevent\\.errorcode\\z')) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])!(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A!\\z')) AND (coalesce(`event.userIdentity.accessKeyId` IS NOT NULL, FALSE)))) ORDER BY `__time__` DESC LIMIT 100;

-- case: ConsoleSignin != ''
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])consolesignin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Aconsolesignin\\z')) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])!(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\A!\\z')) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.type: root-account is
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.userIdentity.type` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])root\\-account(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])is(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Ais\\z')) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName: ConsoleSignin ''
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])consolesignin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (TRUE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.accessKeyId:<YourAccessKeyId>
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.accessKeyId` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])youraccesskeyid(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.keyid: key-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.keyid'), get_json_object(lower(`event`), '$.requestparameters.keyid')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.REQUESTPARAMETERS.Context.ENCRYPTION.tag: PROD
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.Context.ENCRYPTION.tag'), get_json_object(lower(`event`), '$.requestparameters.context.encryption.tag')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])prod(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.PendingWindowInDays: 7
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.PendingWindowInDays'), get_json_object(lower(`event`), '$.requestparameters.pendingwindowindays')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])7(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.requestParameters.owner_id: 100
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(coalesce(get_json_object(`event`, '$.requestParameters.owner_id'), get_json_object(lower(`event`), '$.requestparameters.owner_id')) RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])100(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.userName: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.userName` IS NOT NULL, FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.userIdentity.principalId: 3333
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.userIdentity.principalId` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])3333(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.resourceName: key/key-abc123
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.resourceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorMessage:denied\ and
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE coalesce(`event.errorMessage` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])denied(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])' AND `event.errorMessage` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])and(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE) ORDER BY `__time__` DESC LIMIT 100;

-- case: key-abc123 not event.eventName: Encrypt
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc123\\z')) AND (NOT (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])encrypt(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: not "key-abc123"
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE NOT ((`event` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\]|\\\\[nrt])key\\-abc123(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r\\\\])' OR `__topic__` RLIKE '(?iu)(?s)\\Akey\\-abc123\\z')) ORDER BY `__time__` DESC LIMIT 100;

-- case: NOT event.serviceName: Kms AND NOT event.serviceName: Ecs AND event.eventRW: Read
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (NOT (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) AND (NOT (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])ecs(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) AND (coalesce(`event.eventRW` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])read(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.eventName: ConsoleSignin AND event.userIdentity.type: root-account
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])consolesignin(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.userIdentity.type` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])root\\-account(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.errorCode: * AND event.userIdentity.accessKeyId: *
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.errorCode` IS NOT NULL, FALSE)) AND (coalesce(`event.userIdentity.accessKeyId` IS NOT NULL, FALSE)) ORDER BY `__time__` DESC LIMIT 100;

-- case: event.serviceName: Kms and (event.eventName: DisableKey or event.eventName: ScheduleKeyDeletion or event.eventName: DeleteKeyMaterial)
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`event.serviceName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])kms(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND ((coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])disablekey(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])schedulekeydeletion(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) OR (coalesce(`event.eventName` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])deletekeymaterial(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.userIdentity.type: root-account and event.userIdentity.accessKeyId: * and not event.userIdentity.accessKeyId: NULL
SET spark.sql.session.timeZone=UTC;
SET spark.sql.ansi.enabled=true;
SELECT * FROM keytrail_events WHERE (coalesce(`__topic__` RLIKE '(?iu)(?s)\\Aactiontrail_audit_event\\z', FALSE)) AND (coalesce(`event.userIdentity.type` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])root\\-account(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE)) AND (coalesce(`event.userIdentity.accessKeyId` IS NOT NULL, FALSE)) AND (NOT (coalesce(`event.userIdentity.accessKeyId` RLIKE '(?iu)(?:\\A|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])null(?:\\z|[, \'";=()\\[\\]{}?@\\&<>/:\\n\\t\\r])', FALSE))) ORDER BY `__time__` DESC LIMIT 100;

