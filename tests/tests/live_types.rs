//! The record types match the servers, on every version the client supports (12.4.1 and 10.10.4).
//!
//! For each version, on a fresh server:
//! - **Claims**: every type of a system collection names exactly the fields `GET /fields/<collection>`
//!   lists on that version, counting each field's `since`/`removed_in`.
//! - **Replies**: one record of every system collection is made, then every typed read is sent with
//!   the default fields and with `fields=*.*` (relations expanded). Each reply decodes into its type,
//!   its `extra` map is empty (a fresh server has no custom fields, so anything there is a field the
//!   type misses), every key of the raw JSON is a field the type claims for this version (nested
//!   and expanded records included), and the typed record written back keeps every key that had a
//!   value.
//! - **Coverage**: every type an operation returns was read on some version, except the ones named
//!   in `NOT_READ` with the reason. Run with `--nocapture` to see which type was read on which version.

use directus_client::{Client, Query};
use directus_e2e::server::{self, Server};
use directus_generator::model::{FieldType, Model, RecordType, Version};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

#[path = "support/registry.rs"]
mod registry;

/// One stand-in marketplace for both servers (`MARKETPLACE_REGISTRY`).
fn market() -> &'static registry::Registry {
    static MARKET: std::sync::OnceLock<registry::Registry> = std::sync::OnceLock::new();
    MARKET.get_or_init(registry::start)
}

/// Types no test server can return, with the reason (none today).
const NOT_READ: &[(&str, &str)] = &[];

fn model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| directus_generator::load_model(&directus_e2e::repo_root().join("spec")).expect("the spec validates"))
}

/// Which types were read, on which versions (the coverage record).
fn seen() -> &'static Mutex<BTreeMap<String, BTreeSet<String>>> {
    static SEEN: Mutex<BTreeMap<String, BTreeSet<String>>> = Mutex::new(BTreeMap::new());
    &SEEN
}

fn version_of(text: &str) -> Version {
    let n: Vec<u32> = text.split('.').map(|p| p.parse().unwrap()).collect();
    Version(n[0], n[1], n[2])
}

fn has(since: Option<Version>, removed_in: Option<Version>, v: Version) -> bool {
    since.is_none_or(|s| s <= v) && removed_in.is_none_or(|u| v < u)
}

fn record_type(name: &str) -> &'static RecordType {
    model().record_type(name).unwrap_or_else(|| panic!("no type `{name}` in the spec"))
}

/// What disagrees between a type's claims and a raw reply, with the JSON path.
fn check_keys(ty: &str, raw: &Value, v: Version, at: &str, out: &mut Vec<String>) {
    let Value::Object(map) = raw else { return };
    let t = record_type(ty);
    for (key, value) in map {
        let Some(f) = t.fields.iter().find(|f| &f.name == key) else {
            out.push(format!("{at}: `{key}` is not a field of type `{ty}` (Directus {v} sent {})", excerpt(value)));
            continue;
        };
        if !has(f.since, f.removed_in, v) {
            out.push(format!("{at}: `{ty}.{key}` is claimed for other versions (since {:?}, removed in {:?}), but Directus {v} sent it", f.since, f.removed_in));
        }
        // Nested and expanded records are checked against their own types.
        let inner = match (&f.ty, &f.relation) {
            (_, Some(rel)) => Some(rel.as_str()),
            (FieldType::Record(n), None) => Some(n.as_str()),
            _ => None,
        };
        let Some(inner) = inner else { continue };
        let path = format!("{at}.{key}");
        match value {
            Value::Array(items) => items.iter().for_each(|i| check_keys(inner, i, v, &path, out)),
            Value::Object(m) if f.map => m.iter().for_each(|(k, x)| match x {
                Value::Array(items) => items.iter().for_each(|i| check_keys(inner, i, v, &format!("{path}.{k}"), out)),
                other => check_keys(inner, other, v, &format!("{path}.{k}"), out),
            }),
            other => check_keys(inner, other, v, &path, out),
        }
    }
}

fn excerpt(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// The keys with a value in `raw` that the typed record lost when written back.
fn lost_keys(raw: &Value, typed: &Value) -> Vec<String> {
    let (Value::Object(r), Value::Object(t)) = (raw, typed) else { return Vec::new() };
    r.iter().filter(|(k, v)| !v.is_null() && *v != &Value::Bool(false) && !t.contains_key(*k)).map(|(k, _)| k.clone()).collect()
}

struct Reader<'a> {
    c: &'a Client,
    v: Version,
    failures: Vec<String>,
}

impl Reader<'_> {
    /// One typed record: it decoded (the caller awaited it typed), has an empty `extra`, the raw
    /// reply's keys are claimed, and nothing with a value was lost.
    fn record<T: directus_runtime::serde::Serialize>(&mut self, what: &str, ty: &str, typed: &T, extra_empty: bool, raw: &Value) {
        seen().lock().unwrap().entry(ty.to_owned()).or_default().insert(self.v.to_string());
        if !extra_empty {
            self.failures.push(format!("{what}: `extra` of `{ty}` is not empty: the type misses a field Directus {} sent", self.v));
        }
        check_keys(ty, raw, self.v, what, &mut self.failures);
        let back = serde_json::to_value(typed).unwrap();
        let lost = lost_keys(raw, &back);
        if !lost.is_empty() {
            self.failures.push(format!("{what}: writing `{ty}` back lost {lost:?}"));
        }
    }
}

/// Reads `$call` typed and as `Value`, and checks each record against type `$ty`.
macro_rules! read_one {
    ($r:expr, $what:expr, $ty:expr, $call:expr) => {{
        let typed = $call.await.unwrap_or_else(|e| panic!("{} (Directus {}): {e}", $what, $r.v));
        let raw: Value = $call.decode().await.unwrap();
        $r.record($what, $ty, &typed, typed.extra.is_empty(), &raw);
        typed
    }};
}

macro_rules! read_many {
    ($r:expr, $what:expr, $ty:expr, $call:expr) => {{
        let typed = read_many!($r, $what, $ty, $call, may_be_empty);
        assert!(!typed.is_empty(), "{} (Directus {}): no records to check", $what, $r.v);
        typed
    }};
    ($r:expr, $what:expr, $ty:expr, $call:expr, may_be_empty) => {{
        let typed = $call.await.unwrap_or_else(|e| panic!("{} (Directus {}): {e}", $what, $r.v));
        let raw: Vec<Value> = $call.decode().await.unwrap();
        assert_eq!(typed.len(), raw.len());
        for (t, r) in typed.iter().zip(&raw) {
            $r.record($what, $ty, t, t.extra.is_empty(), r);
        }
        typed
    }};
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

fn all_fields() -> Query {
    Query::new().fields(vec!["*.*"])
}

async fn create(call: directus_client::Call<impl directus_runtime::serde::de::DeserializeOwned + Send + 'static>) -> Value {
    call.decode::<Value>().await.expect("a fixture record")
}

fn key(v: &Value) -> String {
    directus_runtime::key_text(&v["id"])
}

/// Claims: each system collection's type names exactly the fields the server lists.
async fn claims(c: &Client, v: Version) -> Vec<String> {
    let mut out = Vec::new();
    for t in model().types().filter(|t| t.collection.is_some()) {
        if !has(t.since, t.removed_in, v) {
            continue;
        }
        let collection = t.collection.as_deref().unwrap();
        let listed: Vec<Value> = c.fields().list(collection).decode().await.unwrap_or_else(|e| panic!("fields of {collection}: {e}"));
        // Dividers and other presentation-only aliases hold no data and are never sent.
        let no_data = |f: &Value| f["meta"]["special"].as_array().is_some_and(|s| s.iter().any(|x| x == "no-data"));
        let server: BTreeSet<&str> = listed.iter().filter(|f| !no_data(f)).filter_map(|f| f["field"].as_str()).collect();
        let claimed: BTreeSet<&str> = t.fields.iter().filter(|f| has(f.since, f.removed_in, v)).map(|f| f.name.as_str()).collect();
        for missing in server.difference(&claimed) {
            out.push(format!("type `{}` lacks `{missing}`, a field of {collection} on Directus {v}", t.name));
        }
        // `system` is added to Directus's own rows by the server; no column holds it.
        for extra in claimed.difference(&server).filter(|f| **f != "system") {
            out.push(format!("type `{}` claims `{extra}` on Directus {v}, but {collection} has no such field there", t.name));
        }
    }
    out
}

async fn exercise(s: &Server) -> Vec<String> {
    let c = admin(s);
    let v = version_of(&s.version);
    let twelve = v >= Version(11, 0, 0);
    let mut failures = claims(&c, v).await;

    // Fixtures: one record of each system collection a fresh server has none of.
    let collection = format!("types_{}", directus_e2e::random_hex(4));
    let made = create(c.collections().create(&json!({ "collection": collection, "schema": {}, "meta": { "versioning": true },
        "fields": [{ "field": "id", "type": "integer", "schema": { "is_primary_key": true, "has_auto_increment": true } },
                   { "field": "title", "type": "string", "schema": {} },
                   { "field": "owner", "type": "uuid", "schema": {} }] })))
    .await;
    assert_eq!(made["collection"], json!(collection));
    create(c.relations().create(&json!({ "collection": collection, "field": "owner", "related_collection": "directus_users" }))).await;
    let item: Value = c.items().create(&collection, &json!({ "title": "Main" })).await.unwrap();
    let item_id = directus_runtime::key_text(&item["id"]);
    c.items().update(&collection, &item_id, &json!({ "title": "Changed" })).await.unwrap();
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let me_id = key(&me);
    let folder = key(&create(c.folders().create(&json!({ "name": "Types" }))).await);
    let upload = directus_e2e::temp_dir("types").join("hello.txt");
    std::fs::write(&upload, "hello").unwrap();
    let file = key(&create(c.files().create(upload.to_str().unwrap(), &directus_client::files::CreateOptions::default().folder(folder.clone()))).await);
    let preset = create(c.presets().create(&json!({ "collection": collection, "layout": "tabular", "user": me_id }))).await;
    let flow = key(&create(c.flows().create(&json!({ "name": "Types", "trigger": "manual", "status": "inactive", "accountability": "all", "options": {} }))).await);
    let operation = key(&create(c.operations().create(&json!({ "flow": flow, "key": "log", "name": "Log", "type": "log", "position_x": 19, "position_y": 1, "options": { "message": "hi" } }))).await);
    let dashboard = key(&create(c.dashboards().create(&json!({ "name": "Types", "icon": "dashboard" }))).await);
    let panel = key(&create(c.panels().create(&json!({ "dashboard": dashboard, "name": "P", "type": "label", "position_x": 1, "position_y": 1, "width": 6, "height": 4, "options": { "text": "p" } }))).await);
    let notification = create(c.notifications().create(&json!({ "recipient": me_id, "subject": "Types", "message": "hello" }))).await;
    let share = key(&create(c.shares().create(&json!({ "name": "Types", "collection": collection, "item": item_id }))).await);
    let version = key(&create(c.versions().create(&json!({ "key": "draft", "name": "Draft", "collection": collection, "item": item_id }))).await);
    c.versions().save(&version, &json!({ "title": "Draft title" })).await.unwrap();
    let role = key(&create(c.roles().create(&json!({ "name": "Types role" }))).await);
    let user = key(&create(c.users().create(&json!({ "email": format!("types-{}@example.com", directus_e2e::random_hex(3)), "password": "types-password-1", "role": role, "tags": ["a"] }))).await);
    let translation = c.translations().create(&json!({ "language": "en-US", "key": format!("types.{}", directus_e2e::random_hex(3)), "value": "v" })).decode::<Value>().await.ok();
    let permission = if twelve {
        let policy = key(&create(c.policies().create(&json!({ "name": "Types policy", "icon": "badge", "app_access": true }))).await);
        create(c.access().create(&json!({ "role": role, "policy": policy }))).await;
        create(c.comments().create(&json!({ "collection": collection, "item": item_id, "comment": "Typed" }))).await;
        key(&create(c.permissions().create(&json!({ "policy": policy, "collection": collection, "action": "read", "fields": ["*"] }))).await)
    } else {
        key(&create(c.permissions().create(&json!({ "role": role, "collection": collection, "action": "read", "fields": ["*"] }))).await)
    };

    let mut r = Reader { c: &c, v, failures: Vec::new() };
    let q = Query::default();
    let every = all_fields();
    let _ = r.c;
    for (label, query) in [("default fields", &q), ("fields=*.*", &every)] {
        let w = |what: &str| format!("{what} ({label})");
        read_many!(r, &w("users.list"), "user", c.users().list(query));
        read_one!(r, &w("users.get"), "user", c.users().get(&user, query));
        read_one!(r, &w("users.me"), "user", c.users().me(query));
        read_many!(r, &w("roles.list"), "role", c.roles().list(query));
        read_one!(r, &w("roles.get"), "role", c.roles().get(&role, query));
        read_many!(r, &w("files.list"), "file", c.files().list(query));
        read_one!(r, &w("files.get"), "file", c.files().get(&file, query));
        read_many!(r, &w("folders.list"), "folder", c.folders().list(query));
        read_one!(r, &w("folders.get"), "folder", c.folders().get(&folder, query));
        let acts = read_many!(r, &w("activity.list"), "activity", c.activity().list(query));
        let act = acts[0].id.unwrap();
        read_one!(r, &w("activity.get"), "activity", c.activity().get(act, query));
        let revs = read_many!(r, &w("revisions.list"), "revision", c.revisions().list(query));
        read_one!(r, &w("revisions.get"), "revision", c.revisions().get(revs[0].id.unwrap(), query));
        read_many!(r, &w("presets.list"), "preset", c.presets().list(query));
        read_one!(r, &w("presets.get"), "preset", c.presets().get(preset["id"].as_i64().unwrap(), query));
        read_one!(r, &w("settings.get"), "settings", c.settings().get(query));
        read_many!(r, &w("permissions.list"), "permission", c.permissions().list(query));
        read_one!(r, &w("permissions.get"), "permission", c.permissions().get(permission.parse::<i64>().unwrap(), query));
        read_many!(r, &w("flows.list"), "flow", c.flows().list(query));
        read_one!(r, &w("flows.get"), "flow", c.flows().get(&flow, query));
        read_many!(r, &w("operations.list"), "operation", c.operations().list(query));
        read_one!(r, &w("operations.get"), "operation", c.operations().get(&operation, query));
        read_many!(r, &w("dashboards.list"), "dashboard", c.dashboards().list(query));
        read_one!(r, &w("dashboards.get"), "dashboard", c.dashboards().get(&dashboard, query));
        read_many!(r, &w("panels.list"), "panel", c.panels().list(query));
        read_one!(r, &w("panels.get"), "panel", c.panels().get(&panel, query));
        read_many!(r, &w("notifications.list"), "notification", c.notifications().list(query));
        read_one!(r, &w("notifications.get"), "notification", c.notifications().get(notification["id"].to_string(), query));
        read_many!(r, &w("shares.list"), "share", c.shares().list(query));
        read_one!(r, &w("shares.get"), "share", c.shares().get(&share, query));
        read_many!(r, &w("versions.list"), "version", c.versions().list(query));
        if label == "default fields" || !twelve {
            // 12.4.1 fails `fields=*.*` on one version (403 for collection "[object Object]": it
            // expands the collection key into an object and then looks that up).
            read_one!(r, &w("versions.get"), "version", c.versions().get(&version, query));
        }
        if translation.is_some() {
            read_many!(r, &w("translations.list"), "translation", c.translations().list(query));
        }
        if twelve {
            read_many!(r, &w("policies.list"), "policy", c.policies().list(query));
            read_many!(r, &w("access.list"), "access", c.access().list(query));
            read_many!(r, &w("comments.list"), "comment", c.comments().list(query)).len();
        }
    }
    // Reads without a query.
    read_one!(r, "shares.info", "share_info", c.shares().info(&share));
    read_one!(r, "versions.compare", "version_comparison", c.versions().compare(&version));
    read_many!(r, "collections.list", "collection", c.collections().list());
    read_one!(r, "collections.get", "collection", c.collections().get(&collection));
    read_many!(r, "fields.list_all", "field", c.fields().list_all());
    read_many!(r, "fields.list", "field", c.fields().list(&collection));
    read_one!(r, "fields.get", "field", c.fields().get(&collection, "title"));
    read_many!(r, "relations.list_all", "relation", c.relations().list_all());
    read_many!(r, "relations.list", "relation", c.relations().list(&collection));
    read_one!(r, "relations.get", "relation", c.relations().get(&collection, "owner"));
    read_one!(r, "server.info", "server_info", c.server().info());
    read_one!(r, "server.health", "server_health", c.server().health());
    read_many!(r, "extensions.list", "extension", c.extensions().list(&Default::default()));
    // The marketplace's records, as the server passes them on from its registry (the stand-in).
    read_many!(r, "extensions.registry_list", "registry_extension", c.extensions().registry_list(&Default::default()));
    read_one!(r, "extensions.registry_account", "registry_account", c.extensions().registry_account(&market().account));
    read_one!(r, "extensions.registry_describe", "registry_extension_details", c.extensions().registry_describe(&market().extension));
    // Empty unless SSO providers are configured; whatever is listed is checked.
    read_many!(r, "auth.list_providers", "auth_provider", c.auth().list_providers(), may_be_empty);
    read_one!(r, "permissions.me_item", "item_permissions", c.permissions().me_item(&collection, &item_id));
    if twelve {
        read_one!(r, "policies.me_globals", "policy_globals", c.policies().me_globals());
        read_many!(r, "roles.me", "role", c.roles().me(&Query::default()));
        let mine = c.permissions().me().await.expect("permissions.me decodes");
        let raw: Value = c.permissions().me().decode().await.unwrap();
        for (name, access) in &mine {
            r.record(&format!("permissions.me.{name}"), "collection_access", access, access.extra.is_empty(), &raw[name]);
        }
        let comments = read_many!(r, "comments.list", "comment", c.comments().list(&Query::default()));
        read_one!(r, "comments.get", "comment", c.comments().get(comments[0].id.as_deref().unwrap(), &Query::default()));
        let policies: Vec<Value> = c.policies().list(&Query::default()).decode().await.unwrap();
        read_one!(r, "policies.get", "policy", c.policies().get(policies[0]["id"].as_str().unwrap(), &Query::default()));
    } else {
        let hook = create(c.webhooks().create(&json!({ "name": "t", "method": "POST", "url": "http://127.0.0.1:9/hook", "status": "inactive", "data": true, "actions": ["create"], "collections": ["directus_users"], "headers": [{ "header": "X-Test", "value": "1" }] }))).await;
        read_many!(r, "webhooks.list", "webhook", c.webhooks().list(&Query::default()));
        read_one!(r, "webhooks.get", "webhook", c.webhooks().get(hook["id"].as_i64().unwrap(), &Query::default()));
    }
    // The schema: a snapshot of this server, and the diff a changed note of the fixture
    // collection makes (the snapshot sent back as JSON: the typed one leaves nulls out).
    read_one!(r, "schema.snapshot", "schema_snapshot", c.schema().snapshot(&Default::default()));
    let mut snapshot: Value = c.schema().snapshot(&Default::default()).decode().await.unwrap();
    for entry in snapshot["collections"].as_array_mut().unwrap() {
        if entry["collection"] == json!(collection) {
            entry["meta"]["note"] = json!("changed for the diff");
        }
    }
    read_one!(r, "schema.diff", "schema_diff", c.schema().diff(&snapshot, &Default::default()));
    if v >= Version(12, 2, 0) {
        let dry = directus_client::utilities::ImportBatchOptions::default().dry_run(true);
        let rows = [json!({ "collection": collection, "items": [{ "title": "Imported" }] })];
        read_one!(r, "utilities.import_batch", "import_result", c.utilities().import_batch(&rows, &dry));
        // Last: it adds collections and a field to the fixture collection.
        read_one!(r, "utilities.generate_translations", "generated_translations", c.utilities().generate_translations(&collection, &["title"], &Default::default()));
    }
    failures.extend(r.failures);
    failures
}

/// Each version is exercised once per process; the coverage test waits for both.
fn failures_on(version: &'static str) -> &'static Vec<String> {
    static NEW: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    static OLD: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let cell = if version == "12.4.1" { &NEW } else { &OLD };
    cell.get_or_init(|| {
        let s = with_features(version);
        tokio::runtime::Runtime::new().unwrap().block_on(exercise(s))
    })
}

/// A server of its own with one extension installed and the optional features `/server/info`
/// describes turned on (WebSockets, rate limiters), so their records are read too.
fn with_features(version: &str) -> &'static Server {
    let dir = directus_e2e::temp_dir(&format!("types-extensions-{version}"));
    let ext = dir.join("directus-extension-types-hook");
    std::fs::create_dir_all(ext.join("dist")).unwrap();
    std::fs::write(ext.join("dist/index.js"), "export default () => {};\n").unwrap();
    let manifest = json!({ "name": "directus-extension-types-hook", "version": "1.0.0", "type": "module",
        "directus:extension": { "type": "hook", "path": "dist/index.js", "source": "src/index.js", "host": "*" } });
    std::fs::write(ext.join("package.json"), manifest.to_string()).unwrap();
    let settings = [
        ("EXTENSIONS_PATH", dir.to_str().unwrap()),
        ("WEBSOCKETS_ENABLED", "true"),
        ("WEBSOCKETS_LOGS_ENABLED", "true"),
        ("RATE_LIMITER_ENABLED", "true"),
        ("RATE_LIMITER_POINTS", "100000"),
        ("RATE_LIMITER_DURATION", "1"),
        ("RATE_LIMITER_GLOBAL_ENABLED", "true"),
        ("RATE_LIMITER_GLOBAL_POINTS", "200000"),
        ("RATE_LIMITER_GLOBAL_DURATION", "1"),
        ("MARKETPLACE_REGISTRY", market().stub.url.as_str()),
    ];
    let server = server::start_with(version, &settings).unwrap_or_else(|reason| panic!("this test needs a real Directus {version}, which could not be started:\n{reason}"));
    Box::leak(Box::new(server))
}

fn run(version: &'static str) {
    let failures = failures_on(version);
    assert!(failures.is_empty(), "the types and Directus {version} disagree:\n{}", failures.join("\n"));
}

#[test]
fn types_match_directus_12_4_1() {
    run("12.4.1");
}

#[test]
fn types_match_directus_10_10_4() {
    run("10.10.4");
}

#[test]
fn every_reply_type_was_read_on_some_version() {
    failures_on("12.4.1");
    failures_on("10.10.4");
    let seen = seen().lock().unwrap();
    let mut reply_types: BTreeSet<String> = BTreeSet::new();
    for r in &model().resources {
        for op in &r.operations {
            if let Some(directus_generator::model::ReplyType::Record(n)) = &op.response.ty {
                reply_types.insert(n.clone());
            }
        }
    }
    let unread: Vec<&String> = reply_types.iter().filter(|t| !seen.contains_key(*t) && !NOT_READ.iter().any(|(n, _)| n == t)).collect();
    eprintln!("types read per version:");
    for (t, versions) in seen.iter() {
        eprintln!("  {t}: {}", versions.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    assert!(unread.is_empty(), "reply types no live test read: {unread:?}; read them in tests/tests/live_types.rs or add them to NOT_READ with the reason");
}
