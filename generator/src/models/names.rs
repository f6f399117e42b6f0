//! The Rust names of a project's collections and fields, and their check: every name the models
//! emitter writes, in the scope where it must be unique, made with the case functions of
//! `model/names.rs` (heck) that the client's emitters use. A name that cannot be an identifier,
//! or two server names that become one Rust name, is a problem naming both.

use super::{Models, Problem, Ty};
use crate::model::names as case;
use std::collections::BTreeMap;

/// `blog_posts` → `BlogPosts`; `my-collection` → `MyCollection`.
pub fn type_name(collection: &str) -> String {
    case::type_name(collection)
}

/// The module (and file stem) of a collection: `my-collection` → `my_collection`.
pub fn module(collection: &str) -> String {
    case::ident(collection)
}

/// A field's Rust name, without `r#`: `publishedAt` → `published_at`.
pub fn field(name: &str) -> String {
    case::ident(name)
}

/// A choice's variant: `in-review` → `InReview`.
pub fn variant(value: &str) -> String {
    case::type_name(value)
}

/// The enum of a field's choices: `Articles`, `status` → `ArticlesStatus`.
pub fn values_type(owner: &str, field: &str) -> String {
    format!("{owner}{}", case::type_name(field))
}

/// The struct of one entry of a repeater field: `Articles`, `links` → `ArticlesLinksItem`.
pub fn repeater_type(owner: &str, field: &str) -> String {
    format!("{owner}{}Item", case::type_name(field))
}

/// The enum of a model's field names: `Articles` → `ArticlesField`.
pub fn fields_enum(owner: &str) -> String {
    format!("{owner}Field")
}

/// A field's variant in its model's field-name enum: `published_at` → `PublishedAt`.
pub fn field_variant(ident: &str) -> String {
    case::type_name(ident)
}

/// The struct of a system collection's custom fields: `directus_users` → `DirectusUsersCustom`.
pub fn custom_fields_type(collection: &str) -> String {
    format!("{}Custom", case::type_name(collection))
}

/// Names the generated crate root defines or imports besides the models.
pub const ROOT_TYPES: &[&str] = &["Collection", "Collections", "SingletonCollection", "BigInt", "Decimal", "Geometry", "Related", "FieldName"];
/// Modules and crates the generated code names by path, and the root's own file stems (a
/// collection `lib` would be written over `src/lib.rs`).
pub const ROOT_MODULES: &[&str] = &["lib", "mod", "rt", "serde", "serde_json", "directus_client", "directus_runtime", "std", "core", "alloc"];
/// Names the models' files import besides Rust's prelude (`model/symbols.rs` lists that).
const IMPORTED: &[&str] = &["Serialize", "Deserialize", "PhantomData"];

/// One generated name: its scope, the name, and what it is for (as the reader would say it).
struct Entry {
    scope: String,
    name: String,
    what: String,
    /// The server name it comes from (`collection \`a\``, `field \`a.b\``): one report per
    /// name, or per pair of names, however many generated names they share.
    origin: String,
}

/// Whether `name` can be written as a Rust identifier (as `r#name` for a keyword).
fn writable(name: &str) -> bool {
    if case::is_unrawable(name) {
        return false;
    }
    if case::is_keyword(name) {
        return true;
    }
    syn::parse_str::<syn::Ident>(name).is_ok()
}

pub fn check(models: &Models) -> Vec<Problem> {
    let mut entries = Vec::new();
    let mut add = |scope: &str, name: &str, what: String, origin: &str| {
        entries.push(Entry { scope: scope.to_owned(), name: name.to_owned(), what, origin: origin.to_owned() })
    };
    for m in models.collections.iter().chain(&models.system) {
        let c = &m.collection;
        let origin = format!("collection `{c}`");
        add("the crate's types", &m.type_name, origin.clone(), &origin);
        add("the crate's modules", &m.module, origin.clone(), &origin);
        if m.key.is_some() {
            add("the crate's types", &fields_enum(&m.type_name), format!("the field-name enum of collection `{c}`"), &origin);
        }
        let scope = format!("the fields of collection `{c}`");
        for f in &m.fields {
            let origin = format!("field `{c}.{}`", f.name);
            add(&scope, &f.ident, origin.clone(), &origin);
            match &f.ty {
                Ty::Choices { enum_name, variants } => {
                    add("the crate's types", enum_name, format!("the choices of field `{c}.{}`", f.name), &origin);
                    let scope = format!("the variants of `{enum_name}`");
                    // Reserved (no `what`): the variant for values the schema does not list.
                    add(&scope, "Unknown", String::new(), "");
                    for (v, value) in variants {
                        add(&scope, v, format!("choice `{value}` of field `{c}.{}`", f.name), &format!("{origin}:{value}"));
                    }
                }
                Ty::Repeater { item_name, fields } => {
                    add("the crate's types", item_name, format!("the entries of repeater field `{c}.{}`", f.name), &origin);
                    let scope = format!("the fields of `{item_name}`");
                    for s in fields {
                        let what = format!("sub-field `{}` of repeater field `{c}.{}`", s.name, f.name);
                        add(&scope, &s.ident, what, &format!("{origin}/{}", s.name));
                    }
                }
                Ty::AnyToOne { enum_name, allowed, .. } => {
                    add("the crate's types", enum_name, format!("the records of many-to-any field `{c}.{}`", f.name), &origin);
                    let scope = format!("the variants of `{enum_name}`");
                    add(&scope, "Other", String::new(), "");
                    for (a, _) in allowed {
                        add(&scope, &case::type_name(a), format!("collection `{a}` of many-to-any field `{c}.{}`", f.name), &format!("{origin}:{a}"));
                    }
                }
                _ => {}
            }
        }
        // After the fields, so a field that is refused is reported as itself, once.
        if m.key.is_some() {
            let scope = format!("the variants of the field-name enum of collection `{c}`");
            for f in &m.fields {
                let origin = format!("field `{c}.{}`", f.name);
                add(&scope, &field_variant(&f.ident), format!("the field-name variant of {origin}"), &origin);
            }
        }
    }
    // Names the generated code itself uses come first, with no `what`.
    let reserved: Vec<Entry> = ROOT_TYPES
        .iter()
        .chain(crate::model::symbols::PRELUDE_TYPES)
        .chain(IMPORTED)
        .map(|n| Entry { scope: "the crate's types".into(), name: (*n).into(), what: String::new(), origin: String::new() })
        .chain(ROOT_MODULES.iter().map(|n| Entry { scope: "the crate's modules".into(), name: (*n).into(), what: String::new(), origin: String::new() }))
        .collect();
    let mut problems = Vec::new();
    let mut first: BTreeMap<(&str, &str), &Entry> = reserved.iter().map(|e| ((e.scope.as_str(), e.name.as_str()), e)).collect();
    let mut reported: std::collections::BTreeSet<(&str, &str)> = std::collections::BTreeSet::new();
    for e in &entries {
        if e.what.is_empty() {
            first.entry((&e.scope, &e.name)).or_insert(e);
            continue;
        }
        let at = at_of(&e.origin);
        if !writable(&e.name) {
            if reported.insert((&e.origin, "")) {
                problems.push(Problem {
                    at,
                    message: format!("{} becomes `{}`, which is not a Rust identifier (empty, starting with a digit, or `self`, `super`, `crate`)", e.what, e.name),
                    fix: "rename it in Directus (a field's or collection's key), or leave the collection out with --exclude COLLECTION".into(),
                });
            }
            continue;
        }
        match first.get(&(e.scope.as_str(), e.name.as_str())) {
            None => {
                first.insert((&e.scope, &e.name), e);
            }
            Some(earlier) if earlier.what.is_empty() => {
                if reported.insert((&e.origin, "")) {
                    problems.push(Problem {
                        at,
                        message: format!("{} becomes `{}`, which the generated code uses itself ({})", e.what, e.name, e.scope),
                        fix: "rename it in Directus, or leave the collection out with --exclude COLLECTION".into(),
                    });
                }
            }
            Some(earlier) => {
                if reported.insert((&e.origin, &earlier.origin)) {
                    problems.push(Problem {
                        at,
                        message: format!("{} and {} both become `{}` ({})", e.what, earlier.what, e.name, e.scope),
                        fix: "rename one of them in Directus: names that differ only in case, `-` or `_` give the same Rust name; or leave one collection out with --exclude COLLECTION".into(),
                    });
                }
            }
        }
    }
    problems
}

/// Where a problem is, from the origin of its name: `collection.field` or `collection`.
fn at_of(origin: &str) -> String {
    origin.split('`').nth(1).unwrap_or(origin).to_owned()
}
