//! The name table: every name the emitters will write (Rust items, methods, arguments, fields,
//! modules and files, Cargo features, CLI commands, flags, clap ids, locals, environment
//! variables), each in the scope where it must be unique, with the spec value it came from.
//!
//! `validate` checks the table for names that cannot be identifiers, reserved names and
//! collisions, so a spec either gets located errors or a crate that compiles. The entries are
//! made with the same functions of `names.rs` the emitters call; a new kind of generated name
//! belongs here as well as in its emitter (the hostile-spec tests build crates to catch a miss).

use super::names::{self, ident, type_name};
use super::{Body, Model, Operation, Param, ParamIn, ResponseKind};

/// Where a name came from in the spec, to place an error.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A key of api.yaml, e.g. `crate.name`.
    Api(&'static str),
    Resource { resource: String },
    Operation { resource: String, op: String },
    /// A path or query parameter, or a body field.
    Input { resource: String, op: String, name: String, location: ParamIn },
    /// The `name` of an array or value body.
    BodyName { resource: String, op: String },
    ReplyField { resource: String, op: String, name: String },
    /// A record type of a resource file's `types`.
    Type { resource: String, name: String },
    /// A field of a record type.
    TypeField { resource: String, ty: String, name: String },
    QuerySet { set: String },
    QuerySetParam { set: String, name: String },
    /// A name the generated code or its dependencies already use.
    Reserved(&'static str),
}

#[derive(Clone, Debug)]
pub struct Symbol {
    /// The scope the name must be unique in, as the reader would say it.
    pub scope: String,
    pub name: String,
    /// Whether the name is written as a Rust identifier (so it must not be `self` and the like).
    pub rust: bool,
    /// What the name is for the spec value it came from, e.g. "options struct"; empty when the
    /// spec value names itself (a parameter).
    pub what: String,
    pub origin: Origin,
}

struct Table {
    out: Vec<Symbol>,
}

impl Table {
    fn add(&mut self, scope: &str, name: String, rust: bool, what: String, origin: Origin) {
        self.out.push(Symbol { scope: scope.to_owned(), name, rust, what, origin });
    }

    fn reserve(&mut self, scope: &str, names: &[&str], why: &'static str) {
        for n in names {
            self.out.push(Symbol { scope: scope.to_owned(), name: (*n).to_owned(), rust: false, what: why.to_owned(), origin: Origin::Reserved(why) });
        }
    }
}

/// Type names of Rust's prelude: a generated type with one of these names would shadow it for
/// the generated code around it.
pub(crate) const PRELUDE_TYPES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Default", "Clone", "Copy", "Debug", "Send",
    "Sync", "Sized", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "Iterator", "IntoIterator", "Extend", "ToString", "ToOwned",
    "From", "Into", "AsRef", "AsMut", "PartialEq", "Eq", "PartialOrd", "Ord", "TryFrom", "TryInto", "FromIterator", "Self",
];

/// Methods a generated `Client` has, or may forward from its runtime client.
const CLIENT_METHODS: &[&str] = &[
    "new", "with_token", "builder", "from", "deref", "clone", "fmt", "login", "login_with_otp", "logout", "refresh",
    "set_token", "server_version", "base_url", "execute", "record_composite", "with_session", "restore_session",
    "session_tokens", "call_settings", "with_call_settings", "access_token", "custom", "runtime",
];

/// What the generated crate root re-exports from the runtime, so a user needs no dependency of
/// their own on it: the client's types, what hooks, custom requests and typed items name, and
/// `reqwest` for `ClientBuilder::http_client_builder` and `Error::Transport`. The emitter writes
/// this list; the name table reserves it.
pub const RUNTIME_REEXPORTS: &[&str] = &[
    "ApiError", "Attempt", "BigInt", "Call", "CallSettings", "ClientBuilder", "Decimal", "Download", "Error", "ErrorClass", "ErrorCode", "FieldName",
    "Geometry", "Hook", "Item", "ItemStream", "Key", "ListCall", "ListMeta", "Method", "Outcome", "Page", "QueryValue", "Related", "Request",
    "Response", "Result", "RetryPolicy", "Secret", "SessionTokens", "Singleton", "Stream", "TimeoutKind", "Upload", "Uploaded", "Version",
];

/// Names in the generated crate root besides the resource modules, query sets and
/// [`RUNTIME_REEXPORTS`].
const LIB_TYPES: &[&str] = &["Client"];

/// Types the CLI file defines or imports.
const CLI_TYPES: &[&str] = &[
    "Cli", "Command", "Args", "Parser", "Subcommand", "CliResult", "GlobalArgs", "Output", "SecretSource", "Client", "ExitCode",
];

/// Crates the generated code names by path; a module of that name would shadow them.
const CRATES: &[&str] = &["std", "core", "alloc", "serde", "serde_json", "clap", "directus_runtime", "tokio"];

fn op_origin(resource: &str, op: &Operation) -> Origin {
    Origin::Operation { resource: resource.to_owned(), op: op.id.clone() }
}

fn input_origin(resource: &str, op: &Operation, p: &Param) -> Origin {
    Origin::Input { resource: resource.to_owned(), op: op.id.clone(), name: p.name.clone(), location: p.location }
}

/// Every generated name of the model.
pub fn table(model: &Model) -> Vec<Symbol> {
    let mut t = Table { out: Vec::new() };
    let api = &model.api;
    let bin = &api.binary;
    let lib_name = api.crate_name.replace('-', "_");

    t.reserve("file in src/", &["lib", "main", "bin"], "a file or folder Cargo gives its own meaning");
    t.reserve("docs page", &["readme"], "the docs index, README.md");
    t.reserve("Cargo feature", &["default", "all", "cli", "tracing", "native-roots", "clap", "serde", "serde_json", "directus-runtime"], "a feature or dependency of the generated crate");
    t.reserve("module of the crate root", CRATES, "a crate the generated code uses");
    t.add("module of the crate root", lib_name.clone(), false, "crate name".into(), Origin::Api("crate.name"));
    t.reserve("type of the crate root", LIB_TYPES, "a type the crate root defines");
    t.reserve("type of the crate root", RUNTIME_REEXPORTS, "a type the crate root re-exports from the runtime");
    t.reserve("type of the crate root", PRELUDE_TYPES, "a type of Rust's prelude");
    t.reserve("method of Client", CLIENT_METHODS, "a method every client has");
    t.reserve("type of the CLI", CLI_TYPES, "a type the CLI file defines or imports");
    t.reserve("type of the CLI", PRELUDE_TYPES, "a type of Rust's prelude");
    t.reserve(&format!("command of `{bin}`"), names::TOOL_COMMANDS, "a command of the tool itself (help, completion, man)");
    t.reserve("variant of the CLI's Command", names::TOOL_VARIANTS, "a command of the tool itself (completion, man)");

    for q in &api.query_sets {
        let origin = Origin::QuerySet { set: q.name.clone() };
        t.add("type of the crate root", type_name(&q.name), true, "struct".into(), origin.clone());
        t.add("type of the CLI", names::query_args_type(&q.name), true, "CLI arguments struct".into(), origin);
        let scope = format!("field of query set `{}`", q.name);
        // Each field also has a setter method of its name, beside these.
        t.reserve(&scope, &["new", "apply"], "a method of the query set struct");
        for p in &q.params {
            let origin = Origin::QuerySetParam { set: q.name.clone(), name: p.name.clone() };
            t.add(&scope, ident(&p.name), true, String::new(), origin);
        }
    }

    for r in &model.resources {
        let res = Origin::Resource { resource: r.name.clone() };
        let rname = &r.name;
        t.add("file in src/", r.name.clone(), false, "module file".into(), res.clone());
        t.add("docs page", r.name.clone(), false, "docs page".into(), res.clone());
        t.add("Cargo feature", r.name.clone(), false, "Cargo feature".into(), res.clone());
        t.add("module of the crate root", ident(rname), true, "module".into(), res.clone());
        t.add("method of Client", ident(rname), true, "accessor".into(), res.clone());
        t.add(&format!("command of `{bin}`"), names::kebab(rname), false, "command".into(), res.clone());
        t.add("variant of the CLI's Command", type_name(rname), true, "enum variant".into(), res.clone());
        t.add("type of the CLI", names::command_type(rname), true, "CLI command enum".into(), res.clone());

        let types = format!("type of module `{rname}`");
        t.reserve(&types, PRELUDE_TYPES, "a type of Rust's prelude");
        t.add(&types, type_name(rname), true, "struct".into(), res.clone());
        let methods = format!("method of resource `{rname}`");
        t.reserve(&methods, &["new"], "the resource struct's constructor");
        let commands = format!("command of `{bin} {}`", names::kebab(rname));
        t.reserve(&commands, &["help"], "clap's help command");
        if model.session_resource().is_some_and(|s| s.name == r.name) {
            let why = "a session command (status, token) of the resource whose operation starts a session";
            t.reserve(&commands, names::SESSION_COMMANDS, why);
            t.reserve(&format!("variant of the CLI's {}", names::command_type(rname)), names::SESSION_VARIANTS, why);
        }

        record_types(&mut t, r);
        // Input enums, each once per resource (several operations may share one).
        let mut enums = std::collections::BTreeSet::new();
        for op in &r.operations {
            for p in op.inputs() {
                let Some(e) = &p.values_type else { continue };
                if !enums.insert(e.clone()) {
                    continue;
                }
                let o = input_origin(rname, op, p);
                t.add(&types, e.clone(), true, "enum of values".into(), o.clone());
                let variants = format!("variant of `{rname}::{e}`");
                t.reserve(&variants, &[names::OTHER_VARIANT], "the variant for values the spec does not list");
                for v in &p.values {
                    t.add(&variants, type_name(v), true, format!("variant for `{v}`"), o.clone());
                }
            }
        }
        for op in &r.operations {
            let o = op_origin(rname, op);
            t.add(&format!("static of module `{rname}`"), names::const_name(&op.id), true, "descriptor".into(), o.clone());
            t.add(&methods, ident(&op.id), true, "method".into(), o.clone());
            if op.has_options() {
                t.add(&types, names::options_type(op), true, "options struct".into(), o.clone());
            }
            if let Some(reply) = op.reply_type() {
                t.add(&types, reply, true, "reply struct".into(), o.clone());
            }
            t.add(&commands, names::command(op), false, "command".into(), o.clone());
            if let (Some(old), Some(alias)) = (&op.renamed_from, names::former_command(op)) {
                t.add(&methods, ident(old), true, "deprecated method of a renamed operation".into(), o.clone());
                t.add(&commands, alias, false, "former name of a renamed command".into(), o.clone());
                for (former, _) in names::former_types(op) {
                    t.add(&types, former, true, "deprecated alias of a renamed operation's type".into(), o.clone());
                }
            }
            t.add(&format!("variant of the CLI's {}", names::command_type(rname)), type_name(&op.id), true, "enum variant".into(), o.clone());
            t.add("type of the CLI", names::args_type(rname, op), true, "CLI arguments struct".into(), o.clone());
            operation(&mut t, model, rname, op);
        }
    }
    t.out
}

/// The names inside one operation: method arguments, struct fields, flags, clap ids, CLI locals,
/// environment variables.
fn operation(t: &mut Table, model: &Model, resource: &str, op: &Operation) {
    let full = &op.full_id;
    let args = format!("argument of the method `{full}`");
    let options = format!("field of `{}`", names::options_type(op));
    let flags = format!("flag of the command `{full}`");
    let ids = format!("field of the CLI arguments of `{full}`");
    let locals = format!("local of the CLI code of `{full}`");
    let envs = format!("environment variable of the command `{full}`");

    t.reserve(&args, &["self", "req"], "a name the generated method uses itself");
    if op.composite.is_some() {
        t.reserve(&args, &["query", "found", "done", "key", "existing"], "a name the composite's code uses");
    }
    t.reserve(&flags, names::GLOBAL_FLAGS, "a flag every command takes");
    t.reserve(&locals, &["client", "args", "command"], "a name the CLI's dispatch code uses");
    t.reserve(&envs, names::GLOBAL_ENV, "a variable the CLI itself reads");

    for p in op.inputs() {
        let o = input_origin(resource, op, p);
        let what = String::new();
        let id = ident(&p.name);
        if p.required {
            t.add(&args, id.clone(), true, what.clone(), o.clone());
        } else {
            t.add(&options, id.clone(), true, what.clone(), o.clone());
        }
        t.add(&locals, id.clone(), true, what.clone(), o.clone());
        if p.secret {
            t.add(&flags, names::stdin_flag(p), false, what.clone(), o.clone());
            t.add(&ids, names::stdin_field(p), true, what.clone(), o.clone());
            t.add(&flags, names::file_flag(p), false, what.clone(), o.clone());
            t.add(&ids, names::file_field(p), true, what.clone(), o.clone());
            t.add(&envs, names::secret_env(p), false, what, o.clone());
        } else {
            t.add(&flags, names::flag(p), false, what.clone(), o.clone());
            t.add(&ids, id, true, what.clone(), o.clone());
        }
        if names::is_switch_pair(p) {
            t.add(&flags, names::negated_flag(p), false, "`--no-…` switch".into(), o.clone());
            t.add(&ids, names::negated_field(p), true, "`--no-…` switch".into(), o);
        }
    }
    if let Some(set) = model.api.query_set_of(op) {
        let o = Origin::QuerySet { set: set.name.clone() };
        t.add(&args, "query".into(), true, "method argument".into(), o.clone());
        t.add(&ids, "query".into(), true, "CLI arguments field".into(), o.clone());
        t.add(&locals, "query".into(), true, "CLI local".into(), o);
        for p in &set.params {
            let o = Origin::QuerySetParam { set: set.name.clone(), name: p.name.clone() };
            let what = String::new();
            t.add(&flags, names::flag(p), false, what.clone(), o.clone());
            t.add(&ids, ident(&p.name), true, what, o.clone());
            if names::is_switch_pair(p) {
                t.add(&flags, names::negated_flag(p), false, "`--no-…` switch".into(), o.clone());
                t.add(&ids, names::negated_field(p), true, "`--no-…` switch".into(), o);
            }
        }
    }
    if model.api.streamed_set_of(op).is_some() {
        let o = op_origin(resource, op);
        t.add(&flags, "all".into(), false, "`--all` switch".into(), o.clone());
        t.add(&ids, "all".into(), true, "`--all` switch".into(), o.clone());
        t.add(&locals, "all".into(), true, "`--all` switch".into(), o);
    }
    if op.has_options() {
        t.add(&args, "options".into(), true, "options argument".into(), op_origin(resource, op));
    }
    if op.open_body {
        let o = op_origin(resource, op);
        t.add(&options, "extra".into(), true, "field for other body fields".into(), o.clone());
        t.add(&options, "extra_field".into(), true, "setter for other body fields".into(), o.clone());
        t.add(&flags, "data".into(), false, "`--data` flag".into(), o.clone());
        t.add(&ids, "data".into(), true, "`--data` field".into(), o);
    }
    if let Body::Array { name, .. } | Body::Value { name, .. } = &op.body {
        let o = Origin::BodyName { resource: resource.to_owned(), op: op.id.clone() };
        let what = String::new();
        t.add(&args, ident(name), true, what.clone(), o.clone());
        t.add(&flags, names::kebab(name), false, what.clone(), o.clone());
        t.add(&ids, ident(name), true, what.clone(), o.clone());
        t.add(&locals, ident(name), true, what, o.clone());
        if let Body::Value { file: true, .. } = &op.body {
            t.add(&ids, names::positional_file_field(name), true, "positional FILE".into(), o);
        }
    }
    if op.response.kind == ResponseKind::Binary {
        let o = op_origin(resource, op);
        t.add(&flags, names::OUTPUT_FILE_FLAG.into(), false, "`--output-file` flag".into(), o.clone());
        t.add(&ids, names::OUTPUT_FILE_FIELD.into(), true, "`--output-file` field".into(), o);
    }
    if op.reply_fields {
        let o = op_origin(resource, op);
        t.add(&flags, names::REPLY_FIELDS.into(), false, "`--fields` flag of a reply shaped by `fields`".into(), o.clone());
        t.add(&ids, names::REPLY_FIELDS.into(), true, "`--fields` field".into(), o);
    }
    if op.confirm {
        let o = op_origin(resource, op);
        t.add(&flags, names::YES_FLAG.into(), false, "`--yes` flag of an irreversible operation".into(), o.clone());
        t.add(&ids, names::YES_FLAG.into(), true, "`--yes` field".into(), o);
    }
    if let Some(p) = op.positional_key() {
        t.add(&ids, names::positional_field(p), true, "positional form".into(), input_origin(resource, op, p));
    }
    if let Some(reply) = op.reply_type() {
        let scope = format!("field of `{reply}`");
        t.reserve(&scope, &["extra"], "the field that keeps fields the spec does not name");
        for f in &op.response.fields {
            let o = Origin::ReplyField { resource: resource.to_owned(), op: op.id.clone(), name: f.name.clone() };
            t.add(&scope, ident(&f.name), true, String::new(), o);
        }
    }
}

/// The names of record types: types and enums of module `types`, struct fields, enum variants,
/// files.
fn record_types(t: &mut Table, r: &super::Resource) {
    let scope = "type of module `types`";
    if !r.types.is_empty() {
        t.add("file in src/types/", r.name.clone(), false, "module file of its record types".into(), Origin::Resource { resource: r.name.clone() });
    }
    for ty in &r.types {
        let o = Origin::Type { resource: r.name.clone(), name: ty.name.clone() };
        t.reserve(scope, PRELUDE_TYPES, "a type of Rust's prelude");
        t.add(scope, type_name(&ty.name), true, "record type".into(), o);
        let fields = format!("field of the record type `{}`", type_name(&ty.name));
        t.reserve(&fields, &[names::EXTRA_FIELD], "the field that keeps what the type does not name");
        for f in &ty.fields {
            let o = Origin::TypeField { resource: r.name.clone(), ty: ty.name.clone(), name: f.name.clone() };
            t.add(&fields, ident(&f.name), true, String::new(), o.clone());
            if !f.values.is_empty() {
                let e = names::values_type(&ty.name, &f.name);
                t.add(scope, e.clone(), true, "enum of values".into(), o.clone());
                let variants = format!("variant of `{e}`");
                t.reserve(&variants, &[names::UNKNOWN_VARIANT], "the variant for values this client does not know");
                for v in &f.values {
                    t.add(&variants, type_name(v), true, format!("variant for `{v}`"), o.clone());
                }
            }
        }
    }
}
