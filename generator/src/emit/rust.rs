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
    let lines = text.trim().lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes (`//!`), for a file's own documentation.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #![doc = #lines] )* }
}

/// The Rust type a caller passes for a required input.
pub fn arg_type(p: &Param) -> TokenStream {
    if p.secret {
        return quote! { impl Into<rt::Secret> };
    }
    match p.ty {
        Type::String => quote! { &str },
        Type::Integer => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { &serde_json::Value },
        Type::StringList => quote! { &[&str] },
        Type::IntegerList => quote! { &[i64] },
        Type::File => quote! { impl AsRef<std::path::Path> },
    }
}

/// The owned type of an optional input or a reply field.
pub fn owned_type(p: &Param) -> TokenStream {
    if p.secret {
        return quote! { rt::Secret };
    }
    match p.ty {
        Type::String => quote! { String },
        Type::Integer => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { serde_json::Value },
        Type::StringList => quote! { Vec<String> },
        Type::IntegerList => quote! { Vec<i64> },
        Type::File => quote! { std::path::PathBuf },
    }
}

/// The builder call that adds a required input, `arg` being the method argument.
pub fn add_required(p: &Param) -> TokenStream {
    let name = &p.name;
    let arg = ident(&p.name);
    let by_ref = matches!(p.ty, Type::String | Type::Json | Type::StringList | Type::IntegerList) && !p.secret;
    let value = if by_ref { quote! { #arg } } else { quote! { &#arg } };
    match (p.location, p.ty) {
        (ParamIn::Path, _) => quote! { .path(#name, #arg) },
        (ParamIn::Query, _) => quote! { .query(#name, #value) },
        (ParamIn::Body, Type::File) => quote! { .file_part(#name, #arg.as_ref()) },
        (ParamIn::Body, _) => quote! { .field(#name, #value) },
    }
}

pub fn add_multipart_required(p: &Param) -> TokenStream {
    let name = &p.name;
    let arg = ident(&p.name);
    match p.ty {
        Type::File => quote! { .file_part(#name, #arg.as_ref()) },
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
        ParamIn::Query => quote! { .query_opt(#name, options.#field.as_ref()) },
        ParamIn::Body if multipart && p.secret => quote! { .text_part_opt(#name, options.#field.as_ref().map(rt::Secret::expose)) },
        ParamIn::Body if multipart => quote! { .text_part_opt(#name, options.#field.as_ref()) },
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
