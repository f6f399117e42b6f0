//! Name forms for one spec name: Rust items, CLI flags, environment variables.

/// `generate_tfa` → `GenerateTfa`.
pub fn pascal(name: &str) -> String {
    name.split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `generate_tfa` → `generate-tfa`.
pub fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// `generate_tfa` → `GENERATE_TFA`.
pub fn screaming(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// Whether the name is lower snake_case: starts with a letter, then letters, digits and `_`.
pub fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// Rust keywords that need `r#` as identifiers.
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "async" | "await" | "break" | "const" | "continue" | "crate" | "dyn" | "else" | "enum" | "extern"
            | "false" | "fn" | "for" | "if" | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut"
            | "pub" | "ref" | "return" | "self" | "Self" | "static" | "struct" | "super" | "trait" | "true"
            | "type" | "unsafe" | "use" | "where" | "while" | "abstract" | "become" | "box" | "do" | "final"
            | "gen" | "macro" | "override" | "priv" | "typeof" | "unsized" | "virtual" | "yield" | "try"
    )
}

/// Wire name → Rust snake_case: `groupBy` → `group_by`, `otpauth_url` unchanged.
pub fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(pascal("generate_tfa"), "GenerateTfa");
        assert_eq!(kebab("generate_tfa"), "generate-tfa");
        assert_eq!(screaming("generate_tfa"), "GENERATE_TFA");
        assert!(is_snake("otpauth_url"));
        assert!(!is_snake("Bad"));
        assert!(!is_snake("a__b"));
        assert!(!is_snake("9a"));
        assert_eq!(snake("groupBy"), "group_by");
        assert_eq!(snake("otpauth_url"), "otpauth_url");
    }
}
