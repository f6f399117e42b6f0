//! The checks of record types (`types:` in resource files) and of the replies that name them.
//! One file's types are checked on their own first; names that cross files (a field or reply
//! naming a type of another resource, two files declaring one name, cycles) once all are read.

use super::rules::{is_wire_name, looks_secret, version};
use crate::diagnostics::{Diagnostic, Reporter};
use crate::model::{names, FieldType, RecordType, ReplyType, Resource, TypeField};
use crate::spec::load::{Loaded, RawSpec};
use crate::spec::{ResourceFile, TypeDef, TypeFieldDef};
use std::collections::{BTreeMap, BTreeSet};

const SCALARS: &str = "string, integer, number, boolean or json";

/// The types one resource file declares, each checked alone.
pub fn record_types(r: &mut Reporter<'_>, defs: &[TypeDef]) -> Option<Vec<RecordType>> {
    let before = r.out.len();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, t) in defs.iter().enumerate() {
        let raw = format!("types.{i}");
        let spec = format!("types.{}", t.name);
        if !names::is_snake(&t.name) {
            r.error(&format!("{raw}.name"), &spec, format!("type name `{}` is not snake_case", t.name), "use lowercase letters, digits and `_`, singular, e.g. user");
        }
        if !seen.insert(t.name.as_str()) {
            r.error(&format!("{raw}.name"), &spec, format!("type `{}` is declared twice in this file", t.name), "keep one");
        }
        if t.title.trim().is_empty() || t.title.contains('\n') {
            r.error(&format!("{raw}.title"), &spec, "`title` must be one non-empty line", "write the type's display name, e.g. User");
        }
        if t.fields.is_empty() {
            r.error(&format!("{raw}.fields"), &spec, "the type has no fields", "list the fields Directus sends for it");
        }
        let since = t.since.as_deref().and_then(|v| version(r, &format!("{raw}.since"), &spec, v));
        let removed_in = t.removed_in.as_deref().and_then(|v| version(r, &format!("{raw}.removed_in"), &spec, v));
        if let (Some(s), Some(u)) = (since, removed_in) {
            if s >= u {
                r.error(&format!("{raw}.removed_in"), &spec, format!("removed in {u}, not after its first version {s}"), "fix `since` or `removed_in`");
            }
        }
        let mut fields = Vec::new();
        let mut field_names = BTreeSet::new();
        for (k, f) in t.fields.iter().enumerate() {
            let fraw = format!("{raw}.fields.{k}");
            let fspec = format!("{spec}.{}", f.name);
            if !field_names.insert(f.name.as_str()) {
                r.error(&format!("{fraw}.name"), &fspec, format!("field `{}` is listed twice", f.name), "keep one entry");
            }
            if let Some(field) = field(r, &fraw, &fspec, f) {
                fields.push(field);
            }
        }
        if t.collection.is_some() {
            for (k, f) in t.fields.iter().enumerate().filter(|(_, f)| f.required) {
                r.error(
                    &format!("{raw}.fields.{k}.required"),
                    &format!("{spec}.{}", f.name),
                    "records of a collection can be read with any `fields` selection, so none of their fields is always sent",
                    "drop `required`",
                );
            }
        }
        if let Some(collection) = &t.collection {
            if !collection.starts_with("directus_") || !is_wire_name(collection) {
                r.error(&format!("{raw}.collection"), &spec, format!("`{collection}` is not a system collection"), "name the directus_… collection whose records this is, or drop `collection`");
            }
        }
        out.push(RecordType {
            name: t.name.clone(),
            title: t.title.trim().to_owned(),
            description: t.description.trim().to_owned(),
            collection: t.collection.clone(),
            since,
            removed_in,
            fields,
        });
    }
    (r.out.len() == before).then_some(out)
}

fn field(r: &mut Reporter<'_>, raw: &str, spec: &str, f: &TypeFieldDef) -> Option<TypeField> {
    let before = r.out.len();
    if !is_wire_name(&f.name) {
        r.error(&format!("{raw}.name"), spec, format!("`{}` is not a usable field name", f.name), "use letters, digits and `_`, starting with a letter, as Directus spells it");
    }
    let ty = match f.ty.as_str() {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "number" => FieldType::Number,
        "boolean" => FieldType::Boolean,
        "json" => FieldType::Json,
        other if names::is_snake(other) => FieldType::Record(other.to_owned()),
        other => {
            r.error(&format!("{raw}.type"), spec, format!("unknown type `{other}`"), format!("use {SCALARS}, or the snake_case name of a type"));
            return None;
        }
    };
    if f.values.is_some() && ty != FieldType::String {
        r.error(&format!("{raw}.values"), spec, "`values` are for string fields", "make the type string, or drop `values`");
    }
    if let Some(values) = &f.values {
        let mut seen = BTreeSet::new();
        for v in values {
            if v.is_empty() || v.chars().any(char::is_control) {
                r.error(&format!("{raw}.values"), spec, format!("{v:?} is not a usable value"), "write the value as Directus stores it");
            } else if !is_wire_name(&names::type_name(v)) {
                r.error(&format!("{raw}.values"), spec, format!("`{v}` gives no Rust name (`{}`)", names::type_name(v)), "values must start with a letter to become enum variants; drop `values` to keep the field a string");
            } else if !seen.insert(names::type_name(v)) {
                r.error(&format!("{raw}.values"), spec, format!("`{v}` and another value give the same Rust name `{}`", names::type_name(v)), "values must differ in more than case and punctuation");
            }
        }
        if values.is_empty() {
            r.error(&format!("{raw}.values"), spec, "`values` is empty", "list the values, or drop `values`");
        }
    }
    if f.secret && ty != FieldType::String {
        r.error(&format!("{raw}.secret"), spec, "only string values can be secret", "make the type string, or drop `secret`");
    }
    // The field's last word, so `auth_password_policy` (a rule, not a password) is not one.
    let last = f.name.rsplit('_').next().unwrap_or(&f.name).to_ascii_lowercase();
    let looks_secret = looks_secret(&last) || last == "password";
    if looks_secret && !f.secret && !f.list && matches!(ty, FieldType::String) {
        r.error(&format!("{raw}.name"), spec, format!("`{}` looks like a secret but is not marked as one", f.name), "add `secret: true`, so it is never printed");
    }
    if let Some(rel) = &f.relation {
        if !matches!(ty, FieldType::String | FieldType::Integer) {
            r.error(&format!("{raw}.type"), spec, "a relation's `type` is the related record's key type", "use string (UUIDs, string keys) or integer");
        }
        if !names::is_snake(rel) {
            r.error(&format!("{raw}.relation"), spec, format!("`{rel}` is not a type name"), "name the related record's type, e.g. role");
        }
        if f.map {
            r.error(&format!("{raw}.map"), spec, "a relation is one key or record, or a list of them", "drop `map`");
        }
    }
    if f.required && (f.values.is_some() || f.relation.is_some()) {
        r.error(&format!("{raw}.required"), spec, "a field with `values` or a `relation` cannot be `required`", "drop `required`: such fields are optional");
    }
    if f.or_false && (f.list || f.map || f.relation.is_some() || ty == FieldType::Boolean) {
        r.error(&format!("{raw}.or_false"), spec, "`or_false` is for a single value that is `false` when off", "drop `or_false`, or `list`/`map`/`relation`; a boolean needs no `or_false`");
    }
    let since = f.since.as_deref().and_then(|v| version(r, &format!("{raw}.since"), spec, v));
    let removed_in = f.removed_in.as_deref().and_then(|v| version(r, &format!("{raw}.removed_in"), spec, v));
    (r.out.len() == before).then(|| TypeField {
        name: f.name.clone(),
        ty,
        description: f.description.trim().to_owned(),
        list: f.list,
        map: f.map,
        nullable: f.nullable,
        relation: f.relation.clone(),
        values: f.values.clone().unwrap_or_default(),
        secret: f.secret,
        required: f.required,
        or_false: f.or_false,
        since,
        removed_in,
    })
}

/// The reply type an operation's `response.type` names.
pub fn reply_type(text: &str) -> Option<ReplyType> {
    Some(match text {
        "string" => ReplyType::String,
        "integer" => ReplyType::Integer,
        "number" => ReplyType::Number,
        "boolean" => ReplyType::Boolean,
        other if names::is_snake(other) => ReplyType::Record(other.to_owned()),
        _ => return None,
    })
}

/// Checks what crosses files: each type declared once, every name a field or reply uses declared,
/// and no record nesting itself without a list, map or relation between (an infinite struct).
pub fn check_references(raw: &RawSpec, resources: &[Resource], diags: &mut Vec<Diagnostic>) {
    let mut declared: BTreeMap<&str, &str> = BTreeMap::new();
    for res in resources {
        let Some(loaded) = loaded_of(raw, &res.name) else { continue };
        let mut r = Reporter { source: &loaded.source, out: diags };
        for (i, t) in res.types.iter().enumerate() {
            if let Some(other) = declared.insert(&t.name, &res.name) {
                r.error(&format!("types.{i}.name"), &format!("types.{}", t.name), format!("type `{}` is also declared in resources/{other}.yaml", t.name), "declare each type once; every resource can use it");
            }
        }
    }
    // Types of files that failed other checks still count as declared: one bad operation must not
    // make every type of its file "unknown" elsewhere.
    for l in &raw.resources {
        for t in &l.value.types {
            declared.entry(&t.name).or_insert(&l.value.resource);
        }
    }
    let known = |name: &str| declared.contains_key(name);
    let names_list = || declared.keys().copied().collect::<Vec<_>>().join(", ");
    for res in resources {
        let Some(loaded) = loaded_of(raw, &res.name) else { continue };
        let mut r = Reporter { source: &loaded.source, out: diags };
        for (i, t) in res.types.iter().enumerate() {
            for (k, f) in t.fields.iter().enumerate() {
                let spec = format!("types.{}.{}", t.name, f.name);
                if let FieldType::Record(name) = &f.ty {
                    if !known(name) {
                        r.error(&format!("types.{i}.fields.{k}.type"), &spec, format!("unknown type `{name}`"), format!("use {SCALARS}, or one of the declared types: {}", names_list()));
                    }
                }
                if let Some(rel) = &f.relation {
                    if !known(rel) {
                        r.error(&format!("types.{i}.fields.{k}.relation"), &spec, format!("unknown type `{rel}`"), format!("name one of the declared types: {}", names_list()));
                    }
                }
            }
        }
        for (i, op) in loaded.value.operations.iter().enumerate() {
            if let Some(ReplyType::Record(name)) = op.response.ty.as_deref().and_then(reply_type) {
                if !known(&name) {
                    r.error(&format!("operations.{i}.response.type"), &format!("{}.{}.response.type", res.name, op.id), format!("unknown type `{name}`"), format!("use string, integer, number or boolean, or one of the declared types: {}", names_list()));
                }
            }
        }
    }
    cycles(raw, resources, diags);
}

/// A record that holds itself through plain fields only (no list, map or relation) would be a
/// struct of infinite size.
fn cycles(raw: &RawSpec, resources: &[Resource], diags: &mut Vec<Diagnostic>) {
    let direct: BTreeMap<&str, Vec<&str>> = resources
        .iter()
        .flat_map(|r| &r.types)
        .map(|t| {
            let inner = t.fields.iter().filter(|f| !f.list && !f.map && f.relation.is_none()).filter_map(|f| match &f.ty {
                FieldType::Record(n) => Some(n.as_str()),
                _ => None,
            });
            (t.name.as_str(), inner.collect())
        })
        .collect();
    for res in resources {
        for (i, t) in res.types.iter().enumerate() {
            // Depth-first from `t`, looking for a way back to it.
            let mut stack = vec![(t.name.as_str(), vec![t.name.as_str()])];
            let mut seen = BTreeSet::new();
            while let Some((at, path)) = stack.pop() {
                for next in direct.get(at).into_iter().flatten() {
                    let mut p = path.clone();
                    p.push(next);
                    if *next == t.name {
                        let Some(loaded) = loaded_of(raw, &res.name) else { return };
                        let mut r = Reporter { source: &loaded.source, out: diags };
                        r.error(
                            &format!("types.{i}.name"),
                            &format!("types.{}", t.name),
                            format!("type `{}` contains itself: {}", t.name, p.join(" → ")),
                            "make one field of the loop a `list`, a `map` or a `relation`",
                        );
                        stack.clear();
                        break;
                    }
                    if seen.insert(*next) {
                        stack.push((next, p));
                    }
                }
            }
        }
    }
}

fn loaded_of<'a>(raw: &'a RawSpec, resource: &str) -> Option<&'a Loaded<ResourceFile>> {
    raw.resources.iter().find(|l| l.value.resource == resource)
}
