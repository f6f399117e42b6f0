//! An item's primary key. Directus keys are integers (auto-increment), UUIDs or any string the
//! collection's creator chose, so every method that takes a key takes `impl Into<Key>`: `5`,
//! `"3f2a…"`, a `String`, or the `id` of a reply read as `serde_json::Value`, and every batch
//! takes any list of them.

use serde::Serialize;
use serde_json::Value;

/// A primary key: an integer or a string. In a path it is its text; in a JSON body, a number or
/// a string as given.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Key {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Int(n) => write!(f, "{n}"),
            Key::Str(s) => f.write_str(s),
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
int_keys!(i64, i32, u32, i16, u16, u8);

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
/// else (a float, `null`, an object, none of which Directus uses as keys) becomes its JSON text,
/// which the server then refuses as no such item.
impl From<&Value> for Key {
    fn from(v: &Value) -> Self {
        match v {
            Value::Number(n) if n.is_i64() => Key::Int(n.as_i64().unwrap_or_default()),
            Value::String(s) => Key::Str(s.clone()),
            other => Key::Str(other.to_string()),
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
        assert_eq!(Key::from(&json!(1.5)), Key::Str("1.5".into()));
    }
}
