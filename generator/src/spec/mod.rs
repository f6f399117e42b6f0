//! The spec as written: YAML files read with serde. Enum-like fields stay strings here so that a
//! bad value is reported together with every other problem, by `validate`, instead of stopping the parse.

pub mod load;
pub mod locate;
pub mod text;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// `spec/api.yaml`: what holds for the whole API.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "Directus client spec: api.yaml")]
pub struct ApiFile {
    /// Version of this spec format. Only 1 exists.
    pub format: u32,
    /// Name of the API, used in docs.
    pub title: String,
    /// What the API is, for the docs index and the crate's documentation.
    #[serde(default)]
    pub description: String,
    /// The Directus version this spec was last checked against, e.g. 12.4.1.
    pub api_version: String,
    /// The generated crate.
    #[serde(rename = "crate")]
    pub krate: CrateDef,
    /// Directus error codes: what each means and how to resolve it. Operations refer to them.
    #[serde(default)]
    pub errors: Vec<ErrorDef>,
    /// Named sets of query parameters that many operations share (e.g. Directus's global query).
    #[serde(default)]
    pub query_sets: Vec<QuerySetDef>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QuerySetDef {
    /// snake_case name; operations use it with `query: <name>`. Also the Rust type's name.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Query parameters (`in: query`).
    pub params: Vec<ParamDef>,
    /// The parameter that makes a list reply carry `meta` (Directus: `meta`, e.g. `total_count`).
    /// List operations taking this set also get a `<operation>_with_meta` method that returns it.
    #[serde(default)]
    pub meta: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CrateDef {
    /// Crate name, e.g. directus-client.
    pub name: String,
    /// Crate version (semver).
    pub version: String,
    /// Name of the command-line tool.
    pub binary: String,
    /// Path of the runtime crate, relative to the generated crate's folder.
    pub runtime_path: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ErrorDef {
    /// `extensions.code`, e.g. INVALID_CREDENTIALS.
    pub code: String,
    /// The HTTP status Directus answers with.
    pub status: u16,
    /// What the error means.
    pub meaning: String,
    /// How to resolve it.
    pub fix: String,
}

/// `spec/resources/<name>.yaml`: one resource and its operations.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "Directus client spec: resource file")]
pub struct ResourceFile {
    /// snake_case name; also the file name and the CLI command.
    pub resource: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub operations: Vec<OperationDef>,
    /// Record types this resource's operations return (or that those records nest). Every
    /// operation of every resource may refer to them by name.
    #[serde(default)]
    pub types: Vec<TypeDef>,
}

/// A named record type: a Rust struct with one optional field per entry, plus `extra` for the
/// fields it does not name (custom fields, a newer server's fields).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TypeDef {
    /// snake_case and singular, e.g. `user`: the Rust type `User`, the docs section `user`.
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The system collection whose records this is, e.g. `directus_users`: the live tests
    /// compare the type with the fields that collection has on each server version.
    #[serde(default)]
    pub collection: Option<String>,
    /// First Directus version with records of this type.
    #[serde(default)]
    pub since: Option<String>,
    /// First Directus version without them.
    #[serde(default)]
    pub removed_in: Option<String>,
    pub fields: Vec<TypeFieldDef>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TypeFieldDef {
    /// The name in the JSON.
    pub name: String,
    /// string, integer, number, boolean, json, or the name of a type; with `relation`, the type
    /// of the related record's key.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub description: String,
    /// A list of such values.
    #[serde(default)]
    pub list: bool,
    /// An object whose values are of this type (with `list`, lists of it).
    #[serde(default)]
    pub map: bool,
    /// The server may send `null`.
    #[serde(default)]
    pub nullable: bool,
    /// The field holds the key of a record of this type, or that record when the query expands
    /// it (`fields=role.*`).
    #[serde(default)]
    pub relation: Option<String>,
    /// The strings Directus allows: an enum with a case for each, and one for any other.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// A password, token or key (Directus masks them when read): never printed.
    #[serde(default)]
    pub secret: bool,
    /// The server sends `false` instead of the value when the feature is off (`/server/info`'s
    /// `rateLimit`, `websocket`): read as `None`.
    #[serde(default)]
    pub or_false: bool,
    /// Always in the reply: not an `Option`. Only for types without `collection` (any field of a
    /// collection's records can be left out by a `fields` selection).
    #[serde(default)]
    pub required: bool,
    /// First Directus version with the field.
    #[serde(default)]
    pub since: Option<String>,
    /// First Directus version without it.
    #[serde(default)]
    pub removed_in: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OperationDef {
    /// snake_case id, unique in the resource: the Rust method and (kebab-cased) the CLI command.
    pub id: String,
    /// Display name, e.g. "Generate 2FA".
    pub title: String,
    /// One sentence: what it does.
    pub summary: String,
    /// Longer explanation for docs and rustdoc.
    #[serde(default)]
    pub description: String,
    #[schemars(with = "MethodName")]
    pub method: String,
    /// Path with `{param}` placeholders. Use `routes` instead when it differs between versions.
    #[serde(default)]
    pub path: Option<String>,
    /// The path per Directus version range, when it moved.
    #[serde(default)]
    pub routes: Vec<RouteDef>,
    /// Whether a logged-in caller is needed. Default: required.
    #[serde(default)]
    #[schemars(with = "Option<AuthName>")]
    pub auth: Option<String>,
    /// First Directus version with the operation.
    #[serde(default)]
    pub since: Option<String>,
    /// First Directus version without it.
    #[serde(default)]
    pub removed_in: Option<String>,
    /// What to use once it is removed.
    #[serde(default)]
    pub replacement: Option<String>,
    /// Path and query parameters.
    #[serde(default)]
    pub params: Vec<ParamDef>,
    /// A query set from api.yaml that this operation takes as well.
    #[serde(default)]
    pub query: Option<String>,
    /// Set to false when Directus's own OpenAPI output leaves this route out (in some or all
    /// versions), so `drift` does not report it as missing from the server; with a live server it
    /// probes the route instead.
    #[serde(default)]
    pub oas: Option<bool>,
    /// An operation made of others: `upsert` looks up with `list`, then calls `update` or `create`.
    #[serde(default)]
    pub composite: Option<CompositeDef>,
    #[serde(default)]
    pub body: Option<BodyDef>,
    pub response: ResponseDef,
    /// Errors this operation is known to give.
    #[serde(default)]
    pub errors: Vec<OpErrorDef>,
    /// Written by `generator drift --scaffold` and not reviewed yet: `validate` reports it until
    /// this is removed.
    #[serde(default)]
    pub draft: bool,
    /// Irreversible (e.g. applying a schema diff, which drops what it removes): the CLI asks
    /// before sending on a terminal and wants `--yes` otherwise.
    #[serde(default)]
    pub confirm: bool,
    /// A create or update whose reply Directus shapes with the query parameter `fields` (it reads
    /// the saved record back with the request's query): the client's call gets `.fields(…)`,
    /// the CLI `--fields`.
    #[serde(default)]
    pub reply_fields: bool,
    /// The operation behind the generated client's own `login` and `login_with_otp` (at most one in
    /// the spec): they call it in json mode and return its reply, so there is one login and one
    /// token type. It must start a session and take `email` and a secret `password`, with an
    /// optional secret `otp` and a `mode` that accepts `json`.
    #[serde(default)]
    pub client_login: bool,
    /// The operation's former id, when it was renamed: the client keeps a method of that name,
    /// deprecated, that calls this one, and the CLI a hidden alias, so code and scripts written
    /// against the old name still build and run.
    #[serde(default)]
    pub renamed_from: Option<String>,
    /// `tus`: the route speaks the tus resumable-upload protocol (Directus's `/files/tus`): every
    /// request carries `Tus-Resumable`. With `response: { kind: upload }` the client sends the
    /// multipart body's file in chunks and resumes after failures.
    #[serde(default)]
    #[schemars(with = "Option<ProtocolName>")]
    pub protocol: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RouteDef {
    pub path: String,
    /// First version served at this path.
    #[serde(default)]
    pub since: Option<String>,
    /// First version no longer served at this path.
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ParamDef {
    pub name: String,
    /// `path` or `query`.
    #[serde(rename = "in")]
    #[schemars(with = "ParamLocation")]
    pub location: String,
    #[serde(rename = "type")]
    #[schemars(with = "TypeName")]
    pub ty: String,
    /// Path parameters are always required.
    #[serde(default)]
    pub required: bool,
    /// A password, OTP, token or key: never on the command line, never printed.
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: String,
    /// The server's default, for docs.
    #[serde(default)]
    pub default: Option<Value>,
    /// Allowed values, when the server accepts only some.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// The CLI flag, without `--`, when the name does not make a good one or is a flag every
    /// command has (`url`, `token`): e.g. `from-url`. A secret's `--…-stdin`/`--…-file` flags and
    /// environment variable are named from it too (`reset-token` → `DIRECTUS_RESET_TOKEN`).
    #[serde(default)]
    pub flag: Option<String>,
    /// `bracket`: a JSON object sent as `name[key]=value` pairs (Directus's `aggregate`).
    #[serde(default)]
    #[schemars(with = "Option<ParamStyle>")]
    pub style: Option<String>,
    /// For a secret query parameter of an operation: why the server accepts it only in the URL
    /// (e.g. Directus reads a registration token only from the link it mails). Secrets are
    /// otherwise refused in queries, since URLs end up in server and proxy logs; with this, the
    /// value is still a `Secret`, the CLI still reads it from stdin, a file or the environment,
    /// and the client masks it wherever it shows the URL. Not for path parameters or query sets.
    #[serde(default)]
    pub only_in_url: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CompositeDef {
    /// Only `upsert` exists.
    #[schemars(with = "CompositeKind")]
    pub kind: String,
    /// Operation ids in this resource used by the composite.
    pub list: String,
    pub create: String,
    pub update: String,
    /// The primary key field of the items. Default: read from the server (`GET /fields/{collection}`,
    /// the field whose schema says `is_primary_key`), once per call.
    #[serde(default)]
    pub key: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BodyDef {
    /// object: named fields; array: a JSON array; value: any JSON the caller gives; multipart: form fields and a file.
    #[schemars(with = "BodyKind")]
    pub kind: String,
    /// Fields of an object or multipart body.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Item type of an array body.
    #[serde(default)]
    #[schemars(with = "Option<TypeName>")]
    pub items: Option<String>,
    /// Name of an array or value body in the Rust method and the CLI. Default: `keys` for arrays, `data` otherwise.
    #[serde(default)]
    pub name: Option<String>,
    /// For object bodies: fields the spec does not name may be sent too (Directus's free-form records).
    #[serde(default)]
    pub open: bool,
    /// For a value body: the CLI also takes it as a positional FILE, JSON or YAML (`-` for
    /// stdin), beside `--<name>`; for documents people keep in files, such as a schema snapshot.
    #[serde(default)]
    pub positional_file: bool,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(rename = "type")]
    #[schemars(with = "TypeName")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    /// A password, OTP, token or key: never on the command line, never printed.
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// The CLI flag, without `--`, when the name does not make a good one or is a flag every
    /// command has (`url`, `token`): e.g. `from-url`. A secret's `--…-stdin`/`--…-file` flags and
    /// environment variable are named from it too (`reset-token` → `DIRECTUS_RESET_TOKEN`).
    #[serde(default)]
    pub flag: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ResponseDef {
    #[schemars(with = "ResponseKind")]
    pub kind: String,
    /// For json: object (default when fields or a type are given), array, map (an object whose
    /// values are each the type), or value.
    #[serde(default)]
    #[schemars(with = "Option<ResponseShape>")]
    pub shape: Option<String>,
    /// Known fields of the object (or of each array item). Fields the server adds later are kept too.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// What the JSON is (with `shape: array`, what each item is): a type from a resource's
    /// `types`, or string, integer, number or boolean. Without it (and without `fields`) the
    /// caller picks the type.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub description: String,
    /// An example of `data`, for docs. Use placeholders for secrets.
    #[serde(default)]
    pub example: Option<Value>,
    /// Whether the JSON is wrapped in `{"data": …}`. Default true; a few server routes answer bare JSON.
    #[serde(default)]
    pub envelope: Option<bool>,
    /// Top-level fields the reply carries beside `data` (and `meta`), such as `disableDefault`
    /// of `GET /auth`. The CLI prints the whole reply for such an operation, `{"data": …,
    /// "disableDefault": …}`, so nothing the server said is lost.
    #[serde(default)]
    pub envelope_fields: Vec<String>,
    /// What the reply does to the client's login session. `start`: it carries `access_token`,
    /// `refresh_token` and `expires`, and the client logs in with them (a login, a refresh).
    /// `end`: the call ends the session whose optional `refresh_token` body field it sends, the
    /// client's own when none is given (a logout). The CLI stores and removes the session in its
    /// profile accordingly, and the resource of a `start` operation gets `status` and `token` commands.
    #[serde(default)]
    #[schemars(with = "Option<SessionName>")]
    pub session: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OpErrorDef {
    /// A code from api.yaml's `errors`.
    pub code: String,
    /// When this operation gives it.
    pub when: String,
    /// How to resolve it here; default: the api.yaml text.
    #[serde(default)]
    pub fix: Option<String>,
}

// Schema-only types: the allowed values of the string fields above.

#[derive(JsonSchema)]
#[allow(dead_code, clippy::upper_case_acronyms)]
enum MethodName {
    GET,
    POST,
    PATCH,
    PUT,
    DELETE,
    SEARCH,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum AuthName {
    Required,
    Optional,
    None,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ParamLocation {
    Path,
    Query,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum TypeName {
    String,
    Integer,
    Number,
    Boolean,
    Json,
    StringList,
    IntegerList,
    JsonList,
    File,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ParamStyle {
    Bracket,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ProtocolName {
    Tus,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum CompositeKind {
    Upsert,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum BodyKind {
    Object,
    Array,
    Value,
    Multipart,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ResponseKind {
    Json,
    Binary,
    Text,
    Empty,
    Redirect,
    Upload,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum SessionName {
    Start,
    End,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ResponseShape {
    Object,
    Array,
    Map,
    Value,
}

/// The JSON Schemas of the two file kinds, for editors.
pub fn json_schemas() -> [(&'static str, schemars::Schema); 2] {
    [("api.schema.json", schemars::schema_for!(ApiFile)), ("resource.schema.json", schemars::schema_for!(ResourceFile))]
}
