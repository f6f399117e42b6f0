//! The one intermediate model every emitter reads. Built only from a spec that validated, so
//! emitters never meet a bad value.

pub mod names;
pub mod symbols;

use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Debug, Serialize)]
pub struct Model {
    pub api: Api,
    pub resources: Vec<Resource>,
    /// FNV-1a of the spec files, for provenance headers.
    pub spec_hash: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Api {
    pub title: String,
    pub description: String,
    pub api_version: String,
    pub crate_name: String,
    pub crate_version: String,
    pub binary: String,
    pub runtime_path: String,
    pub errors: Vec<ErrorInfo>,
    pub query_sets: Vec<QuerySet>,
}

impl Model {
    /// Every record type, in resource order.
    pub fn types(&self) -> impl Iterator<Item = &RecordType> {
        self.resources.iter().flat_map(|r| &r.types)
    }

    /// The record type named `name`.
    pub fn record_type(&self, name: &str) -> Option<&RecordType> {
        self.types().find(|t| t.name == name)
    }

    /// The resources that need the record types of each resource file (by the file's resource
    /// name): those with an operation replying with one of its types, or with a type that holds
    /// one (a field or a relation), at any depth. Files go whole: a file needed for one of its
    /// types brings the references of all of them. A file no operation reaches is absent: it is
    /// there whatever resources are built. The crate builds a file's types only with the Cargo
    /// feature of one of its resources.
    pub fn type_resources(&self) -> std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> {
        let home: std::collections::BTreeMap<&str, &Resource> =
            self.resources.iter().flat_map(|r| r.types.iter().map(move |t| (t.name.as_str(), r))).collect();
        let mut needed: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> = Default::default();
        for r in &self.resources {
            let mut todo: Vec<&str> = r
                .operations
                .iter()
                .filter_map(|op| match &op.response.ty {
                    Some(ReplyType::Record(n)) => home.get(n.as_str()).map(|h| h.name.as_str()),
                    _ => None,
                })
                .collect();
            while let Some(file) = todo.pop() {
                if !needed.entry(file).or_default().insert(r.name.as_str()) {
                    continue;
                }
                let types = self.resources.iter().find(|h| h.name == file).map(|h| h.types.as_slice()).unwrap_or_default();
                for f in types.iter().flat_map(|t| &t.fields) {
                    let refs = [if let FieldType::Record(n) = &f.ty { Some(n) } else { None }, f.relation.as_ref()];
                    todo.extend(refs.into_iter().flatten().filter_map(|n| home.get(n.as_str())).map(|h| h.name.as_str()));
                }
            }
        }
        needed
    }

    /// The operation the client's own `login` calls (spec `client_login`), with its resource.
    pub fn client_login(&self) -> Option<(&Resource, &Operation)> {
        self.resources.iter().find_map(|r| r.operations.iter().find(|op| op.client_login).map(|op| (r, op)))
    }

    /// The resource whose CLI command also has the session commands (`status`, `token`): the
    /// first with an operation that starts a session.
    pub fn session_resource(&self) -> Option<&Resource> {
        self.resources.iter().find(|r| r.operations.iter().any(|op| op.response.session == Some(SessionChange::Start)))
    }
}

impl Api {
    /// The query set `op` takes, if any.
    pub fn query_set_of(&self, op: &Operation) -> Option<&QuerySet> {
        op.query_set.as_ref().and_then(|q| self.query_sets.iter().find(|s| &s.name == q))
    }

    /// The query set of `op` when the CLI prints its list with the `meta` it asks for (`--meta`).
    pub fn paged_set_of(&self, op: &Operation) -> Option<&QuerySet> {
        self.query_set_of(op).filter(|s| s.pages(op))
    }

    /// The query set of `op` when `op` also gets `_stream` and `_all` methods that read every item
    /// page by page.
    pub fn streamed_set_of(&self, op: &Operation) -> Option<&QuerySet> {
        self.query_set_of(op).filter(|s| s.streams(op))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct QuerySet {
    pub name: String,
    pub description: String,
    pub params: Vec<Param>,
    /// The parameter that asks list replies for `meta`.
    pub meta: Option<String>,
}

impl QuerySet {
    /// Whether `op`, which takes this set, can return the reply's `meta` too: a list that reads
    /// page by page (a `ListCall`), whose set has the parameter that asks for it.
    pub fn pages(&self, op: &Operation) -> bool {
        self.meta.is_some() && self.streams(op)
    }

    /// Whether `op`, which takes this set, can be read page by page: the set has Directus's
    /// `limit` and `offset`, and `op` is a plain list (a GET whose reply is `{"data": [...]}`).
    pub fn streams(&self, op: &Operation) -> bool {
        let has = |name: &str| self.params.iter().any(|p| p.name == name);
        has("limit") && has("offset") && op.method == Method::Get && Self::lists(op)
    }

    fn lists(op: &Operation) -> bool {
        op.composite.is_none() && op.response.kind == ResponseKind::Json && op.response.shape == Shape::Array && op.response.envelope
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Composite {
    pub list: String,
    pub create: String,
    pub update: String,
    /// The key field, when the spec names it; otherwise it is read from the collection's fields.
    pub key: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ErrorInfo {
    pub code: String,
    pub status: u16,
    pub meaning: String,
    pub fix: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub name: String,
    pub title: String,
    pub description: String,
    /// The spec file it came from, relative to the spec folder.
    pub source: String,
    /// FNV-1a of api.yaml and that file: all that its module and pages are generated from.
    pub source_hash: String,
    pub operations: Vec<Operation>,
    /// The record types its spec file declares.
    pub types: Vec<RecordType>,
}

/// A named record type from a resource file's `types`.
#[derive(Clone, Debug, Serialize)]
pub struct RecordType {
    /// snake_case, e.g. `user`; the Rust type is `names::type_name` of it.
    pub name: String,
    pub title: String,
    pub description: String,
    /// The system collection whose records this is.
    pub collection: Option<String>,
    pub since: Option<Version>,
    pub removed_in: Option<Version>,
    pub fields: Vec<TypeField>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TypeField {
    /// The name in the JSON.
    pub name: String,
    pub ty: FieldType,
    pub description: String,
    pub list: bool,
    pub map: bool,
    pub nullable: bool,
    /// The type whose key (of type `ty`) this field holds, or whose record when expanded.
    pub relation: Option<String>,
    pub values: Vec<String>,
    pub secret: bool,
    pub required: bool,
    /// `false` stands for "off": read as `None`.
    pub or_false: bool,
    pub since: Option<Version>,
    pub removed_in: Option<Version>,
}

/// The type of a record field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Json,
    /// Another record type, by name.
    Record(String),
}

/// What a JSON reply (or each item of an array reply) is read into, when the spec says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyType {
    Record(String),
    String,
    Integer,
    Number,
    Boolean,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Method {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "PATCH")]
    Patch,
    #[serde(rename = "PUT")]
    Put,
    #[serde(rename = "DELETE")]
    Delete,
    #[serde(rename = "SEARCH")]
    Search,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    Required,
    Optional,
    None,
}

#[derive(Clone, Debug, Serialize)]
pub struct Route {
    pub path: String,
    pub since: Option<Version>,
    pub until: Option<Version>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Version(pub u32, pub u32, pub u32);

/// "Directus 11.0.0 and later", "before Directus 11.0.0", "Directus 10.0.0 up to 11.0.0", or
/// nothing: the one wording of a version range in rustdoc and docs.
pub fn range_text(since: Option<Version>, until: Option<Version>) -> String {
    match (since, until) {
        (None, None) => String::new(),
        (Some(s), None) => format!("Directus {s} and later"),
        (None, Some(u)) => format!("before Directus {u}"),
        (Some(s), Some(u)) => format!("Directus {s} up to {u}"),
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The one parser of versions in the generator (spec `since`/`until`, `--server-version`, a
/// package's or an OpenAPI document's version): `MAJOR.MINOR.PATCH` as semver reads it (plain
/// numbers, no leading zeros, no `+1`), without a pre-release or build suffix, since Directus
/// changes routes only between releases.
impl std::str::FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let refuse = |why: String| format!("`{text}` is not a Directus version ({why}); write MAJOR.MINOR.PATCH with plain numbers, e.g. 10.7.0");
        let v = semver::Version::parse(text).map_err(|e| refuse(e.to_string()))?;
        if !v.pre.is_empty() || !v.build.is_empty() {
            return Err(refuse("a pre-release or build suffix".into()));
        }
        let part = |n: u64| u32::try_from(n).map_err(|_| refuse(format!("{n} is too large")));
        Ok(Version(part(v.major)?, part(v.minor)?, part(v.patch)?))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    pub id: String,
    /// `resource.id`.
    pub full_id: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub method: Method,
    pub routes: Vec<Route>,
    pub auth: AuthMode,
    pub since: Option<Version>,
    pub removed_in: Option<Version>,
    pub replacement: Option<String>,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    /// The name of a query set from the API, taken as one argument.
    pub query_set: Option<String>,
    pub body: Body,
    /// An object body that also takes fields the spec does not name.
    pub open_body: bool,
    pub composite: Option<Composite>,
    pub response: Response,
    pub errors: Vec<OpError>,
    /// Server versions the live tests ran this operation on (from spec/coverage.yaml).
    pub tested_on: Vec<String>,
    /// Whether Directus's OpenAPI output lists this route.
    pub in_oas: bool,
    /// The CLI asks before sending (or wants `--yes`).
    pub confirm: bool,
    /// The reply's records can be shaped with `fields` (spec `reply_fields`).
    pub reply_fields: bool,
    /// Behind the client's own `login` (spec `client_login`).
    pub client_login: bool,
    /// The former id (spec `renamed_from`), kept as a deprecated method and a hidden CLI alias.
    pub renamed_from: Option<String>,
    /// The route speaks the tus protocol (spec `protocol: tus`).
    pub tus: bool,
}

impl Operation {
    /// Every input in the order a caller reads them: path, query, then body.
    pub fn inputs(&self) -> impl Iterator<Item = &Param> {
        let body: &[Param] = match &self.body {
            Body::Object(f) | Body::Multipart(f) => f,
            _ => &[],
        };
        self.path_params.iter().chain(&self.query_params).chain(body)
    }

    pub fn secrets(&self) -> impl Iterator<Item = &Param> {
        self.inputs().filter(|p| p.secret)
    }

    /// The input the CLI also takes as its first positional argument (`users get ID` beside
    /// `users get --id ID`): the operation's only required path parameter, when it is named `id`.
    pub fn positional_key(&self) -> Option<&Param> {
        let mut required = self.path_params.iter().filter(|p| p.required);
        match (required.next(), required.next()) {
            (Some(p), None) if p.name == "id" && !p.secret && p.default.is_none() => Some(p),
            _ => None,
        }
    }

    /// Whether the method takes an `…Options` struct: some input is optional, or the body is open.
    pub fn has_options(&self) -> bool {
        self.open_body || self.inputs().any(|p| !p.required)
    }

    /// The struct a JSON reply with named fields is read into: `…Response` for an object,
    /// `…Item` for each item of an array; none when the caller picks the type.
    pub fn reply_type(&self) -> Option<String> {
        if self.response.kind != ResponseKind::Json || self.response.fields.is_empty() {
            return None;
        }
        let suffix = if self.response.shape == Shape::Array { "Item" } else { "Response" };
        Some(format!("{}{suffix}", names::type_name(&self.id)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Json,
    StringList,
    IntegerList,
    /// A list of any JSON values: keys that may be numbers or strings.
    JsonList,
    File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    Path,
    Query,
    Body,
}

#[derive(Clone, Debug, Serialize)]
pub struct Param {
    pub name: String,
    pub location: ParamIn,
    pub ty: Type,
    pub required: bool,
    pub secret: bool,
    pub description: String,
    pub default: Option<Value>,
    pub values: Vec<String>,
    /// Sent as `name[key]=value` pairs.
    pub bracket: bool,
    /// The CLI flag the spec names, if it names one (see `names::flag`).
    pub flag: Option<String>,
    /// The enum of an operation input's `values` (see `names::input_values_type`); none for query
    /// sets and reply fields, whose values stay strings.
    pub values_type: Option<String>,
    /// A secret query parameter the server reads only from the URL: the spec's reason. The
    /// runtime masks its value wherever it shows the URL.
    pub only_in_url: Option<String>,
}

impl Param {
    /// An item's key in the path (`{id}`, a string or an integer): the client takes any key
    /// (`impl Into<rt::Key>`), since Directus keys are integers or strings whatever the spec says.
    pub fn is_key(&self) -> bool {
        self.location == ParamIn::Path && self.name == KEY_PARAM && matches!(self.ty, Type::String | Type::Integer) && !self.secret && self.values_type.is_none()
    }

    /// The keys of a batch in an object body (`{"keys": [...], "data": {...}}`): the client takes
    /// any list of keys, as it does for a body that is only keys ([`Body::is_keys`]).
    pub fn is_key_list(&self) -> bool {
        self.location == ParamIn::Body
            && self.name == KEYS_BODY
            && matches!(self.ty, Type::StringList | Type::IntegerList | Type::JsonList)
            && !self.secret
            && self.values_type.is_none()
    }
}

/// The name of the path parameter that holds an item's key, and of a batch body of keys (`keys`).
pub const KEY_PARAM: &str = "id";
pub const KEYS_BODY: &str = "keys";

impl Body {
    /// A batch body of keys (`keys`: `impl IntoIterator<Item = impl Into<rt::Key>>`).
    pub fn is_keys(&self) -> bool {
        matches!(self, Body::Array { name, items: Type::String | Type::Integer | Type::Json, .. } if name == KEYS_BODY)
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum Body {
    None,
    Object(Vec<Param>),
    /// A JSON array body; `name` is what the caller passes.
    Array { name: String, items: Type, description: String },
    /// Any JSON the caller gives; with `file`, the CLI also takes it as a positional FILE (JSON
    /// or YAML).
    Value { name: String, description: String, file: bool },
    Multipart(Vec<Param>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    Json,
    Binary,
    Text,
    Empty,
    Redirect,
    /// A resumable upload (tus): the file is sent in chunks; the reply is the file's id.
    Upload,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Object,
    Array,
    /// An object whose values each have the reply's type.
    Map,
    Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct Response {
    pub kind: ResponseKind,
    pub shape: Shape,
    pub fields: Vec<Param>,
    pub description: String,
    pub example: Option<Value>,
    /// `{"data": …}` around the JSON.
    pub envelope: bool,
    /// Top-level fields of the reply beside `data` and `meta` (spec `envelope_fields`): the CLI
    /// prints the whole reply.
    pub envelope_fields: Vec<String>,
    /// What the reply does to the client's login session.
    pub session: Option<SessionChange>,
    /// The spec's `type`: what the JSON is read into.
    pub ty: Option<ReplyType>,
}

/// The spec's `response.session`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionChange {
    Start,
    End,
}

#[derive(Clone, Debug, Serialize)]
pub struct OpError {
    pub code: String,
    pub status: u16,
    pub meaning: String,
    pub when: String,
    pub fix: String,
}

#[cfg(test)]
mod version_tests {
    use super::Version;

    #[test]
    fn versions_parse_in_one_place_as_semver_reads_them() {
        assert_eq!("12.4.1".parse::<Version>(), Ok(Version(12, 4, 1)));
        for bad in ["12.4", "12.04.1", "+1.2.3", "1.2.3-rc.1", "1.2.3+build", "1.2.3.4", " 1.2.3", "99999999999.0.0"] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }
}
