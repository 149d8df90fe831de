//! The store's columns as a polars [`DataFrame`] held in memory, built from normalized
//! [`Row`]s: the empty frame a scan of no files gives (and a detection rule is checked
//! against), and the frame of a few rows that tests query without writing a store.

use polars::prelude::*;

use crate::event::row::Row;
use crate::event::schema::{Kind, COLUMNS};

/// One DataFrame holding `rows`, with every column of [`COLUMNS`] in store order: `__time__`
/// as Int64, every other column as String (nullable).
pub fn rows_to_dataframe(rows: &[Row]) -> PolarsResult<DataFrame> {
    let mut texts = 0;
    let columns = COLUMNS
        .iter()
        .map(|column| match column.kind {
            Kind::Time => {
                let times: Vec<i64> = rows.iter().map(|r| r.time).collect();
                Column::new(column.name.into(), times)
            }
            _ => {
                let at = texts;
                texts += 1;
                let values: Vec<Option<&str>> =
                    rows.iter().map(|r| r.texts[at].as_deref()).collect();
                Column::new(column.name.into(), values)
            }
        })
        .collect();
    DataFrame::new(rows.len(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::normalize::{normalize, Envelope};
    use crate::event::schema::{self, TIME};
    use serde_json::json;

    #[test]
    fn frame_has_store_columns_in_order() {
        let event =
            json!({"eventId": "E1", "eventName": "Decrypt", "eventTime": "2024-01-01T00:00:00Z"});
        let envelope = Envelope::default();
        let mut scratch = Vec::new();
        let row = normalize(event.to_string().as_bytes(), &envelope, &mut scratch).unwrap();
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
