//! What planning a statement resolved: the stored columns it reads and where each output
//! column comes from, so that callers (detect) need not guess them from the SQL text.

/// Where an output column's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A stored event column, copied as it is (under an alias, through subqueries and CTEs,
    /// or as a GROUP BY key).
    Stored(String),
    /// Computed by an expression (its SQL text), or a JSON leaf of the `event` document.
    Computed(String),
}

impl Source {
    /// The stored column copied, if the output is one.
    pub fn stored(&self) -> Option<&str> {
        match self {
            Source::Stored(column) => Some(column),
            Source::Computed(_) => None,
        }
    }
}

/// One output column of a planned statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputColumn {
    /// Its name in the result frame.
    pub name: String,
    /// Where its values come from.
    pub source: Source,
}

/// What a statement reads and gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFacts {
    /// The stored columns of the events it reads, in the order they were first resolved (a
    /// JSON leaf reads `event`; `*` reads every column).
    pub columns_read: Vec<String>,
    /// Its output columns, in order.
    pub outputs: Vec<OutputColumn>,
}

impl PlanFacts {
    /// The output column named `name` (exactly, as the result frame names it).
    pub fn output(&self, name: &str) -> Option<&OutputColumn> {
        self.outputs.iter().find(|o| o.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sql::{parse, SqlContext};

    fn facts(sql: &str) -> PlanFacts {
        let ctx = SqlContext {
            zone: Default::default(),
            now: 0,
            geoip: None,
        };
        parse(sql).unwrap().facts(&ctx).unwrap()
    }

    fn sources(sql: &str) -> Vec<(String, Source)> {
        facts(sql)
            .outputs
            .into_iter()
            .map(|o| (o.name, o.source))
            .collect()
    }

    #[test]
    fn columns_read_are_the_resolved_names() {
        let f = facts(
            r#"select "event.sourceIpAddress" as ip, count(1) as n where "event.eventName" = 'event.userAgent' group by ip order by n"#,
        );
        assert_eq!(
            f.columns_read,
            vec!["event.eventName", "event.sourceIpAddress"]
        );
        let f = facts(r#"select "event.requestParameters.KeyId" as k, __time__ as t"#);
        assert_eq!(f.columns_read, vec!["event", "__time__"]);
        let f = facts("select count(1) as c from (select * from log)");
        assert_eq!(f.columns_read, crate::event::schema::columns());
        assert!(facts("select 1 as one").columns_read.is_empty());
    }

    #[test]
    fn outputs_name_the_stored_columns_they_copy() {
        let stored = |c: &str| Source::Stored(c.to_string());
        assert_eq!(
            sources(
                r#"select "event.sourceIpAddress" as ip, lower("event.userAgent") as ua, "event.eventName", "event.eventName" group by 1, 2, 3"#
            ),
            vec![
                ("ip".to_string(), stored("event.sourceIpAddress")),
                (
                    "ua".to_string(),
                    Source::Computed(r#"lower("event.userAgent")"#.to_string())
                ),
                ("event.eventName".to_string(), stored("event.eventName")),
                ("event.eventName_2".to_string(), stored("event.eventName")),
            ]
        );
        let through = sources(
            r#"with w as (select "event.eventName" as n from log) select t.n, (n) as m from (select n from w) t"#,
        );
        assert_eq!(
            through,
            vec![
                ("t.n".to_string(), stored("event.eventName")),
                ("m".to_string(), stored("event.eventName")),
            ]
        );
    }
}
