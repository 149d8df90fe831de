-- case: group-by-ordinal-order-by-ordinals
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.userName` AS `u`, count(*) AS `n` FROM keytrail_events GROUP BY `event.userIdentity.userName` ORDER BY `n` DESC NULLS LAST, `u` NULLS LAST LIMIT 100;

-- case: group-by-column-name
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.acsRegion` AS `event.acsRegion`, count(*) AS `n` FROM keytrail_events GROUP BY `event.acsRegion` ORDER BY `n` NULLS LAST LIMIT 100;

-- case: having-aggregate
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `e`, count(*) AS `n` FROM keytrail_events GROUP BY `event.eventName` HAVING (count(*) >= 3) ORDER BY `n` DESC NULLS LAST, `e` NULLS LAST LIMIT 100;

-- case: having-by-alias
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `e`, count(*) AS `n` FROM keytrail_events GROUP BY `event.eventName` HAVING ((count(*)) = 2) ORDER BY `e` NULLS LAST LIMIT 100;

-- case: order-by-aggregate-not-selected
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.userName` AS `u` FROM keytrail_events GROUP BY `event.userIdentity.userName` ORDER BY count(*) DESC NULLS LAST, `u` NULLS LAST LIMIT 2;

-- case: count-column-skips-nulls
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(`event.errorCode`) AS `c`, count(`event.resourceName`) AS `r` FROM keytrail_events LIMIT 100;

-- case: count-distinct-and-approx-distinct
-- note: approx_distinct is an estimate in SLS and in the engine (HyperLogLog); keytrail counts exactly
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(DISTINCT `event.sourceIpAddress`) AS `ips`, approx_count_distinct(`event.userIdentity.userName`) AS `users` FROM keytrail_events LIMIT 100;

-- case: count-distinct-time
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.userName` AS `u`, count(DISTINCT `__time__`) AS `t`, count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` = 'Encrypt')) GROUP BY `event.userIdentity.userName` ORDER BY `u` NULLS LAST LIMIT 100;

-- case: sum-and-avg-of-cast-json
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT sum(CAST(get_json_object(`event.requestParameterJson`, '$.NumberOfBytes') AS BIGINT)) AS `s`, avg(CAST(get_json_object(`event.requestParameterJson`, '$.NumberOfBytes') AS DOUBLE)) AS `a` FROM keytrail_events WHERE ((`event.eventName` = 'GenerateDataKey')) LIMIT 100;

-- case: sum-of-all-nulls-is-null
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT sum(CAST(get_json_object(`event.requestParameterJson`, '$.Nope') AS BIGINT)) AS `s`, count(*) AS `n` FROM keytrail_events LIMIT 100;

-- case: min-max-and-date-format-of-min
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_format(timestamp_seconds(min(`__time__`)), 'yyyy-MM-dd HH:mm:ss') AS `first`, date_format(timestamp_seconds(max(`__time__`)), 'yyyy-MM-dd HH:mm:ss') AS `last`, min(`event.eventName`) AS `lo`, max(`event.eventName`) AS `hi` FROM keytrail_events LIMIT 100;

-- case: arbitrary-takes-a-non-null-value
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.type` AS `t`, any_value(`event.userIdentity.accessKeyId`, TRUE) AS `ak` FROM keytrail_events GROUP BY `event.userIdentity.type` ORDER BY `t` NULLS LAST LIMIT 100;

-- case: max-by-min-by
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT max_by(`event.eventName`, `__time__`) AS `last_event`, min_by(`event.eventName`, `__time__`) AS `first_event` FROM keytrail_events WHERE ((`event.userIdentity.userName` = 'alice')) LIMIT 100;

-- case: count-if
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count_if((`event.eventRW` = 'Read')) AS `reads`, count_if((`event.eventRW` = 'Write')) AS `writes` FROM keytrail_events LIMIT 100;

-- case: array-agg-distinct-keeps-first-seen-order
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.userName` AS `u`, CASE WHEN count(1) > 0 THEN array_distinct(transform(collect_list(named_struct('v', `event.sourceIpAddress`)), s -> s.v)) END AS `ips` FROM keytrail_events GROUP BY `event.userIdentity.userName` ORDER BY `u` NULLS LAST LIMIT 100;

-- case: array-agg-global
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN count(1) > 0 THEN transform(collect_list(named_struct('v', `event.eventName`)), s -> s.v) END AS `names` FROM keytrail_events WHERE ((`event.userIdentity.userName` = 'carol')) LIMIT 100;

-- case: histogram-as-json
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN count(1) > 0 THEN map_from_entries(array_sort(transform(array_distinct(filter(collect_list(`event.eventRW`), v -> v IS NOT NULL)), k -> named_struct('key', k, 'value', CAST(size(filter(collect_list(`event.eventRW`), v -> v = k)) AS BIGINT))))) END AS `h` FROM keytrail_events WHERE ((`event.userIdentity.userName` = 'bob')) LIMIT 100;

-- case: global-aggregate-over-no-rows
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n`, sum(`__time__`) AS `s`, max(`event.eventName`) AS `m` FROM keytrail_events WHERE ((`event.eventName` = 'Nope')) LIMIT 100;

-- case: every-aggregate-over-no-rows-is-null-but-the-counts
-- note: approx_distinct is an estimate in SLS and in the engine (HyperLogLog); keytrail counts exactly
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n`, count(`event.eventName`) AS `c`, count_if((`event.eventRW` = 'Read')) AS `ci`, approx_count_distinct(`event.eventName`) AS `ad`, sum(`__time__`) AS `s`, avg(`__time__`) AS `a`, min(`__time__`) AS `lo`, max(`__time__`) AS `hi`, any_value(`event.eventName`, TRUE) AS `any`, max_by(`event.eventName`, `__time__`) AS `mb`, min_by(`event.eventName`, `__time__`) AS `nb`, CASE WHEN count(1) > 0 THEN transform(collect_list(named_struct('v', `event.eventName`)), s -> s.v) END AS `names`, CASE WHEN count(1) > 0 THEN array_distinct(transform(collect_list(named_struct('v', `event.eventName`)), s -> s.v)) END AS `dnames`, CASE WHEN count(1) > 0 THEN map_from_entries(array_sort(transform(array_distinct(filter(collect_list(`event.eventRW`), v -> v IS NOT NULL)), k -> named_struct('key', k, 'value', CAST(size(filter(collect_list(`event.eventRW`), v -> v = k)) AS BIGINT))))) END AS `h`, bool_and((`event.eventRW` = 'Read')) AS `ba`, bool_or((`event.eventRW` = 'Read')) AS `bo` FROM keytrail_events WHERE ((`event.eventName` = 'Nope')) LIMIT 100;

-- case: group-by-over-no-rows
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `e`, count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` = 'Nope')) GROUP BY `event.eventName` LIMIT 100;

-- case: distinct-group-by-order-by-count
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT DISTINCT `event.userIdentity.type` AS `t`, count(*) AS `n` FROM keytrail_events GROUP BY `event.userIdentity.type` ORDER BY `n` DESC NULLS LAST LIMIT 100;

-- case: bool-and-bool-or
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT bool_and((`event.eventRW` = 'Read')) AS `all_read`, bool_or((`event.eventRW` = 'Read')) AS `any_read` FROM keytrail_events WHERE ((`event.userIdentity.userName` = 'carol')) LIMIT 100;

-- case: group-by-function-expression
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT lower(`event.serviceName`) AS `s`, count(*) AS `n` FROM keytrail_events GROUP BY lower(`event.serviceName`) ORDER BY `s` NULLS LAST LIMIT 100;

-- case: expression-over-group-key
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.sourceIpAddress` AS `ip`, CASE WHEN `event.sourceIpAddress` IS NULL THEN NULL WHEN (regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1') RLIKE '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$') THEN CASE WHEN CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) IN (10, 127) OR (CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 172 AND CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) BETWEEN 16 AND 31) OR (CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 192 AND CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) = 168) OR (CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 169 AND CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) = 254) OR (CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 100 AND CAST(regexp_extract(regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) BETWEEN 64 AND 127) OR regexp_replace(trim(`event.sourceIpAddress`), '^::[fF]{4}:([0-9]+\\.)', '$1') = '0.0.0.0' THEN 'intranet' ELSE 'internet' END WHEN (trim(`event.sourceIpAddress`) RLIKE '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:))$') THEN CASE WHEN (trim(`event.sourceIpAddress`) RLIKE '^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$') THEN 'intranet' ELSE 'internet' END ELSE 'intranet' END AS `d` FROM keytrail_events GROUP BY `event.sourceIpAddress` ORDER BY `ip` NULLS LAST LIMIT 100;

-- case: ip-to-city-is-null-with-a-note
-- refused at byte 11: ip_to_city cannot be translated: the IP functions need keytrail's offline IP databases, which the engine does not have; run this query with keytrail

-- case: approx-percentile-exact-nearest-rank
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
-- note: approx_percentile is an estimate in the engine; keytrail takes the exact nearest rank
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
-- note: approx_percentile is an estimate in the engine; keytrail takes the exact nearest rank
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT percentile_approx(CAST(get_json_object(`event.requestParameterJson`, '$.PendingWindowInDays') AS BIGINT), 0.0E0) AS `p0`, percentile_approx(CAST(get_json_object(`event.requestParameterJson`, '$.PendingWindowInDays') AS BIGINT), 1.0E0) AS `p100`, percentile_approx((`__time__` % 60), 1.0E0) AS `top` FROM keytrail_events LIMIT 100;

-- case: count-star-implicit-from
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events LIMIT 100;

-- case: count-1-from-log
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(1) AS `n` FROM keytrail_events LIMIT 100;

-- case: keywords-any-case-and-semicolon
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events LIMIT 100;

-- case: where-equals
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` = 'Decrypt')) LIMIT 100;

-- case: unaliased-columns-keep-their-names
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `event.eventId`, `__time__` AS `__time__` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: unnamed-expressions-are-colN
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT (1 + 2) AS `_col0`, 'x' AS `y`, (2.5E0 * 2) AS `_col2` FROM keytrail_events LIMIT 1;

-- case: identifiers-are-case-insensitive
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `n` FROM keytrail_events WHERE ((`event.eventId` = 'E0003-descri')) LIMIT 100;

-- case: unquoted-dotted-names
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `n` FROM keytrail_events WHERE ((`event.eventId` = 'E0013-disabl')) LIMIT 100;

-- case: order-by-time-then-id-desc-breaks-ties
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id` FROM keytrail_events WHERE ((`event.eventName` = 'Encrypt')) ORDER BY `__time__` NULLS LAST, `id` DESC NULLS LAST LIMIT 100;

-- case: order-desc-limit
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id` FROM keytrail_events ORDER BY `__time__` DESC NULLS LAST, `id` NULLS LAST LIMIT 3;

-- case: limit-offset-comma-count
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id` FROM keytrail_events ORDER BY `__time__` NULLS LAST, `id` NULLS LAST LIMIT 3 OFFSET 2;

-- case: limit-zero
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id` FROM keytrail_events LIMIT 0;

-- case: no-limit-means-default-100-reported
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id` FROM keytrail_events WHERE ((`__time__` >= 1709337600)) LIMIT 100;

-- case: select-distinct
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT DISTINCT `event.userIdentity.type` AS `t` FROM keytrail_events ORDER BY `t` NULLS LAST LIMIT 100;

-- case: and-or-not-parentheses
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE (((((`event.eventName` = 'Decrypt') OR (`event.eventName` = 'Encrypt'))) AND (NOT (`event.sourceIpAddress` = '10.0.0.5')))) LIMIT 100;

-- case: in-list
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` IN ('CreateKey', 'DisableKey', 'EnableKey'))) LIMIT 100;

-- case: not-in-list
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((`event.serviceName` NOT IN ('Kms', 'Ecs'))) LIMIT 100;

-- case: like-percent
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `e`, count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` LIKE '%Key%')) GROUP BY `event.eventName` ORDER BY `e` NULLS LAST LIMIT 100;

-- case: like-underscore
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT DISTINCT `event.eventName` AS `e` FROM keytrail_events WHERE ((`event.eventName` LIKE '_ncrypt')) ORDER BY `e` NULLS LAST LIMIT 100;

-- case: not-like
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` NOT LIKE '%crypt')) LIMIT 100;

-- case: between-with-arithmetic-bounds
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((`__time__` BETWEEN (1709251200 + 600) AND (1709251200 + 780))) LIMIT 100;

-- case: null-versus-empty-string
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count_if((`event.errorCode` IS NULL)) AS `missing`, count_if((`event.errorCode` = '')) AS `empty`, count_if((`event.errorCode` <> '')) AS `failed`, count_if((`event.errorCode` IS NOT NULL)) AS `present` FROM keytrail_events LIMIT 100;

-- case: comparison-with-null-is-null
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT (`event.errorCode` = '') AS `e`, ((`event.errorCode` IS NULL) OR (`event.errorCode` = '')) AS `ok` FROM keytrail_events WHERE ((`event.eventId` IN ('E0001-create', 'E0016-enable', 'E0008-decryp'))) ORDER BY `__time__` NULLS LAST LIMIT 100;

-- case: coalesce-groups
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT coalesce(`event.userIdentity.accessKeyId`, 'console') AS `ak`, count(*) AS `n` FROM keytrail_events GROUP BY coalesce(`event.userIdentity.accessKeyId`, 'console') ORDER BY `n` DESC NULLS LAST, `ak` NULLS LAST LIMIT 100;

-- case: nullif-empty
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT nullif(`event.errorCode`, '') AS `e`, nullif('a', 'b') AS `f` FROM keytrail_events WHERE ((`event.eventId` = 'E0016-enable')) LIMIT 100;

-- case: if-with-else-group-by-ordinal
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN (`event.eventRW` = 'Read') THEN 'R' ELSE 'W' END AS `rw`, count(*) AS `n` FROM keytrail_events GROUP BY CASE WHEN (`event.eventRW` = 'Read') THEN 'R' ELSE 'W' END ORDER BY `rw` NULLS LAST LIMIT 100;

-- case: if-without-else-is-null-and-nulls-sort-last
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN (`event.errorCode` = 'NoPermission') THEN 'denied' ELSE NULL END AS `d`, count(*) AS `n` FROM keytrail_events GROUP BY CASE WHEN (`event.errorCode` = 'NoPermission') THEN 'denied' ELSE NULL END ORDER BY `d` NULLS LAST LIMIT 100;

-- case: case-chinese-labels
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN (`event.userIdentity.type` = 'root-account') THEN '阿里云主账号' WHEN (`event.userIdentity.type` = 'ram-user') THEN 'RAM用户' WHEN (`event.userIdentity.type` = 'assumed-role') THEN 'RAM角色' ELSE `event.userIdentity.type` END AS `user_type`, count(1) AS `cnt` FROM keytrail_events GROUP BY CASE WHEN (`event.userIdentity.type` = 'root-account') THEN '阿里云主账号' WHEN (`event.userIdentity.type` = 'ram-user') THEN 'RAM用户' WHEN (`event.userIdentity.type` = 'assumed-role') THEN 'RAM角色' ELSE `event.userIdentity.type` END ORDER BY `cnt` DESC NULLS LAST LIMIT 100;

-- case: simple-case-without-else
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE `event.acsRegion` WHEN 'cn-hangzhou' THEN 'HZ' WHEN 'cn-shanghai' THEN 'SH' END AS `r`, count(*) AS `n` FROM keytrail_events GROUP BY CASE `event.acsRegion` WHEN 'cn-hangzhou' THEN 'HZ' WHEN 'cn-shanghai' THEN 'SH' END ORDER BY `r` NULLS LAST LIMIT 100;

-- case: fixed-width-buckets
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT (`__time__` - (`__time__` % 3600)) AS `h`, count(*) AS `n` FROM keytrail_events GROUP BY (`__time__` - (`__time__` % 3600)) ORDER BY `h` NULLS LAST LIMIT 3;

-- case: integer-and-double-arithmetic
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT (7 div 2) AS `a`, ((- 7) div 2) AS `b`, (7 % 3) AS `c`, (7.0E0 / 2) AS `d`, ((2 * 3) - 1) AS `e` FROM keytrail_events LIMIT 1;

-- case: string-concat-operator
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT ('a' || `event.acsRegion`) AS `x` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: string-comparison-is-lexical
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((`event.eventName` >= 'S')) LIMIT 100;

-- case: boolean-column-from-subquery
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM (SELECT (`event.eventRW` = 'Read') AS `r` FROM keytrail_events) AS `_t1` WHERE ((`r` = TRUE)) LIMIT 100;

-- case: order-by-columns-not-selected
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id` FROM keytrail_events WHERE ((`event.userIdentity.userName` = 'carol')) ORDER BY `event.eventName` NULLS LAST, `__time__` DESC NULLS LAST LIMIT 100;

-- case: json-leaf-field-not-stored
-- note: JSON leaves in SQL are read with get_json_object: keys match exactly (keytrail also matches a key in another letter case); Spark re-writes numbers (1E5 reads 100000.0)
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT get_json_object(`event`, '$.additionalEventData.mfaChecked') AS `mfa`, count(*) AS `n` FROM keytrail_events GROUP BY get_json_object(`event`, '$.additionalEventData.mfaChecked') ORDER BY `mfa` NULLS LAST LIMIT 100;

-- case: search-part-applied-by-caller
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.userName` AS `u`, `event.errorCode` AS `err` FROM keytrail_events ORDER BY `__time__` NULLS LAST LIMIT 100;

-- case: case-and-length
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT lower(`event.eventName`) AS `l`, upper(`event.eventName`) AS `u`, length(`event.eventName`) AS `n`, reverse(`event.acsRegion`) AS `r`, length('密钥') AS `zh` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: trim-replace-substr-strpos
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT trim('  a b  ') AS `t`, ltrim('  x') AS `l`, rtrim('x  ') AS `r`, replace(`event.acsRegion`, 'cn-', '') AS `p`, substr(`event.eventName`, 1, 6) AS `s1`, substr(`event.eventName`, 7) AS `s2`, locate('Key', `event.eventName`) AS `k`, locate('zzz', `event.eventName`) AS `z` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: split-arrays-one-based
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT split(`event.resourceName`, '\\;') AS `parts`, size(split(`event.resourceName`, '\\;')) AS `n`, try_element_at(split(`event.resourceName`, '\\;'), 2) AS `second`, try_element_at(split(`event.resourceName`, '\\;'), 3) AS `third`, try_element_at(split(`event.resourceName`, '\\;'), 1) AS `first`, array_position(split(`event.resourceType`, '\\;'), 'ACS::KMS::Alias') AS `pos`, array_contains(split(`event.resourceType`, '\\;'), 'ACS::KMS::Key') AS `has_key` FROM keytrail_events WHERE ((`event.eventId` = 'E0002-create')) LIMIT 100;

-- case: array-position-absent-is-zero-and-null-input-is-null
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventId` AS `id`, array_position(split(`event.resourceType`, '\\;'), 'ACS::ECS::Disk') AS `pos` FROM keytrail_events WHERE (((`event.serviceName` = 'Ecs') OR (`event.eventId` = 'E0008-decryp'))) ORDER BY `id` NULLS LAST LIMIT 100;

-- case: concat-null-propagates
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT concat('a', `event.errorCode`, 'b') AS `c`, concat('x-', `event.acsRegion`) AS `d` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: regexp-functions
-- note: regular expressions run on the engine's regex library (Java on Spark, Joni on Trino), which also knows look-around and backreferences; keytrail refuses them (Rust regex); Unicode classes may differ
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN `event.resourceName` RLIKE 'key-([a-z]+)' THEN regexp_extract(`event.resourceName`, 'key-([a-z]+)', 1) END AS `grp`, CASE WHEN `event.resourceName` RLIKE '[0-9]+' THEN regexp_extract(`event.resourceName`, '[0-9]+', 0) END AS `digits`, regexp_like(`event.eventName`, '^(En|De)crypt$') AS `m`, regexp_replace(`event.acsRegion`, '([a-z]+)-([a-z]+)', '$2.$1') AS `sw`, CASE WHEN `event.eventName` RLIKE 'zzz' THEN regexp_extract(`event.eventName`, 'zzz', 0) END AS `none` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: json-extract-keeps-quotes-scalar-does-not
-- note: json_extract outside a CAST needs Spark 4.0 or later (VARIANT); numbers are re-written by Spark
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
-- note: json_extract outside a CAST needs Spark 4.0 or later (VARIANT); numbers are re-written by Spark
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT to_json(try_variant_get(try_parse_json(`event.requestParameterJson`), '$.KeySpec')) AS `j`, get_json_object(`event.requestParameterJson`, '$.KeySpec') AS `s`, to_json(try_variant_get(try_parse_json(`event.requestParameterJson`), '$.Missing')) AS `m`, get_json_object(`event.requestParameterJson`, '$.Description') AS `d` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: cast-json-boolean
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CAST(get_json_object(`event.requestParameterJson`, '$.DeletionProtection') AS STRING) AS `dp`, CAST(get_json_object(`event.requestParameterJson`, '$.DeletionProtection') AS BOOLEAN) AS `b` FROM keytrail_events WHERE ((`event.eventId` = 'E0024-modify')) LIMIT 100;

-- case: cast-json-string-to-boolean-in-subquery
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT try_element_at(`resourceArray`, CAST(CASE WHEN `num` >= 1 THEN `num` END AS INT)) AS `instance_id`, `force_stop` AS `force_stop` FROM (SELECT split(`event.resourceName`, '\\;') AS `resourceArray`, array_position(split(`event.resourceType`, '\\;'), 'ACS::ECS::Instance') AS `num`, CAST(get_json_object(`event.requestParameterJson`, '$.ForceStop') AS BOOLEAN) AS `force_stop` FROM keytrail_events) AS `_t1` WHERE (((`num` > 0) AND (`force_stop` = TRUE))) LIMIT 100;

-- case: dynamic-json-path
-- note: json_extract outside a CAST needs Spark 4.0 or later (VARIANT); numbers are re-written by Spark
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT to_json(try_variant_get(try_parse_json(`event.requestParameterJson`), concat('$.', `f`))) AS `v` FROM (SELECT `event.requestParameterJson` AS `event.requestParameterJson`, CASE WHEN (`event.eventName` = 'AttachPolicyToUser') THEN 'UserName' ELSE 'PolicyName' END AS `f` FROM keytrail_events WHERE ((`event.serviceName` = 'Ram'))) AS `_t1` ORDER BY `v` NULLS LAST LIMIT 100;

-- case: casts-and-try-cast
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CAST('42' AS BIGINT) AS `a`, CAST('2.5' AS DOUBLE) AS `b`, try_cast('x' AS BIGINT) AS `c`, CAST(12 AS STRING) AS `d`, CAST(1.5E0 AS STRING) AS `e`, CAST('true' AS BOOLEAN) AS `f`, CAST(round(2.6E0) AS BIGINT) AS `g`, CAST(NULL AS BIGINT) AS `h` FROM keytrail_events LIMIT 1;

-- case: math
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT round(2.5E0) AS `a`, round((- 2.5E0)) AS `b`, round(3.14159E0, 2) AS `c`, CAST(floor(2.7E0) AS DOUBLE) AS `d`, CAST(ceil(2.1E0) AS DOUBLE) AS `e`, abs((- 3)) AS `f`, round(7) AS `g`, abs((- 1.5E0)) AS `h` FROM keytrail_events LIMIT 1;

-- case: json-path-number-and-nested
-- note: json_extract_scalar on an object or array gives its JSON text in Spark (get_json_object), NULL in SLS
-- note: json_extract outside a CAST needs Spark 4.0 or later (VARIANT); numbers are re-written by Spark
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT get_json_object(`event`, '$.userIdentity.userName') AS `u`, to_json(try_variant_get(try_parse_json(`event`), '$.requestParameters.PendingWindowInDays')) AS `d`, (to_json(try_variant_get(try_parse_json(`event`), '$.userIdentity')) IS NOT NULL) AS `has` FROM keytrail_events WHERE ((`event.eventId` = 'E0017-schedu')) LIMIT 100;

-- case: ip-to-domain-where-bang-space-equals
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(1) AS `pv` FROM (SELECT `event.sourceIpAddress` AS `ip` FROM keytrail_events) AS `_t1` WHERE ((CASE WHEN `ip` IS NULL THEN NULL WHEN (regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1') RLIKE '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$') THEN CASE WHEN CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) IN (10, 127) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 172 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) BETWEEN 16 AND 31) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 192 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) = 168) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 169 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) = 254) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 100 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) BETWEEN 64 AND 127) OR regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1') = '0.0.0.0' THEN 'intranet' ELSE 'internet' END WHEN (trim(`ip`) RLIKE '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:))$') THEN CASE WHEN (trim(`ip`) RLIKE '^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$') THEN 'intranet' ELSE 'internet' END ELSE 'intranet' END <> 'intranet')) LIMIT 100;

-- case: casts-to-timestamp-date-varchar
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CAST('2024-03-01 08:00:00' AS TIMESTAMP) AS `t`, date_format(timestamp_seconds(`__time__`), 'yyyy-MM-dd HH:mm:ss.SSS') AS `v`, CAST(timestamp_seconds(`__time__`) AS DATE) AS `d` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: substring-position-element-at
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT substr(`event.eventName`, 2, 3) AS `a`, locate('Alias', `event.eventName`) AS `p`, try_element_at(split(`event.resourceName`, '\\;'), CAST(nullif((- 1), 0) AS INT)) AS `last`, try_element_at(split(`event.resourceName`, '\\;'), 5) AS `oob` FROM keytrail_events WHERE ((`event.eventId` = 'E0002-create')) LIMIT 100;

-- case: failing-cast-in-an-untaken-case-branch-is-harmless
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT sum(CASE WHEN (`event.eventId` = 'nope') THEN CAST(`event.eventName` AS BIGINT) ELSE 1 END) AS `s` FROM keytrail_events LIMIT 100;

-- case: try-cast-json-string-to-bigint
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT try_cast(get_json_object(`event.requestParameterJson`, '$.KeySpec') AS BIGINT) AS `x`, CAST(get_json_object(`event.requestParameterJson`, '$.MaxPasswordAge') AS DOUBLE) AS `age` FROM keytrail_events WHERE ((`event.eventId` IN ('E0001-create', 'E0028-setpas'))) ORDER BY `__time__` NULLS LAST LIMIT 100;

-- case: three-levels-deep
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT sum(`n`) AS `total` FROM (SELECT `u` AS `u`, count(*) AS `n` FROM (SELECT `event.userIdentity.userName` AS `u` FROM keytrail_events WHERE ((`event.eventRW` = 'Read'))) AS `_t1` GROUP BY `u`) AS `_t2` LIMIT 100;

-- case: with-cte
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
WITH `reads` AS (SELECT `event.userIdentity.userName` AS `u`, `event.eventName` AS `e` FROM keytrail_events WHERE ((`event.eventRW` = 'Read'))) SELECT `u` AS `u`, count(*) AS `n` FROM `reads` GROUP BY `u` ORDER BY `n` DESC NULLS LAST, `u` NULLS LAST LIMIT 100;

-- case: qualified-subquery-columns
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `u` AS `u` FROM (SELECT `event.userIdentity.userName` AS `u` FROM keytrail_events WHERE ((`event.eventName` = 'CreateKey'))) AS `t` ORDER BY `u` NULLS LAST LIMIT 100;

-- case: select-star-from-subquery
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `e` AS `e`, `t` AS `t` FROM (SELECT `event.eventName` AS `e`, `__time__` AS `t` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create'))) AS `_t1` LIMIT 100;

-- case: coalesce-alias-shadows-input-column-in-group-by
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT coalesce(`account_id`, `recipientAccountId`) AS `account_id`, try_element_at(`resourceArray`, CAST(CASE WHEN `num` >= 1 THEN `num` END AS INT)) AS `db_instance_id`, `event_name` AS `event_name`, count(*) AS `n` FROM (SELECT `event.userIdentity.accountId` AS `account_id`, `event.recipientAccountId` AS `recipientAccountId`, split(`event.resourceName`, '\\;') AS `resourceArray`, array_position(split(`event.resourceType`, '\\;'), 'ACS::RDS::DBInstance') AS `num`, `event.eventName` AS `event_name` FROM keytrail_events) AS `_t1` WHERE ((`num` > 0)) GROUP BY coalesce(`account_id`, `recipientAccountId`), try_element_at(`resourceArray`, CAST(CASE WHEN `num` >= 1 THEN `num` END AS INT)), `event_name` ORDER BY `event_name` NULLS LAST LIMIT 100;

-- case: rds-whitelist-alert
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `account_id` AS `account_id`, try_element_at(`resourceArray`, CAST(CASE WHEN `db_num` >= 1 THEN `db_num` END AS INT)) AS `db_instance_id`, any_value(`security_ips`, TRUE) AS `security_ips` FROM (SELECT `event.userIdentity.accountId` AS `account_id`, split(`event.resourceName`, '\\;') AS `resourceArray`, CAST(get_json_object(`event.requestParameterJson`, '$.SecurityIps') AS STRING) AS `security_ips`, array_position(split(`event.resourceType`, '\\;'), 'ACS::RDS::DBInstance') AS `db_num` FROM keytrail_events) AS `_t1` WHERE (((`security_ips` LIKE '%0.0.0.0%') AND (`db_num` > 0))) GROUP BY `account_id`, try_element_at(`resourceArray`, CAST(CASE WHEN `db_num` >= 1 THEN `db_num` END AS INT)) LIMIT 10000;

-- case: password-policy-alert-bigint-cast
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `account_id` AS `account_id`, count(1) AS `cnt` FROM (SELECT CAST(get_json_object(`event.requestParameterJson`, '$.MaxPasswordAge') AS BIGINT) AS `age`, `event.userIdentity.accountId` AS `account_id` FROM keytrail_events) AS `_t1` WHERE (((`age` > 90) OR (`age` = 0))) GROUP BY `account_id` LIMIT 100;

-- case: disk-from-resource-arrays
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT try_element_at(`resourceArray`, CAST(CASE WHEN `num` >= 1 THEN `num` END AS INT)) AS `disk_id` FROM (SELECT split(`event.resourceName`, '\\;') AS `resourceArray`, array_position(split(`event.resourceType`, '\\;'), 'ACS::ECS::Disk') AS `num` FROM keytrail_events) AS `_t1` WHERE ((`num` > 0)) LIMIT 100;

-- case: abnormal-ak-usage-alert
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_format(timestamp_seconds(min(`__time__`)), 'yyyy-MM-dd HH:mm:ss') AS `min_time`, `event.userIdentity.accessKeyId` AS `access_key_id`, sum(CASE WHEN ((`event.errorCode` IS NULL) OR (`event.errorCode` = '')) THEN 0 ELSE 1 END) AS `fail_cnt`, sum(CASE WHEN ((`event.errorCode` IS NULL) OR (`event.errorCode` = '')) THEN 1 ELSE 0 END) AS `ok_cnt` FROM keytrail_events GROUP BY `event.userIdentity.accessKeyId` ORDER BY `fail_cnt` DESC NULLS LAST, `access_key_id` NULLS LAST LIMIT 3;

-- case: off-duty-login-shape
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.userIdentity.principalId` AS `user_id`, CASE WHEN count(1) > 0 THEN array_distinct(transform(collect_list(named_struct('v', `event.sourceIpAddress`)), s -> s.v)) END AS `ip`, any_value(`event.userIdentity.userName`, TRUE) AS `user_name`, count(DISTINCT `__time__`) AS `cnt` FROM keytrail_events WHERE ((`event.eventName` = 'ConsoleSignin')) GROUP BY `event.userIdentity.principalId` LIMIT 10000;

-- case: ip-insight-shape-global-from-log
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT CASE WHEN count(1) > 0 THEN array_distinct(transform(collect_list(named_struct('v', `event.acsRegion`)), s -> s.v)) END AS `regions`, count(1) AS `cnt` FROM keytrail_events LIMIT 100;

-- case: outer-where-on-subquery-alias-and-order-by-count
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(1) AS `pv`, `ip` AS `ip` FROM (SELECT `event.sourceIpAddress` AS `ip` FROM keytrail_events) AS `_t1` WHERE ((CASE WHEN `ip` IS NULL THEN NULL WHEN (regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1') RLIKE '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$') THEN CASE WHEN CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) IN (10, 127) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 172 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) BETWEEN 16 AND 31) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 192 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) = 168) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 169 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) = 254) OR (CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){0}([0-9]+)', 1) AS INT) = 100 AND CAST(regexp_extract(regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1'), '^(?:[0-9]+\\.){1}([0-9]+)', 1) AS INT) BETWEEN 64 AND 127) OR regexp_replace(trim(`ip`), '^::[fF]{4}:([0-9]+\\.)', '$1') = '0.0.0.0' THEN 'intranet' ELSE 'internet' END WHEN (trim(`ip`) RLIKE '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:))$') THEN CASE WHEN (trim(`ip`) RLIKE '^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$') THEN 'intranet' ELSE 'internet' END ELSE 'intranet' END <> 'intranet')) GROUP BY `ip` ORDER BY `pv` DESC NULLS LAST, `ip` NULLS LAST LIMIT 100;

-- case: limit-inside-subquery
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `n` AS `n` FROM (SELECT `event.eventName` AS `n` FROM keytrail_events ORDER BY `__time__` DESC NULLS LAST LIMIT 2) AS `_t1` ORDER BY `n` NULLS LAST LIMIT 100;

-- case: having-on-a-group-key-alias
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT `event.eventName` AS `e`, count(*) AS `n` FROM keytrail_events GROUP BY `event.eventName` HAVING ((`event.eventName`) LIKE 'Dec%') LIMIT 100;

-- case: event-leaves-through-select-star-subquery
-- note: JSON leaves in SQL are read with get_json_object: keys match exactly (keytrail also matches a key in another letter case); Spark re-writes numbers (1E5 reads 100000.0)
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT get_json_object(`event`, '$.additionalEventData.mfaChecked') AS `mfa`, `event.eventName` AS `e` FROM (SELECT `__time__` AS `__time__`, `__topic__` AS `__topic__`, `event` AS `event`, `event.eventId` AS `event.eventId`, `event.eventVersion` AS `event.eventVersion`, `event.eventTime` AS `event.eventTime`, `event.eventType` AS `event.eventType`, `event.eventCategory` AS `event.eventCategory`, `event.eventRW` AS `event.eventRW`, `event.eventSource` AS `event.eventSource`, `event.eventName` AS `event.eventName`, `event.serviceName` AS `event.serviceName`, `event.acsRegion` AS `event.acsRegion`, `event.isGlobal` AS `event.isGlobal`, `event.sourceIpAddress` AS `event.sourceIpAddress`, `event.userAgent` AS `event.userAgent`, `event.requestId` AS `event.requestId`, `event.apiVersion` AS `event.apiVersion`, `event.errorCode` AS `event.errorCode`, `event.errorMessage` AS `event.errorMessage`, `event.resourceName` AS `event.resourceName`, `event.resourceType` AS `event.resourceType`, `event.recipientAccountId` AS `event.recipientAccountId`, `event.vpcId` AS `event.vpcId`, `event.requestParameterJson` AS `event.requestParameterJson`, `event.userIdentity.type` AS `event.userIdentity.type`, `event.userIdentity.userName` AS `event.userIdentity.userName`, `event.userIdentity.principalId` AS `event.userIdentity.principalId`, `event.userIdentity.accountId` AS `event.userIdentity.accountId`, `event.userIdentity.accessKeyId` AS `event.userIdentity.accessKeyId`, `keytrail.kmsKeyId` AS `keytrail.kmsKeyId`, `keytrail.key` AS `keytrail.key`, `keytrail.insight` AS `keytrail.insight`, `keytrail.origin` AS `keytrail.origin` FROM keytrail_events WHERE ((`event.eventName` = 'ConsoleSignin'))) AS `_t1` ORDER BY `mfa` NULLS LAST LIMIT 100;

-- case: date-trunc-hour-on-bigint
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_trunc('hour', timestamp_seconds(`__time__`)) AS `h`, count(*) AS `n` FROM keytrail_events GROUP BY date_trunc('hour', timestamp_seconds(`__time__`)) ORDER BY `h` NULLS LAST LIMIT 3;

-- case: date-trunc-day-is-local-midnight
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_trunc('day', timestamp_seconds(`__time__`)) AS `d`, count(*) AS `n` FROM keytrail_events GROUP BY date_trunc('day', timestamp_seconds(`__time__`)) ORDER BY `d` NULLS LAST LIMIT 100;

-- case: date-trunc-week-and-month
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_trunc('week', timestamp_seconds(`__time__`)) AS `w`, date_trunc('month', timestamp_seconds(`__time__`)) AS `m` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: date-format-codes
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_format(timestamp_seconds(`__time__`), 'EEE MMM d yyyy hh:mm a') AS `a`, concat(date_format(timestamp_seconds(`__time__`), 'EEEE MMMM '), CAST(day(timestamp_seconds(`__time__`)) AS STRING), CASE WHEN day(timestamp_seconds(`__time__`)) IN (11, 12, 13) THEN 'th' WHEN day(timestamp_seconds(`__time__`)) % 10 = 1 THEN 'st' WHEN day(timestamp_seconds(`__time__`)) % 10 = 2 THEN 'nd' WHEN day(timestamp_seconds(`__time__`)) % 10 = 3 THEN 'rd' ELSE 'th' END, date_format(timestamp_seconds(`__time__`), ' DDD H h M yy HH:mm:ss')) AS `b` FROM keytrail_events WHERE ((`event.eventId` = 'E0034-schedu')) LIMIT 100;

-- case: from-unixtime-to-unixtime-date-parse
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT timestamp_seconds(`__time__`) AS `t`, (unix_micros(timestamp_seconds(`__time__`)) / 1E6) AS `u`, to_timestamp('2024-03-01 08:00:00', 'yyyy-MM-dd HH:mm:ss') AS `p`, date_format(to_timestamp('2024-03-01 08:00:00', 'yyyy-MM-dd HH:mm:ss'), 'HH:mm') AS `f` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: now-and-current-date
-- note: now() and current_date are the engine's clock when the query runs
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT current_timestamp() AS `n`, current_date() AS `d`, date_format(current_timestamp(), 'yyyy-MM-dd HH:mm') AS `f` FROM keytrail_events LIMIT 1;

-- case: date-add-and-date-diff
-- note: now() and current_date are the engine's clock when the query runs
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT timestampadd(DAY, 1, timestamp_seconds(`__time__`)) AS `next_day`, timestampdiff(HOUR, timestamp_seconds(`__time__`), current_timestamp()) AS `hours`, timestampdiff(MINUTE, timestamp_seconds(`__time__`), current_timestamp()) AS `mins`, timestampadd(MONTH, (- 1), timestamp_seconds(`__time__`)) AS `prev` FROM keytrail_events WHERE ((`event.eventId` = 'E0001-create')) LIMIT 100;

-- case: time-series-labels
-- refused at byte 11: time_series cannot be translated: it fills missing buckets, which needs a generated series of buckets; group by date_trunc(...) or __time__ - __time__ % N instead

-- case: timestamps-compare
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT count(*) AS `n` FROM keytrail_events WHERE ((timestamp_seconds(`__time__`) >= to_timestamp('2024-03-02 00:00:00', 'yyyy-MM-dd HH:mm:ss'))) LIMIT 100;

-- case: per-day-label-pattern
SET spark.sql.session.timeZone=+08:00;
SET spark.sql.ansi.enabled=true;
SELECT date_format(date_trunc('hour', timestamp_seconds(`__time__`)), 'MM-dd HH:mm') AS `t`, count(*) AS `pv` FROM keytrail_events GROUP BY date_format(date_trunc('hour', timestamp_seconds(`__time__`)), 'MM-dd HH:mm') ORDER BY `pv` DESC NULLS LAST, `t` NULLS LAST LIMIT 2;

-- case: time-series-pads-missing-buckets-with-zero
-- refused at byte 11: time_series cannot be translated: it fills missing buckets, which needs a generated series of buckets; group by date_trunc(...) or __time__ - __time__ % N instead

-- case: time-series-pads-with-last-and-null
-- refused at byte 11: time_series cannot be translated: it fills missing buckets, which needs a generated series of buckets; group by date_trunc(...) or __time__ - __time__ % N instead

