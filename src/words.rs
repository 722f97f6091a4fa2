//! Fixed vocabularies (verticals, objectives, the memory's actions and metrics): each word has a
//! stable lower-case name used in the database, URLs and the API, a label for people, and the other
//! spellings it is read from.

/// An enum of words: `Variant => "name", "Label", ["alias", ...]`. Names and aliases are matched
/// case-insensitively, with spaces, hyphens and `&` read as `_`.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal, $label:literal, [$($alias:literal),*]),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name (database, URLs, API).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The name people read.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// Every accepted name, for error messages and forms.
            pub fn names() -> String {
                [$($text),+].join(", ")
            }

            /// The word a name or alias means, `None` when it is none of them.
            pub fn parse_word(s: &str) -> Option<Self> {
                let t = $crate::words::normalize(s);
                $(
                    if t == $text || t == $crate::words::normalize($label) $(|| t == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if s.trim().is_empty() {
                    return Err($crate::error::ParseError::Empty { what: $what });
                }
                $name::parse_word(s).ok_or_else(|| {
                    $crate::error::ParseError::invalid($what, s, concat!("expected one of: ", $($text, " "),+))
                })
            }
        }
    };
}
pub(crate) use word_enum;

/// Lower case, with runs of spaces, hyphens, slashes and `&` read as one `_`, trimmed.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if matches!(c, ' ' | '-' | '_' | '/' | '&' | '+') && !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn spellings_normalize_to_one_name() {
        assert_eq!(normalize(" Home & Decor "), "home_decor");
        assert_eq!(normalize("home-decor"), "home_decor");
        assert_eq!(normalize("E-Commerce"), "e_commerce");
        assert_eq!(normalize("app_installs"), "app_installs");
    }
}
