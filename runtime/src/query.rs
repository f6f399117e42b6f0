//! How values become query-string text, the way Directus (and @directus/sdk) expect them:
//! lists comma-joined, objects as JSON, scalars as themselves.

use serde_json::Value;

/// A value that can stand in a query string.
pub trait QueryValue {
    fn to_query(&self) -> String;
}

impl QueryValue for str {
    fn to_query(&self) -> String {
        self.to_owned()
    }
}

impl QueryValue for String {
    fn to_query(&self) -> String {
        self.clone()
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(i32, i64, u32, u64, f64, bool);

impl<T: QueryValue> QueryValue for [T] {
    fn to_query(&self) -> String {
        self.iter().map(QueryValue::to_query).collect::<Vec<_>>().join(",")
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn to_query(&self) -> String {
        self.as_slice().to_query()
    }
}

impl QueryValue for Value {
    fn to_query(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
                items.iter().map(QueryValue::to_query).collect::<Vec<_>>().join(",")
            }
            other => other.to_string(),
        }
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encodes_like_the_sdk() {
        assert_eq!(vec!["id".to_string(), "title".into()].to_query(), "id,title");
        assert_eq!(json!({"title": {"_contains": "Sec"}}).to_query(), r#"{"title":{"_contains":"Sec"}}"#);
        assert_eq!(json!(["a", 1]).to_query(), "a,1");
        assert_eq!(json!("x").to_query(), "x");
        assert_eq!(10i64.to_query(), "10");
        assert_eq!(true.to_query(), "true");
    }
}
