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
