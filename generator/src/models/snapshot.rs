//! A schema snapshot (`GET /schema/snapshot`, or a file it was saved to) as serde reads it: only
//! what models are made of. Unknown keys are ignored, so newer servers' snapshots read too.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Snapshot {
    /// The Directus version that wrote it.
    #[serde(default)]
    pub directus: Option<String>,
    /// The database (`sqlite`, `postgres`, …): some field types depend on it.
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub collections: Vec<Collection>,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub relations: Vec<Relation>,
}

#[derive(Debug, Deserialize)]
pub struct Collection {
    pub collection: String,
    #[serde(default)]
    pub meta: Option<CollectionMeta>,
    /// `null` for a folder (a collection without a table).
    #[serde(default)]
    pub schema: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CollectionMeta {
    #[serde(default)]
    pub singleton: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Field {
    pub collection: String,
    pub field: String,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub meta: Option<FieldMeta>,
    /// `null` for an alias field (no column).
    #[serde(default)]
    pub schema: Option<FieldSchema>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FieldMeta {
    #[serde(default)]
    pub special: Option<Vec<String>>,
    #[serde(default)]
    pub interface: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub options: Option<Value>,
    #[serde(default)]
    pub sort: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FieldSchema {
    #[serde(default)]
    pub is_nullable: Option<bool>,
    #[serde(default)]
    pub is_primary_key: Option<bool>,
    #[serde(default)]
    pub default_value: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Relation {
    pub collection: String,
    pub field: String,
    #[serde(default)]
    pub related_collection: Option<String>,
    #[serde(default)]
    pub meta: Option<RelationMeta>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RelationMeta {
    #[serde(default)]
    pub one_field: Option<String>,
    #[serde(default)]
    pub one_allowed_collections: Option<Vec<String>>,
    #[serde(default)]
    pub one_collection_field: Option<String>,
}

/// Reads a snapshot from JSON or YAML text (JSON when it starts with `{`). The reply of the API
/// as saved whole, `{"data": {…}}`, reads too.
pub fn parse(text: &str, source: &str) -> Result<Snapshot, String> {
    let value: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("{source}: not JSON (line {}, column {}): {e}", e.line(), e.column()))?
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!(" (line {}, column {})", l.line(), l.column())).unwrap_or_default();
            format!("{source}: not YAML{at}: {e}")
        })?
    };
    from_value(value, source)
}

/// A snapshot from its JSON value (the `data` of the reply, or the reply whole).
pub fn from_value(mut value: Value, source: &str) -> Result<Snapshot, String> {
    if value.get("collections").is_none() {
        if let Some(data) = value.get_mut("data").map(Value::take) {
            value = data;
        }
    }
    if !value.is_object() || value.get("collections").is_none() {
        return Err(format!("{source}: not a Directus schema snapshot (no `collections`); save one with `directus schema snapshot -o json > snapshot.json`"));
    }
    serde_json::from_value(value).map_err(|e| format!("{source}: not a Directus schema snapshot: {e}"))
}

/// The snapshot of a live server, through the runtime (an admin token: the snapshot is admin-only).
pub fn fetch(url: &str, token: Option<&str>) -> Result<Snapshot, String> {
    use directus_runtime::{Client, Method};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("async runtime: {e}"))?;
    let mut builder = Client::builder(url).user_agent(concat!("directus-generator-models/", env!("CARGO_PKG_VERSION")));
    if let Some(t) = token {
        builder = builder.token(t);
    }
    let client = builder.build().map_err(|e| format!("--url: {e}"))?;
    let value = rt.block_on(client.custom(Method::Get, "/schema/snapshot").send()).map_err(|e| format!("reading {url}/schema/snapshot: {e}"))?;
    from_value(value, url)
}
