-- case: group-by-ordinal-order-by-ordinals
SET TIME ZONE '+08:00';
SELECT "event.useridentity.username" AS "u", count(*) AS "n" FROM keytrail_events GROUP BY "event.useridentity.username" ORDER BY "n" DESC NULLS LAST, "u" NULLS LAST LIMIT 100;

-- case: group-by-column-name
SET TIME ZONE '+08:00';
SELECT "event.acsregion" AS "event.acsRegion", count(*) AS "n" FROM keytrail_events GROUP BY "event.acsregion" ORDER BY "n" NULLS LAST LIMIT 100;

-- case: having-aggregate
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "e", count(*) AS "n" FROM keytrail_events GROUP BY "event.eventname" HAVING (count(*) >= 3) ORDER BY "n" DESC NULLS LAST, "e" NULLS LAST LIMIT 100;

-- case: having-by-alias
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "e", count(*) AS "n" FROM keytrail_events GROUP BY "event.eventname" HAVING ((count(*)) = 2) ORDER BY "e" NULLS LAST LIMIT 100;

-- case: order-by-aggregate-not-selected
SET TIME ZONE '+08:00';
SELECT "event.useridentity.username" AS "u" FROM keytrail_events GROUP BY "event.useridentity.username" ORDER BY count(*) DESC NULLS LAST, "u" NULLS LAST LIMIT 2;

-- case: count-column-skips-nulls
SET TIME ZONE '+08:00';
SELECT count("event.errorcode") AS "c", count("event.resourcename") AS "r" FROM keytrail_events LIMIT 100;

-- case: count-distinct-and-approx-distinct
-- note: approx_distinct is an estimate in SLS and in the engine (HyperLogLog); keytrail counts exactly
SET TIME ZONE '+08:00';
SELECT count(DISTINCT "event.sourceipaddress") AS "ips", approx_distinct("event.useridentity.username") AS "users" FROM keytrail_events LIMIT 100;

-- case: count-distinct-time
SET TIME ZONE '+08:00';
SELECT "event.useridentity.username" AS "u", count(DISTINCT "__time__") AS "t", count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" = 'Encrypt')) GROUP BY "event.useridentity.username" ORDER BY "u" NULLS LAST LIMIT 100;

-- case: sum-and-avg-of-cast-json
SET TIME ZONE '+08:00';
SELECT sum(CAST(json_extract_scalar("event.requestparameterjson", '$.NumberOfBytes') AS BIGINT)) AS "s", avg(CAST(json_extract_scalar("event.requestparameterjson", '$.NumberOfBytes') AS DOUBLE)) AS "a" FROM keytrail_events WHERE (("event.eventname" = 'GenerateDataKey')) LIMIT 100;

-- case: sum-of-all-nulls-is-null
SET TIME ZONE '+08:00';
SELECT sum(CAST(json_extract_scalar("event.requestparameterjson", '$.Nope') AS BIGINT)) AS "s", count(*) AS "n" FROM keytrail_events LIMIT 100;

-- case: min-max-and-date-format-of-min
SET TIME ZONE '+08:00';
SELECT date_format(CAST(from_unixtime(min("__time__")) AS TIMESTAMP), '%Y-%m-%d %H:%i:%S') AS "first", date_format(CAST(from_unixtime(max("__time__")) AS TIMESTAMP), '%Y-%m-%d %H:%i:%S') AS "last", min("event.eventname") AS "lo", max("event.eventname") AS "hi" FROM keytrail_events LIMIT 100;

-- case: arbitrary-takes-a-non-null-value
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
SET TIME ZONE '+08:00';
SELECT "event.useridentity.type" AS "t", arbitrary("event.useridentity.accesskeyid") AS "ak" FROM keytrail_events GROUP BY "event.useridentity.type" ORDER BY "t" NULLS LAST LIMIT 100;

-- case: max-by-min-by
SET TIME ZONE '+08:00';
SELECT max_by("event.eventname", "__time__") AS "last_event", min_by("event.eventname", "__time__") AS "first_event" FROM keytrail_events WHERE (("event.useridentity.username" = 'alice')) LIMIT 100;

-- case: count-if
SET TIME ZONE '+08:00';
SELECT count_if(("event.eventrw" = 'Read')) AS "reads", count_if(("event.eventrw" = 'Write')) AS "writes" FROM keytrail_events LIMIT 100;

-- case: array-agg-distinct-keeps-first-seen-order
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET TIME ZONE '+08:00';
SELECT "event.useridentity.username" AS "u", array_agg(DISTINCT "event.sourceipaddress") AS "ips" FROM keytrail_events GROUP BY "event.useridentity.username" ORDER BY "u" NULLS LAST LIMIT 100;

-- case: array-agg-global
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET TIME ZONE '+08:00';
SELECT array_agg("event.eventname") AS "names" FROM keytrail_events WHERE (("event.useridentity.username" = 'carol')) LIMIT 100;

-- case: histogram-as-json
SET TIME ZONE '+08:00';
SELECT histogram("event.eventrw") AS "h" FROM keytrail_events WHERE (("event.useridentity.username" = 'bob')) LIMIT 100;

-- case: global-aggregate-over-no-rows
SET TIME ZONE '+08:00';
SELECT count(*) AS "n", sum("__time__") AS "s", max("event.eventname") AS "m" FROM keytrail_events WHERE (("event.eventname" = 'Nope')) LIMIT 100;

-- case: every-aggregate-over-no-rows-is-null-but-the-counts
-- note: approx_distinct is an estimate in SLS and in the engine (HyperLogLog); keytrail counts exactly
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET TIME ZONE '+08:00';
SELECT count(*) AS "n", count("event.eventname") AS "c", count_if(("event.eventrw" = 'Read')) AS "ci", approx_distinct("event.eventname") AS "ad", sum("__time__") AS "s", avg("__time__") AS "a", min("__time__") AS "lo", max("__time__") AS "hi", arbitrary("event.eventname") AS "any", max_by("event.eventname", "__time__") AS "mb", min_by("event.eventname", "__time__") AS "nb", array_agg("event.eventname") AS "names", array_agg(DISTINCT "event.eventname") AS "dnames", histogram("event.eventrw") AS "h", bool_and(("event.eventrw" = 'Read')) AS "ba", bool_or(("event.eventrw" = 'Read')) AS "bo" FROM keytrail_events WHERE (("event.eventname" = 'Nope')) LIMIT 100;

-- case: group-by-over-no-rows
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "e", count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" = 'Nope')) GROUP BY "event.eventname" LIMIT 100;

-- case: distinct-group-by-order-by-count
SET TIME ZONE '+08:00';
SELECT DISTINCT "event.useridentity.type" AS "t", count(*) AS "n" FROM keytrail_events GROUP BY "event.useridentity.type" ORDER BY "n" DESC NULLS LAST LIMIT 100;

-- case: bool-and-bool-or
SET TIME ZONE '+08:00';
SELECT bool_and(("event.eventrw" = 'Read')) AS "all_read", bool_or(("event.eventrw" = 'Read')) AS "any_read" FROM keytrail_events WHERE (("event.useridentity.username" = 'carol')) LIMIT 100;

-- case: group-by-function-expression
SET TIME ZONE '+08:00';
SELECT lower("event.servicename") AS "s", count(*) AS "n" FROM keytrail_events GROUP BY lower("event.servicename") ORDER BY "s" NULLS LAST LIMIT 100;

-- case: expression-over-group-key
SET TIME ZONE '+08:00';
SELECT "event.sourceipaddress" AS "ip", CASE WHEN "event.sourceipaddress" IS NULL THEN NULL WHEN regexp_like(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$') THEN CASE WHEN CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) IN (10, 127) OR (CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 172 AND CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) BETWEEN 16 AND 31) OR (CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 192 AND CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) = 168) OR (CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 169 AND CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) = 254) OR (CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 100 AND CAST(regexp_extract(regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) BETWEEN 64 AND 127) OR regexp_replace(trim("event.sourceipaddress"), '^::[fF]{4}:([0-9]+\.)', '$1') = '0.0.0.0' THEN 'intranet' ELSE 'internet' END WHEN regexp_like(trim("event.sourceipaddress"), '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:))$') THEN CASE WHEN regexp_like(trim("event.sourceipaddress"), '^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$') THEN 'intranet' ELSE 'internet' END ELSE 'intranet' END AS "d" FROM keytrail_events GROUP BY "event.sourceipaddress" ORDER BY "ip" NULLS LAST LIMIT 100;

-- case: ip-to-city-is-null-with-a-note
-- refused at byte 11: ip_to_city cannot be translated: the IP functions need keytrail's offline IP databases, which the engine does not have; run this query with keytrail

-- case: approx-percentile-exact-nearest-rank
-- note: approx_percentile is an estimate in the engine; keytrail takes the exact nearest rank
SET TIME ZONE '+08:00';
SELECT approx_percentile(CAST(json_extract_scalar("event.requestparameterjson", '$.PendingWindowInDays') AS BIGINT), 0.0E0) AS "p0", approx_percentile(CAST(json_extract_scalar("event.requestparameterjson", '$.PendingWindowInDays') AS BIGINT), 1.0E0) AS "p100", approx_percentile(("__time__" % 60), 1.0E0) AS "top" FROM keytrail_events LIMIT 100;

-- case: count-star-implicit-from
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events LIMIT 100;

-- case: count-1-from-log
SET TIME ZONE '+08:00';
SELECT count(1) AS "n" FROM keytrail_events LIMIT 100;

-- case: keywords-any-case-and-semicolon
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events LIMIT 100;

-- case: where-equals
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" = 'Decrypt')) LIMIT 100;

-- case: unaliased-columns-keep-their-names
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "event.eventId", "__time__" AS "__time__" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: unnamed-expressions-are-colN
SET TIME ZONE '+08:00';
SELECT (1 + 2) AS "_col0", 'x' AS "y", (2.5E0 * 2) AS "_col2" FROM keytrail_events LIMIT 1;

-- case: identifiers-are-case-insensitive
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "n" FROM keytrail_events WHERE (("event.eventid" = 'E0003-descri')) LIMIT 100;

-- case: unquoted-dotted-names
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "n" FROM keytrail_events WHERE (("event.eventid" = 'E0013-disabl')) LIMIT 100;

-- case: order-by-time-then-id-desc-breaks-ties
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id" FROM keytrail_events WHERE (("event.eventname" = 'Encrypt')) ORDER BY "__time__" NULLS LAST, "id" DESC NULLS LAST LIMIT 100;

-- case: order-desc-limit
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id" FROM keytrail_events ORDER BY "__time__" DESC NULLS LAST, "id" NULLS LAST LIMIT 3;

-- case: limit-offset-comma-count
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id" FROM keytrail_events ORDER BY "__time__" NULLS LAST, "id" NULLS LAST OFFSET 2 LIMIT 3;

-- case: limit-zero
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id" FROM keytrail_events LIMIT 0;

-- case: no-limit-means-default-100-reported
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id" FROM keytrail_events WHERE (("__time__" >= 1709337600)) LIMIT 100;

-- case: select-distinct
SET TIME ZONE '+08:00';
SELECT DISTINCT "event.useridentity.type" AS "t" FROM keytrail_events ORDER BY "t" NULLS LAST LIMIT 100;

-- case: and-or-not-parentheses
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE ((((("event.eventname" = 'Decrypt') OR ("event.eventname" = 'Encrypt'))) AND (NOT ("event.sourceipaddress" = '10.0.0.5')))) LIMIT 100;

-- case: in-list
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" IN ('CreateKey', 'DisableKey', 'EnableKey'))) LIMIT 100;

-- case: not-in-list
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE (("event.servicename" NOT IN ('Kms', 'Ecs'))) LIMIT 100;

-- case: like-percent
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "e", count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" LIKE '%Key%')) GROUP BY "event.eventname" ORDER BY "e" NULLS LAST LIMIT 100;

-- case: like-underscore
SET TIME ZONE '+08:00';
SELECT DISTINCT "event.eventname" AS "e" FROM keytrail_events WHERE (("event.eventname" LIKE '_ncrypt')) ORDER BY "e" NULLS LAST LIMIT 100;

-- case: not-like
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" NOT LIKE '%crypt')) LIMIT 100;

-- case: between-with-arithmetic-bounds
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE (("__time__" BETWEEN (1709251200 + 600) AND (1709251200 + 780))) LIMIT 100;

-- case: null-versus-empty-string
SET TIME ZONE '+08:00';
SELECT count_if(("event.errorcode" IS NULL)) AS "missing", count_if(("event.errorcode" = '')) AS "empty", count_if(("event.errorcode" <> '')) AS "failed", count_if(("event.errorcode" IS NOT NULL)) AS "present" FROM keytrail_events LIMIT 100;

-- case: comparison-with-null-is-null
SET TIME ZONE '+08:00';
SELECT ("event.errorcode" = '') AS "e", (("event.errorcode" IS NULL) OR ("event.errorcode" = '')) AS "ok" FROM keytrail_events WHERE (("event.eventid" IN ('E0001-create', 'E0016-enable', 'E0008-decryp'))) ORDER BY "__time__" NULLS LAST LIMIT 100;

-- case: coalesce-groups
SET TIME ZONE '+08:00';
SELECT coalesce("event.useridentity.accesskeyid", 'console') AS "ak", count(*) AS "n" FROM keytrail_events GROUP BY coalesce("event.useridentity.accesskeyid", 'console') ORDER BY "n" DESC NULLS LAST, "ak" NULLS LAST LIMIT 100;

-- case: nullif-empty
SET TIME ZONE '+08:00';
SELECT nullif("event.errorcode", '') AS "e", nullif('a', 'b') AS "f" FROM keytrail_events WHERE (("event.eventid" = 'E0016-enable')) LIMIT 100;

-- case: if-with-else-group-by-ordinal
SET TIME ZONE '+08:00';
SELECT CASE WHEN ("event.eventrw" = 'Read') THEN 'R' ELSE 'W' END AS "rw", count(*) AS "n" FROM keytrail_events GROUP BY CASE WHEN ("event.eventrw" = 'Read') THEN 'R' ELSE 'W' END ORDER BY "rw" NULLS LAST LIMIT 100;

-- case: if-without-else-is-null-and-nulls-sort-last
SET TIME ZONE '+08:00';
SELECT CASE WHEN ("event.errorcode" = 'NoPermission') THEN 'denied' ELSE NULL END AS "d", count(*) AS "n" FROM keytrail_events GROUP BY CASE WHEN ("event.errorcode" = 'NoPermission') THEN 'denied' ELSE NULL END ORDER BY "d" NULLS LAST LIMIT 100;

-- case: case-chinese-labels
SET TIME ZONE '+08:00';
SELECT CASE WHEN ("event.useridentity.type" = 'root-account') THEN '阿里云主账号' WHEN ("event.useridentity.type" = 'ram-user') THEN 'RAM用户' WHEN ("event.useridentity.type" = 'assumed-role') THEN 'RAM角色' ELSE "event.useridentity.type" END AS "user_type", count(1) AS "cnt" FROM keytrail_events GROUP BY CASE WHEN ("event.useridentity.type" = 'root-account') THEN '阿里云主账号' WHEN ("event.useridentity.type" = 'ram-user') THEN 'RAM用户' WHEN ("event.useridentity.type" = 'assumed-role') THEN 'RAM角色' ELSE "event.useridentity.type" END ORDER BY "cnt" DESC NULLS LAST LIMIT 100;

-- case: simple-case-without-else
SET TIME ZONE '+08:00';
SELECT CASE "event.acsregion" WHEN 'cn-hangzhou' THEN 'HZ' WHEN 'cn-shanghai' THEN 'SH' END AS "r", count(*) AS "n" FROM keytrail_events GROUP BY CASE "event.acsregion" WHEN 'cn-hangzhou' THEN 'HZ' WHEN 'cn-shanghai' THEN 'SH' END ORDER BY "r" NULLS LAST LIMIT 100;

-- case: fixed-width-buckets
SET TIME ZONE '+08:00';
SELECT ("__time__" - ("__time__" % 3600)) AS "h", count(*) AS "n" FROM keytrail_events GROUP BY ("__time__" - ("__time__" % 3600)) ORDER BY "h" NULLS LAST LIMIT 3;

-- case: integer-and-double-arithmetic
SET TIME ZONE '+08:00';
SELECT (7 / 2) AS "a", ((- 7) / 2) AS "b", (7 % 3) AS "c", (7.0E0 / 2) AS "d", ((2 * 3) - 1) AS "e" FROM keytrail_events LIMIT 1;

-- case: string-concat-operator
SET TIME ZONE '+08:00';
SELECT ('a' || "event.acsregion") AS "x" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: string-comparison-is-lexical
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE (("event.eventname" >= 'S')) LIMIT 100;

-- case: boolean-column-from-subquery
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM (SELECT ("event.eventrw" = 'Read') AS "r" FROM keytrail_events) AS "_t1" WHERE (("r" = TRUE)) LIMIT 100;

-- case: order-by-columns-not-selected
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id" FROM keytrail_events WHERE (("event.useridentity.username" = 'carol')) ORDER BY "event.eventname" NULLS LAST, "__time__" DESC NULLS LAST LIMIT 100;

-- case: json-leaf-field-not-stored
-- note: JSON leaves in SQL are read with json_extract_scalar: keys match exactly (keytrail also matches a key in another letter case)
SET TIME ZONE '+08:00';
SELECT coalesce(json_extract_scalar("event", '$.additionalEventData.mfaChecked'), nullif(json_format(json_extract("event", '$.additionalEventData.mfaChecked')), 'null')) AS "mfa", count(*) AS "n" FROM keytrail_events GROUP BY coalesce(json_extract_scalar("event", '$.additionalEventData.mfaChecked'), nullif(json_format(json_extract("event", '$.additionalEventData.mfaChecked')), 'null')) ORDER BY "mfa" NULLS LAST LIMIT 100;

-- case: search-part-applied-by-caller
SET TIME ZONE '+08:00';
SELECT "event.useridentity.username" AS "u", "event.errorcode" AS "err" FROM keytrail_events ORDER BY "__time__" NULLS LAST LIMIT 100;

-- case: case-and-length
SET TIME ZONE '+08:00';
SELECT lower("event.eventname") AS "l", upper("event.eventname") AS "u", length("event.eventname") AS "n", reverse("event.acsregion") AS "r", length('密钥') AS "zh" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: trim-replace-substr-strpos
SET TIME ZONE '+08:00';
SELECT trim('  a b  ') AS "t", ltrim('  x') AS "l", rtrim('x  ') AS "r", replace("event.acsregion", 'cn-', '') AS "p", substr("event.eventname", 1, 6) AS "s1", substr("event.eventname", 7) AS "s2", strpos("event.eventname", 'Key') AS "k", strpos("event.eventname", 'zzz') AS "z" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: split-arrays-one-based
SET TIME ZONE '+08:00';
SELECT split("event.resourcename", ';') AS "parts", cardinality(split("event.resourcename", ';')) AS "n", split_part("event.resourcename", ';', 2) AS "second", split_part("event.resourcename", ';', 3) AS "third", element_at(split("event.resourcename", ';'), 1) AS "first", array_position(split("event.resourcetype", ';'), 'ACS::KMS::Alias') AS "pos", contains(split("event.resourcetype", ';'), 'ACS::KMS::Key') AS "has_key" FROM keytrail_events WHERE (("event.eventid" = 'E0002-create')) LIMIT 100;

-- case: array-position-absent-is-zero-and-null-input-is-null
SET TIME ZONE '+08:00';
SELECT "event.eventid" AS "id", array_position(split("event.resourcetype", ';'), 'ACS::ECS::Disk') AS "pos" FROM keytrail_events WHERE ((("event.servicename" = 'Ecs') OR ("event.eventid" = 'E0008-decryp'))) ORDER BY "id" NULLS LAST LIMIT 100;

-- case: concat-null-propagates
SET TIME ZONE '+08:00';
SELECT concat('a', "event.errorcode", 'b') AS "c", concat('x-', "event.acsregion") AS "d" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: regexp-functions
-- note: regular expressions run on the engine's regex library (Java on Spark, Joni on Trino), which also knows look-around and backreferences; keytrail refuses them (Rust regex); Unicode classes may differ
SET TIME ZONE '+08:00';
SELECT regexp_extract("event.resourcename", 'key-([a-z]+)', 1) AS "grp", regexp_extract("event.resourcename", '[0-9]+') AS "digits", regexp_like("event.eventname", '^(En|De)crypt$') AS "m", regexp_replace("event.acsregion", '([a-z]+)-([a-z]+)', '$2.$1') AS "sw", regexp_extract("event.eventname", 'zzz') AS "none" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: json-extract-keeps-quotes-scalar-does-not
SET TIME ZONE '+08:00';
SELECT json_format(json_extract("event.requestparameterjson", '$.KeySpec')) AS "j", json_extract_scalar("event.requestparameterjson", '$.KeySpec') AS "s", json_format(json_extract("event.requestparameterjson", '$.Missing')) AS "m", json_extract_scalar("event.requestparameterjson", '$.Description') AS "d" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: cast-json-boolean
SET TIME ZONE '+08:00';
SELECT CAST(json_extract("event.requestparameterjson", '$.DeletionProtection') AS VARCHAR) AS "dp", CAST(json_extract("event.requestparameterjson", '$.DeletionProtection') AS BOOLEAN) AS "b" FROM keytrail_events WHERE (("event.eventid" = 'E0024-modify')) LIMIT 100;

-- case: cast-json-string-to-boolean-in-subquery
SET TIME ZONE '+08:00';
SELECT element_at("resourcearray", CASE WHEN "num" >= 1 THEN "num" END) AS "instance_id", "force_stop" AS "force_stop" FROM (SELECT split("event.resourcename", ';') AS "resourceArray", array_position(split("event.resourcetype", ';'), 'ACS::ECS::Instance') AS "num", CAST(json_extract("event.requestparameterjson", '$.ForceStop') AS BOOLEAN) AS "force_stop" FROM keytrail_events) AS "_t1" WHERE ((("num" > 0) AND ("force_stop" = TRUE))) LIMIT 100;

-- case: dynamic-json-path
SET TIME ZONE '+08:00';
SELECT json_format(json_extract("event.requestparameterjson", concat('$.', "f"))) AS "v" FROM (SELECT "event.requestparameterjson" AS "event.requestParameterJson", CASE WHEN ("event.eventname" = 'AttachPolicyToUser') THEN 'UserName' ELSE 'PolicyName' END AS "f" FROM keytrail_events WHERE (("event.servicename" = 'Ram'))) AS "_t1" ORDER BY "v" NULLS LAST LIMIT 100;

-- case: casts-and-try-cast
SET TIME ZONE '+08:00';
SELECT CAST('42' AS BIGINT) AS "a", CAST('2.5' AS DOUBLE) AS "b", try_cast('x' AS BIGINT) AS "c", CAST(12 AS VARCHAR) AS "d", CAST(1.5E0 AS VARCHAR) AS "e", CAST('true' AS BOOLEAN) AS "f", CAST(2.6E0 AS BIGINT) AS "g", CAST(NULL AS BIGINT) AS "h" FROM keytrail_events LIMIT 1;

-- case: math
SET TIME ZONE '+08:00';
SELECT round(2.5E0) AS "a", round((- 2.5E0)) AS "b", round(3.14159E0, 2) AS "c", floor(2.7E0) AS "d", ceil(2.1E0) AS "e", abs((- 3)) AS "f", round(7) AS "g", abs((- 1.5E0)) AS "h" FROM keytrail_events LIMIT 1;

-- case: json-path-number-and-nested
SET TIME ZONE '+08:00';
SELECT json_extract_scalar("event", '$.userIdentity.userName') AS "u", json_format(json_extract("event", '$.requestParameters.PendingWindowInDays')) AS "d", (json_format(json_extract("event", '$.userIdentity')) IS NOT NULL) AS "has" FROM keytrail_events WHERE (("event.eventid" = 'E0017-schedu')) LIMIT 100;

-- case: ip-to-domain-where-bang-space-equals
SET TIME ZONE '+08:00';
SELECT count(1) AS "pv" FROM (SELECT "event.sourceipaddress" AS "ip" FROM keytrail_events) AS "_t1" WHERE ((CASE WHEN "ip" IS NULL THEN NULL WHEN regexp_like(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$') THEN CASE WHEN CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) IN (10, 127) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 172 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) BETWEEN 16 AND 31) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 192 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) = 168) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 169 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) = 254) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 100 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) BETWEEN 64 AND 127) OR regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1') = '0.0.0.0' THEN 'intranet' ELSE 'internet' END WHEN regexp_like(trim("ip"), '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:))$') THEN CASE WHEN regexp_like(trim("ip"), '^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$') THEN 'intranet' ELSE 'internet' END ELSE 'intranet' END <> 'intranet')) LIMIT 100;

-- case: casts-to-timestamp-date-varchar
SET TIME ZONE '+08:00';
SELECT CAST('2024-03-01 08:00:00' AS TIMESTAMP) AS "t", CAST(CAST(from_unixtime("__time__") AS TIMESTAMP) AS VARCHAR) AS "v", CAST(CAST(from_unixtime("__time__") AS TIMESTAMP) AS DATE) AS "d" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: substring-position-element-at
SET TIME ZONE '+08:00';
SELECT substr("event.eventname", 2, 3) AS "a", strpos("event.eventname", 'Alias') AS "p", element_at(split("event.resourcename", ';'), nullif((- 1), 0)) AS "last", element_at(split("event.resourcename", ';'), 5) AS "oob" FROM keytrail_events WHERE (("event.eventid" = 'E0002-create')) LIMIT 100;

-- case: failing-cast-in-an-untaken-case-branch-is-harmless
SET TIME ZONE '+08:00';
SELECT sum(CASE WHEN ("event.eventid" = 'nope') THEN CAST("event.eventname" AS BIGINT) ELSE 1 END) AS "s" FROM keytrail_events LIMIT 100;

-- case: try-cast-json-string-to-bigint
SET TIME ZONE '+08:00';
SELECT try_cast(json_extract("event.requestparameterjson", '$.KeySpec') AS BIGINT) AS "x", CAST(json_extract("event.requestparameterjson", '$.MaxPasswordAge') AS DOUBLE) AS "age" FROM keytrail_events WHERE (("event.eventid" IN ('E0001-create', 'E0028-setpas'))) ORDER BY "__time__" NULLS LAST LIMIT 100;

-- case: three-levels-deep
SET TIME ZONE '+08:00';
SELECT sum("n") AS "total" FROM (SELECT "u" AS "u", count(*) AS "n" FROM (SELECT "event.useridentity.username" AS "u" FROM keytrail_events WHERE (("event.eventrw" = 'Read'))) AS "_t1" GROUP BY "u") AS "_t2" LIMIT 100;

-- case: with-cte
SET TIME ZONE '+08:00';
WITH "reads" AS (SELECT "event.useridentity.username" AS "u", "event.eventname" AS "e" FROM keytrail_events WHERE (("event.eventrw" = 'Read'))) SELECT "u" AS "u", count(*) AS "n" FROM "reads" GROUP BY "u" ORDER BY "n" DESC NULLS LAST, "u" NULLS LAST LIMIT 100;

-- case: qualified-subquery-columns
SET TIME ZONE '+08:00';
SELECT "u" AS "u" FROM (SELECT "event.useridentity.username" AS "u" FROM keytrail_events WHERE (("event.eventname" = 'CreateKey'))) AS "t" ORDER BY "u" NULLS LAST LIMIT 100;

-- case: select-star-from-subquery
SET TIME ZONE '+08:00';
SELECT "e" AS "e", "t" AS "t" FROM (SELECT "event.eventname" AS "e", "__time__" AS "t" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create'))) AS "_t1" LIMIT 100;

-- case: coalesce-alias-shadows-input-column-in-group-by
SET TIME ZONE '+08:00';
SELECT coalesce("account_id", "recipientaccountid") AS "account_id", element_at("resourcearray", CASE WHEN "num" >= 1 THEN "num" END) AS "db_instance_id", "event_name" AS "event_name", count(*) AS "n" FROM (SELECT "event.useridentity.accountid" AS "account_id", "event.recipientaccountid" AS "recipientAccountId", split("event.resourcename", ';') AS "resourceArray", array_position(split("event.resourcetype", ';'), 'ACS::RDS::DBInstance') AS "num", "event.eventname" AS "event_name" FROM keytrail_events) AS "_t1" WHERE (("num" > 0)) GROUP BY coalesce("account_id", "recipientaccountid"), element_at("resourcearray", CASE WHEN "num" >= 1 THEN "num" END), "event_name" ORDER BY "event_name" NULLS LAST LIMIT 100;

-- case: rds-whitelist-alert
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
SET TIME ZONE '+08:00';
SELECT "account_id" AS "account_id", element_at("resourcearray", CASE WHEN "db_num" >= 1 THEN "db_num" END) AS "db_instance_id", arbitrary("security_ips") AS "security_ips" FROM (SELECT "event.useridentity.accountid" AS "account_id", split("event.resourcename", ';') AS "resourceArray", CAST(json_extract("event.requestparameterjson", '$.SecurityIps') AS VARCHAR) AS "security_ips", array_position(split("event.resourcetype", ';'), 'ACS::RDS::DBInstance') AS "db_num" FROM keytrail_events) AS "_t1" WHERE ((("security_ips" LIKE '%0.0.0.0%') AND ("db_num" > 0))) GROUP BY "account_id", element_at("resourcearray", CASE WHEN "db_num" >= 1 THEN "db_num" END) LIMIT 10000;

-- case: password-policy-alert-bigint-cast
SET TIME ZONE '+08:00';
SELECT "account_id" AS "account_id", count(1) AS "cnt" FROM (SELECT CAST(json_extract("event.requestparameterjson", '$.MaxPasswordAge') AS BIGINT) AS "age", "event.useridentity.accountid" AS "account_id" FROM keytrail_events) AS "_t1" WHERE ((("age" > 90) OR ("age" = 0))) GROUP BY "account_id" LIMIT 100;

-- case: disk-from-resource-arrays
SET TIME ZONE '+08:00';
SELECT element_at("resourcearray", CASE WHEN "num" >= 1 THEN "num" END) AS "disk_id" FROM (SELECT split("event.resourcename", ';') AS "resourceArray", array_position(split("event.resourcetype", ';'), 'ACS::ECS::Disk') AS "num" FROM keytrail_events) AS "_t1" WHERE (("num" > 0)) LIMIT 100;

-- case: abnormal-ak-usage-alert
SET TIME ZONE '+08:00';
SELECT date_format(CAST(from_unixtime(min("__time__")) AS TIMESTAMP), '%Y-%m-%d %H:%i:%S') AS "min_time", "event.useridentity.accesskeyid" AS "access_key_id", sum(CASE WHEN (("event.errorcode" IS NULL) OR ("event.errorcode" = '')) THEN 0 ELSE 1 END) AS "fail_cnt", sum(CASE WHEN (("event.errorcode" IS NULL) OR ("event.errorcode" = '')) THEN 1 ELSE 0 END) AS "ok_cnt" FROM keytrail_events GROUP BY "event.useridentity.accesskeyid" ORDER BY "fail_cnt" DESC NULLS LAST, "access_key_id" NULLS LAST LIMIT 3;

-- case: off-duty-login-shape
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
-- note: arbitrary() returns any non-NULL value of its group: keytrail takes the first one met, the engine may take another
SET TIME ZONE '+08:00';
SELECT "event.useridentity.principalid" AS "user_id", array_agg(DISTINCT "event.sourceipaddress") AS "ip", arbitrary("event.useridentity.username") AS "user_name", count(DISTINCT "__time__") AS "cnt" FROM keytrail_events WHERE (("event.eventname" = 'ConsoleSignin')) GROUP BY "event.useridentity.principalid" LIMIT 10000;

-- case: ip-insight-shape-global-from-log
-- note: array_agg lists values in the order the engine meets the rows (keytrail: input order)
SET TIME ZONE '+08:00';
SELECT array_agg(DISTINCT "event.acsregion") AS "regions", count(1) AS "cnt" FROM keytrail_events LIMIT 100;

-- case: outer-where-on-subquery-alias-and-order-by-count
SET TIME ZONE '+08:00';
SELECT count(1) AS "pv", "ip" AS "ip" FROM (SELECT "event.sourceipaddress" AS "ip" FROM keytrail_events) AS "_t1" WHERE ((CASE WHEN "ip" IS NULL THEN NULL WHEN regexp_like(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$') THEN CASE WHEN CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) IN (10, 127) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 172 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) BETWEEN 16 AND 31) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 192 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) = 168) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 169 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) = 254) OR (CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){0}([0-9]+)', 1) AS INTEGER) = 100 AND CAST(regexp_extract(regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1'), '^(?:[0-9]+\.){1}([0-9]+)', 1) AS INTEGER) BETWEEN 64 AND 127) OR regexp_replace(trim("ip"), '^::[fF]{4}:([0-9]+\.)', '$1') = '0.0.0.0' THEN 'intranet' ELSE 'internet' END WHEN regexp_like(trim("ip"), '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:))$') THEN CASE WHEN regexp_like(trim("ip"), '^(?:[0:]+1?|[fF][cCdD][0-9a-fA-F]{2}:.*|[fF][eE][89abAB][0-9a-fA-F]:.*)$') THEN 'intranet' ELSE 'internet' END ELSE 'intranet' END <> 'intranet')) GROUP BY "ip" ORDER BY "pv" DESC NULLS LAST, "ip" NULLS LAST LIMIT 100;

-- case: limit-inside-subquery
SET TIME ZONE '+08:00';
SELECT "n" AS "n" FROM (SELECT "event.eventname" AS "n" FROM keytrail_events ORDER BY "__time__" DESC NULLS LAST LIMIT 2) AS "_t1" ORDER BY "n" NULLS LAST LIMIT 100;

-- case: having-on-a-group-key-alias
SET TIME ZONE '+08:00';
SELECT "event.eventname" AS "e", count(*) AS "n" FROM keytrail_events GROUP BY "event.eventname" HAVING (("event.eventname") LIKE 'Dec%') LIMIT 100;

-- case: event-leaves-through-select-star-subquery
-- note: JSON leaves in SQL are read with json_extract_scalar: keys match exactly (keytrail also matches a key in another letter case)
SET TIME ZONE '+08:00';
SELECT coalesce(json_extract_scalar("event", '$.additionalEventData.mfaChecked'), nullif(json_format(json_extract("event", '$.additionalEventData.mfaChecked')), 'null')) AS "mfa", "event.eventname" AS "e" FROM (SELECT "__time__" AS "__time__", "__topic__" AS "__topic__", "event" AS "event", "event.eventid" AS "event.eventId", "event.eventversion" AS "event.eventVersion", "event.eventtime" AS "event.eventTime", "event.eventtype" AS "event.eventType", "event.eventcategory" AS "event.eventCategory", "event.eventrw" AS "event.eventRW", "event.eventsource" AS "event.eventSource", "event.eventname" AS "event.eventName", "event.servicename" AS "event.serviceName", "event.acsregion" AS "event.acsRegion", "event.isglobal" AS "event.isGlobal", "event.sourceipaddress" AS "event.sourceIpAddress", "event.useragent" AS "event.userAgent", "event.requestid" AS "event.requestId", "event.apiversion" AS "event.apiVersion", "event.errorcode" AS "event.errorCode", "event.errormessage" AS "event.errorMessage", "event.resourcename" AS "event.resourceName", "event.resourcetype" AS "event.resourceType", "event.recipientaccountid" AS "event.recipientAccountId", "event.vpcid" AS "event.vpcId", "event.requestparameterjson" AS "event.requestParameterJson", "event.useridentity.type" AS "event.userIdentity.type", "event.useridentity.username" AS "event.userIdentity.userName", "event.useridentity.principalid" AS "event.userIdentity.principalId", "event.useridentity.accountid" AS "event.userIdentity.accountId", "event.useridentity.accesskeyid" AS "event.userIdentity.accessKeyId", "keytrail.kmskeyid" AS "keytrail.kmsKeyId", "keytrail.key" AS "keytrail.key", "keytrail.insight" AS "keytrail.insight", "keytrail.origin" AS "keytrail.origin" FROM keytrail_events WHERE (("event.eventname" = 'ConsoleSignin'))) AS "_t1" ORDER BY "mfa" NULLS LAST LIMIT 100;

-- case: date-trunc-hour-on-bigint
SET TIME ZONE '+08:00';
SELECT date_trunc('hour', CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "h", count(*) AS "n" FROM keytrail_events GROUP BY date_trunc('hour', CAST(from_unixtime("__time__") AS TIMESTAMP)) ORDER BY "h" NULLS LAST LIMIT 3;

-- case: date-trunc-day-is-local-midnight
SET TIME ZONE '+08:00';
SELECT date_trunc('day', CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "d", count(*) AS "n" FROM keytrail_events GROUP BY date_trunc('day', CAST(from_unixtime("__time__") AS TIMESTAMP)) ORDER BY "d" NULLS LAST LIMIT 100;

-- case: date-trunc-week-and-month
SET TIME ZONE '+08:00';
SELECT date_trunc('week', CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "w", date_trunc('month', CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "m" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: date-format-codes
SET TIME ZONE '+08:00';
SELECT date_format(CAST(from_unixtime("__time__") AS TIMESTAMP), '%a %b %e %Y %h:%i %p') AS "a", concat(date_format(CAST(from_unixtime("__time__") AS TIMESTAMP), '%W %M '), CAST(day(CAST(from_unixtime("__time__") AS TIMESTAMP)) AS VARCHAR), CASE WHEN day(CAST(from_unixtime("__time__") AS TIMESTAMP)) IN (11, 12, 13) THEN 'th' WHEN day(CAST(from_unixtime("__time__") AS TIMESTAMP)) % 10 = 1 THEN 'st' WHEN day(CAST(from_unixtime("__time__") AS TIMESTAMP)) % 10 = 2 THEN 'nd' WHEN day(CAST(from_unixtime("__time__") AS TIMESTAMP)) % 10 = 3 THEN 'rd' ELSE 'th' END, date_format(CAST(from_unixtime("__time__") AS TIMESTAMP), ' %j %k %l %c %y %T')) AS "b" FROM keytrail_events WHERE (("event.eventid" = 'E0034-schedu')) LIMIT 100;

-- case: from-unixtime-to-unixtime-date-parse
SET TIME ZONE '+08:00';
SELECT CAST(from_unixtime("__time__") AS TIMESTAMP) AS "t", to_unixtime(CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "u", date_parse('2024-03-01 08:00:00', '%Y-%m-%d %H:%i:%s') AS "p", date_format(date_parse('2024-03-01 08:00:00', '%Y-%m-%d %H:%i:%s'), '%H:%i') AS "f" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: now-and-current-date
-- note: now() and current_date are the engine's clock when the query runs
SET TIME ZONE '+08:00';
SELECT CAST(now() AS TIMESTAMP) AS "n", current_date AS "d", date_format(CAST(now() AS TIMESTAMP), '%Y-%m-%d %H:%i') AS "f" FROM keytrail_events LIMIT 1;

-- case: date-add-and-date-diff
-- note: now() and current_date are the engine's clock when the query runs
SET TIME ZONE '+08:00';
SELECT date_add('day', 1, CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "next_day", date_diff('hour', CAST(from_unixtime("__time__") AS TIMESTAMP), CAST(now() AS TIMESTAMP)) AS "hours", date_diff('minute', CAST(from_unixtime("__time__") AS TIMESTAMP), CAST(now() AS TIMESTAMP)) AS "mins", date_add('month', (- 1), CAST(from_unixtime("__time__") AS TIMESTAMP)) AS "prev" FROM keytrail_events WHERE (("event.eventid" = 'E0001-create')) LIMIT 100;

-- case: time-series-labels
-- refused at byte 11: time_series cannot be translated: it fills missing buckets, which needs a generated series of buckets; group by date_trunc(...) or __time__ - __time__ % N instead

-- case: timestamps-compare
SET TIME ZONE '+08:00';
SELECT count(*) AS "n" FROM keytrail_events WHERE ((CAST(from_unixtime("__time__") AS TIMESTAMP) >= date_parse('2024-03-02 00:00:00', '%Y-%m-%d %H:%i:%s'))) LIMIT 100;

-- case: per-day-label-pattern
SET TIME ZONE '+08:00';
SELECT date_format(date_trunc('hour', CAST(from_unixtime("__time__") AS TIMESTAMP)), '%m-%d %H:%i') AS "t", count(*) AS "pv" FROM keytrail_events GROUP BY date_format(date_trunc('hour', CAST(from_unixtime("__time__") AS TIMESTAMP)), '%m-%d %H:%i') ORDER BY "pv" DESC NULLS LAST, "t" NULLS LAST LIMIT 2;

-- case: time-series-pads-missing-buckets-with-zero
-- refused at byte 11: time_series cannot be translated: it fills missing buckets, which needs a generated series of buckets; group by date_trunc(...) or __time__ - __time__ % N instead

-- case: time-series-pads-with-last-and-null
-- refused at byte 11: time_series cannot be translated: it fills missing buckets, which needs a generated series of buckets; group by date_trunc(...) or __time__ - __time__ % N instead

