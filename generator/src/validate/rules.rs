//! The checks of one operation, each turning a raw value into its model form.

use crate::diagnostics::Reporter;
use crate::model::{
    names, Api, AuthMode, Body, Method, OpError, Operation, Param, ParamIn, Response, ResponseKind, Route, SessionChange, Shape, Type,
    Version,
};
use crate::spec::{BodyDef, FieldDef, OperationDef, ParamDef, ResponseDef};
use serde_json::Value;
use std::collections::BTreeSet;

/// Where we are: the YAML path (for the line) and the spec path (for the reader).
#[derive(Clone)]
struct At {
    raw: String,
    spec: String,
}

impl At {
    fn key(&self, raw: impl std::fmt::Display, spec: impl std::fmt::Display) -> At {
        At { raw: format!("{}.{raw}", self.raw), spec: format!("{}.{spec}", self.spec) }
    }
    fn raw(&self, raw: impl std::fmt::Display) -> String {
        format!("{}.{raw}", self.raw)
    }
}

fn err(r: &mut Reporter<'_>, at: &At, message: impl Into<String>, fix: impl Into<String>) {
    r.error(&at.raw, &at.spec, message, fix);
}

pub fn version(r: &mut Reporter<'_>, raw: &str, spec: &str, text: &str) -> Option<Version> {
    match text.parse::<Version>() {
        Ok(v) => Some(v),
        Err(_) => {
            r.error(raw, spec, format!("`{text}` is not a Directus version"), "write MAJOR.MINOR.PATCH with plain numbers, e.g. 10.7.0 (quote it if YAML reads it as a number)");
            None
        }
    }
}

fn opt_version(r: &mut Reporter<'_>, at: &At, text: Option<&str>) -> Option<Option<Version>> {
    match text {
        None => Some(None),
        Some(t) => version(r, &at.raw, &at.spec, t).map(Some),
    }
}

/// A query set of api.yaml: every parameter is a query parameter.
pub fn query_set(r: &mut Reporter<'_>, i: usize, q: &crate::spec::QuerySetDef) -> Option<crate::model::QuerySet> {
    let at = At { raw: format!("query_sets.{i}"), spec: format!("query_sets.{}", q.name) };
    let before = r.out.len();
    if !names::is_snake(&q.name) {
        err(r, &at.key("name", "name"), format!("query set name `{}` is not snake_case", q.name), "use lowercase letters, digits and `_`, e.g. query");
    }
    let mut params = Vec::new();
    let mut seen = BTreeSet::new();
    for (j, p) in q.params.iter().enumerate() {
        let pat = at.key(format!("params.{j}"), format!("params.{}", p.name));
        if !seen.insert(p.name.as_str()) {
            err(r, &pat.key("name", "name"), format!("parameter `{}` is declared twice", p.name), "keep one declaration");
        }
        if p.location != "query" {
            err(r, &pat.key("in", "in"), "query sets hold query parameters only", "set `in: query`");
            continue;
        }
        if p.required {
            err(r, &pat.key("required", "required"), "a query set's parameters are optional", "drop `required`, or declare it on the operations");
        }
        if p.only_in_url.is_some() {
            // A set is shared by many operations: a secret in the URL stays one operation's exception.
            err(r, &pat.key("only_in_url", "only_in_url"), "a query set cannot put a secret in the URL", "declare the parameter on the one operation whose server reads it only from the URL");
            continue;
        }
        if let Some(param) = param(r, &pat, p) {
            params.push(param);
        }
    }
    if let Some(m) = &q.meta {
        if !q.params.iter().any(|p| &p.name == m) {
            err(r, &at.key("meta", "meta"), format!("`meta` names `{m}`, which is not a parameter of this set"), "name one of the set's parameters (Directus: `meta`), or drop `meta`");
        }
    }
    (r.out.len() == before).then(|| crate::model::QuerySet { name: q.name.clone(), description: q.description.trim().to_owned(), params, meta: q.meta.clone() })
}

/// A composite names other operations of its resource; they must exist and have the shapes its
/// generated code calls them with: `list(path…, &query)`, `create(path…, data)`,
/// `update(path…, key, data)`, and itself takes a required json `filter` and a value body `data`.
pub fn composite(r: &mut Reporter<'_>, resource: &str, i: usize, op: &OperationDef, all: &[OperationDef], api: Option<&Api>) {
    let Some(c) = &op.composite else { return };
    let at = At { raw: format!("operations.{i}.composite"), spec: format!("{resource}.{}.composite", op.id) };
    if c.kind != "upsert" {
        err(r, &at.key("kind", "kind"), format!("unknown composite `{}`", c.kind), "the only composite is `upsert`");
        return;
    }
    let path_params = |o: &OperationDef| o.params.iter().filter(|p| p.location == "path").map(|p| p.name.clone()).collect::<Vec<_>>();
    let list = |names: &[String]| if names.is_empty() { "none".to_owned() } else { names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ") };
    let own_path = path_params(op);
    let value_body = |o: &OperationDef| o.body.as_ref().is_some_and(|b| b.kind == "value" && b.name.as_deref().unwrap_or("data") == "data");
    let oat = At { raw: format!("operations.{i}"), spec: format!("{resource}.{}", op.id) };
    if !op.params.iter().any(|p| p.name == "filter" && p.location == "query" && p.ty == "json" && p.required) {
        err(r, &oat.key("params", "params"), "an upsert needs a required json query parameter `filter`", "add { name: filter, in: query, type: json, required: true }");
    }
    if !value_body(op) {
        err(r, &oat.key("body", "body"), "an upsert needs a `kind: value` body named `data`", "set body: { kind: value }");
    }
    if c.key.is_none() && !own_path.iter().any(|p| p == "collection") {
        err(
            r,
            &at,
            "without `key`, an upsert reads the primary key from the collection's fields, so it needs a path parameter `collection`",
            "name the key field with `key:` (e.g. key: id), or add the `collection` path parameter",
        );
    }
    for (key, target) in [("list", &c.list), ("create", &c.create), ("update", &c.update)] {
        let kat = at.key(key, key);
        let Some(t) = all.iter().find(|o| &o.id == target) else {
            err(r, &kat, format!("`{target}` is not an operation of `{resource}`"), "name an operation id of this resource");
            continue;
        };
        let path = path_params(t);
        let problem = match key {
            "list" => {
                let set = t.query.as_deref().and_then(|q| api.and_then(|a| a.query_sets.iter().find(|s| s.name == q)));
                let has = |name: &str| set.is_some_and(|s| s.params.iter().any(|p| p.name == name));
                if t.query.is_none() || (api.is_some() && !(has("filter") && has("limit") && has("fields"))) {
                    Some("takes no query set with `filter`, `limit` and `fields`".to_owned())
                } else if t.response.kind != "json" || t.response.shape.as_deref() != Some("array") {
                    Some("does not return a JSON array".to_owned())
                } else if path != own_path {
                    Some(format!("has path parameters {}, not the upsert's ({})", list(&path), list(&own_path)))
                } else {
                    None
                }
            }
            "create" if !value_body(t) => Some("has no `kind: value` body named `data`".to_owned()),
            "create" if path != own_path => Some(format!("has path parameters {}, not the upsert's ({})", list(&path), list(&own_path))),
            "update" if !value_body(t) => Some("has no `kind: value` body named `data`".to_owned()),
            "update" => {
                let key_param = t.params.iter().filter(|p| p.location == "path").nth(own_path.len());
                if path.len() != own_path.len() + 1 || path[..own_path.len()] != own_path[..] {
                    Some(format!("must have the upsert's path parameters ({}) and then the item's key", list(&own_path)))
                } else if key_param.is_some_and(|p| p.ty != "string") {
                    Some("must take the item's key as a string path parameter".to_owned())
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(problem) = problem {
            let what = if key == "list" { "find the item with" } else { "call" };
            err(r, &kat, format!("`{target}` {problem}, so the upsert cannot {what} it"), format!("point `{key}` at an operation of the shape the upsert needs, or fix `{target}`"));
        }
        if t.response.kind != "json" {
            err(r, &kat, format!("`{target}` does not return JSON"), "the upsert returns what `create` or `update` returns: use JSON operations");
        }
    }
}

pub fn operation(r: &mut Reporter<'_>, resource: &str, i: usize, op: &OperationDef, api: Option<&Api>) -> Option<Operation> {
    let before = r.out.len();
    let at = At { raw: format!("operations.{i}"), spec: format!("{resource}.{}", op.id) };
    if !names::is_snake(&op.id) {
        err(r, &at.key("id", "id"), format!("operation id `{}` is not snake_case", op.id), "use lowercase letters, digits and `_`, e.g. generate_tfa");
    }
    for (key, value) in [("title", &op.title), ("summary", &op.summary)] {
        if value.trim().is_empty() {
            err(r, &at.key(key, key), format!("`{key}` is empty"), format!("write the {key}: the docs and --help show it"));
        }
        let kat = at.key(key, key);
        super::one_line(r, &kat.raw, &kat.spec, value);
    }
    let method = match op.method.as_str() {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        "PATCH" => Some(Method::Patch),
        "PUT" => Some(Method::Put),
        "DELETE" => Some(Method::Delete),
        "SEARCH" => Some(Method::Search),
        other => {
            err(r, &at.key("method", "method"), format!("unknown HTTP method `{other}`"), "use one of GET, POST, PATCH, PUT, DELETE, SEARCH (upper case)");
            None
        }
    };
    let auth = match op.auth.as_deref() {
        None | Some("required") => Some(AuthMode::Required),
        Some("optional") => Some(AuthMode::Optional),
        Some("none") => Some(AuthMode::None),
        Some(other) => {
            err(r, &at.key("auth", "auth"), format!("unknown auth mode `{other}`"), "use required, optional or none");
            None
        }
    };
    let since = opt_version(r, &at.key("since", "since"), op.since.as_deref());
    let removed_in = opt_version(r, &at.key("removed_in", "removed_in"), op.removed_in.as_deref());
    if let (Some(Some(s)), Some(Some(rm))) = (since, removed_in) {
        if rm <= s {
            err(r, &at.key("removed_in", "removed_in"), format!("removed in {rm}, which is not after `since` ({s})"), "removed_in must be a later version than since");
        }
    }
    if op.replacement.is_some() && op.removed_in.is_none() {
        err(r, &at.key("replacement", "replacement"), "`replacement` is given but the operation is not removed", "add `removed_in`, or drop `replacement`");
    }
    let routes = routes(r, &at, op);

    let mut declared = BTreeSet::new();
    let mut path_params: Vec<Param> = Vec::new();
    let mut query_params = Vec::new();
    for (j, p) in op.params.iter().enumerate() {
        let pat = at.key(format!("params.{j}"), format!("params.{}", p.name));
        if !declared.insert(p.name.as_str()) {
            err(r, &pat.key("name", "name"), format!("parameter `{}` is declared twice", p.name), "keep one declaration");
        }
        if let Some(param) = param(r, &pat, p) {
            match param.location {
                ParamIn::Path => path_params.push(param),
                _ => query_params.push(param),
            }
        }
    }
    if let Some(routes) = &routes {
        // A path parameter only some routes have (one that went away in a newer version) is optional.
        for p in &mut path_params {
            p.required = routes.iter().all(|rt| placeholders(&rt.path).any(|n| n == p.name));
        }
        let used: BTreeSet<&str> = routes.iter().flat_map(|rt| placeholders(&rt.path)).collect();
        for (j, p) in op.params.iter().enumerate() {
            let pat = at.key(format!("params.{j}"), format!("params.{}", p.name));
            if p.location == "path" && !used.contains(p.name.as_str()) {
                err(r, &pat, format!("path parameter `{}` appears in no route", p.name), format!("add `{{{}}}` to the path, or make it a query parameter", p.name));
            }
            if p.location == "query" && used.contains(p.name.as_str()) {
                err(r, &pat, format!("`{}` is in the path but declared `in: query`", p.name), "declare it `in: path`");
            }
        }
        for (k, rt) in routes.iter().enumerate() {
            for name in placeholders(&rt.path) {
                if !op.params.iter().any(|p| p.name == name && p.location == "path") {
                    let raw = if op.path.is_some() { at.raw("path") } else { at.raw(format!("routes.{k}.path")) };
                    r.error(&raw, &format!("{}.path", at.spec), format!("path parameter `{{{name}}}` in `{}` is not declared", rt.path), format!("add to params: {{ name: {name}, in: path, type: string }}"));
                }
            }
        }
    }

    let body = match &op.body {
        None => Some(Body::None),
        Some(b) => {
            if method == Some(Method::Get) {
                err(r, &at.key("body", "body"), "a GET request cannot carry a body", "use SEARCH (Directus's query-in-body read) or move the values to query parameters");
            }
            body(r, &at.key("body", "body"), b)
        }
    };
    if let Some(b) = &body {
        let body_fields: &[Param] = match b {
            Body::Object(f) | Body::Multipart(f) => f,
            _ => &[],
        };
        for f in body_fields {
            if declared.contains(f.name.as_str()) {
                err(r, &at.key("body", format!("body.{}", f.name)), format!("`{}` is both a parameter and a body field", f.name), "rename one: the Rust method and the CLI need distinct names");
            }
        }
    }
    let query_set = match (&op.query, api) {
        (None, _) => Some(None),
        (Some(name), Some(api)) => match api.query_sets.iter().find(|q| &q.name == name) {
            Some(set) => {
                for p in &set.params {
                    if declared.contains(p.name.as_str()) {
                        err(r, &at.key("query", "query"), format!("`{}` is both a parameter and in query set `{name}`", p.name), "drop the parameter: the set has it");
                    }
                }
                Some(Some(name.clone()))
            }
            None => {
                err(r, &at.key("query", "query"), format!("unknown query set `{name}`"), "use a name from `query_sets` in api.yaml");
                None
            }
        },
        // Without a readable api.yaml there is nothing to check against; that is reported there.
        (Some(name), None) => Some(Some(name.clone())),
    };
    let open_body = op.body.as_ref().is_some_and(|b| b.open);
    if open_body && op.body.as_ref().is_some_and(|b| b.kind != "object") {
        err(r, &at.key("body", "body.open"), "`open` is only for object bodies", "drop it, or use `kind: object`");
    }
    let response = response(r, &at.key("response", "response"), &op.response);
    if let (Some(resp), Some(b)) = (&response, &body) {
        session(r, &at.key("response", "response").key("session", "session"), resp, b);
    }
    let errors = op_errors(r, &at, op, api);
    let tus = protocol(r, &at, op, response.as_ref(), body.as_ref());
    if let Some(old) = &op.renamed_from {
        if !crate::model::names::is_snake(old) || old == &op.id {
            err(r, &at.key("renamed_from", "renamed_from"), format!("`renamed_from: {old}` must be the operation's former id: lower snake_case, other than its id"), "write the id the operation had before");
        }
    }
    if op.reply_fields && (op.query.is_some() || op.params.iter().any(|p| p.name == "fields") || response.as_ref().is_some_and(|resp| resp.kind != ResponseKind::Json)) {
        err(
            r,
            &at.key("reply_fields", "reply_fields"),
            "`reply_fields` shapes a JSON reply with `fields`, and this operation takes `fields` already or has no JSON reply",
            "drop `reply_fields`",
        );
    }

    if r.out.len() > before {
        return None;
    }
    Some(Operation {
        id: op.id.clone(),
        full_id: format!("{resource}.{}", op.id),
        title: op.title.trim().to_owned(),
        summary: op.summary.trim().to_owned(),
        description: op.description.trim().to_owned(),
        method: method?,
        routes: routes?,
        auth: auth?,
        since: since?,
        removed_in: removed_in?,
        replacement: op.replacement.clone(),
        path_params,
        query_params,
        query_set: query_set?,
        body: body?,
        open_body,
        composite: op.composite.as_ref().map(|c| crate::model::Composite {
            list: c.list.clone(),
            create: c.create.clone(),
            update: c.update.clone(),
            key: c.key.clone(),
        }),
        response: response?,
        errors: errors?,
        tested_on: Vec::new(),
        in_oas: op.oas.unwrap_or(true),
        confirm: op.confirm,
        reply_fields: op.reply_fields,
        client_login: op.client_login,
        renamed_from: op.renamed_from.clone(),
        tus: tus?,
    })
    .filter(|built| !op.client_login || client_login(r, &at.key("client_login", "client_login"), built))
}

/// `client_login: true`: the generated `Client::login(email, password)` and
/// `login_with_otp(…, otp)` call the operation with `mode: json`, so it must take exactly those.
fn client_login(r: &mut Reporter<'_>, at: &At, op: &Operation) -> bool {
    let input = |name: &str| op.inputs().find(|p| p.name == name);
    let mut problems = Vec::new();
    if op.response.session != Some(SessionChange::Start) {
        problems.push("its reply does not start a session (`response.session: start`)".to_owned());
    }
    let required: Vec<&str> = op.inputs().filter(|p| p.required).map(|p| p.name.as_str()).collect();
    if required != ["email", "password"] {
        problems.push(format!("its required inputs are {required:?}, not `email` and `password`"));
    }
    if !input("password").is_some_and(|p| p.secret) {
        problems.push("it has no secret `password` input".into());
    }
    if input("otp").is_some_and(|p| p.required || !p.secret) {
        problems.push("`otp` must be optional and secret".into());
    }
    if !input("mode").is_some_and(|p| p.values.iter().any(|v| v == "json")) {
        problems.push("it has no `mode` input accepting `json`".into());
    }
    if problems.is_empty() {
        return true;
    }
    err(r, at, format!("`client_login` operation cannot back `Client::login`: {}", problems.join("; ")), "set `client_login` on the e-mail and password login operation only");
    false
}

/// `protocol: tus`, and the resumable uploads it allows: a `kind: upload` reply comes from a
/// `POST` (a new upload) or a `PATCH` of the upload `{id}` (resumed), with a multipart body whose
/// one file is what is sent in chunks; its other fields become the file record's.
fn protocol(r: &mut Reporter<'_>, at: &At, op: &OperationDef, response: Option<&Response>, body: Option<&Body>) -> Option<bool> {
    let tus = match op.protocol.as_deref() {
        None => false,
        Some("tus") => true,
        Some(other) => {
            err(r, &at.key("protocol", "protocol"), format!("unknown protocol `{other}`"), "the only protocol is `tus`; drop it for a plain Directus route");
            return None;
        }
    };
    if response.is_some_and(|resp| resp.kind == ResponseKind::Upload) {
        let rat = at.key("response", "response").key("kind", "kind");
        if !tus {
            err(r, &rat, "a `kind: upload` reply is a resumable upload, which needs `protocol: tus`", "add `protocol: tus`, or use another reply kind");
        }
        let files = match body {
            Some(Body::Multipart(fields)) => fields.iter().filter(|f| f.ty == Type::File).count(),
            _ => 0,
        };
        if files != 1 {
            err(r, &rat, "a resumable upload sends one file: it needs a multipart body with exactly one `type: file` field", "declare `body: { kind: multipart, fields: [...] }` with one file field");
        }
        let resumes = op.method == "PATCH" && op.params.iter().any(|p| p.name == "id" && p.location == "path");
        if op.method != "POST" && !resumes {
            err(r, &rat, "a resumable upload is a POST (a new upload) or a PATCH with the path parameter `id` (an upload resumed)", "change the method, or add `{ name: id, in: path }`");
        }
    }
    Some(tus)
}

fn routes(r: &mut Reporter<'_>, at: &At, op: &OperationDef) -> Option<Vec<Route>> {
    match (&op.path, op.routes.is_empty()) {
        (Some(_), false) => {
            err(r, &at.key("routes", "routes"), "both `path` and `routes` are given", "keep `path` for one route, or `routes` when the path differs between versions");
            None
        }
        (None, true) => {
            err(r, at, "the operation has no `path`", "add `path: /resource/...`, or `routes` when it differs between versions");
            None
        }
        (Some(p), true) => path(r, &at.key("path", "path"), p).then(|| vec![Route { path: p.clone(), since: None, until: None }]),
        (None, false) => {
            let mut out = Vec::new();
            let mut ok = true;
            for (k, rd) in op.routes.iter().enumerate() {
                let rat = at.key(format!("routes.{k}"), format!("routes.{k}"));
                ok &= path(r, &rat.key("path", "path"), &rd.path);
                let since = opt_version(r, &rat.key("since", "since"), rd.since.as_deref());
                let until = opt_version(r, &rat.key("until", "until"), rd.until.as_deref());
                match (since, until) {
                    (Some(since), Some(until)) => {
                        if let (Some(s), Some(u)) = (since, until) {
                            if u <= s {
                                err(r, &rat, format!("route range {s}..{u} is empty"), "`until` must be a later version than `since`");
                                ok = false;
                            }
                        }
                        out.push(Route { path: rd.path.clone(), since, until });
                    }
                    _ => ok = false,
                }
            }
            if !ok {
                return None;
            }
            for (k, pair) in out.windows(2).enumerate() {
                let (a, b) = (&pair[0], &pair[1]);
                if a.until.is_none() || b.since.is_none() || a.until > b.since {
                    err(r, &at.key(format!("routes.{}", k + 1), format!("routes.{}", k + 1)), "route version ranges overlap or are out of order", "list routes oldest first; each `until` must be at most the next route's `since`");
                    return None;
                }
            }
            Some(out)
        }
    }
}

fn path(r: &mut Reporter<'_>, at: &At, p: &str) -> bool {
    if !p.starts_with('/') {
        err(r, at, format!("path `{p}` does not start with `/`"), "write the path from the server root, e.g. /users/me");
        return false;
    }
    let mut depth = 0i32;
    for c in p.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if !(0..=1).contains(&depth) {
            break;
        }
    }
    if depth != 0 {
        err(r, at, format!("path `{p}` has unbalanced braces"), "write placeholders as {name}");
        return false;
    }
    for name in placeholders(p) {
        if !is_wire_name(name) {
            err(r, at, format!("placeholder `{{{name}}}` is not a parameter name"), "use letters, digits and `_`");
            return false;
        }
    }
    true
}

pub fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n))
}

/// Names as the server spells them: Directus uses snake_case and camelCase (`groupBy`).
pub(super) fn is_wire_name(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic()) && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

pub(super) fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password") || n.contains("token") || n == "otp" || n.ends_with("_otp") || n == "secret" || n.ends_with("_secret") || n.contains("api_key")
}

/// A string of an example that looks like a real credential: under a secret-looking key (or a
/// field marked secret), long and mixing cases and digits; or a JWT anywhere. Placeholders
/// (`<token>`, `…`, `***`, UPPER_CASE words) pass. Returns the key it was under, if any.
fn leaked_secret<'a>(v: &'a Value, key: Option<&'a str>, secret_fields: &[&str]) -> Option<Option<&'a str>> {
    match v {
        Value::String(s) => {
            let jwt = s.starts_with("eyJ") && s.matches('.').count() == 2;
            let placeholder = s.contains(['<', '…', '*']) || s.contains("...") || !s.bytes().any(|b| b.is_ascii_lowercase());
            // A run of 16+ letters and digits mixing lower case, upper case and digits.
            let random = s.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
                w.len() >= 16
                    && w.bytes().any(|b| b.is_ascii_lowercase())
                    && w.bytes().any(|b| b.is_ascii_uppercase())
                    && w.bytes().any(|b| b.is_ascii_digit())
            });
            let secret_key = key.is_some_and(|k| looks_secret(k) || secret_fields.contains(&k));
            (jwt || (secret_key && random && !placeholder)).then_some(key)
        }
        Value::Array(items) => items.iter().find_map(|i| leaked_secret(i, key, secret_fields)),
        Value::Object(map) => map.iter().find_map(|(k, v)| leaked_secret(v, Some(k), secret_fields)),
        _ => None,
    }
}

fn parse_type(r: &mut Reporter<'_>, at: &At, ty: &str) -> Option<Type> {
    Some(match ty {
        "string" => Type::String,
        "integer" => Type::Integer,
        "number" => Type::Number,
        "boolean" => Type::Boolean,
        "json" => Type::Json,
        "string_list" => Type::StringList,
        "integer_list" => Type::IntegerList,
        "json_list" => Type::JsonList,
        "file" => Type::File,
        other => {
            err(r, at, format!("unknown type `{other}`"), "use string, integer, number, boolean, json, string_list, integer_list, json_list or file");
            return None;
        }
    })
}

/// What a parameter and a field have in common.
struct Input<'a> {
    name: &'a str,
    ty: &'a str,
    required: bool,
    secret: bool,
    description: &'a str,
    default: &'a Option<Value>,
    values: Option<&'a [String]>,
    style: Option<&'a str>,
    flag: Option<&'a str>,
}

fn input(r: &mut Reporter<'_>, at: &At, i: Input<'_>, location: ParamIn) -> Option<Param> {
    let before = r.out.len();
    if !is_wire_name(i.name) {
        err(r, &at.key("name", "name"), format!("`{}` is not a usable name", i.name), "use letters, digits and `_`, starting with a letter");
    }
    let ty = parse_type(r, &at.key("type", "type"), i.ty);
    if looks_secret(i.name) && !i.secret {
        r.error(&at.raw("name"), &at.spec, format!("`{}` looks like a secret but is not marked as one", i.name), "add `secret: true`, so it is redacted and never taken from the command line");
    }
    if i.secret && ty.is_some_and(|t| t != Type::String) {
        err(r, &at.key("secret", "secret"), "only string values can be secret", "make the type string, or drop `secret`");
    }
    if ty == Some(Type::JsonList) && location != ParamIn::Body {
        err(r, &at.key("type", "type"), "`json_list` is only for body fields", "use string_list or integer_list for a query parameter");
    }
    if ty == Some(Type::File) && location != ParamIn::Body {
        err(r, &at.key("type", "type"), "`file` is only for multipart body fields", "declare the file in a `kind: multipart` body");
    }
    let values = i.values.unwrap_or_default();
    if i.values.is_some() && ty != Some(Type::String) {
        err(r, &at.key("values", "values"), "`values` is only for string parameters", "drop `values`, or make the type string");
    } else if i.values.is_some_and(|v| v.is_empty()) {
        err(r, &at.key("values", "values"), "`values` is empty, so no value would be allowed", "list the allowed values, or drop `values`");
    }
    for (k, v) in values.iter().enumerate() {
        if values[..k].contains(v) {
            err(r, &at.key(format!("values.{k}"), "values"), format!("`{v}` is listed twice in `values`"), "keep one");
        } else if v.is_empty() || v.trim() != v {
            err(r, &at.key(format!("values.{k}"), "values"), format!("`{}` is not a usable value", v.escape_debug()), "write the value without surrounding spaces");
        }
    }
    if let Some(f) = i.flag {
        let kebab = f.starts_with(|c: char| c.is_ascii_lowercase())
            && f.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !f.ends_with('-')
            && !f.contains("--");
        if !kebab {
            err(r, &at.key("flag", "flag"), format!("`{}` is not a CLI flag name", f.escape_debug()), "write it in kebab-case without `--`, e.g. from-url");
        }
    }
    if i.secret && i.default.is_some() {
        err(r, &at.key("default", "default"), "a secret has a `default`", "drop the default: it would be published in the docs and --help");
    }
    if location == ParamIn::Path {
        if i.secret {
            err(r, &at.key("secret", "secret"), "a secret cannot be a path parameter: URLs end up in server and proxy logs", "send it in the body instead");
        }
        if matches!(ty, Some(Type::Json | Type::StringList | Type::IntegerList | Type::JsonList | Type::Boolean)) {
            err(r, &at.key("type", "type"), format!("a path parameter cannot be of type {}", i.ty), "path parameters are one segment: use string, integer or number");
        }
    }
    let bracket = match i.style {
        None => false,
        Some("bracket") if ty == Some(Type::Json) && location == ParamIn::Query => true,
        Some("bracket") => {
            err(r, &at.key("style", "style"), "`style: bracket` is for json query parameters", "make it `in: query` and `type: json`, or drop the style");
            false
        }
        Some(other) => {
            err(r, &at.key("style", "style"), format!("unknown style `{other}`"), "the only style is `bracket`");
            false
        }
    };
    if let (Some(d), Some(t)) = (i.default, ty) {
        let fits = match t {
            Type::String => d.is_string(),
            Type::Integer => d.is_i64() || d.is_u64(),
            Type::Number => d.is_number(),
            Type::Boolean => d.is_boolean(),
            Type::StringList | Type::IntegerList | Type::JsonList => d.is_array(),
            Type::Json => true,
            Type::File => false,
        };
        if !fits {
            err(r, &at.key("default", "default"), format!("default `{d}` is not a {}", i.ty), "give a default of the parameter's type");
        }
    }
    if r.out.len() > before {
        return None;
    }
    Some(Param {
        name: i.name.to_owned(),
        location,
        ty: ty?,
        // Path parameters are required unless some route lacks them (settled by the caller).
        required: i.required || location == ParamIn::Path,
        secret: i.secret,
        description: i.description.trim().to_owned(),
        default: i.default.clone(),
        values: values.to_vec(),
        bracket,
        flag: i.flag.map(str::to_owned),
        values_type: None,
        only_in_url: None,
    })
}

fn param(r: &mut Reporter<'_>, at: &At, p: &ParamDef) -> Option<Param> {
    let location = match p.location.as_str() {
        "path" => ParamIn::Path,
        "query" => ParamIn::Query,
        other => {
            err(r, &at.key("in", "in"), format!("unknown parameter location `{other}`"), "use `in: path` or `in: query`; body values go under `body.fields`");
            return None;
        }
    };
    // The one way a secret goes into a URL: a query parameter the server reads nowhere else,
    // with the reason written down. Everything else about secrets still holds for it.
    let reason = p.only_in_url.as_deref().map(str::trim);
    match (reason, p.secret, location) {
        (None, true, ParamIn::Query) => err(
            r,
            &at.key("secret", "secret"),
            "a secret cannot be a query parameter: URLs end up in server and proxy logs",
            "send it in the body instead; if the server reads it only from the URL, say why in `only_in_url`",
        ),
        (None, _, _) => {}
        (Some(_), _, ParamIn::Path) => err(r, &at.key("only_in_url", "only_in_url"), "`only_in_url` is for query parameters: a secret path parameter is never allowed", "send the secret in the query (with `only_in_url`) or in the body"),
        (Some(_), false, _) => err(r, &at.key("only_in_url", "only_in_url"), "`only_in_url` is only for secrets", "drop it, or mark the parameter `secret: true`"),
        (Some(""), true, _) => err(r, &at.key("only_in_url", "only_in_url"), "`only_in_url` needs the reason the server accepts this secret only in the URL", "write the reason, e.g. which server code reads it from the query"),
        (Some(_), true, _) => {}
    }
    let mut out = input(r, at, Input { name: &p.name, ty: &p.ty, required: p.required, secret: p.secret, description: &p.description, default: &p.default, values: p.values.as_deref(), style: p.style.as_deref(), flag: p.flag.as_deref() }, location)?;
    out.only_in_url = reason.filter(|r| !r.is_empty()).map(str::to_owned);
    Some(out)
}

fn field(r: &mut Reporter<'_>, at: &At, f: &FieldDef) -> Option<Param> {
    input(r, at, Input { name: &f.name, ty: &f.ty, required: f.required, secret: f.secret, description: &f.description, default: &f.default, values: f.values.as_deref(), style: None, flag: f.flag.as_deref() }, ParamIn::Body)
}

fn fields(r: &mut Reporter<'_>, at: &At, list: &[FieldDef]) -> Option<Vec<Param>> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    let mut ok = true;
    for (k, f) in list.iter().enumerate() {
        let fat = At { raw: at.raw(format!("fields.{k}")), spec: format!("{}.{}", at.spec, f.name) };
        if !names.insert(f.name.as_str()) {
            err(r, &fat.key("name", "name"), format!("field `{}` is listed twice", f.name), "keep one entry");
            ok = false;
        }
        match field(r, &fat, f) {
            Some(p) => out.push(p),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn body(r: &mut Reporter<'_>, at: &At, b: &BodyDef) -> Option<Body> {
    let name = |default: &str| b.name.clone().unwrap_or_else(|| default.to_owned());
    if let Some(n) = &b.name {
        if !names::is_snake(n) {
            err(r, &at.key("name", "name"), format!("body name `{n}` is not snake_case"), "use lowercase letters, digits and `_`");
        }
    }
    if b.positional_file && b.kind != "value" {
        err(r, &at.key("positional_file", "positional_file"), "`positional_file` is only for value bodies", "drop it, or use `kind: value`");
    }
    let no_fields = |r: &mut Reporter<'_>, kind: &str| {
        if !b.fields.is_empty() {
            err(r, &at.key("fields", "fields"), format!("a `{kind}` body has no named fields"), "drop `fields`, or use `kind: object`");
        }
    };
    match b.kind.as_str() {
        "object" | "multipart" => {
            if b.fields.is_empty() && !(b.open && b.kind == "object") {
                err(r, at, format!("a `{}` body needs `fields`", b.kind), "list the fields, or use `kind: value` for free-form JSON");
                return None;
            }
            if b.items.is_some() {
                err(r, &at.key("items", "items"), "`items` is only for array bodies", "drop it");
            }
            let list = fields(r, at, &b.fields)?;
            if b.kind == "object" {
                if list.iter().any(|f| f.ty == Type::File) {
                    err(r, at, "a file field needs a multipart body", "set `kind: multipart`");
                    return None;
                }
                return Some(Body::Object(list));
            }
            let files = list.iter().filter(|f| f.ty == Type::File).count();
            if files != 1 {
                err(r, at, format!("a multipart body needs exactly one `file` field, found {files}"), "give the file part `type: file`");
                return None;
            }
            if list.last().is_some_and(|f| f.ty != Type::File) {
                err(r, at, "the file field must come last", "Directus reads only the fields sent before the file: move it to the end");
                return None;
            }
            Some(Body::Multipart(list))
        }
        "array" => {
            no_fields(r, "array");
            let items = match b.items.as_deref() {
                Some("string") => Type::String,
                Some("integer") => Type::Integer,
                Some("json") => Type::Json,
                Some(other) => {
                    err(r, &at.key("items", "items"), format!("array items of type `{other}` are not supported"), "use string, integer or json");
                    return None;
                }
                None => {
                    err(r, at, "an array body needs `items`", "add `items: string` (or integer, json)");
                    return None;
                }
            };
            Some(Body::Array { name: name("keys"), items, description: b.description.trim().to_owned() })
        }
        "value" => {
            no_fields(r, "value");
            Some(Body::Value { name: name("data"), description: b.description.trim().to_owned(), file: b.positional_file })
        }
        other => {
            err(r, &at.key("kind", "kind"), format!("unknown body kind `{other}`"), "use object, array, value or multipart");
            None
        }
    }
}

/// A session marker needs what the runtime reads: the tokens in a `start` reply, the optional
/// `refresh_token` field of an `end` call (the runtime fills in the client's own).
fn session(r: &mut Reporter<'_>, at: &At, resp: &Response, body: &Body) {
    let field = |fields: &[Param], name: &str| fields.iter().find(|f| f.name == name).map(|f| (f.ty, f.secret, f.required));
    match resp.session {
        None => {}
        Some(SessionChange::Start) => {
            let ok = resp.kind == ResponseKind::Json
                && resp.envelope
                && resp.shape == Shape::Object
                && matches!(field(&resp.fields, "access_token"), Some((Type::String, true, _)))
                && matches!(field(&resp.fields, "refresh_token"), Some((Type::String, true, _)))
                && matches!(field(&resp.fields, "expires"), Some((Type::Integer, _, _)));
            if !ok {
                err(r, at, "a `session: start` reply must be a JSON object with the secret strings `access_token` and `refresh_token` and the integer `expires`", "list those reply fields, or drop `session`");
            }
        }
        Some(SessionChange::End) => {
            let fields: &[Param] = match body {
                Body::Object(f) => f,
                _ => &[],
            };
            if !matches!(field(fields, "refresh_token"), Some((Type::String, true, false))) {
                err(r, at, "a `session: end` call needs an optional secret string body field `refresh_token` (the client sends its own session's when none is given)", "add it with `required: false`, or drop `session`");
            }
        }
    }
}

fn response(r: &mut Reporter<'_>, at: &At, d: &ResponseDef) -> Option<Response> {
    let before = r.out.len();
    let kind = match d.kind.as_str() {
        "json" => Some(ResponseKind::Json),
        "binary" => Some(ResponseKind::Binary),
        "text" => Some(ResponseKind::Text),
        "empty" => Some(ResponseKind::Empty),
        "redirect" => Some(ResponseKind::Redirect),
        "upload" => Some(ResponseKind::Upload),
        other => {
            err(r, &at.key("kind", "kind"), format!("unknown response kind `{other}`"), "use json, binary, text, empty, redirect or upload");
            None
        }
    };
    let shape = match d.shape.as_deref() {
        None if d.fields.is_empty() && d.ty.is_none() => Some(Shape::Value),
        None | Some("object") => Some(Shape::Object),
        Some("array") => Some(Shape::Array),
        Some("map") if d.ty.is_some() => Some(Shape::Map),
        Some("map") => {
            err(r, &at.key("shape", "shape"), "a `map` reply needs a `type` for its values", "add `type:`, or use `shape: value`");
            None
        }
        Some("value") => Some(Shape::Value),
        Some(other) => {
            err(r, &at.key("shape", "shape"), format!("unknown response shape `{other}`"), "use object, array, map or value");
            None
        }
    };
    let is_json = kind == Some(ResponseKind::Json);
    if !is_json && (d.shape.is_some() || !d.fields.is_empty() || d.example.is_some()) {
        err(r, at, "`shape`, `fields` and `example` describe JSON replies only", "drop them, or set `kind: json`");
    }
    if shape == Some(Shape::Value) && !d.fields.is_empty() {
        err(r, &at.key("fields", "fields"), "a `value` reply has no named fields", "set `shape: object` or `shape: array`");
    }
    let ty = match d.ty.as_deref() {
        None => None,
        Some(t) => match super::types::reply_type(t) {
            Some(ty) => Some(ty),
            None => {
                err(r, &at.key("type", "type"), format!("unknown reply type `{t}`"), "use string, integer, number or boolean, or the snake_case name of a type");
                None
            }
        },
    };
    if d.ty.is_some() && !is_json {
        err(r, &at.key("type", "type"), "`type` describes JSON replies only", "drop it, or set `kind: json`");
    }
    if d.ty.is_some() && !d.fields.is_empty() {
        err(r, &at.key("type", "type"), "a reply has `type` or `fields`, not both", "declare the fields in a type, or drop `type`");
    }
    let list = fields(r, at, &d.fields);
    if let Some(list) = &list {
        if list.iter().any(|f| f.ty == Type::File) {
            err(r, at, "a reply field cannot be a file", "use kind: binary for file downloads");
        }
    }
    if r.out.len() > before {
        return None;
    }
    if let Some(example) = &d.example {
        let secret_fields: Vec<&str> = d.fields.iter().filter(|f| f.secret).map(|f| f.name.as_str()).collect();
        if let Some(key) = leaked_secret(example, None, &secret_fields) {
            err(r, &at.key("example", "example"), format!("the example holds what looks like a real secret{}", key.map(|k| format!(" under `{k}`")).unwrap_or_default()), "use a placeholder such as \"<access token>\": examples are published in the docs");
        }
    }
    if d.envelope == Some(false) && !is_json {
        err(r, &at.key("envelope", "envelope"), "`envelope` is for JSON replies", "drop it");
    }
    if !d.envelope_fields.is_empty() && (!is_json || d.envelope == Some(false)) {
        err(r, &at.key("envelope_fields", "envelope_fields"), "`envelope_fields` names fields beside `data`, so the reply must be JSON in the `data` envelope", "drop it, or set `kind: json` without `envelope: false`");
    }
    for (i, f) in d.envelope_fields.iter().enumerate() {
        let here = at.key(format_args!("envelope_fields.{i}"), format_args!("envelope_fields.{f}"));
        if matches!(f.as_str(), "data" | "meta" | "errors") {
            err(r, &here, format!("`{f}` is not a field beside `data`: the runtime reads it itself"), "list only the other top-level fields the server sends, e.g. disableDefault");
        } else if f.is_empty() || !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            err(r, &here, format!("`{}` is not a JSON field name of a Directus reply", f.escape_debug()), "use the field's name as the server sends it: letters, digits and `_`");
        } else if d.envelope_fields[..i].contains(f) {
            err(r, &here, format!("`{f}` is listed twice"), "keep one");
        }
    }
    let session = match d.session.as_deref() {
        None => None,
        Some("start") => Some(SessionChange::Start),
        Some("end") => Some(SessionChange::End),
        Some(other) => {
            err(r, &at.key("session", "session"), format!("unknown session change `{other}`"), "use start (the reply logs the client in) or end (the call logs it out)");
            return None;
        }
    };
    Some(Response {
        kind: kind?,
        shape: shape?,
        fields: list?,
        description: d.description.trim().to_owned(),
        example: d.example.clone(),
        envelope: d.envelope.unwrap_or(true),
        envelope_fields: d.envelope_fields.clone(),
        session,
        ty,
    })
}

fn op_errors(r: &mut Reporter<'_>, at: &At, op: &OperationDef, api: Option<&Api>) -> Option<Vec<OpError>> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut ok = true;
    for (k, e) in op.errors.iter().enumerate() {
        let eat = at.key(format!("errors.{k}"), format!("errors.{}", e.code));
        if !seen.insert(e.code.as_str()) {
            err(r, &eat, format!("error `{}` is listed twice", e.code), "keep one entry per code");
            ok = false;
        }
        // Without a readable api.yaml there is no catalog to check against; that is reported there.
        let Some(api) = api else { continue };
        match api.errors.iter().find(|c| c.code == e.code) {
            Some(c) => out.push(OpError {
                code: e.code.clone(),
                status: c.status,
                meaning: c.meaning.clone(),
                when: e.when.trim().to_owned(),
                fix: e.fix.as_deref().map(str::trim).unwrap_or(&c.fix).to_owned(),
            }),
            None => {
                err(r, &eat.key("code", "code"), format!("error code `{}` is not in api.yaml", e.code), "add it to `errors` in spec/api.yaml with its status, meaning and fix");
                ok = false;
            }
        }
    }
    ok.then_some(out)
}
