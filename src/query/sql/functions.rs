//! The SLS functions the SQL part knows: one enum, one name table (with a line of
//! documentation each), and the closest-name suggestion for unknown names.

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

/// The name table: every accepted name (lowercase) and its function.
pub const NAMES: &[(&str, Func)] = &[
    ("count", Func::Count),
    ("count_if", Func::CountIf),
    ("sum", Func::Sum),
    ("avg", Func::Avg),
    ("min", Func::Min),
    ("max", Func::Max),
    ("arbitrary", Func::Arbitrary),
    ("any_value", Func::Arbitrary),
    ("max_by", Func::MaxBy),
    ("min_by", Func::MinBy),
    ("approx_distinct", Func::ApproxDistinct),
    ("approx_percentile", Func::ApproxPercentile),
    ("array_agg", Func::ArrayAgg),
    ("histogram", Func::Histogram),
    ("bool_and", Func::BoolAnd),
    ("every", Func::BoolAnd),
    ("bool_or", Func::BoolOr),
    ("date_format", Func::DateFormat),
    ("date_parse", Func::DateParse),
    ("date_trunc", Func::DateTrunc),
    ("from_unixtime", Func::FromUnixtime),
    ("to_unixtime", Func::ToUnixtime),
    ("now", Func::Now),
    ("current_timestamp", Func::Now),
    ("localtimestamp", Func::Now),
    ("current_date", Func::CurrentDate),
    ("date_add", Func::DateAdd),
    ("date_diff", Func::DateDiff),
    ("time_series", Func::TimeSeries),
    ("lower", Func::Lower),
    ("upper", Func::Upper),
    ("length", Func::Length),
    ("trim", Func::Trim),
    ("ltrim", Func::Ltrim),
    ("rtrim", Func::Rtrim),
    ("replace", Func::Replace),
    ("reverse", Func::Reverse),
    ("substr", Func::Substr),
    ("substring", Func::Substr),
    ("strpos", Func::Strpos),
    ("split", Func::Split),
    ("split_part", Func::SplitPart),
    ("concat", Func::Concat),
    ("starts_with", Func::StartsWith),
    ("regexp_extract", Func::RegexpExtract),
    ("regexp_like", Func::RegexpLike),
    ("regexp_replace", Func::RegexpReplace),
    ("json_extract", Func::JsonExtract),
    ("json_extract_scalar", Func::JsonExtractScalar),
    ("json_array_length", Func::JsonArrayLength),
    ("array_position", Func::ArrayPosition),
    ("cardinality", Func::Cardinality),
    ("contains", Func::Contains),
    ("element_at", Func::ElementAt),
    ("round", Func::Round),
    ("floor", Func::Floor),
    ("ceil", Func::Ceil),
    ("ceiling", Func::Ceil),
    ("abs", Func::Abs),
    ("if", Func::If),
    ("coalesce", Func::Coalesce),
    ("nullif", Func::Nullif),
    ("ip_to_domain", Func::IpToDomain),
    ("ip_to_country", Func::IpToCountry),
    ("ip_to_country_code", Func::IpToCountryCode),
    ("ip_to_province", Func::IpToProvince),
    ("ip_to_city", Func::IpToCity),
    ("ip_to_provider", Func::IpToProvider),
    ("ip_to_geo", Func::IpToGeo),
    ("ip_to_city_geo", Func::IpToGeo),
];

impl Func {
    /// Looks a function up by name, case-insensitively.
    pub fn lookup(name: &str) -> Option<Func> {
        let lower = name.to_ascii_lowercase();
        NAMES.iter().find(|(n, _)| *n == lower).map(|(_, f)| *f)
    }

    /// Whether this is an aggregate function.
    pub fn is_aggregate(self) -> bool {
        matches!(
            self,
            Func::Count
                | Func::CountIf
                | Func::Sum
                | Func::Avg
                | Func::Min
                | Func::Max
                | Func::Arbitrary
                | Func::MaxBy
                | Func::MinBy
                | Func::ApproxDistinct
                | Func::ApproxPercentile
                | Func::ArrayAgg
                | Func::Histogram
                | Func::BoolAnd
                | Func::BoolOr
        )
    }
}

/// The known name closest to `name` by edit distance, if reasonably close.
pub fn closest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    NAMES
        .iter()
        .map(|(n, _)| (edit_distance(&lower, n), *n))
        .filter(|(d, n)| *d <= (n.len() / 2).max(2))
        .min()
        .map(|(_, n)| n)
}

/// Levenshtein distance between two strings (by characters).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(Func::lookup("COUNT"), Some(Func::Count));
        assert_eq!(Func::lookup("Date_Format"), Some(Func::DateFormat));
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
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), NAMES.len());
    }
}
