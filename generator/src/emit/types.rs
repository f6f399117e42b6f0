//! Record types: `types/mod.rs` and one `types/<resource>.rs` per resource that declares types.
//! Each type is a struct whose fields are all optional (a `fields=` selection may leave any out),
//! plus `extra` for what the spec does not name, so decoding never fails on a newer server.

use super::rust::{self, doc, ident, inner_doc, type_ident};
use crate::model::{names, FieldType, Model, RecordType, Resource, TypeField, Version};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The folder of the record types, under `src/`.
pub const DIR: &str = "types";

/// `types/mod.rs`: the module of every record type. Each file of types is built only with its
/// Cargo feature (`types-<resource>`), which the resources that need it turn on
/// (`Model::type_resources`: a type of one resource may nest another's), so a crate built for
/// one resource compiles the serde code of its types alone.
pub fn module(model: &Model) -> Result<String, String> {
    let text = inner_doc(
        "Record types: what Directus's system collections and other replies hold.\n\n\
         Every field is an `Option`, because a query's `fields` may leave any field out and \
         Directus sends `null` for many; `null` and a missing field both read as `None`. Fields \
         a type does not name (a project's custom fields, or ones a newer Directus added) are \
         kept in its `extra` map, so decoding does not fail on them and nothing is lost when a \
         record is written back. The types are `#[non_exhaustive]`: start from \
         `Default::default()` and set fields to build one. A field left `None` is not sent, so an \
         update leaves it as it is; to clear one (write `null`), leave it `None` and put it in \
         `extra`: `patch.extra.insert(\"avatar\".into(), serde_json::Value::Null)`. A relational \
         field holds the related record's key, or the record itself when the query expands it \
         (`fields=role.*`).",
    );
    let needed = model.type_resources();
    let with_types: Vec<&Resource> = model.resources.iter().filter(|r| !r.types.is_empty()).collect();
    let mods = with_types.iter().map(|r| {
        let m = ident(&r.name);
        match needed.contains_key(r.name.as_str()) {
            true => {
                let feature = feature(&r.name);
                quote! { #[cfg(feature = #feature)] mod #m; #[cfg(feature = #feature)] pub use #m::*; }
            }
            // No operation replies with these: they are there whatever is built.
            false => quote! { mod #m; pub use #m::*; },
        }
    });
    let tokens = quote! {
        #text
        #(#mods)*
    };
    Ok(rust::header("spec/resources/", &model.spec_hash) + &rust::print(tokens, "types/mod.rs")?)
}

/// The Cargo feature that builds the record types of resource file `resource`; the features of
/// the resources that need them turn it on (`Model::type_resources`, written by `manifest.rs`).
pub fn feature(resource: &str) -> String {
    format!("types-{resource}")
}

/// `types/<resource>.rs`, or nothing when the resource declares no types.
pub fn file(r: &Resource) -> Result<Option<(String, String)>, String> {
    if r.types.is_empty() {
        return Ok(None);
    }
    let items = r.types.iter().map(record);
    let tokens = quote! {
        // One alias, as in the resource modules.
        #[allow(unused_imports)]
        use directus_runtime as rt;
        #(#items)*
    };
    let code = rust::print(tokens, &format!("the types of `{}`", r.name))?;
    Ok(Some((format!("{DIR}/{}.rs", r.name), rust::header(&format!("spec/{}", r.source), &r.source_hash) + &code)))
}

fn versions(since: Option<Version>, removed_in: Option<Version>) -> String {
    match crate::model::range_text(since, removed_in) {
        r if r.is_empty() => r,
        r => format!(" ({r})"),
    }
}

fn record(t: &RecordType) -> TokenStream {
    let name = type_ident(&t.name);
    let mut text = format!("{}{}", t.title, versions(t.since, t.removed_in));
    if !t.description.is_empty() {
        text += &format!("\n\n{}", t.description);
    }
    if let Some(c) = &t.collection {
        text += &format!("\n\nA record of `{c}`.");
    }
    let d = doc(&text);
    let fields = t.fields.iter().map(|f| field(t, f));
    let enums = t.fields.iter().filter(|f| !f.values.is_empty()).map(|f| values_enum(t, f));
    let extra = format_ident!("{}", names::EXTRA_FIELD);
    quote! {
        #d
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// The fields this type does not name: a project's custom fields, or ones a newer
            /// Directus added.
            #[serde(flatten)]
            pub #extra: serde_json::Map<String, serde_json::Value>,
        }
        #(#enums)*
    }
}

/// The Rust type of one value of the field (before `Vec`, map or `Option`).
fn value_type(t: &RecordType, f: &TypeField) -> TokenStream {
    let base = match &f.ty {
        FieldType::String if !f.values.is_empty() => {
            let e = format_ident!("{}", names::values_type(&t.name, &f.name));
            quote! { #e }
        }
        FieldType::String if f.secret => quote! { rt::Secret },
        FieldType::String => quote! { String },
        FieldType::Integer => quote! { i64 },
        FieldType::Number => quote! { f64 },
        FieldType::Boolean => quote! { bool },
        FieldType::Json => quote! { serde_json::Value },
        FieldType::Record(n) => {
            let n = type_ident(n);
            quote! { super::#n }
        }
    };
    match &f.relation {
        Some(rel) => {
            let rel = type_ident(rel);
            quote! { rt::Related<#base, super::#rel> }
        }
        None => base,
    }
}

fn field(t: &RecordType, f: &TypeField) -> TokenStream {
    let name = ident(&f.name);
    let value = value_type(t, f);
    let inner = match (f.list, f.map) {
        (true, true) => quote! { std::collections::BTreeMap<String, Vec<#value>> },
        (true, false) => quote! { Vec<#value> },
        (false, true) => quote! { std::collections::BTreeMap<String, #value> },
        (false, false) => value,
    };
    let optional = !f.required || f.nullable || f.or_false;
    let ty = if optional { quote! { Option<#inner> } } else { inner };
    let mut attrs = Vec::new();
    if names::snake(&f.name) != f.name {
        let wire = &f.name;
        attrs.push(quote! { rename = #wire });
    }
    if optional {
        attrs.push(quote! { default, skip_serializing_if = "Option::is_none" });
    }
    if f.or_false {
        attrs.push(quote! { deserialize_with = "rt::or_false" });
    } else if f.ty == FieldType::Integer && f.relation.is_none() && !f.map && optional {
        // Integers may come as digit strings (PostgreSQL's bigint); keys in relations stay as sent.
        let with = if f.list { "rt::integers" } else { "rt::integer" };
        attrs.push(quote! { deserialize_with = #with });
    }
    let serde = (!attrs.is_empty()).then(|| quote! { #[serde(#(#attrs),*)] });
    let mut text = if f.description.is_empty() { format!("`{}`", f.name) } else { f.description.clone() };
    text += &versions(f.since, f.removed_in);
    if f.nullable && !f.required {
        text += " May be `null`.";
    }
    if f.secret {
        text += " Directus masks it when read.";
    }
    if f.or_false {
        text += " `None` also when the server sends `false` (the feature is off).";
    }
    let d = doc(&text);
    quote! {
        #d
        #serde
        pub #name: #ty,
    }
}

fn values_enum(t: &RecordType, f: &TypeField) -> TokenStream {
    let e = format_ident!("{}", names::values_type(&t.name, &f.name));
    // The struct, not the field: a field named like a keyword (`r#type`) cannot be linked.
    let d = doc(&format!("The values of the field `{}` of [`{}`].", f.name, type_ident(&t.name)));
    let unknown = format_ident!("{}", names::UNKNOWN_VARIANT);
    super::rust::value_enum(
        &e,
        &d,
        &super::rust::named_values(&f.values),
        &unknown,
        "A value this client does not know, e.g. one a newer Directus added: match it with `as_str()`, since a newer client may name it.",
    )
}
