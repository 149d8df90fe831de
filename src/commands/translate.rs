//! `keytrail translate` and `keytrail export-sql`: an SLS statement as Spark/Trino SQL, and the
//! DDL registering a store, printed to stdout.

use std::io::Write;

use keytrail::time::TimeRange;
use keytrail::translate::{self, ddl, dialect, Dialect, Options};
use keytrail::{Error, Result};

use super::io_err;
use crate::cli::{ExportSqlArgs, TimeArgs, TranslateArgs};

/// Translates the statement, or fails with the refusal's message and position (exit 2).
pub fn run_translate(args: TranslateArgs) -> Result<i32> {
    let engine = Dialect::parse(&args.engine).map_err(Error::Usage)?;
    if !dialect::safe_name(&args.table) {
        return Err(Error::Usage(
            "--table must not hold control or format characters".into(),
        ));
    }
    let time = super::query::resolve_time(&TimeArgs {
        from: args.from.clone(),
        to: args.until.clone(),
        tz: args.tz.clone(),
    })?;
    let opts = Options {
        dialect: engine,
        table: args.table.clone(),
        zone: dialect::zone_name(&time.zone),
        range: TimeRange {
            from: time.range.from,
            to: time.range.to,
        },
    };
    let translation = translate::translate(&args.query, &opts).map_err(|r| Error::Query {
        query: args.query.clone(),
        position: r.position,
        message: format!("cannot translate to {}: {}", engine.name(), r.message),
    })?;
    let mut out = std::io::stdout().lock();
    out.write_all(translation.script().as_bytes())
        .map_err(io_err)?;
    Ok(0)
}

/// Prints the DDL for the store at `--location`.
pub fn run_export(args: ExportSqlArgs) -> Result<i32> {
    let target = ddl::Target::parse(&args.engine).map_err(Error::Usage)?;
    if !dialect::safe_name(&args.table) {
        return Err(Error::Usage(
            "--table must not hold control or format characters".into(),
        ));
    }
    let text = ddl::ddl(target, &args.location, &args.table).map_err(Error::Usage)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(io_err)?;
    Ok(0)
}
