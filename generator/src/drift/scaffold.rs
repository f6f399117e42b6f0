//! Draft spec operations for the routes a package registers and the spec lacks: method, path, path
//! parameters, `since`, and query parameters and body fields from the OpenAPI document where it
//! has them. Each is marked `draft: true`, which `validate` reports until someone reviews it.
//!
//! A draft goes into the file of the resource that already has routes under the same first path
//! segment (appended to its `operations:`, which must be the file's last key), or into a new
//! resource file named after that segment.

use super::package::PackageRoute;
use super::Finding;
use crate::model::{Model, Version};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The findings to scaffold: routes the spec lacks, limited to those under one of `only`'s path
/// prefixes (whole segments) when it is not empty.
pub fn select<'a>(missing: &'a [Finding], only: &[String]) -> Vec<&'a Finding> {
    missing
        .iter()
        .filter(|f| only.is_empty() || only.iter().any(|p| f.path == *p || f.path.strip_prefix(p.trim_end_matches('/')).is_some_and(|r| r.starts_with('/'))))
        .collect()
}

fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

fn snake(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// An operation id from the method and the path below the resource segment.
fn base_id(method: &str, path: &str) -> String {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').skip(1).collect();
    let literal: Vec<&str> = segs.iter().copied().filter(|s| !s.starts_with('{')).collect();
    let keyed = segs.last().is_some_and(|s| s.starts_with('{'));
    if literal.is_empty() {
        let id = match (method, keyed || !segs.is_empty()) {
            ("GET", false) => "list",
            ("GET", true) => "get",
            ("POST", _) => "create",
            ("PATCH", false) => "update_many",
            ("PATCH", true) => "update",
            ("PUT", _) => "replace",
            ("DELETE", false) => "delete_many",
            ("DELETE", true) => "delete",
            ("SEARCH", _) => "search",
            _ => "call",
        };
        return id.to_owned();
    }
    let id = snake(&literal.join("_"));
    if method == "SEARCH" {
        format!("search_{id}")
    } else {
        id
    }
}

fn title(id: &str) -> String {
    id.split('_').filter(|w| !w.is_empty()).map(|w| w[..1].to_uppercase() + &w[1..]).collect::<Vec<_>>().join(" ")
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password") || n.contains("token") || n == "otp" || n.ends_with("_otp") || n == "secret" || n.ends_with("_secret") || n.contains("api_key")
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/")) {
        Some(r) => r.split('/').fold(doc, |v, k| v.get(k).unwrap_or(&Value::Null)),
        None => v,
    }
}

fn spec_type(doc: &Value, schema: &Value) -> &'static str {
    let schema = resolve(doc, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "string",
        Some("integer") => "integer",
        Some("number") => "number",
        Some("boolean") => "boolean",
        Some("array") => match resolve(doc, schema.get("items").unwrap_or(&Value::Null)).get("type").and_then(Value::as_str) {
            Some("string") => "string_list",
            Some("integer") => "integer_list",
            _ => "json_list",
        },
        _ => "json",
    }
}

/// The OpenAPI operation for this route, if the document has it.
fn oas_operation<'a>(doc: &'a Value, route: &PackageRoute) -> Option<&'a Value> {
    let paths = doc.get("paths")?.as_object()?;
    let method = route.method.to_ascii_lowercase();
    paths.iter().find_map(|(path, item)| {
        let generic = super::normalize(&super::generic_items_path(path));
        (route.expansions().contains(&generic)).then(|| item.get(&method)).flatten()
    })
}

struct Draft {
    resource: String,
    text: String,
    label: String,
}

fn draft(model: &Model, version: Version, f: &Finding, route: Option<&PackageRoute>, doc: Option<&Value>, taken: &mut BTreeSet<String>) -> Draft {
    let segment = first_segment(&f.path);
    let resource = model
        .resources
        .iter()
        .find(|r| r.operations.iter().flat_map(|o| &o.routes).any(|rt| first_segment(&rt.path) == segment))
        .map(|r| r.name.clone())
        .unwrap_or_else(|| snake(segment));
    let mut id = base_id(&f.method, &f.path);
    if taken.contains(&format!("{resource}.{id}")) {
        id = format!("{}_{id}", f.method.to_ascii_lowercase());
    }
    let mut n = 2;
    let stem = id.clone();
    while taken.contains(&format!("{resource}.{id}")) {
        id = format!("{stem}_{n}");
        n += 1;
    }
    taken.insert(format!("{resource}.{id}"));
    // Spec paths have no optional segments: the draft takes the longer form.
    let path = f.path.replace("?}", "}");
    let optional: Vec<&str> = f.path.split('/').filter(|s| s.ends_with("?}")).collect();
    let oas = doc.zip(route).and_then(|(d, r)| oas_operation(d, r));
    let mut t = String::new();
    let _ = writeln!(t, "  - id: {id}");
    let _ = writeln!(t, "    draft: true");
    let _ = writeln!(t, "    title: {}", title(&id));
    let summary = oas.and_then(|o| o.get("summary")).and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| format!("{} {}.", f.method, f.path));
    let _ = writeln!(t, "    summary: {}", yaml_str(summary.lines().next().unwrap_or_default().trim()));
    let mut description = format!("Drafted by `generator drift --scaffold` from Directus {version}: {}.", f.note);
    if !optional.is_empty() {
        description += &format!(" The server also answers without {}.", optional.join(", "));
    }
    let _ = writeln!(t, "    description: {}", yaml_str(&description));
    let _ = writeln!(t, "    method: {}", f.method);
    let _ = writeln!(t, "    path: {path}");
    let _ = writeln!(t, "    since: \"{version}\"");
    // Path parameters by position: types and descriptions from the document where it has them.
    let oas_path: Vec<&Value> = oas
        .and_then(|o| o.get("parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(doc.unwrap_or(&Value::Null), p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .collect();
    let names: Vec<String> = crate::validate::placeholders(&path).map(str::to_owned).collect();
    let mut params: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| match oas_path.get(i).filter(|_| oas_path.len() == names.len()) {
            Some(p) => {
                let ty = spec_type(doc.unwrap_or(&Value::Null), p.get("schema").unwrap_or(&Value::Null));
                let ty = if ty == "integer" || ty == "string" { ty } else { "string" };
                let desc = p.get("description").and_then(Value::as_str).unwrap_or("").lines().next().unwrap_or("").trim().to_owned();
                format!("      - {{ name: {name}, in: path, type: {ty}, description: {} }}", yaml_str(&desc))
            }
            None => format!("      - {{ name: {name}, in: path, type: string, description: \"Drafted: check the type.\" }}"),
        })
        .collect();
    let mut query_set = None;
    if let Some(o) = oas {
        let names: BTreeMap<String, &Value> = o
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| resolve(doc.unwrap_or(&Value::Null), p))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|p| Some((p.get("name")?.as_str()?.to_owned(), p)))
            .collect();
        // The api's query set, when the document lists its first parameter.
        let set = model.api.query_sets.iter().find(|s| s.params.first().is_some_and(|p| names.contains_key(&p.name)));
        if let Some(set) = set {
            query_set = Some(set.name.clone());
        }
        for (name, p) in &names {
            if set.is_some_and(|s| s.params.iter().any(|q| &q.name == name)) {
                continue;
            }
            let ty = spec_type(doc.unwrap_or(&Value::Null), p.get("schema").unwrap_or(&Value::Null));
            let desc = p.get("description").and_then(Value::as_str).unwrap_or("").lines().next().unwrap_or("").trim().to_owned();
            let secret = if looks_secret(name) { ", secret: true" } else { "" };
            params.push(format!("      - {{ name: {}, in: query, type: {ty}{secret}, description: {} }}", yaml_str(name), yaml_str(&desc)));
        }
    }
    if let Some(q) = query_set {
        let _ = writeln!(t, "    query: {q}");
    }
    if !params.is_empty() {
        let _ = writeln!(t, "    params:");
        for p in params {
            let _ = writeln!(t, "{p}");
        }
    }
    let body = oas.and_then(|o| o.pointer("/requestBody/content/application~1json/schema")).map(|s| resolve(doc.unwrap_or(&Value::Null), s));
    if let Some(schema) = body {
        let d = doc.unwrap_or(&Value::Null);
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let _ = writeln!(t, "    body:\n      kind: array\n      items: {}", match spec_type(d, schema) {
                    "string_list" => "string",
                    "integer_list" => "integer",
                    _ => "json",
                });
            }
            _ => match schema.get("properties").and_then(Value::as_object) {
                Some(props) if !props.is_empty() => {
                    let required: BTreeSet<&str> = schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                    let _ = writeln!(t, "    body:\n      kind: object\n      open: true\n      fields:");
                    for (name, p) in props {
                        let desc = resolve(d, p).get("description").and_then(Value::as_str).unwrap_or("").lines().next().unwrap_or("").trim().to_owned();
                        let req = if required.contains(name.as_str()) { ", required: true" } else { "" };
                        let secret = if looks_secret(name) { ", secret: true" } else { "" };
                        let _ = writeln!(t, "        - {{ name: {}, type: {}{req}{secret}, description: {} }}", yaml_str(name), spec_type(d, p), yaml_str(&desc));
                    }
                }
                _ => {
                    let _ = writeln!(t, "    body:\n      kind: value");
                }
            },
        }
    }
    let response = match (f.method.as_str(), oas) {
        (_, Some(o)) if o.pointer("/responses/200/content").is_none() && o.pointer("/responses/204").is_some() => "empty",
        ("DELETE", None) => "empty",
        _ => "json",
    };
    let _ = writeln!(t, "    response:\n      kind: {response}");
    let label = format!("{} {} → {resource}.{id}", f.method, f.path);
    Draft { resource, text: t, label }
}

/// Writes a draft for each finding into the spec folder; returns one line per draft written.
pub fn write(spec: &Path, model: &Model, version: Version, routes: &[PackageRoute], findings: &[&Finding], doc: Option<&Value>) -> Result<Vec<String>, String> {
    let mut taken: BTreeSet<String> = model.resources.iter().flat_map(|r| r.operations.iter().map(move |o| format!("{}.{}", r.name, o.id))).collect();
    let mut by_resource: BTreeMap<String, Vec<Draft>> = BTreeMap::new();
    for f in findings {
        let route = routes.iter().find(|r| r.method == f.method && r.path == f.path);
        let d = draft(model, version, f, route, doc, &mut taken);
        by_resource.entry(d.resource.clone()).or_default().push(d);
    }
    let mut lines = Vec::new();
    for (resource, drafts) in by_resource {
        let existing = model.resources.iter().find(|r| r.name == resource);
        let file = match existing {
            Some(r) => spec.join(&r.source),
            None => spec.join("resources").join(format!("{resource}.yaml")),
        };
        let mut text = match existing {
            Some(_) => {
                let t = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                let last_key = t.lines().filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic())).filter_map(|l| l.split_once(':')).next_back().map(|(k, _)| k.trim());
                if last_key != Some("operations") {
                    return Err(format!("{}: `operations:` is not the last key, so drafts cannot be appended; move it to the end", file.display()));
                }
                let mut t = t.trim_end().to_owned();
                t.push('\n');
                t
            }
            None if file.exists() => return Err(format!("{} exists but is not a resource of the spec", file.display())),
            None => format!(
                "# yaml-language-server: $schema=../../generated/schema/resource.schema.json\nresource: {resource}\ntitle: {}\ndescription: |\n  Drafted by `generator drift --scaffold` from Directus {version}; describe the resource.\n\noperations:\n",
                title(&resource)
            ),
        };
        for d in &drafts {
            text.push('\n');
            text += &d.text;
            lines.push(format!("draft {} in {}", d.label, file.display()));
        }
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(base_id("GET", "/access"), "list");
        assert_eq!(base_id("GET", "/access/{pk}"), "get");
        assert_eq!(base_id("PATCH", "/access"), "update_many");
        assert_eq!(base_id("DELETE", "/access/{pk}"), "delete");
        assert_eq!(base_id("SEARCH", "/items/{collection}"), "search");
        assert_eq!(base_id("POST", "/versions/{pk}/save"), "save");
        assert_eq!(base_id("GET", "/policies/me/globals"), "me_globals");
        assert_eq!(base_id("POST", "/utils/resolve-redirect"), "resolve_redirect");
        assert_eq!(title("update_many"), "Update Many");
    }
}
