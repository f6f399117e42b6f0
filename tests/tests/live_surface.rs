//! The rest of the Directus surface the reference node lacked, against a real Directus 12.4.1:
//! flows (and a webhook trigger), operations, dashboards, panels, notifications, shares,
//! translations and content versions, each through create, get, list, update and the batch forms.

use directus_client::{Client, Query};
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

/// A record's key as text (uuids are strings, notification ids numbers).
fn key(v: &Value) -> String {
    match &v["id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("no id in {v} ({other})"),
    }
}

fn by_keys(keys: &[String]) -> Query {
    Query::new().filter(json!({ "id": { "_in": keys } }))
}

/// Every operation of a CRUD-and-batch resource, on records made from `$one`, `$two` and `$three`;
/// `$change` is a valid update. Leaves nothing behind.
macro_rules! crud {
    ($res:expr, $one:expr, $two:expr, $three:expr, $change:expr) => {{
        let r = $res;
        let one: Value = r.create(&$one).decode().await.unwrap();
        let id = key(&one);
        let got: Value = r.get(&id, &Query::default()).decode().await.unwrap();
        assert_eq!(key(&got), id);
        let listed: Vec<Value> = r.list(&by_keys(std::slice::from_ref(&id))).decode().await.unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        let changed: Value = r.update(&id, &$change).decode().await.unwrap();
        assert_eq!(key(&changed), id);
        let more: Vec<Value> = r.create_many(&[$two, $three]).decode().await.unwrap();
        let keys: Vec<String> = more.iter().map(key).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let both: Vec<Value> = r.update_many(&refs, &$change).decode().await.unwrap();
        assert_eq!(both.len(), 2, "{both:?}");
        r.delete_many(&refs).await.unwrap();
        r.delete(&id).await.unwrap();
        let all: Vec<String> = keys.iter().cloned().chain([id]).collect();
        let left: Vec<Value> = r.list(&by_keys(&all)).decode().await.unwrap();
        assert!(left.is_empty(), "{left:?}");
    }};
}

#[tokio::test]
async fn flows_operations_and_a_webhook_trigger() {
    let s = server();
    let c = admin(s);
    let flow = |name: &str| json!({ "name": name, "trigger": "manual", "status": "inactive", "accountability": "all", "options": {} });
    crud!(c.flows(), flow("F1"), flow("F2"), flow("F3"), json!({ "description": "changed" }));

    // A webhook flow whose one operation returns what it was given.
    let hook: Value = c
        .flows()
        .create(&json!({ "name": "Echo", "trigger": "webhook", "status": "active", "accountability": "all", "options": { "method": "POST", "return": "$last" } }))
        .decode().await
        .unwrap();
    let flow_id = key(&hook);
    let op = |k: &str| json!({ "flow": flow_id, "key": k, "name": k, "type": "log", "position_x": 19, "position_y": 1, "options": { "message": "hi" } });
    crud!(c.operations(), op("o1"), op("o2"), op("o3"), json!({ "name": "changed" }));
    let echo: Value = c
        .operations()
        .create(&json!({ "flow": flow_id, "key": "echo", "name": "echo", "type": "exec", "position_x": 19, "position_y": 1, "options": { "code": "module.exports = async function(data) { return { got: data.$trigger.body.n }; }" } }))
        .decode().await
        .unwrap();
    c.flows().update(&flow_id, &json!({ "operation": key(&echo) })).decode::<Value>().await.unwrap();
    let reply: Value = c.flows().trigger(&flow_id, &json!({ "n": 42 })).await.unwrap();
    assert_eq!(reply, json!({ "got": 42 }), "the flow's reply comes back as it is");
    c.flows().delete(&flow_id).await.unwrap();

    // A webhook flow that listens for GET: triggered without a body, its reply as it is.
    let hook: Value = c
        .flows()
        .create(&json!({ "name": "Echo GET", "trigger": "webhook", "status": "active", "accountability": "all", "options": { "method": "GET", "return": "$last" } }))
        .decode().await
        .unwrap();
    let flow_id = key(&hook);
    let echo: Value = c
        .operations()
        .create(&json!({ "flow": flow_id, "key": "echo", "name": "echo", "type": "exec", "position_x": 19, "position_y": 1, "options": { "code": "module.exports = async function(data) { return { method: data.$trigger.method }; }" } }))
        .decode().await
        .unwrap();
    c.flows().update(&flow_id, &json!({ "operation": key(&echo) })).decode::<Value>().await.unwrap();
    let reply: Value = c.flows().trigger_get(&flow_id).await.unwrap();
    assert_eq!(reply, json!({ "method": "GET" }));
    c.flows().delete(&flow_id).await.unwrap();
}

#[tokio::test]
async fn dashboards_and_panels() {
    let s = server();
    let c = admin(s);
    let dash = |name: &str| json!({ "name": name, "icon": "dashboard" });
    crud!(c.dashboards(), dash("D1"), dash("D2"), dash("D3"), json!({ "note": "changed" }));
    let board: Value = c.dashboards().create(&dash("Panels")).decode().await.unwrap();
    let board_id = key(&board);
    let panel = |name: &str| json!({ "dashboard": board_id, "name": name, "type": "label", "position_x": 1, "position_y": 1, "width": 6, "height": 4, "options": { "text": name } });
    crud!(c.panels(), panel("P1"), panel("P2"), panel("P3"), json!({ "note": "changed" }));
    c.dashboards().delete(&board_id).await.unwrap();
}

#[tokio::test]
async fn notifications_shares_translations_and_versions() {
    let s = server();
    let c = admin(s);
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let me_id = key(&me);
    let note = |subject: &str| json!({ "recipient": me_id, "subject": subject, "message": "hello" });
    crud!(c.notifications(), note("N1"), note("N2"), note("N3"), json!({ "status": "archived" }));

    let tr = |k: &str| json!({ "language": "en-US", "key": k, "value": "v" });
    crud!(c.translations(), tr("rs.k1"), tr("rs.k2"), tr("rs.k3"), json!({ "value": "changed" }));

    // Shares and versions are of items: a collection with versioning on, and one item.
    let name = format!("surface_{}", directus_e2e::random_hex(4));
    c.collections()
        .create(&json!({ "collection": name, "schema": {}, "meta": { "versioning": true },
            "fields": [{ "field": "id", "type": "integer", "schema": { "is_primary_key": true, "has_auto_increment": true } },
                       { "field": "title", "type": "string" }] })).decode::<Value>()
        .await
        .unwrap();
    let item: Value = c.items().create(&name, &json!({ "title": "Main" })).await.unwrap();
    let item_id = key(&item);
    let share = |n: &str| json!({ "name": n, "collection": name, "item": item_id });
    crud!(c.shares(), share("S1"), share("S2"), share("S3"), json!({ "max_uses": 3 }));
    let public: Value = c.shares().create(&share("Public")).decode().await.unwrap();
    let info: Value = c.shares().info(key(&public)).decode().await.unwrap();
    assert_eq!(info["id"], public["id"], "{info}");
    c.shares().delete(&key(&public)).await.unwrap();

    let version = |k: &str| json!({ "key": k, "name": k, "collection": name, "item": item_id });
    crud!(c.versions(), version("v1"), version("v2"), version("v3"), json!({ "name": "changed" }));
    let draft: Value = c.versions().create(&version("draft")).decode().await.unwrap();
    let draft_id = key(&draft);
    let _: Value = c.versions().save(&draft_id, &json!({ "title": "Draft title" })).await.unwrap();
    let compared: Value = c.versions().compare(&draft_id).decode().await.unwrap();
    assert_eq!(compared["current"]["title"], "Draft title", "{compared}");
    let main_hash = compared["mainHash"].as_str().map(str::to_owned);
    let options = directus_client::versions::PromoteOptions::default();
    let options = match main_hash { Some(h) => options.main_hash(h), None => options };
    let _: Value = c.versions().promote(&draft_id, &options).await.unwrap();
    let after: Value = c.items().get(&name, &item_id, &Query::default()).await.unwrap();
    assert_eq!(after["title"], "Draft title", "promoting applies the version to the main item");
    c.collections().delete(&name).await.unwrap();
}
