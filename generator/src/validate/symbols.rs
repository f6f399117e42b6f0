//! Checks the name table (`model/symbols.rs`): names that cannot be Rust identifiers, names the
//! generated code reserves, and two spec values that become the same generated name. Each is an
//! error at the spec value, naming both sides and the scope they meet in.

use crate::diagnostics::{Diagnostic, Reporter};
use crate::model::names;
use crate::model::symbols::{table, Origin, Symbol};
use crate::model::{Model, ParamIn};
use crate::spec::load::RawSpec;
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeSet;

pub fn check(raw: &RawSpec, model: &Model, diags: &mut Vec<Diagnostic>) {
    let symbols = table(model);
    let mut first: HashMap<(&str, &str), &Symbol> = HashMap::new();
    // Spec values already reported (alone: not an identifier; in pairs: a clash).
    let mut reported: BTreeSet<(&Origin, Option<&Origin>)> = BTreeSet::new();
    for s in &symbols {
        if s.rust && names::is_unrawable(&s.name) && reported.insert((&s.origin, None)) {
            let message = format!("{} becomes the Rust identifier `{}`, which cannot be used even as a raw identifier", describe_value(s), s.name);
            place(raw, &s.origin, diags, message, "rename it in the spec".into());
            continue;
        }
        let Some(earlier) = first.get(&(s.scope.as_str(), s.name.as_str())) else {
            first.insert((&s.scope, &s.name), s);
            continue;
        };
        if matches!(s.origin, Origin::Reserved(_)) || earlier.origin == s.origin {
            continue;
        }
        // One report per pair of spec values, not one per scope they meet in.
        if !reported.insert((&earlier.origin, Some(&s.origin))) {
            continue;
        }
        let (message, fix) = match earlier.origin {
            Origin::Reserved(why) => (
                format!("{} becomes `{}`, which is reserved ({}: {why})", describe(s), s.name, s.scope),
                if s.scope.starts_with("flag of") || s.scope.starts_with("environment variable") {
                    "give it a CLI name of its own with `flag:`, e.g. `flag: from-url`".to_owned()
                } else {
                    "choose another name".to_owned()
                },
            ),
            _ => (
                format!("{} and {} both become `{}` ({})", describe(s), describe(earlier), s.name, s.scope),
                "rename one of them: names that differ only in case or `_` give the same Rust and CLI names".to_owned(),
            ),
        };
        place(raw, &s.origin, diags, message, fix);
    }
}

/// The spec value alone, for problems with the value itself rather than one of its names.
fn describe_value(s: &Symbol) -> String {
    describe(&Symbol { what: String::new(), ..s.clone() })
}

/// `parameter `userId` of `users.get`` and the like: what the reader wrote, not what it became.
fn describe(s: &Symbol) -> String {
    let base = match &s.origin {
        Origin::Api(key) => format!("`{key}`"),
        Origin::Resource { resource } => format!("resource `{resource}`"),
        Origin::Operation { resource, op } => format!("operation `{resource}.{op}`"),
        Origin::Input { resource, op, name, location } => {
            let kind = if *location == ParamIn::Body { "body field" } else { "parameter" };
            format!("{kind} `{name}` of `{resource}.{op}`")
        }
        Origin::BodyName { resource, op } => format!("the body name of `{resource}.{op}`"),
        Origin::ReplyField { resource, op, name } => format!("reply field `{name}` of `{resource}.{op}`"),
        Origin::Type { name, .. } => format!("type `{name}`"),
        Origin::TypeField { ty, name, .. } => format!("field `{name}` of type `{ty}`"),
        Origin::QuerySet { set } => format!("query set `{set}`"),
        Origin::QuerySetParam { set, name } => format!("parameter `{name}` of query set `{set}`"),
        Origin::Reserved(why) => return format!("a reserved name ({why})"),
    };
    if s.what.is_empty() {
        base
    } else {
        format!("the {} of {base}", s.what)
    }
}

/// Reports `message` at the spec value `origin` names.
fn place(raw: &RawSpec, origin: &Origin, diags: &mut Vec<Diagnostic>, message: String, fix: String) {
    let api = raw.api.as_ref();
    let resource_file = |name: &str| raw.resources.iter().find(|l| l.value.resource == name);
    let (source, raw_path, spec_path) = match origin {
        Origin::Reserved(_) => return,
        Origin::Api(key) => match api {
            Some(a) => (&a.source, (*key).to_owned(), (*key).to_owned()),
            None => return,
        },
        Origin::QuerySet { set } | Origin::QuerySetParam { set, .. } => {
            let Some(a) = api else { return };
            let i = a.value.query_sets.iter().position(|q| &q.name == set).unwrap_or_default();
            match origin {
                Origin::QuerySetParam { name, .. } => {
                    let j = a.value.query_sets[i].params.iter().position(|p| &p.name == name).unwrap_or_default();
                    (&a.source, format!("query_sets.{i}.params.{j}.name"), format!("query_sets.{set}.params.{name}"))
                }
                _ => (&a.source, format!("query_sets.{i}.name"), format!("query_sets.{set}")),
            }
        }
        Origin::Type { resource, name } | Origin::TypeField { resource, ty: name, .. } => {
            let Some(l) = resource_file(resource) else { return };
            let i = l.value.types.iter().position(|t| &t.name == name).unwrap_or_default();
            match origin {
                Origin::TypeField { name: field, .. } => {
                    let j = l.value.types[i].fields.iter().position(|f| &f.name == field).unwrap_or_default();
                    (&l.source, format!("types.{i}.fields.{j}.name"), format!("types.{name}.{field}"))
                }
                _ => (&l.source, format!("types.{i}.name"), format!("types.{name}")),
            }
        }
        Origin::Resource { resource } => match resource_file(resource) {
            Some(l) => (&l.source, "resource".to_owned(), resource.clone()),
            None => return,
        },
        Origin::Operation { resource, op }
        | Origin::Input { resource, op, .. }
        | Origin::BodyName { resource, op }
        | Origin::ReplyField { resource, op, .. } => {
            let Some(l) = resource_file(resource) else { return };
            let i = l.value.operations.iter().position(|o| &o.id == op).unwrap_or_default();
            let def = &l.value.operations[i];
            let at = format!("operations.{i}");
            let spec = format!("{resource}.{op}");
            let (raw_path, spec_path) = match origin {
                Origin::Input { name, location: ParamIn::Body, .. } => {
                    let fields = def.body.as_ref().map(|b| b.fields.as_slice()).unwrap_or_default();
                    let j = fields.iter().position(|f| &f.name == name).unwrap_or_default();
                    (format!("{at}.body.fields.{j}.name"), format!("{spec}.body.{name}"))
                }
                Origin::Input { name, .. } => {
                    let j = def.params.iter().position(|p| &p.name == name).unwrap_or_default();
                    (format!("{at}.params.{j}.name"), format!("{spec}.params.{name}"))
                }
                Origin::BodyName { .. } => (format!("{at}.body.name"), format!("{spec}.body.name")),
                Origin::ReplyField { name, .. } => {
                    let j = def.response.fields.iter().position(|f| &f.name == name).unwrap_or_default();
                    (format!("{at}.response.fields.{j}.name"), format!("{spec}.response.{name}"))
                }
                _ => (format!("{at}.id"), spec),
            };
            (&l.source, raw_path, spec_path)
        }
    };
    Reporter { source, out: diags }.error(&raw_path, &spec_path, message, fix);
}
