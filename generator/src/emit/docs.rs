//! Markdown docs, rendered with the minijinja templates in generator/templates/.

use super::client::method_str;
use crate::model::{names, AuthMode, Body, Model, Operation, Param, Resource, ResponseKind, Shape};
use minijinja::{context, Environment};
use serde::Serialize;

const INDEX: &str = include_str!("../../templates/index.md.j2");
const RESOURCE: &str = include_str!("../../templates/resource.md.j2");

#[derive(Serialize)]
struct Property {
    name: String,
    location: &'static str,
    meaning: String,
}

#[derive(Serialize)]
struct RouteView {
    method: &'static str,
    path: String,
    versions: String,
}

/// What a page says about one operation, computed here so templates only lay it out.
#[derive(Serialize)]
struct OpView<'a> {
    op: &'a Operation,
    routes: Vec<RouteView>,
    properties: Vec<Property>,
    output: String,
    example: Option<String>,
    credentials: &'static str,
    availability: String,
    rust_example: String,
    cli_example: String,
    /// API-wide errors any such call can meet, when the operation does not list them itself.
    common_errors: Vec<&'a crate::model::ErrorInfo>,
}

/// The template environment, built once per run and shared by every docs job.
pub fn env() -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    // A Markdown table cell holds one line and no bare `|`; spec prose in it, no HTML tag.
    env.add_filter("cell", |s: String| super::escape_tags(&s.replace('|', "\\|").replace('\n', " ")));
    // Spec prose outside tables: `AUTH_<NAME>_DRIVER` stays text (code spans and fences as they are).
    env.add_filter("prose", |s: String| super::escape_tags_in_prose(&s));
    // Link text in a table cell: also no bare brackets, which would end or nest the link.
    env.add_filter("link_text", |s: String| s.replace('\\', "\\\\").replace('|', "\\|").replace('[', "\\[").replace(']', "\\]"));
    env.add_filter("exit_code", exit_code);
    env.add_global("generator_version", env!("CARGO_PKG_VERSION"));
    env.add_global("regenerate", super::REGENERATE);
    for (name, src) in [("index", INDEX), ("resource", RESOURCE)] {
        env.add_template(name, src).map_err(|e| format!("template {name}: {e}"))?;
    }
    Ok(env)
}

/// The API index page.
pub fn index(env: &Environment<'_>, model: &Model) -> Result<(String, String), String> {
    let coverage = coverage(model);
    let text = render(env, "index", context! { model, api => &model.api, resources => &model.resources, coverage })?;
    Ok(("README.md".to_owned(), text))
}

/// The page of one resource, `<resource>.md`: its operations, a section each. One page per
/// resource rather than per operation: creating files is most of a large spec's generation time.
pub fn resource_page(env: &Environment<'_>, model: &Model, r: &Resource) -> Result<(String, String), String> {
    let ops: Vec<OpView> = r.operations.iter().map(|op| view(model, r, op)).collect();
    // Only what the page shows goes into its context: serializing the whole model for each page
    // made generation quadratic in the number of operations.
    let types: Vec<TypeView> = r.types.iter().map(|t| type_view(model, t)).collect();
    Ok((format!("{}.md", r.name), render(env, "resource", context! { resource => r, ops => &ops, types => &types })?))
}

#[derive(Serialize)]
struct TypeView {
    name: String,
    rust: String,
    title: String,
    description: String,
    collection: Option<String>,
    versions: String,
    fields: Vec<FieldView>,
}

#[derive(Serialize)]
struct FieldView {
    name: String,
    ty: String,
    meaning: String,
}


/// A link to a record type's section, from any page.
fn type_link(model: &Model, name: &str) -> String {
    let page = model.resources.iter().find(|r| r.types.iter().any(|t| t.name == name)).map(|r| r.name.as_str()).unwrap_or_default();
    format!("[`{}`]({page}.md#type-{name})", names::type_name(name))
}

fn type_view(model: &Model, t: &crate::model::RecordType) -> TypeView {
    use crate::model::FieldType;
    let fields = t
        .fields
        .iter()
        .map(|f| {
            let base = match &f.ty {
                FieldType::String if !f.values.is_empty() => format!("one of {}", f.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")),
                FieldType::String => "string".into(),
                FieldType::Integer => "integer".into(),
                FieldType::Number => "number".into(),
                FieldType::Boolean => "boolean".into(),
                FieldType::Json => "JSON".into(),
                FieldType::Record(n) => type_link(model, n),
            };
            let base = match &f.relation {
                Some(rel) => format!("key ({base}) of a {}, or the record when expanded", type_link(model, rel)),
                None => base,
            };
            let ty = match (f.list, f.map) {
                (true, true) => format!("map of lists of {base}"),
                (true, false) => format!("list of {base}"),
                (false, true) => format!("map of {base}"),
                (false, false) => base,
            };
            let mut meaning = f.description.clone();
            let v = crate::model::range_text(f.since, f.removed_in);
            if !v.is_empty() {
                meaning += &format!(" ({v})");
            }
            if f.nullable {
                meaning += " May be `null`.";
            }
            if f.secret {
                meaning += " Secret: masked by Directus when read.";
            }
            FieldView { name: f.name.clone(), ty, meaning: meaning.trim().to_owned() }
        })
        .collect();
    TypeView {
        name: t.name.clone(),
        rust: names::type_name(&t.name),
        title: t.title.clone(),
        description: t.description.clone(),
        collection: t.collection.clone(),
        versions: crate::model::range_text(t.since, t.removed_in),
        fields,
    }
}

fn render(env: &Environment<'_>, name: &str, ctx: minijinja::Value) -> Result<String, String> {
    env.get_template(name).and_then(|t| t.render(ctx)).map_err(|e| format!("rendering {name}: {e:#}"))
}

#[derive(Serialize)]
struct CoverageRow {
    id: String,
    link: String,
    routes: Vec<RouteView>,
    tested_on: String,
}

#[derive(Serialize)]
struct Coverage {
    rows: Vec<CoverageRow>,
    total: usize,
    tested: usize,
    /// (version, how many operations ran on it)
    per_version: Vec<(String, usize)>,
}

fn coverage(model: &Model) -> Coverage {
    let mut per_version: std::collections::BTreeMap<String, usize> = Default::default();
    let mut rows = Vec::new();
    for r in &model.resources {
        for op in &r.operations {
            for v in &op.tested_on {
                *per_version.entry(v.clone()).or_default() += 1;
            }
            rows.push(CoverageRow {
                id: op.full_id.clone(),
                link: format!("{}.md#{}", r.name, op.id),
                routes: routes(op),
                tested_on: if op.tested_on.is_empty() { "—".into() } else { op.tested_on.join(", ") },
            });
        }
    }
    Coverage {
        total: rows.len(),
        tested: model.resources.iter().flat_map(|r| &r.operations).filter(|o| !o.tested_on.is_empty()).count(),
        rows,
        per_version: per_version.into_iter().collect(),
    }
}

/// Each route with the versions it serves: its own range narrowed to the operation's life.
fn routes(op: &Operation) -> Vec<RouteView> {
    op.routes
        .iter()
        .map(|rt| {
            let since = rt.since.max(op.since);
            let until = match (rt.until, op.removed_in) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            RouteView {
                method: method_str(op.method),
                path: rt.path.clone(),
                versions: match (since, until) {
                    (None, None) => "all".into(),
                    (Some(s), None) => format!("{s} and later"),
                    (None, Some(u)) => format!("before {u}"),
                    (Some(s), Some(u)) => format!("{s} up to (not including) {u}"),
                },
            }
        })
        .collect()
}

fn view<'a>(model: &'a Model, r: &'a Resource, op: &'a Operation) -> OpView<'a> {
    // A composite sends the requests of its parts, so those are the routes it depends on.
    let routes = match &op.composite {
        Some(c) => [&c.list, &c.create, &c.update]
            .iter()
            .filter_map(|id| r.operations.iter().find(|o| &o.id == *id))
            .flat_map(routes)
            .collect(),
        None => routes(op),
    };
    let mut properties: Vec<Property> = op.inputs().map(property).collect();
    if let Some(set) = model.api.query_set_of(op) {
        let flags: Vec<String> = set.params.iter().map(|p| format!("`--{}`", names::flag(p))).collect();
        properties.push(Property {
            name: set.name.clone(),
            location: "query",
            meaning: format!(
                "{} Optional: `{}::default()` sends none. CLI: {}.{}",
                or(&set.description, "Query parameters."),
                names::pascal(&names::snake(&set.name)),
                flags.join(", "),
                match (&set.meta, set.pages(op)) {
                    (Some(m), true) => format!(
                        " With `{m}` (e.g. `total_count`), `.with_meta()` on the call returns the counts beside the items, and the CLI prints `{{\"data\": …, \"meta\": …}}`."
                    ),
                    _ => String::new(),
                }
            ),
        });
    }
    match &op.body {
        Body::Array { name, description, .. } => properties.push(Property {
            name: name.clone(),
            location: "body",
            meaning: format!("{} Required: the request body is a JSON array. CLI: `--{}` (comma-separated).", or(description, "The keys."), names::kebab(name)),
        }),
        Body::Value { name, description, file } => {
            let file_form = if *file { ", or a file of JSON or YAML as the first argument (`FILE`, `-` for stdin)" } else { "" };
            properties.push(Property {
                name: name.clone(),
                location: "body",
                meaning: format!("{} Required: the whole JSON body. CLI: `--{}` (JSON inline, `@FILE`, or `-` for stdin){file_form}.", or(description, "The request body."), names::kebab(name)),
            })
        }
        _ => {}
    }
    let output = match (op.response.kind, op.response.shape) {
        (ResponseKind::Json, Shape::Array) => "A JSON array, taken from the reply's `data`.".to_owned(),
        (ResponseKind::Json, _) => "JSON, taken from the reply's `data`.".to_owned(),
        (ResponseKind::Binary, _) => "The file's bytes, streamed (to `--output-file FILE` (`-O`) or stdout in the CLI; a `Download` in Rust, with the file name from `Content-Disposition`).".to_owned(),
        (ResponseKind::Text, _) => "Plain text.".to_owned(),
        (ResponseKind::Empty, _) => "Nothing: success is the status (204 or an empty 200). The CLI prints nothing and exits 0.".to_owned(),
        (ResponseKind::Redirect, _) => "A redirect; the client returns its `Location` without following it, and the CLI prints it.".to_owned(),
        (ResponseKind::Upload, _) => "The finished upload: the new file's id (`file_id`), the upload's id (`upload_id`) and the size, as `rt::Uploaded` in Rust and JSON in the CLI. The file is sent in chunks (`upload_chunk_size`, 8 MiB by default); a chunk that fails is sent again from where the server got to, up to the client's retry attempts in a row, and an upload that stops anyway fails with `Error::ResumableInterrupted`, which carries the upload id to resume it with.".to_owned(),
    };
    let output = if op.response.description.is_empty() { output } else { format!("{} {output}", op.response.description) };
    let output = match &op.response.ty {
        Some(crate::model::ReplyType::Record(n)) => {
            let each = if op.response.shape == Shape::Array { "each item is " } else { "" };
            format!("{output} In Rust {each}a {} (`.decode::<T>()` reads your own type).", type_link(model, n))
        }
        Some(scalar) => format!("{output} In Rust: {}.", match scalar {
            crate::model::ReplyType::String => "`String`",
            crate::model::ReplyType::Integer => "`i64`",
            crate::model::ReplyType::Number => "`f64`",
            _ => "`bool`",
        }),
        None => output,
    };
    let output = match op.response.envelope_fields.as_slice() {
        [] => output,
        fields => {
            let beside: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "{output} The reply also carries {} beside `data`: the CLI prints the whole reply, `{{\"data\": …, {}}}` (with `-o ndjson` or `-o table`, the items on stdout and the rest on stderr).",
                beside.join(", "),
                fields.iter().map(|f| format!("\"{f}\": …")).collect::<Vec<_>>().join(", ")
            )
        }
    };
    let output = if op.reply_fields {
        format!("{output} Directus reads the saved record back with the request's `fields`: `.fields([\"id\", \"title\"])` on the call in Rust, `--fields id,title` in the CLI, to get only those (dot notation reaches into relations).")
    } else {
        output
    };
    let example = op.response.example.as_ref().and_then(|e| serde_json::to_string_pretty(e).ok());
    let credentials = match op.auth {
        AuthMode::Required => "A logged-in user or a static token (`DIRECTUS_TOKEN` or `--token-stdin` in the CLI, `ClientBuilder::token` in Rust).",
        AuthMode::Optional => "None needed; with a token the reply covers what that user may see.",
        AuthMode::None => "None: this operation is called without a token.",
    };
    let mut availability = match op.since {
        Some(s) => format!("Directus {s} and later"),
        None => "All Directus versions the spec covers".to_owned(),
    };
    if let Some(rm) = op.removed_in {
        availability += &format!("; removed in {rm}");
        if let Some(rep) = &op.replacement {
            availability += &format!(" (use {rep} instead)");
        }
    }
    availability += ".";
    let mut common = vec!["FORBIDDEN"];
    if op.auth == AuthMode::Required {
        common.insert(0, "INVALID_CREDENTIALS");
    }
    let common_errors = model
        .api
        .errors
        .iter()
        .filter(|e| common.contains(&e.code.as_str()) && !op.errors.iter().any(|o| o.code == e.code))
        .collect();
    OpView {
        common_errors,
        op,
        routes,
        properties,
        output,
        example,
        credentials,
        availability,
        rust_example: rust_example(r, op),
        cli_example: names::cli_example(&model.api.binary, &r.name, op),
    }
}

/// The CLI's exit code for a Directus error. It mirrors `directus_runtime::ErrorClass::of` (the
/// generator does not link the runtime); a test in tests/tests/generator.rs keeps the two equal.
fn exit_code(status: u16, code: String) -> u8 {
    match (status, code.as_str()) {
        (_, "INVALID_CREDENTIALS" | "INVALID_OTP" | "INVALID_TOKEN" | "TOKEN_EXPIRED" | "USER_SUSPENDED") | (401, _) => 3,
        (403 | 404, _) => 4,
        (s, _) if s >= 500 => 5,
        _ => 2,
    }
}

fn or<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.is_empty() {
        default
    } else {
        s
    }
}

fn property(p: &Param) -> Property {
    let mut m = or(&p.description, "—").to_owned();
    m += if p.required { " Required." } else { " Optional." };
    if let Some(d) = &p.default {
        m += &format!(" Server default: `{d}`.");
    }
    if !p.values.is_empty() {
        m += &format!(" One of: {}.", p.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "));
    }
    if p.secret {
        m += &format!(" Secret: never on the command line; the CLI reads it from `--{}`, `--{} PATH`, `${}` or a prompt, and it is redacted in logs and errors.", names::stdin_flag(p), names::file_flag(p), names::secret_env(p));
        if let Some(reason) = &p.only_in_url {
            m += &format!(" Sent in the URL's query, masked wherever the client shows the URL: {}", reason.trim_end_matches('.'));
            m += ".";
        }
    } else if names::is_switch_pair(p) {
        m += &format!(" CLI: `--{}` sends true, `--{}` false.", names::flag(p), names::negated_flag(p));
    } else {
        m += &format!(" CLI: `--{}`.", names::flag(p));
    }
    Property {
        name: p.name.clone(),
        location: match p.location {
            crate::model::ParamIn::Path => "path",
            crate::model::ParamIn::Query => "query",
            crate::model::ParamIn::Body => "body",
        },
        meaning: m,
    }
}

fn rust_example(r: &Resource, op: &Operation) -> String {
    let mut args: Vec<String> = op.inputs().filter(|p| p.required).map(|p| names::snake(&p.name)).collect();
    match &op.body {
        Body::Array { name, .. } | Body::Value { name, .. } => args.push(format!("&{name}")),
        _ => {}
    }
    if let Some(q) = &op.query_set {
        args.push(format!("&{}::default()", names::pascal(&names::snake(q))));
    }
    if op.inputs().any(|p| !p.required) {
        args.push(format!("&{}::{}Options::default()", names::snake(&r.name), names::pascal(&op.id)));
    }
    format!("client.{}().{}({}).await?", r.name, op.id, args.join(", "))
}

