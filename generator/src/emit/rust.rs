//! What the Rust emitters share: identifiers, doc attributes, type mapping, printing.

use crate::model::{names, Param, ParamIn, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn ident(name: &str) -> Ident {
    let snake = names::snake(name);
    if names::is_keyword(&snake) {
        Ident::new_raw(&snake, Span::call_site())
    } else {
        Ident::new(&snake, Span::call_site())
    }
}

pub fn type_ident(name: &str) -> Ident {
    Ident::new(&names::pascal(&names::snake(name)), Span::call_site())
}

pub fn const_ident(name: &str) -> Ident {
    Ident::new(&names::screaming(&names::snake(name)), Span::call_site())
}

/// One `#[doc]` per line, so prettyplease prints `///` comments.
pub fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes (`//!`), for a file's own documentation.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// Spec text as rustdoc lines that can never run or warn:
/// - every code fence opens as `text`, so a ```` ```rust ```` block in a description is never a
///   doctest, and leading spaces outside fences are dropped, so no indented code block is either;
/// - a line that continues a list item is indented under it, and one that continues a quote gets
///   `> `, as clippy's `doc_lazy_continuation` asks.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    // The indentation a continuation of the current list item needs; `>` for a quote.
    let mut block: Option<String> = None;
    for raw in text.trim().lines() {
        let line = raw.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| line.starts_with(m));
        if let Some(open) = fence {
            if marker == Some(open) && line.trim_end().chars().all(|c| c == open.as_bytes()[0] as char) {
                fence = None;
            }
            out.push(format!(" {raw}").trim_end().to_owned());
            continue;
        }
        if let Some(m) = marker {
            fence = Some(m);
            block = None;
            out.push(format!(" {m}text"));
            continue;
        }
        if line.is_empty() {
            block = None;
            out.push(String::new());
            continue;
        }
        let escaped = super::escape_tags(line);
        let line = escaped.as_str();
        if let Some(width) = list_marker_width(line) {
            block = Some(" ".repeat(width));
            out.push(format!(" {line}"));
        } else if line.starts_with('>') {
            block = Some("> ".into());
            out.push(format!(" {line}"));
        } else {
            out.push(format!(" {}{line}", block.as_deref().unwrap_or_default()));
        }
    }
    out
}

/// The width of a Markdown list marker starting `line` (`- `, `* `, `+ `, `1. `, `2) `).
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

/// An enum of string values, an input's, a record field's or a project model's choice: each
/// variant and its text once, for the runtime's `value_enum!` to give every conversion.
pub fn value_enum(name: &Ident, doc: &TokenStream, variants: &[(Ident, &str)], other: &Ident, other_doc: &str) -> TokenStream {
    let pairs = variants.iter().map(|(var, text)| quote! { #var = #text });
    let variants = variants.iter().map(|(var, text)| {
        let d = self::doc(&format!("`{text}`"));
        quote! { #d #var, }
    });
    let other_doc = self::doc(other_doc);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #other_doc
            #other(String),
        }
        rt::value_enum!(#name, #other { #(#pairs),* });
    }
}

/// Spec `values` as enum variants: the UpperCamel name of each, and the text.
pub fn named_values(values: &[String]) -> Vec<(Ident, &str)> {
    values.iter().map(|v| (type_ident(v), v.as_str())).collect()
}

/// The enum of an input's `values`, when it has one.
pub fn values_enum(p: &Param) -> Option<Ident> {
    p.values_type.as_deref().map(|n| Ident::new(n, Span::call_site()))
}

/// The Rust type a caller passes for a required input.
pub fn arg_type(p: &Param) -> TokenStream {
    if p.secret {
        return quote! { impl Into<rt::Secret> };
    }
    if let Some(e) = values_enum(p) {
        return quote! { impl Into<#e> };
    }
    if p.is_key() {
        return quote! { impl Into<rt::Key> };
    }
    if p.is_key_list() {
        return quote! { impl IntoIterator<Item = impl Into<rt::Key>> };
    }
    // A JSON body field is anything serde can write, like a whole body.
    if p.ty == Type::Json && p.location == ParamIn::Body {
        return quote! { &impl serde::Serialize };
    }
    match p.ty {
        Type::String => quote! { &str },
        Type::Integer => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { &serde_json::Value },
        Type::StringList => quote! { &[&str] },
        Type::IntegerList => quote! { &[i64] },
        Type::JsonList => quote! { &[serde_json::Value] },
        Type::File => quote! { impl Into<rt::Upload> },
    }
}

/// The owned type of an optional input or a reply field.
pub fn owned_type(p: &Param) -> TokenStream {
    if p.secret {
        return quote! { rt::Secret };
    }
    if let Some(e) = values_enum(p) {
        return quote! { #e };
    }
    match p.ty {
        Type::String => quote! { String },
        Type::Integer => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { serde_json::Value },
        Type::StringList => quote! { Vec<String> },
        Type::IntegerList => quote! { Vec<i64> },
        Type::JsonList => quote! { Vec<serde_json::Value> },
        Type::File => quote! { rt::Upload },
    }
}

/// One chaining setter per optional input of a query set or options struct: `.limit(10)`,
/// `.fields(["id", "email"])`; the struct is `#[non_exhaustive]`, so these are how other crates
/// build one.
pub fn setters(params: &[&Param]) -> Vec<TokenStream> {
    params
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            let (arg, value) = if p.secret {
                (quote! { impl Into<rt::Secret> }, quote! { value.into() })
            } else if let Some(e) = values_enum(p) {
                (quote! { impl Into<#e> }, quote! { value.into() })
            } else {
                match p.ty {
                    Type::String => (quote! { impl Into<String> }, quote! { value.into() }),
                    Type::Integer => (quote! { i64 }, quote! { value }),
                    Type::Number => (quote! { f64 }, quote! { value }),
                    Type::Boolean => (quote! { bool }, quote! { value }),
                    Type::Json => (quote! { serde_json::Value }, quote! { value }),
                    Type::StringList => (quote! { impl IntoIterator<Item = impl Into<String>> }, quote! { value.into_iter().map(Into::into).collect() }),
                    Type::IntegerList => (quote! { impl IntoIterator<Item = i64> }, quote! { value.into_iter().collect() }),
                    Type::JsonList => (quote! { impl IntoIterator<Item = serde_json::Value> }, quote! { value.into_iter().collect() }),
                    Type::File => (quote! { impl Into<rt::Upload> }, quote! { value.into() }),
                }
            };
            let d = doc(&format!("Sets `{}`{}", p.name, if p.description.is_empty() { ".".to_owned() } else { format!(": {}", p.description) }));
            quote! {
                #d
                pub fn #name(mut self, value: #arg) -> Self {
                    self.#name = Some(#value);
                    self
                }
            }
        })
        .collect()
}

/// The builder call that adds a required input, `arg` being the method argument.
pub fn add_required(p: &Param) -> TokenStream {
    let name = &p.name;
    let arg = ident(&p.name);
    let by_ref = matches!(p.ty, Type::String | Type::Json | Type::StringList | Type::IntegerList | Type::JsonList) && !p.secret && p.values_type.is_none();
    let value = if by_ref { quote! { #arg } } else { quote! { &#arg } };
    match (p.location, p.ty) {
        (ParamIn::Path, _) if p.is_key() => quote! { .key(#name, #arg) },
        (ParamIn::Path, _) => quote! { .path(#name, #arg) },
        // Marked, so the runtime masks it wherever it shows the URL (spec `only_in_url`).
        (ParamIn::Query, _) if p.secret => quote! { .secret_query(#name, &#arg) },
        (ParamIn::Query, _) => quote! { .query(#name, #value) },
        (ParamIn::Body, Type::File) => quote! { .file_part(#name, #arg) },
        // Secrets are marked, so a described request (`--dry-run`) masks them.
        (ParamIn::Body, _) if p.secret => quote! { .secret_field(#name, &#arg) },
        (ParamIn::Body, _) if p.is_key_list() => quote! { .key_list_field(#name, #arg) },
        (ParamIn::Body, _) => quote! { .field(#name, #value) },
    }
}

pub fn add_multipart_required(p: &Param) -> TokenStream {
    let name = &p.name;
    let arg = ident(&p.name);
    match p.ty {
        Type::File => quote! { .file_part(#name, #arg) },
        _ if p.values_type.is_some() => quote! { .text_part(#name, &#arg) },
        Type::Json if !p.secret => quote! { .json_part(#name, #arg) },
        Type::String | Type::Json | Type::StringList | Type::IntegerList if !p.secret => quote! { .text_part(#name, #arg) },
        _ if p.secret => quote! { .text_part(#name, #arg.expose()) },
        _ => quote! { .text_part(#name, &#arg) },
    }
}

/// The builder call that adds an optional input from `options`.
pub fn add_optional(p: &Param, multipart: bool) -> TokenStream {
    let name = &p.name;
    let field = ident(&p.name);
    match p.location {
        ParamIn::Path => quote! { .path_opt(#name, options.#field.as_ref()) },
        ParamIn::Query if p.secret => quote! { .secret_query_opt(#name, options.#field.as_ref()) },
        ParamIn::Query => quote! { .query_opt(#name, options.#field.as_ref()) },
        ParamIn::Body if multipart && p.secret => quote! { .text_part_opt(#name, options.#field.as_ref().map(rt::Secret::expose)) },
        ParamIn::Body if multipart && p.ty == Type::Json => quote! { .json_part_opt(#name, options.#field.as_ref()) },
        ParamIn::Body if multipart => quote! { .text_part_opt(#name, options.#field.as_ref()) },
        _ if p.secret => quote! { .secret_field_opt(#name, options.#field.as_ref()) },
        _ => quote! { .field_opt(#name, options.#field.as_ref()) },
    }
}

/// The header every generated Rust file starts with: what made it, from what, and how to redo it.
pub fn header(source: &str, hash: &str) -> String {
    super::provenance("//", source, hash)
}

/// Prints a token stream as a Rust file.
pub fn print(tokens: TokenStream, what: &str) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("internal error: generated {what} does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The enums of a resource's inputs with `values`, each once: the listed values, and `Other` for
/// any value a newer server accepts. Strings convert into them, so `.fit("cover")` works as well
/// as `.fit(Fit::Cover)`.
pub fn input_enums(r: &crate::model::Resource) -> Vec<TokenStream> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for op in &r.operations {
        for p in op.inputs() {
            let Some(e) = values_enum(p) else { continue };
            if !seen.insert(e.to_string()) {
                continue;
            }
            let other = Ident::new(names::OTHER_VARIANT, Span::call_site());
            let d = doc(&format!("The values of `{}` Directus accepts{}.", p.name, if p.description.is_empty() { String::new() } else { format!(": {}", p.description.trim_end_matches('.')) }));
            let variants = named_values(&p.values);
            out.push(value_enum(&e, &d, &variants, &other, "A value not listed here, sent as it is (e.g. one a newer Directus accepts)."));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn spec_text_never_becomes_a_doctest() {
        let lines = doc_lines("Intro.\n\n```rust\npanic!();\n```\n\n    indented();\n~~~\nx\n~~~");
        assert_eq!(lines, [" Intro.", "", " ```text", " panic!();", " ```", "", " indented();", " ~~~text", " x", " ~~~"]);
    }

    #[test]
    fn continuations_are_indented_under_their_list_item_or_quote() {
        let lines = doc_lines("- a\nb\n10. c\nd\n\ne\n> q\nr");
        assert_eq!(lines, [" - a", "   b", " 10. c", "     d", "", " e", " > q", " > r"]);
    }

    #[test]
    fn angle_brackets_in_prose_are_text_not_tags() {
        let lines = doc_lines("Set AUTH_<NAME>_DRIVER, `Vec<u8>` stays code, <https://directus.io> a link.");
        assert_eq!(lines, [" Set AUTH_&lt;NAME>_DRIVER, `Vec<u8>` stays code, <https://directus.io> a link."]);
    }
}
