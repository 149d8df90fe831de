//! The SLS GeoIP functions (`ip_to_country`, `ip_to_country_code`, `ip_to_province`,
//! `ip_to_city`, `ip_to_provider`, `ip_to_geo`) on the run's `--geoip` databases: each call is
//! one column function that looks every distinct value up once (a cache shared by the batches
//! of the query) and maps the answers back onto the rows. The planner notes name every
//! database a function read, with its provenance, or say how to add one.

use std::sync::{Arc, Mutex};

use polars::prelude::*;
use sqlparser::ast;

use super::args::literal_text;
use super::errors::{at, PResult};
use super::expr::Compiler;
use super::functions::Func;
use crate::geoip::{self, Field as GeoField, GeoIp, Lang};

/// Distinct values kept by one function's cache before it starts afresh.
const CACHE_LIMIT: usize = 1 << 20;

/// Longer values are not IP addresses (the longest IPv6 text is 45 bytes): NULL at once, never
/// cached, so hostile text cannot fill the cache.
const LONGEST_IP: usize = 64;

/// What a call asks for: the function and its optional language argument (`'en'`, as SLS:
/// the code for countries and provinces, the English name for cities).
pub fn field(c: &Compiler, func: Func, name: &str, args: &[&ast::Expr]) -> PResult<GeoField> {
    let lang = c.env.geoip.map(|g| g.lang).unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let variant =
        match args.get(1) {
            None => None,
            Some(x) => {
                let text = literal_text(x).ok_or_else(|| {
                    at(
                        *x,
                        format!("{lower}: the second argument must be the literal 'en'"),
                    )
                })?;
                Some(Lang::parse(&text).map_err(|_| {
                    at(*x, format!("{lower}: unknown language '{text}' (use 'en')"))
                })?)
            }
        };
    let with_lang = matches!(
        func,
        Func::IpToCountry | Func::IpToProvince | Func::IpToCity
    );
    if let (Some(x), false) = (args.get(1), with_lang) {
        return Err(at(*x, format!("{lower} expects 1 argument, got 2")));
    }
    Ok(match (func, variant) {
        (Func::IpToCountry, Some(Lang::En)) => GeoField::CountryCode,
        (Func::IpToCountry, v) => GeoField::CountryName(v.unwrap_or(lang)),
        (Func::IpToProvince, Some(Lang::En)) => GeoField::ProvinceCode,
        (Func::IpToProvince, v) => GeoField::Province(v.unwrap_or(lang)),
        (Func::IpToCity, v) => GeoField::City(v.unwrap_or(lang)),
        (Func::IpToProvider, _) => GeoField::Provider,
        (Func::IpToGeo, _) => GeoField::Geo,
        _ => GeoField::CountryCode,
    })
}

/// The polars form of a call on `ip`, with its notes: NULL (and how to add a database) when no
/// database can answer, else the cached column lookup.
pub fn lookup(c: &Compiler, ip: Expr, field: GeoField, name: &str) -> Expr {
    let lower = name.to_ascii_lowercase();
    let null = lit(NULL).cast(DataType::String);
    let Some(geo) = c.env.geoip else {
        c.env.note(&format!(
            "{lower} returns NULL: no GeoIP database given; {}",
            geoip::HOW_TO_ADD
        ));
        return null;
    };
    let answering = geo.answering(field);
    if answering.is_empty() {
        let files: Vec<&str> = geo
            .databases
            .iter()
            .map(|d| d.provenance.file.as_str())
            .collect();
        c.env.note(&format!(
            "{lower} returns NULL: no GeoIP database given holds {} ({}); {}",
            field_word(field),
            files.join(", "),
            geoip::HOW_TO_ADD
        ));
        return null;
    }
    let files: Vec<&str> = answering
        .iter()
        .map(|d| d.provenance.file.as_str())
        .collect();
    c.env
        .note(&format!("{lower} looked up in {}", files.join(", then ")));
    for db in answering {
        c.env.note(&db.provenance.line());
    }
    cached_lookup(ip, geo, field, lower)
}

fn field_word(field: GeoField) -> &'static str {
    match field.needs() {
        geoip::Capability::Country => "countries",
        geoip::Capability::Province => "provinces",
        geoip::Capability::City => "cities",
        geoip::Capability::Geo => "coordinates",
        geoip::Capability::Provider => "ASN organisations (use an ASN database)",
    }
}

/// A column function: each distinct value is looked up once, then every row takes its answer.
fn cached_lookup(ip: Expr, geo: &'static GeoIp, field: GeoField, name: String) -> Expr {
    let cache: Arc<Mutex<PlHashMap<String, Option<String>>>> = Arc::default();
    ip.map(
        move |column: Column| {
            let values = column.as_materialized_series().str()?;
            let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.len() > CACHE_LIMIT {
                cache.clear();
            }
            // One pass, one hash lookup per row: a value seen before takes its cached answer.
            let mut answers = StringChunkedBuilder::new(column.name().clone(), values.len());
            for value in values.iter() {
                let Some(value) = value.filter(|v| v.len() <= LONGEST_IP) else {
                    answers.append_null();
                    continue;
                };
                if let Some(answer) = cache.get(value) {
                    answers.append_option(answer.as_deref());
                    continue;
                }
                let answer = geo
                    .lookup(value, field)
                    .map_err(|m| polars_err!(ComputeError: "{name}: {m}"))?;
                answers.append_option(answer.as_deref());
                cache.insert(value.to_string(), answer);
            }
            Ok(answers.finish().into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}
