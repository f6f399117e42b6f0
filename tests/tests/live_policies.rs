//! The access model of Directus 11 and later, against a real Directus 12.4.1: policies, the access
//! rows that give them to roles and users, what the current user may do, and comments. Test
//! policies give no app access, so they take no licence seat.

use directus_client::{Client, Query};
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

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

#[tokio::test]
async fn policies_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let p = c.policies();
    let readers: Value = p.create(&json!({ "name": "Readers", "icon": "visibility", "app_access": false, "admin_access": false })).decode().await.unwrap();
    let id = id_of(&readers);
    let more: Vec<Value> = p.create_many(&[json!({ "name": "P1" }), json!({ "name": "P2" })]).decode().await.unwrap();
    let keys: Vec<String> = more.iter().map(id_of).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    assert_eq!(p.get(&id, &Query::default()).decode::<Value>().await.unwrap()["name"], "Readers");
    let found: Vec<Value> = p.list(&Query::new().filter(json!({ "name": { "_in": ["P1", "P2"] } }))).decode().await.unwrap();
    assert_eq!(found.len(), 2);
    let changed: Value = p.update(&id, &json!({ "description": "Read only" })).decode().await.unwrap();
    assert_eq!(changed["description"], "Read only");
    let both: Vec<Value> = p.update_many(&keys, &json!({ "description": "batch" })).decode().await.unwrap();
    assert_eq!(both.len(), 2);
    p.delete_many(&keys).await.unwrap();
    p.delete(&id).await.unwrap();
    let left: Vec<Value> = p.list(&Query::new().filter(json!({ "name": { "_in": ["Readers", "P1", "P2"] } }))).decode().await.unwrap();
    assert!(left.is_empty(), "{left:?}");

    // The CLI, the same way.
    let made = cli(s, &["policies", "create", "--data", r#"{"name":"From CLI"}"#]);
    let listed = cli(s, &["policies", "list", "--filter", r#"{"name":{"_eq":"From CLI"}}"#, "--fields", "id,name"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    cli(s, &["policies", "delete", "--id", &id_of(&made)]);
}

#[tokio::test]
async fn access_rows_give_a_role_a_policy() {
    let s = server();
    let c = admin(s);
    let role: Value = c.roles().create(&json!({ "name": "Access test role" })).decode().await.unwrap();
    let policy: Value = c.policies().create(&json!({ "name": "Access test policy" })).decode().await.unwrap();
    let (role_id, policy_id) = (id_of(&role), id_of(&policy));
    let a = c.access();
    let row: Value = a.create(&json!({ "role": role_id, "policy": policy_id })).decode().await.unwrap();
    let row_id = id_of(&row);
    let rows: Vec<Value> = a.list(&Query::new().filter(json!({ "role": { "_eq": role_id } }))).decode().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["policy"], Value::String(policy_id.clone()));
    let got: Value = a.get(&row_id, &Query::default()).decode().await.unwrap();
    assert_eq!(got["role"], Value::String(role_id.clone()));
    let sorted: Value = a.update(&row_id, &json!({ "sort": 2 })).decode().await.unwrap();
    assert_eq!(sorted["sort"], 2);
    // A second row through the batch forms, then all of them away.
    let second: Value = c.policies().create(&json!({ "name": "Access test policy 2" })).decode().await.unwrap();
    let made: Vec<Value> = a.create_many(&[json!({ "role": role_id, "policy": id_of(&second) })]).decode().await.unwrap();
    let keys = [row_id.as_str(), made[0]["id"].as_str().unwrap()];
    let changed: Vec<Value> = a.update_many(keys, &json!({ "sort": 1 })).decode().await.unwrap();
    assert_eq!(changed.len(), 2);
    a.delete(keys[1]).await.unwrap();
    a.delete_many(&keys[..1]).await.unwrap();
    assert!(a.list(&Query::new().filter(json!({ "role": { "_eq": role_id } }))).decode::<Value>().await.unwrap().is_empty());
    c.policies().delete_many(&[policy_id.as_str(), id_of(&second).as_str()]).await.unwrap();
    c.roles().delete(&role_id).await.unwrap();
}

#[tokio::test]
async fn what_the_current_user_may_do() {
    let s = server();
    let c = admin(s);
    let globals = c.policies().me_globals().await.unwrap();
    assert!(globals.admin_access && globals.app_access, "the admin has both");
    let roles: Vec<Value> = c.roles().me(&Query::default()).decode().await.unwrap();
    assert!(roles.iter().any(|r| r["name"] == "Administrator"), "{roles:?}");
    let perms: Value = c.permissions().me().decode().await.unwrap();
    assert!(perms.is_object(), "{perms}");
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let on_me: Value = c.permissions().me_item("directus_users", me["id"].as_str().unwrap()).decode().await.unwrap();
    assert!(on_me["update"]["access"].as_bool().unwrap_or(false) || on_me.get("update").is_some(), "{on_me}");
    let out = cli(s, &["policies", "me-globals"]);
    assert_eq!(out["admin_access"], true, "{out}");
}

#[tokio::test]
async fn comments_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let item = me["id"].as_str().unwrap().to_owned();
    let k = c.comments();
    let first: Value = k.create(&json!({ "collection": "directus_users", "item": item, "comment": "First" })).decode().await.unwrap();
    let id = id_of(&first);
    let more: Vec<Value> = k
        .create_many(&[json!({ "collection": "directus_users", "item": item, "comment": "A" }), json!({ "collection": "directus_users", "item": item, "comment": "B" })])
        .decode().await
        .unwrap();
    let keys: Vec<String> = more.iter().map(id_of).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    assert_eq!(k.get(&id, &Query::default()).decode::<Value>().await.unwrap()["comment"], "First");
    let edited: Value = k.update(&id, &json!({ "comment": "First (edited)" })).decode().await.unwrap();
    assert_eq!(edited["comment"], "First (edited)");
    let both: Vec<Value> = k.update_many(&keys, &json!({ "comment": "batch" })).decode().await.unwrap();
    assert_eq!(both.len(), 2);
    let on_item: Vec<Value> = k.list(&Query::new().filter(json!({ "item": { "_eq": item } }))).decode().await.unwrap();
    assert!(on_item.len() >= 3, "{on_item:?}");
    k.delete_many(&keys).await.unwrap();
    k.delete(&id).await.unwrap();
    let left: Vec<Value> = k.list(&Query::new().filter(json!({ "id": { "_in": [id] } }))).decode().await.unwrap();
    assert!(left.is_empty());
}
