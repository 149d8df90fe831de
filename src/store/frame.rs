//! Builds a polars [`DataFrame`] with the store's columns from normalized [`EventRow`]s: the
//! in-memory form of a batch of events, used by readers that query archives without a store.

use polars::prelude::*;

use crate::event::normalize::EventRow;
use crate::event::schema::{
    self, DEDUP_KEY, EVENT, INSIGHT, KMS_KEY_ID, ORIGIN, TIME, TOPIC, TOP_LEVEL_SCALARS,
    USER_IDENTITY_LEAVES,
};

/// One DataFrame holding `rows`, with every column of [`schema::columns`] in store order:
/// `__time__` as Int64, every other column as String (nullable).
pub fn rows_to_dataframe(rows: &[EventRow]) -> PolarsResult<DataFrame> {
    let text = |name: &str, f: &dyn Fn(&EventRow) -> Option<&str>| -> Column {
        let values: Vec<Option<&str>> = rows.iter().map(f).collect();
        Column::new(name.into(), values)
    };
    let mut columns = vec![
        Column::new(
            TIME.into(),
            rows.iter().map(|r| r.time).collect::<Vec<i64>>(),
        ),
        text(TOPIC, &|r| Some(r.topic.as_str())),
        text(EVENT, &|r| Some(r.event_json.as_str())),
    ];
    for (i, field) in TOP_LEVEL_SCALARS.iter().enumerate() {
        columns.push(text(&format!("event.{field}"), &|r| {
            r.scalars[i].as_deref()
        }));
    }
    for (i, leaf) in USER_IDENTITY_LEAVES.iter().enumerate() {
        columns.push(text(&format!("event.userIdentity.{leaf}"), &|r| {
            r.identity[i].as_deref()
        }));
    }
    columns.push(text(KMS_KEY_ID, &|r| r.kms_key_id.as_deref()));
    columns.push(text(DEDUP_KEY, &|r| Some(r.dedup_key.as_str())));
    columns.push(text(INSIGHT, &|r| {
        Some(if r.insight { "true" } else { "false" })
    }));
    columns.push(text(ORIGIN, &|r| Some(r.origin.as_str())));
    debug_assert_eq!(columns.len(), schema::columns().len());
    DataFrame::new(rows.len(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::normalize::{normalize, Envelope};
    use serde_json::json;

    #[test]
    fn frame_has_store_columns_in_order() {
        let row = normalize(
            json!({"eventId": "E1", "eventName": "Decrypt", "eventTime": "2024-01-01T00:00:00Z"}),
            &Envelope::default(),
        )
        .unwrap();
        let df = rows_to_dataframe(&[row]).unwrap();
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(names, schema::columns());
        assert_eq!(
            df.column(TIME).unwrap().i64().unwrap().get(0),
            Some(1704067200)
        );
        assert_eq!(
            df.column("event.eventName").unwrap().str().unwrap().get(0),
            Some("Decrypt")
        );
        assert_eq!(
            df.column("event.errorCode").unwrap().str().unwrap().get(0),
            None
        );
    }
}
