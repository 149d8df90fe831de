//! One event ready to store: the value of every column of [`COLUMNS`], its texts borrowed
//! (from the event's compact JSON and its envelope) where they can be, owned where normalizing
//! had to make them, and all of them owned in [`Row::into_owned`].

use std::borrow::Cow;

use chrono::DateTime;

use crate::event::schema::{text_index, TEXT_COLUMNS, TEXT_COLUMN_COUNT};

#[cfg(doc)]
use crate::event::schema::COLUMNS;

/// One normalized event: `__time__` and the text of every other column of [`COLUMNS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// `__time__`: unix seconds of the event.
    pub time: i64,
    /// The value of each of [`TEXT_COLUMNS`], in that order (`None` is NULL).
    pub texts: [Option<Cow<'a, str>>; TEXT_COLUMN_COUNT],
}

/// Where the compact JSON sits in [`Row::texts`].
const EVENT_TEXT: usize = text_index(crate::event::schema::EVENT);
/// Where the dedup key sits in [`Row::texts`].
const DEDUP_KEY_TEXT: usize = text_index(crate::event::schema::DEDUP_KEY);

impl Row<'_> {
    /// The text of the column `name` (exact spelling): `None` for NULL, and for a name that is
    /// not a text column.
    pub fn text(&self, name: &str) -> Option<&str> {
        let index = TEXT_COLUMNS.iter().position(|c| c.name == name)?;
        self.texts[index].as_deref()
    }

    /// `event`: the event as compact JSON.
    pub fn event_json(&self) -> &str {
        self.texts[EVENT_TEXT].as_deref().unwrap_or_default()
    }

    /// `keytrail.key`: the dedup key.
    pub fn dedup_key(&self) -> &str {
        self.texts[DEDUP_KEY_TEXT].as_deref().unwrap_or_default()
    }

    /// The UTC date (`YYYY-MM-DD`) of the event: its store partition.
    pub fn date(&self) -> String {
        date_of(self.time)
    }

    /// The same row owning its texts.
    pub fn into_owned(self) -> Row<'static> {
        Row {
            time: self.time,
            texts: self
                .texts
                .map(|text| text.map(|t| Cow::Owned(t.into_owned()))),
        }
    }
}

/// The UTC date (`YYYY-MM-DD`) of unix time `time`: the store partition of an event at that
/// time (`1970-01-01` when out of chrono's range; normalizing keeps event times within
/// [`crate::event::normalize::EARLIEST_TIME`]..=[`crate::event::normalize::LATEST_TIME`],
/// whose dates all have four-digit years).
pub fn date_of(time: i64) -> String {
    DateTime::from_timestamp(time, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "1970-01-01".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::schema::{EVENT, ORIGIN};

    #[test]
    fn texts_are_found_by_column_and_owned_on_demand() {
        let text = String::from(r#"{"eventName":"X"}"#);
        let mut texts: [Option<Cow<str>>; TEXT_COLUMN_COUNT] = std::array::from_fn(|_| None);
        texts[text_index(EVENT)] = Some(Cow::Borrowed(&text));
        texts[text_index(ORIGIN)] = Some(Cow::Borrowed("f#1"));
        let row = Row {
            time: 86_400,
            texts,
        };
        assert_eq!(row.event_json(), text);
        assert_eq!(row.text(ORIGIN), Some("f#1"));
        assert_eq!((row.text("__time__"), row.dedup_key()), (None, ""));
        assert_eq!(row.date(), "1970-01-02");
        let owned = row.into_owned();
        drop(text);
        assert_eq!(owned.text(ORIGIN), Some("f#1"));
        assert_eq!(owned.text(EVENT), Some(r#"{"eventName":"X"}"#));
    }
}
