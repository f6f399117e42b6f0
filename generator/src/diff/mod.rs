//! What changed between two specs, and what each change does to the generated Rust API, the CLI
//! and the docs. `report.rs` turns the list into Markdown or JSON and the semver bump.

pub mod git;
pub mod report;

use crate::model::{names, Body, Model, Operation, Param, Resource, Type};
use serde::Serialize;
use std::collections::BTreeMap;

/// How a change lands on one surface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    None,
    /// Callers keep working; something was added.
    Compatible,
    /// Some callers stop compiling (Rust) or stop working (CLI scripts).
    Breaking,
}

#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub resource: String,
    /// `resource.operation`, when the change is inside one operation.
    pub operation: Option<String>,
    /// A short class name, e.g. `operation-added`, `param-required`.
    pub class: &'static str,
    pub detail: String,
    pub rust: Impact,
    pub cli: Impact,
    /// Whether the generated docs change.
    pub docs: bool,
}

use Impact::{Breaking as B, Compatible as C, None as N};

struct Diff {
    changes: Vec<Change>,
}

impl Diff {
    fn push(&mut self, resource: &str, op: Option<&Operation>, class: &'static str, detail: String, rust: Impact, cli: Impact) {
        self.changes.push(Change {
            resource: resource.to_owned(),
            operation: op.map(|o| o.full_id.clone()),
            class,
            detail,
            rust,
            cli,
            docs: true,
        });
    }
}

/// Rewrites `version:` under `crate:` in an api.yaml, leaving every other byte as it was.
pub fn set_crate_version(api_yaml: &std::path::Path, version: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(api_yaml).map_err(|e| format!("{}: {e}", api_yaml.display()))?;
    let mut in_crate = false;
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            in_crate = line.trim_end() == "crate:";
        }
        let trimmed = line.trim_start();
        if in_crate && !done && trimmed.starts_with("version:") {
            let indent = &line[..line.len() - trimmed.len()];
            out += &format!("{indent}version: {version}\n");
            done = true;
        } else {
            out += line;
        }
    }
    if !done {
        return Err(format!("{}: no `version:` under `crate:` to update", api_yaml.display()));
    }
    std::fs::write(api_yaml, out).map_err(|e| format!("{}: {e}", api_yaml.display()))
}

pub fn compare(old: &Model, new: &Model) -> Vec<Change> {
    let mut d = Diff { changes: Vec::new() };
    api(&mut d, old, new);
    let olds: BTreeMap<&str, &Resource> = old.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    let news: BTreeMap<&str, &Resource> = new.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    for (name, r) in &olds {
        if !news.contains_key(name) {
            d.push(name, None, "resource-removed", format!("resource `{name}` removed with its {} operations", r.operations.len()), B, B);
        }
    }
    for (name, nr) in &news {
        match olds.get(name) {
            None => d.push(name, None, "resource-added", format!("resource `{name}` added with {}", report::count(nr.operations.len(), "operation")), C, C),
            Some(or) => resource(&mut d, (old, new), or, nr),
        }
    }
    types(&mut d, old, new);
    d.changes
}

/// Record types: the CLI prints replies as the server sent them, so only Rust callers see these.
/// The types and their enums are `#[non_exhaustive]`, so what is added breaks no caller.
fn types(d: &mut Diff, old: &Model, new: &Model) {
    use crate::model::RecordType;
    let olds: BTreeMap<&str, &RecordType> = old.types().map(|t| (t.name.as_str(), t)).collect();
    let news: BTreeMap<&str, &RecordType> = new.types().map(|t| (t.name.as_str(), t)).collect();
    let home = |m: &Model, name: &str| m.resources.iter().find(|r| r.types.iter().any(|t| t.name == name)).map(|r| r.name.clone()).unwrap_or_default();
    for name in olds.keys().filter(|k| !news.contains_key(*k)) {
        d.push(&home(old, name), None, "type-removed", format!("type `{}` removed", names::type_name(name)), B, N);
    }
    for (name, nt) in &news {
        let res = home(new, name);
        let Some(ot) = olds.get(name) else {
            d.push(&res, None, "type-added", format!("type `{}` added", names::type_name(name)), C, N);
            continue;
        };
        let ty = names::type_name(name);
        for f in ot.fields.iter().filter(|f| !nt.fields.iter().any(|n| n.name == f.name)) {
            d.push(&res, None, "type-field-removed", format!("`{ty}.{}` removed", names::ident(&f.name)), B, N);
        }
        for f in &nt.fields {
            let field = names::ident(&f.name);
            let Some(o) = ot.fields.iter().find(|o| o.name == f.name) else {
                d.push(&res, None, "type-field-added", format!("`{ty}.{field}` added"), C, N);
                continue;
            };
            let shape = |f: &crate::model::TypeField| (f.ty.clone(), f.list, f.map, f.relation.clone(), f.secret, f.required && !f.nullable, f.values.is_empty());
            if shape(o) != shape(f) {
                d.push(&res, None, "type-field-type", format!("`{ty}.{field}` changed type"), B, N);
                continue;
            }
            let removed: Vec<&String> = o.values.iter().filter(|v| !f.values.contains(v)).collect();
            let added: Vec<&String> = f.values.iter().filter(|v| !o.values.contains(v)).collect();
            if !removed.is_empty() {
                // A value that was a variant now decodes as `Unknown`: matches on it stop compiling.
                d.push(&res, None, "type-values-removed", format!("`{ty}.{field}`: values {} removed", list(&removed.iter().map(|v| v.to_string()).collect::<Vec<_>>())), B, N);
            }
            if !added.is_empty() {
                // Compatible, but not silent: code that matched `Unknown(s)` by its text sees a
                // variant instead, so the note says so (matching by `as_str()` keeps working).
                d.push(
                    &res,
                    None,
                    "type-values-added",
                    format!(
                        "`{ty}.{field}`: values {} added (they read as their own variants now, no longer as `Unknown`; code matching them should use `as_str()`)",
                        list(&added.iter().map(|v| v.to_string()).collect::<Vec<_>>())
                    ),
                    C,
                    N,
                );
            }
            if (o.description.as_str(), o.since, o.removed_in, o.nullable) != (f.description.as_str(), f.since, f.removed_in, f.nullable) {
                d.push(&res, None, "docs", format!("`{ty}.{field}`: description, versions or nullability"), N, N);
            }
        }
        if (ot.title.as_str(), ot.description.as_str(), &ot.collection, ot.since, ot.removed_in) != (nt.title.as_str(), nt.description.as_str(), &nt.collection, nt.since, nt.removed_in) {
            d.push(&res, None, "docs", format!("type `{ty}`: title, description, collection or versions"), N, N);
        }
    }
}

fn api(d: &mut Diff, old: &Model, new: &Model) {
    let (o, n) = (&old.api, &new.api);
    if o.crate_name != n.crate_name {
        d.push("(api)", None, "crate-renamed", format!("crate `{}` renamed to `{}`", o.crate_name, n.crate_name), B, N);
    }
    if o.binary != n.binary {
        d.push("(api)", None, "binary-renamed", format!("command-line tool `{}` renamed to `{}`", o.binary, n.binary), N, B);
    }
    if o.api_version != n.api_version {
        d.push("(api)", None, "api-version", format!("checked against Directus {} (was {})", n.api_version, o.api_version), N, N);
    }
    if o.title != n.title || o.description != n.description {
        d.push("(api)", None, "docs", "API title or description".into(), N, N);
    }
    let codes = |m: &Model| m.api.errors.iter().map(|e| (e.code.clone(), (e.status, e.meaning.clone(), e.fix.clone()))).collect::<BTreeMap<_, _>>();
    if codes(old) != codes(new) {
        d.push("(api)", None, "docs", "error catalog (codes, meanings or fixes)".into(), N, N);
    }
    let sets = |m: &Model| m.api.query_sets.iter().map(|q| (q.name.clone(), q.params.clone())).collect::<BTreeMap<_, _>>();
    let (os, ns) = (sets(old), sets(new));
    for (name, params) in &os {
        match ns.get(name) {
            None => d.push("(api)", None, "query-set-removed", format!("query set `{name}` removed"), B, B),
            // `Query` is always there: a new optional parameter is a new setter.
            Some(np) => inputs(d, "(api)", None, &format!("query set `{name}`"), params, np, true),
        }
    }
    let metas = |m: &Model| m.api.query_sets.iter().map(|q| (q.name.clone(), q.meta.clone())).collect::<BTreeMap<_, _>>();
    let (om, nm) = (metas(old), metas(new));
    for (name, meta) in &om {
        // Rust callers ask for `meta` with `.with_meta()`, which every `ListCall` has; only the
        // CLI's output changes shape (`{"data", "meta"}` with `--meta`).
        match (meta, nm.get(name)) {
            (Some(_), Some(None)) => d.push("(api)", None, "query-set-meta", format!("query set `{name}`: the CLI no longer prints lists with their `meta`"), N, B),
            (None, Some(Some(_))) => d.push("(api)", None, "query-set-meta", format!("query set `{name}`: the CLI prints lists with their `meta` when asked"), N, C),
            _ => {}
        }
    }
    for name in ns.keys().filter(|n| !os.contains_key(*n)) {
        d.push("(api)", None, "query-set-added", format!("query set `{name}` added"), C, C);
    }
    // `Client::login` and `login_with_otp` call the `client_login` operation and return its reply.
    let login = |m: &Model| m.client_login().map(|(_, op)| (op.full_id.clone(), op.reply_type()));
    match (login(old), login(new)) {
        (Some(o), None) => d.push("(api)", None, "client-login", format!("`Client::login` removed (it called `{}`)", o.0), B, N),
        (None, Some(n)) => d.push("(api)", None, "client-login", format!("`Client::login` added (it calls `{}`)", n.0), C, N),
        (Some(o), Some(n)) if o != n => {
            d.push("(api)", None, "client-login", format!("`Client::login` calls `{}` (was `{}`): its reply type may differ", n.0, o.0), B, N)
        }
        _ => {}
    }
}

/// Both sides whole, for what an operation's generated code reads beyond the operation (its query
/// set).
type Sides<'a> = (&'a Model, &'a Model);

fn resource(d: &mut Diff, sides: Sides<'_>, old: &Resource, new: &Resource) {
    if old.title != new.title || old.description != new.description {
        d.push(&new.name, None, "docs", "resource title or description".into(), N, N);
    }
    let olds: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let news: BTreeMap<&str, &Operation> = new.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    // A renamed operation (spec `renamed_from`) is the old one under a new id; the old id keeps
    // working (a deprecated method, a hidden CLI alias), so the rename itself breaks nothing.
    let renamed: BTreeMap<&str, &Operation> =
        new.operations.iter().filter_map(|o| o.renamed_from.as_deref().filter(|old| !news.contains_key(old)).map(|old| (old, o))).collect();
    for (id, op) in &olds {
        if news.contains_key(id) {
            continue;
        }
        match renamed.get(id) {
            Some(nop) => {
                let what = format!("operation `{}` renamed `{}` (the old name kept, deprecated)", op.full_id, nop.full_id);
                d.push(&new.name, Some(nop), "operation-renamed", what, C, C);
                operation(d, sides, &new.name, op, nop);
            }
            None => d.push(&new.name, Some(op), "operation-removed", format!("operation `{}` removed", op.full_id), B, B),
        }
    }
    for (id, nop) in &news {
        match olds.get(id) {
            None if nop.renamed_from.as_deref().is_some_and(|old| olds.contains_key(old)) => {}
            None => d.push(&new.name, Some(nop), "operation-added", format!("operation `{}` added ({} {})", nop.full_id, method(nop), nop.routes.last().map(|r| r.path.as_str()).unwrap_or_default()), C, C),
            Some(oop) => operation(d, sides, &new.name, oop, nop),
        }
    }
}

fn method(op: &Operation) -> &'static str {
    crate::emit::method_name(op.method)
}

fn operation(d: &mut Diff, sides: Sides<'_>, res: &str, o: &Operation, n: &Operation) {
    let at = Some(n);
    list_call(d, sides, res, o, n);
    if o.method != n.method {
        d.push(res, at, "method", format!("`{}`: method {} → {}", n.full_id, method(o), method(n)), N, N);
    }
    let paths = |op: &Operation| op.routes.iter().map(|r| r.path.clone()).collect::<Vec<_>>();
    let ranges = |op: &Operation| op.routes.iter().map(|r| (r.since, r.until)).collect::<Vec<_>>();
    if paths(o) != paths(n) {
        d.push(res, at, "path", format!("`{}`: path {} → {}", n.full_id, paths(o).join(", "), paths(n).join(", ")), N, N);
    } else if ranges(o) != ranges(n) {
        d.push(res, at, "versions", format!("`{}`: version ranges of its routes changed", n.full_id), N, N);
    }
    if o.since != n.since || o.removed_in != n.removed_in || o.replacement != n.replacement {
        let show = |v: Option<crate::model::Version>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
        d.push(
            res,
            at,
            "versions",
            format!("`{}`: available {}..{} (was {}..{})", n.full_id, show(n.since), show(n.removed_in), show(o.since), show(o.removed_in)),
            // Calls on servers outside the new range now fail before sending; signatures stay.
            C,
            C,
        );
    }
    if o.auth != n.auth {
        d.push(res, at, "auth", format!("`{}`: auth {:?} → {:?}", n.full_id, o.auth, n.auth), N, N);
    }
    let oi: Vec<Param> = o.inputs().cloned().collect();
    let ni: Vec<Param> = n.inputs().cloned().collect();
    inputs(d, res, at, &format!("`{}`", n.full_id), &oi, &ni, o.has_options());
    if std::mem::discriminant(&o.body) != std::mem::discriminant(&n.body) || body_shape(&o.body) != body_shape(&n.body) {
        d.push(res, at, "body", format!("`{}`: body {} → {}", n.full_id, body_shape(&o.body), body_shape(&n.body)), B, B);
    }
    if o.open_body != n.open_body {
        // Opening the body of a method without `options` gives it that argument.
        let (r, c) = match (n.open_body, o.has_options()) {
            (true, true) => (C, C),
            (true, false) => (B, C),
            (false, _) => (B, B),
        };
        d.push(res, at, "body", format!("`{}`: body {} free-form fields", n.full_id, if n.open_body { "now takes" } else { "no longer takes" }), r, c);
    }
    match (&o.query_set, &n.query_set) {
        (None, Some(q)) => d.push(res, at, "query-set", format!("`{}`: now takes query set `{q}`", n.full_id), B, C),
        (Some(q), None) => d.push(res, at, "query-set", format!("`{}`: no longer takes query set `{q}`", n.full_id), B, B),
        (Some(a), Some(b)) if a != b => d.push(res, at, "query-set", format!("`{}`: query set `{a}` → `{b}`", n.full_id), B, B),
        _ => {}
    }
    response(d, res, n, o, n);
    // Per-operation CLI flags the spec's markers add: `--yes` (confirm) and `--fields`
    // (reply_fields). In Rust, `Call::fields` exists on every call, so only the docs change.
    if o.confirm != n.confirm {
        let what = if n.confirm {
            "now asks before sending and wants `--yes` when stdin is not a terminal"
        } else {
            "no longer asks, and no longer takes `--yes`"
        };
        d.push(res, at, "confirm", format!("`{}`: {what}", n.full_id), N, B);
    }
    if o.reply_fields != n.reply_fields {
        let (what, cli) = if n.reply_fields { ("now takes `--fields` for the saved record it prints", C) } else { ("no longer takes `--fields`", B) };
        d.push(res, at, "reply-fields", format!("`{}`: {what}", n.full_id), N, cli);
    }
    let docs_text = |op: &Operation| (op.title.clone(), op.summary.clone(), op.description.clone(), op.response.description.clone(), op.response.example.clone());
    let errors = |op: &Operation| op.errors.iter().map(|e| (e.code.clone(), e.when.clone(), e.fix.clone())).collect::<Vec<_>>();
    if docs_text(o) != docs_text(n) || errors(o) != errors(n) {
        d.push(res, at, "docs", format!("`{}`: text, example or listed errors", n.full_id), N, N);
    }
    if o.tested_on != n.tested_on {
        d.push(res, at, "docs", format!("`{}`: live-tested on {} (was {})", n.full_id, list(&n.tested_on), list(&o.tested_on)), N, N);
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "nothing".into()
    } else {
        v.join(", ")
    }
}

fn body_shape(b: &Body) -> String {
    match b {
        Body::None => "none".into(),
        Body::Object(_) => "object".into(),
        Body::Array { items, .. } => format!("array of {}", type_name(*items)),
        Body::Value { .. } => "free-form JSON".into(),
        Body::Multipart(_) => "multipart".into(),
    }
}

fn type_name(t: Type) -> &'static str {
    match t {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Json => "json",
        Type::StringList => "string_list",
        Type::IntegerList => "integer_list",
        Type::JsonList => "json_list",
        Type::File => "file",
    }
}

/// A list whose query set has `limit` and `offset` is a `ListCall` (read page by page, `--all`
/// in the CLI), any other JSON reply a `Call`: a query set, method or reply change can switch an
/// operation between the two, and its return type with it.
fn list_call(d: &mut Diff, (old, new): Sides<'_>, res: &str, o: &Operation, n: &Operation) {
    let (was, is) = (old.api.streamed_set_of(o).is_some(), new.api.streamed_set_of(n).is_some());
    // A reply or query set that changed is reported (as breaking) on its own.
    if was == is || o.response.shape != n.response.shape || o.query_set != n.query_set {
        return;
    }
    let (detail, cli) = if is { ("now returns a `ListCall` (read page by page; CLI: `--all`)", C) } else { ("no longer returns a `ListCall` (CLI: no `--all`)", B) };
    d.push(res, Some(n), "response-type", format!("`{}`: {detail}", n.full_id), B, cli);
}

/// Parameters and fields, matched by name. `options` says whether the method already takes an
/// `…Options` argument (or the query set a `Query`), where a new optional input lands.
fn inputs(d: &mut Diff, res: &str, at: Option<&Operation>, owner: &str, old: &[Param], new: &[Param], options: bool) {
    let om: BTreeMap<&str, &Param> = old.iter().map(|p| (p.name.as_str(), p)).collect();
    let nm: BTreeMap<&str, &Param> = new.iter().map(|p| (p.name.as_str(), p)).collect();
    for (name, p) in &om {
        if !nm.contains_key(name) {
            d.push(res, at, "param-removed", format!("{owner}: {} `{name}` removed", where_(p)), B, B);
        }
    }
    for (name, p) in &nm {
        let Some(o) = om.get(name) else {
            // A new required input is a new positional argument and a new required flag; an
            // optional one is a new `Options` field, which callers who start from
            // `Default::default()` never notice, unless the method had no `options` argument yet.
            let (r, c) = match (p.required, options) {
                (true, _) => (B, B),
                (false, true) => (C, C),
                (false, false) => (B, C),
            };
            d.push(res, at, "param-added", format!("{owner}: {} {} `{name}` added", if p.required { "required" } else { "optional" }, where_(p)), r, c);
            continue;
        };
        if o.location != p.location {
            d.push(res, at, "param-moved", format!("{owner}: `{name}` moved from {} to {}", where_(o), where_(p)), N, N);
        }
        if o.required != p.required {
            if p.required {
                d.push(res, at, "param-required", format!("{owner}: `{name}` became required"), B, B);
            } else {
                // Rust: the argument moves into `Options`; CLI: the flag is just no longer needed.
                d.push(res, at, "param-optional", format!("{owner}: `{name}` became optional"), B, C);
            }
        }
        if o.ty != p.ty {
            d.push(res, at, "param-type", format!("{owner}: `{name}` type {} → {}", type_name(o.ty), type_name(p.ty)), B, B);
        }
        if o.secret != p.secret {
            let flag = names::kebab(&names::snake(name));
            d.push(res, at, "param-secret", format!("{owner}: `{name}` {} secret (CLI flag `--{flag}` ↔ `--{flag}-stdin`)", if p.secret { "became" } else { "is no longer" }), B, B);
        }
        if o.secret == p.secret && cli_names(o) != cli_names(p) {
            // The Rust name is the spec name, which matched; the flag (or its env var) moved.
            d.push(res, at, "param-flag", format!("{owner}: CLI name of `{name}`: {} → {}", cli_names(o), cli_names(p)), N, B);
        }
        if o.values != p.values || o.values_type != p.values_type {
            let narrowed = o.values.is_empty() || o.values.iter().any(|v| !p.values.contains(v)) && !p.values.is_empty();
            let i = if narrowed { B } else { C };
            d.push(res, at, "param-values", format!("{owner}: allowed values of `{name}` changed{}", values_type_change(o, p)), values_rust(o, p), i);
        }
        if o.description != p.description || o.default != p.default {
            d.push(res, at, "docs", format!("{owner}: description or default of `{name}`"), N, N);
        }
    }
}

/// Inputs whose values can all be variants are enums (`values_type`), others strings: a new enum,
/// one dropped or renamed changes the argument's type; within one enum a removed value is a
/// removed variant, and an added one a new variant of a `#[non_exhaustive]` enum.
fn values_rust(o: &Param, p: &Param) -> Impact {
    match (&o.values_type, &p.values_type) {
        (None, None) => N,
        (Some(a), Some(b)) if a == b => {
            if o.values.iter().any(|v| !p.values.contains(v)) {
                B
            } else if p.values.iter().any(|v| !o.values.contains(v)) {
                C
            } else {
                N
            }
        }
        _ => B,
    }
}

fn values_type_change(o: &Param, p: &Param) -> String {
    let show = |t: &Option<String>| t.as_ref().map(|e| format!("enum `{e}`")).unwrap_or_else(|| "a string".into());
    if o.values_type == p.values_type {
        String::new()
    } else {
        format!(" (Rust: {} → {})", show(&o.values_type), show(&p.values_type))
    }
}

/// How a CLI user gives the input: its flag, or for a secret the stdin flag and the environment
/// variable (the `--…-file` flag is named as the stdin one).
fn cli_names(p: &Param) -> String {
    if p.secret {
        format!("`--{}`, `${}`", names::stdin_flag(p), names::secret_env(p))
    } else if names::is_switch_pair(p) {
        format!("`--{}`/`--{}`", names::flag(p), names::negated_flag(p))
    } else {
        format!("`--{}`", names::flag(p))
    }
}

fn where_(p: &Param) -> &'static str {
    match p.location {
        crate::model::ParamIn::Path => "path parameter",
        crate::model::ParamIn::Query => "query parameter",
        crate::model::ParamIn::Body => "body field",
    }
}

fn response(d: &mut Diff, res: &str, at: &Operation, o: &Operation, n: &Operation) {
    let (or, nr) = (&o.response, &n.response);
    let id = &n.full_id;
    if or.kind != nr.kind || or.shape != nr.shape || or.envelope != nr.envelope {
        d.push(res, Some(at), "response", format!("`{id}`: reply {:?}/{:?} → {:?}/{:?}", or.kind, or.shape, nr.kind, nr.shape), B, B);
        return;
    }
    if or.ty != nr.ty {
        // The method's return type changes; the CLI prints the same JSON.
        let show = |t: &Option<crate::model::ReplyType>| match t {
            None => "caller-chosen".to_owned(),
            Some(crate::model::ReplyType::Record(n)) => format!("`{}`", names::type_name(n)),
            Some(other) => format!("{other:?}").to_lowercase(),
        };
        d.push(res, Some(at), "response-type", format!("`{id}`: reply type {} → {}", show(&or.ty), show(&nr.ty)), B, N);
    }
    if or.envelope_fields != nr.envelope_fields {
        // The CLI prints the whole reply when there are such fields, `data` alone when not: a
        // script reading its output sees another shape either way.
        let shown = |f: &[String]| if f.is_empty() { "`data` alone".to_owned() } else { format!("the whole reply (beside `data`: {})", f.join(", ")) };
        // Between two lists the CLI prints the whole reply either way.
        let cli = if or.envelope_fields.is_empty() != nr.envelope_fields.is_empty() { B } else { C };
        d.push(res, Some(at), "response-envelope", format!("`{id}`: the CLI prints {} (was {})", shown(&nr.envelope_fields), shown(&or.envelope_fields)), N, cli);
    }
    let om: BTreeMap<&str, &Param> = or.fields.iter().map(|p| (p.name.as_str(), p)).collect();
    let nm: BTreeMap<&str, &Param> = nr.fields.iter().map(|p| (p.name.as_str(), p)).collect();
    if om.is_empty() != nm.is_empty() {
        // Between a caller-typed reply and a generated struct.
        d.push(res, Some(at), "response", format!("`{id}`: reply {} named fields", if nm.is_empty() { "no longer has" } else { "now has" }), B, N);
        return;
    }
    for name in om.keys().filter(|k| !nm.contains_key(*k)) {
        d.push(res, Some(at), "response-field-removed", format!("`{id}`: reply field `{name}` removed"), B, B);
    }
    for (name, p) in &nm {
        match om.get(name) {
            // The reply structs are #[non_exhaustive]: a new field breaks no caller.
            None => d.push(res, Some(at), "response-field-added", format!("`{id}`: reply field `{name}` added"), C, C),
            Some(o) if o.ty != p.ty || o.required != p.required || o.secret != p.secret => {
                d.push(res, Some(at), "response-field-type", format!("`{id}`: reply field `{name}` changed type, requiredness or secrecy"), B, B)
            }
            Some(o) if o.description != p.description => d.push(res, Some(at), "docs", format!("`{id}`: description of reply field `{name}`"), N, N),
            _ => {}
        }
    }
}
