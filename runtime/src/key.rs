//! An item's primary key. Directus keys are integers (auto-increment), UUIDs or any string the
//! collection's creator chose, so every method that takes a key takes `impl Into<Key>`: `5`,
//! `"3f2a…"`, a `String`, or the `id` of a reply read as `serde_json::Value`, and every batch
//! takes any list of them.

use serde::Serialize;
use serde_json::Value;

/// A primary key: an integer or a string. In a path it is its text; in a JSON body, a number or
/// a string as given.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Key {
    Int(i64),
    Str(String),
    /// A JSON value that cannot be a key (`null`, a float, a boolean, an object, an array): what
    /// `item["id"]` gives when the reply has no `id`. Kept, not turned into its text, so the
    /// request that uses it fails before it is sent instead of addressing the item `null`.
    #[doc(hidden)]
    NotAKey(String),
}

impl Key {
    /// Why this is no key, for a [`Key::NotAKey`]: the error a request that uses it fails with.
    pub(crate) fn problem(&self) -> Option<String> {
        match self {
            Key::NotAKey(json) => Some(format!(
                "`{json}` is not a key: Directus keys are integers or strings. A reply's `id` is `null` or missing \
                 when it was not asked for: add it to the call's fields (`.fields([\"id\"])`)"
            )),
            _ => None,
        }
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Key::Int(n) => serializer.serialize_i64(*n),
            Key::Str(s) => serializer.serialize_str(s),
            Key::NotAKey(_) => Err(serde::ser::Error::custom(self.problem().unwrap_or_default())),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Int(n) => write!(f, "{n}"),
            Key::Str(s) | Key::NotAKey(s) => f.write_str(s),
        }
    }
}

macro_rules! int_keys {
    ($($t:ty),*) => {$(
        impl From<$t> for Key {
            fn from(n: $t) -> Self {
                Key::Int(n.into())
            }
        }
        impl From<&$t> for Key {
            fn from(n: &$t) -> Self {
                Key::Int((*n).into())
            }
        }
    )*};
}
int_keys!(i64, i32, u32, i16, u16, u8, i8);

/// Unsigned sizes: an integer key while it fits in an `i64`, the digits as text beyond (as
/// PostgreSQL's big integers arrive).
macro_rules! wide_keys {
    ($($t:ty),*) => {$(
        impl From<$t> for Key {
            fn from(n: $t) -> Self {
                i64::try_from(n).map_or_else(|_| Key::Str(n.to_string()), Key::Int)
            }
        }
        impl From<&$t> for Key {
            fn from(n: &$t) -> Self {
                Key::from(*n)
            }
        }
    )*};
}
wide_keys!(u64, usize);

/// A key as a reply or a file holds it: a JSON integer or string (anything else is no key).
impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match Key::from(value) {
            Key::NotAKey(json) => Err(serde::de::Error::custom(format!("`{json}` is not a key: Directus keys are integers or strings"))),
            key => Ok(key),
        }
    }
}

impl From<crate::BigInt> for Key {
    fn from(n: crate::BigInt) -> Self {
        Key::Int(n.0)
    }
}

impl From<&crate::BigInt> for Key {
    fn from(n: &crate::BigInt) -> Self {
        Key::Int(n.0)
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::Str(s.to_owned())
    }
}

impl From<&&str> for Key {
    fn from(s: &&str) -> Self {
        Key::Str((*s).to_owned())
    }
}

impl From<String> for Key {
    fn from(s: String) -> Self {
        Key::Str(s)
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Self {
        Key::Str(s.clone())
    }
}

impl From<&Key> for Key {
    fn from(k: &Key) -> Self {
        k.clone()
    }
}

/// A key as a reply holds it (`item["id"]`): an integer stays one, a string stays one; anything
/// else (`null`, a float, an object, none of which Directus uses as keys) is no key, and a request
/// that uses it fails as [`Error::InvalidInput`](crate::Error::InvalidInput) without being sent.
impl From<&Value> for Key {
    fn from(v: &Value) -> Self {
        match v {
            Value::Number(n) if n.is_i64() => Key::Int(n.as_i64().unwrap_or_default()),
            Value::String(s) => Key::Str(s.clone()),
            other => Key::NotAKey(other.to_string()),
        }
    }
}

impl From<Value> for Key {
    fn from(v: Value) -> Self {
        match v {
            Value::String(s) => Key::Str(s),
            other => Key::from(&other),
        }
    }
}

impl crate::query::QueryValue for Key {
    fn to_query(&self) -> String {
        self.to_string()
    }
}

/// Keys as a JSON array, for a batch body.
pub fn keys<K: Into<Key>>(keys: impl IntoIterator<Item = K>) -> Vec<Key> {
    keys.into_iter().map(Into::into).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_keep_their_kind_in_json_and_are_text_in_paths() {
        assert_eq!(serde_json::to_value(keys([1, 2])).unwrap(), json!([1, 2]));
        assert_eq!(serde_json::to_value(keys(["a", "b"])).unwrap(), json!(["a", "b"]));
        assert_eq!(serde_json::to_value(keys(&[json!(7), json!("x")])).unwrap(), json!([7, "x"]));
        assert_eq!(Key::from(42).to_string(), "42");
        assert_eq!(Key::from(&json!("3f2a")).to_string(), "3f2a");
    }

    #[test]
    fn sizes_and_stored_keys_become_keys() {
        assert_eq!(Key::from(7usize), Key::Int(7));
        assert_eq!(Key::from(u64::MAX), Key::Str("18446744073709551615".into()));
        assert_eq!(serde_json::from_value::<Vec<Key>>(json!([3, "a"])).unwrap(), vec![Key::Int(3), Key::Str("a".into())]);
        assert!(serde_json::from_value::<Key>(json!(null)).is_err());
        assert!(serde_json::from_value::<Key>(json!(1.5)).is_err());
    }

    #[test]
    fn a_reply_value_that_is_no_key_fails_the_request_unsent() {
        let op = &crate::Operation { id: "items.update", ..crate::Operation::BASE };
        for bad in [json!(null), json!(1.5), json!(true), json!({"id": 1}), json!([1])] {
            // As an item's key in the path: refused with the reason, nothing filled in.
            let req = crate::Request::new(op).key("id", &bad);
            let why = req.invalid.as_deref().unwrap_or_default();
            assert!(why.contains("is not a key") && why.contains("`id`"), "{bad}: {why:?}");
            assert!(req.path_params.is_empty(), "{bad}: the path was filled");
            // In a batch: the body cannot be written, so the request is refused too.
            let batch = crate::Request::new(op).field("keys", keys([json!(1), bad.clone()]));
            assert!(batch.invalid.as_deref().is_some_and(|m| m.contains("is not a key")), "{bad}: {:?}", batch.invalid);
        }
        assert!(crate::Request::new(op).key("id", json!(7)).invalid.is_none());
        assert!(crate::Request::new(op).key("id", json!("3f2a")).invalid.is_none());
    }
}
