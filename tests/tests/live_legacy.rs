//! What only older servers serve, against a real Directus 10.10.4: webhooks, the hash utilities,
//! comments at /activity/comment, and an SSO start that answers with a redirect. The same client
//! code picks these routes from the server's version.

use directus_client::{Client, Error, ErrorCode, Query};
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};

fn server() -> &'static Server {
    server::shared("10.10.4")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

#[tokio::test]
async fn webhooks_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let w = c.webhooks();
    let hook = json!({ "name": "t", "method": "POST", "url": "http://127.0.0.1:9/hook", "status": "active", "data": true, "actions": ["create"], "collections": ["directus_users"] });
    let one: Value = w.create(&hook).decode().await.unwrap();
    let id = one["id"].as_i64().unwrap();
    let more: Vec<Value> = w
        .create_many(&[json!({ "name": "a", "method": "POST", "url": "http://127.0.0.1:9/a", "actions": ["update"], "collections": ["directus_files"] }),
                       json!({ "name": "b", "method": "GET", "url": "http://127.0.0.1:9/b", "actions": ["delete"], "collections": ["directus_files"] })])
        .decode().await
        .unwrap();
    let keys: Vec<i64> = more.iter().filter_map(|m| m["id"].as_i64()).collect();
    assert_eq!(more[0]["status"], "active", "server defaults apply");
    assert_eq!(w.get(id, &Query::default()).decode::<Value>().await.unwrap()["name"], "t");
    let all: Vec<Value> = w.list(&Query::default()).decode().await.unwrap();
    assert_eq!(all.len(), 3);
    let renamed: Value = w.update(id, &json!({ "name": "t-renamed", "status": "inactive" })).decode().await.unwrap();
    assert_eq!(renamed["status"], "inactive");
    let batch: Vec<Value> = w.update_many(&keys, &json!({ "status": "inactive" })).decode().await.unwrap();
    assert!(batch.iter().all(|b| b["status"] == "inactive"));
    let listed = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["webhooks", "list", "--fields", "id,name"]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&listed.stdout).unwrap().as_array().map(Vec::len), Some(3));
    w.delete(id).await.unwrap();
    w.delete_many(&keys).await.unwrap();
    assert!(w.list(&Query::default()).decode::<Value>().await.unwrap().is_empty());
    assert_eq!(w.get(id, &Query::default()).decode::<Value>().await.expect_err("deleted").code(), Some(&ErrorCode::Forbidden));
}

#[tokio::test]
async fn hash_generate_and_verify() {
    let s = server();
    let c = admin(s);
    let hash: String = c.utilities().generate_hash("hello").await.unwrap();
    assert!(hash.starts_with("$argon2"), "{hash}");
    assert!(c.utilities().verify_hash("hello", &hash).decode::<bool>().await.unwrap());
    assert!(!c.utilities().verify_hash("nope", &hash).decode::<bool>().await.unwrap());
    let err = c.utilities().generate_hash("").decode::<String>().await.expect_err("empty string");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
}

#[tokio::test]
async fn comments_use_the_activity_routes_before_11_2() {
    let s = server();
    let c = admin(s);
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let admin_id = me["id"].as_str().unwrap();
    let comment: Value = c.activity().create_comment("directus_users", admin_id, "hi").await.unwrap();
    // The name it had before: deprecated, still the same call.
    #[allow(deprecated)]
    let older: Value = c.activity().create("directus_users", admin_id, "hi again").await.unwrap();
    assert_eq!(older["comment"], "hi again");
    // And in the CLI: `activity create` still answers, as a hidden alias of `create-comment`.
    for command in ["create-comment", "create"] {
        let made = directus_e2e::admin_cli_json(env!("CARGO_BIN_EXE_directus"), s, &["activity", command, "--collection", "directus_users", "--item", admin_id, "--comment", command]);
        assert_eq!(made["comment"], command, "{made}");
    }
    assert_eq!(comment["action"], "comment");
    let id = comment["id"].as_i64().expect("activity ids are integers").to_string();
    let edited: Value = c.activity().update(&id, "hi edited").await.unwrap();
    assert_eq!(edited["comment"], "hi edited");
    let read: Value = c.activity().get(id.parse::<i64>().unwrap(), &Query::default()).decode().await.unwrap();
    assert_eq!(read["comment"], "hi edited");
    c.activity().delete(&id).await.unwrap();
    let err = c.activity().get(id.parse::<i64>().unwrap(), &Query::default()).decode::<Value>().await.expect_err("deleted comment");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden));
}

#[tokio::test]
async fn extensions_and_sso_on_10_10() {
    let s = server();
    let c = admin(s);
    let list: Vec<Value> = c.extensions().list(&Default::default()).decode().await.unwrap();
    assert!(list.is_empty(), "{list:?}");
    let anon = Client::new(&s.url).unwrap();
    let providers: Vec<Value> = anon.auth().list_providers().decode().await.unwrap();
    assert!(providers.iter().any(|p| p["name"] == "loopback"), "{providers:?}");
    // The CLI prints the whole reply, `disableDefault` too (spec `envelope_fields`).
    let whole = directus_e2e::admin_cli_json(env!("CARGO_BIN_EXE_directus"), s, &["auth", "list-providers"]);
    assert_eq!(whole["disableDefault"], false, "{whole}");
    assert!(whole["data"].as_array().is_some_and(|d| d.iter().any(|p| p["name"] == "loopback")), "{whole}");
    let location = anon
        .auth()
        .start_sso("loopback", &directus_client::auth::StartSsoOptions::default().redirect(format!("{}/admin", s.url)))
        .await
        .unwrap();
    assert!(location.starts_with("http://127.0.0.1:9/authorize?"), "{location}");
    assert!(location.contains("client_id=directus-rs-tests"), "{location}");
}

#[tokio::test]
async fn the_version_is_read_from_the_server_and_drives_routes() {
    let s = server();
    let c = admin(s);
    assert_eq!(c.server_version().await.unwrap().to_string(), "10.10.4");
    // A client told another version believes it: the check happens before anything is sent.
    let told = Client::builder(&s.url).token(s.admin_token.as_str()).server_version("12.4.1".parse().unwrap()).build().unwrap();
    let err = told.webhooks().list(&Query::default()).decode::<Value>().await.expect_err("12.4.1 has no webhooks");
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}

#[tokio::test]
async fn permissions_on_an_item_and_the_access_model_a_10_x_server_lacks() {
    let s = server();
    let c = admin(s);
    let me: Value = c.users().me(&Query::default()).decode().await.unwrap();
    let on_me: Value = c.permissions().me_item("directus_users", me["id"].as_str().unwrap()).decode().await.unwrap();
    assert!(on_me.is_object(), "{on_me}");
    // Policies came with 11.0: the client says so without sending anything.
    let err = c.policies().list(&Query::default()).decode::<Value>().await.expect_err("10.10.4 has no policies");
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert!(err.to_string().contains("added in 11.0.0"), "{err}");
}
