//! What every generated enum of string values has: an input's `values` (`Fit`, sent) and a
//! record field's `values` (`UserStatus`, read). One macro, so the generated code names the
//! variants and their texts once and both kinds convert the same ways.

/// Implements, for an enum of unit variants and one catch-all `(String)` variant: `as_str`,
/// `From<&str>`, `From<String>`, `From<&String>`, `FromStr`, `Display`, [`QueryValue`](crate::QueryValue),
/// and serde's `Serialize` and `Deserialize` as the text. A text no variant names reads as the
/// catch-all, so a value a newer Directus adds does not fail decoding; match such values with
/// `as_str()`, since a newer client may give them a variant of their own.
#[doc(hidden)]
#[macro_export]
macro_rules! value_enum {
    ($name:ident, $other:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        impl $name {
            /// The value as Directus writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::$other(other) => other,
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)*
                    other => Self::$other(other.to_owned()),
                }
            }
        }

        impl ::core::convert::From<&::std::string::String> for $name {
            fn from(text: &::std::string::String) -> Self {
                Self::from(text.as_str())
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(text: ::std::string::String) -> Self {
                Self::from(text.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok(Self::from(text))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::QueryValue for $name {
            fn to_query(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                <::std::string::String as $crate::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Fit {
        Cover,
        InactiveLicense,
        Other(String),
    }
    crate::value_enum!(Fit, Other { Cover = "cover", InactiveLicense = "inactive-license" });

    #[test]
    fn texts_and_variants_convert_both_ways() {
        assert_eq!(Fit::from("inactive-license"), Fit::InactiveLicense);
        assert_eq!("cover".parse::<Fit>(), Ok(Fit::Cover));
        assert_eq!(Fit::from("new-in-13".to_owned()), Fit::Other("new-in-13".into()));
        assert_eq!(Fit::Other("x".into()).to_string(), "x");
        assert_eq!(serde_json::to_value(Fit::InactiveLicense).unwrap(), serde_json::json!("inactive-license"));
        assert_eq!(serde_json::from_value::<Fit>(serde_json::json!("cover")).unwrap(), Fit::Cover);
        assert_eq!(serde_json::from_value::<Fit>(serde_json::json!("?")).unwrap(), Fit::Other("?".into()));
        assert!(serde_json::from_value::<Fit>(serde_json::json!(3)).is_err());
        assert_eq!(crate::QueryValue::to_query(&Fit::Cover), "cover");
    }
}
