-- case: 
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE TRUE ORDER BY "__time__" DESC LIMIT 100;

-- case: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE TRUE ORDER BY "__time__" DESC LIMIT 100;

-- case: * and DisableKey
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (TRUE) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])disablekey(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Adisablekey\z'))) ORDER BY "__time__" DESC LIMIT 100;

-- case: DescribeKey
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])describekey(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Adescribekey\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: describekey
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])describekey(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Adescribekey\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "key-abc123"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc123\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: key-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc123\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: key-abc1234
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc1234(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc1234\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: xkey-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])xkey\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Axkey\-abc123\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: key-abc123-admin
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc123\-admin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc123\-admin\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "key disabled"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])disabled(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Adisabled\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: found
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])found(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Afound\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "found."
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])found\.(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Afound\.\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: audit
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])audit(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aaudit\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: Internal
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])internal(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Ainternal\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: 198.51.100.7
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])198\.51\.100\.7(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A198\.51\.100\.7\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: NumberOfBytes
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])numberofbytes(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Anumberofbytes\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "oss:GetObject"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])oss(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aoss\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])getobject(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Agetobject\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: Kms Write
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akms\z'))) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])write(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Awrite\z'))) ORDER BY "__time__" DESC LIMIT 100;

-- case: Ali?un_AES_256
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])ali[^, ''";=()\[\]{}?@\&<>/:\n\t\r\\]un_aes_256(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aali.un_aes_256\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: #"key is disabled"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key(?:[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])+is(?:[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])+disabled(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\ is\ disabled\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "key is disabled"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])is(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Ais\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])disabled(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Adisabled\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: #"disabled key"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])disabled(?:[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])+key(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Adisabled\ key\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorMessage:#"is not"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.errormessage", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])is[, ''";=()\[\]{}?@\&<>/:\n\t\r]+not(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName: Kms
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName:KMS
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: EVENT.SERVICENAME : kms
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: "event.serviceName": "Kms"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName: Decrypt
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])decrypt(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName :Decrypt OR event.eventName:encrypt
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])decrypt(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])encrypt(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName:Kms AND (event.eventName:CreateKey OR event.eventName:ScheduleKeyDeletion)
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND ((coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])createkey(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])schedulekeydeletion(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.resourceName: key-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.resourceName: "acs:kms:cn-hangzhou:1234567890123456:key/key-abc123"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])acs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])cn\-hangzhou(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])1234567890123456(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.KeyId: key-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.KeyId'), nullif(json_format(json_extract("event", '$.requestParameters.KeyId')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.keyid'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.keyid')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameterJson: key-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.requestparameterjson", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.additionalEventData.mfaChecked: false
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.additionalEventData.mfaChecked'), nullif(json_format(json_extract("event", '$.additionalEventData.mfaChecked')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.additionaleventdata.mfachecked'), nullif(json_format(json_extract(lower("event"), '$.additionaleventdata.mfachecked')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])false(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.Context.Encryption.Tag: prod
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.Context.Encryption.Tag'), nullif(json_format(json_extract("event", '$.requestParameters.Context.Encryption.Tag')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.context.encryption.tag'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.context.encryption.tag')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])prod(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.DisplayName: 管理员
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.DisplayName'), nullif(json_format(json_extract("event", '$.requestParameters.DisplayName')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.displayname'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.displayname')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])管理员(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.RoleArn: role/ops
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.RoleArn'), nullif(json_format(json_extract("event", '$.requestParameters.RoleArn')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.rolearn'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.rolearn')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])role(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.RoleArn'), nullif(json_format(json_extract("event", '$.requestParameters.RoleArn')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.rolearn'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.rolearn')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ops(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.Policy: "oss:GetObject"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.Policy'), nullif(json_format(json_extract("event", '$.requestParameters.Policy')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.policy'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.policy')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])oss(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.Policy'), nullif(json_format(json_extract("event", '$.requestParameters.Policy')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.policy'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.policy')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])getobject(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.userName: alex
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.useridentity.username", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])alex(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.insightDetails.insightType: IpInsight
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.insightDetails.insightType'), nullif(json_format(json_extract("event", '$.insightDetails.insightType')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.insightdetails.insighttype'), nullif(json_format(json_extract(lower("event"), '$.insightdetails.insighttype')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ipinsight(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.type: root-account
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.useridentity.type", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])root\-account(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.type: root
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.useridentity.type", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])root(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.resourceType : "ACS::ECS::Disk"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.resourcetype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])acs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcetype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ecs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcetype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])disk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName: Ecs and event.eventName: ReInitDisk and event.eventRW: Write and event.resourceType : "ACS::ECS::Disk"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ecs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])reinitdisk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])write(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.resourcetype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])acs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcetype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ecs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcetype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])disk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: "event.userIdentity.accessKeyId": "STS.xxxx"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.useridentity.accesskeyid", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])sts\.xxxx(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: * AND "event.eventCategory": Management "event.userIdentity.accessKeyId": "STS.xxxx"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (TRUE) AND (coalesce(regexp_like("event.eventcategory", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])management(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.useridentity.accesskeyid", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])sts\.xxxx(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.sourceIpAddress: "2001:db8::1"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.sourceipaddress", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])2001(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.sourceipaddress", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])db8(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.sourceipaddress", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])1(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: 2001:db8::1
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE FALSE ORDER BY "__time__" DESC LIMIT 100;

-- case: event.sourceIpAddress: Internal
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.sourceipaddress", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])internal(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.sourceIpAddress: 203.0.113
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.sourceipaddress", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])203\.0\.113(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: owner: alice
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE FALSE ORDER BY "__time__" DESC LIMIT 100;

-- case: not owner: alice
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE NOT (FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: __source__: x or __tag__:__client_ip__:1.2.3.4
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (FALSE) OR (FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.no.such.leaf: x
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.no.such.leaf'), nullif(json_format(json_extract("event", '$.no.such.leaf')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.no.such.leaf'), nullif(json_format(json_extract(lower("event"), '$.no.such.leaf')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])x(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce("event.errorcode" IS NOT NULL, FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: not event.errorCode: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE NOT (coalesce("event.errorcode" IS NOT NULL, FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode: ""
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce("event.errorcode" = '', FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode:* not event.errorCode:""
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce("event.errorcode" IS NOT NULL, FALSE)) AND (NOT (coalesce("event.errorcode" = '', FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.accessKeyId: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce("event.useridentity.accesskeyid" IS NOT NULL, FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.accessKeyId: ""
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce("event.useridentity.accesskeyid" = '', FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.additionalEventData.mfaChecked: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(coalesce(coalesce(json_extract_scalar("event", '$.additionalEventData.mfaChecked'), nullif(json_format(json_extract("event", '$.additionalEventData.mfaChecked')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.additionaleventdata.mfachecked'), nullif(json_format(json_extract(lower("event"), '$.additionaleventdata.mfachecked')), 'null'))) IS NOT NULL, FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and event.errorMessage: * and not event.errorMessage: success
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])consolesignin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce("event.errormessage" IS NOT NULL, FALSE)) AND (NOT (coalesce(regexp_like("event.errormessage", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])success(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and (not event.errorMessage: * or event.errorMessage: success)
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])consolesignin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND ((NOT (coalesce("event.errormessage" IS NOT NULL, FALSE))) OR (coalesce(regexp_like("event.errormessage", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])success(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.eventName: ConsoleSignin and event.userIdentity.type: ram-user and event.additionalEventData.mfaChecked: false and (event.errorCode: null or not event.errorCode : *)
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])consolesignin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.useridentity.type", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ram\-user(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.additionalEventData.mfaChecked'), nullif(json_format(json_extract("event", '$.additionalEventData.mfaChecked')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.additionaleventdata.mfachecked'), nullif(json_format(json_extract(lower("event"), '$.additionaleventdata.mfachecked')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])false(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND ((coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])null(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (NOT (coalesce("event.errorcode" IS NOT NULL, FALSE)))) ORDER BY "__time__" DESC LIMIT 100;

-- case: null
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])null(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Anull\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail\z'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail.*\z'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_event*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_event.*\z'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__:"actiontrail_event_export"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_event_export\z'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: actiontrail_event_export
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])actiontrail_event_export(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aactiontrail_event_export\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode: NoPermission.*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])nopermission\.[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode: Forbidden.*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])forbidden\.[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode: NoPermission
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])nopermission(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* or event.errorCode: Forbidden or event.errorCode: Forbbiden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId or event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken or event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch or event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden or event.errorCode: NotAuthorized)
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventtype", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])apicall(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND ((coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])nopermission(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])nopermission\.[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])forbidden(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])forbbiden(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])forbidden\.[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])invalidaccesskeyid(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])invalidaccesskeyid\.[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])invalidsecuritytoken(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])invalidsecuritytoken\.[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])signaturedoesnotmatch(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])invalidauthorization(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])accessforbidden(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.errorcode", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])notauthorized(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: key-abc12?
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc12[^, ''";=()\[\]{}?@\&<>/:\n\t\r\\](?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc12.\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: key-abc12*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc12[^, ''";=()\[\]{}?@\&<>/:\n\t\r\\]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc12.*\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventSource: actiontrail*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.eventsource", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])actiontrail[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventSource: actiontrail.cn-hangzhou.aliyuncs.com
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.eventsource", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])actiontrail\.cn\-hangzhou\.aliyuncs\.com(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.acsRegion: cn-sh*
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.acsregion", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])cn\-sh[^, ''";=()\[\]{}?@\&<>/:\n\t\r]*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: "cn-sh*"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])cn\-sh\*(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Acn\-sh\*\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: *hai or event.eventName: *Key
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (FALSE) OR (FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName:Ecs and event.eventName:DeleteDisk OR event.eventName:ReInitDisk
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ecs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])deletedisk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])reinitdisk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName:ReInitDisk or event.serviceName:Oss and event.eventName:DeleteDisk
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])reinitdisk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR ((coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])oss(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])deletedisk(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName:Kms not event.eventName:Decrypt and event.eventRW:Read
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (NOT ((coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])decrypt(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])read(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)))) ORDER BY "__time__" DESC LIMIT 100;

-- case: (event.serviceName:Kms not event.eventName:Decrypt) and event.eventRW:Read
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (NOT (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])decrypt(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) AND (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])read(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: not event.serviceName:Kms and event.eventRW:Read
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (NOT (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) AND (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])read(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName:Kms not event.eventRW:Read or event.serviceName:Ram
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (NOT (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])read(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)))) OR (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ram(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: * AND event.serviceName: Actiontrail NOT event.userIdentity.userName: Alex
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (TRUE) AND (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])actiontrail(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (NOT (coalesce(regexp_like("event.useridentity.username", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])alex(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName:Kms event.eventRW:Write
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])write(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName:StopLogging Or event.eventName:DeleteTrail
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])stoplogging(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])deletetrail(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName:StopLogging oR event.eventName:DeleteTrail aNd event.acsRegion:cn-shanghai
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])stoplogging(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR ((coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])deletetrail(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.acsregion", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])cn\-shanghai(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and (((event.serviceName: Ram or event.serviceName: Ims) and event.eventName: ChangePassword) or (event.serviceName: AasCustomer and  event.eventName: PasswordReset))
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE)) AND ((((coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ram(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ims(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])changepassword(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) OR ((coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])aascustomer(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])passwordreset(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName: Oss and event.eventName: PutBucketLifecycle OR event.eventName: PutBucketPolicy OR event.eventName: DeleteBucketPolicy
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])oss(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])putbucketlifecycle(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])putbucketpolicy(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])deletebucketpolicy(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: "and"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])and(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aand\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "not" and event.serviceName:kms
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])not(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Anot\z'))) AND (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: not not event.eventName:ListKeys
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE NOT (NOT (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])listkeys(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__ >= 1709251200 and __time__ < 1709258400
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ("__time__" >= 1709251200) AND ("__time__" < 1709258400) ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__ in [1709251200 1709258400]
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" >= 1709251200 AND "__time__" <= 1709258400 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__ in (1709251200 1709258400)
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" > 1709251200 AND "__time__" < 1709258400 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__ in (1709251200 1709258400]
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" > 1709251200 AND "__time__" <= 1709258400 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__ = 1709290800
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" = 1709290800 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__:1709290800
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" = 1709290800 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__ > 1709384400
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" > 1709384400 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__<=1709251200
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" <= 1709251200 ORDER BY "__time__" DESC LIMIT 100;

-- case: __time__: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE "__time__" IS NOT NULL ORDER BY "__time__" DESC LIMIT 100;

-- case: owner_id>100
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])owner_id(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aowner_id\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])100(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A100\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: owner_id > 100
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])owner_id(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aowner_id\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])100(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A100\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: PendingWindowInDays >= 7
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])pendingwindowindays(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Apendingwindowindays\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])7(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A7\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: PendingWindowInDays in [1 30]
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])pendingwindowindays(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Apendingwindowindays\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])in(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Ain\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])1(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A1\z')) AND (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])30(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A30\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: 运维
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])运维(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A运维\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: 临时账号
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])临时账号(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A临时账号\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: "临时账号，请删除"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])临时账号，请删除(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A临时账号，请删除\z')) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.errorCode is not NULL and event.errorCode != '' and event.userIdentity.accessKeyId: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE)) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])event\.errorcode(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aevent\.errorcode\z'))) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])is(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Ais\z'))) AND (NOT (((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])null(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Anull\z'))) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])event\.errorcode(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aevent\.errorcode\z'))) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])!(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A!\z'))) AND (coalesce("event.useridentity.accesskeyid" IS NOT NULL, FALSE)))) ORDER BY "__time__" DESC LIMIT 100;

-- case: ConsoleSignin != ''
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])consolesignin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Aconsolesignin\z'))) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])!(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\A!\z'))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.type: root-account is
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.useridentity.type", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])root\-account(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])is(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Ais\z'))) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName: ConsoleSignin ''
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])consolesignin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (TRUE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.accessKeyId:<YourAccessKeyId>
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.useridentity.accesskeyid", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])youraccesskeyid(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.keyid: key-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.keyid'), nullif(json_format(json_extract("event", '$.requestParameters.keyid')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.keyid'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.keyid')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.REQUESTPARAMETERS.Context.ENCRYPTION.tag: PROD
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.Context.ENCRYPTION.tag'), nullif(json_format(json_extract("event", '$.requestParameters.Context.ENCRYPTION.tag')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.context.encryption.tag'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.context.encryption.tag')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])prod(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.PendingWindowInDays: 7
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.PendingWindowInDays'), nullif(json_format(json_extract("event", '$.requestParameters.PendingWindowInDays')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.pendingwindowindays'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.pendingwindowindays')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])7(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.requestParameters.owner_id: 100
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like(coalesce(coalesce(json_extract_scalar("event", '$.requestParameters.owner_id'), nullif(json_format(json_extract("event", '$.requestParameters.owner_id')), 'null')), coalesce(json_extract_scalar(lower("event"), '$.requestparameters.owner_id'), nullif(json_format(json_extract(lower("event"), '$.requestparameters.owner_id')), 'null'))), '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])100(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.userName: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce("event.useridentity.username" IS NOT NULL, FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.userIdentity.principalId: 3333
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.useridentity.principalid", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])3333(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.resourceName: key/key-abc123
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.resourcename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorMessage:denied\ and
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE coalesce(regexp_like("event.errormessage", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])denied(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])') AND regexp_like("event.errormessage", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])and(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE) ORDER BY "__time__" DESC LIMIT 100;

-- case: key-abc123 not event.eventName: Encrypt
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc123\z'))) AND (NOT (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])encrypt(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: not "key-abc123"
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE NOT ((regexp_like("event", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\]|\\[nrt])key\-abc123(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r\\])') OR regexp_like("__topic__", '(?i)(?s)\Akey\-abc123\z'))) ORDER BY "__time__" DESC LIMIT 100;

-- case: NOT event.serviceName: Kms AND NOT event.serviceName: Ecs AND event.eventRW: Read
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (NOT (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) AND (NOT (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])ecs(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) AND (coalesce(regexp_like("event.eventrw", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])read(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.eventName: ConsoleSignin AND event.userIdentity.type: root-account
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])consolesignin(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce(regexp_like("event.useridentity.type", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])root\-account(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.errorCode: * AND event.userIdentity.accessKeyId: *
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce("event.errorcode" IS NOT NULL, FALSE)) AND (coalesce("event.useridentity.accesskeyid" IS NOT NULL, FALSE)) ORDER BY "__time__" DESC LIMIT 100;

-- case: event.serviceName: Kms and (event.eventName: DisableKey or event.eventName: ScheduleKeyDeletion or event.eventName: DeleteKeyMaterial)
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("event.servicename", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])kms(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND ((coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])disablekey(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])schedulekeydeletion(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) OR (coalesce(regexp_like("event.eventname", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])deletekeymaterial(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

-- case: __topic__: actiontrail_audit_event and event.userIdentity.type: root-account and event.userIdentity.accessKeyId: * and not event.userIdentity.accessKeyId: NULL
SET TIME ZONE 'UTC';
SELECT * FROM keytrail_events WHERE (coalesce(regexp_like("__topic__", '(?i)(?s)\Aactiontrail_audit_event\z'), FALSE)) AND (coalesce(regexp_like("event.useridentity.type", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])root\-account(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE)) AND (coalesce("event.useridentity.accesskeyid" IS NOT NULL, FALSE)) AND (NOT (coalesce(regexp_like("event.useridentity.accesskeyid", '(?i)(?:\A|[, ''";=()\[\]{}?@\&<>/:\n\t\r])null(?:\z|[, ''";=()\[\]{}?@\&<>/:\n\t\r])'), FALSE))) ORDER BY "__time__" DESC LIMIT 100;

