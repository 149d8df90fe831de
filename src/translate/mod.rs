//! Translation of SLS statements (`search | SQL`) and of the store's layout to the SQL of a
//! cluster engine (Spark SQL, Trino/Athena), so the same question runs where the data is too
//! large for one machine. Every construct is mapped faithfully or refused with a message naming
//! it and its position; nothing is approximated in silence.
//!
//! One job per file: [`dialect`] (quoting, literals, settings per engine), [`search`] (the
//! search part to a WHERE predicate with SLS token semantics), [`sql`] (the SQL part rewritten
//! from keytrail's sqlparser AST), [`functions`] (the SLS function map), [`ddl`] (the DDL that
//! registers a store).

pub mod ddl;
pub mod dialect;
pub mod functions;
pub mod search;
pub mod sql;

pub use dialect::Dialect;

use crate::time::TimeRange;

/// The table name the translation reads by default.
pub const DEFAULT_TABLE: &str = "keytrail_events";

/// The store's partition column (the UTC day of `eventTime`, `YYYY-MM-DD`).
pub const PARTITION_COLUMN: &str = "date";

/// What a translation needs besides the statement.
#[derive(Debug, Clone)]
pub struct Options {
    /// The target engine.
    pub dialect: Dialect,
    /// The table holding the store (`--table`).
    pub table: String,
    /// The session time zone as the engine spells it (`+08:00`, `Asia/Shanghai`, `UTC`).
    pub zone: String,
    /// The `[from, to)` range on `__time__`.
    pub range: TimeRange,
}

/// A translated statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// Session settings, one statement each (`SET ...`), to run before the query.
    pub settings: Vec<String>,
    /// The query: one statement, without a trailing `;`.
    pub query: String,
    /// Where the engine's answer can differ from keytrail's in edge cases, one line each.
    pub notes: Vec<String>,
}

impl Translation {
    /// The whole script: notes as `--` comments, the settings, then the query, each ending in `;`.
    pub fn script(&self) -> String {
        let mut out = String::new();
        for note in &self.notes {
            out.push_str("-- note: ");
            out.push_str(note);
            out.push('\n');
        }
        for s in &self.settings {
            out.push_str(s);
            out.push_str(";\n");
        }
        out.push_str(&self.query);
        out.push_str(";\n");
        out
    }
}

/// Why a statement was not translated: the construct, and where it is in the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Byte offset into the full statement.
    pub position: usize,
    /// What cannot be translated, and why.
    pub message: String,
}

impl Refusal {
    /// A refusal at `position`.
    pub fn new(position: usize, message: impl Into<String>) -> Refusal {
        Refusal {
            position,
            message: message.into(),
        }
    }
}

/// Translates a full SLS statement (`search` or `search | SQL`) for `opts.dialect`.
pub fn translate(text: &str, opts: &Options) -> Result<Translation, Refusal> {
    let statement = crate::query::split(text);
    let parsed = crate::query::search::parse(statement.search)
        .map_err(|e| Refusal::new(statement.search_offset + e.position, e.message))?;
    let mut notes = Vec::new();
    let mut filter = search::predicate(&parsed, opts.dialect, &mut notes);
    if let Some(range) = search::time_range(&opts.range, opts.dialect) {
        filter = if filter == "TRUE" {
            range
        } else {
            format!("({filter}) AND {range}")
        };
    }
    let query = match statement.sql {
        None => search::raw_logs_query(&filter, opts),
        Some(sql_text) => sql::translate(sql_text, &filter, opts, &mut notes)
            .map_err(|r| Refusal::new(statement.sql_offset + r.position, r.message))?,
    };
    notes.dedup();
    Ok(Translation {
        settings: opts.dialect.settings(&opts.zone),
        query,
        notes,
    })
}
