//! The SLS functions the SQL part knows: one enum, one table (the names of each function, its
//! family, and an example statement with the result SLS gives, which a test runs), and the
//! closest-name suggestion for unknown names.
//!
//! A new function is a [`Func`] variant, a [`Def`] row in [`FUNCTIONS`] and its arm in the
//! family's module under `sql/scalar/` (or in `sql/aggregate.rs`).

/// Every supported SQL function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    // Aggregates
    /// `count(*)`, `count(1)`, `count(x)`, `count(DISTINCT x)`.
    Count,
    /// `count_if(b)`: rows where b is true.
    CountIf,
    /// `sum(x)`: NULL when every x is NULL.
    Sum,
    /// `avg(x)`: a double.
    Avg,
    /// `min(x)`.
    Min,
    /// `max(x)`.
    Max,
    /// `arbitrary(x)`: some non-NULL x (the first one met).
    Arbitrary,
    /// `max_by(x, y)`: x at the largest y.
    MaxBy,
    /// `min_by(x, y)`: x at the smallest y.
    MinBy,
    /// `approx_distinct(x)`: computed exactly here.
    ApproxDistinct,
    /// `approx_percentile(x, p)`: the value at percentile p (0..1), computed exactly
    /// (nearest rank).
    ApproxPercentile,
    /// `array_agg([DISTINCT] x)`: the values of a group as an array.
    ArrayAgg,
    /// `histogram(x)`: value → count, as a JSON object.
    Histogram,
    /// `bool_and(b)` / `every(b)`.
    BoolAnd,
    /// `bool_or(b)`.
    BoolOr,
    // Time
    /// `date_format(ts|unix_seconds, fmt)` with MySQL `%` codes, in the session zone.
    DateFormat,
    /// `date_parse(text, fmt)`: text in the session zone to a timestamp.
    DateParse,
    /// `date_trunc(unit, ts|unix_seconds)`: a timestamp at the start of the unit.
    DateTrunc,
    /// `from_unixtime(seconds)`: a timestamp.
    FromUnixtime,
    /// `to_unixtime(ts)`: double seconds.
    ToUnixtime,
    /// `now()` / `current_timestamp`: the query's reference time.
    Now,
    /// `current_date`: today in the session zone.
    CurrentDate,
    /// `date_add(unit, n, ts)`.
    DateAdd,
    /// `date_diff(unit, t1, t2)`: whole units from t1 to t2.
    DateDiff,
    /// `time_series(__time__, window, fmt, padding)`: a bucket label; pads missing buckets.
    TimeSeries,
    // Strings
    /// `lower(s)`.
    Lower,
    /// `upper(s)`.
    Upper,
    /// `length(s)`: characters.
    Length,
    /// `trim(s)`.
    Trim,
    /// `ltrim(s)`.
    Ltrim,
    /// `rtrim(s)`.
    Rtrim,
    /// `replace(s, from[, to])`: every occurrence.
    Replace,
    /// `reverse(s)`.
    Reverse,
    /// `substr(s, start[, len])`: 1-based.
    Substr,
    /// `strpos(s, sub)`: 1-based, 0 when absent.
    Strpos,
    /// `split(s, d[, limit])`: an array.
    Split,
    /// `split_part(s, d, i)`: 1-based; NULL out of range.
    SplitPart,
    /// `concat(a, b, ...)`: NULL when any argument is NULL.
    Concat,
    /// `starts_with(s, prefix)`.
    StartsWith,
    /// `regexp_extract(s, re[, group])`: first match, NULL when none.
    RegexpExtract,
    /// `regexp_like(s, re)`: whether re matches anywhere in s.
    RegexpLike,
    /// `regexp_replace(s, re[, rep])`: every match; `$1` refers to groups.
    RegexpReplace,
    /// `json_extract(json, path)`: JSON text at the path (strings keep quotes).
    JsonExtract,
    /// `json_extract_scalar(json, path)`: the scalar at the path as varchar.
    JsonExtractScalar,
    /// `json_array_length(json)`.
    JsonArrayLength,
    // Arrays
    /// `array_position(arr, x)`: 1-based, 0 when absent.
    ArrayPosition,
    /// `cardinality(arr)`.
    Cardinality,
    /// `contains(arr, x)`.
    Contains,
    /// `element_at(arr, i)`: 1-based, NULL out of range.
    ElementAt,
    // Math
    /// `round(x[, d])`: half away from zero.
    Round,
    /// `floor(x)`.
    Floor,
    /// `ceil(x)` / `ceiling(x)`.
    Ceil,
    /// `abs(x)`.
    Abs,
    // Conditionals
    /// `if(c, a[, b])`.
    If,
    /// `coalesce(a, b, ...)`.
    Coalesce,
    /// `nullif(a, b)`.
    Nullif,
    // IP
    /// `ip_to_domain(ip)`: `intranet` or `internet`, computed offline.
    IpToDomain,
    /// `ip_to_country(ip[, 'en'])`: the country name (Chinese by default), or with `'en'` its
    /// code, from a `--geoip` database (NULL without one).
    IpToCountry,
    /// `ip_to_country_code(ip)`: the ISO 3166-1 alpha-2 code, from a `--geoip` database.
    IpToCountryCode,
    /// `ip_to_province(ip[, 'en'])`: the province name, or with `'en'` its code.
    IpToProvince,
    /// `ip_to_city(ip[, 'en'])`: the city name.
    IpToCity,
    /// `ip_to_provider(ip)`: the network's organisation, from an ASN database.
    IpToProvider,
    /// `ip_to_geo(ip)` / `ip_to_city_geo(ip)`: `latitude,longitude`.
    IpToGeo,
}

/// Which module plans a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Aggregates (`sql/aggregate.rs`).
    Aggregate,
    /// Times and dates.
    Time,
    /// Strings.
    String,
    /// Regular expressions.
    Regexp,
    /// JSON text.
    Json,
    /// Arrays.
    Array,
    /// Numbers.
    Math,
    /// `if`, `coalesce`, `nullif`.
    Conditional,
    /// IP addresses (GeoIP lookups in `sql/geo.rs`).
    Ip,
}

/// One row of the function table.
pub struct Def {
    /// The function.
    pub func: Func,
    /// Every accepted name, lowercase (the SLS name first, then aliases).
    pub names: &'static [&'static str],
    /// Which module plans it.
    pub family: Family,
    /// A statement using it that gives one value, over the events of the SQL conformance
    /// fixture (`testdata/sql/events.ndjson`, session zone UTC+8, `now()` at
    /// 2024-03-02T00:00:00Z, no `--geoip` database).
    pub example: &'static str,
    /// The value the example gives, as text (`NULL` for NULL): the result SLS gives (the
    /// `ip_to_*` lookups give NULL here because the example runs without a database).
    pub result: &'static str,
}

/// The function table.
pub const FUNCTIONS: &[Def] = &[
    Def {
        func: Func::Count,
        names: &["count"],
        family: Family::Aggregate,
        example: "select count(*)",
        result: "36",
    },
    Def {
        func: Func::CountIf,
        names: &["count_if"],
        family: Family::Aggregate,
        example: r#"select count_if("event.eventRW" = 'Read')"#,
        result: "16",
    },
    Def {
        func: Func::Sum,
        names: &["sum"],
        family: Family::Aggregate,
        example: r#"select sum(cast(json_extract_scalar("event.requestParameterJson", '$.NumberOfBytes') as bigint)) where "event.eventName" = 'GenerateDataKey'"#,
        result: "96",
    },
    Def {
        func: Func::Avg,
        names: &["avg"],
        family: Family::Aggregate,
        example: r#"select avg(cast(json_extract_scalar("event.requestParameterJson", '$.NumberOfBytes') as double)) where "event.eventName" = 'GenerateDataKey'"#,
        result: "48.0",
    },
    Def {
        func: Func::Min,
        names: &["min"],
        family: Family::Aggregate,
        example: r#"select min("event.eventName")"#,
        result: "AttachPolicyToUser",
    },
    Def {
        func: Func::Max,
        names: &["max"],
        family: Family::Aggregate,
        example: r#"select max("event.eventName")"#,
        result: "UpdateRotationPolicy",
    },
    Def {
        func: Func::Arbitrary,
        names: &["arbitrary", "any_value"],
        family: Family::Aggregate,
        example: r#"select arbitrary("event.userIdentity.accessKeyId") where "event.userIdentity.type" = 'root-account'"#,
        result: "LTAI5tRoot0003",
    },
    Def {
        func: Func::MaxBy,
        names: &["max_by"],
        family: Family::Aggregate,
        example: r#"select max_by("event.eventName", __time__) where "event.userIdentity.userName" = 'alice'"#,
        result: "Decrypt",
    },
    Def {
        func: Func::MinBy,
        names: &["min_by"],
        family: Family::Aggregate,
        example: r#"select min_by("event.eventName", __time__) where "event.userIdentity.userName" = 'alice'"#,
        result: "CreateKey",
    },
    Def {
        func: Func::ApproxDistinct,
        names: &["approx_distinct"],
        family: Family::Aggregate,
        example: r#"select approx_distinct("event.userIdentity.userName")"#,
        result: "6",
    },
    Def {
        func: Func::ApproxPercentile,
        names: &["approx_percentile"],
        family: Family::Aggregate,
        example: r#"select approx_percentile(cast(json_extract_scalar("event.requestParameterJson", '$.PendingWindowInDays') as bigint), 1.0)"#,
        result: "30",
    },
    Def {
        func: Func::ArrayAgg,
        names: &["array_agg"],
        family: Family::Aggregate,
        example: r#"select array_agg("event.eventName") where "event.userIdentity.userName" = 'carol'"#,
        result: r#"["ListKeys","ListKeys","ConsoleSignin","ConsoleSignin"]"#,
    },
    Def {
        func: Func::Histogram,
        names: &["histogram"],
        family: Family::Aggregate,
        example: r#"select histogram("event.eventRW") where "event.userIdentity.userName" = 'bob'"#,
        result: r#"{"Read":7,"Write":3}"#,
    },
    Def {
        func: Func::BoolAnd,
        names: &["bool_and", "every"],
        family: Family::Aggregate,
        example: r#"select bool_and("event.eventRW" = 'Read') where "event.userIdentity.userName" = 'carol'"#,
        result: "false",
    },
    Def {
        func: Func::BoolOr,
        names: &["bool_or"],
        family: Family::Aggregate,
        example: r#"select bool_or("event.eventRW" = 'Read') where "event.userIdentity.userName" = 'carol'"#,
        result: "true",
    },
    Def {
        func: Func::DateFormat,
        names: &["date_format"],
        family: Family::Time,
        example: r#"select date_format(__time__, '%a %b %e %Y %h:%i %p') where "event.eventId" = 'E0034-schedu'"#,
        result: "Sat Mar 2 2024 09:00 AM",
    },
    Def {
        func: Func::DateParse,
        names: &["date_parse"],
        family: Family::Time,
        example: "select date_parse('2024-03-01 08:00:00', '%Y-%m-%d %H:%i:%s') limit 1",
        result: "2024-03-01 08:00:00.000",
    },
    Def {
        func: Func::DateTrunc,
        names: &["date_trunc"],
        family: Family::Time,
        example: r#"select date_trunc('week', from_unixtime(__time__)) where "event.eventId" = 'E0001-create'"#,
        result: "2024-02-26 00:00:00.000",
    },
    Def {
        func: Func::FromUnixtime,
        names: &["from_unixtime"],
        family: Family::Time,
        example: r#"select from_unixtime(__time__) where "event.eventId" = 'E0001-create'"#,
        result: "2024-03-01 08:00:00.000",
    },
    Def {
        func: Func::ToUnixtime,
        names: &["to_unixtime"],
        family: Family::Time,
        example: r#"select to_unixtime(from_unixtime(__time__)) where "event.eventId" = 'E0001-create'"#,
        result: "1709251200.0",
    },
    Def {
        func: Func::Now,
        names: &["now", "current_timestamp", "localtimestamp"],
        family: Family::Time,
        example: "select now() limit 1",
        result: "2024-03-02 08:00:00.000",
    },
    Def {
        func: Func::CurrentDate,
        names: &["current_date"],
        family: Family::Time,
        example: "select current_date limit 1",
        result: "2024-03-02",
    },
    Def {
        func: Func::DateAdd,
        names: &["date_add"],
        family: Family::Time,
        example: r#"select date_add('day', 1, from_unixtime(__time__)) where "event.eventId" = 'E0001-create'"#,
        result: "2024-03-02 08:00:00.000",
    },
    Def {
        func: Func::DateDiff,
        names: &["date_diff"],
        family: Family::Time,
        example: r#"select date_diff('hour', from_unixtime(__time__), now()) where "event.eventId" = 'E0001-create'"#,
        result: "24",
    },
    Def {
        func: Func::TimeSeries,
        names: &["time_series"],
        family: Family::Time,
        example: "select time_series(__time__, '1h', '%Y-%m-%d %H:%i', '0') as t group by t order by t limit 1",
        result: "2024-03-01 08:00",
    },
    Def {
        func: Func::Lower,
        names: &["lower"],
        family: Family::String,
        example: r#"select lower("event.eventName") where "event.eventId" = 'E0001-create'"#,
        result: "createkey",
    },
    Def {
        func: Func::Upper,
        names: &["upper"],
        family: Family::String,
        example: r#"select upper("event.eventName") where "event.eventId" = 'E0001-create'"#,
        result: "CREATEKEY",
    },
    Def {
        func: Func::Length,
        names: &["length"],
        family: Family::String,
        example: "select length('密钥') limit 1",
        result: "2",
    },
    Def {
        func: Func::Trim,
        names: &["trim"],
        family: Family::String,
        example: "select trim('  a b  ') limit 1",
        result: "a b",
    },
    Def {
        func: Func::Ltrim,
        names: &["ltrim"],
        family: Family::String,
        example: "select ltrim('  x') limit 1",
        result: "x",
    },
    Def {
        func: Func::Rtrim,
        names: &["rtrim"],
        family: Family::String,
        example: "select rtrim('x  ') limit 1",
        result: "x",
    },
    Def {
        func: Func::Replace,
        names: &["replace"],
        family: Family::String,
        example: r#"select replace("event.acsRegion", 'cn-', '') where "event.eventId" = 'E0001-create'"#,
        result: "hangzhou",
    },
    Def {
        func: Func::Reverse,
        names: &["reverse"],
        family: Family::String,
        example: r#"select reverse("event.acsRegion") where "event.eventId" = 'E0001-create'"#,
        result: "uohzgnah-nc",
    },
    Def {
        func: Func::Substr,
        names: &["substr", "substring"],
        family: Family::String,
        example: r#"select substr("event.eventName", 1, 6) where "event.eventId" = 'E0001-create'"#,
        result: "Create",
    },
    Def {
        func: Func::Strpos,
        names: &["strpos"],
        family: Family::String,
        example: r#"select strpos("event.eventName", 'Key') where "event.eventId" = 'E0001-create'"#,
        result: "7",
    },
    Def {
        func: Func::Split,
        names: &["split"],
        family: Family::String,
        example: r#"select split("event.resourceName", ';') where "event.eventId" = 'E0002-create'"#,
        result: r#"["key-hzz65f1a2b3c4d5e6f7g8","alias/orders"]"#,
    },
    Def {
        func: Func::SplitPart,
        names: &["split_part"],
        family: Family::String,
        example: r#"select split_part("event.resourceName", ';', 2) where "event.eventId" = 'E0002-create'"#,
        result: "alias/orders",
    },
    Def {
        func: Func::Concat,
        names: &["concat"],
        family: Family::String,
        example: r#"select concat('x-', "event.acsRegion") where "event.eventId" = 'E0001-create'"#,
        result: "x-cn-hangzhou",
    },
    Def {
        func: Func::StartsWith,
        names: &["starts_with"],
        family: Family::String,
        example: r#"select starts_with("event.acsRegion", 'cn-') where "event.eventId" = 'E0001-create'"#,
        result: "true",
    },
    Def {
        func: Func::RegexpExtract,
        names: &["regexp_extract"],
        family: Family::Regexp,
        example: r#"select regexp_extract("event.resourceName", 'key-([a-z]+)', 1) where "event.eventId" = 'E0001-create'"#,
        result: "hzz",
    },
    Def {
        func: Func::RegexpLike,
        names: &["regexp_like"],
        family: Family::Regexp,
        example: r#"select regexp_like("event.eventName", '^(En|De)crypt$') where "event.eventId" = 'E0001-create'"#,
        result: "false",
    },
    Def {
        func: Func::RegexpReplace,
        names: &["regexp_replace"],
        family: Family::Regexp,
        example: r#"select regexp_replace("event.acsRegion", '([a-z]+)-([a-z]+)', '$2.$1') where "event.eventId" = 'E0001-create'"#,
        result: "hangzhou.cn",
    },
    Def {
        func: Func::JsonExtract,
        names: &["json_extract"],
        family: Family::Json,
        example: r#"select json_extract("event.requestParameterJson", '$.KeySpec') where "event.eventId" = 'E0001-create'"#,
        result: r#""Aliyun_AES_256""#,
    },
    Def {
        func: Func::JsonExtractScalar,
        names: &["json_extract_scalar"],
        family: Family::Json,
        example: r#"select json_extract_scalar("event.requestParameterJson", '$.KeySpec') where "event.eventId" = 'E0001-create'"#,
        result: "Aliyun_AES_256",
    },
    Def {
        func: Func::JsonArrayLength,
        names: &["json_array_length"],
        family: Family::Json,
        example: "select json_array_length('[1, 2, 3]') limit 1",
        result: "3",
    },
    Def {
        func: Func::ArrayPosition,
        names: &["array_position"],
        family: Family::Array,
        example: r#"select array_position(split("event.resourceType", ';'), 'ACS::KMS::Alias') where "event.eventId" = 'E0002-create'"#,
        result: "2",
    },
    Def {
        func: Func::Cardinality,
        names: &["cardinality"],
        family: Family::Array,
        example: r#"select cardinality(split("event.resourceName", ';')) where "event.eventId" = 'E0002-create'"#,
        result: "2",
    },
    Def {
        func: Func::Contains,
        names: &["contains"],
        family: Family::Array,
        example: r#"select contains(split("event.resourceType", ';'), 'ACS::KMS::Key') where "event.eventId" = 'E0002-create'"#,
        result: "true",
    },
    Def {
        func: Func::ElementAt,
        names: &["element_at"],
        family: Family::Array,
        example: r#"select element_at(split("event.resourceName", ';'), -1) where "event.eventId" = 'E0002-create'"#,
        result: "alias/orders",
    },
    Def {
        func: Func::Round,
        names: &["round"],
        family: Family::Math,
        example: "select round(3.14159, 2) limit 1",
        result: "3.14",
    },
    Def {
        func: Func::Floor,
        names: &["floor"],
        family: Family::Math,
        example: "select floor(2.7) limit 1",
        result: "2.0",
    },
    Def {
        func: Func::Ceil,
        names: &["ceil", "ceiling"],
        family: Family::Math,
        example: "select ceil(2.1) limit 1",
        result: "3.0",
    },
    Def {
        func: Func::Abs,
        names: &["abs"],
        family: Family::Math,
        example: "select abs(-3) limit 1",
        result: "3",
    },
    Def {
        func: Func::If,
        names: &["if"],
        family: Family::Conditional,
        example: r#"select if("event.errorCode" = 'NoPermission', 'denied') as d group by d order by d limit 1"#,
        result: "denied",
    },
    Def {
        func: Func::Coalesce,
        names: &["coalesce"],
        family: Family::Conditional,
        example: r#"select coalesce("event.userIdentity.accessKeyId", 'console') where "event.userIdentity.userName" = 'carol' limit 1"#,
        result: "console",
    },
    Def {
        func: Func::Nullif,
        names: &["nullif"],
        family: Family::Conditional,
        example: r#"select nullif("event.errorCode", '') where "event.eventId" = 'E0016-enable'"#,
        result: "NULL",
    },
    Def {
        func: Func::IpToDomain,
        names: &["ip_to_domain"],
        family: Family::Ip,
        example: "select ip_to_domain('100.104.1.1') limit 1",
        result: "intranet",
    },
    Def {
        func: Func::IpToCountry,
        names: &["ip_to_country"],
        family: Family::Ip,
        example: "select ip_to_country('47.98.10.1') limit 1",
        result: "NULL",
    },
    Def {
        func: Func::IpToCountryCode,
        names: &["ip_to_country_code"],
        family: Family::Ip,
        example: "select ip_to_country_code('47.98.10.1') limit 1",
        result: "NULL",
    },
    Def {
        func: Func::IpToProvince,
        names: &["ip_to_province"],
        family: Family::Ip,
        example: "select ip_to_province('47.98.10.1') limit 1",
        result: "NULL",
    },
    Def {
        func: Func::IpToCity,
        names: &["ip_to_city"],
        family: Family::Ip,
        example: r#"select ip_to_city("event.sourceIpAddress") limit 1"#,
        result: "NULL",
    },
    Def {
        func: Func::IpToProvider,
        names: &["ip_to_provider"],
        family: Family::Ip,
        example: "select ip_to_provider('47.98.10.1') limit 1",
        result: "NULL",
    },
    Def {
        func: Func::IpToGeo,
        names: &["ip_to_geo", "ip_to_city_geo"],
        family: Family::Ip,
        example: "select ip_to_geo('47.98.10.1') limit 1",
        result: "NULL",
    },
];

impl Func {
    /// Looks a function up by name, case-insensitively.
    pub fn lookup(name: &str) -> Option<Func> {
        let lower = name.to_ascii_lowercase();
        FUNCTIONS
            .iter()
            .find(|d| d.names.contains(&lower.as_str()))
            .map(|d| d.func)
    }

    /// The function's row of [`FUNCTIONS`].
    pub fn def(self) -> &'static Def {
        FUNCTIONS
            .iter()
            .find(|d| d.func == self)
            .expect("every Func has a row in FUNCTIONS (a test checks it)")
    }

    /// Whether this is an aggregate function.
    pub fn is_aggregate(self) -> bool {
        self.def().family == Family::Aggregate
    }
}

/// The known name closest to `name` by edit distance, if reasonably close.
pub fn closest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    FUNCTIONS
        .iter()
        .flat_map(|d| d.names.iter().copied())
        .map(|n| (strsim::levenshtein(&lower, n), n))
        .filter(|(d, n)| *d <= (n.len() / 2).max(2))
        .min()
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(Func::lookup("COUNT"), Some(Func::Count));
        assert_eq!(Func::lookup("Date_Format"), Some(Func::DateFormat));
        assert_eq!(Func::lookup("any_value"), Some(Func::Arbitrary));
        assert_eq!(Func::lookup("nope"), None);
        assert!(Func::Arbitrary.is_aggregate());
        assert!(!Func::Split.is_aggregate());
    }

    #[test]
    fn suggestions_pick_the_nearest_name() {
        assert_eq!(closest("date_fromat"), Some("date_format"));
        assert_eq!(closest("arbitary"), Some("arbitrary"));
        assert_eq!(closest("json_extact_scalar"), Some("json_extract_scalar"));
        assert_eq!(closest("zzzzzzzzzz"), None);
    }

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut names: Vec<&str> = FUNCTIONS
            .iter()
            .flat_map(|d| d.names.iter().copied())
            .collect();
        let count = names.len();
        assert!(names.iter().all(|n| *n == n.to_ascii_lowercase()));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        for d in FUNCTIONS {
            assert_eq!(d.func.def().names, d.names, "{:?} has one row", d.func);
        }
    }

    /// The events of the SQL conformance suite (`tests/sql.rs`).
    fn fixture() -> LazyFrame {
        let text = include_str!("../../../testdata/sql/events.ndjson");
        let rows: Vec<_> = text
            .lines()
            .map(|line| {
                let envelope = crate::event::normalize::Envelope::default();
                crate::event::normalize::normalize(line.as_bytes(), &envelope, &mut Vec::new())
                    .map(crate::event::row::Row::into_owned)
                    .expect("fixture event normalizes")
            })
            .collect();
        crate::store::frame::rows_to_dataframe(&rows)
            .expect("fixture frame")
            .lazy()
    }

    /// The one value a statement gives, as text.
    fn value_of(sql: &str, events: LazyFrame) -> Result<String, String> {
        let ctx = crate::query::sql::SqlContext {
            zone: crate::time::Zone::parse("+08:00").expect("zone"),
            now: 1_709_337_600,
            geoip: None,
        };
        let plan = crate::query::sql::plan(sql, events, &ctx).map_err(|e| e.to_string())?;
        let df = plan.frame.collect().map_err(|e| e.to_string())?;
        if df.shape() != (1, 1) {
            return Err(format!(
                "gives {:?} rows x columns, not one value",
                df.shape()
            ));
        }
        Ok(match df.columns()[0].get(0).map_err(|e| e.to_string())? {
            AnyValue::Null => "NULL".to_string(),
            AnyValue::String(s) => s.to_string(),
            AnyValue::StringOwned(s) => s.to_string(),
            AnyValue::Float64(f) if f.is_finite() && f.fract() == 0.0 => format!("{f:.1}"),
            other => other.to_string(),
        })
    }

    #[test]
    fn every_example_gives_its_result() {
        let events = fixture().collect().expect("fixture collects");
        let mut failures = Vec::new();
        for d in FUNCTIONS {
            let mentions = d.names.iter().any(|n| d.example.contains(&format!("{n}(")))
                || d.names
                    .iter()
                    .any(|n| d.example.contains(&format!(" {n} ")));
            if !mentions {
                failures.push(format!("{:?}: the example does not call it", d.func));
            }
            match value_of(d.example, events.clone().lazy()) {
                Ok(v) if v == d.result => {}
                Ok(v) => failures.push(format!(
                    "{:?}: {} gave {v}, not {}",
                    d.func, d.example, d.result
                )),
                Err(m) => failures.push(format!("{:?}: {} failed: {m}", d.func, d.example)),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
