//! Checks a raw spec and turns it into the model. Every problem is reported, each with its
//! location and a fix; the model is returned only when there is none.

mod rules;
mod symbols;
mod types;

pub use rules::placeholders;

use crate::diagnostics::{Diagnostic, Reporter};
use crate::model::{self, names, Api, Model, Resource};
use crate::spec::load::{Loaded, RawSpec};
use crate::spec::{ApiFile, ResourceFile};
use std::collections::BTreeSet;
use std::path::Path;

pub fn validate(spec_dir: &Path, raw: &RawSpec, diags: &mut Vec<Diagnostic>) -> Option<Model> {
    let model = validate_without_names(spec_dir, raw, diags)?;
    // Names are checked on the whole model: collisions cross resources and api.yaml.
    symbols::check(raw, &model, diags);
    diags.is_empty().then_some(model)
}

/// [`validate`] for the old side of `generator diff`: a spec that breaks only the name-table
/// rules (which got stricter over time) still gives its model, and those problems come back as
/// warnings. A parameter named like one of the global flags of the generators before the name
/// checks gets the flag those generators wrote for it (`--body-url`, `$DIRECTUS_BODY_TOKEN`, see
/// [`names::legacy_flag`]), so the diff shows the rename users of that CLI see.
pub fn validate_lenient(spec_dir: &Path, raw: &RawSpec, diags: &mut Vec<Diagnostic>) -> Option<(Model, Vec<Diagnostic>)> {
    let mut model = validate_without_names(spec_dir, raw, diags)?;
    let mut warnings = Vec::new();
    symbols::check(raw, &model, &mut warnings);
    if !warnings.is_empty() {
        let legacy = |p: &mut model::Param| {
            if p.flag.is_none() {
                p.flag = names::legacy_flag(p);
            }
        };
        model.api.query_sets.iter_mut().flat_map(|q| q.params.iter_mut()).for_each(legacy);
        for op in model.resources.iter_mut().flat_map(|r| r.operations.iter_mut()) {
            op.path_params.iter_mut().chain(op.query_params.iter_mut()).for_each(legacy);
            if let model::Body::Object(fields) | model::Body::Multipart(fields) = &mut op.body {
                fields.iter_mut().for_each(legacy);
            }
        }
    }
    Some((model, warnings))
}

/// Every check but the name table's.
fn validate_without_names(spec_dir: &Path, raw: &RawSpec, diags: &mut Vec<Diagnostic>) -> Option<Model> {
    let api = raw.api.as_ref().and_then(|a| check_api(a, diags));
    let mut resources = Vec::new();
    let mut seen = BTreeSet::new();
    for loaded in &raw.resources {
        let mut r = Reporter { source: &loaded.source, out: diags };
        if let Some(res) = check_resource(spec_dir, loaded, api.as_ref(), &mut seen, &mut r) {
            resources.push(res);
        }
    }
    if raw.resource_files == 0 && raw.api.is_some() {
        diags.push(Diagnostic {
            file: spec_dir.join("resources"),
            line: 0,
            column: 0,
            spec_path: String::new(),
            message: "the spec has no resources".into(),
            fix: "add spec/resources/<resource>.yaml with at least one operation".into(),
        });
    }
    // What a resource's files are generated from: api.yaml (errors, query sets) and its own file.
    let mut api_hash = SpecHash::default();
    if let Some(a) = &raw.api {
        api_hash.add(&a.source.path, &a.source.text);
    }
    for res in &mut resources {
        if let Some(loaded) = raw.resources.iter().find(|l| l.value.resource == res.name) {
            let mut h = api_hash.clone();
            h.add(&loaded.source.path, &loaded.source.text);
            res.source_hash = h.finish();
        }
    }
    one_client_login(raw, &resources, diags);
    types::check_references(raw, &resources, diags);
    if let Some(api) = &raw.api {
        unused_query_sets(api, raw, diags);
    }
    if let Some(cov) = &raw.coverage {
        // Resources with problems are not in the model; their operations are not strays.
        let mut failed: BTreeSet<&str> = raw.unreadable.iter().map(String::as_str).collect();
        failed.extend(raw.resources.iter().map(|l| l.value.resource.as_str()).filter(|n| !resources.iter().any(|r| &r.name == n)));
        apply_coverage(cov, &mut resources, &failed, diags);
    }
    if !diags.is_empty() {
        return None;
    }
    Some(Model { api: api?, resources, spec_hash: spec_hash(&raw.files) })
}

/// At most one operation backs `Client::login`: a second would be a second method of that name.
fn one_client_login(raw: &RawSpec, resources: &[Resource], diags: &mut Vec<Diagnostic>) {
    let logins: Vec<(&Resource, &model::Operation)> =
        resources.iter().flat_map(|r| r.operations.iter().filter(|op| op.client_login).map(move |op| (r, op))).collect();
    let Some(((_, first), others)) = logins.split_first() else { return };
    for (res, op) in others {
        let Some(loaded) = raw.resources.iter().find(|l| l.value.resource == res.name) else { continue };
        let i = loaded.value.operations.iter().position(|o| o.id == op.id).unwrap_or_default();
        let mut r = Reporter { source: &loaded.source, out: diags };
        r.error(
            &format!("operations.{i}.client_login"),
            &format!("{}.client_login", op.full_id),
            format!("`client_login` is set on `{}` already; the client has one `login`", first.full_id),
            "keep `client_login` on one operation",
        );
    }
}

fn check_api(loaded: &Loaded<ApiFile>, diags: &mut Vec<Diagnostic>) -> Option<Api> {
    let a = &loaded.value;
    let before = diags.len();
    let mut r = Reporter { source: &loaded.source, out: diags };
    if a.format != 1 {
        r.error("format", "format", format!("unknown spec format {}", a.format), "set `format: 1`; it is the only format this generator reads");
    }
    rules::version(&mut r, "api_version", "api_version", &a.api_version);
    one_line(&mut r, "title", "title", &a.title);
    if a.title.trim().is_empty() {
        r.error("title", "title", "`title` is empty", "write the API's title: the docs and Cargo.toml show it");
    }
    let k = &a.krate;
    if let Some(why) = crate_name_problem(&k.name) {
        r.error("crate.name", "crate.name", format!("`{}` is not a usable crate name: {why}", k.name), "use lowercase letters, digits and `-`, starting with a letter, e.g. directus-client");
    }
    if let Err(e) = semver::Version::parse(&k.version) {
        r.error("crate.version", "crate.version", format!("`{}` is not a semver version: {e}", k.version), "write MAJOR.MINOR.PATCH without leading zeros, e.g. 0.1.0 (quote it)");
    }
    if k.binary.is_empty() || !k.binary.starts_with(|c: char| c.is_ascii_alphabetic()) || !k.binary.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        r.error("crate.binary", "crate.binary", format!("`{}` is not a usable binary name", k.binary), "use letters, digits and `-`, starting with a letter, e.g. directus");
    }
    if k.runtime_path.is_empty() || k.runtime_path.starts_with('/') || k.runtime_path.contains(['\n', '\\']) {
        r.error("crate.runtime_path", "crate.runtime_path", format!("`{}` is not a relative path", k.runtime_path.escape_debug()), "give the runtime crate's folder relative to the generated crate's, with `/`, e.g. ../../runtime");
    }
    let mut codes = BTreeSet::new();
    for (i, e) in a.errors.iter().enumerate() {
        let raw = format!("errors.{i}.code");
        let sp = format!("errors.{}", e.code);
        if e.code.is_empty() || !e.code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
            r.error(&raw, &sp, format!("`{}` is not a Directus error code", e.code), "codes are UPPER_SNAKE_CASE, as in extensions.code, e.g. INVALID_CREDENTIALS");
        }
        if !codes.insert(e.code.as_str()) {
            r.error(&raw, &sp, format!("error code `{}` is listed twice", e.code), "keep one entry per code");
        }
        if !(400..600).contains(&e.status) {
            r.error(&format!("errors.{i}.status"), &sp, format!("status {} is not an error status", e.status), "use the HTTP status (400-599) Directus answers with");
        }
    }
    let mut query_sets = Vec::new();
    for (i, q) in a.query_sets.iter().enumerate() {
        if a.query_sets[..i].iter().any(|o| o.name == q.name) {
            r.error(&format!("query_sets.{i}.name"), &format!("query_sets.{}", q.name), format!("query set `{}` is defined twice", q.name), "keep one");
        }
        if let Some(set) = rules::query_set(&mut r, i, q) {
            query_sets.push(set);
        }
    }
    if diags.len() > before {
        return None;
    }
    Some(Api {
        query_sets,
        title: a.title.clone(),
        description: a.description.trim().to_owned(),
        api_version: a.api_version.clone(),
        crate_name: k.name.clone(),
        crate_version: k.version.clone(),
        binary: k.binary.clone(),
        runtime_path: k.runtime_path.clone(),
        errors: a
            .errors
            .iter()
            .map(|e| model::ErrorInfo { code: e.code.clone(), status: e.status, meaning: e.meaning.trim().to_owned(), fix: e.fix.trim().to_owned() })
            .collect(),
    })
}

fn check_resource(
    spec_dir: &Path,
    loaded: &Loaded<ResourceFile>,
    api: Option<&Api>,
    seen: &mut BTreeSet<String>,
    r: &mut Reporter<'_>,
) -> Option<Resource> {
    let f = &loaded.value;
    let before = r.out.len();
    if !names::is_snake(&f.resource) {
        r.error("resource", &f.resource, format!("resource name `{}` is not snake_case", f.resource), "use lowercase letters, digits and `_`, e.g. users");
    }
    let stem = loaded.source.path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if stem != f.resource {
        r.error("resource", &f.resource, format!("resource `{}` is in a file named `{stem}`", f.resource), format!("rename the file to {}.yaml, so each resource is found by its name", f.resource));
    }
    if !seen.insert(f.resource.clone()) {
        r.error("resource", &f.resource, format!("resource `{}` is defined in two files", f.resource), "merge the two files");
    }
    one_line(r, "title", &format!("{}.title", f.resource), &f.title);
    if f.title.trim().is_empty() {
        r.error("title", &format!("{}.title", f.resource), "`title` is empty", "write the title: the docs and --help show it");
    }
    if f.operations.is_empty() {
        r.error("operations", &f.resource, "the resource has no operations", "add at least one operation, or delete the file");
    }
    let mut ids = BTreeSet::new();
    let mut operations = Vec::new();
    for (i, op) in f.operations.iter().enumerate() {
        if !ids.insert(op.id.as_str()) {
            r.error(&format!("operations.{i}.id"), &format!("{}.{}", f.resource, op.id), format!("duplicate operation id `{}`", op.id), "give each operation of a resource its own id");
        }
        if op.draft {
            r.error(
                &format!("operations.{i}.draft"),
                &format!("{}.{}", f.resource, op.id),
                format!("operation `{}` is a draft written by `generator drift --scaffold`", op.id),
                "review it against the server (path and parameter names and types, body, response, errors, title and summary), then delete `draft: true`",
            );
        }
        rules::composite(r, &f.resource, i, op, &f.operations, api);
        if let Some(o) = rules::operation(r, &f.resource, i, op, api) {
            operations.push(o);
        }
    }
    let types = types::record_types(r, &f.types);
    if r.out.len() > before {
        return None;
    }
    let source = loaded.source.path.strip_prefix(spec_dir).unwrap_or(&loaded.source.path);
    let mut resource = Resource {
        name: f.resource.clone(),
        title: f.title.clone(),
        description: f.description.trim().to_owned(),
        source: source.to_string_lossy().replace('\\', "/"),
        source_hash: String::new(),
        operations,
        types: types?,
    };
    // Inputs with `values` become enums, named across the resource's operations.
    let named: Vec<Vec<Option<String>>> = resource
        .operations
        .iter()
        .map(|op| {
            // Only when every value can be a variant (`cover` → `Cover`); `*` cannot, and such an
            // input stays a string.
            let enumerable = |p: &model::Param| !p.values.is_empty() && p.values.iter().all(|v| rules::is_wire_name(&names::type_name(v)));
            op.inputs().map(|p| enumerable(p).then(|| names::input_values_type(&resource, op, p))).collect()
        })
        .collect();
    for (op, names) in resource.operations.iter_mut().zip(named) {
        let body: &mut [model::Param] = match &mut op.body {
            model::Body::Object(f) | model::Body::Multipart(f) => f,
            _ => &mut [],
        };
        for (p, name) in op.path_params.iter_mut().chain(op.query_params.iter_mut()).chain(body.iter_mut()).zip(names) {
            p.values_type = name;
        }
    }
    Some(resource)
}

/// A query set no operation takes would be dead code in the generated crate.
fn unused_query_sets(api: &Loaded<ApiFile>, raw: &RawSpec, diags: &mut Vec<Diagnostic>) {
    let mut r = Reporter { source: &api.source, out: diags };
    for (i, q) in api.value.query_sets.iter().enumerate() {
        let used = raw.resources.iter().flat_map(|l| &l.value.operations).any(|o| o.query.as_deref() == Some(q.name.as_str()));
        if !used && raw.unreadable.is_empty() {
            r.error(&format!("query_sets.{i}.name"), &format!("query_sets.{}", q.name), format!("no operation takes query set `{}`", q.name), "use it with `query: <name>` in an operation, or remove it");
        }
    }
}

/// Attaches the recorded live-test versions to the operations they name.
fn apply_coverage(
    cov: &Loaded<std::collections::BTreeMap<String, Vec<String>>>,
    resources: &mut [Resource],
    failed: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut r = Reporter { source: &cov.source, out: diags };
    for (id, versions) in &cov.value {
        if id.split_once('.').is_some_and(|(res, _)| failed.contains(res)) {
            continue;
        }
        let op = resources.iter_mut().flat_map(|res| res.operations.iter_mut()).find(|op| &op.full_id == id);
        match op {
            Some(op) => {
                for (i, v) in versions.iter().enumerate() {
                    if rules::version(&mut r, &format!("{id}.{i}"), id, v).is_some() {
                        op.tested_on.push(v.clone());
                    }
                }
            }
            None => r.error(id, id, format!("`{id}` is not an operation of the spec"), "regenerate coverage.yaml: cargo run -p directus-e2e --bin coverage -- --update"),
        }
    }
}

/// Why `name` cannot be the generated crate's name, if it cannot. Cargo's rules, plus names that
/// would shadow the crates the generated code uses.
fn crate_name_problem(name: &str) -> Option<&'static str> {
    let lib = name.replace('-', "_");
    if name.is_empty() || name.len() > 64 {
        Some("it must have 1 to 64 characters")
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("it must start with a lowercase letter")
    } else if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
        Some("only lowercase letters, digits, `-` and `_` are allowed")
    } else if names::is_keyword(&lib) {
        Some("it is a Rust keyword")
    } else if matches!(lib.as_str(), "std" | "core" | "alloc" | "proc_macro" | "test") {
        Some("it is the name of a crate of the standard library")
    } else if matches!(lib.as_str(), "serde" | "serde_json" | "clap" | "directus_runtime" | "tokio" | "reqwest") {
        Some("the generated crate depends on a crate of that name")
    } else {
        None
    }
}

/// Titles go into headings, Cargo.toml and `--help` lines: one line each.
pub(crate) fn one_line(r: &mut Reporter<'_>, raw: &str, spec: &str, text: &str) {
    if text.trim().contains('\n') {
        let key = raw.rsplit('.').next().unwrap_or(raw);
        r.error(raw, spec, format!("`{key}` must be one line"), "write it on one line; longer text belongs in `description`");
    }
}

/// FNV-1a over file names and contents: stable across machines, no dependency needed.
pub fn spec_hash(files: &[(std::path::PathBuf, String)]) -> String {
    let mut h = SpecHash::default();
    for (path, text) in files {
        h.add(path, text);
    }
    h.finish()
}

/// [`spec_hash`] a file at a time, so the part every resource shares (api.yaml) is hashed once
/// and its state copied, rather than hashed again for each resource.
#[derive(Clone)]
struct SpecHash(u64);

impl Default for SpecHash {
    fn default() -> Self {
        SpecHash(0xcbf29ce484222325)
    }
}

impl SpecHash {
    fn add(&mut self, path: &std::path::Path, text: &str) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for b in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }

    fn finish(&self) -> String {
        format!("{:016x}", self.0)
    }
}
