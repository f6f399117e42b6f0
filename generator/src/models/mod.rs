//! `generator models`: Rust types for a project's own collections, from its schema snapshot.
//!
//! snapshot (`snapshot.rs`, JSON or YAML, or a live server) → the models here (one per user
//! collection, fields typed from Directus field types, relations resolved, every generated name
//! checked in `names.rs`) → `emit.rs` (a crate or a module, quote + prettyplease) → `output.rs`
//! (write-if-changed, `--check`). `diff.rs` compares the models of two snapshots with the
//! verdicts of `generator diff`.

pub mod diff;
pub mod emit;
mod names;
pub mod snapshot;

use serde_json::Value;
use snapshot::Snapshot;
use std::collections::{BTreeMap, BTreeSet};

/// The models of one snapshot.
#[derive(Debug)]
pub struct Models {
    /// User collections, sorted by name.
    pub collections: Vec<Model>,
    /// Fields a project added to system collections (`directus_users`, …), one model per
    /// collection, sorted by name; the client's own types hold the system fields.
    pub system: Vec<Model>,
}

impl Models {
    /// The client's features the models need: `items` for typed access, and the resource of each
    /// client type a relation decodes into (its manifest turns on the types that one needs).
    pub fn client_features(&self) -> Vec<&'static str> {
        let mut out = vec!["items"];
        for f in self.collections.iter().chain(&self.system).flat_map(|m| &m.fields) {
            let targets: Vec<&Target> = match &f.ty {
                Ty::ManyToOne { record, .. } | Ty::ToMany { record, .. } => vec![record],
                Ty::AnyToOne { allowed, .. } => allowed.iter().map(|(_, t)| t).collect(),
                _ => Vec::new(),
            };
            for t in targets {
                if let Target::Client(name) = t {
                    out.extend(CLIENT_TYPES.iter().filter(|(_, ty, ..)| ty == name).map(|(.., feature)| *feature));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[derive(Debug)]
pub struct Model {
    /// The collection's name on the server.
    pub collection: String,
    /// The Rust type: `articles` → `Articles`.
    pub type_name: String,
    /// The module (and file) it is written in.
    pub module: String,
    pub singleton: bool,
    pub note: Option<String>,
    /// The primary key field's index in `fields`; none for a system collection's extension.
    pub key: Option<usize>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field's name on the server.
    pub name: String,
    /// The Rust field name (without `r#`).
    pub ident: String,
    pub ty: Ty,
    /// Whether the column accepts `null` (then the field is `Option<Option<T>>`: absent or null).
    pub nullable: bool,
    pub note: Option<String>,
    /// The column's default, for the docs.
    pub default: Option<Value>,
    /// The Directus type as the snapshot says it (`bigInteger`, `geometry.Point`, `alias`).
    pub directus_type: String,
}

/// A field's Rust type, before `Option`.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Integer,
    BigInteger,
    Float,
    Decimal,
    Boolean,
    Json,
    /// `csv`: Directus sends a list of strings.
    Csv,
    Geometry,
    /// Choices of a dropdown or radio interface: an enum with `Unknown(String)`.
    Choices { enum_name: String, variants: Vec<(String, String)> },
    /// A repeater (`list` interface): a list of a struct typed from its sub-fields.
    Repeater { item_name: String, fields: Vec<Field> },
    /// Many-to-one: the related item's key or the item.
    ManyToOne { key: KeyTy, record: Target },
    /// One-to-many, many-to-many, many-to-any (alias fields): the related (or junction) items.
    ToMany { kind: &'static str, key: KeyTy, record: Target },
    /// The item field of a many-to-any junction: a key of one of `allowed` (each with what its
    /// records decode into), whose name is in the junction's `collection_field`; `enum_name` is
    /// the enum of the expanded record.
    AnyToOne { allowed: Vec<(String, Target)>, collection_field: String, enum_name: String },
}

/// The Rust type of a primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTy {
    Int,
    /// A `bigInteger` key, which PostgreSQL sends as a string: `rt::BigInt`.
    Big,
    Str,
    /// A system collection the client has no key type for: its JSON value.
    Json,
}

/// What a relation points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A generated model (its type name).
    Model(String),
    /// A record type of the client (`types::User`), by its path under `directus_client::types`.
    Client(&'static str),
    /// A system collection without a client type: JSON.
    Json,
}

/// System collections whose records the client types, with their key type and the client's
/// feature (its resource) that builds the type: relations to them decode into the client's own type.
pub const CLIENT_TYPES: &[(&str, &str, KeyTy, &str)] = &[
    ("directus_users", "User", KeyTy::Str, "users"),
    ("directus_files", "File", KeyTy::Str, "files"),
    ("directus_roles", "Role", KeyTy::Str, "roles"),
    ("directus_folders", "Folder", KeyTy::Str, "folders"),
];

/// One problem with the snapshot, said so that it can be fixed: where, what, how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// `collection` or `collection.field`.
    pub at: String,
    pub message: String,
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}: {}\n  fix: {}", self.at, self.message, self.fix)
    }
}

fn is_system(collection: &str) -> bool {
    collection.starts_with("directus_")
}

/// The models of a snapshot, leaving out `exclude`d collections; every problem at once.
pub fn build(snap: &Snapshot, exclude: &[String]) -> Result<Models, Vec<Problem>> {
    let mut problems = Vec::new();
    let skip = |c: &str| exclude.iter().any(|e| e == c);
    // Folders have no table, so no items.
    let tables: BTreeMap<&str, &snapshot::Collection> =
        snap.collections.iter().filter(|c| c.schema.is_some() && !skip(&c.collection)).map(|c| (c.collection.as_str(), c)).collect();
    let mut fields: BTreeMap<&str, Vec<&snapshot::Field>> = BTreeMap::new();
    for f in snap.fields.iter().filter(|f| !skip(&f.collection)) {
        fields.entry(f.collection.as_str()).or_default().push(f);
    }
    for list in fields.values_mut() {
        // The order the app shows them in, then by name: the same for any server holding this schema.
        list.sort_by(|a, b| {
            let sort = |f: &snapshot::Field| f.meta.as_ref().and_then(|m| m.sort).unwrap_or(i64::MAX);
            sort(a).cmp(&sort(b)).then_with(|| a.field.cmp(&b.field))
        });
    }
    let keys: BTreeMap<&str, (&str, KeyTy)> = tables
        .keys()
        .filter_map(|c| {
            let pk = fields.get(c)?.iter().find(|f| f.schema.as_ref().and_then(|s| s.is_primary_key) == Some(true))?;
            let ty = match pk.ty.as_deref() {
                Some("integer") => KeyTy::Int,
                Some("bigInteger") => KeyTy::Big,
                _ => KeyTy::Str,
            };
            Some((*c, (pk.field.as_str(), ty)))
        })
        .collect();
    let ctx = Ctx { snap, tables: &tables, keys: &keys, exclude };
    let mut collections = Vec::new();
    for (name, c) in &tables {
        if is_system(name) {
            continue;
        }
        let list = fields.get(name).map(Vec::as_slice).unwrap_or_default();
        let meta = c.meta.as_ref();
        let mut model = Model {
            collection: (*name).to_owned(),
            type_name: names::type_name(name),
            module: names::module(name),
            singleton: meta.and_then(|m| m.singleton).unwrap_or(false),
            note: meta.and_then(|m| m.note.clone()),
            key: None,
            fields: Vec::new(),
        };
        for f in list {
            if let Some(mut field) = ctx.field(&model.type_name, f, &mut problems) {
                if f.schema.as_ref().and_then(|s| s.is_primary_key) == Some(true) {
                    // The key is the item's key, whatever its interface or relation says: the
                    // type `rt::Item::Key` is.
                    field.ty = match keys.get(name).map(|(_, k)| *k) {
                        Some(KeyTy::Int) => Ty::Integer,
                        Some(KeyTy::Big) => Ty::BigInteger,
                        _ => Ty::String,
                    };
                    model.key = Some(model.fields.len());
                }
                model.fields.push(field);
            }
        }
        if model.key.is_none() {
            problems.push(Problem {
                at: (*name).to_owned(),
                message: "the snapshot has no primary key field for this collection".into(),
                fix: format!("take the snapshot again with its fields, or leave the collection out with --exclude {name}"),
            });
        }
        collections.push(model);
    }
    // Custom fields of system collections: the snapshot lists no system field, so every field
    // of a `directus_*` collection there is one a project added.
    let mut system = Vec::new();
    for (name, list) in &fields {
        if !is_system(name) {
            continue;
        }
        let type_name = names::custom_fields_type(name);
        let mut model =
            Model { collection: (*name).to_owned(), module: names::module(name), type_name, singleton: false, note: None, key: None, fields: Vec::new() };
        for f in list {
            if let Some(field) = ctx.field(&model.type_name, f, &mut problems) {
                model.fields.push(field);
            }
        }
        if !model.fields.is_empty() {
            system.push(model);
        }
    }
    let models = Models { collections, system };
    problems.extend(names::check(&models));
    if problems.is_empty() {
        Ok(models)
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}

struct Ctx<'a> {
    snap: &'a Snapshot,
    tables: &'a BTreeMap<&'a str, &'a snapshot::Collection>,
    keys: &'a BTreeMap<&'a str, (&'a str, KeyTy)>,
    exclude: &'a [String],
}

impl Ctx<'_> {
    /// What a relation to `collection` decodes into, with its key type.
    fn target(&self, at: &str, collection: &str, problems: &mut Vec<Problem>) -> Option<(KeyTy, Target)> {
        if let Some((_, ty, key, _)) = CLIENT_TYPES.iter().find(|(c, ..)| *c == collection) {
            return Some((*key, Target::Client(ty)));
        }
        if is_system(collection) {
            return Some((KeyTy::Json, Target::Json));
        }
        match self.keys.get(collection) {
            Some((_, key)) => Some((*key, Target::Model(names::type_name(collection)))),
            None => {
                let excluded = self.exclude.iter().any(|e| e == collection);
                problems.push(Problem {
                    at: at.to_owned(),
                    message: if excluded {
                        format!("relates to collection `{collection}`, which --exclude leaves out")
                    } else if self.tables.contains_key(collection) {
                        format!("relates to collection `{collection}`, which has no primary key in the snapshot")
                    } else {
                        format!("relates to collection `{collection}`, which the snapshot does not have")
                    },
                    fix: format!("take the snapshot with `{collection}` in it, or leave this collection out too with --exclude"),
                });
                None
            }
        }
    }

    fn field(&self, owner: &str, f: &snapshot::Field, problems: &mut Vec<Problem>) -> Option<Field> {
        let at = format!("{}.{}", f.collection, f.field);
        let meta = f.meta.as_ref();
        let directus_type = f.ty.clone().unwrap_or_default();
        let interface = meta.and_then(|m| m.interface.as_deref()).unwrap_or_default();
        let options = meta.and_then(|m| m.options.as_ref());
        let relation = self.snap.relations.iter().find(|r| r.collection == f.collection && r.field == f.field);
        let ty = if directus_type == "alias" {
            // o2m, m2m, m2a (and translations): a relation names this field as its `one_field`.
            let rel = self.snap.relations.iter().find(|r| {
                r.related_collection.as_deref() == Some(f.collection.as_str()) && r.meta.as_ref().and_then(|m| m.one_field.as_deref()) == Some(f.field.as_str())
            })?;
            let special = meta.and_then(|m| m.special.as_ref());
            let kind = ["m2a", "m2m", "translations", "o2m"].into_iter().find(|k| special.is_some_and(|s| s.iter().any(|x| x == k))).unwrap_or("o2m");
            let (key, record) = self.target(&at, &rel.collection, problems)?;
            Ty::ToMany { kind, key, record }
        } else if let Some(rel) = relation {
            match (&rel.related_collection, rel.meta.as_ref().and_then(|m| m.one_allowed_collections.clone())) {
                (Some(related), _) => {
                    let (key, record) = self.target(&at, related, problems)?;
                    Ty::ManyToOne { key, record }
                }
                (None, Some(allowed)) => {
                    let mut targets = Vec::new();
                    for a in allowed {
                        targets.push((a.clone(), self.target(&at, &a, problems)?.1));
                    }
                    Ty::AnyToOne {
                        allowed: targets,
                        collection_field: rel.meta.as_ref().and_then(|m| m.one_collection_field.clone()).unwrap_or_else(|| "collection".into()),
                        enum_name: names::values_type(owner, &f.field),
                    }
                }
                (None, None) => scalar(&directus_type).unwrap_or(Ty::Json),
            }
        } else if let Some(variants) = choices(&directus_type, interface, options) {
            Ty::Choices { enum_name: names::values_type(owner, &f.field), variants }
        } else if interface == "list" && directus_type == "json" {
            let subs = options.and_then(|o| o.get("fields")).and_then(Value::as_array).cloned().unwrap_or_default();
            let item_name = names::repeater_type(owner, &f.field);
            let mut fields = Vec::new();
            for s in &subs {
                let Some(name) = s.get("field").and_then(Value::as_str) else { continue };
                let sub_ty = s.get("type").and_then(Value::as_str).unwrap_or("json");
                fields.push(Field {
                    name: name.to_owned(),
                    ident: names::field(name),
                    ty: scalar(sub_ty).unwrap_or(Ty::Json),
                    // Entries are JSON, not columns: a sub-field is there or not.
                    nullable: false,
                    note: s.pointer("/meta/note").and_then(Value::as_str).map(str::to_owned),
                    default: None,
                    directus_type: sub_ty.to_owned(),
                });
            }
            Ty::Repeater { item_name, fields }
        } else {
            match scalar(&directus_type) {
                Some(t) => t,
                None => {
                    problems.push(Problem {
                        at,
                        message: format!("has the Directus type `{directus_type}`, which `generator models` does not know"),
                        fix: "leave the collection out with --exclude, or report the type so it can be mapped".into(),
                    });
                    return None;
                }
            }
        };
        let schema = f.schema.as_ref();
        let is_list = matches!(ty, Ty::ToMany { .. });
        Some(Field {
            name: f.field.clone(),
            ident: names::field(&f.field),
            nullable: !is_list && schema.and_then(|s| s.is_nullable).unwrap_or(true) && schema.and_then(|s| s.is_primary_key) != Some(true),
            note: meta.and_then(|m| m.note.clone()).filter(|n| !n.trim().is_empty()),
            default: schema.and_then(|s| s.default_value.clone()).filter(|v| !v.is_null()),
            ty,
            directus_type,
        })
    }
}

/// The type of a field that is neither a relation nor choices, from its Directus type.
fn scalar(directus_type: &str) -> Option<Ty> {
    Some(match directus_type {
        "string" | "text" | "uuid" | "hash" | "date" | "time" | "dateTime" | "timestamp" => Ty::String,
        "integer" => Ty::Integer,
        "bigInteger" => Ty::BigInteger,
        "float" => Ty::Float,
        "decimal" => Ty::Decimal,
        "boolean" => Ty::Boolean,
        "json" | "unknown" => Ty::Json,
        "csv" => Ty::Csv,
        t if t == "geometry" || t.starts_with("geometry.") => Ty::Geometry,
        _ => return None,
    })
}

/// The choices of a dropdown or radio on a string field, as (variant, value); none when the
/// field has no such interface or a choice is not a string.
fn choices(directus_type: &str, interface: &str, options: Option<&Value>) -> Option<Vec<(String, String)>> {
    if !matches!(interface, "select-dropdown" | "select-radio") || !matches!(directus_type, "string" | "text") {
        return None;
    }
    let list = options?.get("choices")?.as_array()?;
    let values: Option<Vec<String>> = list.iter().map(|c| c.get("value").and_then(Value::as_str).map(str::to_owned)).collect();
    let values = values.filter(|v| !v.is_empty())?;
    let mut seen = BTreeSet::new();
    Some(values.into_iter().filter(|v| seen.insert(v.clone())).map(|v| (names::variant(&v), v)).collect())
}
