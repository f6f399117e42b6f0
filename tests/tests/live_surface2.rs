//! The rest of the Directus 12.4.1 route table, against real servers: SEARCH on every list, batch
//! collection and field updates, schema snapshot, diff and apply (moved from one 12.4.1 server
//! to a fresh one), revert, batch import, export to the file library, login redirects, translations
//! generation, registration and its e-mail verification, logins through a second local
//! provider, snapshot files diffed through the CLI, page tracking, 2FA reset by an administrator, share logins and
//! invitations, first-run setup, the project owner, zip downloads of files and folders, and
//! extension settings. Directus 10.10.4 runs every one of them it serves, on a server of its own.

use directus_client::{Client, ErrorCode, Query};
use directus_e2e::server::{self, Server};
use directus_e2e::{fixtures, random_hex, totp};
use serde_json::{json, Value};

#[path = "support/registry.rs"]
mod registry;

fn shared() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

fn cli(s: &Server, args: &[&str]) -> std::process::Output {
    directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, args)
}

/// [`cli`] for a command that must succeed: its stdout.
fn cli_ok(s: &Server, args: &[&str]) -> Vec<u8> {
    let out = cli(s, args);
    assert!(out.status.success(), "directus {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The CLI with `stdin` piped in and only the environment `env` gives (no URL or token of the
/// administrator's): for secrets read from stdin and logins into a profile folder of the test's.
fn cli_piped(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(args)
        .env_remove("DIRECTUS_URL")
        .env_remove("DIRECTUS_TOKEN")
        .env_remove("DIRECTUS_PROFILE")
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run the CLI");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn key(v: &Value) -> String {
    directus_runtime::key_text(&v["id"])
}

async fn create(call: directus_client::Call<impl directus_runtime::serde::de::DeserializeOwned + Send + 'static>) -> Value {
    call.decode::<Value>().await.expect("a fixture record")
}

fn twelve(s: &Server) -> bool {
    !s.version.starts_with("10.")
}

/// A collection with an integer key, a `title`, and (with `owner`) a `owner` field related to users.
async fn collection(c: &Client, name: &str, owner: bool) {
    let mut fields = vec![
        // With `meta`, so 12.4.1 puts the key into snapshots (it leaves out fields without one).
        json!({ "field": "id", "type": "integer", "meta": { "hidden": true, "readonly": true, "interface": "input" }, "schema": { "is_primary_key": true, "has_auto_increment": true } }),
        json!({ "field": "title", "type": "string", "meta": { "note": "the title" } }),
    ];
    if owner {
        fields.push(json!({ "field": "owner", "type": "uuid", "meta": { "interface": "select-dropdown-m2o", "special": ["m2o"] } }));
    }
    create(c.collections().create(&json!({ "collection": name, "schema": {}, "meta": { "versioning": true, "note": "made by live_surface2" }, "fields": fields }))).await;
    if owner {
        create(c.relations().create(&json!({ "collection": name, "field": "owner", "related_collection": "directus_users" }))).await;
    }
}

async fn upload(c: &Client, name: &str, text: &str, folder: Option<&str>) -> Value {
    let path = directus_e2e::temp_dir("surface2-upload").join(name);
    std::fs::write(&path, text).unwrap();
    let options = directus_client::files::CreateOptions::default();
    let options = match folder {
        Some(f) => options.folder(f),
        None => options,
    };
    c.files().create(&path, &options).decode::<Value>().await.expect("upload")
}

/// The first record of a list, newest first.
async fn newest(call: directus_client::ListCall<impl directus_runtime::serde::de::DeserializeOwned + Send + 'static>) -> Value {
    let all: Vec<Value> = call.decode().await.expect("a list");
    all.into_iter().next().expect("a record")
}

fn newest_query() -> Query {
    Query::new().sort(vec!["-id"]).limit(1)
}

/// The SEARCH of `$call` (made with `by_key`/`none`) must return exactly `$record`, with only its
/// `id` (the query's `fields`), and nothing for a filter that matches nothing.
macro_rules! searched {
    ($what:expr, $record:expr, |$q:ident| $call:expr) => {{
        let record: &Value = &$record;
        let $q = json!({ "filter": { "id": { "_eq": record["id"] } }, "fields": ["id"], "sort": ["id"] });
        // Permissions lists add the app's built-in ones (`"system": true`, no key) to every reply.
        let own = |all: Vec<Value>| -> Vec<Value> { all.into_iter().filter(|r| r["system"] != true).collect() };
        let got: Vec<Value> = own($call.decode().await.unwrap_or_else(|e| panic!("{} search: {e}", $what)));
        assert_eq!(got.len(), 1, "{}: one record by key: {got:?}", $what);
        assert_eq!(key(&got[0]), key(record), "{}", $what);
        assert_eq!(got[0].as_object().map(|o| o.len()), Some(1), "{}: only the fields asked for: {got:?}", $what);
        let $q = json!({ "filter": { "id": { "_null": true } } });
        let none: Vec<Value> = own($call.decode().await.unwrap_or_else(|e| panic!("{} search: {e}", $what)));
        assert!(none.is_empty(), "{}: a filter that matches nothing: {none:?}", $what);
    }};
}

/// Every list's SEARCH twin: one record of each picked by its key through the body's query.
async fn search_every_list(s: &Server) {
    let c = admin(s);
    let v12 = twelve(s);
    let name = format!("search_{}", random_hex(4));
    collection(&c, &name, false).await;
    let item: Value = c.items().create(&name, &json!({ "title": "one" })).await.unwrap();
    c.items().update(&name, key(&item), &json!({ "title": "two" })).await.unwrap();
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let folder = create(c.folders().create(&json!({ "name": "Search" }))).await;
    let file = upload(&c, "search.txt", "search", None).await;
    let flow = create(c.flows().create(&json!({ "name": "Search", "trigger": "manual", "status": "inactive", "accountability": "all", "options": {} }))).await;
    let operation = create(c.operations().create(&json!({ "flow": flow["id"], "key": "log", "name": "Log", "type": "log", "position_x": 19, "position_y": 1, "options": { "message": "hi" } }))).await;
    let dashboard = create(c.dashboards().create(&json!({ "name": "Search", "icon": "dashboard" }))).await;
    let panel = create(c.panels().create(&json!({ "dashboard": dashboard["id"], "name": "P", "type": "label", "position_x": 1, "position_y": 1, "width": 6, "height": 4, "options": { "text": "p" } }))).await;
    let notification = create(c.notifications().create(&json!({ "recipient": me["id"], "subject": "Search", "message": "m" }))).await;
    let preset = create(c.presets().create(&json!({ "collection": name, "layout": "tabular", "user": me["id"] }))).await;
    let share = create(c.shares().create(&json!({ "name": "Search", "collection": name, "item": key(&item) }))).await;
    let translation = create(c.translations().create(&json!({ "language": "en-US", "key": format!("search.{}", random_hex(3)), "value": "v" }))).await;
    let version = create(c.versions().create(&json!({ "key": "draft", "name": "Draft", "collection": name, "item": key(&item) }))).await;
    let role = create(c.roles().create(&json!({ "name": format!("Search {}", random_hex(3)) }))).await;
    let activity = newest(c.activity().list(&newest_query())).await;
    let revision = newest(c.revisions().list(&newest_query())).await;

    searched!("items", item, |q| c.items().search(&name, &q));
    searched!("users", me, |q| c.users().search(&q));
    searched!("roles", role, |q| c.roles().search(&q));
    searched!("folders", folder, |q| c.folders().search(&q));
    searched!("files", file, |q| c.files().search(&q));
    searched!("flows", flow, |q| c.flows().search(&q));
    searched!("operations", operation, |q| c.operations().search(&q));
    searched!("dashboards", dashboard, |q| c.dashboards().search(&q));
    searched!("panels", panel, |q| c.panels().search(&q));
    searched!("notifications", notification, |q| c.notifications().search(&q));
    searched!("presets", preset, |q| c.presets().search(&q));
    searched!("shares", share, |q| c.shares().search(&q));
    searched!("translations", translation, |q| c.translations().search(&q));
    searched!("versions", version, |q| c.versions().search(&q));
    searched!("activity", activity, |q| c.activity().search(&q));
    searched!("revisions", revision, |q| c.revisions().search(&q));
    if v12 {
        let policy = create(c.policies().create(&json!({ "name": format!("Search {}", random_hex(3)), "icon": "badge" }))).await;
        let access = create(c.access().create(&json!({ "role": role["id"], "policy": policy["id"] }))).await;
        let permission = create(c.permissions().create(&json!({ "policy": policy["id"], "collection": name, "action": "read", "fields": ["*"] }))).await;
        let comment = create(c.comments().create(&json!({ "collection": name, "item": key(&item), "comment": "Search" }))).await;
        searched!("policies", policy, |q| c.policies().search(&q));
        searched!("access", access, |q| c.access().search(&q));
        searched!("permissions", permission, |q| c.permissions().search(&q));
        searched!("comments", comment, |q| c.comments().search(&q));
        c.policies().delete(&key(&policy)).await.unwrap();
    } else {
        let permission = create(c.permissions().create(&json!({ "role": role["id"], "collection": name, "action": "read", "fields": ["*"] }))).await;
        searched!("permissions", permission, |q| c.permissions().search(&q));
        let hook = create(c.webhooks().create(&json!({ "name": "search", "method": "POST", "url": "http://127.0.0.1:9/hook", "status": "inactive", "actions": ["create"], "collections": [name] }))).await;
        searched!("webhooks", hook, |q| c.webhooks().search(&q));
        c.webhooks().delete(hook["id"].as_i64().unwrap()).await.unwrap();
    }

    // Typed, as `list` is; and collections, which SEARCH reads by name.
    let roles = c.roles().search(&json!({ "filter": { "id": { "_eq": role["id"] } } })).await.unwrap();
    assert_eq!(roles[0].name.as_deref(), role["name"].as_str());
    let named = c.collections().search([name.as_str()]).await.unwrap();
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(named[0].collection.as_deref(), Some(name.as_str()));
    assert_eq!(named[0].meta.as_ref().and_then(|m| m.note.as_deref()), Some("made by live_surface2"));

    // A filter far too long for a URL: 4,000 keys in `_in`, three of which exist.
    let more: Vec<Value> = c.items().create_many(&name, &[json!({ "title": "a" }), json!({ "title": "b" })]).await.unwrap();
    let mut keys: Vec<Value> = (1_000_000..1_004_000).map(Value::from).collect();
    keys.extend(more.iter().chain([&item]).map(|m| m["id"].clone()));
    let long = json!({ "filter": { "id": { "_in": keys } }, "sort": ["id"], "fields": ["id", "title"] });
    assert!(long.to_string().len() > 30_000);
    let found: Vec<Value> = c.items().search(&name, &long).await.unwrap();
    let mut expected: Vec<String> = more.iter().chain([&item]).map(key).collect();
    expected.sort_by_key(|k| k.parse::<i64>().unwrap());
    assert_eq!(found.iter().map(key).collect::<Vec<_>>(), expected, "{found:?}");

    // The CLI sends the same SEARCH.
    let query = json!({ "filter": { "title": { "_eq": "two" } }, "fields": ["title"] }).to_string();
    let out = cli_ok(s, &["items", "search", "--collection", &name, "--query", &query]);
    assert_eq!(serde_json::from_slice::<Value>(&out).unwrap(), json!([{ "title": "two" }]));

    // A malformed query is refused with the field's name; a string is not an object.
    let err = c.items().search(&name, &json!({ "limit": "many" })).await.expect_err("a limit that is not a number");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidQuery), "{err}");
    assert!(err.to_string().contains("limit"), "{err}");
    let err = c.items().search(&name, &json!("title")).await.expect_err("a query that is a string");
    let expected = if v12 { ErrorCode::InternalServerError } else { ErrorCode::InvalidPayload };
    assert_eq!(err.code(), Some(&expected), "{err}");

    c.flows().delete(&key(&flow)).await.unwrap();
    c.dashboards().delete(&key(&dashboard)).await.unwrap();
    c.roles().delete(&key(&role)).await.unwrap();
    c.collections().delete(&name).await.unwrap();
}

#[tokio::test]
async fn search_reads_every_list_with_the_query_in_the_body() {
    search_every_list(shared()).await;
}

/// PATCH /collections and PATCH /fields/{collection}: several changes, each to its own target.
async fn batch_collection_and_field_updates(s: &Server) {
    let c = admin(s);
    let (one, two) = (format!("batch_a_{}", random_hex(4)), format!("batch_b_{}", random_hex(4)));
    collection(&c, &one, false).await;
    collection(&c, &two, false).await;
    let changed = c
        .collections()
        .update_batch(&[json!({ "collection": one, "meta": { "note": "first" } }), json!({ "collection": two, "meta": { "note": "second", "icon": "star" } })])
        .await
        .unwrap();
    let notes: Vec<(Option<&str>, Option<&str>)> = changed.iter().map(|c| (c.collection.as_deref(), c.meta.as_ref().and_then(|m| m.note.as_deref()))).collect();
    assert_eq!(notes, [(Some(one.as_str()), Some("first")), (Some(two.as_str()), Some("second"))]);
    let read = c.collections().get(&two).await.unwrap();
    assert_eq!(read.meta.and_then(|m| m.icon).as_deref(), Some("star"));
    // One bad element fails the whole batch: the first change is not applied either.
    let err = c
        .collections()
        .update_batch(&[json!({ "collection": one, "meta": { "note": "never" } }), json!({ "meta": { "note": "no name" } })])
        .await
        .expect_err("an element without a collection");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    assert_eq!(c.collections().get(&one).await.unwrap().meta.and_then(|m| m.note).as_deref(), Some("first"), "the batch is one transaction");

    create(c.fields().create(&one, &json!({ "field": "body", "type": "text" }))).await;
    let fields = c
        .fields()
        .update_batch(&one, &[json!({ "field": "title", "meta": { "note": "new title note" } }), json!({ "field": "body", "meta": { "note": "body note", "hidden": true } })])
        .await
        .unwrap();
    let got: Vec<(Option<&str>, Option<&str>)> = fields.iter().map(|f| (f.field.as_deref(), f.meta.as_ref().and_then(|m| m.note.as_deref()))).collect();
    assert_eq!(got, [(Some("title"), Some("new title note")), (Some("body"), Some("body note"))]);
    assert_eq!(c.fields().get(&one, "body").await.unwrap().meta.and_then(|m| m.hidden), Some(true));
    // Through the CLI: the list is read as a JSON array.
    let out = cli_ok(s, &["fields", "update-batch", "--collection", &one, "--fields", r#"[{"field":"title","meta":{"note":"from the CLI"}}]"#]);
    assert_eq!(serde_json::from_slice::<Value>(&out).unwrap()[0]["meta"]["note"], "from the CLI");
    if twelve(s) {
        // 10.10.4 lets this through.
        let err = c.fields().update_batch("directus_users", &[json!({ "field": "email", "meta": { "note": "x" } })]).await.expect_err("a system field");
        assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    }
    c.collections().delete(&one).await.unwrap();
    c.collections().delete(&two).await.unwrap();
}

#[tokio::test]
async fn collections_and_fields_change_in_batches() {
    batch_collection_and_field_updates(shared()).await;
}

/// POST /utils/revert/{revision}: an item goes back to what an earlier revision recorded.
async fn revert_to_a_revision(s: &Server) {
    let c = admin(s);
    let name = format!("revert_{}", random_hex(4));
    collection(&c, &name, false).await;
    let item: Value = c.items().create(&name, &json!({ "title": "first" })).await.unwrap();
    let id = key(&item);
    c.items().update(&name, &id, &json!({ "title": "second" })).await.unwrap();
    c.items().update(&name, &id, &json!({ "title": "third" })).await.unwrap();
    let query = Query::new().filter(json!({ "collection": { "_eq": name }, "item": { "_eq": id } })).sort(vec!["id"]);
    let revisions = c.revisions().list(&query).await.unwrap();
    assert_eq!(revisions.len(), 3, "{revisions:?}");
    let second = revisions[1].id.unwrap();
    c.utilities().revert(second).await.unwrap();
    let now: Value = c.items().get(&name, &id, &Query::default()).await.unwrap();
    assert_eq!(now["title"], "second");
    assert_eq!(c.revisions().list(&query).await.unwrap().len(), 4, "the revert is a revision itself");
    let err = c.utilities().revert(i64::from(i32::MAX)).await.expect_err("no such revision");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    c.collections().delete(&name).await.unwrap();
}

#[tokio::test]
async fn revert_sets_an_item_back_to_a_revision() {
    revert_to_a_revision(shared()).await;
}

/// POST /utils/export/{collection}: the file appears in the library with the items in it.
async fn export_to_the_file_library(s: &Server) {
    let c = admin(s);
    let name = format!("export_{}", random_hex(4));
    collection(&c, &name, false).await;
    c.items().create_many(&name, &[json!({ "title": "x" }), json!({ "title": "y" }), json!({ "title": "z" })]).await.unwrap();
    let title = format!("export-{}", random_hex(4));
    let options = directus_client::utilities::ExportOptions::default().file(json!({ "title": title }));
    let query = json!({ "fields": ["title"], "filter": { "title": { "_neq": "y" } }, "sort": ["title"], "limit": -1 });
    c.utilities().export(&name, &query, "json", &options).await.unwrap();
    let by_title = Query::new().filter(json!({ "title": { "_eq": title } }));
    let mut file = None;
    for _ in 0..80 {
        if let Some(f) = c.files().list(&by_title).await.unwrap().into_iter().next() {
            file = Some(f);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let file = file.expect("the export's file within 20 s");
    assert_eq!(file.r#type.as_deref(), Some("application/json"));
    let bytes = c.assets().get(file.id.as_deref().unwrap(), &Default::default()).await.unwrap().bytes().await.unwrap();
    let items: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    assert_eq!(items, json!([{ "title": "x" }, { "title": "z" }]));
    let err = c.utilities().export("no_such_collection", &json!({}), "json", &Default::default()).await.expect_err("no such collection");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    c.files().delete(file.id.as_deref().unwrap()).await.unwrap();
    c.collections().delete(&name).await.unwrap();
}

#[tokio::test]
async fn export_writes_a_file_into_the_library() {
    export_to_the_file_library(shared()).await;
}

/// PATCH /users/me/track/page and POST /users/{id}/tfa/disable.
async fn track_page_and_admin_tfa_reset(s: &Server) {
    let c = admin(s);
    c.users().track_page("/content/tracked").await.unwrap();
    let me: Value = c.users().me(&Query::new().fields(vec!["last_page"])).decode().await.unwrap();
    assert_eq!(me["last_page"], "/content/tracked");
    let err = c.users().track_page("").await.expect_err("an empty page");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");

    // A user turns 2FA on; an administrator turns it off for them; they log in without an OTP.
    let user = tfa_user(s).await;
    let theirs = Client::new(&s.url).unwrap();
    theirs.login(&user.email, user.password.as_str()).await.unwrap();
    let secret = theirs.users().generate_tfa(user.password.as_str()).await.unwrap().secret.expose().to_owned();
    theirs.users().enable_tfa(secret.as_str(), totp::current_code(&secret).await).await.unwrap();
    let err = Client::new(&s.url).unwrap().login(&user.email, user.password.as_str()).await.expect_err("2FA is on");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidOtp), "{err}");
    let err = theirs.users().disable_user_tfa(&user.id).await.expect_err("not an administrator");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    c.users().disable_user_tfa(&user.id).await.unwrap();
    Client::new(&s.url).unwrap().login(&user.email, user.password.as_str()).await.expect("a login without OTP once an administrator turned 2FA off");
    c.users().delete(&user.id).await.unwrap();
}

/// A user without app access that may read and update users, which enabling 2FA needs: through
/// a policy on 11 and later, through its role before.
async fn tfa_user(s: &Server) -> fixtures::TestUser {
    if twelve(s) {
        return fixtures::create_user(s).await;
    }
    let c = admin(s);
    let role = create(c.roles().create(&json!({ "name": format!("tfa-{}", random_hex(3)), "app_access": false, "admin_access": false }))).await;
    for action in ["read", "update"] {
        create(c.permissions().create(&json!({ "role": role["id"], "collection": "directus_users", "action": action, "fields": ["*"] }))).await;
    }
    let email = format!("u-{}@example.com", random_hex(6));
    let password = format!("Pw-{}", random_hex(8));
    let user = create(c.users().create(&json!({ "email": email, "password": password, "status": "active", "role": role["id"] }))).await;
    fixtures::TestUser { id: key(&user), email, password }
}

#[tokio::test]
async fn track_page_and_an_administrator_turns_2fa_off() {
    track_page_and_admin_tfa_reset(shared()).await;
}

/// POST /shares/auth and POST /shares/invite.
async fn share_login_and_invite(s: &Server) {
    let c = admin(s);
    let name = format!("shared_{}", random_hex(4));
    collection(&c, &name, false).await;
    let item: Value = c.items().create(&name, &json!({ "title": "Shared title" })).await.unwrap();
    let password = format!("Share-{}", random_hex(4));
    // A share grants what its role may read, limited to the shared item.
    let role = reader_role(&c, twelve(s), &name).await;
    let share = create(c.shares().create(&json!({ "name": "Login", "collection": name, "item": key(&item), "password": password, "role": role }))).await;
    let share_id = key(&share);

    let visitor = Client::new(&s.url).unwrap();
    let err = visitor.shares().auth(&share_id, &directus_client::shares::AuthOptions::default().password("wrong")).await.expect_err("a wrong password");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials), "{err}");
    let options = directus_client::shares::AuthOptions::default().password(password.as_str()).mode("json");
    let tokens = visitor.shares().auth(&share_id, &options).await.unwrap();
    assert!(tokens.expires > 0);
    assert!(tokens.refresh_token.is_some());
    let access = tokens.access_token.expect("an access token in json mode");
    assert!(!format!("{access:?}").contains(access.expose()), "the token is masked in Debug");
    let as_share = Client::with_token(&s.url, access.expose()).unwrap();
    let read: Value = as_share.items().get(&name, key(&item), &Query::default()).await.unwrap();
    assert_eq!(read["title"], "Shared title", "the share's token reads the shared item");
    let other: Value = c.items().create(&name, &json!({ "title": "Not shared" })).await.unwrap();
    let err = as_share.items().get(&name, key(&other), &Query::default()).await.expect_err("only the shared item");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    let info = c.shares().get(&share_id, &Query::default()).await.unwrap();
    assert_eq!(info.times_used, Some(1), "a login counts as a use");

    // Through the CLI, the password from stdin; the tokens never on the command line.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["shares", "auth", "--share", &share_id, "--password-stdin"])
        .env("DIRECTUS_URL", &s.url)
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(reply["access_token"].as_str().is_some_and(|t| t.len() > 20), "{reply}");
    // Two uses made; a limit of one shuts the share.
    c.shares().update(&share_id, &json!({ "max_uses": 1 })).decode::<Value>().await.unwrap();
    let err = visitor.shares().auth(&share_id, &options).await.expect_err("the share is used up");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials), "{err}");

    let to = format!("guest-{}@example.com", random_hex(4));
    c.shares().invite(&share_id, &[to.as_str()]).await.unwrap();
    let mail = wait_for_mail(s, &to).await;
    assert!(mail.contains(&format!("/admin/shared/{share_id}")), "{mail}");
    let err = visitor.shares().invite(&share_id, &[to.as_str()]).await.expect_err("no user");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    c.collections().delete(&name).await.unwrap();
    c.roles().delete(&role).await.unwrap();
}

/// A role that may read every field of `collection`: through a policy on 11 and later.
async fn reader_role(c: &Client, v12: bool, collection: &str) -> String {
    let role = key(&create(c.roles().create(&json!({ "name": format!("Reader {}", random_hex(3)) }))).await);
    let grant = if v12 {
        let policy = create(c.policies().create(&json!({ "name": format!("Reader {}", random_hex(3)), "icon": "badge" }))).await;
        create(c.access().create(&json!({ "role": role, "policy": policy["id"] }))).await;
        json!({ "policy": policy["id"] })
    } else {
        json!({ "role": role })
    };
    let mut permission = json!({ "collection": collection, "action": "read", "fields": ["*"] });
    permission.as_object_mut().unwrap().extend(grant.as_object().unwrap().clone());
    create(c.permissions().create(&permission)).await;
    role
}

/// The text of the first captured mail to `to` (quoted-printable soft breaks joined), within 20 s.
async fn wait_for_mail(s: &Server, to: &str) -> String {
    for _ in 0..80 {
        for entry in std::fs::read_dir(&s.mail_dir).into_iter().flatten().flatten() {
            let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let text = raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
            if text.lines().any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to)) {
                return text;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("no mail reached {to} in {}", s.mail_dir.display());
}

#[tokio::test]
async fn shares_log_visitors_in_and_invite_by_mail() {
    share_login_and_invite(shared()).await;
}

#[tokio::test]
async fn import_batch_keeps_relations_and_dry_runs_write_nothing() {
    let s = shared();
    let c = admin(s);
    let (authors, books) = (format!("authors_{}", random_hex(4)), format!("books_{}", random_hex(4)));
    collection(&c, &authors, false).await;
    collection(&c, &books, false).await;
    create(c.fields().create(&books, &json!({ "field": "author", "type": "integer", "meta": { "special": ["m2o"] } }))).await;
    create(c.relations().create(&json!({ "collection": books, "field": "author", "related_collection": authors }))).await;
    // Author 1 is taken, so the imported author 1 gets another key and the book follows it.
    let taken: Value = c.items().create(&authors, &json!({ "title": "Already here" })).await.unwrap();
    assert_eq!(taken["id"], 1);
    let data = [json!({ "collection": books, "items": [{ "id": 1, "title": "Book", "author": 1 }] }), json!({ "collection": authors, "items": [{ "id": 1, "title": "Imported author" }] })];

    let dry = directus_client::utilities::ImportBatchOptions::default().dry_run(true);
    let plan = c.utilities().import_batch(&data, &dry).await.unwrap();
    assert!(!plan.applied);
    assert!(c.items().list(&books, &Query::default()).await.unwrap().is_empty(), "a dry run writes nothing");

    let done = c.utilities().import_batch(&data, &Default::default()).await.unwrap();
    assert!(done.applied);
    assert_eq!(done.mode, Some(directus_client::types::ImportResultMode::Add));
    let new_author = done.collections[&authors].new[0].clone();
    assert_ne!(new_author, json!(1), "{done:?}");
    assert_eq!(done.collections[&authors].mapped.get("1"), Some(&new_author));
    let book: Value = c.items().get(&books, key(&json!({ "id": done.collections[&books].new[0] })), &Query::default()).await.unwrap();
    assert_eq!(book["author"], new_author, "the book points at the imported author, not the one that was there");

    let wrong = directus_client::utilities::ImportBatchOptions::default().dangerously_allow_delete(true);
    let err = c.utilities().import_batch(&data, &wrong).await.expect_err("delete without merge");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidQuery), "{err}");
    let err = c.utilities().import_batch(&[] as &[Value], &Default::default()).await.expect_err("nothing to import");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    c.collections().delete(&books).await.unwrap();
    c.collections().delete(&authors).await.unwrap();
}

#[tokio::test]
async fn resolve_redirect_allows_only_paths_and_the_servers_own_urls() {
    let s = shared();
    let anonymous = Client::new(&s.url).unwrap();
    let u = anonymous.utilities();
    assert_eq!(u.resolve_redirect("/admin/content", &Default::default()).await.unwrap(), "/admin/content");
    let own = format!("{}/admin/users", s.url);
    assert_eq!(u.resolve_redirect(&own, &Default::default()).await.unwrap(), own);
    let err = u.resolve_redirect("https://elsewhere.example.com/steal", &Default::default()).await.expect_err("another origin");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    let err = u.resolve_redirect("javascript:alert(1)", &Default::default()).await.expect_err("a script URL");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
}

#[tokio::test]
async fn generate_translations_makes_fields_translatable() {
    let s = shared();
    let c = admin(s);
    let name = format!("tr_{}", random_hex(4));
    collection(&c, &name, false).await;
    create(c.fields().create(&name, &json!({ "field": "body", "type": "text" }))).await;
    let languages = format!("langs_{}", random_hex(4));
    let options = directus_client::utilities::GenerateTranslationsOptions::default().languages_collection(languages.clone());
    let made = c.utilities().generate_translations(&name, &["title"], &options).await.unwrap();
    assert!(made.created);
    assert_eq!(made.translations_collection, format!("{name}_translations"));
    assert_eq!(made.languages_collection.as_deref(), Some(languages.as_str()));
    let fields: Vec<String> = c.fields().list(&made.translations_collection).await.unwrap().into_iter().filter_map(|f| f.field).collect();
    assert!(fields.contains(&"title".to_owned()), "{fields:?}");
    assert!(!c.items().list(&languages, &Query::default()).await.unwrap().is_empty(), "the languages are seeded");
    let again = c.utilities().generate_translations(&name, &["body"], &options).await.unwrap();
    assert!(!again.created, "the second call adds to the existing collection");
    let fields: Vec<String> = c.fields().list(&made.translations_collection).await.unwrap().into_iter().filter_map(|f| f.field).collect();
    assert!(fields.contains(&"body".to_owned()), "{fields:?}");
    let err = c.utilities().generate_translations(&name, &["nope"], &Default::default()).await.expect_err("no such field");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    for gone in [made.translations_collection.as_str(), name.as_str(), languages.as_str()] {
        c.collections().delete(gone).await.unwrap();
    }
}

#[tokio::test]
async fn register_then_verify_by_mail() {
    let s = shared();
    let c = admin(s);
    c.settings().update(&json!({ "public_registration": true, "public_registration_verify_email": true })).await.unwrap();
    let anonymous = Client::new(&s.url).unwrap();
    let email = format!("reg-{}@example.com", random_hex(4));
    let password = format!("Reg-{}", random_hex(6));
    let options = directus_client::users::RegisterOptions::default().first_name("Reg");
    anonymous.users().register(&email, password.as_str(), &options).await.unwrap();
    let by_email = Query::new().filter(json!({ "email": { "_eq": email } }));
    let user = c.users().list(&by_email).await.unwrap().into_iter().next().expect("the registered user");
    assert_eq!(user.status, Some(directus_client::types::UserStatus::Unverified));
    assert_eq!(user.first_name.as_deref(), Some("Reg"));
    // The mail's link activates the account. Directus reads the token only from the URL's query
    // (spec `only_in_url`), so the client puts it there and masks it wherever it shows the URL.
    let token = fixtures::mail_token(s, &email).await;
    let url = s.url.as_str();
    let dry = cli_piped(&["--url", url, "--dry-run", "users", "verify-email", "--verification-token-stdin"], &token, &[]);
    let shown = format!("{}{}", String::from_utf8_lossy(&dry.stdout), String::from_utf8_lossy(&dry.stderr));
    assert!(dry.status.success() && shown.contains("/users/register/verify-email?token=***"), "{shown}");
    assert!(!shown.contains(&token), "--dry-run shows the token: {shown}");
    let dormant = c.users().list(&by_email).await.unwrap().into_iter().next().unwrap();
    assert_eq!(dormant.status, Some(directus_client::types::UserStatus::Unverified), "a dry run sends nothing");
    let location = anonymous.users().verify_email(token.as_str()).await.unwrap();
    let user = c.users().list(&by_email).await.unwrap().into_iter().next().unwrap();
    assert_eq!(user.status, Some(directus_client::types::UserStatus::Active));
    assert_eq!(location, format!("/admin/users/{}", user.id.as_deref().unwrap()), "the redirect into the Data Studio names the user");
    // Spent: the account waits for nothing, and the error does not quote the token.
    let err = anonymous.users().verify_email(token.as_str()).await.expect_err("verified already");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    assert!(!format!("{err} {err:?}").contains(&token), "{err:?}");
    let err = anonymous.users().verify_email("not-a-token").await.expect_err("not the server's token");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidToken), "{err}");
    // An error that quotes the URL (nothing listens on port 9) shows the parameter, not the token.
    let nowhere = Client::builder("http://127.0.0.1:9").server_version("12.4.1".parse().unwrap()).retry(directus_runtime::RetryPolicy::attempts(1)).build().unwrap();
    let err = nowhere.users().verify_email(token.as_str()).await.expect_err("nothing listens");
    let text = format!("{err} {err:?}");
    assert!(text.contains("token=***") && !text.contains(&token), "{text}");

    // The CLI, with a second account: the token from stdin, -v and -i on; what it prints is the
    // redirect, and neither stream holds the token.
    let second = format!("reg2-{}@example.com", random_hex(4));
    anonymous.users().register(&second, password.as_str(), &Default::default()).await.unwrap();
    let token2 = fixtures::mail_token(s, &second).await;
    let out = cli_piped(&["--url", url, "-v", "-i", "users", "verify-email", "--verification-token-stdin"], &token2, &[]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    let registered = c.users().list(&Query::new().filter(json!({ "email": { "_eq": second } }))).await.unwrap().into_iter().next().unwrap();
    assert_eq!(registered.status, Some(directus_client::types::UserStatus::Active));
    assert!(stdout.contains(&format!("/admin/users/{}", registered.id.as_deref().unwrap())), "{stdout}");
    assert!(stderr.contains("GET ") && stderr.contains("/users/register/verify-email (users.verify_email)") && stderr.contains("location:"), "{stderr}");
    assert!(!stdout.contains(&token2) && !stderr.contains(&token2), "{stdout}\n{stderr}");
    // From the environment too; a spent token is refused with its code (exit 2: invalid payload).
    let out = cli_piped(&["--url", url, "users", "verify-email"], "", &[("DIRECTUS_VERIFICATION_TOKEN", &token2)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("INVALID_PAYLOAD") && !stderr.contains(&token2), "{stderr}");
    c.users().delete(registered.id.as_deref().unwrap()).await.unwrap();
    Client::new(&s.url).unwrap().login(&email, password.as_str()).await.expect("the registered user logs in");
    // Registering an existing address changes nothing and says nothing.
    anonymous.users().register(&email, "Another-1234", &Default::default()).await.unwrap();
    Client::new(&s.url).unwrap().login(&email, password.as_str()).await.expect("the password is unchanged");
    let err = anonymous.users().register("not an address", "Pw-12345678", &Default::default()).await.expect_err("a bad address");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");

    c.settings().update(&json!({ "public_registration": false })).await.unwrap();
    let err = anonymous.users().register(&format!("late-{}@example.com", random_hex(3)), "Pw-12345678", &Default::default()).await.expect_err("registration is off");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    c.users().delete(user.id.as_deref().unwrap()).await.unwrap();
}

/// A 12.4.1 of its own with a second provider on the `local` driver (`AUTH_PROVIDERS`): its users
/// log in at `POST /auth/login/extra`, through the client and the CLI, and only there.
#[tokio::test]
async fn a_second_local_provider_logs_its_users_in() {
    let s = server::start_with("12.4.1", &[("AUTH_PROVIDERS", "loopback,extra"), ("AUTH_EXTRA_DRIVER", "local")])
        .unwrap_or_else(|reason| panic!("this test needs a Directus 12.4.1 with a second local provider:\n{reason}"));
    let c = admin(&s);
    let email = format!("extra-{}@example.com", random_hex(4));
    let password = format!("Extra-{}", random_hex(6));
    // An administrator: a user of a provider other than `default` exceeds the 12.4.1 Core
    // licence (`sso_enabled`), which locks the instance to administrators' logins
    // (RESOURCE_RESTRICTED for anyone else).
    let admin_me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let user = create(c.users().create(&json!({ "email": email, "password": password, "status": "active", "role": admin_me["role"] }))).await;
    // 12.4.1 Core refuses to set a user's `provider` through the API ("isn't included in the
    // current license"), yet serves the provider's login: the test sets it in the database.
    let err = c.users().update(key(&user), &json!({ "provider": "extra" })).decode::<Value>().await.expect_err("licensed");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    s.sql("UPDATE directus_users SET provider = ? WHERE id = ?", &["extra", &key(&user)]).unwrap_or_else(|e| panic!("{e}"));

    let client = Client::new(&s.url).unwrap();
    let options = directus_client::auth::LoginProviderOptions::default().email(email.clone());
    let tokens = client.auth().login_provider("extra", password.as_str(), &options).await.unwrap();
    assert!(tokens.access_token.is_some() && tokens.refresh_token.is_some() && tokens.expires > 0);
    // Logged in as `login` does: the next call carries the session.
    assert!(client.session_tokens().await.is_some());
    let me: Value = client.users().me(&Query::default()).decode().await.unwrap();
    assert_eq!(me["id"], user["id"], "{me}");
    // The user belongs to the provider: the default login refuses it, as a wrong password does here.
    let err = Client::new(&s.url).unwrap().login(&email, password.as_str()).await.expect_err("another provider");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials), "{err}");
    let err = Client::new(&s.url).unwrap().auth().login_provider("extra", "Wrong-password-1", &options).await.expect_err("a wrong password");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials), "{err}");
    let err = Client::new(&s.url).unwrap().auth().login_provider("extra", password.as_str(), &Default::default()).await.expect_err("no e-mail");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    let err = Client::new(&s.url).unwrap().auth().login_provider("nope", password.as_str(), &options).await.expect_err("no such provider");
    assert_eq!(err.code(), Some(&ErrorCode::RouteNotFound), "{err}");

    // The CLI: the password from stdin, the session into a profile, used by the next command.
    let dir = directus_e2e::temp_dir("surface2-provider");
    let home = dir.to_str().unwrap();
    let login = cli_piped(&["--url", &s.url, "auth", "login-provider", "--provider", "extra", "--email", &email, "--password-stdin"], &password, &[("DIRECTUS_CONFIG_DIR", home)]);
    let stderr = String::from_utf8_lossy(&login.stderr);
    assert!(login.status.success(), "{stderr}");
    assert!(!String::from_utf8_lossy(&login.stdout).contains(&password) && !stderr.contains(&password));
    let profile = std::fs::read_to_string(dir.join("profiles/default.toml")).expect("the session is stored");
    assert!(profile.contains("refresh_token") && !profile.contains(&password));
    let me = cli_piped(&["users", "me"], "", &[("DIRECTUS_CONFIG_DIR", home)]);
    assert!(me.status.success(), "{}", String::from_utf8_lossy(&me.stderr));
    let me: Value = serde_json::from_slice(&me.stdout).unwrap();
    assert_eq!(me["id"], user["id"]);
    let wrong = cli_piped(&["--url", &s.url, "auth", "login-provider", "--provider", "extra", "--email", &email, "--password-stdin"], "Wrong-password-1", &[("DIRECTUS_CONFIG_DIR", home)]);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(3), "auth error: {stderr}");
    assert!(stderr.contains("INVALID_CREDENTIALS") && !stderr.contains("Wrong-password-1"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
    s.stop();
}

#[tokio::test]
async fn settings_owner_records_the_project_owner() {
    let s = shared();
    let c = admin(s);
    let owner = format!("owner-{}@example.com", random_hex(3));
    let options = directus_client::settings::OwnerOptions::default().project_usage("community").org_name("Rustaceans").product_updates(false);
    c.settings().owner(&owner, &options).await.unwrap();
    let settings = c.settings().get(&Query::default()).await.unwrap();
    assert_eq!(settings.project_owner.as_deref(), Some(owner.as_str()));
    assert_eq!(settings.project_usage.as_deref(), Some("community"));
    assert_eq!(settings.org_name.as_deref(), Some("Rustaceans"));
    assert_eq!(settings.product_updates, Some(false));
    let err = Client::new(&s.url).unwrap().settings().owner(&owner, &Default::default()).await.expect_err("anonymous");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
}

#[tokio::test]
async fn zips_of_files_and_of_a_folder_tree() {
    let s = shared();
    let c = admin(s);
    let top = create(c.folders().create(&json!({ "name": format!("zip-{}", random_hex(3)) }))).await;
    let sub = create(c.folders().create(&json!({ "name": "inner", "parent": top["id"] }))).await;
    let a = upload(&c, "alpha.txt", "alpha alpha", Some(&key(&top))).await;
    let b = upload(&c, "beta.txt", "beta", Some(&key(&sub))).await;

    let ids = [key(&a), key(&b)];
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let download = c.assets().zip_files(&refs).await.unwrap();
    assert_eq!(download.content_type(), Some("application/zip"));
    assert!(download.filename().is_some_and(|n| n.starts_with("files-") && n.ends_with(".zip")), "{:?}", download.filename());
    let zip = download.bytes().await.unwrap();
    assert!(zip.starts_with(b"PK\x03\x04"), "a zip archive");
    for name in ["alpha.txt", "beta.txt"] {
        assert!(zip.windows(name.len()).any(|w| w == name.as_bytes()), "{name} in the archive");
    }

    let path = directus_e2e::temp_dir("surface2-zip").join("folder.zip");
    let download = c.assets().zip_folder(&key(&top)).await.unwrap();
    assert!(download.filename().is_some_and(|n| n.starts_with("folder-zip-")), "{:?}", download.filename());
    let size = download.save(&path).await.unwrap();
    let zip = std::fs::read(&path).unwrap();
    assert_eq!(size as usize, zip.len());
    assert!(zip.starts_with(b"PK\x03\x04"));
    for name in [&b"alpha.txt"[..], b"inner/", b"beta.txt"] {
        assert!(zip.windows(name.len()).any(|w| w == name), "{} in the archive", String::from_utf8_lossy(name));
    }

    let err = c.assets().zip_files(&["not-a-uuid"]).await.expect_err("not a UUID");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    let empty = create(c.folders().create(&json!({ "name": "empty" }))).await;
    let err = c.assets().zip_folder(&key(&empty)).await.expect_err("no files");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    for f in [&a, &b] {
        c.files().delete(&key(f)).await.unwrap();
    }
}

/// An app extension (an interface) and a hook in a folder, for `EXTENSIONS_PATH`.
fn extensions_folder(label: &str, marker: &str) -> std::path::PathBuf {
    let dir = directus_e2e::temp_dir(&format!("surface2-extensions-{label}"));
    let hook = dir.join("directus-extension-rs-hook");
    std::fs::create_dir_all(hook.join("dist")).unwrap();
    std::fs::write(hook.join("dist/index.js"), "export default () => {};\n").unwrap();
    let manifest = json!({ "name": "directus-extension-rs-hook", "version": "1.0.0", "type": "module",
        "directus:extension": { "type": "hook", "path": "dist/index.js", "source": "src/index.js", "host": "*" } });
    std::fs::write(hook.join("package.json"), manifest.to_string()).unwrap();
    let app = dir.join("directus-extension-rs-interface");
    std::fs::create_dir_all(app.join("dist")).unwrap();
    std::fs::write(app.join("dist/index.js"), format!("export default {{ id: '{marker}', name: '{marker}', icon: 'box', component: {{}}, options: null, types: ['string'] }};\n")).unwrap();
    let manifest = json!({ "name": "directus-extension-rs-interface", "version": "1.0.0", "type": "module",
        "directus:extension": { "type": "interface", "path": "dist/index.js", "source": "src/index.js", "host": "*" } });
    std::fs::write(app.join("package.json"), manifest.to_string()).unwrap();
    dir
}

/// PATCH and DELETE /extensions/{id}, and the app extensions' source.
async fn extension_settings(c: &Client, marker: &str, old: bool) {
    let listed = c.extensions().list(&Default::default()).await.unwrap();
    let find = |list: &[directus_client::types::Extension], name: &str| list.iter().find(|e| e.schema.as_ref().is_some_and(|s| s.name == name)).cloned();
    let hook = find(&listed, "directus-extension-rs-hook").unwrap_or_else(|| panic!("the hook is installed: {listed:?}"));
    let id = hook.id.clone().unwrap();
    assert_eq!(hook.meta.as_ref().and_then(|m| m.enabled), Some(true));
    let off = c.extensions().update(&id, &json!({ "enabled": false })).await.unwrap();
    assert_eq!(off.meta.as_ref().and_then(|m| m.enabled), Some(false));
    let listed = c.extensions().list(&Default::default()).await.unwrap();
    assert_eq!(find(&listed, "directus-extension-rs-hook").and_then(|e| e.meta).and_then(|m| m.enabled), Some(false));
    let err = c.extensions().update(&id, &json!("on")).await.expect_err("meta is not an object");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");

    // The app bundle, once the reload that change started is done (a fresh 12.4.1 builds its
    // first bundle before it has stored the extensions' settings, so the change also fills it;
    // 10.10.4 has no bundle while it reloads).
    let mut source = String::new();
    for _ in 0..80 {
        source = c.extensions().source("index.js").await.unwrap_or_default();
        if source.contains(marker) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(source.contains(marker), "the app extension is in the bundle: {source}");
    let err = c.extensions().source("no-such-chunk.js").await.expect_err("no such chunk");
    assert_eq!(err.code(), Some(&ErrorCode::RouteNotFound), "{err}");

    if old {
        // 10.10 only uninstalls what came from the registry here.
        let err = c.extensions().delete(&id).await.expect_err("a local extension");
        assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
        return;
    }
    c.extensions().delete(&id).await.unwrap();
    let listed = c.extensions().list(&Default::default()).await.unwrap();
    assert!(find(&listed, "directus-extension-rs-hook").is_none(), "{listed:?}");
    // Directus answers 204 when it cannot read the extension back, here because it is gone.
    let err = c.extensions().update(&id, &json!({ "enabled": true })).await.expect_err("deleted");
    assert_eq!(err.status(), Some(204), "{err}");
}

/// A fresh 12.4.1 without users: first-run setup, then extension settings, then the schema of
/// the shared server moved onto it.
#[tokio::test]
async fn a_fresh_server_is_set_up_then_gets_a_schema_from_another() {
    let marker = format!("rs-probe-{}", random_hex(4));
    let extensions = extensions_folder("12", &marker);
    let market = registry::start();
    let mut fresh = server::start_with("12.4.1", &[("ADMIN_EMAIL", ""), ("EXTENSIONS_PATH", extensions.to_str().unwrap()), ("MARKETPLACE_REGISTRY", &market.stub.url)])
        .unwrap_or_else(|reason| panic!("this test needs a second Directus 12.4.1:\n{reason}"));
    let anonymous = Client::new(&fresh.url).unwrap();
    let info = anonymous.server().info().await.unwrap();
    let setup = info.setup.expect("a server without users says setup is due");
    assert!(!setup.owner_complete);

    let email = format!("first-{}@example.com", random_hex(3));
    let password = format!("First-{}", random_hex(6));
    let err = anonymous.server().setup(&json!({ "admin": { "email": email } })).await.expect_err("no password");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    anonymous.server().setup(&json!({ "admin": { "email": email, "password": password, "first_name": "First" } })).await.unwrap();
    let c = Client::new(&fresh.url).unwrap();
    c.login(&email, password.as_str()).await.expect("the administrator setup made logs in");
    let me = c.users().me(&Query::default()).await.unwrap();
    assert_eq!(me.first_name.as_deref(), Some("First"));
    assert!(anonymous.server().info().await.unwrap().setup.is_none(), "setup is done");

    // A second setup is refused. The body holds a password, so the CLI reads it from stdin.
    let second = format!("Second-{}", random_hex(6));
    let body = json!({ "admin": { "email": "second@example.com", "password": second } }).to_string();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["server", "setup", "--data", "-"])
        .env("DIRECTUS_URL", &fresh.url)
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "forbidden: {stderr}");
    assert!(stderr.contains("FORBIDDEN") && !stderr.contains(&second), "{stderr}");
    // A static token, so the CLI can act as this administrator below.
    let token = random_hex(24);
    c.users().update_me(&json!({ "token": token })).decode::<Value>().await.unwrap();
    fresh.admin_email = email;
    fresh.admin_password = password;
    fresh.admin_token = token;
    let c = admin(&fresh);

    extension_settings(&c, &marker, false).await;
    from_the_registry(&c, &market, &extensions, true).await;
    schema_moves(shared(), &fresh).await;
    fresh.stop();
}

/// The schema of one collection goes from `from` to `to` twice: with the client (JSON) and
/// with the CLI (a YAML file).
async fn schema_moves(from: &Server, to: &Server) {
    let a = admin(from);
    let b = admin(to);
    let name = format!("moved_{}", random_hex(4));
    collection(&a, &name, true).await;

    // The typed snapshot shows what is there; the JSON is what goes to the other server.
    let only = directus_client::schema::SnapshotOptions::default().include_collections(vec![name.clone()]);
    let snap = a.schema().snapshot(&only).await.unwrap();
    assert_eq!(snap.version, 2, "a partial snapshot");
    assert_eq!(snap.directus, "12.4.1");
    assert_eq!(snap.collections.iter().filter_map(|c| c.collection.as_deref()).collect::<Vec<_>>(), [name.as_str()]);
    let fields: Vec<&str> = snap.fields.iter().filter_map(|f| f.field.as_deref()).collect();
    assert!(fields.contains(&"title") && fields.contains(&"owner"), "{fields:?}");
    assert_eq!(snap.relations.iter().filter_map(|r| r.field.as_deref()).collect::<Vec<_>>(), ["owner"]);
    let json: Value = a.schema().snapshot(&only).decode().await.unwrap();

    let diff = b.schema().diff(&json, &Default::default()).await.unwrap();
    assert_eq!(diff.diff.collections.iter().map(|c| c.collection.as_str()).collect::<Vec<_>>(), [name.as_str()]);
    assert_eq!(diff.diff.collections[0].diff[0]["kind"], "N", "a new collection");
    assert_eq!(diff.diff.relations.len(), 1);
    let raw: Value = b.schema().diff(&json, &Default::default()).decode().await.unwrap();
    b.schema().apply(&raw, &Default::default()).await.unwrap();
    let moved = b.collections().get(&name).await.unwrap();
    assert_eq!(moved.meta.and_then(|m| m.note).as_deref(), Some("made by live_surface2"));
    assert_eq!(b.fields().get(&name, "title").await.unwrap().meta.and_then(|m| m.note).as_deref(), Some("the title"));
    let relation = b.relations().get(&name, "owner").await.unwrap();
    assert_eq!(relation.related_collection.as_ref().and_then(|r| r.key()).map(String::as_str), Some("directus_users"));
    let item: Value = b.items().create(&name, &json!({ "title": "on the other server" })).await.unwrap();
    assert_eq!(item["title"], "on the other server");

    // Now they match: Directus answers 204, which this client reports with that status.
    let err = b.schema().diff(&json, &Default::default()).await.expect_err("nothing to change");
    assert_eq!(err.status(), Some(204), "{err}");
    // Read as an `Option`, no reply is `None`.
    let nothing: Option<Value> = b.schema().diff(&json, &Default::default()).decode().await.unwrap();
    assert!(nothing.is_none());
    // A diff made before the schema changed is refused.
    a.fields().update(&name, "title", &json!({ "meta": { "note": "changed at the source" } })).decode::<Value>().await.unwrap();
    let changed: Value = a.schema().snapshot(&only).decode().await.unwrap();
    let stale: Value = b.schema().diff(&changed, &Default::default()).decode().await.unwrap();
    // (12.4.1 leaves fields without `meta` out of snapshots and their hash.)
    create(b.fields().create(&name, &json!({ "field": "extra", "type": "string", "meta": { "note": "only here" } }))).await;
    let err = b.schema().apply(&stale, &Default::default()).await.expect_err("a stale hash");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    let err = b.schema().diff(&json!({ "not": "a snapshot" }), &Default::default()).await.expect_err("not a snapshot");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");

    // The CLI: a YAML export from one server, diffed and applied on the other.
    let dir = directus_e2e::temp_dir("surface2-schema");
    let yaml = dir.join("schema.yaml");
    cli_ok(from, &["schema", "export", "--export", "yaml", "-O", yaml.to_str().unwrap()]);
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(text.starts_with("version: 1\n"), "{}", &text[..text.len().min(200)]);
    let diff_path = dir.join("diff.json");
    let diffed = cli_ok(to, &["schema", "diff-file", "--file", yaml.to_str().unwrap()]);
    let diffed_json: Value = serde_json::from_slice(&diffed).unwrap();
    // The same file through the client, and the same export: the same diff.
    let typed = b.schema().diff_file(&yaml, &Default::default()).await.unwrap();
    assert_eq!(typed.hash, diffed_json["hash"].as_str().unwrap());
    let again = dir.join("again.yaml");
    a.schema().export("yaml").await.unwrap().save(&again).await.unwrap();
    let exported = std::fs::read_to_string(&again).unwrap();
    assert!(exported.starts_with("version: 1\n") && exported.contains(&format!("collection: {name}\n")), "{}", &exported[..exported.len().min(200)]);
    let fields_changed: Vec<&str> = diffed_json["diff"]["fields"].as_array().unwrap().iter().filter(|f| f["collection"] == name.as_str()).filter_map(|f| f["field"].as_str()).collect();
    assert!(fields_changed.contains(&"title") && fields_changed.contains(&"extra"), "the note changed, the extra field goes: {fields_changed:?}");
    std::fs::write(&diff_path, &diffed).unwrap();
    let at = format!("@{}", diff_path.display());
    // It cannot be undone: without a terminal to ask on, it wants --yes and sends nothing first.
    let refused = cli(to, &["schema", "apply", "--diff", &at]);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    assert_ne!(b.fields().get(&name, "title").await.unwrap().meta.and_then(|m| m.note).as_deref(), Some("changed at the source"), "nothing was applied");
    // The file as a positional argument, as admins write it: `schema apply diff.json --yes`.
    cli_ok(to, &["schema", "apply", diff_path.to_str().unwrap(), "--yes"]);
    assert_eq!(b.fields().get(&name, "title").await.unwrap().meta.and_then(|m| m.note).as_deref(), Some("changed at the source"));
    let err = b.fields().get(&name, "extra").await.expect_err("mirror mode removed the field the source lacks");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    a.collections().delete(&name).await.unwrap();
}

/// `directus schema snapshot > s.yaml`, then `directus schema diff s.yaml`: the file positional,
/// JSON (the CLI's default output) or YAML (`-o yaml`, or Directus's own export) or stdin, and the
/// change made since is what the diff prints.
#[tokio::test]
async fn schema_diff_takes_a_snapshot_file() {
    let s = shared();
    let c = admin(s);
    let name = format!("snap_{}", random_hex(4));
    collection(&c, &name, false).await;
    let dir = directus_e2e::temp_dir("surface2-snapshot");
    let (json_file, yaml_file, export_file) = (dir.join("s.yaml"), dir.join("s-yaml.yaml"), dir.join("export.yaml"));
    // Only this collection, so other tests' collections on the shared server stay out of it.
    let only = ["--include-collections", name.as_str()];
    std::fs::write(&json_file, cli_ok(s, &[&["schema", "snapshot"][..], &only].concat())).unwrap();
    std::fs::write(&yaml_file, cli_ok(s, &[&["-o", "yaml", "schema", "snapshot"][..], &only].concat())).unwrap();
    assert!(std::fs::read_to_string(&yaml_file).unwrap().contains(&format!("collection: {name}\n")), "YAML, not JSON");
    cli_ok(s, &["schema", "export", "--export", "yaml", "-O", export_file.to_str().unwrap()]);
    // Unchanged, Directus answers 204 without a body: the CLI prints `null`.
    let same = cli_ok(s, &["schema", "diff", json_file.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&same).trim(), "null");

    // A note changed since: the diff of the snapshot would set it back, whichever form the file has.
    c.fields().update(&name, "title", &json!({ "meta": { "note": "changed after the snapshot" } })).decode::<Value>().await.unwrap();
    let changed = |out: &[u8]| -> Vec<String> {
        let diff: Value = serde_json::from_slice(out).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)));
        assert!(diff["hash"].is_string(), "{diff}");
        let fields = diff["diff"]["fields"].as_array().unwrap();
        fields.iter().filter(|f| f["collection"] == name.as_str()).filter_map(|f| f["field"].as_str().map(str::to_owned)).collect()
    };
    for file in [&json_file, &yaml_file, &export_file] {
        assert_eq!(changed(&cli_ok(s, &["schema", "diff", file.to_str().unwrap()])), ["title"], "{}", file.display());
    }
    let out = cli_ok(s, &["schema", "diff", yaml_file.to_str().unwrap()]);
    let diff: Value = serde_json::from_slice(&out).unwrap();
    let edit = &diff["diff"]["fields"].as_array().unwrap().iter().find(|f| f["collection"] == name.as_str()).unwrap()["diff"][0];
    assert_eq!((&edit["kind"], &edit["lhs"], &edit["rhs"]), (&json!("E"), &json!("changed after the snapshot"), &json!("the title")), "{edit}");
    // Stdin, and the flag form that was there before: the same diff.
    let from_stdin = cli_piped(&["schema", "diff", "-"], &std::fs::read_to_string(&yaml_file).unwrap(), &[("DIRECTUS_URL", &s.url), ("DIRECTUS_TOKEN", &s.admin_token)]);
    assert!(from_stdin.status.success(), "{}", String::from_utf8_lossy(&from_stdin.stderr));
    assert_eq!(changed(&from_stdin.stdout), ["title"]);
    let at = format!("@{}", json_file.display());
    assert_eq!(changed(&cli_ok(s, &["schema", "diff", "--snapshot", &at])), ["title"]);

    // Not a snapshot file: refused before anything is sent, with where and why.
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "version: 1\ncollections: [unclosed\n").unwrap();
    let out = cli(s, &["schema", "diff", broken.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("neither JSON nor YAML") && stderr.contains("line "), "{stderr}");
    let out = cli(s, &["schema", "diff", dir.join("missing.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(s, &["schema", "diff", json_file.to_str().unwrap(), "--snapshot", "{}"]);
    assert_eq!(out.status.code(), Some(2), "the file and the flag conflict: {}", String::from_utf8_lossy(&out.stderr));
    c.collections().delete(&name).await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

/// Directus 10.10.4, on a server of its own (with extensions): every route above it serves.
#[tokio::test]
async fn directus_10_10_4_serves_the_older_half() {
    let marker = format!("rs-probe-{}", random_hex(4));
    let extensions = extensions_folder("10", &marker);
    let market = registry::start();
    let s = server::start_with("10.10.4", &[("EXTENSIONS_PATH", extensions.to_str().unwrap()), ("MARKETPLACE_REGISTRY", &market.stub.url)])
        .unwrap_or_else(|reason| panic!("this test needs a real Directus 10.10.4:\n{reason}"));
    search_every_list(&s).await;
    batch_collection_and_field_updates(&s).await;
    revert_to_a_revision(&s).await;
    export_to_the_file_library(&s).await;
    track_page_and_admin_tfa_reset(&s).await;
    share_login_and_invite(&s).await;
    extension_settings(&admin(&s), &marker, true).await;
    from_the_registry(&admin(&s), &market, &extensions, false).await;
    schema_on_one_server(&s).await;
    let c = admin(&s);
    // Routes newer than 10.10.4 are refused before anything is sent.
    let err = c.users().register("x@example.com", "Pw-12345678", &Default::default()).await.expect_err("not in 10.10.4");
    assert!(matches!(err, directus_client::Error::Unsupported { .. }), "{err}");
    s.stop();
}

/// Snapshot, change, and back: on one server, the old snapshot's diff undoes the change.
async fn schema_on_one_server(s: &Server) {
    let c = admin(s);
    let before: Value = c.schema().snapshot(&Default::default()).decode().await.unwrap();
    let typed = c.schema().snapshot(&Default::default()).await.unwrap();
    assert_eq!(typed.directus, s.version);
    assert_eq!(typed.version, 1);
    // The same snapshot as a YAML file, which `diff_file` uploads.
    let yaml = directus_e2e::temp_dir("surface2-schema10").join("before.yaml");
    c.schema().export("yaml").await.unwrap().save(&yaml).await.unwrap();
    let name = format!("undo_{}", random_hex(4));
    collection(&c, &name, true).await;
    let diff = c.schema().diff(&before, &Default::default()).await.unwrap();
    let gone: Vec<&str> = diff.diff.collections.iter().map(|c| c.collection.as_str()).collect();
    assert_eq!(gone, [name.as_str()], "the new collection is what the old snapshot lacks");
    assert_eq!(diff.diff.collections[0].diff[0]["kind"], "D");
    let raw: Value = c.schema().diff(&before, &Default::default()).decode().await.unwrap();
    let from_file: Value = c.schema().diff_file(&yaml, &Default::default()).decode().await.unwrap();
    assert_eq!(from_file["hash"], raw["hash"]);
    c.schema().apply(&raw, &Default::default()).await.unwrap();
    let err = c.collections().get(&name).await.expect_err("applying the old snapshot removed the collection");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
}

/// The marketplace routes, against a server whose `MARKETPLACE_REGISTRY` is the stub: list,
/// account and extension reads (the query passed on), install, reinstall and uninstall.
async fn from_the_registry(c: &Client, market: &registry::Registry, extensions: &std::path::Path, v12: bool) {
    use directus_client::extensions::RegistryListOptions;
    let e = c.extensions();
    let options = RegistryListOptions::default().search("hook").limit(5).sort("popular");
    let listed = e.registry_list(&options).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!((listed[0].id.as_str(), listed[0].name.as_str(), listed[0].total_downloads), (market.extension.as_str(), market.name.as_str(), 7));
    assert_eq!(listed[0].publisher.username, "rs-tests");
    let asked = market.requests("GET /extensions?");
    assert!(asked.iter().any(|l| l.contains("search=hook") && l.contains("limit=5") && l.contains("sort=popular")), "the server passes the query on: {asked:?}");
    let by_type = if v12 {
        RegistryListOptions::default().filter(json!({ "type": { "_eq": "hook" } }))
    } else {
        RegistryListOptions::default().r#type("hook")
    };
    e.registry_list(&by_type).await.unwrap();
    assert!(market.requests("GET /extensions?").iter().any(|l| l.contains("type=hook")), "{:?}", market.requests("GET /extensions?"));

    let account = e.registry_account(&market.account).await.unwrap();
    assert_eq!((account.id.as_str(), account.github_name.as_deref()), (market.account.as_str(), Some("RS Tests")));
    let details = e.registry_describe(&market.extension).await.unwrap();
    assert_eq!(details.versions.len(), 1);
    assert_eq!(details.versions[0].id, market.version);
    assert_eq!(details.versions[0].maintainers.as_ref().map(|m| m[0].accounts_id.username.as_str()), Some("rs-tests"));
    let err = e.registry_account("not-a-uuid").await.expect_err("not a UUID");
    assert_eq!(err.code(), Some(&ErrorCode::RouteNotFound), "{err}");

    // Installing: a version the extension does not have is refused; the real one lands on disk.
    let err = e.registry_install(&market.extension, &market.account).await.expect_err("not a version of it");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
    e.registry_install(&market.extension, &market.version).await.unwrap();
    let folder = extensions.join(".registry").join(&market.version);
    assert!(folder.join("package.json").is_file(), "the package is unpacked into {}", folder.display());
    let installed = e.list(&Default::default()).await.unwrap();
    let mine = installed.iter().find(|x| x.id.as_deref() == Some(market.extension.as_str())).unwrap_or_else(|| panic!("installed: {installed:?}"));
    let meta = mine.meta.as_ref().unwrap();
    assert_eq!((meta.source.as_deref(), meta.folder.as_deref()), (Some("registry"), Some(market.version.as_str())));
    assert_eq!(mine.schema.as_ref().map(|s| s.name.as_str()), Some(market.name.as_str()));

    if v12 {
        let downloads = market.requests("GET /download/").len();
        e.registry_reinstall(&market.extension).await.unwrap();
        assert_eq!(market.requests("GET /download/").len(), downloads + 1, "a reinstall downloads the package again");
        let local = installed.iter().find(|x| x.schema.as_ref().is_some_and(|s| s.name == "directus-extension-rs-interface")).unwrap();
        let err = e.registry_uninstall(local.id.as_deref().unwrap()).await.expect_err("a local extension");
        assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
        e.registry_uninstall(&market.extension).await.unwrap();
    } else {
        // 10.10 uninstalls with DELETE /extensions/{id}.
        e.delete(&market.extension).await.unwrap();
    }
    assert!(!folder.exists(), "the package is removed");
    let left = e.list(&Default::default()).await.unwrap();
    assert!(left.iter().all(|x| x.id.as_deref() != Some(market.extension.as_str())), "{left:?}");
}

#[tokio::test]
async fn an_unreachable_registry_is_a_service_error() {
    // The shared server's registry is registry.directus.io, which the test machine cannot reach.
    let c = admin(shared());
    let err = c.extensions().registry_list(&Default::default()).await.expect_err("no registry");
    assert_eq!(err.code(), Some(&ErrorCode::ServiceUnavailable), "{err}");
    let err = Client::with_token(&shared().url, "not-a-token").unwrap().extensions().registry_list(&Default::default()).await.expect_err("no admin");
    assert_eq!(err.status(), Some(401), "{err}");
}
