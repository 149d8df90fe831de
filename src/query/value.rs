//! The values of result cells outside polars: a cell's text (as tables, CSV and entity keys
//! hold it) and its JSON value. Shared by the detection engine and the writers, so neither
//! reaches into the other.

use polars::prelude::*;
use serde_json::Value;

/// The text of one cell: NULL as the empty text, lists as JSON.
pub fn text(value: &AnyValue) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::List(_) => json(value).to_string(),
        other => {
            let text = other.to_string();
            text.trim_matches('"').to_string()
        }
    }
}

/// The JSON value of one cell.
pub fn json(v: &AnyValue) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String((*s).to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(n) => Value::from(*n),
        AnyValue::Int16(n) => Value::from(*n),
        AnyValue::Int32(n) => Value::from(*n),
        AnyValue::Int64(n) => Value::from(*n),
        AnyValue::UInt8(n) => Value::from(*n),
        AnyValue::UInt16(n) => Value::from(*n),
        AnyValue::UInt32(n) => Value::from(*n),
        AnyValue::UInt64(n) => Value::from(*n),
        AnyValue::Float32(n) => Value::from(*n),
        AnyValue::Float64(n) => Value::from(*n),
        AnyValue::List(series) => Value::Array(series.iter().map(|x| json(&x)).collect()),
        other => Value::String(other.to_string().trim_matches('"').to_string()),
    }
}

/// The text of a JSON value as a cell shows it: a string as itself, NULL as the empty text,
/// anything else as JSON.
pub fn json_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_text_and_json() {
        assert_eq!(text(&AnyValue::Null), "");
        assert_eq!(text(&AnyValue::String("a\"b")), "a\"b");
        assert_eq!(text(&AnyValue::Int64(-3)), "-3");
        assert_eq!(json(&AnyValue::Int64(-3)), Value::from(-3));
        assert_eq!(
            json_text(&json(&AnyValue::Int64(7))),
            text(&AnyValue::Int64(7))
        );
        assert_eq!(json_text(&Value::Null), "");
        assert_eq!(json_text(&Value::from("x")), "x");
    }
}
