//! What the generated record types (`User`, `File`, …) are made of beyond plain serde: relation
//! fields, and numbers some databases send as strings.

use serde::{Deserialize, Deserializer, Serialize};

/// A relational field: the related record's key, or the record itself when the query expands the
/// field (`fields=role.*`). Directus sends whichever was asked for, so both decode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Related<K, T> {
    /// The key, as Directus sends it without expansion.
    Key(K),
    /// The related record, expanded.
    Record(Box<T>),
}

impl<K, T> Related<K, T> {
    /// The key, when the field was not expanded.
    pub fn key(&self) -> Option<&K> {
        match self {
            Related::Key(k) => Some(k),
            Related::Record(_) => None,
        }
    }

    /// The related record, when the field was expanded.
    pub fn record(&self) -> Option<&T> {
        match self {
            Related::Key(_) => None,
            Related::Record(r) => Some(r),
        }
    }
}

/// An integer as a JSON number or, as PostgreSQL's `bigint` reaches Directus, a string of digits.
/// Used by every `integer` field of a record type.
pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    number_or_digits(d, "an integer")
}

/// A number of type `N` as JSON sends it, or as a string of digits; `what` names it in errors.
pub(crate) fn number_or_digits<'de, D, N>(d: D, what: &str) -> Result<Option<N>, D::Error>
where
    D: Deserializer<'de>,
    N: Deserialize<'de> + std::str::FromStr,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num<N> {
        Number(N),
        Text(String),
    }
    match Option::<Num<N>>::deserialize(d)? {
        None => Ok(None),
        Some(Num::Number(n)) => Ok(Some(n)),
        Some(Num::Text(t)) => t.parse().map(Some).map_err(|_| serde::de::Error::custom(format!("{what}, got {t:?}"))),
    }
}

/// [`integer`] for a list of integers.
pub fn integers<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    #[derive(Deserialize)]
    struct Int(#[serde(deserialize_with = "integer")] Option<i64>);
    let list = Option::<Vec<Int>>::deserialize(d)?;
    list.map(|l| l.into_iter().map(|Int(n)| n.ok_or_else(|| serde::de::Error::custom("an integer, got null"))).collect()).transpose()
}

/// A value Directus replaces with `false` when the feature it describes is off (`/server/info`'s
/// `rateLimit`, `websocket`): `false` and `null` read as `None`.
pub fn or_false<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OrFalse<T> {
        Off(bool),
        On(T),
    }
    match Option::<OrFalse<T>>::deserialize(d)? {
        None | Some(OrFalse::Off(false)) => Ok(None),
        Some(OrFalse::Off(true)) => Err(serde::de::Error::custom("`true` where a value or `false` was expected")),
        Some(OrFalse::On(v)) => Ok(Some(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Role {
        name: String,
    }

    #[derive(Debug, Deserialize)]
    struct Rec {
        #[serde(default, deserialize_with = "integer")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "integers")]
        ns: Option<Vec<i64>>,
        #[serde(default)]
        role: Option<Related<String, Role>>,
    }

    #[derive(Debug, Deserialize)]
    struct Info {
        #[serde(default, deserialize_with = "or_false")]
        limit: Option<Role>,
    }

    #[test]
    fn false_reads_as_none() {
        let off: Info = serde_json::from_str(r#"{"limit":false}"#).unwrap();
        assert!(off.limit.is_none());
        let on: Info = serde_json::from_str(r#"{"limit":{"name":"x"}}"#).unwrap();
        assert_eq!(on.limit, Some(Role { name: "x".into() }));
        assert!(serde_json::from_str::<Info>(r#"{"limit":true}"#).is_err());
        assert!(serde_json::from_str::<Info>(r#"{}"#).unwrap().limit.is_none());
    }

    #[test]
    fn integers_and_relations_decode_in_both_forms() {
        let r: Rec = serde_json::from_str(r#"{"n":"12","ns":[1,"2"],"role":"abc"}"#).unwrap();
        assert_eq!((r.n, r.ns), (Some(12), Some(vec![1, 2])));
        assert_eq!(r.role.unwrap().key().map(String::as_str), Some("abc"));
        let r: Rec = serde_json::from_str(r#"{"n":12,"role":{"name":"Admin"}}"#).unwrap();
        assert_eq!(r.n, Some(12));
        assert_eq!(r.role.unwrap().record(), Some(&Role { name: "Admin".into() }));
        let r: Rec = serde_json::from_str(r#"{"n":null}"#).unwrap();
        assert_eq!((r.n, r.ns.is_none(), r.role.is_none()), (None, true, true));
        let e = serde_json::from_str::<Rec>(r#"{"n":"12x"}"#).unwrap_err().to_string();
        assert!(e.contains("an integer, got \"12x\""), "{e}");
    }
}
