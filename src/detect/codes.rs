//! Dictionary codes for text columns: each distinct value (or combination of values) gets a
//! small number, so a row-wise test or a group-by key is computed once per distinct value
//! instead of once per row. The rules' search parts are regexes over a few low-cardinality
//! columns (event name, service, error code...): a million events hold a few thousand
//! distinct combinations of them.

use polars::prelude::*;
use rayon::prelude::*;

use crate::error::Result;

/// A text column as codes into its distinct values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coded<'a> {
    /// The code of each row.
    pub codes: Vec<u32>,
    /// The distinct values by code, in order of first appearance (None: null).
    pub values: Vec<Option<&'a str>>,
}

/// Encodes a text column.
pub fn encode(ca: &StringChunked) -> Coded<'_> {
    encode_values(ca.iter(), ca.len())
}

/// Encodes `len` text values.
pub fn encode_values<'a>(
    values_in: impl Iterator<Item = Option<&'a str>>,
    len: usize,
) -> Coded<'a> {
    let mut index: PlHashMap<Option<&str>, u32> = PlHashMap::default();
    let mut values = Vec::new();
    let mut codes = Vec::with_capacity(len);
    for v in values_in {
        let next = values.len() as u32;
        let code = *index.entry(v).or_insert_with(|| {
            values.push(v);
            next
        });
        codes.push(code);
    }
    Coded { codes, values }
}

/// Which distinct combination of some coded columns each row holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Combos {
    /// The combination of each row.
    pub of_row: Vec<u32>,
    /// The first row holding each combination.
    pub first_row: Vec<IdxSize>,
}

/// Numbers the distinct combinations of `columns` (all of one length), in order of first
/// appearance. None when the number of possible combinations does not fit in 64 bits.
pub fn combine(columns: &[&Coded<'_>], rows: usize) -> Option<Combos> {
    let mut radix: Vec<u64> = Vec::with_capacity(columns.len());
    let mut span: u64 = 1;
    for c in columns {
        radix.push(span);
        span = span.checked_mul((c.values.len() as u64).max(1))?;
    }
    let mut index: PlHashMap<u64, u32> = PlHashMap::default();
    let mut of_row = Vec::with_capacity(rows);
    let mut first_row = Vec::new();
    for row in 0..rows {
        let key: u64 = columns
            .iter()
            .zip(&radix)
            .map(|(c, r)| u64::from(c.codes[row]) * r)
            .sum();
        let next = first_row.len() as u32;
        let combo = *index.entry(key).or_insert_with(|| {
            first_row.push(row as IdxSize);
            next
        });
        of_row.push(combo);
    }
    Some(Combos { of_row, first_row })
}

/// The rows of `df` each filter keeps, ascending. A filter reading only text columns (its
/// `columns`, all in `df`) is evaluated once per distinct combination of those columns over
/// all filters; the others (None, or a non-text column) row by row. Filters must be row-wise
/// (a search part's lowering is).
pub fn filter_rows(df: &DataFrame, filters: &[(Expr, Option<Vec<String>>)]) -> Result<Vec<IdxCa>> {
    let is_text = |c: &String| {
        df.column(c)
            .is_ok_and(|s| matches!(s.dtype(), DataType::String))
    };
    let coded: Vec<bool> = filters
        .iter()
        .map(|(_, cols)| cols.as_ref().is_some_and(|cs| cs.iter().all(is_text)))
        .collect();
    let mut names: Vec<String> = Vec::new();
    for ((_, cols), c) in filters.iter().zip(&coded) {
        if let (Some(cols), true) = (cols, c) {
            for name in cols {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
    }
    let texts: Vec<&StringChunked> = names
        .iter()
        .map(|n| df.column(n).and_then(|c| c.str()))
        .collect::<PolarsResult<_>>()?;
    let encoded: Vec<Coded<'_>> = texts.par_iter().map(|ca| encode(ca)).collect();
    let combos = combine(&encoded.iter().collect::<Vec<_>>(), df.height());
    let mut out = Vec::with_capacity(filters.len());
    let mut per_combo: Vec<Option<Vec<bool>>> = vec![None; filters.len()];
    if let Some(combos) = &combos {
        let picked: Vec<usize> = (0..filters.len()).filter(|&i| coded[i]).collect();
        if !picked.is_empty() {
            let first = IdxCa::from_vec("first".into(), combos.first_row.clone());
            let table = df.select(names.iter().map(String::as_str))?.take(&first)?;
            let tests: Vec<Expr> = picked
                .iter()
                .map(|&i| filters[i].0.clone().alias(format!("__f{i}")))
                .collect();
            let verdicts = table.lazy().select(tests).collect()?;
            for &i in &picked {
                let column = verdicts.column(&format!("__f{i}"))?.bool()?.clone();
                per_combo[i] = Some(column.iter().map(|v| v == Some(true)).collect());
            }
        }
    }
    for (i, (filter, _)) in filters.iter().enumerate() {
        let rows = match (&per_combo[i], &combos) {
            (Some(keep), Some(combos)) => combos
                .of_row
                .iter()
                .enumerate()
                .filter(|(_, &c)| keep[c as usize])
                .map(|(r, _)| r as IdxSize)
                .collect(),
            _ => direct_rows(df, filter)?,
        };
        out.push(IdxCa::from_vec("rows".into(), rows));
    }
    Ok(out)
}

/// The rows of `df` a filter keeps, testing every row.
fn direct_rows(df: &DataFrame, filter: &Expr) -> Result<Vec<IdxSize>> {
    let verdict = df
        .clone()
        .lazy()
        .select([filter.clone().alias("__keep")])
        .collect()?;
    let keep = verdict.column("__keep")?.bool()?.clone();
    Ok(keep
        .iter()
        .enumerate()
        .filter(|(_, v)| *v == Some(true))
        .map(|(r, _)| r as IdxSize)
        .collect())
}

/// A cheap filter keeping at least `rows` of `df`: each of `columns` (text) must hold one of
/// the values it holds in those rows. Hash lookups instead of the regexes of a search part;
/// the search part itself then picks the exact rows among the few this keeps.
pub fn values_filter(df: &DataFrame, columns: &[String], rows: &IdxCa) -> Result<Expr> {
    let mut out = lit(!rows.is_empty());
    for name in columns {
        let values = df.column(name)?.str()?.take(rows)?;
        let mut seen: PlHashSet<Option<&str>> = PlHashSet::default();
        let mut texts: Vec<&str> = Vec::new();
        for v in values.iter() {
            if seen.insert(v) {
                texts.extend(v);
            }
        }
        let listed = lit(Series::new("values".into(), texts)).implode(false);
        let mut test = col(name.as_str())
            .is_in(listed, false)
            .fill_null(lit(false));
        if seen.contains(&None) {
            test = test.or(col(name.as_str()).is_null());
        }
        out = out.and(test);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        df!(
            "name" => [Some("Decrypt"), Some("DisableKey"), Some("Decrypt"), None, Some("DisableKey")],
            "service" => ["Kms", "Kms", "Ecs", "Kms", "Kms"],
            "n" => [1i64, 2, 3, 4, 5]
        )
        .unwrap()
    }

    fn rows(i: &IdxCa) -> Vec<IdxSize> {
        i.into_no_null_iter().collect()
    }

    #[test]
    fn codes_number_values_in_order_of_appearance() {
        let df = frame();
        let c = encode(df.column("name").unwrap().str().unwrap());
        assert_eq!(c.codes, vec![0, 1, 0, 2, 1]);
        assert_eq!(c.values, vec![Some("Decrypt"), Some("DisableKey"), None]);
        let s = encode(df.column("service").unwrap().str().unwrap());
        let combos = combine(&[&c, &s], 5).unwrap();
        assert_eq!(combos.of_row, vec![0, 1, 2, 3, 1]);
        assert_eq!(combos.first_row, vec![0, 1, 2, 3]);
    }

    #[test]
    fn filters_per_combination_equal_filters_per_row() {
        let df = frame();
        let regex = col("name").str().contains(lit("(?i)^dis"), true);
        let filters = vec![
            (
                regex.clone().and(col("service").eq(lit("Kms"))),
                Some(vec!["name".to_string(), "service".to_string()]),
            ),
            (col("name").is_null(), Some(vec!["name".to_string()])),
            (col("n").gt(lit(3i64)), Some(vec!["n".to_string()])),
            (regex.fill_null(lit(false)).not(), None),
        ];
        let kept = filter_rows(&df, &filters).unwrap();
        assert_eq!(rows(&kept[0]), vec![1, 4]);
        assert_eq!(rows(&kept[1]), vec![3]);
        assert_eq!(rows(&kept[2]), vec![3, 4]);
        assert_eq!(rows(&kept[3]), vec![0, 2, 3]);
    }

    #[test]
    fn values_filter_keeps_the_rows_holding_the_values() {
        let df = frame();
        let cols = vec!["name".to_string(), "service".to_string()];
        let keep = |rows: Vec<IdxSize>| -> Vec<i64> {
            let picked = IdxCa::from_vec("r".into(), rows);
            let f = values_filter(&df, &cols, &picked).unwrap();
            let out = df.clone().lazy().filter(f).collect().unwrap();
            out.column("n")
                .unwrap()
                .i64()
                .unwrap()
                .into_no_null_iter()
                .collect()
        };
        // DisableKey/Kms and null/Kms: every row with a name in {DisableKey, null} on Kms.
        assert_eq!(keep(vec![1, 3]), vec![2, 4, 5]);
        // Decrypt/Ecs: the value sets are {Decrypt} x {Ecs}.
        assert_eq!(keep(vec![2]), vec![3]);
        // Decrypt/Kms and Decrypt/Ecs keep both Decrypt rows (a superset is enough).
        assert_eq!(keep(vec![0, 2]), vec![1, 3]);
        assert!(keep(vec![]).is_empty());
    }
}
