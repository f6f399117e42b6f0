//! How the spec and a real Directus server differ: from the server's OpenAPI document (saved, or
//! fetched live), plus live probes of the routes Directus's OpenAPI output is known to leave out.

pub mod js;
pub mod live;
pub mod npm;
pub mod package;
pub mod releases;
pub mod scaffold;
pub mod report;

use crate::model::{Model, Operation, Version};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A route as `METHOD /path/{}` with placeholder names dropped, since the two sides name them
/// differently (`{id}` against `{collection}`).
pub type RouteKey = (String, String);

pub fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push_str("{}");
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// The routes of an OpenAPI document: (method, normalized path) → query parameter names.
/// Paths of one project's own collections (`/items/articles`) become the generic `/items/{}`.
pub fn oas_routes(doc: &Value) -> Result<BTreeMap<RouteKey, BTreeSet<String>>, String> {
    let paths = doc.get("paths").and_then(Value::as_object).ok_or("the document has no `paths` object; is it an OpenAPI document?")?;
    let mut out = BTreeMap::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let generic = generic_items_path(path);
        let shared = params(doc, item.get("parameters"));
        for (method, op) in item {
            let m = method.to_ascii_uppercase();
            if !matches!(m.as_str(), "GET" | "POST" | "PATCH" | "PUT" | "DELETE" | "SEARCH") {
                continue;
            }
            let mut names = shared.clone();
            names.extend(params(doc, op.get("parameters")));
            out.entry((m, normalize(&generic))).or_insert_with(BTreeSet::new).extend(names);
        }
    }
    Ok(out)
}

pub(crate) fn generic_items_path(path: &str) -> String {
    match path.strip_prefix("/items/") {
        Some(rest) if !rest.starts_with('{') => match rest.split_once('/') {
            Some((_, tail)) => format!("/items/{{collection}}/{tail}"),
            None => "/items/{collection}".into(),
        },
        _ => path.to_owned(),
    }
}

/// Query parameter names, following `$ref`s into `components.parameters`.
fn params(doc: &Value, list: Option<&Value>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        let resolved = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r.strip_prefix("#/").map(|r| r.split('/').fold(doc, |v, k| v.get(k).unwrap_or(&Value::Null))).unwrap_or(&Value::Null),
            None => p,
        };
        if resolved.get("in").and_then(Value::as_str) == Some("query") {
            if let Some(name) = resolved.get("name").and_then(Value::as_str) {
                out.insert(name.to_owned());
            }
        }
    }
    out
}

/// Directus 10.x puts its version in `info.version`; 12.x puts a hash there.
pub fn oas_version(doc: &Value) -> Option<Version> {
    doc.pointer("/info/version")?.as_str()?.parse().ok()
}

/// The route an operation has on a server of version `v`, if it has the operation at all.
pub fn route_at(op: &Operation, v: Version) -> Option<&crate::model::Route> {
    if op.since.is_some_and(|s| v < s) || op.removed_in.is_some_and(|r| v >= r) {
        return None;
    }
    op.routes.iter().find(|r| r.since.is_none_or(|s| v >= s) && r.until.is_none_or(|u| v < u))
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub method: String,
    pub path: String,
    /// Spec operations involved, when any.
    pub operations: Vec<String>,
    pub note: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Drift {
    pub server_version: String,
    pub source: String,
    /// Drift: the server has these routes and the spec has no operation on them.
    pub missing_from_spec: Vec<Finding>,
    /// Drift: the spec expects these on this version and the server does not have them.
    pub missing_from_server: Vec<Finding>,
    /// Drift: the same route takes query parameters the spec does not know.
    pub parameter_mismatches: Vec<Finding>,
    /// Not drift: the spec has these routes for other versions of Directus.
    pub version_differences: Vec<Finding>,
    /// Not drift: routes Directus's OpenAPI output leaves out, and what a live probe found.
    pub not_in_oas: Vec<Finding>,
    /// Not drift: per-collection routes, absent from a document of a project without collections.
    pub unverifiable: Vec<Finding>,
    /// With a package: what it registers, in numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageSummary>,
    /// Not drift: routes served only in some configurations (env-gated, one per auth provider).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configuration_dependent: Vec<Finding>,
    /// Not drift: routes the package registers outside what the client covers (GraphQL, license…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub out_of_scope: Vec<Finding>,
    /// Not drift: routes the OpenAPI document lists and the package does not register.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documented_not_served: Vec<Finding>,
    /// Not drift: query parameters only the OpenAPI document claims; the package does not confirm them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified_parameters: Vec<Finding>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PackageSummary {
    pub api_version: String,
    /// Distinct method and path pairs the package registers (OPTIONS and HEAD not counted).
    pub routes: usize,
    pub in_scope: usize,
    /// In scope and conditional.
    pub configuration_dependent: usize,
    pub out_of_scope: usize,
    /// In-scope routes some spec operation serves at this version.
    pub served_by_spec: usize,
    /// OPTIONS and HEAD registrations.
    pub other_methods: usize,
}

impl Drift {
    pub fn has_drift(&self) -> bool {
        !(self.missing_from_spec.is_empty() && self.missing_from_server.is_empty() && self.parameter_mismatches.is_empty())
    }
}

/// Compares the spec with a server's routes. `probe` answers, for a route the document leaves out
/// (given as a concrete path), whether the live server has it (`None`: no live server to ask).
pub fn compare(
    model: &Model,
    version: Version,
    source: &str,
    server: &BTreeMap<RouteKey, BTreeSet<String>>,
    probe: &mut dyn FnMut(&str, &str) -> Option<bool>,
) -> Drift {
    let mut drift = Drift { server_version: version.to_string(), source: source.to_owned(), ..Default::default() };
    let query_set_names = |op: &Operation| declared_query(model, op);
    let (expected, anywhen) = spec_routes(model, version);
    let ids = |ops: &[&Operation]| ops.iter().map(|o| o.full_id.clone()).collect::<Vec<_>>();
    for (key, oas_params) in server {
        let (method, path) = key;
        match expected.get(key) {
            Some(ops) => {
                let known: BTreeSet<String> = ops.iter().flat_map(|o| query_set_names(o)).collect();
                let unknown: Vec<&String> = oas_params.iter().filter(|p| !known.contains(*p)).collect();
                if !unknown.is_empty() {
                    drift.parameter_mismatches.push(Finding {
                        method: method.clone(),
                        path: path.clone(),
                        operations: ids(ops),
                        note: format!("the server takes {} that the spec does not declare", unknown.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")),
                    });
                }
            }
            None => match anywhen.get(key) {
                Some(ops) => drift.version_differences.push(Finding {
                    method: method.clone(),
                    path: path.clone(),
                    operations: ids(ops),
                    note: format!("served by {}, which the spec places in other Directus versions", ids(ops).join(", ")),
                }),
                None => {
                    let other: BTreeSet<&str> = server.keys().chain(expected.keys()).filter(|(m, p)| p == path && m != method).map(|(m, _)| m.as_str()).collect();
                    let other: Vec<&str> = other.into_iter().collect();
                    let note = if other.is_empty() { "no spec operation".to_owned() } else { format!("no spec operation for this method; the path is also served with {}", other.join(", ")) };
                    drift.missing_from_spec.push(Finding { method: method.clone(), path: path.clone(), operations: Vec::new(), note });
                }
            },
        }
    }
    for (key, ops) in &expected {
        if server.contains_key(key) {
            continue;
        }
        let (method, path) = key;
        let finding = |note: String| Finding { method: method.clone(), path: path.clone(), operations: ids(ops), note };
        // Placeholders get an allowed value where the spec lists some (routes may check them), or
        // the parameter's default, otherwise a value no item has.
        let original = ops[0].routes.iter().find(|r| normalize(&r.path) == *path).map(|r| r.path.clone()).unwrap_or_else(|| path.clone());
        let mut probe_path = original.clone();
        for name in crate::validate::placeholders(&original).map(str::to_owned).collect::<Vec<_>>() {
            // Shaped like the keys the server matches: some routes take only a UUID (`/shares/:pk(uuid)`),
            // and any other value gets 404 ROUTE_NOT_FOUND as if the route were missing.
            let param = ops[0].path_params.iter().find(|p| p.name == name);
            let value = match param {
                Some(p) if !p.values.is_empty() => p.values[0].clone(),
                // The server's own default names something that exists (`extensions.source`: index.js).
                Some(p) if p.default.as_ref().and_then(|d| d.as_str()).is_some() => p.default.as_ref().and_then(|d| d.as_str()).unwrap_or_default().to_owned(),
                Some(p) if p.ty == crate::model::Type::Integer => "0".into(),
                _ => "00000000-0000-4000-8000-000000000000".into(),
            };
            probe_path = probe_path.replace(&format!("{{{name}}}"), &value);
        }
        if path.starts_with("/items/{}") {
            drift.unverifiable.push(finding("per-collection route; the document lists it only for existing collections".into()));
        } else if ops.iter().all(|o| !o.in_oas) {
            match probe(method, &probe_path) {
                None => drift.not_in_oas.push(finding("Directus's OpenAPI output leaves it out; check it with --url".into())),
                Some(true) => drift.not_in_oas.push(finding("left out of the OpenAPI output; the live server has it".into())),
                Some(false) => drift.missing_from_server.push(finding("left out of the OpenAPI output, and the live server answers 404 ROUTE_NOT_FOUND".into())),
            }
        } else {
            drift.missing_from_server.push(finding("the spec has it for this version; the server's document does not".into()));
        }
    }
    drift
}

/// Compares the spec with the routes a server package registers, and, when given, the routes and
/// parameters of an OpenAPI document with the package.
pub fn compare_package(model: &Model, version: Version, source: &str, pkg: &package::Package, oas: Option<&BTreeMap<RouteKey, BTreeSet<String>>>) -> Drift {
    use package::{out_of_scope, Availability};
    let mut drift = Drift { server_version: version.to_string(), source: source.to_owned(), ..Default::default() };
    let (expected, anywhen) = spec_routes(model, version);
    let ids = |ops: &[&Operation]| ops.iter().map(|o| o.full_id.clone()).collect::<Vec<_>>();
    let serving = |r: &package::PackageRoute, map: &BTreeMap<RouteKey, Vec<&Operation>>| -> Vec<String> {
        let mut out: Vec<String> = map.iter().filter(|((m, p), _)| r.serves(m, p)).flat_map(|(_, ops)| ids(ops)).collect();
        out.sort();
        out.dedup();
        out
    };
    let mut summary = PackageSummary { api_version: pkg.api_version.clone(), routes: pkg.routes.len(), other_methods: pkg.other_methods, ..Default::default() };
    for r in &pkg.routes {
        let ops = serving(r, &expected);
        let finding = |operations: Vec<String>, note: String| Finding { method: r.method.clone(), path: r.path.clone(), operations, note };
        let condition = r.condition.as_deref().map(|c| match c.strip_prefix("per ") {
            Some(rest) => format!("one per {rest}; {}", r.default_note()),
            None => format!("if {c}; {}", r.default_note()),
        });
        if let Some(why) = out_of_scope(&r.path) {
            summary.out_of_scope += 1;
            let note = match &condition {
                Some(c) => format!("{why}; {c}"),
                None => why.to_owned(),
            };
            drift.out_of_scope.push(finding(ops, note));
            continue;
        }
        summary.in_scope += 1;
        if !ops.is_empty() {
            summary.served_by_spec += 1;
        }
        if let Some(c) = &condition {
            summary.configuration_dependent += 1;
            drift.configuration_dependent.push(finding(ops.clone(), c.clone()));
            if r.default != Availability::On {
                continue;
            }
        }
        if !ops.is_empty() {
            continue;
        }
        let elsewhere = serving(r, &anywhen);
        let at = format!("registered at {}", r.sources.join(", "));
        if !elsewhere.is_empty() {
            let note = format!("{at}; served by {}, which the spec places in other Directus versions", elsewhere.join(", "));
            drift.version_differences.push(finding(elsewhere, note));
            continue;
        }
        let others: BTreeSet<&str> = pkg.routes.iter().filter(|o| o.path == r.path && o.method != r.method).map(|o| o.method.as_str()).collect();
        let note = if others.is_empty() { at } else { format!("{at}; the path is also registered with {}", others.into_iter().collect::<Vec<_>>().join(", ")) };
        drift.missing_from_spec.push(finding(Vec::new(), note));
    }
    for ((method, path), ops) in &expected {
        if pkg.routes.iter().any(|r| r.serves(method, path)) {
            continue;
        }
        drift.missing_from_server.push(Finding {
            method: method.clone(),
            path: path.clone(),
            operations: ids(ops),
            note: "the spec has it for this version; the package registers no such route".into(),
        });
    }
    if let Some(oas) = oas {
        let query_set_names = |op: &Operation| declared_query(model, op);
        for ((method, path), params) in oas {
            if !pkg.routes.iter().any(|r| r.serves(method, path)) {
                drift.documented_not_served.push(Finding {
                    method: method.clone(),
                    path: path.clone(),
                    operations: expected.get(&(method.clone(), path.clone())).map(|ops| ids(ops)).unwrap_or_default(),
                    note: "in the OpenAPI document; the package registers no such route (a request gets 404 ROUTE_NOT_FOUND)".into(),
                });
                continue;
            }
            if let Some(ops) = expected.get(&(method.clone(), path.clone())) {
                let known: BTreeSet<String> = ops.iter().flat_map(|o| query_set_names(o)).collect();
                let unknown: Vec<String> = params.iter().filter(|p| !known.contains(*p)).map(|p| format!("`{p}`")).collect();
                if !unknown.is_empty() {
                    drift.unverified_parameters.push(Finding {
                        method: method.clone(),
                        path: path.clone(),
                        operations: ids(ops),
                        note: format!("the OpenAPI document lists {} that the spec does not declare; unverified", unknown.join(", ")),
                    });
                }
            }
        }
    }
    drift.package = Some(summary);
    drift
}

type SpecRoutes<'a> = BTreeMap<RouteKey, Vec<&'a Operation>>;

/// What the spec expects at `version`, and every route it has at any version.
fn spec_routes(model: &Model, version: Version) -> (SpecRoutes<'_>, SpecRoutes<'_>) {
    let mut expected: SpecRoutes = BTreeMap::new();
    let mut anywhen: SpecRoutes = BTreeMap::new();
    for op in model.resources.iter().flat_map(|r| &r.operations) {
        if op.composite.is_some() {
            continue;
        }
        let method = crate::emit::method_name(op.method).to_owned();
        for r in &op.routes {
            anywhen.entry((method.clone(), normalize(&r.path))).or_default().push(op);
        }
        if let Some(r) = route_at(op, version) {
            expected.entry((method, normalize(&r.path))).or_default().push(op);
        }
    }
    (expected, anywhen)
}

/// The query parameters the spec says `op` takes: its own, its query set's, and `fields` when the
/// reply is shaped by it (`reply_fields`).
fn declared_query(model: &Model, op: &Operation) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = op.query_params.iter().map(|p| p.name.clone()).collect();
    if let Some(set) = model.api.query_set_of(op) {
        names.extend(set.params.iter().map(|p| p.name.clone()));
    }
    if op.reply_fields {
        names.insert(crate::model::names::REPLY_FIELDS.to_owned());
    }
    names
}
