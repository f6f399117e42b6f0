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

/// A nullable field of a generated model: absent (`None`, not in the reply or not to be written)
/// is not the same as `null` (`Some(None)`). Serde reads both as `None` by itself; this keeps
/// `null` apart, so a patch can clear a field.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A `bigInteger` field: PostgreSQL's `bigint` reaches Directus (and the client) as a string of
/// digits, SQLite's and MySQL's as a number; both read into an `i64`, which is written back as a
/// number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct BigInt(pub i64);

impl<'de> Deserialize<'de> for BigInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_digits(d, "an integer")?.map(BigInt).ok_or_else(|| serde::de::Error::custom("an integer, got null"))
    }
}

impl From<i64> for BigInt {
    fn from(n: i64) -> Self {
        BigInt(n)
    }
}

/// A `decimal` field, kept as its decimal text so no digit is lost: never an `f64`, which cannot
/// hold 0.1 or more than about 15 digits. PostgreSQL's `numeric` reaches the client as a string
/// and is kept as sent; a database without a decimal column (SQLite stores a float) sends a JSON
/// number, kept as its shortest text. Written back as the string, which Directus parses itself.
/// Two values are equal when their text is (`"1.50"` is not `"1.5"`). For arithmetic, parse
/// [`Decimal::as_str`] with a decimal crate such as `rust_decimal`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal's text, e.g. `"-12.50"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What [`Decimal`]'s `FromStr` refuses: anything but an optional `-`, digits and at most one
/// `.` followed by digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDecimalError(String);

impl std::fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a decimal number (digits with an optional `-` and one `.`, e.g. \"-12.50\")", self.0)
    }
}

impl std::error::Error for ParseDecimalError {}

impl std::str::FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if all_digits(whole) && all_digits(fraction) {
            Ok(Decimal(s.to_owned()))
        } else {
            Err(ParseDecimalError(s.to_owned()))
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Int(i64),
            Float(f64),
            Text(String),
        }
        match Wire::deserialize(d)? {
            Wire::Int(n) => Ok(Decimal(n.to_string())),
            // Rust prints the shortest text that reads back as the same float, never an exponent.
            Wire::Float(x) if x.is_finite() => Ok(Decimal(x.to_string())),
            Wire::Float(x) => Err(serde::de::Error::custom(format!("a decimal number, got {x}"))),
            Wire::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// A `geometry` field (any of its subtypes: `geometry.Point`, `geometry.Polygon`, …) as the GeoJSON
/// geometry object Directus sends, e.g. `{"type": "Point", "coordinates": [2.35, 48.85]}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Geometry(pub serde_json::Value);

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

    #[test]
    fn decimals_keep_their_digits_and_refuse_other_text() {
        let d: Decimal = serde_json::from_str(r#""12345678901234567890.12""#).unwrap();
        assert_eq!(d.as_str(), "12345678901234567890.12");
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""12345678901234567890.12""#);
        let d: Decimal = serde_json::from_str("1234.56").unwrap();
        assert_eq!(d.as_str(), "1234.56");
        let d: Decimal = serde_json::from_str("7").unwrap();
        assert_eq!(d.as_str(), "7");
        assert!(serde_json::from_str::<Decimal>(r#""1e5""#).is_err());
        assert!("-.5".parse::<Decimal>().is_err());
        assert_eq!("-0.50".parse::<Decimal>().unwrap().to_string(), "-0.50");
        let b: BigInt = serde_json::from_str(r#""9223372036854775807""#).unwrap();
        assert_eq!(b, BigInt(i64::MAX));
        assert_eq!(serde_json::from_str::<BigInt>("42").unwrap(), BigInt(42));
    }

    #[test]
    fn nullable_keeps_null_apart_from_absent() {
        #[derive(Deserialize)]
        struct N {
            #[serde(default, deserialize_with = "nullable")]
            a: Option<Option<i64>>,
        }
        assert_eq!(serde_json::from_str::<N>("{}").unwrap().a, None);
        assert_eq!(serde_json::from_str::<N>(r#"{"a":null}"#).unwrap().a, Some(None));
        assert_eq!(serde_json::from_str::<N>(r#"{"a":3}"#).unwrap().a, Some(Some(3)));
    }
}
