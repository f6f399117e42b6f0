//! What the models `generator models` writes from a project's schema implement, so typed access
//! (`client.collection::<Articles>()`) can be one generic layer over the items operations instead
//! of a copy of them per collection: the collection's name and its primary key's type.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A record of a user collection that holds many items.
pub trait Item: Serialize + DeserializeOwned + Send + 'static {
    /// The collection's name on the server (`/items/{collection}`).
    const COLLECTION: &'static str;
    /// The primary key field's name.
    const PRIMARY_KEY: &'static str;
    /// The primary key's type: `i64` for integer keys, `String` for UUIDs and strings.
    type Key: Clone + Into<crate::Key> + Serialize + DeserializeOwned + Send + 'static;
    /// The record's key, when the reply held it (a `fields=` selection may leave it out).
    fn key(&self) -> Option<&Self::Key>;
}

/// The one record of a singleton collection: read and updated at `/items/{collection}` without
/// a key, never listed.
pub trait Singleton: Serialize + DeserializeOwned + Send + 'static {
    /// The collection's name on the server.
    const COLLECTION: &'static str;
}

/// A field of a generated model (`ArticlesField::Title`), so `fields` and filters name only fields
/// the schema has: `ArticlesField::Status.equals("published")` is
/// `{"status": {"_eq": "published"}}`, ready for `Query::filter`. Combine with [`all_of`] and
/// [`any_of`]. Values are anything serde writes; one serde_json cannot hold (a map with non-string
/// keys) is sent as `null`.
pub trait FieldName: Copy {
    /// The field's name on the server.
    fn name(self) -> &'static str;

    /// `_eq`: the field equals `value`.
    fn equals(self, value: impl Serialize) -> serde_json::Value {
        condition(self.name(), "_eq", value)
    }
    /// `_neq`: the field does not equal `value`.
    fn not_equals(self, value: impl Serialize) -> serde_json::Value {
        condition(self.name(), "_neq", value)
    }
    /// `_lt`.
    fn less_than(self, value: impl Serialize) -> serde_json::Value {
        condition(self.name(), "_lt", value)
    }
    /// `_lte`.
    fn at_most(self, value: impl Serialize) -> serde_json::Value {
        condition(self.name(), "_lte", value)
    }
    /// `_gt`.
    fn greater_than(self, value: impl Serialize) -> serde_json::Value {
        condition(self.name(), "_gt", value)
    }
    /// `_gte`.
    fn at_least(self, value: impl Serialize) -> serde_json::Value {
        condition(self.name(), "_gte", value)
    }
    /// `_in`: the field is one of `values`.
    fn one_of<V: Serialize>(self, values: impl IntoIterator<Item = V>) -> serde_json::Value {
        condition(self.name(), "_in", values.into_iter().collect::<Vec<V>>())
    }
    /// `_contains`: the field's text contains `text`.
    fn contains(self, text: &str) -> serde_json::Value {
        condition(self.name(), "_contains", text)
    }
    /// `_null`: the field is null.
    fn is_null(self) -> serde_json::Value {
        condition(self.name(), "_null", true)
    }
    /// `_nnull`: the field is not null.
    fn is_not_null(self) -> serde_json::Value {
        condition(self.name(), "_nnull", true)
    }
}

fn condition(field: &str, op: &str, value: impl Serialize) -> serde_json::Value {
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    serde_json::json!({ field: { op: value } })
}

/// `_and`: every filter holds.
pub fn all_of(filters: impl IntoIterator<Item = serde_json::Value>) -> serde_json::Value {
    serde_json::json!({ "_and": filters.into_iter().collect::<Vec<_>>() })
}

/// `_or`: at least one filter holds.
pub fn any_of(filters: impl IntoIterator<Item = serde_json::Value>) -> serde_json::Value {
    serde_json::json!({ "_or": filters.into_iter().collect::<Vec<_>>() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Clone, Copy)]
    struct Status;
    impl FieldName for Status {
        fn name(self) -> &'static str {
            "status"
        }
    }

    #[test]
    fn filters_are_directus_filter_objects() {
        assert_eq!(Status.equals("draft"), json!({"status": {"_eq": "draft"}}));
        assert_eq!(Status.one_of(["a", "b"]), json!({"status": {"_in": ["a", "b"]}}));
        assert_eq!(Status.is_null(), json!({"status": {"_null": true}}));
        assert_eq!(
            all_of([Status.not_equals("x"), any_of([Status.at_least(1), Status.contains("y")])]),
            json!({"_and": [{"status": {"_neq": "x"}}, {"_or": [{"status": {"_gte": 1}}, {"status": {"_contains": "y"}}]}]})
        );
    }
}
