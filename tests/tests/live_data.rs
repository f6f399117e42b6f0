//! Collections, fields, items, relations, revisions, activity and the item utilities, through the
//! generated client (and the CLI once per resource) against a real Directus 12.4.1. Every write is
//! read back; every delete is checked to be gone.

use directus_client::{Client, Error, ErrorCode, Query};
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

fn cli(s: &Server, args: &[&str]) -> Value {
    directus_e2e::admin_cli_json(env!("CARGO_BIN_EXE_directus"), s, args)
}

/// Directus reloads its schema cache on every schema change, and an item write that lands during
/// another test's reload can be checked against a half-built schema (seen: "Validation failed for
/// field id" on an auto-increment key). The tests here change the schema, so they take turns.
static SCHEMA: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn query() -> Query {
    Query::default()
}

/// A user collection with an integer key, a title and a sort field.
async fn create_collection(c: &Client, name: &str) -> Value {
    c.collections()
        .create(&json!({
            "collection": name,
            "meta": { "icon": "article", "note": "test", "sort_field": "sort" },
            "schema": {},
            "fields": [
                { "field": "id", "type": "integer", "meta": { "hidden": true }, "schema": { "is_primary_key": true, "has_auto_increment": true } },
                { "field": "title", "type": "string", "schema": {} },
                { "field": "slug", "type": "string", "schema": {} },
                { "field": "sort", "type": "integer", "schema": {} }
            ]
        }))
        .decode().await
        .expect("create collection")
}

#[tokio::test]
async fn collections_and_fields() {
    let _turn = SCHEMA.lock().await;
    let s = server();
    let c = admin(s);
    let name = format!("col_{}", directus_e2e::random_hex(4));
    let created = create_collection(&c, &name).await;
    assert_eq!(created["collection"], name.as_str());

    let got: Value = c.collections().get(&name).decode().await.unwrap();
    assert_eq!(got["meta"]["note"], "test");
    let all: Vec<Value> = c.collections().list().decode().await.unwrap();
    assert!(all.iter().any(|col| col["collection"] == name.as_str()));
    let updated: Value = c.collections().update(&name, &json!({ "meta": { "note": "changed" } })).decode().await.unwrap();
    assert_eq!(updated["meta"]["note"], "changed");
    assert_eq!(c.collections().get(&name).decode::<Value>().await.unwrap()["meta"]["note"], "changed");

    // Fields.
    let field: Value = c.fields().create(&name, &json!({ "field": "views", "type": "integer", "schema": { "default_value": 0 } })).decode().await.unwrap();
    assert_eq!(field["field"], "views");
    let got: Value = c.fields().get(&name, "views").decode().await.unwrap();
    assert_eq!(got["schema"]["default_value"], 0);
    let list: Vec<Value> = c.fields().list(&name).decode().await.unwrap();
    let names: Vec<&str> = list.iter().filter_map(|f| f["field"].as_str()).collect();
    assert!(names.contains(&"title") && names.contains(&"views"), "{names:?}");
    let everywhere: Vec<Value> = c.fields().list_all().decode().await.unwrap();
    assert!(everywhere.iter().any(|f| f["collection"] == name.as_str() && f["field"] == "views"));
    let changed: Value = c.fields().update(&name, "views", &json!({ "meta": { "note": "how often" } })).decode().await.unwrap();
    assert_eq!(changed["meta"]["note"], "how often");
    c.fields().delete(&name, "views").await.unwrap();
    let err = c.fields().get(&name, "views").decode::<Value>().await.expect_err("deleted field");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");

    // The CLI, once for each resource.
    let via_cli = cli(s, &["collections", "get", "--collection", &name]);
    assert_eq!(via_cli["collection"], name.as_str());
    let fields = cli(s, &["fields", "list", "--collection", &name]);
    assert!(fields.as_array().is_some_and(|f| f.len() >= 4));

    c.collections().delete(&name).await.unwrap();
    let err = c.collections().get(&name).decode::<Value>().await.expect_err("deleted collection");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
}

#[tokio::test]
async fn upsert_finds_a_string_primary_key_and_refuses_an_ambiguous_filter() {
    let s = server();
    let c = admin(s);
    let name = format!("codes_{}", directus_e2e::random_hex(4));
    c.collections()
        .create(&json!({ "collection": name, "schema": {}, "meta": {},
            "fields": [{ "field": "code", "type": "string", "schema": { "is_primary_key": true, "length": 20 } },
                       { "field": "label", "type": "string", "schema": {} },
                       { "field": "kind", "type": "string", "schema": {} }] }))
        .decode::<Value>()
        .await
        .unwrap();
    let items = c.items();
    // No match: created with the caller's key.
    let made: Value = items.upsert(&name, &json!({ "code": { "_eq": "EUR" } }), &json!({ "code": "EUR", "label": "Euro", "kind": "fiat" })).await.unwrap();
    assert_eq!(made["code"], "EUR");
    // One match: updated by its `code`, which upsert read from the collection's fields.
    let updated: Value = items.upsert(&name, &json!({ "code": { "_eq": "EUR" } }), &json!({ "label": "euro" })).await.unwrap();
    assert_eq!((updated["code"].as_str(), updated["label"].as_str()), (Some("EUR"), Some("euro")));
    // Two matches: refused, and nothing changes.
    let _: Value = items.create(&name, &json!({ "code": "USD", "label": "Dollar", "kind": "fiat" })).await.unwrap();
    let err = items.upsert::<Value>(&name, &json!({ "kind": { "_eq": "fiat" } }), &json!({ "label": "changed" })).await.expect_err("ambiguous");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("more than one item"), "{err}");
    let all: Vec<Value> = items.list(&name, &Query::new().sort(["code"])).await.unwrap();
    let labels: Vec<&str> = all.iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["euro", "Dollar"], "the ambiguous upsert changed nothing");
}

#[tokio::test]
async fn items_crud_batch_upsert_sort_import() {
    let _turn = SCHEMA.lock().await;
    let s = server();
    let c = admin(s);
    let name = format!("itm_{}", directus_e2e::random_hex(4));
    create_collection(&c, &name).await;
    let items = c.items();

    let one: Value = items.create(&name, &json!({ "title": "First", "slug": "first", "sort": 1 })).await.unwrap();
    let id = one["id"].as_i64().expect("integer key").to_string();
    let many: Vec<Value> = items
        .create_many(&name, &[json!({ "title": "Second", "slug": "second", "sort": 2 }), json!({ "title": "Third", "slug": "third", "sort": 3 })])
        .await
        .unwrap();
    assert_eq!(many.len(), 2);

    let got: Value = items.get(&name, &id, &query()).await.unwrap();
    assert_eq!(got["title"], "First");
    let filtered: Vec<Value> = items
        .list(&name, &query().filter(json!({ "title": { "_contains": "ir" } })).sort(vec!["-id"]).fields(vec!["id", "title"]))
        .await
        .unwrap();
    let titles: Vec<&str> = filtered.iter().filter_map(|i| i["title"].as_str()).collect();
    assert_eq!(titles, ["Third", "First"]);
    let counted: Vec<Value> = items.list(&name, &query().aggregate(json!({ "count": "*" }))).await.unwrap();
    assert_eq!(counted[0]["count"].as_i64().or_else(|| counted[0]["count"].as_str().and_then(|c| c.parse().ok())), Some(3), "{counted:?}");
    let page: Vec<Value> = items.list(&name, &query().limit(1).offset(1).sort(vec!["id"])).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["title"], "Second");
    // `meta` comes back beside the items when the query asks for it, from the client and the CLI.
    let ir = json!({ "title": { "_contains": "ir" } });
    let counted = items
        .list(&name, &query().filter(ir.clone()).limit(1).meta("total_count,filter_count")).decode::<Value>().with_meta()
        .await
        .unwrap();
    assert_eq!(counted.data.len(), 1);
    let meta = counted.meta.expect("meta");
    assert_eq!((meta.total_count, meta.filter_count), (Some(3), Some(2)));
    let plain = items.list(&name, &query()).decode::<Value>().with_meta().await.unwrap();
    assert_eq!((plain.data.len(), plain.meta), (3, None));
    let printed = cli(s, &["items", "list", "--collection", &name, "--meta", "*", "--filter", &ir.to_string(), "--limit", "1"]);
    assert_eq!(printed["meta"], json!({ "total_count": 3, "filter_count": 2 }), "{printed}");
    assert_eq!(printed["data"].as_array().map(Vec::len), Some(1), "{printed}");
    assert!(cli(s, &["items", "list", "--collection", &name]).is_array(), "without --meta the CLI prints the items alone");

    let updated: Value = items.update(&name, &id, &json!({ "title": "First (edited)" })).await.unwrap();
    assert_eq!(updated["title"], "First (edited)");
    let keys: Vec<Value> = many.iter().map(|i| i["id"].clone()).collect();
    let changed: Vec<Value> = items.update_many(&name, &keys, &json!({ "slug": "bulk" })).await.unwrap();
    assert_eq!(changed.len(), 2);
    let bulk: Vec<Value> = items.list(&name, &query().filter(json!({ "slug": { "_eq": "bulk" } }))).await.unwrap();
    assert_eq!(bulk.len(), 2);

    // Upsert: the first call updates the matching item, the second creates one.
    let up: Value = items.upsert(&name, &json!({ "title": { "_eq": "First (edited)" } }), &json!({ "slug": "upserted" })).await.unwrap();
    assert_eq!(up["id"].to_string(), id);
    assert_eq!(up["slug"], "upserted");
    let new: Value = items.upsert(&name, &json!({ "title": { "_eq": "Fourth" } }), &json!({ "title": "Fourth", "sort": 4 })).await.unwrap();
    assert_ne!(new["id"].to_string(), id);

    // Sort: move the fourth item to the first one's place.
    c.utilities().sort(&name, &new["id"], &json!(id.parse::<i64>().unwrap())).await.unwrap();
    let sorted: Vec<Value> = items.list(&name, &query().sort(vec!["sort"]).fields(vec!["title"])).await.unwrap();
    assert_eq!(sorted[0]["title"], "Fourth", "{sorted:?}");

    // Import a JSON file of items.
    let dir = directus_e2e::temp_dir("import");
    let file = dir.join("items.json");
    std::fs::write(&file, r#"[{"title":"Imported A","sort":10},{"title":"Imported B","sort":11}]"#).unwrap();
    c.utilities().import(&name, &file).await.unwrap();
    let imported: Vec<Value> = items.list(&name, &query().filter(json!({ "title": { "_starts_with": "Imported" } }))).await.unwrap();
    assert_eq!(imported.len(), 2);

    // Export: the same list as a CSV file, streamed.
    let csv = items
        .export(&name, "csv", &query().fields(vec!["id", "title"]).sort(vec!["sort"]))
        .await
        .unwrap();
    assert!(csv.filename().is_some_and(|f| f.ends_with(".csv")), "{csv:?}");
    let text = String::from_utf8(csv.bytes().await.unwrap()).unwrap();
    assert!(text.starts_with("\"id\",\"title\"") || text.starts_with("id,title"), "{text}");
    assert!(text.contains("Fourth") && text.contains("Imported B"), "{text}");

    // Delete one, then the rest in one request; both are gone.
    items.delete(&name, &id).await.unwrap();
    let err = items.get(&name, &id, &query()).decode::<Value>().await.expect_err("deleted item");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden));
    let rest: Vec<Value> = items.list(&name, &query().fields(vec!["id"])).await.unwrap();
    let rest_keys: Vec<Value> = rest.iter().map(|i| i["id"].clone()).collect();
    items.delete_many(&name, &rest_keys).await.unwrap();
    let left: Vec<Value> = items.list(&name, &query()).await.unwrap();
    assert!(left.is_empty(), "{left:?}");

    // The CLI: create with --data, list with a filter, delete by comma-separated keys.
    let made = cli(s, &["items", "create", "--collection", &name, "--data", r#"{"title":"From CLI"}"#]);
    let key = made["id"].to_string();
    let found = cli(s, &["items", "list", "--collection", &name, "--filter", r#"{"title":{"_eq":"From CLI"}}"#]);
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    let second = cli(s, &["items", "create", "--collection", &name, "--data", r#"{"title":"Second from CLI"}"#]);
    let both = format!("{key},{}", second["id"]);
    // Keys are read one way everywhere: a comma list, or a JSON array.
    let changed = cli(s, &["items", "update-many", "--collection", &name, "--keys", &both, "--data", r#"{"slug":"cli-bulk"}"#]);
    assert_eq!(changed.as_array().map(Vec::len), Some(2), "{changed}");
    let json_keys = format!("[{key},{}]", second["id"]);
    let changed = cli(s, &["items", "update-many", "--collection", &name, "--keys", &json_keys, "--data", r#"{"slug":"cli-json"}"#]);
    assert_eq!(changed.as_array().map(Vec::len), Some(2), "{changed}");
    // Deleting several asks first: in a script (no terminal) it is refused without `--yes`,
    // and nothing is deleted; a dry run needs no answer, since it sends nothing.
    let refused = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["items", "delete-many", "--collection", &name, "--keys", &json_keys]);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("add --yes"), "{}", String::from_utf8_lossy(&refused.stderr));
    let dry = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["--dry-run", "items", "delete-many", "--collection", &name, "--keys", &json_keys]);
    assert_eq!(dry.status.code(), Some(0), "{}", String::from_utf8_lossy(&dry.stderr));
    assert_eq!(items.list(&name, &query()).decode::<Value>().await.unwrap().len(), 2, "nothing deleted yet");
    cli(s, &["items", "delete-many", "--collection", &name, "--keys", &json_keys, "--yes"]);
    assert!(items.list(&name, &query()).decode::<Value>().await.unwrap().is_empty());

    c.collections().delete(&name).await.unwrap();
}

#[tokio::test]
async fn relations_revisions_and_activity() {
    let _turn = SCHEMA.lock().await;
    let s = server();
    let c = admin(s);
    let articles = format!("art_{}", directus_e2e::random_hex(4));
    let comments = format!("cmt_{}", directus_e2e::random_hex(4));
    create_collection(&c, &articles).await;
    create_collection(&c, &comments).await;
    c.fields().create(&comments, &json!({ "field": "article", "type": "integer", "schema": {} })).decode::<Value>().await.unwrap();

    let rel: Value = c
        .relations()
        .create(&json!({ "collection": comments, "field": "article", "related_collection": articles, "schema": { "on_delete": "SET NULL" } }))
        .decode().await
        .unwrap();
    assert_eq!(rel["related_collection"], articles.as_str());
    let got: Value = c.relations().get(&comments, "article").decode().await.unwrap();
    assert_eq!(got["schema"]["on_delete"], "SET NULL");
    let of_collection: Vec<Value> = c.relations().list(&comments).decode().await.unwrap();
    assert_eq!(of_collection.len(), 1);
    let all: Vec<Value> = c.relations().list_all().decode().await.unwrap();
    assert!(all.iter().any(|r| r["collection"] == comments.as_str()));
    let changed: Value = c.relations().update(&comments, "article", &json!({ "meta": { "one_field": null, "sort_field": null } })).decode().await.unwrap();
    assert_eq!(changed["collection"], comments.as_str());
    let via_cli = cli(s, &["relations", "get", "--collection", &comments, "--field", "article"]);
    assert_eq!(via_cli["field"], "article");
    c.relations().delete(&comments, "article").await.unwrap();
    // On SQLite the foreign key stays in the table; what the delete removes is Directus's relation
    // record, so the relation is left with no `meta`.
    let after: Vec<Value> = c.relations().list(&comments).decode().await.unwrap();
    assert!(after.iter().all(|r| r["meta"].is_null()), "{after:?}");
    assert!(got["meta"].is_object(), "the relation had a record before the delete");

    // Revisions and activity of an item write.
    let item: Value = c.items().create(&articles, &json!({ "title": "Tracked" })).await.unwrap();
    let key = item["id"].to_string();
    c.items().update(&articles, &key, &json!({ "title": "Tracked (edited)" })).decode::<Value>().await.unwrap();
    let filter = json!({ "collection": { "_eq": articles }, "item": { "_eq": key } });
    let revisions: Vec<Value> = c.revisions().list(&query().filter(filter.clone()).sort(vec!["-id"])).decode().await.unwrap();
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert_eq!(revisions[0]["delta"]["title"], "Tracked (edited)");
    let rev_id = revisions[0]["id"].as_i64().unwrap();
    let rev: Value = c.revisions().get(rev_id, &query()).decode().await.unwrap();
    assert_eq!(rev["collection"], articles.as_str());
    let activity: Vec<Value> = c.activity().list(&query().filter(filter)).decode().await.unwrap();
    let actions: Vec<&str> = activity.iter().filter_map(|a| a["action"].as_str()).collect();
    assert!(actions.contains(&"create") && actions.contains(&"update"), "{actions:?}");
    let act: Value = c.activity().get(activity[0]["id"].as_i64().unwrap(), &query()).decode().await.unwrap();
    assert_eq!(act["collection"], articles.as_str());
    let rev_cli = cli(s, &["revisions", "get", "--id", &rev_id.to_string()]);
    assert_eq!(rev_cli["id"], rev_id);

    // Comments: on 12.x the client uses /comments.
    let comment: Value = c.activity().create_comment(&articles, &key, "Looks good").await.unwrap();
    let cid = comment["id"].as_str().expect("comments have UUID keys since 11.2").to_owned();
    let edited: Value = c.activity().update(&cid, "Looks great").await.unwrap();
    assert_eq!(edited["comment"], "Looks great");
    let act_cli = cli(s, &["activity", "list", "--limit", "1"]);
    assert_eq!(act_cli.as_array().map(Vec::len), Some(1));
    c.activity().delete(&cid).await.unwrap();
    // The spec has no comment read (the node had none); check with a plain request.
    let status = reqwest::Client::new().get(format!("{}/comments/{cid}", s.url)).bearer_auth(&s.admin_token).send().await.unwrap().status();
    assert_eq!(status.as_u16(), 403, "a deleted comment reads as 403");

    c.collections().delete(&comments).await.unwrap();
    c.collections().delete(&articles).await.unwrap();
}

#[tokio::test]
async fn creates_and_updates_return_the_fields_asked_for() {
    let s = server();
    let c = admin(s);
    let name = format!("shaped_{}", directus_e2e::random_hex(4));
    {
        let _turn = SCHEMA.lock().await;
        create_collection(&c, &name).await;
    }
    // Without `fields`: the whole saved record; with it, only those fields.
    let whole: Value = c.items().create(&name, &json!({ "title": "One", "slug": "one" })).await.unwrap();
    assert!(whole.get("slug").is_some() && whole.get("title").is_some(), "{whole}");
    let made: Value = c.items().create(&name, &json!({ "title": "Two", "slug": "two" })).fields(["id", "title"]).await.unwrap();
    let keys: Vec<&String> = made.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "title"], "the reply holds the fields asked for: {made}");
    let id = made["id"].clone();
    let changed: Value = c.items().update(&name, &id, &json!({ "slug": "deux" })).fields(["slug"]).await.unwrap();
    assert_eq!(changed, json!({ "slug": "deux" }));
    let many: Vec<Value> = c.items().create_many(&name, &[json!({ "title": "A" }), json!({ "title": "B" })]).fields(["title"]).await.unwrap();
    assert_eq!(many, vec![json!({ "title": "A" }), json!({ "title": "B" })]);
    // A system collection, typed: the fields not asked for stay `None`.
    let role = c.roles().create(&json!({ "name": format!("shaped {name}") })).fields(["id"]).await.unwrap();
    assert!(role.id.is_some() && role.name.is_none(), "{role:?}");
    c.roles().delete(role.id.as_deref().unwrap()).await.unwrap();
    // The CLI's `--fields`.
    let via_cli = cli(s, &["items", "create", "--collection", &name, "--data", r#"{"title":"CLI","slug":"cli"}"#, "--fields", "slug"]);
    assert_eq!(via_cli, json!({ "slug": "cli" }));
    let _turn = SCHEMA.lock().await;
    c.collections().delete(&name).await.unwrap();
}
