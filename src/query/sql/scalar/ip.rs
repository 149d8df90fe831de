//! IP functions: `ip_to_domain` (computed offline) and the GeoIP lookups `ip_to_country`,
//! `ip_to_country_code`, `ip_to_province`, `ip_to_city`, `ip_to_provider` and `ip_to_geo`
//! (answered by [`super::super::geo`] from the `--geoip` databases).

use polars::prelude::*;

use super::super::args::{Call, Varchar};
use super::super::errors::PResult;
use super::super::functions::Func;
use super::super::geo;
use super::super::types::Typed;
use super::super::udf::{self, row_udf, Out};
use super::{not_in_family, varchar};

pub(super) fn call(call: &mut Call) -> PResult<Typed> {
    match call.func {
        Func::IpToDomain => call.unary(|Varchar(ip)| {
            varchar(row_udf("ip_to_domain", vec![ip], DataType::String, |row| {
                Ok(udf::text(&row[0])
                    .map_or(Out::Null, |t| Out::Str(udf::ip_domain(t).to_string())))
            }))
        }),
        Func::IpToCountry
        | Func::IpToCountryCode
        | Func::IpToProvince
        | Func::IpToCity
        | Func::IpToProvider
        | Func::IpToGeo => {
            call.arity(1, 2)?;
            let Varchar(ip) = call.arg(0)?;
            let field = geo::field(call.c, call.func, call.name, call.args)?;
            Ok(varchar(geo::lookup(call.c, ip, field, call.name)))
        }
        _ => not_in_family(call, "IP"),
    }
}
